// Phone verification over /parley/verify/1.0.0 between two in-process nodes, with the relay's PhoneVerifier as backend.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import { verifierServer, requestVerificationCode, confirmVerificationCode, renewAttestation, VERIFY_PROTOCOL, MAX_MESSAGE_SIZE } from '../../src/protocols/verify/index.js'
import { VerifyRequest } from '../../src/protocols/verify/pb/verify.js'
import { IdentityKeyPair, systemRandom, decodeAttestation, directoryHash, directoryDhtKey, createAttestation, encodeAttestation } from '../../src/crypto/index.js'
import { toHex } from '../../src/crypto/bytes.js'
import { PARLEY_NETWORK_SALT } from '../../src/crypto/directory-salt.js'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { PhoneVerifier, numberPrefix, retryText, type SmsGateway } from '../../relay-node/src/verifier/index.js'
import { startNode } from './nodes.js'

interface Sms { to: string, text: string }

/** An SMS gateway that keeps what it sends; `fail` makes it refuse. */
function captureGateway (): SmsGateway & { sent: Sms[], fail: boolean } {
  const g = {
    kind: 'custom' as const,
    sent: [] as Sms[],
    fail: false,
    async send (to: string, text: string) {
      if (g.fail) throw new Error('gateway down')
      g.sent.push({ to, text })
    }
  }
  return g
}

const codeOf = (sms: Sms): string => /(\d{6})/.exec(sms.text)![1]

async function entries (kv: MemoryKeyValueStore): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  for await (const { key, value } of kv.iterate()) out.push([key, toHex(value)])
  return out
}

describe('/parley/verify/1.0.0', () => {
  let server: Libp2p<{ verifier: unknown }>
  let addr: Multiaddr[]
  let gateway: ReturnType<typeof captureGateway>
  let kv: MemoryKeyValueStore
  let backend: PhoneVerifier
  let clock = Date.now()
  const verifierKey = IdentityKeyPair.generate(systemRandom)
  const clients: Libp2p[] = []
  const client = async (): Promise<Libp2p> => {
    const c = await startNode()
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    gateway = captureGateway()
    kv = new MemoryKeyValueStore()
    // every client here is on 127.0.0.1 and most numbers share +1 55500: the per-address and per-prefix limits
    // have their own tests (test/relay/verifier.test.ts, below); here they would hide the limits under test
    const roomy = [{ max: 1000, windowMs: 60_000 }]
    backend = new PhoneVerifier({ kv, verifierKey, secret: systemRandom(32), gateway, now: () => clock, limits: { requestsPerIp: roomy, requestsPerPrefix: roomy } })
    server = await startNode({ verifier: verifierServer({ backend, timeout: 1000 }) })
    addr = server.getMultiaddrs()
  })

  afterAll(async () => {
    await Promise.all(clients.map(async c => await c.stop()))
    await server?.stop()
  })

  it('request sends a code; confirm returns an attestation for the number and the identity, signed by the verifier', async () => {
    const c = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    const { expiresInMs } = await requestVerificationCode(c, addr, '+1 (555) 000-1111')
    expect(expiresInMs).toBe(10 * 60_000)
    const sms = gateway.sent.at(-1)!
    expect(sms.to).toBe('+15550001111')
    expect(sms.text).toMatch(/^Your Parley code is \d{6}$/)

    const bytes = await confirmVerificationCode(c, addr, '+15550001111', codeOf(sms), identity.publicKey)
    const a = decodeAttestation(bytes)
    expect(toHex(a.verifierKey)).toBe(toHex(verifierKey.publicKey))
    expect(toHex(a.identityKey)).toBe(toHex(identity.publicKey))
    const dhtKey = directoryDhtKey(await directoryHash('+15550001111', PARLEY_NETWORK_SALT))
    expect(`/parley-phone/${toHex(a.directoryKey)}`).toBe(dhtKey)
    expect(a.expiresAt - a.issuedAt).toBe(30 * 24 * 3600_000)

    // a code is spent once
    await expect(confirmVerificationCode(c, addr, '+15550001111', codeOf(sms), identity.publicKey)).rejects.toMatchObject({ name: 'NoPendingCodeError' })
  })

  it('stores neither the number nor the code in clear', async () => {
    const c = await client()
    await requestVerificationCode(c, addr, '+447700900123')
    const code = codeOf(gateway.sent.at(-1)!)
    const dump = JSON.stringify(await entries(kv))
    for (const secret of ['447700900123', Buffer.from('447700900123').toString('hex'), Buffer.from(code).toString('hex')]) {
      expect(dump).not.toContain(secret)
    }
  })

  it('wrong codes count down the tries and change nothing else; the right code still works', async () => {
    const c = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    await requestVerificationCode(c, addr, '+15550002222')
    const code = codeOf(gateway.sent.at(-1)!)
    const wrong = code === '000000' ? '000001' : '000000'
    for (const left of [4, 3, 2, 1]) {
      await expect(confirmVerificationCode(c, addr, '+15550002222', wrong, identity.publicKey)).rejects.toMatchObject({ name: 'WrongCodeError', triesLeft: left })
    }
    expect(toHex(decodeAttestation(await confirmVerificationCode(c, addr, '+15550002222', code, identity.publicKey)).identityKey)).toBe(toHex(identity.publicKey))
  })

  it('five wrong tries kill the code: the right one is refused afterwards', async () => {
    const c = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    await requestVerificationCode(c, addr, '+15550003333')
    const code = codeOf(gateway.sent.at(-1)!)
    const wrong = code === '999999' ? '999998' : '999999'
    for (let i = 0; i < 4; i++) await expect(confirmVerificationCode(c, addr, '+15550003333', wrong, identity.publicKey)).rejects.toMatchObject({ name: 'WrongCodeError' })
    await expect(confirmVerificationCode(c, addr, '+15550003333', wrong, identity.publicKey)).rejects.toMatchObject({ name: 'TooManyTriesError' })
    const before = await entries(kv)
    await expect(confirmVerificationCode(c, addr, '+15550003333', code, identity.publicKey)).rejects.toMatchObject({ name: 'TooManyTriesError' })
    await expect(confirmVerificationCode(c, addr, '+15550003333', wrong, identity.publicKey)).rejects.toMatchObject({ name: 'TooManyTriesError' })
    expect(await entries(kv)).toEqual(before)
  })

  it('an expired code is refused, right or wrong, and stays expired', async () => {
    const c = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    await requestVerificationCode(c, addr, '+15550004444')
    const code = codeOf(gateway.sent.at(-1)!)
    clock += 10 * 60_000
    try {
      const before = await entries(kv)
      await expect(confirmVerificationCode(c, addr, '+15550004444', code, identity.publicKey)).rejects.toMatchObject({ name: 'CodeExpiredError' })
      await expect(confirmVerificationCode(c, addr, '+15550004444', '123456', identity.publicKey)).rejects.toMatchObject({ name: 'CodeExpiredError' })
      expect(await entries(kv)).toEqual(before)
    } finally {
      clock -= 10 * 60_000
    }
  })

  it('refuses invalid numbers with a clear error and sends nothing', async () => {
    const c = await client()
    const sent = gateway.sent.length
    const before = await entries(kv)
    for (const bad of ['12345', 'not a number', '+999999999999999999', '+1555']) {
      const err = await requestVerificationCode(c, addr, bad).catch(e => e)
      expect(err.name).toBe('InvalidNumberError')
      expect(err.message).toMatch(/not a valid phone number/)
    }
    await expect(confirmVerificationCode(c, addr, '12', '123456', verifierKey.publicKey)).rejects.toMatchObject({ name: 'InvalidNumberError' })
    expect(gateway.sent.length).toBe(sent)
    expect(await entries(kv)).toEqual(before)
  })

  it('refuses a confirm without a pending code, and a bad identity key', async () => {
    const c = await client()
    await expect(confirmVerificationCode(c, addr, '+15550005555', '123456', verifierKey.publicKey)).rejects.toMatchObject({ name: 'NoPendingCodeError' })
    await expect(confirmVerificationCode(c, addr, '+15550005555', '123456', new Uint8Array(31))).rejects.toMatchObject({ name: 'InvalidVerifyRequestError' })
  })

  it('limits requests per number (3 per 10 minutes); the refused request changes nothing', async () => {
    const c1 = await client()
    const c2 = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    for (let i = 0; i < 3; i++) await requestVerificationCode(i === 1 ? c2 : c1, addr, '+15550006666')
    const code = codeOf(gateway.sent.at(-1)!)
    const sent = gateway.sent.length
    const err = await requestVerificationCode(c2, addr, '+15550006666').catch(e => e)
    expect(err.name).toBe('RateLimitedError')
    expect(err.retryAfterMs).toBeGreaterThan(0)
    expect(err.retryAfterMs).toBeLessThanOrEqual(10 * 60_000)
    expect(gateway.sent.length).toBe(sent)
    // the last code sent is still the live one
    await confirmVerificationCode(c1, addr, '+15550006666', code, identity.publicKey)
  })

  it('limits requests per peer (10 per 10 minutes); other peers are still served', async () => {
    const c = await client()
    for (let i = 0; i < 10; i++) await requestVerificationCode(c, addr, `+1555001${String(i).padStart(4, '0')}`)
    await expect(requestVerificationCode(c, addr, '+15550019999')).rejects.toMatchObject({ name: 'RateLimitedError' })
    await requestVerificationCode(await client(), addr, '+15550019999')
  })

  it('puts a number in its block (country code + 5 national digits) and says waits in words', () => {
    expect(numberPrefix('+447700900123')).toBe('+4477009')
    expect(numberPrefix('+15550001111')).toBe('+155500')
    expect(numberPrefix('+4930123456')).toBe('+4930123')
    expect(numberPrefix('+8613800138000')).toBe('+8613800')
    expect([retryText(400), retryText(42_000), retryText(89_000), retryText(12 * 60_000), retryText(23 * 3_600_000)]).toEqual(['1 s', '42 s', '89 s', '12 min', '23 h'])
  })

  it('caps codes per number per day (10), also when each request waits out the 10-minute window', async () => {
    const own = captureGateway()
    let now = Date.now()
    const roomy = [{ max: 1000, windowMs: 60_000 }]
    const daily = new PhoneVerifier({ kv: new MemoryKeyValueStore(), verifierKey, secret: systemRandom(32), gateway: own, now: () => now, limits: { requestsPerIp: roomy, requestsPerPrefix: roomy } })
    const peer = (await client()).peerId
    for (let i = 0; i < 10; i++) {
      await daily.request('+15550008888', peer)
      now += 4 * 60_000 // 3 per 10 minutes never binds
    }
    now += 10 * 60_000
    const err = await daily.request('+15550008888', peer).catch(e => e)
    expect(err).toMatchObject({ name: 'RateLimitedError' })
    expect(err.message).toMatch(/^too many codes were sent to this number; try again in \d+ h$/)
    expect(err.retryAfterMs).toBeGreaterThan(20 * 60 * 60_000)
    expect(own.sent.length).toBe(10)
    // a day after the first, one more is allowed
    now += err.retryAfterMs
    await daily.request('+15550008888', peer)
  })

  it('a failing SMS gateway gives SmsFailedError and leaves no code behind', async () => {
    const c = await client()
    gateway.fail = true
    try {
      await expect(requestVerificationCode(c, addr, '+15550007777')).rejects.toMatchObject({ name: 'SmsFailedError' })
    } finally {
      gateway.fail = false
    }
    await expect(confirmVerificationCode(c, addr, '+15550007777', '123456', verifierKey.publicKey)).rejects.toMatchObject({ name: 'NoPendingCodeError' })
  })

  describe('hostile input', () => {
    async function rawStream (c: Libp2p) {
      const stream = await c.dialProtocol(addr, VERIFY_PROTOCOL)
      return { stream, lp: lpStream(stream) }
    }

    it('aborts the stream on an oversize frame', async () => {
      const c = await client()
      const { stream, lp } = await rawStream(c)
      await lp.write(new Uint8Array(MAX_MESSAGE_SIZE + 1))
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
      expect(['aborted', 'reset', 'closed']).toContain(stream.status)
    })

    it('aborts the stream on a malformed protobuf', async () => {
      const c = await client()
      const { lp } = await rawStream(c)
      // field 2 (phone) claims 80 bytes but 2 follow
      await lp.write(Uint8Array.from([0x12, 0x50, 0x31, 0x32]))
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    })

    it('aborts a stream that sends nothing within the timeout', async () => {
      const c = await client()
      const { lp } = await rawStream(c)
      const started = Date.now()
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
      expect(Date.now() - started).toBeLessThan(4000)
    })

    it('keeps serving well-behaved clients afterwards', async () => {
      const c = await client()
      const { lp } = await rawStream(c)
      await lp.write(VerifyRequest.encode({ type: VerifyRequest.Type.CONFIRM_CODE, phone: 'x'.repeat(65) }))
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).resolves.toBeDefined()
      await requestVerificationCode(await client(), addr, '+15550008888')
      expect(gateway.sent.at(-1)!.to).toBe('+15550008888')
    })
  })

  it('renew: an unexpired attestation of this verifier buys a fresh one for the same binding, without an SMS; foreign, forged and expired ones are refused', async () => {
    const c = await client()
    const identity = IdentityKeyPair.generate(systemRandom)
    await requestVerificationCode(c, addr, '+15550007777')
    const sent = gateway.sent.length
    const first = await confirmVerificationCode(c, addr, '+15550007777', codeOf(gateway.sent.at(-1)!), identity.publicKey)
    const old = decodeAttestation(first)

    clock += 20 * 24 * 3600_000
    const renewed = decodeAttestation(await renewAttestation(c, addr, first))
    expect(gateway.sent.length).toBe(sent)
    expect(toHex(renewed.directoryKey)).toBe(toHex(old.directoryKey))
    expect(toHex(renewed.identityKey)).toBe(toHex(identity.publicKey))
    expect(toHex(renewed.verifierKey)).toBe(toHex(verifierKey.publicKey))
    expect(renewed.issuedAt).toBe(clock)
    expect(renewed.expiresAt).toBe(clock + 30 * 24 * 3600_000)

    // another verifier's attestation is not this verifier's to extend
    const stranger = IdentityKeyPair.generate(systemRandom)
    const foreign = encodeAttestation(createAttestation(stranger, { directoryKey: old.directoryKey, identityKey: identity.publicKey, issuedAt: clock, expiresAt: clock + 1000 }))
    await expect(renewAttestation(c, addr, foreign)).rejects.toMatchObject({ name: 'InvalidVerifyRequestError' })
    // a flipped bit breaks the signature
    const forged = Uint8Array.from(first)
    forged[40] ^= 1
    await expect(renewAttestation(c, addr, forged)).rejects.toMatchObject({ name: 'InvalidVerifyRequestError' })
    await expect(renewAttestation(c, addr, new Uint8Array(0))).rejects.toMatchObject({ name: 'InvalidVerifyRequestError' })
    // the first one has expired by now: only a fresh SMS helps
    clock += 11 * 24 * 3600_000
    const late = await renewAttestation(c, addr, first).catch((err: Error) => err)
    expect(late).toMatchObject({ name: 'InvalidVerifyRequestError' })
    expect((late as Error).message).toMatch(/expired/)
  })
})
