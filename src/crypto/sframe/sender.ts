/** The sending side of SFrame (RFC 9605 §4.4.3): one base key under one KID, encrypting frames with a counter that only goes up; knows no transport. */
import { concat, wipe } from '../bytes.js'
import { UnsupportedParameterError } from '../errors.js'
import { importSFrameAead, type SFrameAead } from './aead.js'
import { PARLEY_SFRAME_SUITE, SFRAME_MAX_CTR } from './constants.js'
import { SFrameCounterExhaustedError } from './errors.js'
import { encodeSFrameHeader } from './header.js'
import { checkBaseKey, checkKid, deriveSFrameKeySalt, sframeNonce } from './key-schedule.js'

const EMPTY = new Uint8Array(0)

export interface SFrameSenderInit {
  /** the KID frames are sent under; one KID per base key, never reused for another key (docs/sframe.md, "KID layout") */
  kid: bigint
  /** the sender's base key, 16-64 random bytes, distributed to receivers over the end-to-end sessions; not kept */
  baseKey: Uint8Array
  /** @default PARLEY_SFRAME_SUITE (AES_256_GCM_SHA512_128) */
  suite?: number
  /**
   * the first counter to use @default 0n. Only for resuming a context whose last counter was saved before use
   * (RFC 9605 §9.1); a fresh key starts at zero.
   */
  firstCtr?: bigint
}

/**
 * A send context: encrypts each frame under the next counter. The counter is taken synchronously when `encrypt` is
 * called, so frames encrypted concurrently (audio and video, several peers) never share one, and it is never reused
 * even when an encryption fails. The key is usable for encryption only.
 */
export class SFrameSender {
  readonly kid: bigint
  readonly suite: number
  private readonly aead: SFrameAead
  private readonly salt: Uint8Array
  private next: bigint

  private constructor (kid: bigint, suite: number, aead: SFrameAead, salt: Uint8Array, next: bigint) {
    this.kid = kid
    this.suite = suite
    this.aead = aead
    this.salt = salt
    this.next = next
  }

  /** Derives and imports the key; InvalidKeyError / UnsupportedParameterError for a bad base key, KID, suite or first counter. */
  static async create (init: SFrameSenderInit): Promise<SFrameSender> {
    const suite = init.suite ?? PARLEY_SFRAME_SUITE
    const first = init.firstCtr ?? 0n
    checkKid(init.kid)
    checkBaseKey(init.baseKey)
    if (typeof first !== 'bigint' || first < 0n || first > SFRAME_MAX_CTR + 1n) throw new UnsupportedParameterError('SFrame first counter out of range')
    const { key, salt } = await deriveSFrameKeySalt(suite, init.kid, init.baseKey)
    try {
      return new SFrameSender(init.kid, suite, await importSFrameAead(suite, key, 'encrypt'), salt, first)
    } finally {
      wipe(key)
    }
  }

  /** The counter the next frame will use. */
  get nextCtr (): bigint {
    return this.next
  }

  /** The counters left before SFrameCounterExhaustedError. */
  get remaining (): bigint {
    return SFRAME_MAX_CTR + 1n - this.next
  }

  /**
   * header ‖ AEAD.Encrypt(sframe_key, salt XOR CTR, header ‖ metadata, plaintext) (RFC 9605 §4.4.3).
   * `metadata` is authenticated, not sent: the receiver must give the same bytes. SFrameCounterExhaustedError once
   * SFRAME_MAX_CTR was used.
   */
  async encrypt (plaintext: Uint8Array, metadata: Uint8Array = EMPTY): Promise<Uint8Array> {
    if (!(plaintext instanceof Uint8Array) || !(metadata instanceof Uint8Array)) throw new UnsupportedParameterError('SFrame plaintext and metadata must be Uint8Arrays')
    const ctr = this.next
    if (ctr > SFRAME_MAX_CTR) throw new SFrameCounterExhaustedError()
    this.next = ctr + 1n
    const header = encodeSFrameHeader(this.kid, ctr)
    const ciphertext = await this.aead.seal(sframeNonce(this.salt, ctr), concat(header, metadata), plaintext)
    return concat(header, ciphertext)
  }
}
