/** The messages between the page and the SFrame worker, and the options of each RTCRtpScriptTransform; shared by both sides, knows no keys' use. */

/** What the page asks of the worker; every request is answered once, by its `id`. */
export type SFrameCommand =
  /** the suite of the worker's send and receive keys; only before the first key */
  | { op: 'configure', suite: number }
  /** the key this device encrypts under from now on, with its KID (never a KID the worker used before) */
  | { op: 'set-send-key', kid: bigint, key: Uint8Array }
  /** stop sending: outgoing frames are dropped until a send key is set again */
  | { op: 'clear-send-key' }
  /** a key receivers decrypt with, replacing any under that KID */
  | { op: 'add-key', kid: bigint, key: Uint8Array }
  /** forget a receive key: frames under its KID no longer decrypt */
  | { op: 'remove-key', kid: bigint }
  /** the counters so far */
  | { op: 'stats' }

export interface SFrameRequest {
  id: number
  command: SFrameCommand
}

/** The answer to a request: `stats` for every success; the error's class name and message for a failure. */
export type SFrameReply =
  | { id: number, ok: true, stats: SFrameStats }
  | { id: number, ok: false, error: string, message: string }

/** A push from the worker, at most every SFRAME_STATS_PUSH_MS while counters change. */
export interface SFrameStatsPush {
  type: 'stats'
  stats: SFrameStats
}

/** Why a received frame was dropped. */
export type SFrameFailure = 'unknown-key' | 'decrypt' | 'replay' | 'header' | 'codec' | 'sender' | 'other'

/** Why an outgoing frame was dropped instead of sent. */
export type SFrameUnsent = 'no-key' | 'codec' | 'exhausted' | 'other'

export interface SFrameStreamStats {
  /** frames encrypted and sent on */
  encrypted: number
  /** frames decrypted and passed to the decoder */
  decrypted: number
  /** received frames dropped because they did not decrypt */
  failed: number
  /** outgoing frames dropped (never sent in clear) */
  unsent: number
}

export interface SFrameStats extends SFrameStreamStats {
  failures: Record<SFrameFailure, number>
  unsentReasons: Record<SFrameUnsent, number>
  /** the same counts per transform, by the `stream` name it was attached with */
  streams: Record<string, SFrameStreamStats>
  /** the KID frames are sent under, if any */
  sendKid?: bigint
  /** the KIDs of the receive keys held */
  receiveKids: bigint[]
}

/** The options each RTCRtpScriptTransform carries into the worker. */
export interface SFrameTransformOptions {
  role: 'encrypt' | 'decrypt'
  /** a name for the stats, e.g. `peer-2/video` */
  stream: string
  /** on a receiver: the participant slot (Parley KID layout) its frames must come from; others are dropped */
  participant?: number
}

/** How often the worker pushes stats while frames flow. */
export const SFRAME_STATS_PUSH_MS = 1000
