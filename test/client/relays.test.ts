// Relay settings on a registered device with two real relay processes: add a mailbox relay, drop the old one, the directory follows, the list outlives a restart, and mail still arrives.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { startTestRelay, registeredDevice, openDevice, collect, type TestRelay } from '../messaging/helpers.js'

const ALICE = '+15550800001'
const BOB = '+15550800002'

describe('relay settings', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let one: TestRelay
  let two: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    dir = await tempDir()
    one = await startTestRelay(`${dir.path}/relay-1`)
    two = await startTestRelay(`${dir.path}/relay-2`, [one.relay.addr('tcp')])
    alice = await registeredDevice(dir.path, 'alice', ALICE, [one])
    bob = await registeredDevice(dir.path, 'bob', BOB, [one])
  }, 60_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await one?.relay.stop()
    await two?.relay.stop()
    await dir?.remove()
  })

  it('moves the mailbox to another relay: the directory record follows, the list survives a restart, mail arrives there', async () => {
    const added = await alice.addRelay(two.relay.addr('tcp'), { mailbox: true })
    expect(added).toMatchObject({ addr: two.relay.addr('tcp'), connected: true, mailbox: true, bootstrap: false })
    await alice.removeRelay(one.relay.addr('tcp'))
    await expect(alice.removeRelay(two.relay.addr('tcp'))).rejects.toHaveProperty('name', 'LastRelayError')
    const seen = await retryUntil(async signal => {
      const r = await bob.lookup(ALICE, { signal })
      if (!r.registered || r.mailboxRelays.join() !== two.relay.addr('tcp')) throw new Error('old record still')
      return r
    }, { timeout: 30_000, interval: 250, what: 'the record naming relay 2' })
    expect(seen.mailboxRelays).toEqual([two.relay.addr('tcp')])

    // restart with the original bootstrap: relay 1 stays removed, relay 2 is used
    await alice.stop()
    alice = await openDevice(dir.path, 'alice', [one])
    const relays = await alice.relays()
    expect(relays.map(r => r.addr)).toEqual([two.relay.addr('tcp')])
    expect(relays[0]).toMatchObject({ mailbox: true, bootstrap: false })

    // offline mail goes to relay 2 and reaches alice when she comes back
    await alice.stop()
    const m = await bob.send(ALICE, 'to the new mailbox')
    expect(await bob.waitForStatus(ALICE, m.id, ['sent', 'failed'], { signal: AbortSignal.timeout(30_000) })).toBe('sent')
    alice = await openDevice(dir.path, 'alice', [one])
    const got = collect<ReceivedMessage>(push => alice.on('message', push))
    await got.until(1, 30_000, 'mail from relay 2')
    expect(got.items[0]).toMatchObject({ from: BOB, text: 'to the new mailbox' })
  }, 120_000)
})
