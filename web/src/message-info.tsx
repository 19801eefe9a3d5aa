// Message info of one of our group messages: who has it and who read it ("Delivered to 2 of 3", "Read by 1 of 3", each member with the times), from groups.receipts, kept fresh while it is open. Knows nothing of the chat around it.
import { useEffect, useState } from 'preact/hooks'
import type { GroupMemberInfo, MessageStatus, StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { Ticks } from './ticks.js'
import { ContactAvatar } from './contact-avatar.js'
import { describe } from './errors.js'
import { formatClock, formatDay, formatPhone } from './format.js'
import { receiptLines } from './groups-model.js'

/**
 * Receipts are read again this often while the dialog is open: one member's receipt changes the list but not the
 * message's status (that waits for every member), so no event says so.
 */
export const RECEIPTS_REFRESH_MS = 3_000

type Receipts = Awaited<ReturnType<AppModel['parley']['groups']['receipts']>>

/** "today at 14:05", "yesterday at 09:12", "Monday, 2 March 2026 at 18:30". */
function when (t: number): string {
  const day = formatDay(t)
  return `${day === 'Today' || day === 'Yesterday' ? day.toLowerCase() : day} at ${formatClock(t)}`
}

export function MessageInfo ({ model, group, message, members, onClose }: { model: AppModel, group: string, message: StoredMessage, members: GroupMemberInfo[], onClose: () => void }) {
  const groups = model.parley.groups
  const [receipts, setReceipts] = useState<Receipts | undefined>()
  const [status, setStatus] = useState<MessageStatus>(message.status)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    let live = true
    const load = (): void => {
      groups.receipts(group, message.id).then(r => { if (live) setReceipts(r) }, err => { if (live) setError(describe(err)) })
    }
    load()
    const timer = setInterval(load, RECEIPTS_REFRESH_MS)
    const onStatus = (e: { group: string, id: string, status: MessageStatus }): void => {
      if (e.group !== group || e.id !== message.id) return
      setStatus(e.status)
      load()
    }
    groups.on('group-status', onStatus)
    return () => {
      live = false
      clearInterval(timer)
      groups.off('group-status', onStatus)
    }
  }, [group, message.id])

  const lines = receipts != null ? receiptLines(receipts) : undefined
  const rows = members.filter(m => !m.self).map(m => ({ phone: m.phone, ...receipts?.list.find(r => r.phone === m.phone) }))

  return (
    <Dialog title="Message info" testid="message-info" onClose={onClose}>
      <div class="bubble out info-bubble">
        <p class="text">{message.text}</p>
        <span class="meta">
          <time dateTime={new Date(message.timestamp).toISOString()}>{formatClock(message.timestamp)}</time>
          <Ticks status={status} group />
        </span>
      </div>
      {error != null && <p class="error" role="alert" data-testid="message-info-error">{error}</p>}
      {receipts == null && error == null && <p><span class="spinner" aria-hidden="true" />Reading receipts…</p>}
      {lines != null && (
        <>
          <p class="receipt-line" data-testid="receipts-read"><Ticks status="read" group /> {lines.read}</p>
          <p class="receipt-line" data-testid="receipts-delivered"><Ticks status="delivered" group /> {lines.delivered}</p>
          <ul class="receipt-list" role="list" aria-label="Members">
            {rows.map(r => {
              const state = r.readAt != null ? 'read' : r.deliveredAt != null ? 'delivered' : 'waiting'
              return (
                <li key={r.phone} data-testid="receipt-row" data-phone={r.phone} data-state={state}>
                  <ContactAvatar model={model} phone={r.phone} />
                  <span class="receipt-main">
                    <span class="row-title">
                      <span class="row-name">{model.displayName(r.phone)}</span>
                      {model.contactName(r.phone) != null && <span class="row-number">{formatPhone(r.phone)}</span>}
                    </span>
                    <span class="receipt-when note" data-testid="receipt-when">
                      {r.readAt != null ? `Read ${when(r.readAt)}` : r.deliveredAt != null ? `Delivered ${when(r.deliveredAt)}` : 'Not delivered yet'}
                    </span>
                  </span>
                </li>
              )
            })}
          </ul>
        </>
      )}
    </Dialog>
  )
}
