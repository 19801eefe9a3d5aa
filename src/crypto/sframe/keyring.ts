/** The receiving side of SFrame (RFC 9605 §4.4.4): base keys by KID, each with its replay window; decrypts a frame with the key its header names. Knows no transport or who sends. */
import { concat, wipe } from '../bytes.js'
import { UnsupportedParameterError } from '../errors.js'
import { importSFrameAead, type SFrameAead } from './aead.js'
import { PARLEY_SFRAME_SUITE, SFRAME_MAX_KEYS, SFRAME_REPLAY_WINDOW } from './constants.js'
import { SFrameKeyringFullError, SFrameUnknownKeyError } from './errors.js'
import { decodeSFrameHeader } from './header.js'
import { checkBaseKey, checkKid, deriveSFrameKeySalt, sframeNonce, suiteParams } from './key-schedule.js'
import { ReplayWindow } from './replay.js'

const EMPTY = new Uint8Array(0)

export interface SFrameKeyringInit {
  /** one suite per keyring, as per SFrame session (RFC 9605 §4.5) @default PARLEY_SFRAME_SUITE */
  suite?: number
  /** @default SFRAME_MAX_KEYS */
  maxKeys?: number
  /** counters below the highest accepted that may still arrive, a multiple of 32 @default SFRAME_REPLAY_WINDOW */
  replayWindow?: number
}

/** A decrypted frame and the header values it was sent under (authenticated). */
export interface SFrameDecrypted {
  kid: bigint
  ctr: bigint
  plaintext: Uint8Array
}

interface ReceiveKey {
  aead: SFrameAead
  salt: Uint8Array
  window: ReplayWindow
}

/**
 * Receive keys by KID, each usable for decryption only. Adding a KID again replaces its key (and starts a fresh
 * replay window); a removed KID decrypts nothing more, not even a frame whose decryption was under way when it
 * was removed. Key changes apply in call order even though importing a key is asynchronous.
 */
export class SFrameKeyring {
  readonly suite: number
  readonly maxKeys: number
  readonly replayWindow: number
  private readonly keys = new Map<bigint, ReceiveKey>()
  /** the latest addKey of each KID still importing; a later add or remove of that KID makes it stale */
  private readonly pending = new Map<bigint, object>()

  constructor (init: SFrameKeyringInit = {}) {
    this.suite = init.suite ?? PARLEY_SFRAME_SUITE
    suiteParams(this.suite)
    this.maxKeys = init.maxKeys ?? SFRAME_MAX_KEYS
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new UnsupportedParameterError('SFrame keyring size must be a positive integer')
    this.replayWindow = init.replayWindow ?? SFRAME_REPLAY_WINDOW
    new ReplayWindow(this.replayWindow) // checks the size
  }

  get size (): number {
    return this.keys.size
  }

  hasKey (kid: bigint): boolean {
    return this.keys.has(kid)
  }

  /** The KIDs held, in the order they were added. */
  kids (): bigint[] {
    return [...this.keys.keys()]
  }

  /**
   * Derives and imports the key of `kid` for decryption, replacing any key the KID had. SFrameKeyringFullError when
   * the KID is new and SFRAME_MAX_KEYS keys are held; InvalidKeyError / UnsupportedParameterError for bad input.
   * Resolves without adding when the KID was added again or removed while this one was importing.
   */
  async addKey (kid: bigint, baseKey: Uint8Array): Promise<void> {
    checkKid(kid)
    checkBaseKey(baseKey)
    this.checkRoom(kid)
    const token = {}
    this.pending.set(kid, token)
    let key: Uint8Array | undefined
    try {
      const derived = await deriveSFrameKeySalt(this.suite, kid, baseKey)
      key = derived.key
      const aead = await importSFrameAead(this.suite, key, 'decrypt')
      if (this.pending.get(kid) !== token) return
      this.checkRoom(kid)
      this.keys.set(kid, { aead, salt: derived.salt, window: new ReplayWindow(this.replayWindow) })
    } finally {
      if (this.pending.get(kid) === token) this.pending.delete(kid)
      wipe(key)
    }
  }

  /** Forgets the key of `kid` (and cancels an addKey of it still importing); true when a key was held. */
  removeKey (kid: bigint): boolean {
    this.pending.delete(kid)
    return this.keys.delete(kid)
  }

  /** Forgets every key. */
  clear (): void {
    this.pending.clear()
    this.keys.clear()
  }

  /**
   * Decrypts an SFrame ciphertext (header ‖ ciphertext ‖ tag) with the `metadata` the sender authenticated.
   * SFrameHeaderError (malformed header), SFrameUnknownKeyError (no key for its KID, or the key was removed or
   * replaced meanwhile), SFrameReplayError (counter seen or too old), SFrameDecryptError (not authentic). A failed
   * frame changes nothing: only an authentic frame advances the replay window.
   */
  async decrypt (ciphertext: Uint8Array, metadata: Uint8Array = EMPTY): Promise<SFrameDecrypted> {
    if (!(metadata instanceof Uint8Array)) throw new UnsupportedParameterError('SFrame metadata must be a Uint8Array')
    const header = decodeSFrameHeader(ciphertext)
    const entry = this.keys.get(header.kid)
    if (entry === undefined) throw new SFrameUnknownKeyError()
    entry.window.check(header.ctr)
    const aad = concat(ciphertext.subarray(0, header.length), metadata)
    const plaintext = await entry.aead.open(sframeNonce(entry.salt, header.ctr), aad, ciphertext.subarray(header.length))
    if (this.keys.get(header.kid) !== entry) throw new SFrameUnknownKeyError('SFrame key removed during decryption')
    entry.window.accept(header.ctr)
    return { kid: header.kid, ctr: header.ctr, plaintext }
  }

  private checkRoom (kid: bigint): void {
    if (!this.keys.has(kid) && this.keys.size >= this.maxKeys) throw new SFrameKeyringFullError()
  }
}
