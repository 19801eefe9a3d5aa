// One group chat: the group call buttons in its header, members' messages under their names (shared name, else number) in a colour per member, our messages with group ticks and message info, replies (quotes) and @mentions (a message mentioning us stands out), photos, videos, voice notes and files (with Forward) and files being sent, the group's calls among the messages, read marking while shown, older pages on scroll-up, and the composer with its attach menu and voice recorder (files dropped or pasted are sent too), or why there is none (we left or were removed; only admins send).
import { Fragment } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useReadMarking } from './read-marking.js'
import type { GroupInfo, GroupMessageEvent, MessageStatus, StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { dayKey, formatClock, formatDay } from './format.js'
import { GroupAvatar } from './contact-avatar.js'
import { Ticks } from './ticks.js'
import { EmojiButton } from './emoji-button.js'
import { describe } from './errors.js'
import { HISTORY_PAGE, mergeMessages } from './conversation.js'
import { MessageInfo } from './message-info.js'
import { groupAddress, memberColour, mentionQuery, mentionedNumbers, textParts, withMentions } from './groups-model.js'
import { ForwardButton, useChatMedia } from './chat-media.js'
import { AttachButton } from './attach.js'
import { VoiceRecorder } from './voice-recorder.js'
import { UploadBubbles } from './upload-bubble.js'
import { GroupCallButtons } from './call-buttons.js'
import { CallEntry } from './call-history.js'
import { withCalls } from './call-text.js'

/** Older messages load when the view is scrolled this close to its top (px), as in a 1:1 chat. */
const LOAD_OLDER_AT_PX = 80
/** New messages keep the view pinned to the bottom when it was this close to it (px). */
const STICK_TO_BOTTOM_PX = 120
/** A quote shows this many characters of the quoted text. */
const QUOTE_CHARS = 120
/** Mention suggestions listed at most (the rest are reached by typing more of the name). */
const MAX_SUGGESTIONS = 8

/** A message on screen: stored, or being sent (`local`); `quoteId` and `mentioned` as the live event or our send gave them. */
type Shown = StoredMessage & { local?: true, quoteId?: string, mentioned?: boolean }

let localIds = 0

/** A member's name as the chat shows it: "You" for us, the shared name, else the number. */
function memberName (model: AppModel, phone: string): string {
  return phone === model.phone ? 'You' : model.displayName(phone)
}

/** A text with its mentions as names (`@Bob`), the ones of us marked. */
function MessageText ({ model, text }: { model: AppModel, text: string }) {
  return (
    <>
      {textParts(text).map((p, i) => 'mention' in p
        ? <span key={i} class={`mention${p.mention === model.phone ? ' me' : ''}`} data-testid="mention" data-phone={p.mention}>@{p.mention === model.phone ? (model.me?.name ?? 'You') : model.displayName(p.mention)}</span>
        : <Fragment key={i}>{p.text}</Fragment>)}
    </>
  )
}

/** A text as one line with mentions as names, cut for a quote or the reply bar. */
function snippet (model: AppModel, text: string): string {
  const plain = textParts(text).map(p => 'mention' in p ? `@${memberName(model, p.mention)}` : p.text).join('')
  return plain.length > QUOTE_CHARS ? plain.slice(0, QUOTE_CHARS) + '…' : plain
}

/** The reply and info marks, drawn (no font has to have the glyphs) in the text colour. */
function ReplyIcon () {
  return (
    <svg viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d="M6.5 3.5 2.5 7.5l4 4M3 7.5h6.5a4 4 0 0 1 4 4v1" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}

function InfoIcon () {
  return (
    <svg viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path d="M8 7.2v4M8 4.6v.1" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" />
    </svg>
  )
}

function Quote ({ model, quoted }: { model: AppModel, quoted: Shown | undefined }) {
  if (quoted == null) return <div class="quote" data-testid="message-quote"><i>An earlier message</i></div>
  const who = quoted.direction === 'out' ? model.phone ?? '' : quoted.sender
  return (
    <div class="quote" data-testid="message-quote" data-quote-id={quoted.id}>
      <span class={`sender sender-c${memberColour(who)}`}>{quoted.direction === 'out' ? 'You' : model.displayName(quoted.sender)}</span>
      <span class="quote-text">{snippet(model, model.previewText(quoted))}</span>
    </div>
  )
}

export function GroupChat ({ model, id }: { model: AppModel, id: string }) {
  const groups = model.parley.groups
  const [info, setInfo] = useState<GroupInfo | undefined>()
  const [infoError, setInfoError] = useState<string | undefined>()
  const [messages, setMessages] = useState<Shown[]>([])
  const [quotes, setQuotes] = useState<Record<string, string>>({})
  /** the latest status event per message id, kept even before send() resolved */
  const latestStatus = useRef(new Map<string, MessageStatus>())
  const [loaded, setLoaded] = useState(false)
  const [hasOlder, setHasOlder] = useState(true)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [draft, setDraft] = useState('')
  const [caret, setCaret] = useState(0)
  /** members picked from the mention suggestions, shown in the draft as `@label` */
  const [picked, setPicked] = useState<Array<{ label: string, phone: string }>>([])
  const [suggestionsClosed, setSuggestionsClosed] = useState(false)
  const [replyTo, setReplyTo] = useState<Shown | undefined>()
  const [infoFor, setInfoFor] = useState<Shown | undefined>()
  const [error, setError] = useState<string | undefined>()
  const scroller = useRef<HTMLDivElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  const anchor = useRef<{ kind: 'bottom' } | { kind: 'keep', fromBottom: number } | undefined>({ kind: 'bottom' })

  const nearBottom = (): boolean => {
    const el = scroller.current
    return el == null || el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX
  }

  // the group, its first page and its quotes; live messages, ticks and membership changes
  useEffect(() => {
    let live = true
    setInfo(undefined)
    setInfoError(undefined)
    setMessages([])
    setLoaded(false)
    setHasOlder(true)
    setDraft('')
    setPicked([])
    setReplyTo(undefined)
    setInfoFor(undefined)
    setError(undefined)
    anchor.current = { kind: 'bottom' }
    const loadInfo = (): void => {
      groups.info(id).then(i => {
        if (!live) return
        setInfo(i)
        for (const m of i.memberList) if (!m.self) model.loadContact(m.phone)
      }, err => { if (live) setInfoError(describe(err)) })
    }
    loadInfo()
    model.groups.quotesOf(id).then(q => { if (live) setQuotes({ ...q }) }, () => {})
    groups.history(id, { limit: HISTORY_PAGE }).then(page => {
      if (!live) return
      anchor.current = { kind: 'bottom' }
      setMessages(list => mergeMessages(list, page))
      setHasOlder(page.length === HISTORY_PAGE)
      setLoaded(true)
    }, err => { if (live) setInfoError(describe(err)) })
    const onMessage = (e: GroupMessageEvent): void => {
      if (e.group !== id) return
      if (nearBottom()) anchor.current = { kind: 'bottom' }
      const m: Shown = { id: e.id, conversation: groupAddress(id), direction: 'in', sender: e.from, text: e.text, timestamp: e.timestamp, receivedAt: e.receivedAt, status: 'delivered', mentioned: e.mentioned, ...(e.quoteId != null ? { quoteId: e.quoteId } : {}), ...(e.attachment != null ? { attachment: e.attachment } : {}) }
      setMessages(list => mergeMessages(list, [m]))
    }
    // a file we sent (its upload done) or forwarded here
    const offMedia = model.media.onMessage(m => {
      if (m.conversation !== groupAddress(id)) return
      if (nearBottom()) anchor.current = { kind: 'bottom' }
      setMessages(list => mergeMessages(list, [{ ...m, status: latestStatus.current.get(m.id) ?? m.status }]))
    })
    const onStatus = (e: { group: string, id: string, status: MessageStatus }): void => {
      if (e.group !== id) return
      latestStatus.current.set(e.id, e.status)
      setMessages(list => list.map(m => m.id === e.id ? { ...m, status: e.status } : m))
    }
    const onUpdate = (e: { group: string }): void => { if (e.group === id) loadInfo() }
    groups.on('group-message', onMessage)
    groups.on('group-status', onStatus)
    groups.on('group-update', onUpdate)
    input.current?.focus()
    return () => {
      live = false
      offMedia()
      groups.off('group-message', onMessage)
      groups.off('group-status', onStatus)
      groups.off('group-update', onUpdate)
    }
  }, [id])

  // place the scroll position after messages render
  useLayoutEffect(() => {
    const el = scroller.current
    const a = anchor.current
    if (el == null || messages.length === 0) return
    if (a?.kind === 'bottom') el.scrollTop = el.scrollHeight
    else if (a?.kind === 'keep') el.scrollTop = el.scrollHeight - el.clientHeight - a.fromBottom
    anchor.current = undefined
    if (el.scrollHeight <= el.clientHeight) loadOlder()
  }, [messages, loaded])

  // read marking: while this group is on screen and the tab has focus (the senders get read receipts)
  useReadMarking(id, messages, setMessages, async () => await groups.markRead(id).then(() => model.refreshConversations()))

  const loadOlder = (): void => {
    const el = scroller.current
    if (el == null || loadingOlder || !hasOlder || !loaded || messages.length === 0) return
    if (el.scrollTop > LOAD_OLDER_AT_PX) return
    const oldest = messages[0]
    setLoadingOlder(true)
    void groups.history(id, { before: { timestamp: oldest.timestamp, id: oldest.id }, limit: HISTORY_PAGE }).then(page => {
      anchor.current = { kind: 'keep', fromBottom: el.scrollHeight - el.clientHeight - el.scrollTop }
      setMessages(list => mergeMessages(list, page))
      setHasOlder(page.length === HISTORY_PAGE)
    }).finally(() => setLoadingOlder(false))
  }

  const canSend = info != null && info.active && !(info.onlyAdminsSend && info.role !== 'admin')
  const others = info?.memberList.filter(m => !m.self) ?? []

  // mention suggestions for the `@…` being typed
  const query = canSend && !suggestionsClosed ? mentionQuery(draft, caret) : undefined
  const suggestions = query == null
    ? []
    : others.filter(m => {
      const q = query.toLowerCase()
      const digits = q.replace(/\D/g, '')
      return q === '' || model.displayName(m.phone).toLowerCase().includes(q) || (digits !== '' && m.phone.includes(digits))
    }).slice(0, MAX_SUGGESTIONS)

  const onInput = (el: HTMLTextAreaElement): void => {
    setDraft(el.value)
    setCaret(el.selectionStart ?? el.value.length)
    setSuggestionsClosed(false)
  }

  /** Replaces the `@query` before the caret with `@Name ` and remembers who it names. */
  const pickMention = (phone: string): void => {
    const el = input.current
    const label = model.displayName(phone)
    const at = el?.selectionStart ?? caret
    const before = draft.slice(0, at).replace(/@[^\s@]*$/, `@${label} `)
    const next = before + draft.slice(at)
    if (el != null) {
      el.value = next
      el.focus()
      el.setSelectionRange(before.length, before.length)
    }
    setDraft(next)
    setCaret(before.length)
    setPicked(list => [...list.filter(p => p.phone !== phone), { label, phone }])
  }

  /** Puts `emoji` where the caret is (or over the selection); focus stays in the picker. */
  const insertEmoji = (emoji: string): void => {
    const el = input.current
    const start = el?.selectionStart ?? draft.length
    const end = el?.selectionEnd ?? start
    const next = draft.slice(0, start) + emoji + draft.slice(end)
    if (el != null) {
      el.value = next
      el.setSelectionRange(start + emoji.length, start + emoji.length)
    }
    setDraft(next)
    setCaret(start + emoji.length)
  }

  const send = (): void => {
    const raw = draft.trim()
    if (raw === '' || info == null) return
    const { text, mentions } = withMentions(raw, picked, info.memberList.map(m => m.phone), model.phone)
    const quoteId = replyTo != null && replyTo.local !== true ? replyTo.id : undefined
    const pickedBefore = picked
    const replyBefore = replyTo
    setDraft('')
    setPicked([])
    setReplyTo(undefined)
    setError(undefined)
    anchor.current = { kind: 'bottom' }
    const now = Date.now()
    const local: Shown = { id: `local-${++localIds}`, conversation: groupAddress(id), direction: 'out', sender: model.phone ?? '', text, timestamp: now, receivedAt: now, status: 'pending', local: true, ...(quoteId != null ? { quoteId } : {}) }
    setMessages(list => mergeMessages(list, [local]))
    groups.send(id, text, { ...(quoteId != null ? { quoteId } : {}), ...(mentions.length > 0 ? { mentions } : {}) }).then(m => {
      if (quoteId != null) {
        void model.groups.rememberQuote(id, m.id, quoteId)
        setQuotes(q => ({ ...q, [m.id]: quoteId }))
      }
      anchor.current = { kind: 'bottom' }
      const status = latestStatus.current.get(m.id) ?? m.status
      setMessages(list => mergeMessages(list.filter(x => x.id !== local.id), [{ ...m, status }]))
      void model.refreshConversations()
    }, err => {
      // nothing was stored (no longer a member, only admins send, too long…): the text goes back to the composer
      setMessages(list => list.filter(x => x.id !== local.id))
      setDraft(d => d === '' ? raw : d)
      setPicked(p => p.length === 0 ? pickedBefore : p)
      setReplyTo(r => r ?? replyBefore)
      setError(describe(err))
    })
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    if (suggestions.length > 0 && e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      pickMention(suggestions[0].phone)
      return
    }
    if (e.key === 'Escape' && (suggestions.length > 0 || replyTo != null)) {
      // closes the suggestions or the reply, not the chat
      e.preventDefault()
      if (suggestions.length > 0) setSuggestionsClosed(true)
      else setReplyTo(undefined)
      return
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      send()
    }
  }

  const reply = (m: Shown): void => {
    setReplyTo(m)
    input.current?.focus()
  }

  const address = groupAddress(id)
  const chatMedia = useChatMedia(model, address, messages, setError)
  const toBottom = (): void => {
    const el = scroller.current
    if (el != null) el.scrollTop = el.scrollHeight
  }
  const quoteOf = (m: Shown): string | undefined => m.quoteId ?? quotes[m.id]
  const name = info?.name ?? model.groups.name(id)
  const ended = model.groups.ended(id)
  const membersLine = info == null
    ? ''
    : info.active
      ? [...others.map(m => model.displayName(m.phone)), 'You'].join(', ')
      : 'You are no longer a member'
  // the group's calls among the messages (those older than the loaded page come with older pages)
  const groupCalls = model.calls.recordsOfGroup(id)
  const items = withCalls(messages, loaded ? groupCalls : [], loaded && !hasOlder)
  const callCount = items.length - messages.length
  const lastCall = groupCalls[0]
  // a call that ends or comes in while the view is at the bottom keeps it there
  useLayoutEffect(() => {
    const el = scroller.current
    if (el != null && el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX * 2) el.scrollTop = el.scrollHeight
  }, [callCount, lastCall?.outcome])
  let lastDay: number | undefined
  let previous: Shown | undefined

  return (
    <section class="conversation group-chat" aria-labelledby="group-title" data-testid="group-chat" data-group={id}
      data-state={loaded && info != null ? 'ready' : 'loading'} data-active={info == null ? undefined : String(info.active)} {...(canSend ? chatMedia.drop : {})}>
      <header class="pane-header">
        <button type="button" class="icon back" data-testid="back" aria-label="Back to chats" onClick={() => model.go({ name: 'list' })}>←</button>
        <button type="button" class="title-button" data-testid="open-group-info" onClick={() => model.go({ name: 'group-info', id })}>
          <GroupAvatar name={name} photoUrl={model.groups.photoUrl(id)} />
          <span class="title-text">
            <span class="title-line">
              <h2 id="group-title" data-testid="group-title">{name}</h2>
            </span>
            <span class="subtitle presence" data-testid="group-members-line">{membersLine}</span>
          </span>
        </button>
        <GroupCallButtons model={model} groupId={id} active={info?.active !== false} />
      </header>
      <div class="messages" ref={scroller} onScroll={loadOlder} data-testid="messages" role="log" aria-live="polite" aria-label={`Messages in ${name}`} tabIndex={0}>
        {loadingOlder && <p class="loading-older" data-testid="loading-older"><span class="spinner" aria-hidden="true" /> Loading older messages…</p>}
        {loaded && !hasOlder && <p class="history-start">Messages in this group are end-to-end encrypted. Only its members can read them.</p>}
        {items.map(item => {
          const day = dayKey(item.at)
          const separator = day !== lastDay
          lastDay = day
          if (item.kind === 'call') {
            // a call between two messages of one member: the next shows its sender's name again
            previous = undefined
            return (
              <Fragment key={`call:${item.call.id}`}>
                {separator && <div class="day-separator" role="separator" data-testid="day-separator"><span>{formatDay(item.at)}</span></div>}
                <CallEntry model={model} r={item.call} />
              </Fragment>
            )
          }
          const m = item.message
          const runStart = m.direction === 'in' && (separator || previous?.direction !== 'in' || previous.sender !== m.sender)
          previous = m
          const mentionsMe = m.direction === 'in' && (m.mentioned === true || (model.phone != null && mentionedNumbers(m.text).includes(model.phone)))
          const quoteId = quoteOf(m)
          return (
            <Fragment key={m.id}>
              {separator && <div class="day-separator" role="separator" data-testid="day-separator"><span>{formatDay(item.at)}</span></div>}
              <div class={`bubble ${m.direction}${mentionsMe ? ' mentioned' : ''}${m.attachment != null ? ' has-media' : ''}`} data-testid="message" data-id={m.local === true ? undefined : m.id}
                data-direction={m.direction} data-status={m.status} data-sender={m.sender} data-mentioned={mentionsMe ? 'true' : undefined}>
                {runStart && <span class={`sender sender-c${memberColour(m.sender)}`} data-testid="message-sender">{model.displayName(m.sender)}</span>}
                {quoteId != null && <Quote model={model} quoted={messages.find(x => x.id === quoteId)} />}
                {chatMedia.part(m)}
                {(m.text !== '' || m.attachment == null) && <p class="text"><MessageText model={model} text={m.text} /></p>}
                <span class="meta">
                  {mentionsMe && <span class="mentions-you" data-testid="mentions-you">@ you</span>}
                  <time dateTime={new Date(m.timestamp).toISOString()}>{formatClock(m.timestamp)}</time>
                  {m.direction === 'out' && <Ticks status={m.status} group />}
                </span>
                {m.local !== true && (
                  <span class="bubble-actions">
                    {canSend && <button type="button" class="icon" data-testid="message-reply" aria-label={`Reply to ${memberName(model, m.direction === 'out' ? model.phone ?? '' : m.sender)}`} title="Reply" onClick={() => reply(m)}><ReplyIcon /></button>}
                    {m.attachment != null && <ForwardButton onClick={() => chatMedia.forward(m)} />}
                    {m.direction === 'out' && <button type="button" class="icon" data-testid="message-info-open" aria-label="Message info" title="Message info" aria-haspopup="dialog" onClick={() => setInfoFor(m)}><InfoIcon /></button>}
                  </span>
                )}
              </div>
            </Fragment>
          )
        })}
        {loaded && items.length === 0 && <p class="empty">No messages yet. Say hello to the group!</p>}
        <UploadBubbles model={model} conversation={address} onError={setError} onGrow={toBottom} />
      </div>
      {infoError != null && <p class="error send-error" role="alert" data-testid="group-error">{infoError}</p>}
      {error != null && <p class="error send-error" role="alert" data-testid="send-error">{error}</p>}
      {info != null && !info.active && (
        <p class="composer-note" role="status" data-testid="group-ended" data-reason={ended ?? 'unknown'}>
          {ended === 'removed' ? 'You were removed from this group. You can read its history, but no longer send or receive messages.' : ended === 'left' ? 'You left this group.' : 'You are no longer a member of this group.'}
        </p>
      )}
      {info != null && info.active && !canSend && (
        <p class="composer-note" role="status" data-testid="group-admins-only">Only admins can send messages to this group.</p>
      )}
      {canSend && (
        <>
          {replyTo != null && (
            <div class="reply-preview" data-testid="reply-preview">
              <Quote model={model} quoted={replyTo} />
              <button type="button" class="icon" data-testid="reply-cancel" aria-label="Cancel the reply" onClick={() => setReplyTo(undefined)}>✕</button>
            </div>
          )}
          {suggestions.length > 0 && (
            <ul class="mention-list" role="list" aria-label="Mention a member" data-testid="mention-list">
              {suggestions.map(m => (
                <li key={m.phone}>
                  <button type="button" data-testid="mention-option" data-phone={m.phone} onClick={() => pickMention(m.phone)}>
                    <span class={`sender sender-c${memberColour(m.phone)}`}>{model.displayName(m.phone)}</span>
                    {model.contactName(m.phone) != null && <span class="row-number"> {m.phone}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form class="composer" onSubmit={e => { e.preventDefault(); send() }}>
            <EmojiButton onPick={insertEmoji} onClose={() => input.current?.focus()} />
            <AttachButton idPrefix="group" onFiles={chatMedia.pick} />
            <label for="group-composer-input" class="visually-hidden">Message to {name} (type @ to mention a member)</label>
            <textarea id="group-composer-input" ref={input} data-testid="composer" rows={1} placeholder="Message" value={draft}
              onInput={e => onInput(e.target as HTMLTextAreaElement)} onKeyDown={onKeyDown}
              onKeyUp={e => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
              onClick={e => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)} onPaste={chatMedia.onPaste} />
            {draft.trim() === ''
              ? <VoiceRecorder onRecorded={chatMedia.sendVoice} onError={setError} />
              : <button type="submit" class="composer-send" data-testid="send" aria-label="Send">➤</button>}
          </form>
        </>
      )}
      {chatMedia.layers}
      {infoFor != null && info != null && (
        <MessageInfo model={model} group={id} message={messages.find(m => m.id === infoFor.id) ?? infoFor} members={info.memberList} onClose={() => setInfoFor(undefined)} />
      )}
    </section>
  )
}
