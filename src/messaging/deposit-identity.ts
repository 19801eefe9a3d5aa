/** Sealed sender in fact: mailbox deposits leave from a short-lived libp2p identity (a node with a fresh key that only dials relays), replaced every DEPOSIT_IDENTITY_LIFETIME_MS and stopped once idle, so a relay never sees our device's peer id on a deposit. Knows nothing of envelopes or recipients. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { DialingNode } from '../protocols/request-response.js'

/**
 * How long one deposit identity is used. Deposits made with one identity are linkable to each other (not to
 * us) by a relay that sees several of them; a minute covers a burst of messages (one new connection per relay,
 * not one per message: relays refuse more than a few new connections per second from one address) while a
 * relay cannot link what we deposit minutes apart.
 */
const DEPOSIT_IDENTITY_LIFETIME_MS = 60_000

/** What a deposit identity is: a libp2p node that can dial and be stopped; it listens on nothing and serves nothing. */
export interface DepositNode extends DialingNode {
  peerId: PeerId
  stop(): void | Promise<void>
}

export interface DepositIdentityInit {
  /** a new node with a fresh key (the platform's deposit-node factory) */
  create: () => Promise<DepositNode>
  now: () => number
  /** @default DEPOSIT_IDENTITY_LIFETIME_MS */
  lifetimeMs?: number
  onError?: (err: unknown) => void
}

interface Current { node: Promise<DepositNode>, createdAt: number, users: number, retired: boolean }

export class DepositIdentity {
  private current?: Current
  private timer?: ReturnType<typeof setTimeout>
  private stopped = false
  /** how many identities were made so far (tests and measurements) */
  made = 0

  constructor (private readonly init: DepositIdentityInit) {}

  /** Runs `fn` with the current deposit identity (a new one when the last is older than its lifetime). */
  async use<T> (fn: (node: DepositNode) => Promise<T>, options: AbortOptions = {}): Promise<T> {
    options.signal?.throwIfAborted()
    if (this.stopped) throw new Error('deposit identity stopped')
    const lifetime = this.init.lifetimeMs ?? DEPOSIT_IDENTITY_LIFETIME_MS
    if (this.current != null && this.init.now() - this.current.createdAt >= lifetime) this.retire(this.current)
    let c = this.current
    if (c == null) {
      c = this.current = { node: this.init.create(), createdAt: this.init.now(), users: 0, retired: false }
      this.made++
      const made = c
      made.node.catch(() => { if (this.current === made) this.current = undefined })
      // an identity nobody uses any more is stopped at the end of its lifetime, with its connections
      clearTimeout(this.timer)
      this.timer = setTimeout(() => { if (this.current === made) this.retire(made) }, lifetime)
      if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref()
    }
    c.users++
    try {
      return await fn(await c.node)
    } finally {
      c.users--
      if (c.retired && c.users === 0) this.close(c)
    }
  }

  /** The peer id deposits go out from now, if an identity is live (for tests). */
  async peerId (): Promise<PeerId | undefined> {
    return this.current == null ? undefined : (await this.current.node).peerId
  }

  private retire (c: Current): void {
    if (this.current === c) this.current = undefined
    c.retired = true
    if (c.users === 0) this.close(c)
  }

  private close (c: Current): void {
    c.node.then(async n => { await n.stop() }).catch(err => this.init.onError?.(err))
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    const c = this.current
    this.current = undefined
    if (c != null) await c.node.then(async n => { await n.stop() }, () => {})
  }
}
