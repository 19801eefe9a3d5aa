// A sender that dies in the middle of send() never leaves a text stuck on the clock: history and outbox entry are one atomic write (a crash after any number of writes leaves both or neither), and start-up queues again a pending text an older build left without its entry (issue 14, fault 1).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { tempDir } from '../helpers/tmp.js'
import type { StoredMessage } from '../../src/storage/index.js'
import { crashAfter, SimulatedCrash } from '../helpers/crash.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { startPair, stopAll, openDevice, collect, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550310001'
const BOB = '+15550310002'

async function stuckTexts (p: Parley): Promise<StoredMessage[]> {
  const stuck: StoredMessage[] = []
  const { messages, outbox } = internals(p).storage
  for (const m of await messages.history(BOB, { limit: 500 })) {
    if (m.direction !== 'out' || m.status !== 'pending' || await outbox.get(m.id) != null) continue
    // delivery may have finished between the two reads: it moves the status on before it drops the entry, so a
    // text still pending once its entry is gone is stuck (a read of both at once would need a snapshot)
    if ((await messages.get(BOB, m.id))?.status === 'pending') stuck.push(m)
  }
  return stuck
}

describe('a sender killed during send()', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    ;({ dir, relay, alice, bob } = await startPair(ALICE, BOB))
    // listened to from the start: each test below sees only its own messages
    bob.on('message', () => {})
  }, 60_000)

  afterAll(async () => { await stopAll(dir, relay, [alice, bob]) })

  it('leaves the text in history and the outbox together, or in neither, wherever it dies', async () => {
    // a first text makes the conversation known and shares the profile: later sends write only the text
    const first = await alice.send(BOB, 'first')
    await alice.waitForStatus(BOB, first.id, ['delivered'], { signal: AbortSignal.timeout(60_000) })

    const outcomes: string[] = []
    for (let survive = 0; survive < 4; survive++) {
      const undo = crashAfter(survive)
      try {
        await alice.send(BOB, `crash after ${survive} writes`)
        outcomes.push('sent')
      } catch (err) {
        if (!(err instanceof SimulatedCrash)) throw err
        outcomes.push('died')
      } finally {
        undo()
      }
      expect(await stuckTexts(alice)).toEqual([])
    }
    // the crash really cut send() short at least once
    expect(outcomes).toContain('died')
  })

  it('start-up queues again a pending text an older build left with no outbox entry, and it arrives', async () => {
    const createdAt = Date.now()
    const orphan: StoredMessage = { id: 'c0ffee'.padEnd(32, '0'), conversation: BOB, direction: 'out', sender: ALICE, text: 'left behind by a crash', timestamp: createdAt, receivedAt: createdAt, status: 'pending' }
    // (texts of the test before may still be on their way)
    const got = collect<ReceivedMessage>(push => bob.on('message', m => { if (m.id === orphan.id) push(m) }))
    await internals(alice).storage.messages.addOutgoing(orphan)
    expect(await stuckTexts(alice)).toHaveLength(1)

    await alice.stop()
    alice = await openDevice(dir.path, 'alice', [relay])
    await got.until(1, 60_000, 'the repaired text at bob')
    expect(await stuckTexts(alice)).toEqual([])
    expect(got.items.map(m => [m.id, m.text])).toEqual([[orphan.id, orphan.text]])
    expect(await alice.waitForStatus(BOB, orphan.id, ['delivered', 'read'], { signal: AbortSignal.timeout(60_000) })).toBe('delivered')
  })

  it('a failed text can be sent again under its id, and arrives once; only our own failed texts can', async () => {
    const at = Date.now()
    const failed: StoredMessage = { id: 'fa11ed'.padEnd(32, '0'), conversation: BOB, direction: 'out', sender: ALICE, text: 'failed once', timestamp: at, receivedAt: at, status: 'failed' }
    const got = collect<ReceivedMessage>(push => bob.on('message', m => { if (m.id === failed.id) push(m) }))
    await internals(alice).storage.messages.addOutgoing(failed)
    const statuses = collect<{ id: string, status: string }>(push => alice.on('status', e => { if (e.id === failed.id) push(e) }))
    expect(await alice.retry(BOB, failed.id)).toBe(true)
    await got.until(1, 60_000, 'the retried text at bob')
    expect(got.items.map(m => [m.id, m.text])).toEqual([[failed.id, failed.text]])
    expect(await alice.waitForStatus(BOB, failed.id, ['delivered', 'read'], { signal: AbortSignal.timeout(60_000) })).toBe('delivered')
    expect(statuses.items[0]).toMatchObject({ status: 'pending' })
    // not failed (any more), someone else's text, or unknown: nothing happens
    expect(await alice.retry(BOB, failed.id)).toBe(false)
    const fromAlice = (await bob.history(ALICE)).find(m => m.direction === 'in')!
    expect(await bob.retry(ALICE, fromAlice.id)).toBe(false)
    expect(await alice.retry(BOB, 'ab'.repeat(16))).toBe(false)
    expect(await internals(alice).storage.outbox.get(failed.id)).toBeUndefined()
  })

  it('mail that arrives while Parley.create runs is announced to the first listener, even one added later', async () => {
    await bob.stop()
    const sent = collect<{ id: string }>(push => alice.on('status', e => { if (e.status === 'sent') push(e) }))
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await alice.send(BOB, `while bob was away ${i}`)).id)
    await sent.until(3, 60_000, 'the texts at the relay')
    bob = await openDevice(dir.path, 'bob', [relay])
    // a bot subscribes only after other awaits: the mailbox has handed everything over by then
    await bob.drained()
    const got = collect<ReceivedMessage>(push => bob.on('message', m => { if (ids.includes(m.id)) push(m) }))
    await got.until(3, 10_000, 'the held messages')
    expect(got.items.map(m => m.id)).toEqual(ids)
  })
})
