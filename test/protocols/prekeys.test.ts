// The one-time prekey service over /parley/prekeys/1.0.0 between in-process nodes, with the relay's RelayPreKeyStore as backend; per device (FETCH by device id, old clients without one, the device cap).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  preKeyServer, uploadPreKeys, retirePreKeys, fetchPreKeyBundle, signUpload, PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, MAX_UPLOAD_BATCH, TIMEOUT
} from '../../src/protocols/prekeys/index.js'
import { PreKeyRequest, PreKeyResponse, PreKeyUploadBody } from '../../src/protocols/prekeys/pb/prekeys.js'
import { uploadSignatureMessage } from '../../src/protocols/prekeys/upload.js'
import { callOnce } from '../../src/protocols/request-response.js'
import {
  IdentityKeyPair, SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey,
  encodePublicSignedPreKey, encodePublicKemPreKey, systemRandom
} from '../../src/crypto/index.js'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { RelayPreKeyStore } from '../../relay-node/src/prekeys/index.js'
import { decodePreKeyBundle } from '../../src/crypto/prekeys.js'
import type { PreKeyBackend } from '../../src/protocols/prekeys/index.js'
import { startNode } from './nodes.js'

/** A user's keys: identity, signed prekey, last-resort KEM key, and `n` one-time keys of each kind from `firstId`. */
function userKeys (n: number, firstId = 1) {
  return deviceKeys(IdentityKeyPair.generate(systemRandom), n, firstId)
}

/** One device's keys under `identity` (each device has its own prekeys). */
function deviceKeys (identity: IdentityKeyPair, n: number, firstId = 1, signedId = 1) {
  return {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, signedId, Date.now(), systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 0xffff, Date.now(), true, systemRandom)),
    oneTimePreKeys: OneTimePreKey.generateBatch(firstId, n, systemRandom).map(publicOneTimePreKey),
    kemOneTimePreKeys: Array.from({ length: n }, (_, i) => publicKemPreKey(KemPreKey.generate(identity, firstId + i, Date.now(), false, systemRandom)))
  }
}

const hex = (b: Uint8Array | undefined): string | undefined => b != null ? Buffer.from(b).toString('hex') : undefined

async function rawCall (node: Libp2p, addr: Multiaddr[], req: Partial<PreKeyRequest>): Promise<PreKeyResponse> {
  return await callOnce(node, addr, req, { protocol: PREKEYS_PROTOCOL, request: PreKeyRequest, response: PreKeyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: TIMEOUT })
}

/** An upload of `victim`'s keys for `deviceId`, signed by `signer` instead of the victim's identity (for `relayPeerId`). */
function forgedUpload (victim: ReturnType<typeof userKeys>, deviceId: number, signer: IdentityKeyPair, relayPeerId: string): Partial<PreKeyRequest> {
  const body = PreKeyUploadBody.encode({
    identityKey: Uint8Array.from(victim.identity.publicKey),
    deviceId,
    relayPeerId,
    timestamp: BigInt(Date.now()),
    signedPreKey: Uint8Array.from(encodePublicSignedPreKey(victim.signedPreKey)),
    lastResortKemPreKey: Uint8Array.from(encodePublicKemPreKey(victim.lastResortKemPreKey))
  })
  return { type: PreKeyRequest.Type.UPLOAD, uploadBody: body, signature: Uint8Array.from(signer.sign(uploadSignatureMessage(body))) }
}
describe('/parley/prekeys/1.0.0', () => {
  const nodes: Libp2p[] = []
  let relay: Libp2p
  let addr: Multiaddr[]
  /** a relay with the default fetch limits */
  let strict: Libp2p
  let strictAddr: Multiaddr[]
  const client = async (): Promise<Libp2p> => {
    const c = await startNode()
    nodes.push(c)
    return c
  }

  beforeAll(async () => {
    const relaxed = [{ max: 10_000, windowMs: 60_000 }]
    relay = await startNode({ prekeys: preKeyServer({ backend: new RelayPreKeyStore({ kv: new MemoryKeyValueStore(), limits: { fetchesPerRequester: relaxed, fetchesPerRequesterPerDevice: relaxed } }) }) })
    strict = await startNode({ prekeys: preKeyServer({ backend: new RelayPreKeyStore({ kv: new MemoryKeyValueStore() }) }) })
    nodes.push(relay, strict)
    addr = relay.getMultiaddrs()
    strictAddr = strict.getMultiaddrs()
  })
  afterAll(async () => { await Promise.all(nodes.map(async n => await n.stop())) })

  it('uploads a batch, reports the count left, and hands out a verified bundle with one-time keys', async () => {
    const owner = await client()
    const keys = userKeys(10)
    expect(await uploadPreKeys(owner, addr, keys)).toEqual({ oneTimePreKeysLeft: 10, kemOneTimePreKeysLeft: 10 })
    const bundle = await fetchPreKeyBundle(await client(), addr, keys.identity.publicKey)
    expect(bundle.signedPreKey.id).toBe(1)
    expect(bundle.oneTimePreKey?.id).toBe(1)
    expect(bundle.kemPreKey.lastResort).toBe(false)
    expect(bundle.kemPreKey.id).toBe(1)
    expect(bundle.oneTimePreKeysLeft).toBe(9)
    // top up: counts grow, ids already held are not counted twice
    expect(await uploadPreKeys(owner, addr, { identity: keys.identity, oneTimePreKeys: keys.oneTimePreKeys.slice(5), kemOneTimePreKeys: [] })).toEqual({ oneTimePreKeysLeft: 9, kemOneTimePreKeysLeft: 9 })
  })

  it('100 concurrent fetches of one bundle hand out each one-time key at most once, then fall back to the last-resort KEM key', async () => {
    const keys = userKeys(60)
    await uploadPreKeys(await client(), addr, keys)
    // 10 requesters with 10 fetches each in flight at once (more than ~12 concurrent new streams on one
    // yamux connection under load get reset during negotiation, a libp2p matter and not this protocol's)
    const fetchers = await Promise.all(Array.from({ length: 10 }, async () => await client()))
    // connect first: the burst is about hand-out, not about 100 racing dials
    await Promise.all(fetchers.map(async f => await f.dial(addr)))
    const bundles = await Promise.all(Array.from({ length: 100 }, async (_, i) => await fetchPreKeyBundle(fetchers[i % 10], addr, keys.identity.publicKey)))
    const otks = bundles.filter(b => b.oneTimePreKey != null).map(b => b.oneTimePreKey!.id)
    const kems = bundles.filter(b => !b.kemPreKey.lastResort).map(b => b.kemPreKey.id)
    expect(otks).toHaveLength(60)
    expect(new Set(otks).size).toBe(60)
    expect(kems).toHaveLength(60)
    expect(new Set(kems).size).toBe(60)
    const fallbacks = bundles.filter(b => b.kemPreKey.lastResort)
    expect(fallbacks).toHaveLength(40)
    for (const b of fallbacks) {
      expect(b.kemPreKey.id).toBe(0xffff)
      expect(b.oneTimePreKey).toBeUndefined()
    }
    const after = await fetchPreKeyBundle(fetchers[0], addr, keys.identity.publicKey)
    expect(after).toMatchObject({ oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
  })

  it('rotates the signed prekey on upload', async () => {
    const owner = await client()
    const keys = userKeys(2)
    await uploadPreKeys(owner, addr, keys)
    const next = publicSignedPreKey(SignedPreKey.generate(keys.identity, 2, Date.now(), systemRandom))
    await uploadPreKeys(owner, addr, { identity: keys.identity, signedPreKey: next })
    expect((await fetchPreKeyBundle(await client(), addr, keys.identity.publicKey)).signedPreKey.id).toBe(2)
  })

  it("refuses an upload for someone else's identity and one with a bad signature", async () => {
    const attacker = await client()
    const victim = userKeys(1)
    const mallory = IdentityKeyPair.generate(systemRandom)
    const forged = await rawCall(attacker, addr, forgedUpload(victim, 1, mallory, relay.peerId.toString()))
    expect(forged.status).toBe(PreKeyResponse.Status.BAD_SIGNATURE)

    const signed = signUpload(victim.identity, { deviceId: 1, relayPeerId: relay.peerId.toString(), timestamp: BigInt(Date.now()), oneTimePreKeys: [], kemOneTimePreKeys: [] })
    signed.signature[0] ^= 1
    expect((await rawCall(attacker, addr, { type: PreKeyRequest.Type.UPLOAD, ...signed })).status).toBe(PreKeyResponse.Status.BAD_SIGNATURE)

    // prekeys signed by another identity are refused too
    await expect(uploadPreKeys(attacker, addr, { ...victim, identity: mallory })).rejects.toMatchObject({ name: 'PreKeySignatureError' })
    await expect(fetchPreKeyBundle(attacker, addr, victim.identity.publicKey)).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
    await expect(fetchPreKeyBundle(attacker, addr, mallory.publicKey)).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
  })

  it('refuses uploads signed for another relay, replayed, or out of time', async () => {
    const owner = await client()
    const keys = userKeys(3)
    await expect(uploadPreKeys(owner, addr, { ...keys, relayPeerId: strict.peerId })).rejects.toMatchObject({ name: 'WrongRelayError' })
    await expect(uploadPreKeys(owner, addr, { ...keys, timestamp: Date.now() - 10 * 60_000 })).rejects.toMatchObject({ name: 'StaleUploadError' })

    const signed = signUpload(keys.identity, {
      deviceId: 1,
      relayPeerId: relay.peerId.toString(),
      timestamp: BigInt(Date.now()),
      signedPreKey: Uint8Array.from(encodePublicSignedPreKey(keys.signedPreKey)),
      lastResortKemPreKey: Uint8Array.from(encodePublicKemPreKey(keys.lastResortKemPreKey)),
      oneTimePreKeys: [],
      kemOneTimePreKeys: []
    })
    expect((await rawCall(owner, addr, { type: PreKeyRequest.Type.UPLOAD, ...signed })).status).toBe(PreKeyResponse.Status.OK)
    expect((await rawCall(owner, addr, { type: PreKeyRequest.Type.UPLOAD, ...signed })).status).toBe(PreKeyResponse.Status.STALE_REQUEST)
  })

  it('enforces the batch and storage limits, storing nothing from a refused upload', async () => {
    const owner = await client()
    const keys = userKeys(0)
    await expect(uploadPreKeys(owner, addr, { identity: keys.identity, oneTimePreKeys: [] })).rejects.toMatchObject({ name: 'InvalidPreKeyRequestError' })
    const many = OneTimePreKey.generateBatch(1, MAX_UPLOAD_BATCH + 1, systemRandom).map(publicOneTimePreKey)
    await expect(uploadPreKeys(owner, addr, { ...keys, oneTimePreKeys: many })).rejects.toMatchObject({ name: 'PreKeyLimitError' })
    await uploadPreKeys(owner, addr, { ...keys, oneTimePreKeys: many.slice(0, 100) })
    await uploadPreKeys(owner, addr, { identity: keys.identity, oneTimePreKeys: OneTimePreKey.generateBatch(101, 100, systemRandom).map(publicOneTimePreKey) })
    await expect(uploadPreKeys(owner, addr, { identity: keys.identity, oneTimePreKeys: OneTimePreKey.generateBatch(201, 1, systemRandom).map(publicOneTimePreKey) }))
      .rejects.toMatchObject({ name: 'PreKeyLimitError' })
    expect((await fetchPreKeyBundle(owner, addr, keys.identity.publicKey)).oneTimePreKeysLeft).toBe(199)
  })

  it('rate-limits fetches of one identity per requester; other requesters are still served', async () => {
    const keys = userKeys(10)
    await uploadPreKeys(await client(), strictAddr, keys)
    const greedy = await client()
    for (let i = 0; i < 5; i++) await fetchPreKeyBundle(greedy, strictAddr, keys.identity.publicKey)
    const err = await fetchPreKeyBundle(greedy, strictAddr, keys.identity.publicKey).catch(e => e)
    expect(err.name).toBe('RateLimitedError')
    expect(err.retryAfterMs).toBeGreaterThan(0)
    expect((await fetchPreKeyBundle(await client(), strictAddr, keys.identity.publicKey)).oneTimePreKeysLeft).toBe(4)
  })

  it('aborts the stream on an oversize frame and keeps serving', async () => {
    const { lpStream } = await import('@libp2p/utils')
    const c = await client()
    const stream = await c.dialProtocol(addr, PREKEYS_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(new Uint8Array(MAX_MESSAGE_SIZE + 1))
    await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    await expect(fetchPreKeyBundle(c, addr, new Uint8Array(32).fill(7))).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
  })

  describe('per device', () => {
    it("two devices of one identity: a fetch by device id gets that device's bundle; an old client's fetch (no device id) the lowest", async () => {
      const owner = await client()
      const fetcher = await client()
      const identity = IdentityKeyPair.generate(systemRandom)
      const second = deviceKeys(identity, 3, 1, 22)
      const first = deviceKeys(identity, 2, 1, 11)
      expect(await uploadPreKeys(owner, addr, { ...second, deviceId: 2 })).toEqual({ oneTimePreKeysLeft: 3, kemOneTimePreKeysLeft: 3 })
      expect(await uploadPreKeys(owner, addr, { ...first, deviceId: 1 })).toEqual({ oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 2 })
      const two = await fetchPreKeyBundle(fetcher, addr, identity.publicKey, { deviceId: 2 })
      expect(two).toMatchObject({ deviceId: 2, signedPreKey: { id: 22 }, oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 2 })
      expect(hex(two.oneTimePreKey?.publicKey)).toBe(hex(second.oneTimePreKeys[0].publicKey))
      const one = await fetchPreKeyBundle(fetcher, addr, identity.publicKey, { deviceId: 1 })
      expect(one).toMatchObject({ deviceId: 1, signedPreKey: { id: 11 }, oneTimePreKeysLeft: 1 })
      expect(hex(one.oneTimePreKey?.publicKey)).toBe(hex(first.oneTimePreKeys[0].publicKey))
      // a request as an old client writes it: no deviceId field at all
      const old = await rawCall(fetcher, addr, { type: PreKeyRequest.Type.FETCH, identityKey: Uint8Array.from(identity.publicKey) })
      expect(old.status).toBe(PreKeyResponse.Status.OK)
      expect(decodePreKeyBundle(old.bundle)).toMatchObject({ deviceId: 1, signedPreKey: { id: 11 } })
      expect(old.oneTimePreKeysLeft).toBe(0)
      expect((await fetchPreKeyBundle(fetcher, addr, identity.publicKey)).deviceId).toBe(1)
      await expect(fetchPreKeyBundle(fetcher, addr, identity.publicKey, { deviceId: 3 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError', message: 'no prekeys stored for this device' })
      // each device tops up and rotates on its own
      await uploadPreKeys(owner, addr, { identity, deviceId: 2, signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 23, Date.now(), systemRandom)) })
      expect((await fetchPreKeyBundle(fetcher, addr, identity.publicKey, { deviceId: 2 })).signedPreKey.id).toBe(23)
      expect((await fetchPreKeyBundle(fetcher, addr, identity.publicKey, { deviceId: 1 })).signedPreKey.id).toBe(11)
    })

    it("refuses a device upload signed by another identity: the victim's devices are unchanged and no device is added", async () => {
      const attacker = await client()
      const victim = userKeys(1)
      await uploadPreKeys(await client(), addr, { ...victim, deviceId: 1 })
      const mallory = IdentityKeyPair.generate(systemRandom)
      const forged = await rawCall(attacker, addr, forgedUpload(victim, 2, mallory, relay.peerId.toString()))
      expect(forged.status).toBe(PreKeyResponse.Status.BAD_SIGNATURE)
      // the attacker's own prekeys, for a device of the victim's identity, do not verify either
      const own = deviceKeys(mallory, 1)
      await expect(uploadPreKeys(attacker, addr, { ...own, identity: victim.identity, deviceId: 2, timestamp: Date.now() + 1 })).rejects.toMatchObject({ name: 'PreKeySignatureError' })
      await expect(fetchPreKeyBundle(attacker, addr, victim.identity.publicKey, { deviceId: 2 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
      const bundle = await fetchPreKeyBundle(attacker, addr, victim.identity.publicKey, { deviceId: 1 })
      expect(hex(bundle.oneTimePreKey?.publicKey)).toBe(hex(victim.oneTimePreKeys[0].publicKey))
    })

    it('refuses a 7th device of one identity with LIMIT_EXCEEDED; the six are still served', async () => {
      const owner = await client()
      const identity = IdentityKeyPair.generate(systemRandom)
      const keys = deviceKeys(identity, 0)
      for (let d = 1; d <= 6; d++) await uploadPreKeys(owner, addr, { ...keys, deviceId: d * 10 })
      await expect(uploadPreKeys(owner, addr, { ...keys, deviceId: 70 })).rejects.toMatchObject({ name: 'PreKeyLimitError', message: 'at most 6 devices per identity; 6 hold prekeys here' })
      await expect(fetchPreKeyBundle(owner, addr, identity.publicKey, { deviceId: 70 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
      expect((await fetchPreKeyBundle(owner, addr, identity.publicKey, { deviceId: 60 })).deviceId).toBe(60)
    })

    it("a client refuses a bundle of another device than the one it asked for (a relay ignoring the device id)", async () => {
      const store = new RelayPreKeyStore({ kv: new MemoryKeyValueStore() })
      const ignoring: PreKeyBackend = {
        upload: async (upload, requester, options) => await store.upload(upload, requester, options),
        fetch: async (identityKey, requester, options) => await store.fetch(identityKey, requester, { ...(options?.signal != null ? { signal: options.signal } : {}) })
      }
      const old = await startNode({ prekeys: preKeyServer({ backend: ignoring }) })
      nodes.push(old)
      const identity = IdentityKeyPair.generate(systemRandom)
      const owner = await client()
      await uploadPreKeys(owner, old.getMultiaddrs(), { ...deviceKeys(identity, 1), deviceId: 1 })
      await uploadPreKeys(owner, old.getMultiaddrs(), { ...deviceKeys(identity, 1), deviceId: 2 })
      await expect(fetchPreKeyBundle(owner, old.getMultiaddrs(), identity.publicKey, { deviceId: 2 })).rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'relay returned a bundle for another device' })
      expect((await fetchPreKeyBundle(owner, old.getMultiaddrs(), identity.publicKey, { deviceId: 1 })).deviceId).toBe(1)
    })
  })
  it('retires one device\'s prekeys for its own identity only: the other device stays, a forged retirement is refused', async () => {
    const owner = userKeys(1)
    const second = deviceKeys(owner.identity, 1)
    await uploadPreKeys(await client(), addr, { ...owner, deviceId: 1 })
    await uploadPreKeys(await client(), addr, { identity: owner.identity, signedPreKey: second.signedPreKey, lastResortKemPreKey: second.lastResortKemPreKey, deviceId: 2 })
    // mallory signs a retirement of the owner's device 2: refused, the device keeps its keys
    const mallory = IdentityKeyPair.generate(systemRandom)
    const body = PreKeyUploadBody.encode({ identityKey: Uint8Array.from(owner.identity.publicKey), deviceId: 2, relayPeerId: relay.peerId.toString(), timestamp: BigInt(Date.now()), retire: true })
    const forged = await rawCall(await client(), addr, { type: PreKeyRequest.Type.UPLOAD, uploadBody: body, signature: Uint8Array.from(mallory.sign(uploadSignatureMessage(body))) })
    expect(forged.status).toBe(PreKeyResponse.Status.BAD_SIGNATURE)
    expect((await fetchPreKeyBundle(await client(), addr, owner.identity.publicKey, { deviceId: 2 })).deviceId).toBe(2)
    // a retirement that carries keys is malformed
    const withKeys = signUpload(owner.identity, { deviceId: 2, relayPeerId: relay.peerId.toString(), timestamp: BigInt(Date.now()), oneTimePreKeys: [], kemOneTimePreKeys: [], retire: true, signedPreKey: Uint8Array.from(encodePublicSignedPreKey(second.signedPreKey)) })
    expect((await rawCall(await client(), addr, { type: PreKeyRequest.Type.UPLOAD, ...withKeys })).status).toBe(PreKeyResponse.Status.INVALID_REQUEST)
    // the owner retires it: gone, device 1 untouched
    await retirePreKeys(await client(), addr, { identity: owner.identity, deviceId: 2, relayPeerId: relay.peerId.toString() })
    await expect(fetchPreKeyBundle(await client(), addr, owner.identity.publicKey, { deviceId: 2 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
    expect((await fetchPreKeyBundle(await client(), addr, owner.identity.publicKey, { deviceId: 1 })).deviceId).toBe(1)
  })
})
