// Crypto errors: each class has its own name (static and per instance), a fixed default message, and is a CryptoError.
import { describe, expect, it } from 'vitest'
import {
  CryptoError, DecryptionError, DuplicateMessageError, InvalidKeyError, InvalidMessageError, InvalidSignatureError,
  MissingPreKeyError, MissingPrivateKeyError, NoSenderKeyError, ReplayedMessageError, SessionMismatchError,
  TooFarForwardError, UnsupportedParameterError, BlobChunkError
} from '../../src/crypto/errors.js'

const classes: Array<[typeof CryptoError, string, string]> = [
  [CryptoError, 'CryptoError', 'Crypto operation failed'],
  [InvalidSignatureError, 'InvalidSignatureError', 'Signature did not verify'],
  [InvalidKeyError, 'InvalidKeyError', 'Invalid key'],
  [InvalidMessageError, 'InvalidMessageError', 'Malformed message'],
  [DecryptionError, 'DecryptionError', 'Decryption failed'],
  [DuplicateMessageError, 'DuplicateMessageError', 'Message already decrypted'],
  [TooFarForwardError, 'TooFarForwardError', 'Message counter too far ahead'],
  [ReplayedMessageError, 'ReplayedMessageError', 'First message was already processed'],
  [MissingPreKeyError, 'MissingPreKeyError', 'Referenced prekey not found'],
  [SessionMismatchError, 'SessionMismatchError', 'Message does not belong to this session'],
  [NoSenderKeyError, 'NoSenderKeyError', 'No sender key for this chain'],
  [MissingPrivateKeyError, 'MissingPrivateKeyError', 'Private key not available'],
  [UnsupportedParameterError, 'UnsupportedParameterError', 'Unsupported parameter'],
  [BlobChunkError, 'BlobChunkError', 'Blob chunk failed verification']
]

describe('crypto errors', () => {
  it.each(classes)('%o has its name and fixed default message', (Class, name, message) => {
    const error = new Class()
    expect(Class.name).toBe(name)
    expect(error.name).toBe(name)
    expect(error.message).toBe(message)
    expect(error).toBeInstanceOf(CryptoError)
    expect(error).toBeInstanceOf(Error)
    expect(new Class('given').message).toBe('given')
  })
})
