/** Keeps this device's mailboxes flowing: one authenticated, subscribed session per mailbox relay, each envelope handed on and acked only after it was persisted; reconnects with backoff. Knows nothing of what envelopes say. */
import { multiaddr } from '@multiformats/multiaddr'
import { openMailbox, type MailboxNode, type MailboxSession } from '../protocols/mailbox/index.js'
import type { IdentityKeyPair } from '../crypto/index.js'
import { SyncGroup, type StoreOptions } from '../storage/index.js'
import { raceSignal, sleep } from '../util/abort.js'
import { backoff } from '../util/backoff.js'

/** First reconnect delay after a session ended; doubles up to RECONNECT_MAX_MS. */
export const RECONNECT_MIN_MS = 500
/** Longest wait between reconnects: a relay that comes back is used again within half a minute. */
export const RECONNECT_MAX_MS = 30_000
/** Acks are sent in batches of this many (one synced delete at the relay per batch), or when the queue is empty. */
export const ACK_BATCH = 64

export interface MailboxReceiverInit {
  node: MailboxNode
  identity: IdentityKeyPair
  deviceId: number
  /** persists the envelope (or deliberately drops it) with `options.syncGroup`, which is flushed before the ack; throws when it could not: then it is not acked */
  handle: (envelope: Uint8Array, options?: StoreOptions) => Promise<void>
  onState?: (relay: string, state: 'connected' | 'drained' | 'disconnected') => void
  onError?: (err: unknown) => void
  /** our delivery token: each session registers the key derived from it at the relay, so contacts' deposits get the full quota */
  deliveryToken?: (options?: StoreOptions) => Promise<Uint8Array>
}

interface Loop {
  controller: AbortController
  done: Promise<void>
  session?: MailboxSession
  /** resolves once what the relay held at connect time has been handled (persisted) and acked */
  handled: Promise<void>
  /** a former mailbox relay: collected from, but drained() does not wait for it (it may be gone for good) */
  retired: boolean
  markHandled: () => void
}

function newLoop (retired: boolean): Loop {
  let markHandled!: () => void
  const handled = new Promise<void>(resolve => { markHandled = resolve })
  return { controller: new AbortController(), done: Promise.resolve(), handled, markHandled, retired }
}

export class MailboxReceiver {
  private readonly loops = new Map<string, Loop>()

  constructor (private readonly init: MailboxReceiverInit) {}

  /**
   * Follows exactly these relays from now on (starts new ones, stops dropped ones): our mailbox relays, and
   * `retired` ones that were until recently (mail for us may still arrive there; drained() does not wait for them).
   */
  async follow (relays: string[], retired: string[] = []): Promise<void> {
    const wanted = new Map<string, boolean>([...retired.map(r => [r, true] as const), ...relays.map(r => [r, false] as const)])
    for (const [relay] of this.loops) if (!wanted.has(relay)) await this.unfollow(relay)
    for (const [relay, isRetired] of wanted) {
      const running = this.loops.get(relay)
      if (running != null) {
        running.retired = isRetired
        continue
      }
      const entry = newLoop(isRetired)
      entry.done = this.run(relay, entry, entry.controller.signal)
      this.loops.set(relay, entry)
    }
  }

  /** Resolves when every followed relay has handed over what it held when we first connected, and all of it is persisted and acked (or `signal` fires). */
  async drained (options?: StoreOptions): Promise<void> {
    const all = Promise.all([...this.loops.values()].filter(l => !l.retired).map(async l => { await l.handled }))
    await raceSignal(all, options?.signal)
  }

  private async unfollow (relay: string): Promise<void> {
    const l = this.loops.get(relay)
    if (l == null) return
    this.loops.delete(relay)
    l.controller.abort()
    await l.session?.close().catch(() => {})
    await l.done
  }

  private async run (relay: string, entry: Loop, signal: AbortSignal): Promise<void> {
    let failures = 0
    let after: string | undefined
    while (!signal.aborted) {
      try {
        const deliveryToken = await this.init.deliveryToken?.({ signal })
        const session = await openMailbox(this.init.node, multiaddr(relay), { identity: this.init.identity, deviceId: this.init.deviceId, subscribe: true, ...(after != null ? { after } : {}), ...(deliveryToken != null ? { deliveryToken } : {}) }, { signal })
        entry.session = session
        // dropped or stopped while the relay answered: unfollow found no session to close, and a subscribed one never ends
        if (signal.aborted) {
          await session.close().catch(() => {})
          break
        }
        failures = 0
        this.init.onState?.(relay, 'connected')
        let relayDrained = false
        let busy = false
        const checkHandled = (): void => {
          if (relayDrained && !busy && session.pending === 0) entry.markHandled()
        }
        session.drained.then(() => { relayDrained = true; this.init.onState?.(relay, 'drained'); checkHandled() }, () => {})
        let toAck: string[] = []
        // the envelopes handled since the last ack become durable with one sync, just before that ack
        let group = new SyncGroup()
        try {
          for await (const item of session) {
            busy = true
            await this.init.handle(item.envelope, { signal, syncGroup: group })
            after = item.id
            toAck.push(item.id)
            if (toAck.length >= ACK_BATCH || session.pending === 0) {
              await group.flush({ signal })
              group = new SyncGroup()
              await session.ack(toAck, { signal })
              toAck = []
            }
            busy = false
            checkHandled()
          }
        } finally {
          // what was handled before the session ended (or an envelope failed) is synced and acked: the next
          // session resumes after it, so an unacked one would sit in the relay's quota until its TTL
          if (toAck.length > 0) await group.flush({ signal }).then(async () => { await session.ack(toAck, { signal }) }).catch(() => {})
          // leaving the loop does not end a subscribed session: one left open (an envelope failed) would hold its
          // stream, and the relay would keep pushing to it, beside the session the next attempt opens
          await session.close().catch(() => {})
        }
      } catch (err) {
        if (signal.aborted) break
        this.init.onError?.(err)
        failures++
      } finally {
        entry.session = undefined
        if (!signal.aborted) this.init.onState?.(relay, 'disconnected')
      }
      if (signal.aborted) break
      // an abort ends the wait early, and the loop with it
      await sleep(backoff(failures, { minMs: RECONNECT_MIN_MS, maxMs: RECONNECT_MAX_MS }), { signal }).catch(() => {})
    }
  }

  async stop (): Promise<void> {
    await Promise.all([...this.loops.keys()].map(async r => await this.unfollow(r)))
  }
}
