// The relay's side of /parley/mailbox/1.0.0 (MailboxServer) on an in-memory stream pair with a memory backend:
// the frames it answers with, in order, under flow control; owner authentication against a stranger, another device,
// a stale clock; the drain, live pushes around it, acks; timeouts; and how a stream ends (clean close or reset).
import { describe, it, expect, vi, afterEach } from 'vitest'
import { serviceCapabilities, type PeerId, type Stream } from '@libp2p/interface'
import {
  openMailbox, signAuth, deliveryKey, MAILBOX_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_CLIENT_FRAME_BYTES, MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES,
  MAX_ACK_IDS, MAX_PIPELINED_DEPOSITS, MAX_CLOCK_SKEW_MS, MailboxFullError, type MailboxEntry, type MailboxServerInit
} from '../../src/protocols/mailbox/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { encodeVarint } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import {
  MemoryBackend, bounded, deferred, fakeTimers, mailboxNode, newPeerId, rawPeer, stall, startRelay, text, decodeText, track, until, untilAbort,
  type Relay
} from './mailbox-harness.js'

const NOW = 1_700_000_000_000
const owner = IdentityKeyPair.generate(systemRandom)
const ownerKey = Uint8Array.from(owner.publicKey)
const T = 4321
const deposit = (envelope: Uint8Array = text('x'), over: Partial<ClientFrame> = {}): Partial<ClientFrame> =>
  ({ type: ClientFrame.Type.DEPOSIT, identityKey: ownerKey, deviceId: 1, envelope: Uint8Array.from(envelope), ...over })
type Peer = ReturnType<typeof rawPeer>
const turns = async (n = 20): Promise<void> => { for (let i = 0; i < n; i++) await new Promise<void>(resolve => { setImmediate(resolve) }) }

/** Every relay frame until the stream ends, and how it ended (a reset is told by the stream's state once it has arrived). */
async function readAll (p: Peer, stream: Stream): Promise<{ frames: RelayFrame[], end: 'closed' | 'reset' }> {
  const frames: RelayFrame[] = []
  try {
    while (true) {
      const f = await p.readRelay()
      if (f == null) break
      frames.push(f)
    }
  } catch {
    // a reset while reading: told below
  }
  await turns(5)
  return { frames, end: stream.status === 'reset' ? 'reset' : 'closed' }
}
const brief = (f: RelayFrame): string => {
  switch (f.type) {
    case RelayFrame.Type.RESULT: return f.status === RelayFrame.Status.OK ? `OK${f.id !== '' ? ` ${f.id}` : ''}` : `${f.status}: ${f.message}`
    case RelayFrame.Type.ENVELOPES: return `ENVELOPES ${f.envelopes.map(e => e.id).join(',')}`
    case RelayFrame.Type.ACKED: return `ACKED ${f.seq}`
    default: return f.type
  }
}

async function connect (relay: Relay, peerId?: PeerId): Promise<{ p: Peer, client: Stream, server: Stream, done: Promise<void>, me: PeerId }> {
  const me = peerId ?? await newPeerId()
  const { client, server, done } = await relay.connect(me)
  return { p: rawPeer(client), client, server, done, me }
}

interface RawSession { p: Peer, client: Stream, server: Stream, done: Promise<void>, me: PeerId, challenge: RelayFrame, result: RelayFrame }

/** OPEN → CHALLENGE → AUTH (signed as given) → RESULT, by hand. */
async function rawSession (relay: Relay, opts: {
  open?: Partial<ClientFrame>
  signer?: IdentityKeyPair
  signedDevice?: number
  signedClient?: string
  timestamp?: number
  key?: Uint8Array
} = {}): Promise<RawSession> {
  const c = await connect(relay)
  const open = { type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1, ...opts.open }
  await c.p.sendClient(open)
  const challenge = (await c.p.readRelay())!
  const timestamp = opts.timestamp ?? NOW
  const signature = signAuth(opts.signer ?? owner, {
    nonce: challenge.nonce,
    relayPeerId: relay.relayPeerId.toString(),
    clientPeerId: opts.signedClient ?? c.me.toString(),
    deviceId: opts.signedDevice ?? open.deviceId,
    timestamp
  })
  await c.p.sendClient({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature), ...(opts.key != null ? { deliveryKey: Uint8Array.from(opts.key) } : {}) })
  const result = (await c.p.readRelay())!
  return { ...c, challenge, result }
}

/** A relay with a fixed clock. */
const relayAt = async (init: Partial<MailboxServerInit> = {}, backend = new MemoryBackend()): Promise<Relay> => await startRelay({ now: () => NOW, ...init }, backend)

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('MailboxServer service', () => {
  it('registers /parley/mailbox/1.0.0 with its stream limits and logs as parley:mailbox', async () => {
    const relay = await startRelay()
    expect(relay.protocol).toBe(MAILBOX_PROTOCOL)
    expect(relay.handleOptions).toEqual({ maxInboundStreams: 16, maxOutboundStreams: 16, runOnLimitedConnection: false })
    expect(relay.server[serviceCapabilities]).toEqual(['@parley/mailbox'])
    expect(Object.prototype.toString.call(relay.server)).toBe('[object @parley/mailbox]')
    expect(relay.logger.components).toEqual(['parley:mailbox'])
    const custom = await startRelay({ maxInboundStreams: 3, maxOutboundStreams: 4 })
    expect(custom.handleOptions).toMatchObject({ maxInboundStreams: 3, maxOutboundStreams: 4 })
  })

  it('closes a stream that ends before its first frame, without an answer', async () => {
    const relay = await startRelay()
    const { p, client, done } = await connect(relay)
    await client.close()
    await bounded(done)
    expect(await readAll(p, client)).toEqual({ frames: [], end: 'closed' })
  })

  it('refuses a first frame that is not DEPOSIT or OPEN, or does not decode, then hangs up', async () => {
    const relay = await startRelay()
    for (const [first, expected] of [
      [ClientFrame.encode({ type: ClientFrame.Type.ACK, seq: 1, ids: ['e0001'] }), /^INVALID_REQUEST: a stream starts with DEPOSIT or OPEN$/],
      [ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: 1n }), /^INVALID_REQUEST: a stream starts with DEPOSIT or OPEN$/],
      [Uint8Array.from([0x22, 0xff, 0xff, 0x01]), /^INVALID_REQUEST: malformed frame: ./]
    ] as Array<[Uint8Array, RegExp]>) {
      const { p, client, done, me } = await connect(relay)
      await p.write(first)
      await bounded(done)
      const { frames } = await readAll(p, client)
      expect(frames.map(brief)).toHaveLength(1)
      expect(brief(frames[0])).toMatch(expected)
      await until(() => client.status === 'reset' || client.remoteWriteStatus === 'closed')
      // the operator's log says who and why, never what
      const line = relay.logger.lines.find(l => l.format === 'mailbox stream from %p aborted - %s')
      expect(line?.args[0]).toBe(me)
      expect(String(line?.args[1])).toBe(frames[0].message)
      relay.logger.lines.length = 0
    }
    expect(relay.backend.deposits).toEqual([])
  })

  it('resets at once, without an answer, a stream whose frame is over MAX_CLIENT_FRAME_BYTES', async () => {
    const relay = await startRelay()
    const { client, done } = await connect(relay)
    client.send(encodeVarint(MAX_CLIENT_FRAME_BYTES + 1))
    await bounded(done)
    await until(() => client.status === 'reset', 'the reset')
  })

  it('gives up on a stream whose first frame does not come within `timeout`', async () => {
    fakeTimers()
    const relay = await startRelay({ timeout: T })
    const { client, done } = await connect(relay)
    const handled = track(done)
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(handled.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await until(handled.settled, 'the handler')
    await until(() => client.status === 'reset', 'the reset')
    expect(relay.logger.lines.some(l => l.format === 'mailbox stream from %p aborted - %s' && l.args[1] === `timed out after ${T} ms`)).toBe(true)
  })

  it('bounds the refusal it writes before hanging up to 1 s, for a peer that stopped reading or a close that hangs', async () => {
    fakeTimers()
    const relay = await startRelay()
    for (const blocked of ['write', 'close']) {
      const { p, client, server, done } = await connect(relay)
      if (blocked === 'write') stall(server)
      else server.close = async options => { await untilAbort(options?.signal) }
      const handled = track(done)
      await p.sendClient({ type: ClientFrame.Type.ACK })
      await turns()
      await vi.advanceTimersByTimeAsync(999)
      expect(handled.settled(), blocked).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await until(handled.settled, `the handler (${blocked})`)
      await until(() => client.status === 'reset', 'the reset')
    }
  })
})

describe('deposits', () => {
  it('answers pipelined deposits in order with the backend\'s ids, passing the mailbox, sender, proof and stream; then closes', async () => {
    const relay = await startRelay()
    const { p, client, done, me } = await connect(relay)
    const proof = systemRandom(32)
    await p.sendClient(deposit(text('one'), { proof: Uint8Array.from(proof) }))
    await p.sendClient(deposit(text('two'), { deviceId: 0xffffffff }))
    await p.sendClient(deposit(new Uint8Array(MAX_ENVELOPE_BYTES).fill(7)))
    await client.close()
    await bounded(done)
    expect(await readAll(p, client)).toEqual({ frames: [
      { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, id: 'e0001', message: '', retryAfterMs: 0, nonce: new Uint8Array(0), envelopes: [], seq: 0 },
      expect.objectContaining({ status: RelayFrame.Status.OK, id: 'e0002' }),
      expect.objectContaining({ status: RelayFrame.Status.OK, id: 'e0003' })
    ], end: 'closed' })
    const calls = relay.backend.deposits
    expect(calls.map(c => [decodeText(c.envelope.subarray(0, 3)), c.owner.deviceId, c.requester])).toEqual([['one', 1, me], ['two', 0xffffffff, me], ['\x07\x07\x07', 1, me]])
    expect(calls.every(c => c.owner.identityKey.every((b, i) => b === ownerKey[i]))).toBe(true)
    expect(calls[0].options?.proof).toEqual(proof)
    expect(calls[1].options?.proof).toEqual(new Uint8Array(0))
    // one shared state per stream (a rate-limit refusal there holds for the rest of the stream)
    expect(calls[0].options?.stream).toBeDefined()
    expect(new Set(calls.map(c => c.options?.stream)).size).toBe(1)
    const { client: c2, done: d2 } = await connect(relay, me)
    const p2 = rawPeer(c2)
    await p2.sendClient(deposit())
    await c2.close()
    await bounded(d2)
    expect(relay.backend.deposits[3].options?.stream).not.toBe(calls[0].options?.stream)
    expect(relay.logger.lines.filter(l => l.format === 'deposit stream from %p').map(l => l.args[0])).toEqual([me, me])
    expect(relay.logger.lines.filter(l => l.level === 'error')).toEqual([])
  })

  it('refuses bad deposits one by one and goes on: size, emptiness, key length, frame kind, the backend\'s refusals', async () => {
    const backend = new MemoryBackend()
    backend.hooks.deposit = async call => {
      const body = decodeText(call.envelope)
      if (body === 'full') throw new MailboxFullError()
      if (body === 'boom') throw new Error('disk /var/mail failed')
      return `id-${body.length}`
    }
    const relay = await startRelay({}, backend)
    const { p, client, done } = await connect(relay)
    await p.sendClient(deposit(new Uint8Array(MAX_ENVELOPE_BYTES + 1)))
    await p.sendClient(deposit(new Uint8Array(0)))
    await p.sendClient(deposit(text('k'), { identityKey: ownerKey.subarray(0, 31) }))
    await p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1 })
    await p.sendClient(deposit(text('full')))
    await p.sendClient(deposit(text('boom')))
    await p.sendClient(deposit(text('fine')))
    await client.close()
    await bounded(done)
    const { frames, end } = await readAll(p, client)
    expect(frames.map(brief)).toEqual([
      `TOO_LARGE: envelopes are at most ${MAX_ENVELOPE_BYTES} bytes`,
      'INVALID_REQUEST: empty envelope',
      'INVALID_REQUEST: the identity key must be 32 bytes',
      'INVALID_REQUEST: a deposit stream carries only DEPOSIT frames',
      'MAILBOX_FULL: the mailbox is full',
      'INTERNAL: the relay failed; try again later',
      'OK id-4'
    ])
    expect(end).toBe('closed')
    expect(backend.deposits.map(c => decodeText(c.envelope))).toEqual(['full', 'boom', 'fine'])
    // only the backend's own failure is an operator's error
    const errors = relay.logger.lines.filter(l => l.level === 'error')
    expect(errors.map(l => [l.format, (l.args[0] as Error).message])).toEqual([['deposit failed inside the backend - %e', 'disk /var/mail failed']])
  })

  it('answers in order even when the backend finishes them out of order', async () => {
    const backend = new MemoryBackend()
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()]
    backend.hooks.deposit = async () => await gates[backend.deposits.length - 1].promise
    const relay = await startRelay({}, backend)
    const { p, client, done } = await connect(relay)
    for (let i = 0; i < 3; i++) await p.sendClient(deposit(text(`m${i}`)))
    await until(() => backend.deposits.length === 3, 'three deposits')
    gates[2].resolve('third')
    gates[1].resolve('second')
    await turns()
    gates[0].resolve('first')
    await client.close()
    await bounded(done)
    expect((await readAll(p, client)).frames.map(brief)).toEqual(['OK first', 'OK second', 'OK third'])
  })

  it(`works on at most MAX_PIPELINED_DEPOSITS (${MAX_PIPELINED_DEPOSITS}) deposits at once, pausing the stream meanwhile`, async () => {
    const backend = new MemoryBackend()
    const held: Array<() => void> = []
    backend.hooks.deposit = async call => { await new Promise<void>(resolve => { held.push(resolve) }); return decodeText(call.envelope) }
    const relay = await startRelay({}, backend)
    const { p, client, server, done } = await connect(relay)
    for (let i = 0; i < 40; i++) await p.sendClient(deposit(text(`m${i}`)))
    await until(() => backend.deposits.length >= MAX_PIPELINED_DEPOSITS, 'the first deposits')
    await turns()
    expect(backend.deposits).toHaveLength(MAX_PIPELINED_DEPOSITS)
    expect(server.readStatus).toBe('paused')
    while (held.length > 0) held.shift()!()
    await until(() => backend.deposits.length === 40, 'the rest')
    while (held.length > 0) held.shift()!()
    const answers: string[] = []
    for (let i = 0; i < 40; i++) answers.push(brief((await p.readRelay())!))
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => `OK m${i}`))
    expect(server.readStatus).toBe('readable')
    await client.close()
    await bounded(done)
    expect(await p.readRelay()).toBeNull()
  })

  it('keeps answers in order past the bookkeeping of 2 × MAX_PIPELINED_DEPOSITS answers', async () => {
    const backend = new MemoryBackend()
    const slow = deferred<void>()
    backend.hooks.deposit = async call => {
      const body = decodeText(call.envelope)
      if (body === 'm64') await slow.promise
      return body
    }
    const relay = await startRelay({}, backend)
    const { p, client, done } = await connect(relay)
    for (let i = 0; i < 70; i++) await p.sendClient(deposit(text(`m${i}`)))
    await until(() => backend.deposits.length >= 66, 'the deposits after the slow one')
    await turns()
    slow.resolve()
    await client.close()
    await bounded(done)
    expect((await readAll(p, client)).frames.map(brief)).toEqual(Array.from({ length: 70 }, (_, i) => `OK m${i}`))
  })

  it('gives up after `timeout` without the next frame', async () => {
    fakeTimers()
    const relay = await startRelay({ timeout: T })
    const { p, client, done } = await connect(relay)
    const handled = track(done)
    await p.sendClient(deposit())
    expect(brief((await p.readRelay())!)).toBe('OK e0001')
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(handled.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await until(handled.settled, 'the handler')
    await until(() => client.status === 'reset', 'the reset')
  })

  it('stops taking deposits once an answer cannot be written, and resets the stream', async () => {
    const relay = await startRelay()
    const { p, client, server, done } = await connect(relay)
    const writeFailed = deferred<void>()
    server.send = () => { writeFailed.resolve(); throw new Error('connection lost') }
    await p.sendClient(deposit(text('a')))
    await writeFailed.promise
    await turns()
    await p.sendClient(deposit(text('b')))
    await p.sendClient(deposit(text('c')))
    await client.close()
    await bounded(done)
    await until(() => client.status === 'reset', 'the reset')
    expect(relay.backend.deposits.map(c => decodeText(c.envelope))).toEqual(['a', 'b'])
  })
})

describe('owner sessions', () => {
  it('drains the mailbox through the client in pages after the cursor, acks, and closes cleanly', async () => {
    const relay = await relayAt()
    for (let i = 0; i < 3; i++) relay.backend.add(text(`m${i}`), NOW + i)
    const me = await newPeerId()
    const { client, done } = await relay.connect(me)
    const session = await bounded(openMailbox(mailboxNode(me, relay.relayPeerId, client), relay.relayPeerId, { identity: owner, timestamp: NOW, after: 'e0001' }))
    await bounded(session.drained)
    const got: MailboxEntry[] = []
    for await (const e of session) {
      got.push(e)
      if (got.length === 2) break
    }
    expect(got.map(e => [e.id, decodeText(e.envelope), e.receivedAt])).toEqual([['e0002', 'm1', NOW + 1], ['e0003', 'm2', NOW + 2]])
    expect(relay.backend.lists.map(l => [l.after, l.limit, l.maxBytes])).toEqual([['e0001', MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES], ['e0003', MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES]])
    expect(relay.backend.lists[0].signal).toBeInstanceOf(AbortSignal)
    await session.ack(['e0002', 'e0003', 'nope'])
    expect(relay.backend.acks.map(a => a.ids)).toEqual([['e0002', 'e0003', 'nope']])
    expect(relay.backend.entries.map(e => e.id)).toEqual(['e0001'])
    await bounded(session.close())
    await bounded(done)
    expect(client.status).not.toBe('reset')
    expect(relay.logger.lines.filter(l => l.level !== 'trace')).toEqual([])
  })

  it('pages of at most MAX_PAGE_ENVELOPES, then DRAINED; no empty page and nothing else', async () => {
    const relay = await relayAt()
    for (let i = 0; i < 250; i++) relay.backend.add(text(`m${i}`))
    const s = await rawSession(relay)
    expect(brief(s.result)).toBe('OK')
    const pages: Array<number | string> = []
    while (pages.at(-1) !== RelayFrame.Type.DRAINED) {
      const f = (await s.p.readRelay())!
      pages.push(f.type === RelayFrame.Type.ENVELOPES ? f.envelopes.length : f.type)
    }
    expect(pages).toEqual([100, 100, 50, RelayFrame.Type.DRAINED])
    await s.client.close()
    await bounded(s.done)
    expect(await readAll(s.p, s.client)).toEqual({ frames: [], end: 'closed' })
    // an empty mailbox: DRAINED alone, subscribed or not
    for (const subscribe of [false, true]) {
      const empty = await relayAt()
      const e = await rawSession(empty, { open: { subscribe } })
      expect((await e.p.readRelay())?.type).toBe(RelayFrame.Type.DRAINED)
      await e.client.close()
      await bounded(e.done)
      expect(await readAll(e.p, e.client), `subscribe ${subscribe}`).toEqual({ frames: [], end: 'closed' })
      expect(empty.backend.listeners.size).toBe(0)
    }
  })

  it('refuses a cursor over 64 characters and an identity key not of 32 bytes before any challenge', async () => {
    const relay = await relayAt()
    const ok = await connect(relay)
    await ok.p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1, after: 'a'.repeat(64) })
    expect((await ok.p.readRelay())?.type).toBe(RelayFrame.Type.CHALLENGE)
    for (const [open, expected] of [
      [{ after: 'a'.repeat(65) }, 'INVALID_REQUEST: cursor too long'],
      [{ identityKey: ownerKey.subarray(0, 31) }, 'INVALID_REQUEST: the identity key must be 32 bytes']
    ] as Array<[Partial<ClientFrame>, string]>) {
      const { p, client, done } = await connect(relay)
      await p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1, ...open })
      await bounded(done)
      expect((await readAll(p, client)).frames.map(brief)).toEqual([expected])
    }
    expect(relay.backend.lists).toEqual([])
  })

  describe('authentication', () => {
    it('lets the owner in within the clock skew and refuses a stale or future time', async () => {
      const relay = await relayAt()
      for (const timestamp of [NOW - MAX_CLOCK_SKEW_MS, NOW + MAX_CLOCK_SKEW_MS]) {
        expect(brief((await rawSession(relay, { timestamp })).result)).toBe('OK')
      }
      for (const timestamp of [NOW - MAX_CLOCK_SKEW_MS - 1, NOW + MAX_CLOCK_SKEW_MS + 1]) {
        const s = await rawSession(relay, { timestamp })
        expect(brief(s.result)).toBe("AUTH_FAILED: auth timestamp is more than 300 s from the relay's clock")
        await bounded(s.done)
        expect(await readAll(s.p, s.client)).toMatchObject({ frames: [] })
      }
      expect(relay.backend.lists).toHaveLength(2)
    })

    it('refuses a stranger\'s key, an auth signed for another device of the owner, or for another connection; opens nothing, stores no key', async () => {
      const relay = await relayAt()
      relay.backend.add(text('secret'))
      const stranger = IdentityKeyPair.generate(systemRandom)
      const key = systemRandom(32)
      for (const [what, opts] of [
        ['a stranger signing', { signer: stranger }],
        ['device 1\'s auth used for device 2', { open: { deviceId: 2 }, signedDevice: 1 }],
        ['another connection\'s auth', { signedClient: (await newPeerId()).toString() }]
      ] as Array<[string, Parameters<typeof rawSession>[1]]>) {
        const s = await rawSession(relay, { ...opts, key })
        expect(brief(s.result), what).toBe('AUTH_FAILED: the challenge signature does not verify for this mailbox, relay and connection')
        await bounded(s.done)
        expect(await readAll(s.p, s.client), what).toMatchObject({ frames: [] })
      }
      expect(relay.backend.lists).toEqual([])
      expect(relay.backend.keys).toEqual([])
      expect(relay.backend.acks).toEqual([])
    })

    it('stores the owner\'s delivery key once the signature verifies; refuses one of another length', async () => {
      const relay = await relayAt()
      const key = deliveryKey(systemRandom(32), relay.relayPeerId.toString())
      const s = await rawSession(relay, { open: { deviceId: 4 }, key })
      expect(brief(s.result)).toBe('OK')
      expect(relay.backend.keys).toHaveLength(1)
      expect(relay.backend.keys[0].key).toEqual(key)
      expect(relay.backend.keys[0].owner).toMatchObject({ deviceId: 4 })
      expect(relay.backend.keys[0].owner.identityKey).toEqual(ownerKey)
      const bad = await rawSession(relay, { key: key.subarray(0, 16) })
      expect(brief(bad.result)).toBe('INVALID_REQUEST: a delivery key is 32 bytes')
      expect(relay.backend.keys).toHaveLength(1)
      // a backend without delivery keys takes the session anyway
      const bare = new MemoryBackend()
      Object.defineProperty(bare, 'setDeliveryKey', { value: undefined })
      const plain = await relayAt({}, bare)
      const me = await newPeerId()
      const { client } = await plain.connect(me)
      const session = await bounded(openMailbox(mailboxNode(me, plain.relayPeerId, client), plain.relayPeerId, { identity: owner, timestamp: NOW, deliveryToken: systemRandom(32) }))
      await bounded(session.drained)
      await bounded(session.close())
    })

    it('refuses an AUTH that is not one, or a stream closed before it', async () => {
      const relay = await relayAt()
      const notAuth = await connect(relay)
      await notAuth.p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1 })
      await notAuth.p.readRelay()
      await notAuth.p.sendClient(deposit())
      await bounded(notAuth.done)
      expect((await readAll(notAuth.p, notAuth.client)).frames.map(brief)).toEqual(['INVALID_REQUEST: expected AUTH after the challenge'])
      const closed = await connect(relay)
      await closed.p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1 })
      await closed.p.readRelay()
      await closed.client.close()
      await bounded(closed.done)
      expect((await readAll(closed.p, closed.client)).frames.map(brief)).toEqual(['AUTH_FAILED: closed before authenticating'])
    })

    it('bounds the challenge write and the wait for AUTH by `timeout`', async () => {
      fakeTimers()
      const relay = await relayAt({ timeout: T })
      for (const blocked of ['challenge', 'auth']) {
        const { p, client, server, done } = await connect(relay)
        if (blocked === 'challenge') stall(server)
        const handled = track(done)
        await p.sendClient({ type: ClientFrame.Type.OPEN, identityKey: ownerKey, deviceId: 1 })
        expect((await p.readRelay())?.type).toBe(RelayFrame.Type.CHALLENGE)
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(handled.settled(), blocked).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        await until(handled.settled, `the handler (${blocked})`)
        await until(() => client.status === 'reset', 'the reset')
      }
    })
  })

  describe('acks', () => {
    it('answers each ACK with ACKED of its seq once the backend has deleted; up to MAX_ACK_IDS ids', async () => {
      const relay = await relayAt()
      const s = await rawSession(relay)
      const ids = Array.from({ length: MAX_ACK_IDS }, (_, i) => `id${i}`)
      await s.p.sendClient({ type: ClientFrame.Type.ACK, seq: 7, ids })
      await s.p.sendClient({ type: ClientFrame.Type.ACK, seq: 8, ids: ['x'] })
      await s.client.close()
      await bounded(s.done)
      expect((await readAll(s.p, s.client)).frames.map(brief)).toEqual([RelayFrame.Type.DRAINED, 'ACKED 7', 'ACKED 8'])
      expect(relay.backend.acks.map(a => a.ids.length)).toEqual([MAX_ACK_IDS, 1])
      expect(relay.backend.acks[0].signal).toBeInstanceOf(AbortSignal)
    })

    it('refuses an ACK of more than MAX_ACK_IDS ids, or any other frame, and ends the session', async () => {
      const relay = await relayAt()
      for (const [frame, expected] of [
        [{ type: ClientFrame.Type.ACK, seq: 1, ids: Array.from({ length: MAX_ACK_IDS + 1 }, (_, i) => `id${i}`) }, /^INVALID_REQUEST: malformed frame: ./],
        [deposit(), /^INVALID_REQUEST: an open mailbox takes only ACK frames$/]
      ] as Array<[Partial<ClientFrame>, RegExp]>) {
        const s = await rawSession(relay)
        await s.p.sendClient(frame)
        await bounded(s.done)
        const { frames } = await readAll(s.p, s.client)
        expect(frames.map(brief).slice(0, 1)).toEqual([RelayFrame.Type.DRAINED])
        expect(frames.map(brief).slice(1).join()).toMatch(expected)
      }
      expect(relay.backend.acks).toEqual([])
      expect(relay.backend.deposits).toEqual([])
    })

    it('the client sees the refusal as the session\'s error', async () => {
      const relay = await relayAt()
      const me = await newPeerId()
      const { client, done } = await relay.connect(me)
      const session = await bounded(openMailbox(mailboxNode(me, relay.relayPeerId, client), relay.relayPeerId, { identity: owner, timestamp: NOW }))
      await bounded(session.drained)
      await rawPeer(client).sendClient(deposit())
      await bounded(done)
      await until(() => session.closed, 'the end of the session')
      await expect(session.ack(['e1'])).rejects.toMatchObject({ name: 'InvalidMailboxRequestError', message: 'an open mailbox takes only ACK frames' })
    })
  })

  describe('without a subscription', () => {
    it('closes a session idle for `sessionIdleTimeout`', async () => {
      fakeTimers()
      const relay = await relayAt({ sessionIdleTimeout: 5000 })
      const s = await rawSession(relay)
      expect((await s.p.readRelay())?.type).toBe(RelayFrame.Type.DRAINED)
      const handled = track(s.done)
      await vi.advanceTimersByTimeAsync(4999)
      expect(handled.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await until(handled.settled, 'the handler')
      await until(() => s.client.status === 'reset', 'the reset')
    })
  })

  describe('with a subscription', () => {
    it('pushes what is committed during the drain once, after DRAINED, and live ones after', async () => {
      const backend = new MemoryBackend()
      const relay = await relayAt({}, backend)
      const stored = backend.add(text('stored'))
      const gate = deferred<void>()
      backend.hooks.list = async after => {
        if (after == null) { await gate.promise; return backend.entries.slice(0, 2) }
        return []
      }
      const s = await rawSession(relay, { open: { subscribe: true } })
      await until(() => backend.lists.length === 1, 'the first page')
      // committed between the subscription and the page read: in the page and notified
      const both = backend.add(text('both'))
      backend.notify(both)
      // committed after the page was read
      const later = backend.add(text('later'))
      backend.notify(later)
      void stored
      gate.resolve()
      const f: string[] = []
      for (let i = 0; i < 3; i++) f.push(brief((await s.p.readRelay())!))
      expect(f).toEqual(['ENVELOPES e0001,e0002', RelayFrame.Type.DRAINED, 'ENVELOPES e0003'])
      const live = backend.add(text('live'))
      backend.notify(live)
      const pushed = (await s.p.readRelay())!
      expect(pushed.envelopes.map(e => [e.id, decodeText(e.envelope), e.receivedAt])).toEqual([['e0004', 'live', BigInt(live.receivedAt)]])
      await s.client.close()
      await bounded(s.done)
      expect(await readAll(s.p, s.client)).toEqual({ frames: [], end: 'closed' })
      expect(backend.listeners.size).toBe(0)
    })

    it('sends KEEPALIVE every `keepaliveInterval` (30 s by default) and stops when the session ends', async () => {
      fakeTimers()
      for (const [interval, init] of [[1000, { keepaliveInterval: 1000 }], [30_000, {}]] as Array<[number, Partial<MailboxServerInit>]>) {
        const relay = await relayAt(init)
        const set = vi.spyOn(globalThis, 'setInterval')
        const clear = vi.spyOn(globalThis, 'clearInterval')
        const s = await rawSession(relay, { open: { subscribe: true } })
        expect((await s.p.readRelay())?.type).toBe(RelayFrame.Type.DRAINED)
        await vi.advanceTimersByTimeAsync(1)
        expect(s.p.hasFrame(), `${interval}: at once`).toBe(false)
        await vi.advanceTimersByTimeAsync(interval - 2)
        expect(s.p.hasFrame(), `${interval}: before`).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        await until(() => s.p.hasFrame(), `the keepalive after ${interval} ms`)
        expect((await s.p.readRelay())?.type).toBe(RelayFrame.Type.KEEPALIVE)
        await vi.advanceTimersByTimeAsync(interval)
        await until(() => s.p.hasFrame(), `the keepalive after ${2 * interval} ms`)
        expect((await s.p.readRelay())?.type).toBe(RelayFrame.Type.KEEPALIVE)
        await s.client.close()
        await bounded(s.done)
        expect(await readAll(s.p, s.client)).toEqual({ frames: [], end: 'closed' })
        const timers = set.mock.results.filter((_, i) => set.mock.calls[i][1] === interval).map(r => r.value)
        expect(timers).toHaveLength(1)
        expect(clear.mock.calls.map(c => c[0])).toContain(timers[0])
        set.mockRestore()
        clear.mockRestore()
      }
    })

    it('ends the session when a push cannot be written', async () => {
      const relay = await relayAt()
      const s = await rawSession(relay, { open: { subscribe: true } })
      expect((await s.p.readRelay())?.type).toBe(RelayFrame.Type.DRAINED)
      s.server.send = () => { throw new Error('connection lost') }
      relay.backend.notify(relay.backend.add(text('live')))
      await bounded(s.done)
      await until(() => s.client.status === 'reset', 'the reset')
      expect(relay.backend.listeners.size).toBe(0)
    })
  })

  describe('the drain', () => {
    it('stops when the owner closes during it: no DRAINED, a clean end', async () => {
      for (const subscribe of [false, true]) {
        const backend = new MemoryBackend()
        backend.hooks.list = async (_after, options) => await untilAbort(options?.signal)
        const relay = await relayAt({}, backend)
        const s = await rawSession(relay, { open: { subscribe } })
        await until(() => backend.lists.length === 1, 'the first page')
        await s.client.close()
        await bounded(s.done)
        expect(await readAll(s.p, s.client), `subscribe ${subscribe}`).toEqual({ frames: [], end: 'closed' })
        expect(backend.lists[0].signal?.aborted).toBe(true)
      }
    })

    it('a backend failure in the drain resets the stream without DRAINED, and cancels an ack in progress', async () => {
      const backend = new MemoryBackend()
      const gate = deferred<never>()
      backend.hooks.list = async () => await gate.promise
      backend.hooks.ack = async (_ids, options) => { await untilAbort(options?.signal) }
      const relay = await relayAt({}, backend)
      const s = await rawSession(relay, { open: { subscribe: true } })
      await s.p.sendClient({ type: ClientFrame.Type.ACK, seq: 1, ids: ['e1'] })
      await until(() => backend.acks.length === 1, 'the ack')
      gate.reject(new Error('disk gone'))
      await bounded(s.done)
      expect(await readAll(s.p, s.client)).toEqual({ frames: [], end: 'reset' })
      expect(backend.acks[0].signal?.aborted).toBe(true)
      expect(backend.listeners.size).toBe(0)
    })
  })
})
