/** Typed errors of SFrame (RFC 9605) protection; messages are fixed strings and never carry key material, KIDs' keys or frame bytes. */
import { CryptoError } from '../errors.js'

/** Base class of every SFrame failure, so a media pipeline can drop any frame that cannot be read with one `instanceof`. */
export class SFrameError extends CryptoError {
  static name = 'SFrameError'
  constructor (message = 'SFrame operation failed') {
    super(message)
    this.name = 'SFrameError'
  }
}

/** The SFrame header is truncated, or a KID or CTR is not in its shortest form (RFC 9605 §4.3). */
export class SFrameHeaderError extends SFrameError {
  static name = 'SFrameHeaderError'
  constructor (message = 'Malformed SFrame header') {
    super(message)
    this.name = 'SFrameHeaderError'
  }
}

/** The AEAD did not authenticate the frame: wrong key, or the header, metadata, ciphertext or tag was changed. */
export class SFrameDecryptError extends SFrameError {
  static name = 'SFrameDecryptError'
  constructor (message = 'SFrame decryption failed') {
    super(message)
    this.name = 'SFrameDecryptError'
  }
}

/** The keyring holds no key for the frame's KID (never added, removed, or replaced while the frame was being read). */
export class SFrameUnknownKeyError extends SFrameError {
  static name = 'SFrameUnknownKeyError'
  constructor (message = 'No SFrame key for this KID') {
    super(message)
    this.name = 'SFrameUnknownKeyError'
  }
}

/** The frame's CTR was already accepted under its KID, or is older than the replay window. */
export class SFrameReplayError extends SFrameError {
  static name = 'SFrameReplayError'
  constructor (message = 'SFrame counter replayed or too old') {
    super(message)
    this.name = 'SFrameReplayError'
  }
}

/** The sending key has used every counter it may (SFRAME_MAX_CTR): a new key (a new KID) must be distributed. */
export class SFrameCounterExhaustedError extends SFrameError {
  static name = 'SFrameCounterExhaustedError'
  constructor (message = 'SFrame counter exhausted: rotate the sending key') {
    super(message)
    this.name = 'SFrameCounterExhaustedError'
  }
}

/** The keyring already holds SFRAME_MAX_KEYS keys: remove retired keys before adding more. */
export class SFrameKeyringFullError extends SFrameError {
  static name = 'SFrameKeyringFullError'
  constructor (message = 'SFrame keyring is full') {
    super(message)
    this.name = 'SFrameKeyringFullError'
  }
}

/** A sending key was offered under a KID that already encrypted: its counter would start again and nonces repeat. */
export class SFrameKeyReuseError extends SFrameError {
  static name = 'SFrameKeyReuseError'
  constructor (message = 'This SFrame KID was already used for sending') {
    super(message)
    this.name = 'SFrameKeyReuseError'
  }
}

/** A media frame of a codec whose framing is not defined here (see docs/sframe.md): it is neither sent nor accepted. */
export class SFrameUnsupportedCodecError extends SFrameError {
  static name = 'SFrameUnsupportedCodecError'
  constructor (message = 'Codec not supported with SFrame') {
    super(message)
    this.name = 'SFrameUnsupportedCodecError'
  }
}
