// One conversation: bubbles with day separators and live ticks (photos, videos, voice notes and files in them, with Forward), the calls with the contact among them, voice and video call buttons, typing indicator, older pages on scroll-up, read marking while visible, files being sent, the composer with its emoji picker, attach menu and voice recorder; files dropped on the chat or pasted are sent too.
import { Fragment } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useReadMarking } from './read-marking.js'
import type { ReceivedMessage, StoredMessage, MessageStatus } from '../../src/browser.js'
import { TYPING_IDLE_MS, TYPING_REPEAT_MS, type AppModel } from './model.js'
import { dayKey, formatClock, formatDay, formatPhone, formatPresence } from './format.js'
import { SecurityBanner } from './security-banner.js'
import { ContactAvatar } from './contact-avatar.js'
import { Ticks } from './ticks.js'
import { EmojiButton } from './emoji-button.js'
import { describe } from './errors.js'
import { mark, markQueued } from './perf.js'
import { ForwardButton, useChatMedia } from './chat-media.js'
import { AttachButton } from './attach.js'
import { VoiceRecorder } from './voice-recorder.js'
import { UploadBubbles } from './upload-bubble.js'
import { CallButtons } from './call-buttons.js'
import { CallEntry } from './call-history.js'
import { withCalls } from './call-text.js'

/** Messages per history page: about two screens. */
export const HISTORY_PAGE = 30
/** Older messages load when the view is scrolled this close to its top (px). */
const LOAD_OLDER_AT_PX = 80
/** New messages keep the view pinned to the bottom when it was this close to it (px). */
const STICK_TO_BOTTOM_PX = 120

/** A message on screen: a stored one, or a text being written to history (`local`: shown the moment it is sent). */
type Shown = StoredMessage & { local?: true }

function byTime (a: StoredMessage, b: StoredMessage): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The messages of both lists, each id once (`add` wins), in history order (the group chat's too). */
export function mergeMessages<T extends StoredMessage> (list: T[], add: T[]): T[] {
  const map = new Map(list.map(m => [m.id, m]))
  for (const m of add) map.set(m.id, m)
  return [...map.values()].sort(byTime)
}

let localIds = 0

export function ConversationView ({ model, phone }: { model: AppModel, phone: string }) {
  const parley = model.parley
  const [messages, setMessages] = useState<Shown[]>([])
  /** the latest status event per message id, kept even before send() resolved (the text may be sent by then) */
  const latestStatus = useRef(new Map<string, MessageStatus>())
  const [loaded, setLoaded] = useState(false)
  const [hasOlder, setHasOlder] = useState(true)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | undefined>()
  const scroller = useRef<HTMLDivElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  /** set before a change of `messages`: how to place the scroll position after it renders */
  const anchor = useRef<{ kind: 'bottom' } | { kind: 'keep', fromBottom: number } | undefined>({ kind: 'bottom' })
  const typingSent = useRef({ at: 0, on: false, idle: undefined as ReturnType<typeof setTimeout> | undefined })

  const nearBottom = (): boolean => {
    const el = scroller.current
    return el == null || el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX
  }

  // first page, and live updates for this conversation
  useEffect(() => {
    let live = true
    setMessages([])
    setLoaded(false)
    setHasOlder(true)
    setDraft('')
    anchor.current = { kind: 'bottom' }
    void parley.history(phone, { limit: HISTORY_PAGE }).then(page => {
      if (!live) return
      anchor.current = { kind: 'bottom' }
      setMessages(list => mergeMessages(list, page))
      setHasOlder(page.length === HISTORY_PAGE)
      setLoaded(true)
    })
    const onMessage = (m: ReceivedMessage): void => {
      if (m.from !== phone) return
      if (nearBottom()) anchor.current = { kind: 'bottom' }
      setMessages(list => mergeMessages(list, [{ id: m.id, conversation: m.from, direction: 'in', sender: m.from, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt, status: 'delivered', ...(m.attachment != null ? { attachment: m.attachment } : {}) }]))
    }
    // a file we sent (its upload done) or forwarded here
    const offMedia = model.media.onMessage(m => {
      if (m.conversation !== phone) return
      if (nearBottom()) anchor.current = { kind: 'bottom' }
      setMessages(list => mergeMessages(list, [{ ...m, status: latestStatus.current.get(m.id) ?? m.status }]))
    })
    const onStatus = (e: { phone: string, id: string, status: MessageStatus }): void => {
      if (e.phone !== phone) return
      latestStatus.current.set(e.id, e.status)
      setMessages(list => list.map(m => m.id === e.id ? { ...m, status: e.status } : m))
    }
    // a text one of our other devices sent in this chat: it is in history as sent, shown as ours
    const onSent = (e: { to: string }): void => {
      if (e.to !== phone) return
      if (nearBottom()) anchor.current = { kind: 'bottom' }
      void parley.history(phone, { limit: HISTORY_PAGE }).then(page => { if (live) setMessages(list => mergeMessages(list, page)) })
    }
    // this chat was read on another of our devices
    const onReadSync = (e: { phone: string, ids: string[] }): void => {
      if (e.phone !== phone) return
      const ids = new Set(e.ids)
      setMessages(list => list.map(m => m.direction === 'in' && ids.has(m.id) ? { ...m, status: 'read' } : m))
    }
    parley.on('message', onMessage)
    parley.on('status', onStatus)
    parley.on('sent', onSent)
    parley.on('read-sync', onReadSync)
    input.current?.focus()
    return () => {
      live = false
      offMedia()
      parley.off('message', onMessage)
      parley.off('status', onStatus)
      parley.off('sent', onSent)
      parley.off('read-sync', onReadSync)
      const t = typingSent.current
      if (t.idle != null) clearTimeout(t.idle)
      if (t.on) void parley.typing(phone, false).catch(() => {})
      typingSent.current = { at: 0, on: false, idle: undefined }
    }
  }, [phone])

  // place the scroll position after messages render
  useLayoutEffect(() => {
    const el = scroller.current
    const a = anchor.current
    if (el == null || messages.length === 0) return
    if (a?.kind === 'bottom') el.scrollTop = el.scrollHeight
    else if (a?.kind === 'keep') el.scrollTop = el.scrollHeight - el.clientHeight - a.fromBottom
    anchor.current = undefined
    // a page that does not fill the view gives nothing to scroll: fetch the next one now
    if (el.scrollHeight <= el.clientHeight) loadOlder()
  }, [messages, loaded])

  // read marking: while this conversation is on screen and the tab has focus
  useReadMarking(phone, messages, setMessages, async () => await parley.markRead(phone).then(() => model.refreshConversations()))

  const loadOlder = (): void => {
    const el = scroller.current
    if (el == null || loadingOlder || !hasOlder || !loaded || messages.length === 0) return
    if (el.scrollTop > LOAD_OLDER_AT_PX) return
    const oldest = messages[0]
    setLoadingOlder(true)
    void parley.history(phone, { before: { timestamp: oldest.timestamp, id: oldest.id }, limit: HISTORY_PAGE }).then(page => {
      anchor.current = { kind: 'keep', fromBottom: el.scrollHeight - el.clientHeight - el.scrollTop }
      setMessages(list => mergeMessages(list, page))
      setHasOlder(page.length === HISTORY_PAGE)
    }).finally(() => setLoadingOlder(false))
  }

  const stopTyping = (): void => {
    const t = typingSent.current
    if (t.idle != null) clearTimeout(t.idle)
    t.idle = undefined
    if (t.on) {
      t.on = false
      t.at = 0
      void parley.typing(phone, false).catch(() => {})
    }
  }

  const onInput = (value: string): void => {
    setDraft(value)
    const t = typingSent.current
    if (value.trim() === '') {
      stopTyping()
      return
    }
    const now = Date.now()
    if (!t.on || now - t.at > TYPING_REPEAT_MS) {
      t.on = true
      t.at = now
      void parley.typing(phone, true).catch(() => {})
    }
    if (t.idle != null) clearTimeout(t.idle)
    t.idle = setTimeout(stopTyping, TYPING_IDLE_MS)
  }

  /** Puts `emoji` where the caret is (or over the selection) and moves the caret after it; focus stays in the picker. */
  const insertEmoji = (emoji: string): void => {
    const el = input.current
    const start = el?.selectionStart ?? draft.length
    const end = el?.selectionEnd ?? start
    const next = draft.slice(0, start) + emoji + draft.slice(end)
    if (el != null) {
      el.value = next
      el.setSelectionRange(start + emoji.length, start + emoji.length)
    }
    onInput(next)
  }

  const send = (): void => {
    const text = draft.trim()
    if (text === '') return
    setDraft('')
    setError(undefined)
    const t = typingSent.current
    if (t.idle != null) clearTimeout(t.idle)
    // the message itself ends the typing indicator on the other side
    typingSent.current = { at: 0, on: false, idle: undefined }
    anchor.current = { kind: 'bottom' }
    mark('send')
    // the text is on screen (pending) the moment the composer clears, whatever send() waits for (a new
    // number's directory lookup, a slow store); it becomes the stored message when send() resolves
    const now = Date.now()
    const local: Shown = { id: `local-${++localIds}`, conversation: phone, direction: 'out', sender: '', text, timestamp: now, receivedAt: now, status: 'pending', local: true }
    setMessages(list => mergeMessages(list, [local]))
    parley.send(phone, text).then(m => {
      markQueued(m.id)
      anchor.current = { kind: 'bottom' }
      const status = latestStatus.current.get(m.id) ?? m.status
      setMessages(list => mergeMessages(list.filter(x => x.id !== local.id), [{ ...m, status }]))
      void model.refreshConversations()
    }, err => {
      // nothing was stored (not on Parley, a key to accept, too long…): the text goes back to the composer
      setMessages(list => list.filter(x => x.id !== local.id))
      setDraft(d => d === '' ? text : d)
      setError(describe(err))
    })
  }

  const retry = (m: Shown): void => {
    setError(undefined)
    parley.retry(phone, m.id).then(sent => {
      if (sent) setMessages(list => list.map(x => x.id === m.id ? { ...x, status: latestStatus.current.get(m.id) ?? 'pending' } : x))
    }, err => setError(describe(err)))
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      send()
    }
  }

  const chatMedia = useChatMedia(model, phone, messages, setError)
  const toBottom = (): void => {
    const el = scroller.current
    if (el != null) el.scrollTop = el.scrollHeight
  }

  // the calls with this contact among the messages (those older than the loaded page come with older pages)
  const items = loaded ? withCalls(messages, model.calls.recordsOf(phone), !hasOlder) : []
  const callCount = items.length - messages.length
  const lastCall = model.calls.recordsOf(phone)[0]
  // a call that ends or comes in while the view is at the bottom keeps it there
  useLayoutEffect(() => {
    const el = scroller.current
    if (el != null && el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX * 2) el.scrollTop = el.scrollHeight
  }, [callCount, lastCall?.outcome])

  const typing = model.isTyping(phone)
  const presence = model.presenceOf(phone)
  const presenceText = formatPresence(presence)
  let lastDay: number | undefined

  return (
    <section class="conversation" aria-labelledby="conversation-title" data-testid="conversation" data-phone={phone} data-state={loaded ? 'ready' : 'loading'} {...chatMedia.drop}>
      <header class="pane-header">
        <button type="button" class="icon back" data-testid="back" aria-label="Back to chats" onClick={() => model.go({ name: 'list' })}>←</button>
        <button type="button" class="title-button" data-testid="open-contact" onClick={() => model.go({ name: 'contact', phone })}>
          <ContactAvatar model={model} phone={phone} />
          <span class="title-text">
            <span class="title-line">
              <h2 id="conversation-title" data-testid="conversation-title">{model.displayName(phone)}</h2>
              {model.contactName(phone) != null && <span class="header-number" data-testid="conversation-number">{formatPhone(phone)}</span>}
            </span>
            <span class="subtitle" data-testid="typing" data-state={typing ? 'typing' : 'idle'} aria-live="polite">{typing ? 'typing…' : ''}</span>
            {!typing && presenceText !== '' && (
              <span class="subtitle presence" data-testid="presence" data-state={presence?.online === true ? 'online' : 'offline'}>{presenceText}</span>
            )}
          </span>
        </button>
        <CallButtons model={model} phone={phone} />
      </header>
      <SecurityBanner model={model} phone={phone} />
      <div class="messages" ref={scroller} onScroll={loadOlder} data-testid="messages" role="log" aria-live="polite" aria-label={`Messages with ${model.displayName(phone)}`} tabIndex={0}>
        {loadingOlder && <p class="loading-older" data-testid="loading-older"><span class="spinner" aria-hidden="true" /> Loading older messages…</p>}
        {loaded && !hasOlder && items.length > 0 && <p class="history-start">Messages are end-to-end encrypted. This is the start of the conversation.</p>}
        {loaded && items.length === 0 && <p class="empty">No messages yet. Say hello!</p>}
        {items.map(item => {
          const day = dayKey(item.at)
          const separator = day !== lastDay ? <div class="day-separator" role="separator" data-testid="day-separator"><span>{formatDay(item.at)}</span></div> : null
          lastDay = day
          if (item.kind === 'call') return <Fragment key={`call:${item.call.id}`}>{separator}<CallEntry model={model} r={item.call} /></Fragment>
          const m = item.message
          return (
            <Fragment key={m.id}>
              {separator}
              <div class={`bubble ${m.direction}${m.attachment != null ? ' has-media' : ''}`} data-testid="message" data-id={m.local === true ? undefined : m.id} data-direction={m.direction} data-status={m.status}>
                {chatMedia.part(m)}
                {(m.text !== '' || m.attachment == null) && <p class="text">{m.text}</p>}
                <span class="meta">
                  <time dateTime={new Date(m.timestamp).toISOString()}>{formatClock(m.timestamp)}</time>
                  {m.direction === 'out' && <Ticks status={m.status} />}
                </span>
                {m.direction === 'out' && m.status === 'failed' && m.local !== true && (
                  <button type="button" class="retry" data-testid="retry" onClick={() => retry(m)}>Not sent. Tap to try again</button>
                )}
                {m.attachment != null && m.local !== true && (
                  <span class="bubble-actions"><ForwardButton onClick={() => chatMedia.forward(m)} /></span>
                )}
              </div>
            </Fragment>
          )
        })}
        <UploadBubbles model={model} conversation={phone} onError={setError} onGrow={toBottom} />
      </div>
      {error != null && <p class="error send-error" role="alert" data-testid="send-error">{error}</p>}
      <form class="composer" onSubmit={e => { e.preventDefault(); send() }}>
        <EmojiButton onPick={insertEmoji} onClose={() => input.current?.focus()} />
        <AttachButton idPrefix="chat" onFiles={chatMedia.pick} />
        <label for="composer-input" class="visually-hidden">Message</label>
        <textarea id="composer-input" ref={input} data-testid="composer" rows={1} placeholder="Message" value={draft}
          onInput={e => onInput((e.target as HTMLTextAreaElement).value)} onKeyDown={onKeyDown} onPaste={chatMedia.onPaste} />
        {draft.trim() === ''
          ? <VoiceRecorder onRecorded={chatMedia.sendVoice} onError={setError} />
          : <button type="submit" class="composer-send" data-testid="send" aria-label="Send">➤</button>}
      </form>
      {chatMedia.layers}
    </section>
  )
}
