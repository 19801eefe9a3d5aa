/** Typed errors of the crypto layer; messages are fixed strings and never carry key material or plaintext. */

/** Base class so callers can catch every crypto failure at once. */
export class CryptoError extends Error {
  static name = 'CryptoError'
  constructor (message = 'Crypto operation failed') {
    super(message)
    this.name = 'CryptoError'
  }
}

/** A signature (identity, prekey, certificate, sender key) did not verify. */
export class InvalidSignatureError extends CryptoError {
  static name = 'InvalidSignatureError'
  constructor (message = 'Signature did not verify') {
    super(message)
    this.name = 'InvalidSignatureError'
  }
}

/** A public key is malformed, of the wrong length, or of low order (all-zero DH output). */
export class InvalidKeyError extends CryptoError {
  static name = 'InvalidKeyError'
  constructor (message = 'Invalid key') {
    super(message)
    this.name = 'InvalidKeyError'
  }
}

/** Bytes could not be parsed as the expected structure or version. */
export class InvalidMessageError extends CryptoError {
  static name = 'InvalidMessageError'
  constructor (message = 'Malformed message') {
    super(message)
    this.name = 'InvalidMessageError'
  }
}

/** AEAD authentication failed: wrong key, tampered ciphertext, header or associated data. */
export class DecryptionError extends CryptoError {
  static name = 'DecryptionError'
  constructor (message = 'Decryption failed') {
    super(message)
    this.name = 'DecryptionError'
  }
}

/** The message key was already used (or evicted): the message was delivered before. */
export class DuplicateMessageError extends CryptoError {
  static name = 'DuplicateMessageError'
  constructor (message = 'Message already decrypted') {
    super(message)
    this.name = 'DuplicateMessageError'
  }
}

/** The message counter jumps further ahead than the forward-jump limit; rejected before deriving keys. */
export class TooFarForwardError extends CryptoError {
  static name = 'TooFarForwardError'
  constructor (message = 'Message counter too far ahead') {
    super(message)
    this.name = 'TooFarForwardError'
  }
}

/** A first (prekey) message that was already processed was presented again. */
export class ReplayedMessageError extends CryptoError {
  static name = 'ReplayedMessageError'
  constructor (message = 'First message was already processed') {
    super(message)
    this.name = 'ReplayedMessageError'
  }
}

/** A prekey referenced by id is unknown (used up, rotated out, or never existed). */
export class MissingPreKeyError extends CryptoError {
  static name = 'MissingPreKeyError'
  constructor (message = 'Referenced prekey not found') {
    super(message)
    this.name = 'MissingPreKeyError'
  }
}

/** A message does not belong to this session (different base key or identities). */
export class SessionMismatchError extends CryptoError {
  static name = 'SessionMismatchError'
  constructor (message = 'Message does not belong to this session') {
    super(message)
    this.name = 'SessionMismatchError'
  }
}

/** No sender key for the sender chain a group message names (e.g. after rotation). */
export class NoSenderKeyError extends CryptoError {
  static name = 'NoSenderKeyError'
  constructor (message = 'No sender key for this chain') {
    super(message)
    this.name = 'NoSenderKeyError'
  }
}

/** The operation needs a private key this object does not hold (e.g. a received sender key). */
export class MissingPrivateKeyError extends CryptoError {
  static name = 'MissingPrivateKeyError'
  constructor (message = 'Private key not available') {
    super(message)
    this.name = 'MissingPrivateKeyError'
  }
}

/** An argument is outside the supported range (IV/key size, E.164 format, HKDF length, ...). */
export class UnsupportedParameterError extends CryptoError {
  static name = 'UnsupportedParameterError'
  constructor (message = 'Unsupported parameter') {
    super(message)
    this.name = 'UnsupportedParameterError'
  }
}

/**
 * A media blob chunk did not verify: tampered, sealed for another position or another file, the wrong
 * size, out of order, an extra chunk, or chunks missing at the end (truncation). One class for all of
 * them, so a download treats every bad chunk alike (fetch it again elsewhere, or give up).
 */
export class BlobChunkError extends CryptoError {
  static name = 'BlobChunkError'
  constructor (message = 'Blob chunk failed verification') {
    super(message)
    this.name = 'BlobChunkError'
  }
}
