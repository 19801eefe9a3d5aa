// The list of conversations, 1:1 chats and groups together, newest first: the contact's name and photo (number as secondary text) or the group's name, last message ("Bob: hi" in a group, "📷 Photo" for a file without a caption), time, unread badge, search by name, number or text; opens the new-chat, new-group and find-contacts dialogs.
import { useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { formatListTime, formatPhone } from './format.js'
import { Ticks } from './ticks.js'
import { NewChat } from './new-chat.js'
import { NewGroup } from './new-group.js'
import { FindContacts } from './find-contacts.js'
import { ContactAvatar, GroupAvatar } from './contact-avatar.js'
import { groupAddress, type ChatEntry } from './groups-model.js'
import { KIND_LABEL } from './media-model.js'
import { ListTabs } from './call-history.js'

/** The last message as the row shows it: its text, or what kind of file it is when it has no caption ("📷 Photo"). */
function lastText (model: AppModel, address: string, last: { id: string, text: string }): string {
  const kind = model.media.lastKind(address, last)
  return kind != null ? KIND_LABEL[kind] : last.text
}

/** The address of the chat the route shows, if any (a group's is its conversation address). */
function activeAddress (model: AppModel): string | undefined {
  const r = model.route
  if (r.name === 'chat') return r.phone
  if (r.name === 'group' || r.name === 'group-info') return groupAddress(r.id)
  if (r.name === 'media') return r.address
  return undefined
}

/** A group row's last message: "Bob: hi", "You: hi" (with its ticks), nothing for a new group. */
function GroupLast ({ model, c }: { model: AppModel, c: Extract<ChatEntry, { kind: 'group' }> }) {
  const last = c.lastMessage
  if (last == null) return <i>{model.groups.summaries.get(c.groupId)?.active === false ? 'You are no longer a member' : 'New group'}</i>
  const text = lastText(model, c.address, last)
  if (last.direction === 'out') return <><Ticks status={last.status} group />You: {text}</>
  const sender = model.groups.lastSender(c.groupId, last)
  return <>{sender != null ? `${model.displayName(sender)}: ` : ''}{text}</>
}

export function ChatList ({ model }: { model: AppModel }) {
  const [query, setQuery] = useState('')
  const [dialog, setDialog] = useState<'new' | 'group' | 'find' | undefined>()
  const q = query.trim().toLowerCase()
  const digits = q.replace(/\D/g, '')
  const shown = model.chats().filter(c => q === '' ||
    (c.lastMessage?.text.toLowerCase().includes(q) ?? false) ||
    (c.kind === 'group'
      ? model.groups.name(c.groupId).toLowerCase().includes(q)
      : (model.contactName(c.address)?.toLowerCase().includes(q) ?? false) ||
        formatPhone(c.address).toLowerCase().includes(q) ||
        (digits !== '' && c.address.includes(digits))))
  const active = activeAddress(model)

  return (
    <section class="chat-list" aria-labelledby="chats-title" data-testid="chat-list">
      <header class="pane-header">
        <h1 id="chats-title">Chats</h1>
        <div class="actions">
          <button type="button" data-testid="new-chat" onClick={() => setDialog('new')} aria-haspopup="dialog">New chat</button>
          <button type="button" class="secondary" data-testid="find-contacts" onClick={() => setDialog('find')} aria-haspopup="dialog" aria-label="Find contacts">Find<span class="wide-only"> contacts</span></button>
          <button type="button" class="icon" data-testid="open-settings" onClick={() => model.go({ name: 'settings' })} aria-label="Settings" title="Settings">⚙</button>
        </div>
      </header>
      <ListTabs model={model} />
      <label class="search">
        <span class="visually-hidden">Search chats</span>
        <input type="search" data-testid="chat-search" placeholder="Search" value={query} onInput={e => setQuery((e.target as HTMLInputElement).value)} />
      </label>
      {shown.length === 0
        ? <p class="empty" data-testid="chat-list-empty">{q === '' ? 'No chats yet. Start one with "New chat".' : 'No chat matches.'}</p>
        : (
          <ul class="conversations" role="list">
            {shown.map(c => c.kind === 'group'
              ? (
                <li key={c.address}>
                  <button type="button" class={`conversation-row${c.address === active ? ' active' : ''}`} data-testid="chat-row" data-group={c.groupId} data-unread={c.unread}
                    aria-current={c.address === active ? 'true' : undefined}
                    onClick={() => model.go({ name: 'group', id: c.groupId })}>
                    <GroupAvatar name={model.groups.name(c.groupId)} photoUrl={model.groups.photoUrl(c.groupId)} />
                    <span class="row-main">
                      <span class="row-top">
                        <span class="row-title">
                          <span class="row-name" data-testid="chat-name">{model.groups.name(c.groupId)}</span>
                          {model.groups.isMuted(c.groupId) && <span class="row-number" data-testid="chat-muted" title="Muted">muted</span>}
                        </span>
                        {c.lastMessage != null && <time class="row-time" dateTime={new Date(c.lastMessage.timestamp).toISOString()}>{formatListTime(c.lastMessage.timestamp)}</time>}
                      </span>
                      <span class="row-bottom">
                        <span class="row-last" data-testid="chat-last"><GroupLast model={model} c={c} /></span>
                        {c.unread > 0 && <span class="badge" data-testid="unread-badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                      </span>
                    </span>
                  </button>
                </li>
                )
              : (
              <li key={c.address}>
                <button type="button" class={`conversation-row${c.address === active ? ' active' : ''}`} data-testid="chat-row" data-phone={c.address} data-unread={c.unread}
                  aria-current={c.address === active ? 'true' : undefined}
                  onClick={() => model.go({ name: 'chat', phone: c.address })}>
                  <ContactAvatar model={model} phone={c.address} />
                  <span class="row-main">
                    <span class="row-top">
                      <span class="row-title">
                        <span class="row-name" data-testid="chat-name">{model.displayName(c.address)}</span>
                        {model.contactName(c.address) != null && <span class="row-number" data-testid="chat-number">{formatPhone(c.address)}</span>}
                      </span>
                      <time class="row-time" dateTime={new Date(c.lastMessage.timestamp).toISOString()}>{formatListTime(c.lastMessage.timestamp)}</time>
                    </span>
                    <span class="row-bottom">
                      <span class="row-last" data-testid="chat-last">
                        {/* the ticks belong to the last message: while "typing…" stands in for it, they go too */}
                        {model.isTyping(c.address)
                          ? <i class="typing">typing…</i>
                          : <>{c.lastMessage.direction === 'out' && <Ticks status={c.lastMessage.status} />}{lastText(model, c.address, c.lastMessage)}</>}
                      </span>
                      {c.unread > 0 && <span class="badge" data-testid="unread-badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                    </span>
                  </span>
                </button>
              </li>
                ))}
          </ul>
          )}
      {dialog === 'new' && <NewChat model={model} onClose={() => setDialog(undefined)} onNewGroup={() => setDialog('group')} />}
      {dialog === 'group' && <NewGroup model={model} onClose={() => setDialog(undefined)} />}
      {dialog === 'find' && <FindContacts model={model} onClose={() => setDialog(undefined)} />}
    </section>
  )
}
