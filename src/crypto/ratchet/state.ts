/** Double Ratchet session state: an immutable value with (de)serialisation and redaction; knows no algorithm steps. */
import { toHex } from '../bytes.js'
import { InvalidMessageError } from '../errors.js'
import { encodePb } from '../codec.js'
import { RatchetStatePb } from '../pb/state.js'
import { inspectSymbol, redacted } from '../redact.js'
import { MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS } from './limits.js'
import type { Redacted } from '../redact.js'

export const RATCHET_STATE_VERSION = 1
/** Key of the method giving ratchet steps a private copy of the fields; not exported from index.ts, so secrets stay unreachable through the public API. */
export const FIELDS: unique symbol = Symbol('RatchetState.fields')

export interface ReceiverChain { ratchetKey: Uint8Array, chainKey: Uint8Array, counter: number }
export interface SkippedKey { ratchetKey: Uint8Array, counter: number, messageKey: Uint8Array }
/** What the initiator repeats in every message until the responder has answered. */
export interface PendingPreKey { signedPreKeyId: number, oneTimePreKeyId?: number, kemPreKeyId: number, kemCiphertext: Uint8Array }

/**
 * The mutable working form, only ever touched on a private copy inside ratchet steps.
 * Byte arrays are never mutated in place once stored, so copies can share them.
 */
export interface RatchetFields {
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  rootKey: Uint8Array
  sendingPrivate: Uint8Array
  sendingPublic: Uint8Array
  /** empty until the first DH ratchet step on the responder side */
  sendingChainKey: Uint8Array
  sendingCounter: number
  previousCounter: number
  /** newest first, at most MAX_RECEIVER_CHAINS */
  receiverChains: ReceiverChain[]
  /**
   * insertion-ordered (oldest first), at most MAX_SKIPPED_KEYS, keyed by skippedKeyId. Shared
   * between a state and its working copy until the copy first changes it (`ownSkipped`), so an
   * encrypt or an in-order decrypt does not copy up to 2000 entries.
   */
  skipped: Map<string, SkippedKey>
  /** true once `skipped` is this working copy's own Map (set by ownSkipped) */
  skippedOwned?: boolean
  /** the initiator's PQXDH ephemeral key: identifies the session's first message */
  baseKey: Uint8Array
  pending?: PendingPreKey
}

export function skippedKeyId (ratchetKey: Uint8Array, counter: number): string {
  return `${toHex(ratchetKey)}:${counter}`
}

/** A working copy: chains and pending copied, byte arrays shared (never mutated), skipped keys shared until ownSkipped. */
function copyFields (f: RatchetFields): RatchetFields {
  return {
    ...f,
    receiverChains: f.receiverChains.map(c => ({ ...c })),
    skippedOwned: false,
    pending: f.pending === undefined ? undefined : { ...f.pending }
  }
}

/** The working copy's skipped-key Map, copied from the shared one on first use; call before any change to it. */
export function ownSkipped (f: RatchetFields): Map<string, SkippedKey> {
  if (f.skippedOwned !== true) {
    f.skipped = new Map(f.skipped)
    f.skippedOwned = true
  }
  return f.skipped
}

/** A Double Ratchet session. Immutable: ratchetEncrypt/ratchetDecrypt return a new one. */
export class RatchetState {
  readonly #f: RatchetFields

  /** @internal use pqxdhInitiate/pqxdhRespond or deserialize */
  constructor (fields: RatchetFields) {
    this.#f = fields
  }

  /** a private copy for a ratchet step */
  [FIELDS] (): RatchetFields { return copyFields(this.#f) }

  get localIdentityKey (): Uint8Array { return Uint8Array.from(this.#f.localIdentityKey) }
  get remoteIdentityKey (): Uint8Array { return Uint8Array.from(this.#f.remoteIdentityKey) }
  /** the initiator's PQXDH base key; a prekey message with this base key belongs to this session */
  get baseKey (): Uint8Array { return Uint8Array.from(this.#f.baseKey) }
  /** true while the initiator has not yet received a reply (its messages are prekey messages) */
  get awaitingReply (): boolean { return this.#f.pending !== undefined }
  get skippedKeyCount (): number { return this.#f.skipped.size }
  get receiverChainCount (): number { return this.#f.receiverChains.length }

  serialize (): Uint8Array {
    const f = this.#f
    return encodePb(RatchetStatePb, {
      version: RATCHET_STATE_VERSION,
      localIdentityKey: f.localIdentityKey,
      remoteIdentityKey: f.remoteIdentityKey,
      rootKey: f.rootKey,
      sendingPrivate: f.sendingPrivate,
      sendingPublic: f.sendingPublic,
      sendingChainKey: f.sendingChainKey,
      sendingCounter: f.sendingCounter,
      previousCounter: f.previousCounter,
      receiverChains: f.receiverChains,
      skipped: [...f.skipped.values()],
      baseKey: f.baseKey,
      pending: f.pending
    })
  }

  static deserialize (bytes: Uint8Array): RatchetState {
    let pb: RatchetStatePb
    try {
      pb = RatchetStatePb.decode(bytes, { limits: { receiverChains: MAX_RECEIVER_CHAINS, skipped: MAX_SKIPPED_KEYS } })
    } catch {
      throw new InvalidMessageError('Malformed ratchet state')
    }
    if (pb.version !== RATCHET_STATE_VERSION) throw new InvalidMessageError('Unsupported ratchet state version')
    const k32 = (a: Uint8Array): boolean => a.length === 32
    if (!k32(pb.localIdentityKey) || !k32(pb.remoteIdentityKey) || !k32(pb.rootKey) || !k32(pb.sendingPrivate) || !k32(pb.sendingPublic) || !k32(pb.baseKey) ||
      !(pb.sendingChainKey.length === 0 || k32(pb.sendingChainKey)) ||
      !pb.receiverChains.every(c => k32(c.ratchetKey) && k32(c.chainKey)) ||
      !pb.skipped.every(s => k32(s.ratchetKey) && k32(s.messageKey))) {
      throw new InvalidMessageError('Malformed ratchet state')
    }
    const skipped = new Map<string, SkippedKey>()
    for (const s of pb.skipped) skipped.set(skippedKeyId(s.ratchetKey, s.counter), { ratchetKey: s.ratchetKey, counter: s.counter, messageKey: s.messageKey })
    const fields: RatchetFields = {
      localIdentityKey: pb.localIdentityKey,
      remoteIdentityKey: pb.remoteIdentityKey,
      rootKey: pb.rootKey,
      sendingPrivate: pb.sendingPrivate,
      sendingPublic: pb.sendingPublic,
      sendingChainKey: pb.sendingChainKey,
      sendingCounter: pb.sendingCounter,
      previousCounter: pb.previousCounter,
      receiverChains: pb.receiverChains.map(c => ({ ratchetKey: c.ratchetKey, chainKey: c.chainKey, counter: c.counter })),
      skipped,
      baseKey: pb.baseKey
    }
    if (pb.pending !== undefined) fields.pending = { ...pb.pending }
    return new RatchetState(fields)
  }

  toJSON (): Redacted { return redacted('RatchetState') }
  [inspectSymbol] (): Redacted { return redacted('RatchetState') }
}
