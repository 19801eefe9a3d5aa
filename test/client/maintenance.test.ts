// Device upkeep against a real relay process: one-time prekeys are topped up when a relay runs low, the signed prekey rotates on schedule and the new bundle is republished.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { Parley, createNodeNode } from '../../src/index.js'
import { fetchPreKeyBundle } from '../../src/protocols/prekeys/index.js'
import { decodePreKeyBundle } from '../../src/crypto/index.js'
import { ONE_TIME_PRE_KEY_BATCH, SIGNED_PRE_KEY_ROTATION_MS } from '../../src/session/index.js'
import { ATTESTATION_RENEW_BEFORE_MS, ONE_TIME_PRE_KEY_LOW_WATER } from '../../src/client/maintenance.js'
import { tempDir } from '../helpers/tmp.js'
import { smsInbox } from '../helpers/sms.js'
import { retryUntil } from '../helpers/wait.js'
import { startNode } from '../protocols/nodes.js'

describe('device maintenance', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  const sms = smsInbox()
  let alice: Parley
  let clockOffset = 0

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000'], onEvent: sms.onEvent })
    alice = await Parley.create({ dataDir: join(dir.path, 'alice'), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, now: () => Date.now() + clockOffset })
    const before = sms.count
    await alice.register('+15550200001')
    await alice.verify(await sms.next('+15550200001', before))
  }, 60_000)

  afterAll(async () => {
    await alice?.stop()
    await relay?.stop()
    await dir?.remove()
  })

  it('tops up a relay that runs low on one-time prekeys', async () => {
    // the relay lets one requester take 5 bundles of one identity per 10 minutes: drain with many requesters
    const drain = ONE_TIME_PRE_KEY_BATCH - ONE_TIME_PRE_KEY_LOW_WATER + 5
    const fetchers = await Promise.all(Array.from({ length: Math.ceil(drain / 5) }, async () => await startNode()))
    try {
      let left = ONE_TIME_PRE_KEY_BATCH
      for (const [i, node] of fetchers.entries()) {
        for (let k = 0; k < 5 && i * 5 + k < drain; k++) {
          left = (await fetchPreKeyBundle(node, relay.addr('tcp'), alice.identity.publicKey)).oneTimePreKeysLeft
        }
      }
      expect(left).toBeLessThan(ONE_TIME_PRE_KEY_LOW_WATER)
    } finally {
      await Promise.all(fetchers.map(async n => await n.stop()))
    }
    const { rotated, counts } = await alice.maintainPreKeys()
    expect(rotated).toBe(false)
    expect(counts.get(relay.addr('tcp'))).toBeGreaterThanOrEqual(ONE_TIME_PRE_KEY_BATCH)

    // a relay with enough keys gets none: the count stays
    const again = await alice.maintainPreKeys()
    expect(again.counts.get(relay.addr('tcp'))).toBe(counts.get(relay.addr('tcp')))
  }, 60_000)

  it('rotates the signed prekey when it is a week old and republishes the bundle', async () => {
    const looker = await Parley.create({ dataDir: join(dir.path, 'looker'), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode })
    try {
      const before = await looker.lookup('+15550200001')
      if (!before.registered) throw new Error('alice not found')
      const oldId = decodePreKeyBundle(before.devices[0].prekeyBundle).signedPreKey.id

      clockOffset = SIGNED_PRE_KEY_ROTATION_MS + 60_000
      const { rotated } = await alice.maintainPreKeys()
      expect(rotated).toBe(true)

      const newId = await retryUntil(async signal => {
        const r = await looker.lookup('+15550200001', { signal })
        if (!r.registered) throw new Error('alice not found')
        const id = decodePreKeyBundle(r.devices[0].prekeyBundle).signedPreKey.id
        if (id === oldId) throw new Error('old bundle still published')
        return id
      }, { timeout: 20_000, what: 'the rotated bundle in the directory' })
      expect(newId).not.toBe(oldId)

      // the relay hands out bundles with the new signed prekey too
      const fetcher = await startNode()
      try {
        const bundle = await fetchPreKeyBundle(fetcher, relay.addr('tcp'), alice.identity.publicKey)
        expect(bundle.signedPreKey.id).toBe(newId)
      } finally {
        await fetcher.stop()
      }
    } finally {
      clockOffset = 0
      await looker.stop()
    }
  }, 60_000)

  it('renews the attestation at its verifier before it runs out, keeps it across a restart, and stays verified', async () => {
    const before = (await alice.whoami()).verifiedUntil!
    expect(before).toBeGreaterThan(Date.now())
    // far from the end: nothing to do
    await alice.maintainPreKeys()
    expect((await alice.whoami()).verifiedUntil).toBe(before)

    // the device's clock says the attestation is about to end; the relay's verifier (real clock) issues a fresh one
    clockOffset = before - Date.now() - ATTESTATION_RENEW_BEFORE_MS + 60_000
    try {
      await alice.maintainPreKeys()
    } finally {
      clockOffset = 0
    }
    const after = (await alice.whoami()).verifiedUntil!
    expect(after).toBeGreaterThan(before)

    const looker = await Parley.create({ dataDir: join(dir.path, 'looker-renew'), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, trustedVerifiers: [Buffer.from(relay.listening.verifierKey as string, 'hex')] })
    try {
      const found = await looker.lookup('+15550200001')
      expect(found).toMatchObject({ registered: true, verified: true })
    } finally {
      await looker.stop()
    }
  }, 60_000)
})
