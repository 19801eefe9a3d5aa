/** Group sender keys (Signal's SenderKey): per member per group a chain key and an Ed25519 signing key, distribution messages, signed encrypt/decrypt with bounded out-of-order; knows no membership or transport. */
import { constantTimeEqual, readU32be, utf8, wipe, writeU32be } from './bytes.js'
import { providerOf } from './deps.js'
import { DuplicateMessageError, InvalidKeyError, InvalidMessageError, InvalidSignatureError, MissingPrivateKeyError, NoSenderKeyError, TooFarForwardError, UnsupportedParameterError } from './errors.js'
import { checkIdentityKey, SIGNATURE_LENGTH, verifySignature } from './identity.js'
import { encodePb } from './codec.js'
import { SenderKeyDistributionPb, SenderKeyMessageBodyPb } from './pb/messages.js'
import { decodeWrittenBody, SENDER_KEY_MESSAGE_TYPE, unsignedMessage } from './sender-key-message.js'
import type { MessageBody } from './sender-key-message.js'
import { SenderKeyRecordPb } from './pb/state.js'
import { inspectSymbol, redacted } from './redact.js'
import type { CryptoDeps } from './deps.js'
import type { CryptoProvider } from './provider.js'
import type { Redacted } from './redact.js'

/** Most keys one group message may make us derive per chain: same bound and reason as the 1:1 MAX_FORWARD_JUMP (busy groups while offline, bounded attacker work). */
export const MAX_SENDER_KEY_FORWARD_JUMP = 2000
/** Most skipped group message keys kept per sender chain, oldest evicted: one maximal jump fits. */
export const MAX_SENDER_KEY_SKIPPED = 2000
/**
 * Chains kept per (group, sender). Parley's groups rotate a sender's key every 100 messages and at every removal, and
 * a member coming back after an absence reads the relays' backlog (kept 30 days) while the new keys arrive over the
 * 1:1 sessions, often first: libsignal's 5 would drop the keys of all but the last ~500 messages a busy sender wrote
 * meanwhile. 32 chains cover 3,200 messages of one sender per absence; each chain without skipped keys is ~100 bytes.
 */
export const MAX_SENDER_KEY_STATES = 32
/** Group ids are opaque to crypto; bounded so a record stays small. */
export const MAX_GROUP_ID_LENGTH = 64

const MESSAGE_KEY_INFO = utf8('Parley_SenderKey_MessageKeys_v1')
const AAD_CONTEXT = utf8('Parley-SenderKey-v1')
const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
const CHAIN_KEY_SEED = Uint8Array.of(0x02)

/**
 * One chain. Chains are shared between the records made from one another, so a chain object (its Map and key arrays
 * included) is never changed once in a record: an advance makes a new chain object, with a new Map only when the
 * skipped keys change. This is what keeps every input record unchanged ("decrypt on a copy, commit on success")
 * without copying each of up to 32 chains and their skipped keys for every message.
 */
interface SenderChain {
  readonly chainId: number
  readonly iteration: number
  readonly chainKey: Uint8Array
  readonly signingPublic: Uint8Array
  /** empty for other members' chains */
  readonly signingPrivate: Uint8Array
  /** iteration → message key, insertion-ordered; never modified (see above) */
  readonly skipped: ReadonlyMap<number, Uint8Array>
}

/** Keys of the record's internal accessors; not exported from index.ts. */
const CHAINS: unique symbol = Symbol('SenderKeyRecord.chains')
const OF: unique symbol = Symbol('SenderKeyRecord.of')

/** One member's sender-key chains in one group (ours or someone else's). Immutable. */
export class SenderKeyRecord {
  readonly groupId: Uint8Array
  readonly #chains: readonly SenderChain[]

  private constructor (groupId: Uint8Array, chains: readonly SenderChain[]) {
    this.groupId = groupId
    this.#chains = chains
  }

  static [OF] (groupId: Uint8Array, chains: readonly SenderChain[]): SenderKeyRecord { return new SenderKeyRecord(groupId, chains) }
  /** the chains themselves, shared: callers copy the array before changing it and never change a chain */
  [CHAINS] (): readonly SenderChain[] { return this.#chains }

  /** the current (newest) chain id */
  get chainId (): number | undefined { return this.#chains[0]?.chainId }

  serialize (): Uint8Array {
    return encodePb(SenderKeyRecordPb, {
      groupId: this.groupId,
      states: this.#chains.map(c => ({
        chainId: c.chainId,
        iteration: c.iteration,
        chainKey: c.chainKey,
        signingPublic: c.signingPublic,
        signingPrivate: c.signingPrivate,
        skipped: [...c.skipped].map(([iteration, messageKey]) => ({ iteration, messageKey }))
      }))
    })
  }

  static deserialize (bytes: Uint8Array): SenderKeyRecord {
    let pb: SenderKeyRecordPb
    try {
      pb = SenderKeyRecordPb.decode(bytes, { limits: { states: MAX_SENDER_KEY_STATES, states$: { skipped: MAX_SENDER_KEY_SKIPPED } } as never })
    } catch {
      throw new InvalidMessageError('Malformed sender key record')
    }
    const chains = pb.states.map(s => {
      if (s.chainKey.length !== 32 || s.signingPublic.length !== 32 || !(s.signingPrivate.length === 0 || s.signingPrivate.length === 32) || !s.skipped.every(k => k.messageKey.length === 32)) {
        throw new InvalidMessageError('Malformed sender key record')
      }
      return { chainId: s.chainId, iteration: s.iteration, chainKey: s.chainKey, signingPublic: s.signingPublic, signingPrivate: s.signingPrivate, skipped: new Map(s.skipped.map(k => [k.iteration, k.messageKey])) }
    })
    return new SenderKeyRecord(pb.groupId, chains)
  }

  toJSON (): Redacted { return redacted('SenderKeyRecord') }
  [inspectSymbol] (): Redacted { return redacted('SenderKeyRecord') }
}

function checkGroupId (groupId: Uint8Array): void {
  if (!(groupId instanceof Uint8Array) || groupId.length === 0 || groupId.length > MAX_GROUP_ID_LENGTH) throw new UnsupportedParameterError('groupId must be 1..64 bytes')
}

/**
 * Our new sending chain for a group (first use, or a rotation after a member left: the old
 * chain is dropped so nothing we send afterwards is readable with it). Returns our record and
 * the distribution message to send to every current member over 1:1 sessions.
 */
export function createSenderKey (groupId: Uint8Array, deps: CryptoDeps): { record: SenderKeyRecord, distribution: Uint8Array } {
  checkGroupId(groupId)
  const signingPrivate = deps.random(32)
  const chain: SenderChain = {
    chainId: readU32be(deps.random(4), 0),
    iteration: 0,
    chainKey: deps.random(32),
    signingPublic: providerOf(deps).ed25519PublicKey(signingPrivate),
    signingPrivate,
    skipped: new Map()
  }
  const record = SenderKeyRecord[OF](Uint8Array.from(groupId), [chain])
  return { record, distribution: senderKeyDistribution(record) }
}

/** The distribution message for our current chain at its current iteration (for a newly added member). */
export function senderKeyDistribution (record: SenderKeyRecord): Uint8Array {
  const c = record[CHAINS]()[0]
  if (c === undefined) throw new NoSenderKeyError()
  return encodePb(SenderKeyDistributionPb, { groupId: record.groupId, chainId: c.chainId, iteration: c.iteration, chainKey: c.chainKey, signingKey: c.signingPublic })
}

export interface SenderKeyDistribution { groupId: Uint8Array, chainId: number, iteration: number, signingKey: Uint8Array }

/** Public fields of a distribution message (no chain key), e.g. to check the group id before processing. */
export function parseSenderKeyDistribution (bytes: Uint8Array): SenderKeyDistribution {
  const d = decodeDistribution(bytes)
  return { groupId: d.groupId, chainId: d.chainId, iteration: d.iteration, signingKey: d.signingKey }
}

function decodeDistribution (bytes: Uint8Array): SenderKeyDistributionPb {
  let d: SenderKeyDistributionPb
  try {
    d = SenderKeyDistributionPb.decode(bytes)
  } catch {
    throw new InvalidMessageError('Malformed sender key distribution')
  }
  if (d.chainKey.length !== 32) throw new InvalidMessageError('Malformed sender key distribution')
  checkGroupId(d.groupId)
  try { checkIdentityKey(d.signingKey) } catch { throw new InvalidKeyError('Invalid sender signing key') }
  return d
}

/** Adds another member's chain from their distribution message (newest first, at most MAX_SENDER_KEY_STATES). */
export function processSenderKeyDistribution (record: SenderKeyRecord | undefined, distribution: Uint8Array): SenderKeyRecord {
  const d = decodeDistribution(distribution)
  if (record !== undefined && !constantTimeEqual(record.groupId, d.groupId)) throw new InvalidMessageError('Distribution is for another group')
  const chains = [...(record?.[CHAINS]() ?? [])]
  const existing = chains.find(c => c.chainId === d.chainId)
  if (existing !== undefined) {
    if (!constantTimeEqual(existing.signingPublic, d.signingKey)) throw new InvalidKeyError('Chain id reused with another signing key')
    return SenderKeyRecord[OF](d.groupId, chains) // already known: keep our (further advanced) state
  }
  chains.unshift({ chainId: d.chainId, iteration: d.iteration, chainKey: d.chainKey, signingPublic: d.signingKey, signingPrivate: new Uint8Array(0), skipped: new Map() })
  if (chains.length > MAX_SENDER_KEY_STATES) chains.length = MAX_SENDER_KEY_STATES
  return SenderKeyRecord[OF](d.groupId, chains)
}

function step (p: CryptoProvider, chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return { chainKey: p.hmacSha256(chainKey, CHAIN_KEY_SEED), messageKey: p.hmacSha256(chainKey, MESSAGE_KEY_SEED) }
}

/** `AAD_CONTEXT ‖ u32(len groupId) ‖ groupId ‖ u32(chainId) ‖ u32(iteration)`, written into one array. */
function aad (groupId: Uint8Array, chainId: number, iteration: number): Uint8Array {
  const out = new Uint8Array(AAD_CONTEXT.length + 4 + groupId.length + 8)
  out.set(AAD_CONTEXT, 0)
  let off = writeU32be(out, AAD_CONTEXT.length, groupId.length)
  out.set(groupId, off)
  off = writeU32be(out, off + groupId.length, chainId)
  writeU32be(out, off, iteration)
  return out
}

function aead (p: CryptoProvider, messageKey: Uint8Array, fn: (key: Uint8Array, iv: Uint8Array) => Uint8Array): Uint8Array {
  const okm = p.hkdfSha256(messageKey, new Uint8Array(0), MESSAGE_KEY_INFO, 44)
  try {
    return fn(okm.subarray(0, 32), okm.subarray(32, 44))
  } finally {
    wipe(okm)
  }
}

/** Encrypts and signs one group message with our current chain; returns the advanced record. */
export function senderKeyEncrypt (record: SenderKeyRecord, plaintext: Uint8Array, deps?: Partial<CryptoDeps>): { record: SenderKeyRecord, message: Uint8Array } {
  const p = providerOf(deps)
  const chains = record[CHAINS]()
  const c = chains[0]
  if (c === undefined) throw new NoSenderKeyError()
  if (c.signingPrivate.length === 0) throw new MissingPrivateKeyError('Not our sender key')
  const { chainKey, messageKey } = step(p, c.chainKey)
  const ciphertext = aead(p, messageKey, (key, iv) => p.aesGcmEncrypt(key, iv, plaintext, aad(record.groupId, c.chainId, c.iteration)))
  wipe(messageKey)
  const { message, signedLength } = unsignedMessage(c.chainId, c.iteration, ciphertext)
  message.set(p.ed25519Sign(c.signingPrivate, message.subarray(0, signedLength)), signedLength)
  const next = chains.slice()
  next[0] = { chainId: c.chainId, iteration: c.iteration + 1, chainKey, signingPublic: c.signingPublic, signingPrivate: c.signingPrivate, skipped: c.skipped }
  return { record: SenderKeyRecord[OF](record.groupId, next), message }
}

/** The chain id a group message names (to pick the sender's record before decrypting). */
export function senderKeyMessageChainId (message: Uint8Array): number {
  return parseMessage(message).body.chainId
}

function parseMessage (message: Uint8Array): { body: MessageBody, signed: Uint8Array, signature: Uint8Array } {
  if (message.length < 1 + SIGNATURE_LENGTH || message[0] !== SENDER_KEY_MESSAGE_TYPE) throw new InvalidMessageError('Malformed sender key message')
  const signed = message.subarray(0, message.length - SIGNATURE_LENGTH)
  let body: MessageBody
  try {
    const bytes = signed.subarray(1)
    body = decodeWrittenBody(bytes) ?? SenderKeyMessageBodyPb.decode(bytes)
  } catch {
    throw new InvalidMessageError('Malformed sender key message')
  }
  return { body, signed, signature: message.subarray(message.length - SIGNATURE_LENGTH) }
}

/**
 * Verifies and decrypts a group message on a copy of the record. Throws NoSenderKeyError (unknown
 * chain, e.g. after a rotation that excluded us), InvalidSignatureError, DuplicateMessageError,
 * TooFarForwardError (before deriving keys), DecryptionError. The input record is never modified.
 */
export function senderKeyDecrypt (record: SenderKeyRecord, message: Uint8Array, deps?: Partial<CryptoDeps>): { record: SenderKeyRecord, plaintext: Uint8Array } {
  const p = providerOf(deps)
  const { body, signed, signature } = parseMessage(message)
  const chains = record[CHAINS]()
  const index = chains.findIndex(x => x.chainId === body.chainId)
  const c = chains[index]
  if (c === undefined) throw new NoSenderKeyError()
  if (!verifySignature(c.signingPublic, signed, signature, p)) throw new InvalidSignatureError('Group message signature did not verify')
  const ad = aad(record.groupId, body.chainId, body.iteration)
  let { chainKey, iteration, skipped } = c
  let messageKey: Uint8Array
  if (body.iteration < iteration) {
    const stored = skipped.get(body.iteration)
    if (stored === undefined) throw new DuplicateMessageError()
    const rest = new Map(skipped)
    rest.delete(body.iteration)
    skipped = rest
    messageKey = stored
  } else {
    if (body.iteration - iteration > MAX_SENDER_KEY_FORWARD_JUMP) throw new TooFarForwardError()
    if (iteration < body.iteration) {
      const more = new Map(skipped)
      while (iteration < body.iteration) {
        const s = step(p, chainKey)
        more.set(iteration, s.messageKey)
        while (more.size > MAX_SENDER_KEY_SKIPPED) more.delete(more.keys().next().value as number)
        chainKey = s.chainKey
        iteration += 1
      }
      skipped = more
    }
    const s = step(p, chainKey)
    chainKey = s.chainKey
    iteration += 1
    messageKey = s.messageKey
  }
  const plaintext = aead(p, messageKey, (key, iv) => p.aesGcmDecrypt(key, iv, body.ciphertext, ad))
  const next = chains.slice()
  next[index] = { chainId: c.chainId, iteration, chainKey, signingPublic: c.signingPublic, signingPrivate: c.signingPrivate, skipped }
  return { record: SenderKeyRecord[OF](record.groupId, next), plaintext }
}
