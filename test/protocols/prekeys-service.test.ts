// The prekey service and its client over in-memory streams, with a fake backend or a hand-written relay: how the
// server registers, what it checks before the backend, what it hands the backend, how refusals and crashes are
// answered and logged; how the client names the relay it signs for, keeps its timestamps increasing, and refuses a
// bundle that does not verify or is of another identity. The relay's real store over TCP is in prekeys.test.ts.
import { describe, it, expect, vi } from 'vitest'
import { serviceCapabilities, type AbortOptions, type PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import {
  preKeyServer, uploadPreKeys, retirePreKeys, fetchPreKeyBundle, signUpload, PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT,
  PreKeyLimitError, PreKeysNotFoundError, type PreKeyBackend, type VerifiedUpload, type FetchedPreKeys, type PreKeyFetchOptions
} from '../../src/protocols/prekeys/index.js'
import { PreKeyRequest, PreKeyResponse, PreKeyUploadBody } from '../../src/protocols/prekeys/pb/prekeys.js'
import { callOnce, type DialingNode } from '../../src/protocols/request-response.js'
import {
  IdentityKeyPair, SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey,
  encodePublicSignedPreKey, encodePublicKemPreKey, encodePublicOneTimePreKey, systemRandom
} from '../../src/crypto/index.js'
import { encodePreKeyBundle, type PreKeyBundle } from '../../src/crypto/prekeys.js'
import { serve, rawRelay, randomPeerId } from './prekeys-verify-harness.js'

interface Calls {
  upload: Array<{ upload: VerifiedUpload, requester: PeerId }>
  fetch: Array<{ identityKey: Uint8Array, requester: PeerId, options?: PreKeyFetchOptions }>
  retire: Array<{ identityKey: Uint8Array, deviceId: number }>
}

/** One device's public keys under `identity`. */
function deviceKeys (identity: IdentityKeyPair, n = 1) {
  return {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, 0, systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 0xffff, 0, true, systemRandom)),
    oneTimePreKeys: OneTimePreKey.generateBatch(1, n, systemRandom).map(publicOneTimePreKey),
    kemOneTimePreKeys: Array.from({ length: n }, (_, i) => publicKemPreKey(KemPreKey.generate(identity, i + 1, 0, false, systemRandom)))
  }
}

/** What a store would hand out for `keys`: the first one-time keys of each kind. */
function fetched (keys: ReturnType<typeof deviceKeys>, deviceId = 1): FetchedPreKeys {
  return {
    deviceId,
    signedPreKey: encodePublicSignedPreKey(keys.signedPreKey),
    kemPreKey: encodePublicKemPreKey(keys.kemOneTimePreKeys[0] ?? keys.lastResortKemPreKey),
    ...(keys.oneTimePreKeys[0] != null ? { oneTimePreKey: encodePublicOneTimePreKey(keys.oneTimePreKeys[0]) } : {}),
    oneTimePreKeysLeft: 7,
    kemOneTimePreKeysLeft: 8
  }
}

/** A backend that records every call; `fail` is thrown by each, `retire: false` leaves retire out. */
function fakeBackend ({ fail, give, retire = true }: { fail?: unknown, give?: FetchedPreKeys, retire?: boolean } = {}): PreKeyBackend & { calls: Calls } {
  const calls: Calls = { upload: [], fetch: [], retire: [] }
  return {
    calls,
    async upload (upload, requester) {
      calls.upload.push({ upload, requester })
      if (fail != null) throw fail
      return { oneTimePreKeysLeft: upload.oneTimePreKeys.length + 40, kemOneTimePreKeysLeft: upload.kemOneTimePreKeys.length + 50 }
    },
    async fetch (identityKey, requester, options) {
      calls.fetch.push({ identityKey, requester, ...(options != null ? { options } : {}) })
      if (fail != null) throw fail
      if (give == null) throw new PreKeysNotFoundError()
      return give
    },
    ...(retire
      ? {
          async retire (identityKey: Uint8Array, deviceId: number, _options?: AbortOptions) {
            calls.retire.push({ identityKey, deviceId })
            if (fail != null) throw fail
            return true
          }
        }
      : {})
  }
}

async function start (backend: PreKeyBackend, init: { maxInboundStreams?: number, maxOutboundStreams?: number, now?: () => number } = {}, peerId?: PeerId) {
  return await serve(components => preKeyServer({ backend, ...init })(components), peerId)
}

async function raw (node: DialingNode, req: Partial<PreKeyRequest>): Promise<PreKeyResponse> {
  return await callOnce(node, '/ip4/127.0.0.1/tcp/1', req, { protocol: PREKEYS_PROTOCOL, request: PreKeyRequest, response: PreKeyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: TIMEOUT })
}

const owner = IdentityKeyPair.generate(systemRandom)

describe('prekey service (in memory)', () => {
  describe('server', () => {
    it('registers /parley/prekeys/1.0.0 as @parley/prekeys with 32 streams each way by default, or the counts given', async () => {
      const s = await start(fakeBackend())
      expect(s.registered).toEqual([{ protocol: PREKEYS_PROTOCOL, options: { maxInboundStreams: 32, maxOutboundStreams: 32, runOnLimitedConnection: false } }])
      expect(s.server[serviceCapabilities]).toEqual(['@parley/prekeys'])
      expect(Object.prototype.toString.call(s.server)).toBe('[object @parley/prekeys]')
      expect(s.logs.components).toEqual(['parley:prekeys'])
      const custom = await start(fakeBackend(), { maxInboundStreams: 3, maxOutboundStreams: 5 })
      expect(custom.registered[0].options).toMatchObject({ maxInboundStreams: 3, maxOutboundStreams: 5 })
    })

    it('checks uploads against its own peer id and its clock, and hands the backend the verified upload and the requester', async () => {
      const relayId = await randomPeerId()
      const backend = fakeBackend()
      const s = await start(backend, { now: () => 5_000_000 }, relayId)
      const keys = deviceKeys(owner, 2)
      expect(await uploadPreKeys(s.node, relayId, { ...keys, deviceId: 4, timestamp: 5_000_000 + 60_000 })).toEqual({ oneTimePreKeysLeft: 42, kemOneTimePreKeysLeft: 52 })
      expect(backend.calls.upload).toHaveLength(1)
      const [{ upload, requester }] = backend.calls.upload
      expect(requester.equals(s.remotePeer)).toBe(true)
      expect(upload).toMatchObject({ deviceId: 4, timestamp: 5_060_000, identityKey: Uint8Array.from(owner.publicKey) })
      expect(upload.oneTimePreKeys.map(k => k.id)).toEqual([1, 2])
      // the relay's clock, not the wall clock, decides
      await expect(uploadPreKeys(s.node, relayId, { ...keys, timestamp: Date.now() })).rejects.toMatchObject({ name: 'StaleUploadError' })
      await expect(uploadPreKeys(s.node, relayId, { ...keys, timestamp: 5_000_000, relayPeerId: await randomPeerId() })).rejects.toMatchObject({ name: 'WrongRelayError' })
      expect(backend.calls.upload).toHaveLength(1)
    })

    it('a retirement reaches the backend for the signing identity and its device, and answers OK with no keys left', async () => {
      const backend = fakeBackend()
      const s = await start(backend)
      await expect(retirePreKeys(s.node, '/ip4/127.0.0.1/tcp/1', { identity: owner, deviceId: 3, relayPeerId: s.peerId.toString() })).resolves.toBeUndefined()
      expect(backend.calls.retire).toEqual([{ identityKey: Uint8Array.from(owner.publicKey), deviceId: 3 }])
      expect(backend.calls.upload).toHaveLength(0)
      const signed = signUpload(owner, { deviceId: 2, relayPeerId: s.peerId.toString(), timestamp: BigInt(Date.now()), oneTimePreKeys: [], kemOneTimePreKeys: [], retire: true })
      expect(await raw(s.node, { type: PreKeyRequest.Type.UPLOAD, ...signed })).toMatchObject({ status: PreKeyResponse.Status.OK, oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0, message: '' })
    })

    it('refuses a retirement when the backend cannot retire devices, and stores nothing', async () => {
      const backend = fakeBackend({ retire: false })
      const s = await start(backend)
      await expect(retirePreKeys(s.node, '/ip4/127.0.0.1/tcp/1', { identity: owner, deviceId: 3, relayPeerId: s.peerId.toString() }))
        .rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message: 'this relay cannot retire devices' })
      expect(backend.calls.upload).toHaveLength(0)
      expect(s.logs.errors).toEqual([])
    })

    it('refuses a fetch for an identity key that is not 32 bytes before the backend', async () => {
      const backend = fakeBackend({ give: fetched(deviceKeys(owner)) })
      const s = await start(backend)
      for (const length of [0, 31, 33]) {
        await expect(fetchPreKeyBundle(s.node, '/ip4/127.0.0.1/tcp/1', new Uint8Array(length).fill(1)))
          .rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message: 'the identity key must be 32 bytes' })
      }
      expect(backend.calls.fetch).toHaveLength(0)
    })

    it('assembles the bundle from what the backend hands out, for the identity and device asked, with the counts left', async () => {
      const keys = deviceKeys(owner)
      const backend = fakeBackend({ give: fetched(keys, 6) })
      const s = await start(backend)
      const bundle = await fetchPreKeyBundle(s.node, '/ip4/127.0.0.1/tcp/1', owner.publicKey, { deviceId: 6 })
      expect(bundle).toMatchObject({ deviceId: 6, oneTimePreKeysLeft: 7, kemOneTimePreKeysLeft: 8, signedPreKey: { id: 1 }, kemPreKey: { id: 1, lastResort: false }, oneTimePreKey: { id: 1 } })
      expect(bundle.identityKey).toEqual(Uint8Array.from(owner.publicKey))
      expect(backend.calls.fetch).toHaveLength(1)
      expect(backend.calls.fetch[0].options?.deviceId).toBe(6)
      expect(backend.calls.fetch[0].requester.equals(s.remotePeer)).toBe(true)
      // no device asked: none passed on; a bundle without a one-time X25519 key has none
      const noOtk = fakeBackend({ give: fetched({ ...keys, oneTimePreKeys: [], kemOneTimePreKeys: [] }) })
      const t = await start(noOtk)
      const fallback = await fetchPreKeyBundle(t.node, '/ip4/127.0.0.1/tcp/1', owner.publicKey)
      expect(fallback.oneTimePreKey).toBeUndefined()
      expect(fallback.kemPreKey).toMatchObject({ id: 0xffff, lastResort: true })
      expect(noOtk.calls.fetch[0].options?.deviceId).toBeUndefined()
    })

    it('a refusal travels with its status and is not logged as an error; a backend crash is INTERNAL, logged once, its message kept private', async () => {
      const limited = await start(fakeBackend({ fail: new PreKeyLimitError('at most 6 devices') }))
      const keys = deviceKeys(owner)
      await expect(uploadPreKeys(limited.node, '/ip4/127.0.0.1/tcp/1', { ...keys, relayPeerId: limited.peerId.toString() })).rejects.toMatchObject({ name: 'PreKeyLimitError', message: 'at most 6 devices' })
      await expect(fetchPreKeyBundle(limited.node, '/ip4/127.0.0.1/tcp/1', owner.publicKey)).rejects.toMatchObject({ name: 'PreKeyLimitError' })
      expect(limited.logs.errors).toEqual([])

      const crash = new Error('disk full at /var/lib/relay')
      const crashing = await start(fakeBackend({ fail: crash }))
      const res = await raw(crashing.node, { type: PreKeyRequest.Type.FETCH, identityKey: Uint8Array.from(owner.publicKey) })
      expect(res).toMatchObject({ status: PreKeyResponse.Status.INTERNAL, message: 'the relay failed; try again later' })
      expect(crashing.logs.errors).toEqual([['%s request failed inside the backend - %e', 'prekeys', crash]])
      await expect(retirePreKeys(crashing.node, '/ip4/127.0.0.1/tcp/1', { identity: owner, deviceId: 1, relayPeerId: crashing.peerId.toString() })).rejects.toMatchObject({ name: 'PreKeyInternalError' })
      expect(crashing.logs.errors).toHaveLength(2)
    })
  })

  describe('client: the relay an upload is signed for', () => {
    it('is the peer id given as the relay, or the /p2p/ of its (first) address, as a string or a multiaddr, or relayPeerId when given', async () => {
      const relayId = await randomPeerId()
      const backend = fakeBackend()
      const s = await start(backend, {}, relayId)
      const keys = deviceKeys(owner)
      const addr = `/ip4/127.0.0.1/tcp/4001/p2p/${relayId.toString()}`
      const targets = [
        relayId,
        addr,
        [addr, '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWSomeoneElse'],
        multiaddr(addr),
        [multiaddr(addr)]
      ]
      for (const target of targets) await uploadPreKeys(s.node, target, keys)
      await uploadPreKeys(s.node, '/ip4/127.0.0.1/tcp/4001', { ...keys, relayPeerId: relayId })
      await uploadPreKeys(s.node, [multiaddr('/ip4/127.0.0.1/tcp/4001')], { ...keys, relayPeerId: relayId.toString() })
      await retirePreKeys(s.node, addr, { identity: owner, deviceId: 9 })
      await retirePreKeys(s.node, relayId, { identity: owner, deviceId: 8 })
      expect(backend.calls.upload).toHaveLength(7)
      expect(backend.calls.retire.map(r => r.deviceId)).toEqual([9, 8])
      // the address dialled is the one given
      expect(String(s.node.dials[1].target)).toBe(addr)
    })

    it('refuses, before dialling, an empty address list and an address without /p2p/ when no relayPeerId is given', async () => {
      const s = await start(fakeBackend())
      const keys = deviceKeys(owner)
      await expect(uploadPreKeys(s.node, [], keys)).rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message: 'no relay address' })
      await expect(retirePreKeys(s.node, [], { identity: owner, deviceId: 1 })).rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message: 'no relay address' })
      const message = 'the relay address must end in /p2p/<peer id> (or pass relayPeerId)'
      for (const target of ['/ip4/127.0.0.1/tcp/4001', multiaddr('/ip4/127.0.0.1/tcp/4001'), [multiaddr('/dns4/relay.example/tcp/443/wss')]]) {
        await expect(uploadPreKeys(s.node, target, keys)).rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message })
      }
      await expect(retirePreKeys(s.node, '/ip4/127.0.0.1/tcp/4001', { identity: owner, deviceId: 1 })).rejects.toMatchObject({ name: 'InvalidPreKeyRequestError', message })
      expect(s.node.dials).toEqual([])
    })
  })

  it('client: timestamps strictly increase within the process, also within one millisecond and after an explicit one', async () => {
    // a frozen clock a day ahead of any upload earlier in this file
    const T = Date.now() + 24 * 3600_000
    const spy = vi.spyOn(Date, 'now').mockReturnValue(T)
    try {
      const backend = fakeBackend()
      const s = await start(backend, { now: () => T })
      const relay = s.peerId.toString()
      const keys = { identity: owner, relayPeerId: relay }
      const seen: number[] = []
      const last = (): number => backend.calls.upload.at(-1)?.upload.timestamp ?? NaN
      await uploadPreKeys(s.node, [], keys); seen.push(last())
      await uploadPreKeys(s.node, [], keys); seen.push(last())
      await retirePreKeys(s.node, [], { identity: owner, deviceId: 1, relayPeerId: relay }); seen.push(backend.calls.retire.length)
      await uploadPreKeys(s.node, [], keys); seen.push(last())
      await uploadPreKeys(s.node, [], { ...keys, timestamp: T + 100 }); seen.push(last())
      await uploadPreKeys(s.node, [], keys); seen.push(last())
      // an explicit earlier one is sent as given and does not pull the counter back
      await uploadPreKeys(s.node, [], { ...keys, timestamp: T + 50 }); seen.push(last())
      await uploadPreKeys(s.node, [], keys); seen.push(last())
      // (the retirement in between took T + 2: see the next test)
      expect(seen).toEqual([T, T + 1, 1, T + 3, T + 100, T + 101, T + 50, T + 102])
    } finally {
      spy.mockRestore()
    }
  })

  it('client: a retirement gets the next timestamp after an upload in the same millisecond', async () => {
    const T = Date.now() + 48 * 3600_000
    const spy = vi.spyOn(Date, 'now').mockReturnValue(T)
    try {
      const stamps: bigint[] = []
      const node = rawRelay(req => {
        const { uploadBody } = PreKeyRequest.decode(req)
        stamps.push(PreKeyUploadBody.decode(uploadBody).timestamp)
        return PreKeyResponse.encode({ status: PreKeyResponse.Status.OK })
      })
      await uploadPreKeys(node, [], { identity: owner, relayPeerId: 'r' })
      await retirePreKeys(node, [], { identity: owner, deviceId: 2, relayPeerId: 'r' })
      await retirePreKeys(node, [], { identity: owner, deviceId: 3, relayPeerId: 'r' })
      await uploadPreKeys(node, [], { identity: owner, relayPeerId: 'r' })
      expect(stamps).toEqual([BigInt(T), BigInt(T + 1), BigInt(T + 2), BigInt(T + 3)])
    } finally {
      spy.mockRestore()
    }
  })

  describe('client: the bundle a relay returns', () => {
    const bundleOf = (identity: IdentityKeyPair, deviceId = 1): PreKeyBundle => {
      const keys = deviceKeys(identity)
      return { identityKey: Uint8Array.from(identity.publicKey), deviceId, signedPreKey: keys.signedPreKey, kemPreKey: keys.kemOneTimePreKeys[0], oneTimePreKey: keys.oneTimePreKeys[0] }
    }
    const answering = (bundle: Uint8Array): ReturnType<typeof rawRelay> =>
      rawRelay(() => PreKeyResponse.encode({ status: PreKeyResponse.Status.OK, bundle: Uint8Array.from(bundle), oneTimePreKeysLeft: 3, kemOneTimePreKeysLeft: 4 }))

    it('is returned with the counts when it verifies and is of the identity asked', async () => {
      const bundle = bundleOf(owner, 2)
      const node = answering(encodePreKeyBundle(bundle))
      const got = await fetchPreKeyBundle(node, '/ip4/127.0.0.1/tcp/1', owner.publicKey, { deviceId: 2 })
      expect(got).toEqual({ ...bundle, oneTimePreKeysLeft: 3, kemOneTimePreKeysLeft: 4 })
      expect(PreKeyRequest.decode(node.requests[0])).toMatchObject({ type: PreKeyRequest.Type.FETCH, identityKey: Uint8Array.from(owner.publicKey), deviceId: 2 })
    })

    it('is refused when it does not decode or does not verify (a prekey signed by someone else)', async () => {
      await expect(fetchPreKeyBundle(answering(Uint8Array.from([0x0a, 0x7f, 1])), '/ip4/127.0.0.1/tcp/1', owner.publicKey))
        .rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'relay returned an invalid bundle: Malformed prekey bundle' })
      const mallory = IdentityKeyPair.generate(systemRandom)
      const forged = { ...bundleOf(owner), signedPreKey: deviceKeys(mallory).signedPreKey }
      await expect(fetchPreKeyBundle(answering(encodePreKeyBundle(forged)), '/ip4/127.0.0.1/tcp/1', owner.publicKey))
        .rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'relay returned an invalid bundle: Signed prekey signature did not verify' })
      // the same through the real server: a backend handing out keys the identity never signed
      const s = await start(fakeBackend({ give: fetched(deviceKeys(mallory)) }))
      await expect(fetchPreKeyBundle(s.node, '/ip4/127.0.0.1/tcp/1', owner.publicKey))
        .rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'relay returned an invalid bundle: Signed prekey signature did not verify' })
    })

    it('is refused when it is a valid bundle of another identity: one byte off, another key, or a key with a byte more', async () => {
      const bundle = encodePreKeyBundle(bundleOf(owner))
      const message = 'relay returned a bundle for another identity'
      const oneOff = Uint8Array.from(owner.publicKey)
      oneOff[31] ^= 0x01
      const asked = [oneOff, IdentityKeyPair.generate(systemRandom).publicKey, Uint8Array.from([...owner.publicKey, 0]), owner.publicKey.subarray(0, 31)]
      for (const identityKey of asked) {
        await expect(fetchPreKeyBundle(answering(bundle), '/ip4/127.0.0.1/tcp/1', identityKey)).rejects.toMatchObject({ name: 'ProtocolViolationError', message })
      }
    })
  })
})
