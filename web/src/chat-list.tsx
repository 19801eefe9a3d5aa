// The list of conversations: the contact's name and photo (number as secondary text), last message, time, unread badge, search by name, number or text; opens the new-chat and find-contacts dialogs.
import { useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { formatListTime, formatPhone } from './format.js'
import { Ticks } from './ticks.js'
import { NewChat } from './new-chat.js'
import { FindContacts } from './find-contacts.js'
import { ContactAvatar } from './contact-avatar.js'

export function ChatList ({ model }: { model: AppModel }) {
  const [query, setQuery] = useState('')
  const [dialog, setDialog] = useState<'new' | 'find' | undefined>()
  const q = query.trim().toLowerCase()
  const digits = q.replace(/\D/g, '')
  const shown = model.conversations.filter(c => q === '' ||
    c.lastMessage.text.toLowerCase().includes(q) ||
    (model.contactName(c.address)?.toLowerCase().includes(q) ?? false) ||
    formatPhone(c.address).toLowerCase().includes(q) ||
    (digits !== '' && c.address.includes(digits)))
  const active = model.route.name === 'chat' ? model.route.phone : undefined

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
      <label class="search">
        <span class="visually-hidden">Search chats</span>
        <input type="search" data-testid="chat-search" placeholder="Search" value={query} onInput={e => setQuery((e.target as HTMLInputElement).value)} />
      </label>
      {shown.length === 0
        ? <p class="empty" data-testid="chat-list-empty">{model.conversations.length === 0 ? 'No chats yet. Start one with "New chat".' : 'No chat matches.'}</p>
        : (
          <ul class="conversations" role="list">
            {shown.map(c => (
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
                          : <>{c.lastMessage.direction === 'out' && <Ticks status={c.lastMessage.status} />}{c.lastMessage.text}</>}
                      </span>
                      {c.unread > 0 && <span class="badge" data-testid="unread-badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          )}
      {dialog === 'new' && <NewChat model={model} onClose={() => setDialog(undefined)} />}
      {dialog === 'find' && <FindContacts model={model} onClose={() => setDialog(undefined)} />}
    </section>
  )
}
