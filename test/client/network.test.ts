// A small Parley network: 3 relay processes (each a verifier with the log SMS gateway) and 5 client devices that each know only one relay; all register and find each other by number.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { Parley, createNodeNode, toHexString } from '../../src/index.js'
import { fromHex } from '../../src/storage/index.js'
import { tempDir } from '../helpers/tmp.js'
import { smsInbox } from '../helpers/sms.js'
import { retryUntil } from '../helpers/wait.js'

const PHONES = ['+15550100001', '+15550100002', '+15550100003', '+15550100004', '+15550100005']

describe('3 relays + 5 clients', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  const relays: RelayProcess[] = []
  const inboxes = [smsInbox(), smsInbox(), smsInbox()]
  const clients: Parley[] = []

  beforeAll(async () => {
    dir = await tempDir()
    for (let i = 0; i < 3; i++) {
      relays.push(await startRelayProcess({
        dataDir: join(dir.path, `relay-${i}`),
        listen: ['/ip4/127.0.0.1/tcp/0'],
        // a chain: relay 1 knows relay 0, relay 2 knows relay 1
        args: ['--verifier', '--sms-gateway', 'log', ...(i > 0 ? ['--bootstrap', relays[i - 1].addr('tcp')] : [])],
        onEvent: inboxes[i].onEvent
      }))
    }
    const trustedVerifiers = relays.map(r => fromHex(r.listening.verifierKey as string))
    for (let i = 0; i < PHONES.length; i++) {
      clients.push(await Parley.create({
        dataDir: join(dir.path, `client-${i}`),
        bootstrap: [relays[i % 3].addr('tcp')],
        listen: ['/ip4/127.0.0.1/tcp/0'],
        trustedVerifiers,
        createNode: createNodeNode
      }))
    }
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled(clients.map(async c => await c.stop()))
    await Promise.allSettled(relays.map(async r => await r.stop()))
    await dir?.remove()
  })

  it('all register through their own relay and every client resolves every number', async () => {
    await Promise.all(clients.map(async (client, i) => {
      const inbox = inboxes[i % 3]
      const before = inbox.count
      const requested = await client.register(PHONES[i])
      expect(requested.phone).toBe(PHONES[i])
      const code = await inbox.next(PHONES[i], before)
      const registration = await client.verify(code)
      expect(registration.mailboxRelays).toEqual([relays[i % 3].addr('tcp')])
    }))

    const keys = clients.map(c => toHexString(c.identity.publicKey))
    for (const [i, client] of clients.entries()) {
      for (const [j, phone] of PHONES.entries()) {
        if (i === j) continue
        const found = await retryUntil(async signal => {
          const r = await client.lookup(phone, { signal })
          if (!r.registered) throw new Error(`${phone} not found yet`)
          return r
        }, { timeout: 30_000, interval: 250, what: `client ${i} looks up client ${j}` })
        expect(toHexString(found.identityKey!)).toBe(keys[j])
        expect(found.verified).toBe(true)
        expect(found.mailboxRelays).toEqual([relays[j % 3].addr('tcp')])
      }
    }
  }, 240_000)

  it('a new device that knows only one relay resolves everyone, and an unknown number is "not on Parley"', async () => {
    const stranger = await Parley.create({
      dataDir: join(dir.path, 'stranger'),
      bootstrap: [relays[2].addr('tcp')],
      listen: ['/ip4/127.0.0.1/tcp/0'],
      createNode: createNodeNode
    })
    try {
      const report = await stranger.discover([...PHONES, '+15550109999'])
      expect(report.registered).toBe(PHONES.length)
      for (const [j, phone] of PHONES.entries()) {
        expect(report.contacts[j]).toMatchObject({ e164: phone, status: 'registered' })
        expect(toHexString(report.contacts[j].identityKey!)).toBe(toHexString(clients[j].identity.publicKey))
      }
      expect(report.contacts[PHONES.length]).toMatchObject({ e164: '+15550109999', status: 'not-registered' })
    } finally {
      await stranger.stop()
    }
  }, 120_000)
})
