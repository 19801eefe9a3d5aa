// SessionManager: Sesame-style 1:1 session handling (libsignal's session_management): pick, create, decrypt on a copy, commit on success, per-peer serial queue; knows no network.
import {
  DuplicateMessageError, messageKind, pqxdhInitiate, pqxdhRespond, ratchetDecrypt, ratchetEncrypt, ReplayedMessageError, TooFarForwardError
} from '../crypto/index.js'
import type { CryptoProvider, IdentityKeyPair, MessageKind, PreKeyBundle, RandomSource, RatchetState } from '../crypto/index.js'
import { CorruptRecordError, SIGNED_PRE_KEY_RETENTION_MS } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import type { StoreOptions, DeviceAddress, ReplayStore, SessionStore } from '../storage/index.js'
import { addressToString } from './address.js'
import { firstMessageReplayId, readPreKeyMessage } from './crypto-adapter.js'
import { IdentityMismatchError, NoSessionError, RestoredSessionError, StaleSessionError } from './errors.js'
import { KeyedMutex } from '../util/keyed-mutex.js'
import type { PreKeyManager } from './prekey-manager.js'
import { SessionRecord } from './session-record.js'

export interface SessionManagerParams {
  sessions: SessionStore
  replay: ReplayStore
  preKeys: PreKeyManager
  identity: IdentityKeyPair
  random: RandomSource
  now: () => number
  provider?: CryptoProvider
}

/** An encrypted 1:1 message; `kind` is 'prekey' while the session awaits the peer's first reply. */
export interface SessionMessage {
  kind: MessageKind
  body: Uint8Array
}

export interface DecryptedMessage {
  plaintext: Uint8Array
  /** a new session was created from a first (prekey) message */
  newSession: boolean
}

/**
 * Margin kept on replay marks beyond the oldest signed prekey: a mark is only forgotten when
 * it was made a week before the oldest signed prekey still held was created, so a clock that
 * stepped back by up to a week cannot make us forget a mark a kept prekey still needs.
 */
export const REPLAY_CLOCK_SKEW_MS = 7 * 24 * 60 * 60 * 1000

/**
 * How long an initiator keeps sending first messages without any reply: the responder keeps
 * the signed prekey they name (current when the bundle was fetched) for at least the
 * retention window, after that they may be undecryptable, so encrypt asks for a new bundle.
 */
export const MAX_UNACKNOWLEDGED_SESSION_AGE_MS = SIGNED_PRE_KEY_RETENTION_MS

/** Queue key shared by all first (prekey) messages; addresses render as hex, so it cannot collide. */
const FIRST_MESSAGE_QUEUE = 'first-message'

/** Among the errors of all sessions tried, the one that says most about the message. */
function mostTelling (errors: unknown[]): unknown {
  return errors.find(e => e instanceof DuplicateMessageError) ?? errors.find(e => e instanceof TooFarForwardError) ?? errors[0]
}

export interface DecryptOptions extends StoreOptions {
  /**
   * Called with the plaintext after decryption succeeded and before the advanced session state is stored.
   * Persist what the message says here: if this throws (or the process dies) nothing is committed and the
   * same ciphertext decrypts again later, so a message is never lost between decryption and storage.
   * Runs inside the address's serial queue: it must not call encrypt/decrypt for the same address.
   */
  beforeCommit?: (plaintext: Uint8Array, newSession: boolean) => Promise<void>
}

export class SessionManager {
  private readonly sessions: SessionStore
  private readonly replay: ReplayStore
  private readonly preKeys: PreKeyManager
  private readonly identity: IdentityKeyPair
  private readonly deps: { random: RandomSource, provider?: CryptoProvider }
  private readonly now: () => number
  private readonly queue = new KeyedMutex()

  constructor (params: SessionManagerParams) {
    this.sessions = params.sessions
    this.replay = params.replay
    this.preKeys = params.preKeys
    this.identity = params.identity
    this.now = params.now
    this.deps = params.provider == null ? { random: params.random } : { random: params.random, provider: params.provider }
  }

  /** Runs fn in the serial queue of the address: no two operations on one address interleave. */
  private async serial<T> (address: DeviceAddress, fn: () => Promise<T>, options?: StoreOptions): Promise<T> {
    return await this.queue.run(addressToString(address), fn, options)
  }

  private async load (address: DeviceAddress, options?: StoreOptions): Promise<SessionRecord> {
    return SessionRecord.fromStored(await this.sessions.loadSessions(address, options))
  }

  private async commit (address: DeviceAddress, record: SessionRecord, options?: StoreOptions): Promise<void> {
    await this.sessions.storeSessions(address, record.toStored(), options)
  }

  /** True when there is at least one session with the address. */
  async hasSession (address: DeviceAddress, options?: StoreOptions): Promise<boolean> {
    return (await this.sessions.loadSessions(address, options)).length > 0
  }

  /**
   * Starts a new session from the peer's prekey bundle (PQXDH initiator). The new session
   * becomes active (newest); older ones stay to decrypt messages still in flight.
   * Throws IdentityMismatchError when the bundle is of another identity or device,
   * InvalidSignatureError / InvalidKeyError for a bad bundle.
   */
  async processPreKeyBundle (address: DeviceAddress, bundle: PreKeyBundle, options?: StoreOptions): Promise<void> {
    if (!constantTimeEqual(bundle.identityKey, address.identityKey) || bundle.deviceId !== address.deviceId) throw new IdentityMismatchError('Bundle is not of this address')
    await this.serial(address, async () => {
      const state = pqxdhInitiate(this.identity, bundle, this.deps)
      const record = await this.load(address, options)
      await this.commit(address, record.withNewSession(state, this.now()), options)
    }, options)
  }

  /**
   * Encrypts with the active session: the newest one not restored from a backup (it is moved to the
   * front). The advanced state is stored (synced) before the message is returned, so a message key is
   * never used twice, even across a crash.
   * Throws NoSessionError when there is no session (call processPreKeyBundle first), RestoredSessionError
   * when every session came from a backup, and StaleSessionError when the active session got no reply for
   * MAX_UNACKNOWLEDGED_SESSION_AGE_MS (for both: fetch a new bundle and call processPreKeyBundle).
   */
  async encrypt (address: DeviceAddress, plaintext: Uint8Array, options?: StoreOptions): Promise<SessionMessage> {
    return await this.serial(address, async () => {
      const record = await this.load(address, options)
      if (record.length === 0) throw new NoSessionError()
      const index = record.indexForSending()
      if (index < 0) throw new RestoredSessionError()
      const active = record.session(index)
      if (active.awaitingReply && this.now() - record.createdAt(index) > MAX_UNACKNOWLEDGED_SESSION_AGE_MS) throw new StaleSessionError()
      const { state, message, kind } = ratchetEncrypt(active, plaintext, this.deps)
      await this.commit(address, record.promote(index, state), options)
      return { kind, body: message }
    }, options)
  }

  /** True when encrypt has a session to use (one exists that was not restored from a backup); says nothing of staleness. */
  async canEncrypt (address: DeviceAddress, options?: StoreOptions): Promise<boolean> {
    return (await this.load(address, options)).indexForSending() >= 0
  }


  /**
   * Decrypts a message from the address. A normal message is tried on a copy of each session,
   * newest first; the first that succeeds is stored and becomes active (Sesame). A first
   * (prekey) message goes to the session with its base key, or creates a new session
   * (PQXDH responder), refusing replays and removing used one-time prekeys. On any failure
   * storage is left unchanged and the error of the most telling attempt is thrown.
   */
  async decrypt (address: DeviceAddress, message: Uint8Array, options?: DecryptOptions): Promise<DecryptedMessage> {
    const kind = messageKind(message)
    return await this.serial(address, async () => {
      const record = await this.load(address, options)
      // first messages also share one queue: the replay check-then-mark must not race across addresses
      if (kind === 'prekey') return await this.queue.run(FIRST_MESSAGE_QUEUE, async () => await this.decryptPreKeyMessage(address, record, message, options), options)
      if (record.length === 0) throw new NoSessionError()
      const errors: unknown[] = []
      for (let i = 0; i < record.length; i++) {
        let result: { state: RatchetState, plaintext: Uint8Array }
        try {
          result = ratchetDecrypt(record.session(i), message, this.deps)
        } catch (err) {
          errors.push(err)
          continue
        }
        await options?.beforeCommit?.(result.plaintext, false)
        await this.commit(address, record.promote(i, result.state), options)
        return { plaintext: result.plaintext, newSession: false }
      }
      throw mostTelling(errors)
    }, options)
  }

  private async decryptPreKeyMessage (address: DeviceAddress, record: SessionRecord, message: Uint8Array, options?: DecryptOptions): Promise<DecryptedMessage> {
    const header = readPreKeyMessage(message)
    if (!constantTimeEqual(header.identityKey, address.identityKey)) throw new IdentityMismatchError('First message is from another identity')

    // a later message of a session we already built from this base key: never build it twice
    const existing = record.indexOfBaseKey(header.baseKey)
    if (existing >= 0) {
      const { state, plaintext } = ratchetDecrypt(record.session(existing), message, this.deps)
      await options?.beforeCommit?.(plaintext, false)
      await this.commit(address, record.promote(existing, state), options)
      return { plaintext, newSession: false }
    }

    const replayId = firstMessageReplayId(header.identityKey, header.baseKey, this.deps.provider)
    if (await this.replay.hasSeen(replayId, options)) throw new ReplayedMessageError()
    const loaded = await this.preKeys.loadForFirstMessage(header, options)
    const result = pqxdhRespond({
      identity: this.identity,
      message,
      preKeys: {
        signedPreKey: id => id === loaded.signedPreKey?.id ? loaded.signedPreKey : undefined,
        kemPreKey: id => id === loaded.kemPreKey?.id ? loaded.kemPreKey : undefined,
        oneTimePreKey: id => id === loaded.oneTimePreKey?.id ? loaded.oneTimePreKey : undefined
      },
      isReplay: () => false
    }, this.deps)

    await options?.beforeCommit?.(result.plaintext, true)
    // Commit order for crash safety: the session first (a retry of this message then finds it
    // by base key), then the replay mark, then the removal of the one-time prekeys.
    await this.commit(address, record.withNewSession(result.state, this.now()), options)
    await this.replay.markSeen(result.replayId, this.now(), options)
    await this.preKeys.removeUsed({ oneTimePreKeyId: result.usedOneTimePreKeyId, kemPreKeyId: result.usedKemPreKeyId, kemLastResort: result.usedKemPreKeyLastResort }, options)
    return { plaintext: result.plaintext, newSession: true }
  }

  /** The PQXDH base key of the active session (public; identifies the session, e.g. to check convergence). */
  async activeSessionId (address: DeviceAddress, options?: StoreOptions): Promise<Uint8Array | undefined> {
    const record = await this.load(address, options)
    return record.length === 0 ? undefined : record.session(0).baseKey
  }

  /** Number of sessions kept for the address. */
  async sessionCount (address: DeviceAddress, options?: StoreOptions): Promise<number> {
    return (await this.load(address, options)).length
  }

  /**
   * Housekeeping (call after rotateSignedPreKeys): forgets the replay marks no kept prekey
   * could need any more. A first message needs its signed prekey, which existed before the
   * message was processed, so a mark made before the oldest signed prekey still held was
   * created (minus REPLAY_CLOCK_SKEW_MS) can never match a processable message. Returns how many.
   */
  async pruneReplayMarks (options?: StoreOptions): Promise<number> {
    const oldest = await this.preKeys.oldestSignedPreKeyTime(options) ?? this.now()
    return await this.replay.pruneSeenBefore(oldest - REPLAY_CLOCK_SKEW_MS, options)
  }

  /** Forgets every session with the address (e.g. the user reset the session). */
  async deleteSessions (address: DeviceAddress, options?: StoreOptions): Promise<void> {
    await this.serial(address, async () => { await this.sessions.deleteSessions(address, options) }, options)
  }
}

/**
 * After a backup was imported (nothing else running on the storage): marks every stored session
 * "restored". Such a session still decrypts what contacts send on it, but encrypt never uses it: the
 * ratchet state in a backup may be behind what the device sent after the snapshot, and the contact
 * would drop those message numbers as duplicates. The first send to each device then starts a new
 * session (RestoredSessionError → fetch a bundle). Returns how many addresses were marked.
 */
export async function markSessionsRestored (sessions: SessionStore, options?: StoreOptions): Promise<number> {
  const addresses = await sessions.listAddresses(undefined, options)
  let marked = 0
  for (const address of addresses) {
    let record: SessionRecord
    try {
      record = SessionRecord.fromStored(await sessions.loadSessions(address, options))
    } catch (err) {
      // an unreadable record cannot send either (every load throws): leave it as it is
      if (err instanceof CorruptRecordError) continue
      throw err
    }
    if (record.length === 0) continue
    await sessions.storeSessions(address, record.markedRestored().toStored(), options)
    marked++
  }
  return marked
}
