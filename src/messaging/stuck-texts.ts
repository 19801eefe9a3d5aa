/** Start-up repair of texts left 'pending' with no outbox entry (nothing would ever send them or mark them failed): each is queued again under its own id, or marked failed once its time to live has passed. Knows nothing of delivery or encryption. */
import { isDirectConversation } from './content.js'
import { MAX_HISTORY_PAGE, type StoreOptions, type MessageStore, type OutboxEntry, type OutboxStore, type StoredMessage } from '../storage/index.js'

export interface StuckTextsInit {
  messages: MessageStore
  outbox: OutboxStore
  now: () => number
  /** how long a text may wait for delivery (texts older than this are failed, not queued) */
  ttl: number
  /** marks a text failed (and says so to whoever shows it) */
  fail: (text: StoredMessage, options?: StoreOptions) => Promise<void>
  /** the outbox entry that sends `text` (its id, created at its timestamp); undefined while we cannot send (not registered) */
  entryFor: (text: StoredMessage, options?: StoreOptions) => Promise<OutboxEntry | undefined>
}

export interface StuckTextsResult {
  /** texts queued again */
  queued: number
  /** texts past their time to live, marked failed */
  failed: number
}

/**
 * Since a text's history and outbox entry are one atomic write, and delivery removes the entry only after the
 * text's status moved on, a pending text always has its entry; stores written by older builds (or damaged ones)
 * may not. Scans the conversations updated within the time to live (a pending text is never older than its
 * conversation's last update), newest first, each back to the time to live.
 */
export async function repairStuckTexts (init: StuckTextsInit, options?: StoreOptions): Promise<StuckTextsResult> {
  const result: StuckTextsResult = { queued: 0, failed: 0 }
  const since = init.now() - init.ttl
  for (const c of await init.messages.conversations(options)) {
    if (c.updatedAt < since) break
    // a group chat's messages wait in the group outbox, not this one
    if (!isDirectConversation(c.address)) continue
    let before: StoredMessage | undefined
    for (;;) {
      const page = await init.messages.history(c.address, { ...options, limit: MAX_HISTORY_PAGE, ...(before != null ? { before: { timestamp: before.timestamp, id: before.id } } : {}) })
      for (const m of page) {
        if (m.direction !== 'out' || m.status !== 'pending') continue
        if (await init.outbox.get(m.id, options) != null) continue
        if (m.timestamp + init.ttl <= init.now()) {
          await init.fail(m, options)
          result.failed++
          continue
        }
        const entry = await init.entryFor(m, options)
        if (entry == null) return result
        await init.outbox.put(entry, options)
        result.queued++
      }
      const last = page.at(-1)
      if (page.length < MAX_HISTORY_PAGE || last == null || last.timestamp < since) break
      before = last
    }
  }
  return result
}
