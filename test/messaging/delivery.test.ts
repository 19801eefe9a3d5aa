// 1:1 delivery between two real devices through a real relay process: online (direct), offline (mailbox), across restarts of both ends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { startTestRelay, registeredDevice, openDevice, collect, type TestRelay } from './helpers.js'

const ALICE = '+15550300001'
const BOB = '+15550300002'

describe('1:1 delivery', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley | undefined

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
  }, 60_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('online: 1,000 messages arrive once and in order, and delivered receipts come back', async () => {
    const got = collect<ReceivedMessage>(push => bob!.on('message', push))
    const delivered = collect<{ id: string }>(push => alice.on('receipt', e => { if (e.status === 'delivered') push(e) }))
    const sent: string[] = []
    for (let i = 0; i < 1000; i++) sent.push((await alice.send(BOB, `message ${i}`)).id)
    await got.until(1000, 120_000, 'messages at bob')
    expect(got.items.map(m => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`))
    expect(got.items.map(m => m.id)).toEqual(sent)
    expect(got.items.every(m => m.from === ALICE)).toBe(true)
    await delivered.until(1000, 120_000, 'delivered receipts at alice')
    expect(new Set(delivered.items.map(r => r.id))).toEqual(new Set(sent))
    const history = await alice.history(BOB, { limit: 5 })
    expect(history.map(m => m.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered'])
    const convs = await bob!.conversations()
    expect(convs[0]).toMatchObject({ address: ALICE, unread: 1000 })
    // no duplicates: a marker sent after all of them goes out after every earlier entry (and any retry of
    // one: the outbox keeps a recipient's order), so once it is in, nothing of the 1,000 is still coming
    const marker = await alice.send(BOB, 'marker')
    await got.until(1001, 120_000, 'the marker at bob')
    expect(got.items.map(m => m.id)).toEqual([...sent, marker.id])
  }, 300_000)

  it('reply, read receipts and typing', async () => {
    const atAlice = collect<ReceivedMessage>(push => alice.on('message', push))
    const read = collect<{ id: string }>(push => alice.on('receipt', e => { if (e.status === 'read') push(e) }))
    const typing = collect<{ phone: string, typing: boolean }>(push => alice.on('typing', push))
    const m = await alice.send(BOB, 'are you there?')
    const atBob = collect<ReceivedMessage>(push => bob!.on('message', push))
    await atBob.until(1, 30_000, 'question at bob')
    expect(await bob!.typing(ALICE, true)).toBe(true)
    await typing.until(1, 30_000, 'typing at alice')
    expect(typing.items[0]).toEqual({ phone: BOB, typing: true })
    await atBob.items[0].reply('yes')
    await atAlice.until(1, 30_000, 'reply at alice')
    expect(atAlice.items[0]).toMatchObject({ from: BOB, text: 'yes' })
    const marked = await bob!.markRead(ALICE)
    expect(marked).toContain(m.id)
    // read receipts name up to 500 messages each: all of bob's unread ones come back read
    await read.until(marked.length, 30_000, 'read receipts at alice')
    expect(read.items.map(r => r.id)).toContain(m.id)
    expect((await bob!.conversations())[0]).toMatchObject({ address: ALICE, unread: 0 })
  }, 120_000)

  it('offline: 500 messages wait at the relay, arrive exactly once, and the sender sees them delivered after its own restart', async () => {
    await bob!.stop()
    bob = undefined
    const sentStatus = collect<{ id: string }>(push => alice.on('status', e => { if (e.status === 'sent') push(e) }))
    const ids: string[] = []
    for (let i = 0; i < 500; i++) ids.push((await alice.send(BOB, `offline ${i}`)).id)
    await sentStatus.until(500, 120_000, 'sent (relay acked)')
    await alice.stop()

    bob = await openDevice(dir.path, 'bob', [relay])
    const got = collect<ReceivedMessage>(push => bob!.on('message', push))
    await got.until(500, 120_000, 'offline messages at bob')
    await bob.drained()
    expect(got.items.map(m => m.text)).toEqual(Array.from({ length: 500 }, (_, i) => `offline ${i}`))
    expect(new Set(got.items.map(m => m.id)).size).toBe(500)

    alice = await openDevice(dir.path, 'alice', [relay])
    const delivered = collect<{ id: string }>(push => alice.on('receipt', e => { if (e.status === 'delivered') push(e) }))
    await delivered.until(500, 120_000, 'delivered receipts after alice restarts')
    expect(new Set(delivered.items.map(r => r.id))).toEqual(new Set(ids))
    // no late duplicates (the relay's copies, a retry of alice's after her restart): a marker sent now comes after them all
    const marker = await alice.send(BOB, 'marker after the restarts')
    await got.until(501, 120_000, 'the marker at bob')
    expect(got.items.map(m => m.id)).toEqual([...ids, marker.id])
  }, 300_000)
})
