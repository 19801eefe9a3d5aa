// Relay settings on a registered device with two real relay processes: add a mailbox relay, drop the old one, the directory follows, the list outlives a restart, mail arrives at the new one, and mail a sender still put at the old one is collected too.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { startTestRelay, registeredDevice, openDevice, collect, type TestRelay } from '../messaging/helpers.js'

const ALICE = '+15550800001'
const BOB = '+15550800002'
const CAROL = '+15550800003'

describe('relay settings', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let one: TestRelay
  let two: TestRelay
  let alice: Parley
  let bob: Parley
  let carol: Parley

  beforeAll(async () => {
    dir = await tempDir()
    one = await startTestRelay(`${dir.path}/relay-1`)
    two = await startTestRelay(`${dir.path}/relay-2`, [one.relay.addr('tcp')])
    alice = await registeredDevice(dir.path, 'alice', ALICE, [one])
    bob = await registeredDevice(dir.path, 'bob', BOB, [one])
    carol = await registeredDevice(dir.path, 'carol', CAROL, [one])
  }, 60_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await carol?.stop()
    await one?.relay.stop()
    await two?.relay.stop()
    await dir?.remove()
  })

  it('moves the mailbox to another relay: the directory record follows, the list survives a restart, mail arrives there and is still collected from the old one', async () => {
    // carol writes to alice before the move: her device keeps alice's record (relay 1) for a few minutes
    const early = await carol.send(ALICE, 'before the move')
    expect(await carol.waitForStatus(ALICE, early.id, ['delivered', 'failed'], { signal: AbortSignal.timeout(30_000) })).toBe('delivered')

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

    // offline mail goes to relay 2 and reaches alice when she comes back; carol, still on the old record,
    // leaves hers at relay 1, which alice keeps collecting from for a while after removing it
    await alice.stop()
    const m = await bob.send(ALICE, 'to the new mailbox')
    expect(await bob.waitForStatus(ALICE, m.id, ['sent', 'failed'], { signal: AbortSignal.timeout(30_000) })).toBe('sent')
    const late = await carol.send(ALICE, 'to the old mailbox')
    expect(await carol.waitForStatus(ALICE, late.id, ['sent', 'failed'], { signal: AbortSignal.timeout(30_000) })).toBe('sent')
    alice = await openDevice(dir.path, 'alice', [one])
    const got = collect<ReceivedMessage>(push => alice.on('message', push))
    await got.until(2, 30_000, 'mail from relay 2 and from relay 1')
    expect(got.items.map(i => ({ from: i.from, text: i.text })).sort((a, b) => a.from.localeCompare(b.from))).toEqual([
      { from: BOB, text: 'to the new mailbox' },
      { from: CAROL, text: 'to the old mailbox' }
    ])
    expect((await alice.relays()).map(r => r.addr)).toEqual([two.relay.addr('tcp')])
    await alice.drained({ signal: AbortSignal.timeout(10_000) })

    // a retired relay that is gone for good does not hold up drained() (`parley receive` ends on it)
    await one.relay.stop()
    await alice.stop()
    alice = await openDevice(dir.path, 'alice', [one])
    await alice.drained({ signal: AbortSignal.timeout(15_000) })
  }, 120_000)
})
