// Group control over the 1:1 sessions, on the fake network: the messenger carries the group layer's bytes to every device of a number reliably (outbox, retries), hands them to the group layer inside the persist step of their envelope, runs its `after` once the writes are durable, counts `taken: false` as a duplicate, drops them without a group layer, tells when an entry settled, and refuses empty or oversize payloads at both ends.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeContent, encodeContent, MalformedContentError, MAX_GROUP_CONTROL_BYTES, type GroupControlTaken } from '../../src/messaging/index.js'
import { sealFor } from '../../src/messaging/envelope.js'
import { Content as ContentPb } from '../../src/messaging/pb/content.js'
import { fakeNet } from './fake-net.js'
import { fakePair, queued, type FakePair } from './fake-pair.js'
import type { DeviceAddress } from '../../src/session/index.js'
import type { StoreOptions } from '../../src/storage/index.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550990001'
const BOB = '+15550990002'

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

interface Taken { from: string, sender: DeviceAddress, control: Uint8Array, synced: boolean }

/** A group layer that records what it is handed; `answer` decides what it says back. */
function groupLayer (answer: (control: Uint8Array) => GroupControlTaken | Promise<GroupControlTaken> = () => ({ taken: true })) {
  const taken: Taken[] = []
  const afters: Uint8Array[] = []
  return {
    taken,
    afters,
    onGroup: async (from: string, sender: DeviceAddress, control: Uint8Array, options?: StoreOptions): Promise<GroupControlTaken> => {
      taken.push({ from, sender, control, synced: options?.syncGroup != null })
      const a = await answer(control)
      return a.taken ? { taken: true, after: () => { afters.push(control); a.after?.() } } : a
    }
  }
}

describe('group control over 1:1 sessions', () => {
  it('reaches the other number inside the persist step; after() runs once it is durable; the entry settles as sent', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const bobs = groupLayer()
    const settled: Array<{ to: string, id: string, status: string }> = []
    pair = await fakePair(171, [ALICE, BOB], { bob: { onGroup: bobs.onGroup }, alice: { onGroupSettled: async (to, id, status) => { settled.push({ to, id, status }) } } })
    const control = Uint8Array.from([1, 2, 3, 4])
    const id = await pair.alice.m.sendGroupControl(BOB, control)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    // queued as a group entry, carrying exactly the bytes
    const [entry] = queued(pair.alice, 'group')
    expect(entry.entry.id).toBe(id)
    expect(entry.content.body).toEqual({ kind: 'group', control })
    await pair.settle()
    expect(bobs.taken).toHaveLength(1)
    expect(bobs.taken[0].from).toBe(ALICE)
    expect(bobs.taken[0].control).toEqual(control)
    expect(bobs.taken[0].synced).toBe(true)
    expect(bobs.taken[0].sender.deviceId).toBe(pair.alice.device.party.local.deviceId)
    expect(bobs.afters).toEqual([control])
    expect(settled).toEqual([{ to: BOB, id, status: 'sent' }])
    // a group entry is not a text: nothing in either history
    expect(await pair.alice.m.history(BOB)).toEqual([])
    expect(await pair.bob.m.history(ALICE)).toEqual([])
  })

  it('goes to every device of the number, our own other devices when sent to our own number', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const bobs = groupLayer()
    const alice2s = groupLayer()
    pair = await fakePair(172, [ALICE, BOB], {
      bob: { onGroup: bobs.onGroup },
      alice: { linkedDevices: async () => ({ others: true, recordSeq: 2 }) },
      alice2: { onGroup: alice2s.onGroup, linkedDevices: async () => ({ others: true, recordSeq: 2 }) }
    })
    await pair.bob.m.sendGroupControl(ALICE, Uint8Array.of(9))
    await pair.alice.m.sendGroupControl(ALICE, Uint8Array.of(7))
    await pair.settle()
    // bob's reached alice's second device (alice's first has no group layer: dropped there, see below)
    expect(alice2s.taken.map(t => [t.from, [...t.control]])).toEqual([[BOB, [9]], [ALICE, [7]]])
    expect(bobs.taken).toEqual([])
  })

  it('taken: false is a duplicate (no after), and a device without a group layer drops the payload: both acked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const bobs = groupLayer(() => ({ taken: false }))
    pair = await fakePair(173, [ALICE, BOB], { bob: { onGroup: bobs.onGroup } })
    await pair.alice.m.sendGroupControl(BOB, Uint8Array.of(1))
    await pair.bob.m.sendGroupControl(ALICE, Uint8Array.of(2))
    await pair.settle()
    expect(bobs.taken).toHaveLength(1)
    expect(bobs.afters).toEqual([])
    // both entries left the outboxes (acked on the other side), nothing is retried
    expect(await pair.alice.device.party.storage.outbox.count()).toBe(0)
    expect(await pair.bob.device.party.storage.outbox.count()).toBe(0)
  })

  it('a payload taken with nothing to do afterwards (no after) is received like any other', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const taken: Uint8Array[] = []
    pair = await fakePair(177, [ALICE, BOB], { bob: { onGroup: async (_from, _sender, control) => { taken.push(control); return { taken: true } } } })
    await pair.alice.m.send(BOB, 'hi')
    await pair.settle()
    const envelope = await sealFor(pair.alice.device.envelope, pair.bob.device.party.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'group', control: Uint8Array.of(6) } }))
    await expect(pair.bob.m.receive(envelope)).resolves.toBeUndefined()
    expect(taken).toEqual([Uint8Array.of(6)])
  })

  it('a group layer that fails to store leaves the envelope unacked: it is taken on a later try, once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let fail = true
    const bobs = groupLayer(() => {
      if (fail) throw new Error('disk full')
      return { taken: true }
    })
    pair = await fakePair(174, [ALICE, BOB], { bob: { onGroup: bobs.onGroup } })
    pair.alice.m.on('error', () => {})
    pair.bob.m.on('error', () => {})
    await pair.alice.m.send(BOB, 'hi')
    await pair.settle()
    const envelope = await sealFor(pair.alice.device.envelope, pair.bob.device.party.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'group', control: Uint8Array.of(5) } }))
    await expect(pair.bob.m.receive(envelope)).rejects.toThrow('disk full')
    expect(bobs.afters).toEqual([])
    fail = false
    await pair.bob.m.receive(envelope)
    expect(bobs.afters).toEqual([Uint8Array.of(5)])
    // the same envelope once more: a duplicate, not handed over again
    await pair.bob.m.receive(envelope)
    expect(bobs.taken).toHaveLength(2)
    expect(bobs.afters).toHaveLength(1)
  })

  it('a profile change is shared with 1:1 contacts only, never queued to a group chat\'s key', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(175, [ALICE, BOB], { alice: { profile: async () => ({ kind: 'profile', name: 'Alice', updatedAt: 5 }) } })
    await pair.alice.m.send(BOB, 'hi')
    await pair.settle()
    const group = `group:${'cd'.repeat(32)}`
    await pair.alice.device.party.storage.messages.addOutgoing({ id: 'ef'.repeat(16), conversation: group, direction: 'out', sender: ALICE, text: 'to the group', timestamp: pair.clock.now(), receivedAt: pair.clock.now(), status: 'sent' })
    await pair.alice.m.shareProfile()
    expect(queued(pair.alice, 'profile').map(w => w.entry.to)).not.toContain(group)
    expect((await pair.alice.device.party.storage.outbox.list()).map(e => e.to)).not.toContain(group)
  })

  it('a 1:1 reply keeps the id it answers in both histories (and in the linked device\'s transcript)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(176, [ALICE, BOB], { alice: { linkedDevices: async () => ({ others: true, recordSeq: 2 }) }, alice2: {} })
    const first = await pair.bob.m.send(ALICE, 'coffee?')
    await pair.settle()
    const reply = await pair.alice.m.send(BOB, 'yes!', { quoteId: first.id })
    expect(reply.quoteId).toBe(first.id)
    await pair.settle()
    expect(await pair.bob.m.history(ALICE)).toContainEqual(expect.objectContaining({ id: reply.id, quoteId: first.id, direction: 'in' }))
    expect(await pair.alice2!.m.history(BOB)).toContainEqual(expect.objectContaining({ id: reply.id, quoteId: first.id, direction: 'out' }))
  })

  it('payloads are 1..MAX_GROUP_CONTROL_BYTES bytes, on encoding and on decoding', () => {
    const content = (control: Uint8Array) => ({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'group' as const, control } })
    expect(() => encodeContent(content(new Uint8Array(0)))).toThrow(MalformedContentError)
    expect(() => encodeContent(content(new Uint8Array(MAX_GROUP_CONTROL_BYTES + 1)))).toThrow(MalformedContentError)
    const max = new Uint8Array(MAX_GROUP_CONTROL_BYTES).fill(7)
    expect(decodeContent(encodeContent(content(max))).body).toEqual({ kind: 'group', control: max })
    // a hostile sender's oversize or empty payload, encoded by hand, is refused by the decoder
    const pad = (body: Uint8Array): Uint8Array => Uint8Array.from([...body, 0x80])
    expect(() => decodeContent(pad(ContentPb.encode({ senderE164: ALICE, attestation: new Uint8Array(0), group: new Uint8Array(0) } as never)))).toThrow(MalformedContentError)
    expect(() => decodeContent(pad(ContentPb.encode({ senderE164: ALICE, attestation: new Uint8Array(0), group: new Uint8Array(MAX_GROUP_CONTROL_BYTES + 1) } as never)))).toThrow(MalformedContentError)
    // a group payload beside a text is two things at once
    expect(() => decodeContent(pad(ContentPb.encode({ senderE164: ALICE, attestation: new Uint8Array(0), group: Uint8Array.of(1), data: { id: new Uint8Array(16), text: 'x', timestamp: 1n } } as never)))).toThrow(MalformedContentError)
  })
})
