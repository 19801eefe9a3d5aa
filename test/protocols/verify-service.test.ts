// The verifier service and its client over in-memory streams, with a fake backend: what the server checks before the
// backend sees a request, what it hands the backend, how refusals and crashes are answered and logged, and what the
// client refuses in an OK answer, and how long one exchange may take. The real PhoneVerifier over TCP is in verify.test.ts.
import { describe, it, expect, afterEach, vi } from 'vitest'
import { serviceCapabilities, type AbortOptions, type PeerId } from '@libp2p/interface'
import {
  verifierServer, requestVerificationCode, confirmVerificationCode, renewAttestation, getVerifierKey,
  VERIFY_PROTOCOL, MAX_PHONE_LENGTH, CODE_LENGTH, TIMEOUT, WrongCodeError, CodeExpiredError,
  type VerifierBackend, type VerifyRequestOptions
} from '../../src/protocols/verify/index.js'
import { VerifyRequest, VerifyResponse } from '../../src/protocols/verify/pb/verify.js'
import { callOnce } from '../../src/protocols/request-response.js'
import { MAX_MESSAGE_SIZE } from '../../src/protocols/verify/constants.js'
import { serve, rawRelay } from './prekeys-verify-harness.js'

interface Calls {
  request: Array<{ phone: string, requester: PeerId, options?: VerifyRequestOptions }>
  confirm: Array<{ phone: string, code: string, identityKey: Uint8Array, requester: PeerId }>
  renew: Array<{ attestation: Uint8Array, requester: PeerId, options?: AbortOptions }>
}

/** A backend that answers fixed values (or throws `fail`) and records every call. */
function fakeBackend (over: Partial<VerifierBackend> & { fail?: unknown } = {}): VerifierBackend & { calls: Calls } {
  const calls: Calls = { request: [], confirm: [], renew: [] }
  return {
    calls,
    publicKey: over.publicKey ?? new Uint8Array(32).fill(0x42),
    async request (phone, requester, options) {
      calls.request.push({ phone, requester, ...(options != null ? { options } : {}) })
      if (over.fail != null) throw over.fail
      return { expiresInMs: 123_456 }
    },
    async confirm (phone, code, identityKey, requester) {
      calls.confirm.push({ phone, code, identityKey, requester })
      if (over.fail != null) throw over.fail
      return over.confirm != null ? await over.confirm(phone, code, identityKey, requester) : Uint8Array.from([1, 2, 3])
    },
    async renew (attestation, requester, options) {
      calls.renew.push({ attestation, requester, ...(options != null ? { options } : {}) })
      if (over.fail != null) throw over.fail
      return over.renew != null ? await over.renew(attestation, requester) : Uint8Array.from([4, 5, 6])
    }
  }
}

async function start (backend: VerifierBackend, init: { maxInboundStreams?: number, maxOutboundStreams?: number, timeout?: number } = {}) {
  return await serve(components => verifierServer({ backend, ...init })(components))
}

const key = new Uint8Array(32).fill(9)

async function raw (node: Parameters<typeof callOnce>[0], req: Partial<VerifyRequest>): Promise<VerifyResponse> {
  return await callOnce(node, '/ip4/127.0.0.1/tcp/1', req, { protocol: VERIFY_PROTOCOL, request: VerifyRequest, response: VerifyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: TIMEOUT })
}

afterEach(() => { vi.useRealTimers() })

describe('verifier service (in memory)', () => {
  it('registers /parley/verify/1.0.0 as @parley/verify with 4 streams each way by default, or the counts given; unregisters on stop', async () => {
    const s = await start(fakeBackend())
    expect(s.registered).toEqual([{ protocol: VERIFY_PROTOCOL, options: { maxInboundStreams: 4, maxOutboundStreams: 4, runOnLimitedConnection: false } }])
    expect(s.server[serviceCapabilities]).toEqual(['@parley/verify'])
    expect(s.logs.components).toEqual(['parley:verify'])
    await s.server.stop()
    expect(s.unregistered).toEqual([VERIFY_PROTOCOL])
    const custom = await start(fakeBackend(), { maxInboundStreams: 1, maxOutboundStreams: 2 })
    expect(custom.registered[0].options).toMatchObject({ maxInboundStreams: 1, maxOutboundStreams: 2 })
  })

  it('INFO: getVerifierKey resolves with the backend key; an answer without a 32-byte key is a protocol violation', async () => {
    const s = await start(fakeBackend())
    expect(await getVerifierKey(s.node, '/ip4/127.0.0.1/tcp/1')).toEqual(new Uint8Array(32).fill(0x42))
    // the request is INFO and carries nothing else
    const req = await new Promise<Uint8Array>(resolve => {
      const node = rawRelay(r => { resolve(r); return VerifyResponse.encode({ status: VerifyResponse.Status.OK, verifierKey: key }) })
      void getVerifierKey(node, '/ip4/127.0.0.1/tcp/1')
    })
    expect(VerifyRequest.decode(req)).toMatchObject({ type: VerifyRequest.Type.INFO, phone: '', code: '' })

    for (const length of [0, 31, 33]) {
      const short = await start(fakeBackend({ publicKey: new Uint8Array(length).fill(1) }))
      await expect(getVerifierKey(short.node, '/ip4/127.0.0.1/tcp/1')).rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'verifier answered INFO without a 32-byte key' })
    }
  })

  it('REQUEST_CODE: hands the backend the number, the requester, the connection address and an abort signal', async () => {
    const backend = fakeBackend()
    const s = await start(backend)
    expect(await requestVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', '+44 20 7946 0958')).toEqual({ expiresInMs: 123_456 })
    expect(backend.calls.request).toHaveLength(1)
    const [call] = backend.calls.request
    expect(call.phone).toBe('+44 20 7946 0958')
    expect(call.requester.equals(s.remotePeer)).toBe(true)
    expect(call.options?.remoteAddr?.toString()).toBe(s.remoteAddr.toString())
    expect(call.options?.signal).toBeInstanceOf(AbortSignal)
  })

  it('refuses an empty number and one longer than MAX_PHONE_LENGTH before the backend; takes one of exactly that length', async () => {
    const backend = fakeBackend()
    const s = await start(backend)
    for (const phone of ['', '1'.repeat(MAX_PHONE_LENGTH + 1)]) {
      for (const send of [
        async () => await requestVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', phone),
        async () => await confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', phone, '123456', key)
      ]) {
        const err = await send().catch((e: Error) => e)
        expect(err).toMatchObject({ name: 'InvalidVerifyRequestError', message: 'phone number missing or too long' })
      }
    }
    expect(backend.calls.request).toHaveLength(0)
    expect(backend.calls.confirm).toHaveLength(0)
    const longest = '1'.repeat(MAX_PHONE_LENGTH)
    await requestVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', longest)
    await confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', longest, '123456', key)
    expect(backend.calls.request.map(c => c.phone)).toEqual([longest])
    expect(backend.calls.confirm.map(c => c.phone)).toEqual([longest])
  })

  it(`CONFIRM_CODE: refuses a code that is not ${CODE_LENGTH} digits and an identity key that is not 32 bytes, before the backend`, async () => {
    const backend = fakeBackend()
    const s = await start(backend)
    for (const code of ['', '12345', '1234567', '12345a', 'abcdef', ' 123456', '123456\n', '１２３４５６']) {
      await expect(confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', '+15550001111', code, key), JSON.stringify(code))
        .rejects.toMatchObject({ name: 'InvalidVerifyRequestError', message: 'the code must be 6 digits' })
    }
    for (const length of [0, 31, 33]) {
      await expect(confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', '+15550001111', '123456', new Uint8Array(length)))
        .rejects.toMatchObject({ name: 'InvalidVerifyRequestError', message: 'the identity key must be 32 bytes' })
    }
    expect(backend.calls.confirm).toHaveLength(0)
    expect(await confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', '+15550001111', '012345', key)).toEqual(Uint8Array.from([1, 2, 3]))
    expect(backend.calls.confirm).toHaveLength(1)
    expect(backend.calls.confirm[0]).toMatchObject({ phone: '+15550001111', code: '012345', identityKey: key })
    expect(backend.calls.confirm[0].requester.equals(s.remotePeer)).toBe(true)
  })

  it('RENEW: refuses an empty attestation before the backend; hands over a non-empty one and returns the renewal', async () => {
    const backend = fakeBackend()
    const s = await start(backend)
    await expect(renewAttestation(s.node, '/ip4/127.0.0.1/tcp/1', new Uint8Array(0))).rejects.toMatchObject({ name: 'InvalidVerifyRequestError', message: 'no attestation to renew' })
    expect(backend.calls.renew).toHaveLength(0)
    expect(await renewAttestation(s.node, '/ip4/127.0.0.1/tcp/1', Uint8Array.from([7]))).toEqual(Uint8Array.from([4, 5, 6]))
    expect(backend.calls.renew.map(c => c.attestation)).toEqual([Uint8Array.from([7])])
  })

  it('a client refuses an OK answer without an attestation, to a confirm and to a renewal', async () => {
    const s = await start(fakeBackend({ confirm: async () => new Uint8Array(0), renew: async () => new Uint8Array(0) }))
    await expect(confirmVerificationCode(s.node, '/ip4/127.0.0.1/tcp/1', '+15550001111', '123456', key))
      .rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'verifier answered OK without an attestation' })
    await expect(renewAttestation(s.node, '/ip4/127.0.0.1/tcp/1', Uint8Array.from([7])))
      .rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'verifier answered OK without an attestation' })
  })

  it('a refusal travels with its status and fields and is not logged as an error; a backend crash is INTERNAL, logged, and its message stays private', async () => {
    const refusing = await start(fakeBackend({ fail: new WrongCodeError(2) }))
    const res = await raw(refusing.node, { type: VerifyRequest.Type.CONFIRM_CODE, phone: '+15550001111', code: '123456', identityKey: key })
    expect(res).toMatchObject({ status: VerifyResponse.Status.WRONG_CODE, triesLeft: 2, message: 'wrong code; 2 tries left' })
    await expect(requestVerificationCode(refusing.node, '/ip4/127.0.0.1/tcp/1', '+15550001111')).rejects.toMatchObject({ name: 'WrongCodeError', triesLeft: 2 })
    const expired = await start(fakeBackend({ fail: new CodeExpiredError() }))
    await expect(renewAttestation(expired.node, '/ip4/127.0.0.1/tcp/1', Uint8Array.from([1]))).rejects.toMatchObject({ name: 'CodeExpiredError' })
    expect(refusing.logs.errors).toEqual([])
    expect(expired.logs.errors).toEqual([])

    const crash = new Error('database on fire at +15550001111')
    const crashing = await start(fakeBackend({ fail: crash }))
    const internal = await raw(crashing.node, { type: VerifyRequest.Type.REQUEST_CODE, phone: '+15550001111' })
    expect(internal).toMatchObject({ status: VerifyResponse.Status.INTERNAL, message: 'the verifier failed; try again later' })
    expect(crashing.logs.errors).toHaveLength(1)
    expect(crashing.logs.errors[0]).toEqual(['%s request failed inside the backend - %e', 'verify', crash])
  })
  it(`gives one exchange TIMEOUT (${TIMEOUT} ms) by default, or the timeout given: then the backend's signal fires and the stream is aborted`, async () => {
    for (const [init, ms] of [[{}, TIMEOUT], [{ timeout: 1000 }, 1000]] as const) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const reasons: unknown[] = []
      let reached = (): void => {}
      const called = new Promise<void>(resolve => { reached = resolve })
      // a backend that never answers: it gives up only when its signal fires
      const backend: VerifierBackend = {
        ...fakeBackend(),
        request: async (_phone, _requester, options) => await new Promise<never>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => { reasons.push(options.signal?.reason); reject(options.signal?.reason) })
          reached()
        })
      }
      const s = await start(backend, init)
      // a client that would wait longer than any server
      const answer = callOnce(s.node, '/ip4/127.0.0.1/tcp/1', { type: VerifyRequest.Type.REQUEST_CODE, phone: '+15550001111' },
        { protocol: VERIFY_PROTOCOL, request: VerifyRequest, response: VerifyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: 10 * TIMEOUT }).catch((e: Error) => e)
      await called
      await vi.advanceTimersByTimeAsync(ms - 1)
      expect(reasons).toEqual([])
      await vi.advanceTimersByTimeAsync(1)
      expect(reasons).toHaveLength(1)
      expect(reasons[0]).toMatchObject({ name: 'TimeoutError', message: 'request timed out' })
      // the stream was aborted: the client gets no answer
      expect(await answer).toBeInstanceOf(Error)
      await s.settled()
      vi.useRealTimers()
    }
  })
})
