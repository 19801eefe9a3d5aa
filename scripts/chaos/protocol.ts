/** What the chaos harness and its device drivers (scripts/chaos/device.ts) say to each other: JSON lines, commands on the driver's stdin, events on its stdout. */
import type { MessageStatus, StoredMessage } from '../../src/index.js'

export type DriverCommand =
  /** step 1 of registration: the driver answers `code-requested` (the code is in the verifier relay's SMS log) */
  | { cmd: 'register', phone: string }
  /** step 2: the driver answers `registered` */
  | { cmd: 'verify', code: string }
  /** `tid` is the harness's id of the text (also inside `text`): `send-start`, then `ack` or `send-error` */
  | { cmd: 'send', tid: string, to: string, text: string }
  /** Parley.stop(), then `stopped` and exit 0 */
  | { cmd: 'stop' }

/** An outgoing text in history whose status is 'pending' while the outbox has no entry for it: nothing will ever send it. */
export interface PendingWithoutOutbox { id: string, to: string, text: string, timestamp: number }

export type DriverEvent = { at: number } & (
  /**
   * Parley.create resolved. `pendingWithoutOutbox`: what the store held before the device started (read
   * just before Parley.create, so what the last kill left).
   */
  | { ev: 'ready', peerId: string, phone?: string, pendingWithoutOutbox: PendingWithoutOutbox[], outbox: number }
  | { ev: 'code-requested', phone: string, relay: string }
  | { ev: 'registered', phone: string, mailboxRelays: string[] }
  | { ev: 'register-error', name: string, message: string }
  | { ev: 'send-start', tid: string }
  /** send() resolved: the text is in history and the outbox (acknowledged to the user) */
  | { ev: 'ack', tid: string, id: string }
  | { ev: 'send-error', tid: string, name: string, message: string }
  | { ev: 'message', id: string, from: string, text: string, timestamp: number }
  | { ev: 'status', phone: string, id: string, status: MessageStatus }
  | { ev: 'undecryptable', phone?: string, reason: string }
  | { ev: 'identity-changed', phone: string, blocked: boolean }
  | { ev: 'relay', relay: string, state: string }
  /** a background error (delivery retries, republish…): expected while processes die */
  | { ev: 'error', name: string, message: string }
  | { ev: 'stopped' }
  /** the driver failed and exits non-zero */
  | { ev: 'fatal', name: string, message: string }
)

/** What `device.js --dump` prints (one line) about a stopped device's store. */
export interface StoreDump {
  ev: 'dump'
  history: StoredMessage[]
  outbox: Array<{ id: string, to: string, kind: string, attempts: number, createdAt: number, nextAttemptAt: number }>
}

/** The harness's text ids travel inside the text: `chaos <tid> <padding>`. */
export const textFor = (tid: string, pad: string): string => `chaos ${tid} ${pad}`
export const tidOf = (text: string): string | undefined => /^chaos (\S+)/.exec(text)?.[1]
