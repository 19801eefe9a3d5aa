// Broadcast lists: named lists of contacts kept on this device, each with a composer; a message to a list goes to each contact as a normal 1:1 message (their replies come back in the 1:1 chats), with who got it and who could not. Making a list: a name and contacts. Knows nothing of how a 1:1 message travels.
import { useEffect, useState } from 'preact/hooks'
import { MAX_BROADCAST_NAME_LENGTH, type BroadcastList } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { ContactPicker } from './contact-picker.js'
import { describe } from './errors.js'

type Sent = Array<{ phone: string, id?: string, error?: string }>

function ListCard ({ model, list, onRemoved }: { model: AppModel, list: BroadcastList, onRemoved: () => void }) {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [sent, setSent] = useState<{ text: string, to: Sent } | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [confirm, setConfirm] = useState(false)
  const composer = `broadcast-text-${list.id}`

  const send = (e: Event): void => {
    e.preventDefault()
    const t = text.trim()
    if (t === '') return
    setBusy(true)
    setError(undefined)
    model.parley.broadcasts.send(list.id, t).then(to => {
      setSent({ text: t, to })
      setText('')
      void model.refreshConversations()
    }, err => setError(describe(err))).finally(() => setBusy(false))
  }

  const remove = (): void => {
    model.parley.broadcasts.remove(list.id).then(onRemoved, err => setError(describe(err)))
  }

  const ok = sent?.to.filter(s => s.id != null) ?? []
  const failed = sent?.to.filter(s => s.id == null) ?? []
  return (
    <li class="broadcast settings-section" data-testid="broadcast" data-id={list.id}>
      <h3 data-testid="broadcast-name">{list.name}</h3>
      <p class="note" data-testid="broadcast-recipients">{list.phones.length} contact{list.phones.length === 1 ? '' : 's'}: {list.phones.map(p => model.displayName(p)).join(', ')}</p>
      <form class="composer broadcast-composer" onSubmit={send}>
        <label for={composer} class="visually-hidden">Message to the list {list.name}</label>
        <textarea id={composer} data-testid="broadcast-text" rows={1} placeholder="Message to everyone on the list" value={text}
          onInput={e => setText((e.target as HTMLTextAreaElement).value)}
          onKeyDown={e => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit() } }} />
        <button type="submit" data-testid="broadcast-send" aria-label={`Send to ${list.name}`} disabled={busy || text.trim() === ''} aria-busy={busy}>➤</button>
      </form>
      {sent != null && (
        <div role="status" data-testid="broadcast-result" data-sent={ok.length} data-failed={failed.length}>
          <p class="note">“{sent.text}” went to {ok.length} of {sent.to.length}. Each sees it as a message from you; replies come in your 1:1 chats.</p>
          {failed.length > 0 && (
            <ul class="error">
              {failed.map(f => <li key={f.phone} data-testid="broadcast-failed" data-phone={f.phone}>{model.displayName(f.phone)}: {f.error ?? 'not sent'}</li>)}
            </ul>
          )}
        </div>
      )}
      {error != null && <p class="error" role="alert" data-testid="broadcast-error">{error}</p>}
      <div class="row">
        {confirm
          ? (
            <span class="confirm" role="group" aria-label={`Delete the list ${list.name}?`}>
              <button type="button" class="danger" data-testid="broadcast-remove-confirm" onClick={remove}>Delete</button>
              <button type="button" class="secondary" data-testid="broadcast-remove-cancel" onClick={() => setConfirm(false)}>Keep</button>
            </span>
            )
          : <button type="button" class="secondary" data-testid="broadcast-remove" onClick={() => setConfirm(true)}>Delete list<span class="visually-hidden"> {list.name}</span></button>}
      </div>
    </li>
  )
}

export function Broadcasts ({ model }: { model: AppModel }) {
  const [lists, setLists] = useState<BroadcastList[] | undefined>()
  const [creating, setCreating] = useState(false)
  const [name, setName] = useState('')
  const [phones, setPhones] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let live = true
    model.parley.broadcasts.list().then(l => { if (live) setLists(l) }, err => { if (live) setError(describe(err)) })
    return () => { live = false }
  }, [version])

  const create = (e: Event): void => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    model.parley.broadcasts.create(name, phones).then(() => {
      setCreating(false)
      setName('')
      setPhones([])
      setVersion(v => v + 1)
    }, err => setError(describe(err))).finally(() => setBusy(false))
  }

  return (
    <section class="contact-info broadcasts" aria-labelledby="broadcasts-title" data-testid="broadcasts" data-state={lists == null ? 'loading' : 'ready'}>
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="broadcasts-back" aria-label="Back to chats" onClick={() => model.go({ name: 'list' })}>←</button>
        <h1 id="broadcasts-title">Broadcast lists</h1>
      </header>
      <div class="pane-body contact-body">
        <p class="note">A message to a list goes to each contact on it as a normal message from you. Nobody sees who else is on the list, and replies come back in your 1:1 chats.</p>
        {!creating && <button type="button" data-testid="broadcast-new" onClick={() => setCreating(true)}>New list</button>}
        {creating && (
          <form class="inline-form settings-section" data-testid="broadcast-new-form" onSubmit={create}>
            <h2>New broadcast list</h2>
            <label for="broadcast-new-name">List name</label>
            <input id="broadcast-new-name" data-testid="broadcast-new-name" required maxLength={MAX_BROADCAST_NAME_LENGTH} value={name}
              onInput={e => setName((e.target as HTMLInputElement).value)} />
            <ContactPicker model={model} idPrefix="broadcast-new" selected={phones} onChange={setPhones} />
            <div class="row">
              <button type="submit" data-testid="broadcast-create" disabled={busy || name.trim() === '' || phones.length === 0}>Create list</button>
              <button type="button" class="secondary" data-testid="broadcast-new-cancel" onClick={() => setCreating(false)}>Cancel</button>
            </div>
          </form>
        )}
        {error != null && <p class="error" role="alert" data-testid="broadcasts-error">{error}</p>}
        {lists != null && lists.length === 0 && !creating && <p class="empty" data-testid="broadcasts-empty">No broadcast lists yet.</p>}
        {lists != null && lists.length > 0 && (
          <ul class="broadcast-lists" role="list">
            {lists.map(l => <ListCard key={l.id} model={model} list={l} onRemoved={() => setVersion(v => v + 1)} />)}
          </ul>
        )}
      </div>
    </section>
  )
}
