// The blob store's refusal classes: name, the message a person sees, and the wire status each stands for (both ways, with a full relay's flag); the closed-stream error; the service factory's registration.
import { describe, it, expect } from 'vitest'
import {
  BlobServiceError, MalformedBlobFrameError, BlobAuthError, BlobNotFoundError, BlobQuotaError, BlobTooLargeError, BlobUploadMismatchError,
  BlobInternalError, BlobStreamClosedError, RateLimitedError, BlobServer, blobServer, BLOB_PROTOCOL, type BlobBackend
} from '../../src/protocols/blob/index.js'
import { errorFrame, frameError } from '../../src/protocols/blob/errors.js'
import { RelayFrame } from '../../src/protocols/blob/pb/blob.js'
import { newPeerId, recordingLogger } from './mailbox-harness.js'
import { recordingRegistrar } from './protocol-fakes.js'

const S = RelayFrame.Status

describe('blob errors', () => {
  it('each class: its name, its default message and its status', () => {
    const rows: Array<[BlobServiceError, string, string, RelayFrame.Status]> = [
      [new MalformedBlobFrameError(), 'MalformedBlobFrameError', 'malformed blob request', S.MALFORMED],
      [new BlobAuthError(), 'BlobAuthError', 'blob authentication failed', S.AUTH_FAILED],
      [new BlobNotFoundError(), 'BlobNotFoundError', 'no such blob here (unknown or expired)', S.NOT_FOUND],
      [new BlobQuotaError(), 'BlobQuotaError', 'the account\'s blob quota at this relay is used up', S.QUOTA],
      [new BlobTooLargeError(), 'BlobTooLargeError', 'the blob is too large', S.TOO_LARGE],
      [new BlobUploadMismatchError(), 'BlobUploadMismatchError', 'the upload does not match its declaration', S.MISMATCH],
      [new BlobInternalError(), 'BlobInternalError', 'the relay failed; try again later', S.INTERNAL],
      [new BlobServiceError('something'), 'BlobServiceError', 'something', S.INTERNAL]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err.name, name).toBe(name)
      expect(err.message, name).toBe(message)
      expect(err.status, name).toBe(status)
      expect(err).toBeInstanceOf(BlobServiceError)
      expect(String(err), name).toBe(`${name}: ${message}`)
    }
    expect(new BlobQuotaError().relayFull).toBe(false)
    expect(new BlobQuotaError('full', true).relayFull).toBe(true)
    const closed = new BlobStreamClosedError()
    expect(closed).not.toBeInstanceOf(BlobServiceError)
    expect(String(closed)).toBe('BlobStreamClosedError: the blob stream ended before the transfer completed')
    expect(String(new BlobStreamClosedError('cut'))).toBe('BlobStreamClosedError: cut')
  })

  it('a refusal frame without a message gives the default message on the client; an unknown status is internal; a full relay says so', () => {
    const frame = (fields: Partial<RelayFrame>): RelayFrame => RelayFrame.decode(RelayFrame.encode({ type: RelayFrame.Type.RESULT, ...fields }))
    const defaults: Array<[RelayFrame.Status, string, string]> = [
      [S.MALFORMED, 'MalformedBlobFrameError', 'malformed blob request'],
      [S.AUTH_FAILED, 'BlobAuthError', 'blob authentication failed'],
      [S.NOT_FOUND, 'BlobNotFoundError', 'no such blob here (unknown or expired)'],
      [S.QUOTA, 'BlobQuotaError', 'the account\'s blob quota at this relay is used up'],
      [S.TOO_LARGE, 'BlobTooLargeError', 'the blob is too large'],
      [S.MISMATCH, 'BlobUploadMismatchError', 'the upload does not match its declaration'],
      [S.INTERNAL, 'BlobInternalError', 'the relay failed; try again later'],
      [99 as unknown as RelayFrame.Status, 'BlobInternalError', 'the relay failed; try again later']
    ]
    for (const [status, name, message] of defaults) expect(frameError({ ...frame({}), status }), name).toMatchObject({ name, message })
    expect(frameError(frame({ status: S.QUOTA }))).toMatchObject({ relayFull: false })
    expect(frameError(frame({ status: S.QUOTA, relayFull: true, message: 'no room' }))).toMatchObject({ name: 'BlobQuotaError', relayFull: true, message: 'no room' })
    expect(frameError(frame({ status: S.RATE_LIMITED, retryAfterMs: 1500 }))).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1500 })
  })

  it('the server answers each refusal with its status, message and fields; anything else is INTERNAL with the default message', () => {
    expect(errorFrame(new BlobQuotaError('no room', true))).toEqual({ type: RelayFrame.Type.RESULT, status: S.QUOTA, relayFull: true, message: 'no room' })
    expect(errorFrame(new BlobQuotaError())).toEqual({ type: RelayFrame.Type.RESULT, status: S.QUOTA, relayFull: false, message: 'the account\'s blob quota at this relay is used up' })
    expect(errorFrame(new RateLimitedError(1000))).toEqual({ type: RelayFrame.Type.RESULT, status: S.RATE_LIMITED, retryAfterMs: 1000, message: 'rate limited; retry in 1 s' })
    expect(errorFrame(new BlobServiceError('base'))).toEqual({ type: RelayFrame.Type.RESULT, status: S.INTERNAL, message: 'base' })
    expect(errorFrame(new Error('EIO at /var/lib/parley/blobs'))).toEqual({ type: RelayFrame.Type.RESULT, status: S.INTERNAL, message: 'the relay failed; try again later' })
  })
})

describe('blob server: registration', () => {
  it('registers its protocol and name with the stream limits of Init, or the defaults', async () => {
    const backend = {} as unknown as BlobBackend
    for (const [init, inbound, outbound] of [[{}, 8, 8], [{ maxInboundStreams: 3, maxOutboundStreams: 5 }, 3, 5]] as const) {
      const { registrar, handlers } = recordingRegistrar()
      const logger = recordingLogger()
      const server = blobServer({ backend, ...init })({ peerId: await newPeerId(), logger, registrar })
      expect(server).toBeInstanceOf(BlobServer)
      await server.start()
      expect([...handlers.keys()]).toEqual([BLOB_PROTOCOL])
      expect(handlers.get(BLOB_PROTOCOL)?.options).toEqual({ maxInboundStreams: inbound, maxOutboundStreams: outbound, runOnLimitedConnection: false })
      expect(logger.components).toEqual(['parley:blob'])
      expect(Object.prototype.toString.call(server)).toBe('[object @parley/blob]')
      await server.stop()
      expect(handlers.size).toBe(0)
    }
  })
})
