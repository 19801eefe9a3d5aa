/** Directory record format (docs/design.md §4): limits, the signed public envelope that DHT nodes validate without the number, and the sealed inner record; knows no DHT and no clock (times are parameters). */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { checkIdentityKey, verifyDeviceCertificate, verifySignature, IDENTITY_KEY_LENGTH, type IdentityKeyPair } from '../crypto/identity.js'
import { decodeAttestation, DIRECTORY_KEY_LENGTH, type Attestation } from '../crypto/attestation.js'
import { decodePreKeyBundle } from '../crypto/prekeys.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { constantTimeEqual, toHex } from '../crypto/bytes.js'
import { DirectoryEnvelopePb, DirectoryRecordPb } from './pb/record.js'
import {
  AttestationMismatchError, MalformedRecordError, RecordContentError, RecordExpiredError, RecordSignatureError, RecordTooLargeError
} from './errors.js'
import { verifyHandover, type Handover } from './handover.js'

/** DHT namespace: the first path segment of `/parley-phone/<hex sha256(H)>`, which kad-dht uses to pick validator and selector. */
export const DIRECTORY_NAMESPACE = 'parley-phone'
/** Envelope format version; DHT nodes reject others so a future format cannot be misread. */
export const RECORD_VERSION = 1
/**
 * Largest DHT value accepted. A full record is ~12 KiB (MAX_DEVICES devices with a certificate and an
 * ML-KEM-768 prekey bundle of ~1.5 KiB each, 8 relay addresses, 4 attestations: test/directory/record-size.test.ts);
 * 16 KiB leaves room and bounds what one key costs a DHT node.
 */
export const MAX_VALUE_BYTES = 16 * 1024
/**
 * Devices per identity: the first device and 5 linked companions (Signal allows 1 + 5, WhatsApp 1 + 4).
 * Each device carries its own prekey bundle (~1.5 KiB), so this bounds the record under MAX_VALUE_BYTES.
 */
export const MAX_DEVICES = 6
/** Removed device ids a record remembers (newest kept): enough that an id is never reused and a device off for a while still learns it was removed. */
export const MAX_REMOVED_DEVICES = 32
/** Mailbox relays per user: docs/design.md §1 recommends 2+; more than 8 only makes senders' fan-out slower. */
export const MAX_RELAYS = 8
/** Longest relay multiaddr string accepted (dns names, /p2p/ suffix and a circuit fit easily). */
export const MAX_RELAY_ADDR_LENGTH = 512
/** Attestations per record: the current one plus a few from other verifiers or before a renewal. */
export const MAX_ATTESTATIONS = 4
/**
 * Longest validity of one record. A lost phone's stale devices and relays disappear within a week even
 * if nobody replaces the record; the Republisher renews every 12 h, long before.
 */
export const MAX_RECORD_LIFETIME_MS = 7 * 24 * 3600_000
/**
 * Registration lock: a verified record refreshed within this window cannot be replaced by another
 * identity (whatever verifier signed its attestation) without the owner's release or hand-over. A week
 * lets an owner whose devices are off for a few days keep the number, and frees a number whose owner is gone.
 */
export const LOCK_WINDOW_MS = 7 * 24 * 3600_000
/** Default validity of a published record: the lock window, so the record (and its lock) outlives devices that are off for days. */
export const DEFAULT_RECORD_LIFETIME_MS = LOCK_WINDOW_MS
/**
 * Longest validity of one attestation (expiresAt − issuedAt). Relay verifiers issue 30 days
 * (ATTESTATION_VALIDITY_MS); 90 days leaves room for verifiers that re-check less often while bounding
 * how long a number that changed hands can still be proven by its old owner.
 */
export const MAX_ATTESTATION_LIFETIME_MS = 90 * 24 * 3600_000
/** Clocks of publisher, DHT nodes and readers may disagree this much (the same allowance attestationTrusted uses). */
export const CLOCK_SKEW_MS = 5 * 60_000
/** Domain separation: an envelope signature can never be mistaken for any other Parley signature. */
const ENVELOPE_CONTEXT = new TextEncoder().encode('Parley_DirectoryEnvelope_v1')
const SEALED_MIN = 12 + 16

export interface DirectoryDevice {
  deviceId: number
  /** libp2p peer id of the device (string form) */
  peerId: string
  /** encoded signed device certificate binding identity key, peer id and device id */
  certificate: Uint8Array
  /** the device's encodePreKeyBundle (signed prekey and last-resort KEM key, no one-time keys); empty when not (yet) published */
  prekeyBundle: Uint8Array
}

/** What a user publishes about themself. */
export interface DirectoryRecordFields {
  devices: DirectoryDevice[]
  mailboxRelays: string[]
  /** ids of devices the owner removed (at most MAX_REMOVED_DEVICES, newest last); none of them is in `devices` */
  removedDevices?: number[]
}

/** The inner (sealed) record. */
export interface DirectoryRecord extends DirectoryRecordFields {
  identityKey: Uint8Array
  seq: number
  issuedAt: number
  expiresAt: number
}

/** The public envelope stored as the DHT value. */
export interface DirectoryEnvelope {
  version: number
  identityKey: Uint8Array
  seq: number
  issuedAt: number
  expiresAt: number
  attestations: Uint8Array[]
  sealed: Uint8Array
  signature: Uint8Array
  /** encoded hand-over from the number's previous identity (signHandover); empty when none */
  handover?: Uint8Array
  /** a release record: the owner gave the number up */
  released?: boolean
}

/** An envelope that passed every check a DHT node can make, with its attestations and hand-over decoded. */
export interface ValidEnvelope extends DirectoryEnvelope {
  decodedAttestations: Attestation[]
  /** the checked hand-over, when the record carries one */
  decodedHandover?: Handover
}

const HEX64 = /^[0-9a-f]{64}$/

/** Splits `/parley-phone/<hex>` and returns the key string and sha256(H) (the attestations' directoryKey). */
export function parseDirectoryKey (key: Uint8Array | string): { dhtKey: string, directoryKey: Uint8Array } {
  const dhtKey = typeof key === 'string' ? key : new TextDecoder().decode(key)
  const prefix = `/${DIRECTORY_NAMESPACE}/`
  const hex = dhtKey.startsWith(prefix) ? dhtKey.slice(prefix.length) : ''
  if (!HEX64.test(hex)) throw new MalformedRecordError('directory key is malformed')
  const directoryKey = new Uint8Array(32)
  for (let i = 0; i < 32; i++) directoryKey[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return { dhtKey, directoryKey }
}

/** The DHT key string of a directory key (sha256(H)): parseDirectoryKey's inverse. */
export function dhtKeyOf (directoryKey: Uint8Array): string {
  if (directoryKey.length !== DIRECTORY_KEY_LENGTH) throw new MalformedRecordError('directory key is malformed')
  return `/${DIRECTORY_NAMESPACE}/${toHex(directoryKey)}`
}

function toSafeNumber (v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedRecordError(`${what} out of range`)
  return Number(v)
}

function toPb (e: Omit<DirectoryEnvelope, 'signature'> & { signature?: Uint8Array }): DirectoryEnvelopePb {
  return {
    version: e.version,
    identityKey: e.identityKey as Uint8Array<ArrayBuffer>,
    seq: BigInt(e.seq),
    issuedAt: BigInt(e.issuedAt),
    expiresAt: BigInt(e.expiresAt),
    attestations: e.attestations as Array<Uint8Array<ArrayBuffer>>,
    sealed: e.sealed as Uint8Array<ArrayBuffer>,
    signature: (e.signature ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    handover: (e.handover ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    released: e.released ?? false
  }
}

function signedBytes (e: Omit<DirectoryEnvelope, 'signature'>): Uint8Array {
  const body = DirectoryEnvelopePb.encode(toPb({ ...e, signature: undefined }))
  const out = new Uint8Array(ENVELOPE_CONTEXT.length + body.length)
  out.set(ENVELOPE_CONTEXT)
  out.set(body, ENVELOPE_CONTEXT.length)
  return out
}

function checkTimes (seq: number, issuedAt: number, expiresAt: number): void {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new MalformedRecordError('seq must be a positive integer')
  if (!Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(expiresAt) || issuedAt < 0 || expiresAt <= issuedAt) {
    throw new RecordExpiredError('record validity window is invalid')
  }
  if (expiresAt - issuedAt > MAX_RECORD_LIFETIME_MS) throw new RecordExpiredError('record lives longer than allowed')
}

/** Signs and encodes an envelope with the identity key (the caller fills everything but the signature). */
export function signEnvelope (identity: IdentityKeyPair, e: Omit<DirectoryEnvelope, 'signature' | 'version' | 'identityKey'>, provider?: CryptoProvider): Uint8Array {
  checkTimes(e.seq, e.issuedAt, e.expiresAt)
  if (e.attestations.length > MAX_ATTESTATIONS) throw new MalformedRecordError('too many attestations')
  const unsigned = { ...e, version: RECORD_VERSION, identityKey: identity.publicKey }
  const signature = identity.sign(signedBytes(unsigned), provider)
  const value = DirectoryEnvelopePb.encode(toPb({ ...unsigned, signature }))
  if (value.length > MAX_VALUE_BYTES) throw new RecordTooLargeError()
  return value
}

/** Parses an envelope without checking anything but the encoding (tests and tools). */
export function decodeEnvelope (value: Uint8Array): DirectoryEnvelope {
  let pb: DirectoryEnvelopePb
  try {
    pb = DirectoryEnvelopePb.decode(value, { limits: { attestations: MAX_ATTESTATIONS } })
  } catch {
    throw new MalformedRecordError()
  }
  return {
    version: pb.version,
    identityKey: pb.identityKey,
    seq: toSafeNumber(pb.seq, 'seq'),
    issuedAt: toSafeNumber(pb.issuedAt, 'issuedAt'),
    expiresAt: toSafeNumber(pb.expiresAt, 'expiresAt'),
    attestations: pb.attestations,
    sealed: pb.sealed,
    signature: pb.signature,
    ...(pb.handover.length > 0 ? { handover: pb.handover } : {}),
    ...(pb.released ? { released: true } : {})
  }
}

/**
 * Every check a DHT node can make without the number: size, canonical encoding, version, identity key,
 * signature, validity window at `now`, and each attestation (signature, this directory key, this identity, not expired).
 */
export function validateEnvelope (key: Uint8Array | string, value: Uint8Array, now: number, provider?: CryptoProvider): ValidEnvelope {
  const { directoryKey } = parseDirectoryKey(key)
  if (!(value instanceof Uint8Array)) throw new MalformedRecordError()
  if (value.length > MAX_VALUE_BYTES) throw new RecordTooLargeError()
  const e = decodeEnvelope(value)
  if (!constantTimeEqual(DirectoryEnvelopePb.encode(toPb(e)), value)) throw new MalformedRecordError('record is not canonically encoded')
  if (e.version !== RECORD_VERSION) throw new MalformedRecordError('unsupported record version')
  if (e.identityKey.length !== IDENTITY_KEY_LENGTH) throw new MalformedRecordError('identity key has the wrong length')
  try {
    checkIdentityKey(e.identityKey)
  } catch {
    throw new MalformedRecordError('identity key is invalid')
  }
  if (e.sealed.length < SEALED_MIN) throw new MalformedRecordError('sealed record is too short')
  if (e.signature.length !== 64 || !verifySignature(e.identityKey, signedBytes(e), e.signature, provider)) throw new RecordSignatureError()
  checkTimes(e.seq, e.issuedAt, e.expiresAt)
  if (e.issuedAt > now + CLOCK_SKEW_MS) throw new RecordExpiredError('record is issued in the future')
  if (e.expiresAt + CLOCK_SKEW_MS < now) throw new RecordExpiredError('record has expired')
  const decodedAttestations = e.attestations.map(bytes => {
    let a: Attestation
    try {
      a = decodeAttestation(bytes, provider)
    } catch {
      throw new AttestationMismatchError('attestation does not verify')
    }
    if (a.directoryKey.length !== DIRECTORY_KEY_LENGTH || !constantTimeEqual(a.directoryKey, directoryKey)) throw new AttestationMismatchError('attestation binds another directory key')
    if (!constantTimeEqual(a.identityKey, e.identityKey)) throw new AttestationMismatchError('attestation binds another identity key')
    if (a.expiresAt - a.issuedAt > MAX_ATTESTATION_LIFETIME_MS) throw new RecordExpiredError('attestation lives longer than allowed')
    if (a.issuedAt > now + CLOCK_SKEW_MS || a.expiresAt + CLOCK_SKEW_MS < now) throw new RecordExpiredError('attestation is not valid now')
    return a
  })
  const decodedHandover = e.handover != null && e.handover.length > 0
    ? verifyHandover(e.handover, { directoryKey, identityKey: e.identityKey, recordIssuedAt: e.issuedAt }, provider)
    : undefined
  return { ...e, decodedAttestations, ...(decodedHandover != null ? { decodedHandover } : {}) }
}

/** What the selector rule needs to know besides the two records: the time and the node's trusted verifiers. */
export interface ReplaceContext {
  /** ms since epoch */
  now: number
  /** verifier keys the node trusts; undefined or empty: any valid attestation counts */
  verifiers?: Uint8Array[]
}

function counts (a: Attestation, now: number, verifiers?: Uint8Array[]): boolean {
  if (a.issuedAt > now + CLOCK_SKEW_MS || a.expiresAt <= now) return false
  return verifiers == null || verifiers.length === 0 || verifiers.some(v => constantTimeEqual(v, a.verifierKey))
}

/** issuedAt of the newest attestation valid at `now` (only from `verifiers` when given and not empty), or -1 when there is none. */
export function newestAttestation (e: ValidEnvelope, ctx: ReplaceContext): number {
  let newest = -1
  for (const a of e.decodedAttestations) {
    if (counts(a, ctx.now, ctx.verifiers) && a.issuedAt > newest) newest = a.issuedAt
  }
  return newest
}

/** issuedAt of the oldest attestation valid at `now` (only from `verifiers` when given and not empty), or Infinity when there is none. */
export function oldestAttestation (e: ValidEnvelope, ctx: ReplaceContext): number {
  let oldest = Infinity
  for (const a of e.decodedAttestations) {
    if (counts(a, ctx.now, ctx.verifiers) && a.issuedAt < oldest) oldest = a.issuedAt
  }
  return oldest
}

/**
 * The registration lock: `e` is unexpired, was issued (refreshed) within LOCK_WINDOW_MS of `now`, is not a
 * release record, and carries an attestation valid now (from `verifiers` when the node has a trusted set).
 */
export function isLocked (e: ValidEnvelope, ctx: ReplaceContext): boolean {
  return e.released !== true && e.expiresAt > ctx.now && ctx.now - e.issuedAt <= LOCK_WINDOW_MS && newestAttestation(e, ctx) >= 0
}

/** True when `candidate` carries a (validated) hand-over signed by `current`'s identity key. */
export function handedOverBy (candidate: ValidEnvelope, current: DirectoryEnvelope): boolean {
  return candidate.decodedHandover != null && constantTimeEqual(candidate.decodedHandover.oldIdentityKey, current.identityKey)
}

/** True when both envelopes are the same signed record. */
export function sameRecord (a: DirectoryEnvelope, b: DirectoryEnvelope): boolean {
  return constantTimeEqual(a.identityKey, b.identityKey) && a.seq === b.seq && constantTimeEqual(a.signature, b.signature)
}

/**
 * The selector rule, the same on every node (validator's store rule, selector, lookup ranking): does
 * `candidate` replace `current`?
 * - same identity: only a higher seq (equal or lower is a replay);
 * - another identity with a hand-over signed by `current`'s identity naming it: yes; the identity that
 *   signed a hand-over carried by `current`: no (it gave the number away);
 * - another identity while `current` is locked (isLocked): no, whatever verifier attested it, unless the
 *   candidate is locked too and was verified earlier (its oldest attestation is older): where two locked
 *   records meet (a reader, a selector, a node that held neither) the first verified registration holds,
 *   and a SIM swap's attestation is always the newer one;
 * - otherwise: only with an attestation newer than every one the current record has (a release record
 *   counts as having none), counting only `verifiers` when given.
 */
export function replaces (candidate: ValidEnvelope, current: ValidEnvelope, ctx: ReplaceContext): boolean {
  if (constantTimeEqual(candidate.identityKey, current.identityKey)) return candidate.seq > current.seq
  if (handedOverBy(candidate, current)) return true
  if (handedOverBy(current, candidate)) return false
  if (isLocked(current, ctx)) return isLocked(candidate, ctx) && oldestAttestation(candidate, ctx) < oldestAttestation(current, ctx)
  const theirs = newestAttestation(candidate, ctx)
  return theirs >= 0 && theirs > (current.released === true ? -1 : newestAttestation(current, ctx))
}

export function encodeInnerRecord (r: DirectoryRecord): Uint8Array {
  return DirectoryRecordPb.encode({
    identityKey: r.identityKey as Uint8Array<ArrayBuffer>,
    devices: r.devices.map(d => ({ deviceId: d.deviceId, peerId: d.peerId, certificate: d.certificate as Uint8Array<ArrayBuffer>, prekeyBundle: d.prekeyBundle as Uint8Array<ArrayBuffer> })),
    mailboxRelays: r.mailboxRelays,
    seq: BigInt(r.seq),
    issuedAt: BigInt(r.issuedAt),
    expiresAt: BigInt(r.expiresAt),
    removedDevices: r.removedDevices ?? []
  })
}

/** Peer id bytes a device certificate may carry: the multihash (canonical) or the UTF-8 string form. */
/** A device certificate names its libp2p peer by the peer id's multihash bytes (the binary form libp2p itself signs), never the string. */
function certificateNamesPeer (certPeer: Uint8Array, peerId: string): boolean {
  try {
    return constantTimeEqual(certPeer, peerIdFromString(peerId).toMultihash().bytes)
  } catch {
    return false
  }
}

/** Checks the fields a user publishes (limits, device certificates, relay addresses, bundle identity); throws MalformedRecordError. */
export function checkRecordFields (identityKey: Uint8Array, f: DirectoryRecordFields, provider?: CryptoProvider): void {
  if (f.devices.length > MAX_DEVICES) throw new MalformedRecordError('too many devices')
  if (f.mailboxRelays.length > MAX_RELAYS) throw new MalformedRecordError('too many mailbox relays')
  const removed = f.removedDevices ?? []
  if (removed.length > MAX_REMOVED_DEVICES) throw new MalformedRecordError('too many removed devices')
  if (removed.some(id => !Number.isSafeInteger(id) || id < 0 || id > 0xffffffff) || new Set(removed).size !== removed.length) throw new MalformedRecordError('removed device ids are invalid')
  const ids = new Set<number>()
  for (const d of f.devices) {
    if (ids.has(d.deviceId)) throw new MalformedRecordError('duplicate device id')
    if (removed.includes(d.deviceId)) throw new MalformedRecordError('a removed device is listed')
    ids.add(d.deviceId)
    let ok = false
    try {
      const cert = verifyDeviceCertificate(d.certificate, identityKey, provider)
      ok = cert.deviceId === d.deviceId && certificateNamesPeer(cert.devicePeerId, d.peerId)
    } catch {
      ok = false
    }
    if (!ok) throw new MalformedRecordError('device certificate does not match the device or identity')
    if (d.prekeyBundle.length > 0 && !bundleOf(d.prekeyBundle, identityKey, d.deviceId)) throw new MalformedRecordError('prekey bundle is invalid or of another device')
  }
  for (const addr of f.mailboxRelays) {
    let ok = typeof addr === 'string' && addr.length <= MAX_RELAY_ADDR_LENGTH
    if (ok) {
      try {
        multiaddr(addr)
      } catch {
        ok = false
      }
    }
    if (!ok) throw new MalformedRecordError('mailbox relay address is invalid')
  }
}

/** True when `bytes` is a prekey bundle of this identity's device `deviceId`. */
function bundleOf (bytes: Uint8Array, identityKey: Uint8Array, deviceId: number): boolean {
  try {
    const bundle = decodePreKeyBundle(bytes)
    return constantTimeEqual(bundle.identityKey, identityKey) && bundle.deviceId === deviceId
  } catch {
    return false
  }
}

/** Decodes an opened inner record and checks it against its (already validated) envelope; throws RecordContentError. */
export function decodeInnerRecord (bytes: Uint8Array, envelope: DirectoryEnvelope, provider?: CryptoProvider): DirectoryRecord {
  let pb: DirectoryRecordPb
  try {
    pb = DirectoryRecordPb.decode(bytes, { limits: { devices: MAX_DEVICES, mailboxRelays: MAX_RELAYS, removedDevices: MAX_REMOVED_DEVICES } })
  } catch {
    throw new RecordContentError()
  }
  const r: DirectoryRecord = {
    identityKey: pb.identityKey,
    devices: pb.devices.map(d => ({ deviceId: d.deviceId, peerId: d.peerId, certificate: d.certificate, prekeyBundle: d.prekeyBundle })),
    mailboxRelays: pb.mailboxRelays,
    removedDevices: pb.removedDevices,
    seq: Number(pb.seq),
    issuedAt: Number(pb.issuedAt),
    expiresAt: Number(pb.expiresAt)
  }
  if (!constantTimeEqual(r.identityKey, envelope.identityKey) || r.seq !== envelope.seq || r.issuedAt !== envelope.issuedAt || r.expiresAt !== envelope.expiresAt) {
    throw new RecordContentError('inner record does not match its envelope')
  }
  try {
    checkRecordFields(r.identityKey, r, provider)
  } catch {
    throw new RecordContentError('inner record breaks a limit or has invalid devices, relays or bundle')
  }
  return r
}
