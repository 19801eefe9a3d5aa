// The prekey service in a real relay process: upload, fetch, and a restart loses nothing and hands out no key twice.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { uploadPreKeys, fetchPreKeyBundle } from '../../src/protocols/prekeys/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey, systemRandom } from '../../src/crypto/index.js'
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
})
