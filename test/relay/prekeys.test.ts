// The prekey service in a real relay process: upload, fetch, and a restart loses nothing and hands out no key twice; a database of the
// one-device format is read after an upgrade, and a second device of the identity joins it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { uploadPreKeys, fetchPreKeyBundle } from '../../src/protocols/prekeys/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey, systemRandom, encodePublicSignedPreKey, encodePublicKemPreKey, encodePublicOneTimePreKey } from '../../src/crypto/index.js'
import { openLevel } from '../../src/storage/index.js'
import { startNode } from '../protocols/nodes.js'
import { tempDir } from '../helpers/tmp.js'

describe('parley-relay prekeys', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess | undefined
  const nodes: Libp2p[] = []

  beforeAll(async () => { dir = await tempDir() })
  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await relay?.stop()
    await dir.remove()
  })

  it('stores uploads in DIR/db: after a restart the next fetch gets the next key, never one already handed out', async () => {
    const dataDir = join(dir.path, 'relay')
    relay = await startRelayProcess({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const owner = await startNode()
    const fetcher = await startNode()
    nodes.push(owner, fetcher)
    const identity = IdentityKeyPair.generate(systemRandom)
    const counts = await uploadPreKeys(owner, relay.addr('tcp'), {
      identity,
      signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, Date.now(), systemRandom)),
      lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 100, Date.now(), true, systemRandom)),
      oneTimePreKeys: OneTimePreKey.generateBatch(1, 3, systemRandom).map(publicOneTimePreKey),
      kemOneTimePreKeys: [publicKemPreKey(KemPreKey.generate(identity, 1, Date.now(), false, systemRandom))]
    })
    expect(counts).toEqual({ oneTimePreKeysLeft: 3, kemOneTimePreKeysLeft: 1 })
    const first = await fetchPreKeyBundle(fetcher, relay.addr('tcp'), identity.publicKey)
    expect(first.oneTimePreKey?.id).toBe(1)
    expect(first.kemPreKey).toMatchObject({ id: 1, lastResort: false })

    expect(await relay.stop()).toBe(0)
    relay = await startRelayProcess({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const second = await fetchPreKeyBundle(fetcher, relay.addr('tcp'), identity.publicKey)
    expect(second.oneTimePreKey?.id).toBe(2)
    expect(second.kemPreKey).toMatchObject({ id: 100, lastResort: true })
    expect(second.oneTimePreKeysLeft).toBe(1)
  })

  it("reads prekeys a relay of the one-device format stored in DIR/db as that device's, and serves a second device beside them", async () => {
    await relay?.stop()
    relay = undefined
    const dataDir = join(dir.path, 'upgraded')
    const identity = IdentityKeyPair.generate(systemRandom)
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    const pad = (n: number): string => n.toString(16).padStart(8, '0')
    const otks = OneTimePreKey.generateBatch(7, 2, systemRandom).map(publicOneTimePreKey)
    // what the previous relay wrote for an identity with device 1: the meta record at <identity>/meta and pools by kind and id
    const storage = await openLevel(join(dataDir, 'db'))
    const kv = storage.kv('relay-prekeys')
    const id = hex(identity.publicKey)
    await kv.put(`${id}/meta`, new TextEncoder().encode(JSON.stringify({
      deviceId: 1,
      signedPreKey: hex(encodePublicSignedPreKey(publicSignedPreKey(SignedPreKey.generate(identity, 5, Date.now(), systemRandom)))),
      lastResortKemPreKey: hex(encodePublicKemPreKey(publicKemPreKey(KemPreKey.generate(identity, 200, Date.now(), true, systemRandom)))),
      lastUploadAt: Date.now() - 60_000,
      oneTime: 2,
      kemOneTime: 0
    })))
    for (const k of otks) await kv.put(`${id}/otk/${pad(k.id)}`, encodePublicOneTimePreKey(k))
    await storage.close()

    relay = await startRelayProcess({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const owner = await startNode()
    const fetcher = await startNode()
    nodes.push(owner, fetcher)
    const first = await fetchPreKeyBundle(fetcher, relay.addr('tcp'), identity.publicKey, { deviceId: 1 })
    expect(first).toMatchObject({ deviceId: 1, signedPreKey: { id: 5 }, kemPreKey: { id: 200, lastResort: true }, oneTimePreKey: { id: 7 }, oneTimePreKeysLeft: 1 })
    await uploadPreKeys(owner, relay.addr('tcp'), {
      identity,
      deviceId: 2,
      signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 9, Date.now(), systemRandom)),
      lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 300, Date.now(), true, systemRandom))
    })
    expect(await fetchPreKeyBundle(fetcher, relay.addr('tcp'), identity.publicKey, { deviceId: 2 })).toMatchObject({ deviceId: 2, signedPreKey: { id: 9 } })
    // an old client's fetch still gets device 1, with its next one-time key
    expect(await fetchPreKeyBundle(fetcher, relay.addr('tcp'), identity.publicKey)).toMatchObject({ deviceId: 1, oneTimePreKey: { id: 8 }, oneTimePreKeysLeft: 0 })
  })
})
