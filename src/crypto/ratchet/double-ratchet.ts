/** The Double Ratchet (Signal spec): initialisation, encrypt and decrypt with skipped keys, commit-on-success; knows no handshake or storage. */
import { concat, constantTimeEqual, wipe } from '../bytes.js'
import { generateX25519KeyPair, x25519Agree } from '../dh.js'
import { CryptoError, DuplicateMessageError, SessionMismatchError, TooFarForwardError } from '../errors.js'
import { providerOf } from '../deps.js'
import { kdfChainKey, kdfRootKey, messageKeyMaterial } from './keys.js'
import { MAX_COUNTER, MAX_FORWARD_JUMP, MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS } from './limits.js'
import { encodePreKeyMessage, encodeRatchetHeader, messageKind, parsePreKeyMessage, parseRatchetMessage } from './message.js'
import { FIELDS, ownSkipped, RatchetState, skippedKeyId } from './state.js'
import type { CryptoDeps } from '../deps.js'
import type { CryptoProvider } from '../provider.js'
import type { MessageKind } from './message.js'
import type { PendingPreKey, RatchetFields, ReceiverChain } from './state.js'

export interface EncryptResult {
  state: RatchetState
  /** bytes to send; a prekey message while the initiator awaits a reply */
  message: Uint8Array
  kind: MessageKind
}

export interface DecryptResult {
  state: RatchetState
  plaintext: Uint8Array
}

export interface SessionKeys {
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  /** PQXDH output SK */
  sharedSecret: Uint8Array
  baseKey: Uint8Array
}

/** RatchetInitAlice: a fresh ratchet key pair and a sending chain from DH(ours, their signed prekey). */
export function initInitiator (keys: SessionKeys, remoteRatchetKey: Uint8Array, pending: PendingPreKey, deps: CryptoDeps): RatchetState {
  const p = providerOf(deps)
  const kp = generateX25519KeyPair(deps.random, p)
  const dh = x25519Agree(kp.privateKey, remoteRatchetKey, p)
  const { rootKey, chainKey } = kdfRootKey(p, keys.sharedSecret, dh)
  wipe(dh)
  return new RatchetState({
    localIdentityKey: keys.localIdentityKey,
    remoteIdentityKey: keys.remoteIdentityKey,
    rootKey,
    sendingPrivate: kp.privateKey,
    sendingPublic: kp.publicKey,
    sendingChainKey: chainKey,
    sendingCounter: 0,
    previousCounter: 0,
    receiverChains: [],
    skipped: new Map(),
    baseKey: keys.baseKey,
    pending
  })
}

/** RatchetInitBob: our signed prekey is the first ratchet key pair; no sending chain until the first DH step. */
export function initResponder (keys: SessionKeys, signedPreKeyPrivate: Uint8Array, signedPreKeyPublic: Uint8Array): RatchetState {
  return new RatchetState({
    localIdentityKey: keys.localIdentityKey,
    remoteIdentityKey: keys.remoteIdentityKey,
    rootKey: Uint8Array.from(keys.sharedSecret),
    sendingPrivate: signedPreKeyPrivate,
    sendingPublic: signedPreKeyPublic,
    sendingChainKey: new Uint8Array(0),
    sendingCounter: 0,
    previousCounter: 0,
    receiverChains: [],
    skipped: new Map(),
    baseKey: keys.baseKey
  })
}

function seal (p: CryptoProvider, messageKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const { key, iv } = messageKeyMaterial(p, messageKey)
  try {
    return p.aesGcmEncrypt(key, iv, plaintext, aad)
  } finally {
    wipe(key, iv)
  }
}

function open (p: CryptoProvider, messageKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const { key, iv } = messageKeyMaterial(p, messageKey)
  try {
    return p.aesGcmDecrypt(key, iv, sealed, aad)
  } finally {
    wipe(key, iv)
  }
}

/** Encrypts one message; returns the new state (the input is not modified). */
export function ratchetEncrypt (state: RatchetState, plaintext: Uint8Array, deps?: Partial<CryptoDeps>): EncryptResult {
  const p = providerOf(deps)
  const f = state[FIELDS]()
  if (f.sendingChainKey.length === 0) throw new CryptoError('Session has no sending chain yet')
  if (f.sendingCounter >= MAX_COUNTER) throw new CryptoError('Sending chain exhausted')
  const { chainKey, messageKey } = kdfChainKey(p, f.sendingChainKey)
  const headerBytes = encodeRatchetHeader({ ratchetKey: f.sendingPublic, previousCounter: f.previousCounter, counter: f.sendingCounter })
  // AD = sender identity ‖ receiver identity ‖ header (PQXDH's IK_A ‖ IK_B for the first message)
  const sealed = seal(p, messageKey, plaintext, concat(f.localIdentityKey, f.remoteIdentityKey, headerBytes))
  wipe(messageKey)
  f.sendingChainKey = chainKey
  f.sendingCounter += 1
  const inner = concat(headerBytes, sealed)
  if (f.pending !== undefined) {
    const message = encodePreKeyMessage({
      identityKey: f.localIdentityKey,
      baseKey: f.baseKey,
      signedPreKeyId: f.pending.signedPreKeyId,
      oneTimePreKeyId: f.pending.oneTimePreKeyId,
      kemPreKeyId: f.pending.kemPreKeyId,
      kemCiphertext: f.pending.kemCiphertext,
      message: inner
    })
    return { state: new RatchetState(f), message, kind: 'prekey' }
  }
  return { state: new RatchetState(f), message: inner, kind: 'message' }
}

/** Derives and stores message keys of `chain` up to (not including) `until`, evicting the oldest beyond MAX_SKIPPED_KEYS. */
function skipMessageKeys (p: CryptoProvider, f: RatchetFields, chain: ReceiverChain, until: number): void {
  if (chain.counter >= until) return
  const skipped = ownSkipped(f)
  while (chain.counter < until) {
    const { chainKey, messageKey } = kdfChainKey(p, chain.chainKey)
    skipped.set(skippedKeyId(chain.ratchetKey, chain.counter), { ratchetKey: chain.ratchetKey, counter: chain.counter, messageKey })
    chain.chainKey = chainKey
    chain.counter += 1
    while (skipped.size > MAX_SKIPPED_KEYS) {
      const oldest = skipped.keys().next().value as string
      skipped.delete(oldest)
    }
  }
}

/**
 * Decrypts a ratchet message (or a prekey message of this session: same base key) on a copy of
 * `state`; returns the new state and the plaintext. On any error the input state is unchanged
 * (it is never mutated) and a typed error is thrown: DuplicateMessageError, TooFarForwardError
 * (checked before any key is derived), DecryptionError, InvalidMessageError, SessionMismatchError.
 * `deps.random` is needed for the new ratchet key pair of a DH ratchet step.
 */
export function ratchetDecrypt (state: RatchetState, message: Uint8Array, deps: CryptoDeps): DecryptResult {
  let bytes = message
  if (messageKind(message) === 'prekey') {
    const pm = parsePreKeyMessage(message)
    if (!constantTimeEqual(pm.baseKey, state.baseKey) || !constantTimeEqual(pm.identityKey, state.remoteIdentityKey)) throw new SessionMismatchError()
    bytes = pm.message
  }
  return decryptRatchetMessage(state, bytes, deps)
}

/** Decrypts the inner ratchet message of an already parsed and matched first message (pqxdhRespond, which has just parsed it). */
export function decryptRatchetMessage (state: RatchetState, bytes: Uint8Array, deps: CryptoDeps): DecryptResult {
  const p = providerOf(deps)
  const { header, headerBytes, sealed } = parseRatchetMessage(bytes)
  const f = state[FIELDS]()
  const aad = concat(f.remoteIdentityKey, f.localIdentityKey, headerBytes)

  const sid = f.skipped.size === 0 ? undefined : skippedKeyId(header.ratchetKey, header.counter)
  const stored = sid === undefined ? undefined : f.skipped.get(sid)
  if (sid !== undefined && stored !== undefined) {
    const plaintext = open(p, stored.messageKey, sealed, aad)
    ownSkipped(f).delete(sid)
    f.pending = undefined
    return { state: new RatchetState(f), plaintext }
  }

  let chain = f.receiverChains.find(c => constantTimeEqual(c.ratchetKey, header.ratchetKey))
  if (chain === undefined) {
    // a new peer ratchet key: check every limit before deriving anything
    if (header.counter > MAX_FORWARD_JUMP) throw new TooFarForwardError()
    const current = f.receiverChains[0]
    if (current !== undefined && header.previousCounter > current.counter && header.previousCounter - current.counter > MAX_FORWARD_JUMP) throw new TooFarForwardError()
    if (current !== undefined) skipMessageKeys(p, f, current, header.previousCounter)
    chain = dhRatchetStep(p, f, header.ratchetKey, deps)
  } else {
    if (header.counter < chain.counter) throw new DuplicateMessageError()
    if (header.counter - chain.counter > MAX_FORWARD_JUMP) throw new TooFarForwardError()
  }
  skipMessageKeys(p, f, chain, header.counter)
  const { chainKey, messageKey } = kdfChainKey(p, chain.chainKey)
  const plaintext = open(p, messageKey, sealed, aad)
  wipe(messageKey)
  chain.chainKey = chainKey
  chain.counter += 1
  f.pending = undefined
  return { state: new RatchetState(f), plaintext }
}

/** DHRatchet(state, header): new receiving chain from their key, then a new sending key pair and chain. */
function dhRatchetStep (p: CryptoProvider, f: RatchetFields, theirRatchetKey: Uint8Array, deps: CryptoDeps): ReceiverChain {
  const dhRecv = x25519Agree(f.sendingPrivate, theirRatchetKey, p)
  const recv = kdfRootKey(p, f.rootKey, dhRecv)
  const chain: ReceiverChain = { ratchetKey: theirRatchetKey, chainKey: recv.chainKey, counter: 0 }
  f.receiverChains.unshift(chain)
  if (f.receiverChains.length > MAX_RECEIVER_CHAINS) f.receiverChains.length = MAX_RECEIVER_CHAINS
  const kp = generateX25519KeyPair(deps.random, p)
  const dhSend = x25519Agree(kp.privateKey, theirRatchetKey, p)
  const send = kdfRootKey(p, recv.rootKey, dhSend)
  wipe(dhRecv, dhSend)
  f.previousCounter = f.sendingCounter
  f.sendingCounter = 0
  f.sendingPrivate = kp.privateKey
  f.sendingPublic = kp.publicKey
  f.sendingChainKey = send.chainKey
  f.rootKey = send.rootKey
  return chain
}
