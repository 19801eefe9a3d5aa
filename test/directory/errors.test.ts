// Directory error classes: each is a DirectoryError with its own name and fixed default message; the two that wrap a cause keep it.
import { describe, it, expect } from 'vitest'
import {
  AttestationMismatchError, DirectoryError, DirectoryStoreFullError, DirectoryUnavailableError, InvalidHandoverError, MalformedRecordError,
  PublishFailedError, RecordContentError, RecordExpiredError, RecordSignatureError, RecordTooLargeError, RegistrationLockedError, ReplayedRecordError
} from '../../src/directory/index.js'

describe('directory errors', () => {
  it('have their class name and a fixed default message', () => {
    const cases: Array<[new () => Error, string, string]> = [
      [MalformedRecordError, 'MalformedRecordError', 'directory record is malformed'],
      [RecordTooLargeError, 'RecordTooLargeError', 'directory record is too large'],
      [RecordSignatureError, 'RecordSignatureError', 'directory record signature is missing or invalid'],
      [RecordExpiredError, 'RecordExpiredError', 'directory record is expired or its validity window is invalid'],
      [AttestationMismatchError, 'AttestationMismatchError', 'attestation is invalid or binds another number or identity'],
      [ReplayedRecordError, 'ReplayedRecordError', 'directory record is older than the one already held'],
      [InvalidHandoverError, 'InvalidHandoverError', 'hand-over is invalid, for another number or identity, or too old'],
      [RegistrationLockedError, 'RegistrationLockedError', 'this number is registered to another identity and is locked; the owner must release or hand it over, or the lock must lapse'],
      [DirectoryStoreFullError, 'DirectoryStoreFullError', 'this DHT node stores no more directory records'],
      [RecordContentError, 'RecordContentError', 'directory record content does not open or does not match its envelope'],
      [DirectoryUnavailableError, 'DirectoryUnavailableError', 'no DHT peer answered the directory query'],
      [PublishFailedError, 'PublishFailedError', 'no DHT peer accepted the directory record']
    ]
    for (const [Class, name, message] of cases) {
      const err = new Class()
      expect(err).toBeInstanceOf(DirectoryError)
      expect(err).toBeInstanceOf(Error)
      expect([err.name, err.message]).toEqual([name, message])
      expect(new (Class as unknown as new (m: string) => Error)('other').message).toBe('other')
    }
    const base = new DirectoryError('base')
    expect([base.name, base.message]).toEqual(['DirectoryError', 'base'])
  })

  it('keep a cause when given one', () => {
    const cause = new Error('underneath')
    expect(new DirectoryUnavailableError('x', { cause }).cause).toBe(cause)
    expect(new PublishFailedError('x', { cause }).cause).toBe(cause)
    expect(new DirectoryError('x', { cause }).cause).toBe(cause)
    expect(new PublishFailedError().cause).toBeUndefined()
  })
})
