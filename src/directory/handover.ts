/** Hand-overs: the identity holding a number signs that another identity may take its directory record over; knows no DHT and no clock (times are parameters). */
import { constantTimeEqual } from '../crypto/bytes.js'
import { checkIdentityKey, verifySignature, IDENTITY_KEY_LENGTH, type IdentityKeyPair } from '../crypto/identity.js'
import { DIRECTORY_KEY_LENGTH } from '../crypto/attestation.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { HandoverPb } from './pb/record.js'
import { InvalidHandoverError } from './errors.js'

/** Domain separation: a hand-over signature can never be mistaken for any other Parley signature. */
const HANDOVER_CONTEXT = new TextEncoder().encode('Parley_Handover_v1')
/**
 * Oldest hand-over a record may carry, counted from the record's issue time: long enough to finish moving
 * to a new identity while devices are off for a few days, short enough that a hand-over found later
 * (an old backup, a leaked record) cannot be used to take the number months afterwards.
 */
export const MAX_HANDOVER_AGE_MS = 7 * 24 * 3600_000
/** Clocks may disagree this much (the same allowance the envelope and attestations get). */
const HANDOVER_CLOCK_SKEW_MS = 5 * 60_000

export interface Handover {
  /** the identity that held the number and signed this */
  oldIdentityKey: Uint8Array
  /** sha256(H), the hex part of the DHT key */
  directoryKey: Uint8Array
  /** the identity that may replace the old identity's record */
  newIdentityKey: Uint8Array
  /** ms since epoch */
  issuedAt: number
  signature: Uint8Array
}

function toPb (h: Omit<Handover, 'signature'> & { signature?: Uint8Array }): HandoverPb {
  return {
    oldIdentityKey: h.oldIdentityKey as Uint8Array<ArrayBuffer>,
    directoryKey: h.directoryKey as Uint8Array<ArrayBuffer>,
    newIdentityKey: h.newIdentityKey as Uint8Array<ArrayBuffer>,
    issuedAt: BigInt(h.issuedAt),
    signature: (h.signature ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>
  }
}

function signedBytes (h: Omit<Handover, 'signature'>): Uint8Array {
  const body = HandoverPb.encode(toPb({ ...h, signature: undefined }))
  const out = new Uint8Array(HANDOVER_CONTEXT.length + body.length)
  out.set(HANDOVER_CONTEXT)
  out.set(body, HANDOVER_CONTEXT.length)
  return out
}

/** Signs that `newIdentityKey` may take over the number behind `directoryKey` (sha256(H)) from `oldIdentity`; the new identity puts the result into its record. */
export function signHandover (oldIdentity: IdentityKeyPair, fields: { directoryKey: Uint8Array, newIdentityKey: Uint8Array, issuedAt: number }, provider?: CryptoProvider): Uint8Array {
  if (fields.directoryKey.length !== DIRECTORY_KEY_LENGTH) throw new InvalidHandoverError('hand-over directory key must be 32 bytes')
  try {
    checkIdentityKey(fields.newIdentityKey)
  } catch {
    throw new InvalidHandoverError('hand-over names an invalid identity key')
  }
  if (constantTimeEqual(fields.newIdentityKey, oldIdentity.publicKey)) throw new InvalidHandoverError('a hand-over names another identity')
  if (!Number.isSafeInteger(fields.issuedAt) || fields.issuedAt < 0) throw new InvalidHandoverError('hand-over time is invalid')
  const unsigned = { ...fields, oldIdentityKey: oldIdentity.publicKey }
  return HandoverPb.encode(toPb({ ...unsigned, signature: oldIdentity.sign(signedBytes(unsigned), provider) }))
}

/**
 * Decodes and checks a hand-over carried by a record: canonical encoding, signature under its old
 * identity key, this directory key, naming `identityKey` (the record's), and issued at most
 * MAX_HANDOVER_AGE_MS before the record (`recordIssuedAt`) and not after it. Throws InvalidHandoverError.
 */
export function verifyHandover (bytes: Uint8Array, expect: { directoryKey: Uint8Array, identityKey: Uint8Array, recordIssuedAt: number }, provider?: CryptoProvider): Handover {
  let pb: HandoverPb
  try {
    pb = HandoverPb.decode(bytes)
  } catch {
    throw new InvalidHandoverError()
  }
  if (pb.issuedAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidHandoverError('hand-over time is invalid')
  const h: Handover = { ...pb, issuedAt: Number(pb.issuedAt) }
  if (!constantTimeEqual(HandoverPb.encode(toPb(h)), bytes)) throw new InvalidHandoverError('hand-over is not canonically encoded')
  if (h.oldIdentityKey.length !== IDENTITY_KEY_LENGTH || h.newIdentityKey.length !== IDENTITY_KEY_LENGTH) throw new InvalidHandoverError('hand-over identity key has the wrong length')
  try {
    checkIdentityKey(h.oldIdentityKey)
  } catch {
    throw new InvalidHandoverError('hand-over signer key is invalid')
  }
  if (h.signature.length !== 64 || !verifySignature(h.oldIdentityKey, signedBytes(h), h.signature, provider)) throw new InvalidHandoverError('hand-over signature does not verify')
  if (!constantTimeEqual(h.directoryKey, expect.directoryKey)) throw new InvalidHandoverError('hand-over is for another number')
  if (!constantTimeEqual(h.newIdentityKey, expect.identityKey)) throw new InvalidHandoverError('hand-over names another identity')
  if (constantTimeEqual(h.oldIdentityKey, h.newIdentityKey)) throw new InvalidHandoverError('a hand-over names another identity')
  if (h.issuedAt > expect.recordIssuedAt + HANDOVER_CLOCK_SKEW_MS) throw new InvalidHandoverError('hand-over is issued after its record')
  if (expect.recordIssuedAt - h.issuedAt > MAX_HANDOVER_AGE_MS) throw new InvalidHandoverError('hand-over is too old')
  return h
}
