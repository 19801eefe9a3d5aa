// A recipient that dies right after storing a text still announces it and sends its delivered receipt: a mark written with the text says what is owed, start-up pays it (the chaos test's findings A and B: a text stored 3 ms before a kill was never announced and the sender stayed at ✓; a receipt waiting out its 50 ms pause died with the process).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { tempDir } from '../helpers/tmp.js'
import type { LevelStorage, MessageStore } from '../../src/storage/index.js'
import { crashAfter, SimulatedCrash } from '../helpers/crash.js'
import { OwedTexts, type OwedText } from '../../src/messaging/owed-texts.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { startPair, stopAll, openDevice, collect, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550320001'
const BOB = '+15550320002'

const rootOf = (p: Parley): unknown => (internals(p).storage as LevelStorage).db

describe('a recipient that dies right after storing a text', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    ;({ dir, relay, alice, bob } = await startPair(ALICE, BOB))
    const first = await alice.send(BOB, 'hello')
    await alice.waitForStatus(BOB, first.id, ['delivered'], { signal: AbortSignal.timeout(60_000) })
  }, 60_000)

  afterAll(async () => { await stopAll(dir, relay, [alice, bob]) })

  /** Stops a "dead" bob (its writes fail) and opens it again on the same folder. */
  async function restartBob (undo: () => void): Promise<void> {
    await bob.stop().catch(() => {})
    undo()
    bob = await openDevice(dir.path, 'bob', [relay])
  }

  it('dies before its delivered receipt left the 50 ms pause: the next start sends it', async () => {
    // the coalescing pause ends with the process gone: the receipt never reaches the outbox
    ;(internals(bob).messenger as unknown as { flushReceipts: () => Promise<void> }).flushReceipts = async () => { throw new SimulatedCrash('the process died') }
    const got = collect<ReceivedMessage>(push => bob.on('message', push))
    const m = await alice.send(BOB, 'receipt must come back')
    await got.until(1, 60_000, 'the text at bob')
    // the text itself was taken (acked): only its receipt is missing
    expect(await alice.waitForStatus(BOB, m.id, ['sent', 'delivered'], { signal: AbortSignal.timeout(60_000) })).toBe('sent')
    await restartBob(() => {})
    expect(await alice.waitForStatus(BOB, m.id, ['delivered', 'read'], { signal: AbortSignal.timeout(60_000) })).toBe('delivered')
  })

  it('dies between storing the text and announcing it: the next start announces it, once, and sends the receipt', async () => {
    let undo: (() => void) | undefined
    let died!: () => void
    const dead = new Promise<void>((resolve, reject) => {
      died = resolve
      setTimeout(() => reject(new Error('bob never stored the text')), 60_000).unref()
    })
    const messages = internals(bob).storage.messages
    const addIncoming = messages.addIncoming.bind(messages)
    ;(messages as { addIncoming: MessageStore['addIncoming'] }).addIncoming = async (...args) => {
      const fresh = await addIncoming(...args)
      // the text (and its mark) are written; nothing after this write happens
      undo ??= crashAfter(0, rootOf(bob))
      died()
      return fresh
    }
    const before = collect<ReceivedMessage>(push => bob.on('message', push))
    const m = await alice.send(BOB, 'must be announced')
    await dead
    await restartBob(undo!)
    // the dead process never announced it
    expect(before.items.filter(x => x.id === m.id)).toEqual([])
    const after = collect<ReceivedMessage>(push => bob.on('message', x => { if (x.id === m.id) push(x) }))
    await after.until(1, 60_000, 'the text announced after the restart')
    expect(after.items.map(x => x.text)).toEqual(['must be announced'])
    expect(await alice.waitForStatus(BOB, m.id, ['delivered', 'read'], { signal: AbortSignal.timeout(60_000) })).toBe('delivered')
    // the relay's copy or the sender's retry is a duplicate: no second announcement
    await bob.drained()
    expect(after.items).toHaveLength(1)
  })

  it('marks paid by the live path while the start-up look holds its snapshot: each text is announced once', async () => {
    await bob.stop()
    const sent = collect<{ id: string }>(push => alice.on('status', e => { if (e.status === 'sent') push(e) }))
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await alice.send(BOB, `listed late ${i}`)).id)
    await sent.until(3, 60_000, 'the texts at the relay')
    // start-up's look at the marks is slow (many marks, a loaded machine): it reads its snapshot only once the
    // mailbox texts were stored, announced and receipted by the live path
    const proto = OwedTexts.prototype as unknown as { list: OwedTexts['list'], settle: OwedTexts['settle'] }
    const { list, settle } = proto
    let taken!: () => void
    const snapshotTaken = new Promise<void>(resolve => { taken = resolve })
    let settled!: () => void
    const allSettled = new Promise<void>(resolve => { settled = resolve })
    // the live path pays its marks only once the look has its snapshot
    proto.settle = async function (this: OwedTexts, ...args) {
      await snapshotTaken
      return await settle.apply(this, args)
    }
    proto.list = async function * (this: OwedTexts, options) {
      let snapshot: OwedText[] = []
      for (let tries = 0; snapshot.length < 3 && tries < 3000; tries++) {
        snapshot = []
        for await (const t of list.call(this, options)) snapshot.push(t)
        if (snapshot.length < 3) await new Promise(resolve => setTimeout(resolve, 20))
      }
      taken()
      await allSettled
      yield * snapshot
    }
    try {
      bob = await openDevice(dir.path, 'bob', [relay])
      const got = collect<ReceivedMessage>(push => bob.on('message', m => { if (ids.includes(m.id)) push(m) }))
      await got.until(3, 60_000, 'the texts at bob')
      for (const id of ids) await alice.waitForStatus(BOB, id, ['delivered', 'read'], { signal: AbortSignal.timeout(60_000) })
      settled()
      // stop() waits for the start-up look to end
      await bob.stop()
      expect(got.items.map(m => m.id)).toEqual(ids)
    } finally {
      proto.list = list
      proto.settle = settle
    }
    bob = await openDevice(dir.path, 'bob', [relay])
  })
})
