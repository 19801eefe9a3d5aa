/** PQXDH (Signal's spec, X25519 + ML-KEM-768 + HKDF-SHA256): initiator and responder, producing Double Ratchet sessions; knows no storage (prekeys come in through a lookup). */
import { concat, utf8, wipe } from './bytes.js'
import { generateX25519KeyPair, x25519Agree } from './dh.js'
import { MissingPreKeyError, ReplayedMessageError, SessionMismatchError } from './errors.js'
import { checkIdentityKey, identityDhPublicKey } from './identity.js'
import { kemEncapsulate } from './kem.js'
import { verifyPreKeyBundle } from './prekeys.js'
import { providerOf } from './deps.js'
import { decryptRatchetMessage, initInitiator, initResponder } from './ratchet/double-ratchet.js'
import { parsePreKeyMessage } from './ratchet/message.js'
import type { CryptoDeps } from './deps.js'
import type { IdentityKeyPair } from './identity.js'
import type { KemPreKey, OneTimePreKey, PreKeyBundle, SignedPreKey } from './prekeys.js'
import type { CryptoProvider } from './provider.js'
import type { RatchetState } from './ratchet/state.js'

/** KDF info string: names protocol, curve, hash and KEM, as the spec asks. */
const PQXDH_INFO = utf8('Parley_PQXDH_X25519_SHA-256_ML-KEM-768_v1')
/** F: 32 0xFF bytes prepended to the DH outputs (the spec's domain separation from XEdDSA). */
const PQXDH_F = new Uint8Array(32).fill(0xff)
const ZERO_SALT = new Uint8Array(32)
const REPLAY_CONTEXT = utf8('Parley-PQXDH-replay-v1')

function kdfSharedSecret (p: CryptoProvider, parts: Uint8Array[]): Uint8Array {
  const ikm = concat(PQXDH_F, ...parts)
  const sk = p.hkdfSha256(ikm, ZERO_SALT, PQXDH_INFO, 32)
  wipe(ikm, ...parts)
  return sk
}

/** Stable id of a first message (its initiator identity and base key): the responder refuses ids it has already processed. */
export function replayIdOf (p: CryptoProvider, identityKey: Uint8Array, baseKey: Uint8Array): Uint8Array {
  return p.sha256(concat(REPLAY_CONTEXT, identityKey, baseKey))
}

/**
 * Initiator: verifies the bundle (signatures, key sizes, low-order keys), runs PQXDH and returns a
 * session whose messages are prekey messages until the responder answers.
 * Throws InvalidSignatureError / InvalidKeyError.
 */
export function pqxdhInitiate (identity: IdentityKeyPair, bundle: PreKeyBundle, deps: CryptoDeps): RatchetState {
  const p = providerOf(deps)
  verifyPreKeyBundle(bundle, p)
  const remoteDh = identityDhPublicKey(bundle.identityKey)
  const ek = generateX25519KeyPair(deps.random, p)
  const dh1 = identity.agree(bundle.signedPreKey.publicKey, p)
  const dh2 = x25519Agree(ek.privateKey, remoteDh, p)
  const dh3 = x25519Agree(ek.privateKey, bundle.signedPreKey.publicKey, p)
  const dh4 = bundle.oneTimePreKey === undefined ? undefined : x25519Agree(ek.privateKey, bundle.oneTimePreKey.publicKey, p)
  const { cipherText, sharedSecret: ss } = kemEncapsulate(bundle.kemPreKey.publicKey, deps.random)
  const sk = kdfSharedSecret(p, dh4 === undefined ? [dh1, dh2, dh3, ss] : [dh1, dh2, dh3, dh4, ss])
  wipe(ek.privateKey)
  const state = initInitiator(
    { localIdentityKey: identity.publicKey, remoteIdentityKey: bundle.identityKey, sharedSecret: sk, baseKey: ek.publicKey },
    bundle.signedPreKey.publicKey,
    { signedPreKeyId: bundle.signedPreKey.id, oneTimePreKeyId: bundle.oneTimePreKey?.id, kemPreKeyId: bundle.kemPreKey.id, kemCiphertext: cipherText },
    deps
  )
  wipe(sk)
  return state
}

/** The responder's prekeys, looked up by id (the session layer owns storage and rotation). */
export interface PreKeyLookup {
  /** current and previous (rotated, still within the retention window) signed prekeys */
  signedPreKey: (id: number) => SignedPreKey | undefined
  /** one-time and last-resort ML-KEM prekeys */
  kemPreKey: (id: number) => KemPreKey | undefined
  /** unused one-time X25519 prekeys (delete after a successful respond) */
  oneTimePreKey: (id: number) => OneTimePreKey | undefined
}

export interface RespondParams {
  identity: IdentityKeyPair
  message: Uint8Array
  preKeys: PreKeyLookup
  /** true if this replay id was processed before (the session layer persists them) */
  isReplay: (replayId: Uint8Array) => boolean
}

export interface RespondResult {
  state: RatchetState
  plaintext: Uint8Array
  remoteIdentityKey: Uint8Array
  /** persist it (e.g. as long as the signed prekey it used is kept) and report it from isReplay */
  replayId: Uint8Array
  signedPreKeyId: number
  /** delete this one-time X25519 prekey now */
  usedOneTimePreKeyId?: number
  /** delete this ML-KEM prekey now if `usedKemPreKeyLastResort` is false */
  usedKemPreKeyId: number
  usedKemPreKeyLastResort: boolean
}

/**
 * Responder: processes a first (prekey) message, returning the new session and the first
 * plaintext. Nothing is returned unless the inner message authenticates. Throws
 * ReplayedMessageError, MissingPreKeyError, InvalidKeyError, DecryptionError, InvalidMessageError.
 */
export function pqxdhRespond (params: RespondParams, deps: CryptoDeps): RespondResult {
  const p = providerOf(deps)
  const { identity, preKeys } = params
  const m = parsePreKeyMessage(params.message)
  checkIdentityKey(m.identityKey)
  const replayId = replayIdOf(p, m.identityKey, m.baseKey)
  if (params.isReplay(replayId)) throw new ReplayedMessageError()
  const spk = preKeys.signedPreKey(m.signedPreKeyId)
  const kem = preKeys.kemPreKey(m.kemPreKeyId)
  const opk = m.oneTimePreKeyId === undefined ? undefined : preKeys.oneTimePreKey(m.oneTimePreKeyId)
  if (spk === undefined || kem === undefined || (m.oneTimePreKeyId !== undefined && opk === undefined)) throw new MissingPreKeyError()
  if (spk.id !== m.signedPreKeyId || kem.id !== m.kemPreKeyId) throw new SessionMismatchError('Prekey lookup returned another key')

  const dh1 = spk.agree(identityDhPublicKey(m.identityKey), p)
  const dh2 = identity.agree(m.baseKey, p)
  const dh3 = spk.agree(m.baseKey, p)
  const dh4 = opk?.agree(m.baseKey, p)
  const ss = kem.decapsulate(m.kemCiphertext, p)
  const sk = kdfSharedSecret(p, dh4 === undefined ? [dh1, dh2, dh3, ss] : [dh1, dh2, dh3, dh4, ss])
  const fresh = initResponder(
    { localIdentityKey: identity.publicKey, remoteIdentityKey: m.identityKey, sharedSecret: sk, baseKey: m.baseKey },
    spk.exportPrivateKey(),
    spk.publicKey
  )
  wipe(sk)
  // the session was made from this very message (same base key and identity), so its inner
  // ratchet message goes straight in, without parsing and re-encoding the prekey message again
  const { state, plaintext } = decryptRatchetMessage(fresh, m.message, deps)
  const result: RespondResult = {
    state,
    plaintext,
    remoteIdentityKey: m.identityKey,
    replayId,
    signedPreKeyId: spk.id,
    usedKemPreKeyId: kem.id,
    usedKemPreKeyLastResort: kem.lastResort
  }
  if (opk !== undefined) result.usedOneTimePreKeyId = opk.id
  return result
}
