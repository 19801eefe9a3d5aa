// The device-link exchange (src/protocols/link/channel.ts) on in-memory stream pairs: openLink's dial (targets, options, timeout), HELLO and key agreement, acceptLink's refusals, and the sealed channel failing closed on tampered, replayed, reordered, reflected, truncated or oversize frames, wrong keys, refusals, clean ends, resets and silence.
import { describe, it, expect, afterEach, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { AbortOptions, Connection, DialTarget, PeerId, Stream } from '@libp2p/interface'
import { createLinkEphemeral, createLinkOffer, deriveLinkKeys, sealLinkFrame, type LinkKeys, type LinkOffer } from '../../src/crypto/link.js'
import { systemRandom } from '../../src/crypto/deps.js'
import { x25519PublicKeyOf } from '../../src/crypto/dh.js'
import { encodeVarint, frameStream, type FrameStream } from '../../src/protocols/frames.js'
import type { DialProtocolOptions } from '../../src/protocols/request-response.js'
import { acceptLink, LinkBrokenError, LinkRefusedError, LINK_PROTOCOL, MAX_LINK_FRAME_BYTES, openLink, type LinkChannel, type LinkChannelOptions, type LinkCode, type LinkMessagePb } from '../../src/protocols/link/index.js'
import { LinkFramePb, LinkMessagePb as LinkMessageCodec } from '../../src/protocols/link/pb/link.js'

const LEFT = 'the other device left before the link completed'
const ALTERED = 'the link was altered on the way or came from a device without the code'
const BROKEN = 'the link did not complete: show a new code on the new device and try again'

interface Parties {
  newPeer: PeerId
  approverPeer: PeerId
  offer: LinkOffer
  code: LinkCode
}

let parties: Parties | undefined
/** The new device (its peer id and offer, the code it shows) and the approver's peer id: made once, never changed by the code under test. */
async function getParties (): Promise<Parties> {
  if (parties == null) {
    const newPeer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const approverPeer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const offer = createLinkOffer(systemRandom)
    parties = { newPeer, approverPeer, offer, code: { peerId: newPeer, addrs: [multiaddr('/ip4/10.0.0.1/tcp/4001')], ephemeralKey: offer.publicKey, secret: offer.secret } }
  }
  return parties
}

interface Dial { target: DialTarget, protocol: string | string[], options?: DialProtocolOptions }

/** A stream pair whose outbound end a fake approver node hands out on its (recorded) dial. */
async function pair (): Promise<Parties & { out: Stream, inb: Stream, node: { peerId: PeerId, dialProtocol: (target: DialTarget, protocol: string | string[], options?: DialProtocolOptions) => Promise<Stream> }, dials: Dial[], connection: Connection }> {
  const p = await getParties()
  const [out, inb] = await streamPair()
  const dials: Dial[] = []
  const node = {
    peerId: p.approverPeer,
    dialProtocol: async (target: DialTarget, protocol: string | string[], options?: DialProtocolOptions) => { dials.push({ target, protocol, options }); return out }
  }
  return { ...p, out, inb, node, dials, connection: { remotePeer: p.approverPeer } as unknown as Connection }
}

/** Both sides through the code under test. */
async function linked (options: { approver?: LinkChannelOptions, device?: LinkChannelOptions } = {}): Promise<Awaited<ReturnType<typeof pair>> & { approver: LinkChannel, device: LinkChannel }> {
  const p = await pair()
  const [approver, device] = await Promise.all([
    openLink(p.node, p.code, options.approver),
    acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes, options.device)
  ])
  return { ...p, approver, device }
}

function transcript (p: Parties, approverKey: Uint8Array, secret = p.offer.secret): Parameters<typeof deriveLinkKeys>[2] {
  return { newDeviceKey: p.offer.publicKey, approverKey, newPeer: p.newPeer.toMultihash().bytes, approverPeer: p.approverPeer.toMultihash().bytes, secret }
}

/** The test plays the approver by hand (HELLO, then frames it seals itself) against acceptLink. */
async function againstNewDevice (options: { device?: LinkChannelOptions, secret?: Uint8Array } = {}): Promise<Awaited<ReturnType<typeof pair>> & { raw: FrameStream, keys: LinkKeys, device: LinkChannel }> {
  const p = await pair()
  const raw = frameStream(p.out, { maxFrameBytes: MAX_LINK_FRAME_BYTES })
  const e = createLinkEphemeral(systemRandom)
  const keys = deriveLinkKeys(e.privateKey, p.offer.publicKey, transcript(p, e.publicKey, options.secret))
  await raw.write(LinkFramePb.encode({ type: LinkFramePb.Type.HELLO, ephemeralKey: e.publicKey as Uint8Array<ArrayBuffer> }))
  const device = await acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes, options.device)
  return { ...p, raw, keys, device }
}

/** The test plays the new device by hand against openLink: reads HELLO and derives the keys with the offer. */
async function againstApprover (options: LinkChannelOptions = {}): Promise<Awaited<ReturnType<typeof pair>> & { raw: FrameStream, keys: LinkKeys, approver: LinkChannel }> {
  const p = await pair()
  const raw = frameStream(p.inb, { maxFrameBytes: MAX_LINK_FRAME_BYTES })
  const approver = await openLink(p.node, p.code, options)
  const hello = LinkFramePb.decode((await raw.read())!)
  const keys = deriveLinkKeys(p.offer.privateKey, hello.ephemeralKey, transcript(p, hello.ephemeralKey))
  return { ...p, raw, keys, approver }
}

const seal = (key: Uint8Array, counter: number, message: Partial<LinkMessagePb>): Uint8Array =>
  LinkFramePb.encode({ type: LinkFramePb.Type.SEALED, sealed: sealLinkFrame(key, counter, LinkMessageCodec.encode(message)) as Uint8Array<ArrayBuffer> })

/** A grant and an accept large enough that their frames need a two-byte length prefix. */
const GRANT: Partial<LinkMessagePb> = { grant: { phone: '+15550100001', identityKeyPair: new Uint8Array(200).fill(7), deviceId: 2, deviceName: 'Laptop', approverDeviceId: 1, approverName: 'Phone', entries: 3n } }
const ACCEPT: Partial<LinkMessagePb> = { accept: { certificate: new Uint8Array(300).fill(1), prekeyBundle: new Uint8Array(150).fill(2), kind: 'cli', suggestedName: 'Work laptop' } }

/** The settled state of a promise, for checking what fake time has (not) done. */
function track<T> (promise: Promise<T>): { settled: boolean, error?: unknown, value?: T } {
  const state: { settled: boolean, error?: unknown, value?: T } = { settled: false }
  promise.then(value => { state.settled = true; state.value = value }, (error: unknown) => { state.settled = true; state.error = error })
  return state
}

/** Asserts a LinkBrokenError / LinkRefusedError with the message a person sees. */
function expectError (err: unknown, cls: typeof LinkBrokenError | typeof LinkRefusedError, message: string): void {
  expect(err).toBeInstanceOf(cls)
  expect((err as Error).name).toBe(cls.name)
  expect((err as Error).message).toBe(message)
}

afterEach(() => { vi.useRealTimers() })

describe('openLink: the dial', () => {
  it('dials the code\'s peer on every address (adding /p2p/<peer> where the address does not end in it), on the link protocol, over limited connections', async () => {
    const p = await pair()
    const peer = p.newPeer.toString()
    const other = p.approverPeer.toString()
    const cases: Array<[string, string]> = [
      ['/ip4/10.0.0.1/tcp/4001', `/ip4/10.0.0.1/tcp/4001/p2p/${peer}`],
      [`/ip4/10.0.0.2/tcp/4001/p2p/${peer}`, `/ip4/10.0.0.2/tcp/4001/p2p/${peer}`],
      // another peer's id at the end is not the new device: the code's peer is still appended
      [`/ip4/10.0.0.3/tcp/4001/p2p/${other}`, `/ip4/10.0.0.3/tcp/4001/p2p/${other}/p2p/${peer}`],
      [`/ip4/10.0.0.4/tcp/4001/p2p/${other}/p2p-circuit`, `/ip4/10.0.0.4/tcp/4001/p2p/${other}/p2p-circuit/p2p/${peer}`],
      [`/ip4/10.0.0.5/tcp/4001/p2p/${other}/p2p-circuit/p2p/${peer}`, `/ip4/10.0.0.5/tcp/4001/p2p/${other}/p2p-circuit/p2p/${peer}`],
      // the peer named but not last: the address does not reach it as is
      [`/ip4/10.0.0.6/tcp/4001/p2p/${peer}/p2p-circuit`, `/ip4/10.0.0.6/tcp/4001/p2p/${peer}/p2p-circuit/p2p/${peer}`],
      // the peer id's text in another component (a host name) is not a /p2p/ component
      [`/dns4/${peer}/tcp/4001/p2p/${other}`, `/dns4/${peer}/tcp/4001/p2p/${other}/p2p/${peer}`]
    ]
    const code: LinkCode = { ...p.code, addrs: cases.map(([a]) => multiaddr(a)) }
    const channel = await openLink(p.node, code)
    expect(p.dials).toHaveLength(1)
    const { target, protocol, options } = p.dials[0]
    expect(Array.isArray(target)).toBe(true)
    expect((target as Multiaddr[]).map(a => a.toString())).toEqual(cases.map(([, expected]) => expected))
    expect(protocol).toBe(LINK_PROTOCOL)
    expect(options?.runOnLimitedConnection).toBe(true)
    expect(options?.signal).toBeInstanceOf(AbortSignal)
    channel.abort()
  })

  it('a dial that does not succeed within LINK_DIAL_TIMEOUT_MS is LinkBrokenError telling the person what to check, with no cause', async () => {
    const p = await pair()
    let dialSignal: AbortSignal | undefined
    const node = {
      peerId: p.approverPeer,
      dialProtocol: async (_t: DialTarget, _p: string | string[], options?: AbortOptions): Promise<Stream> => await new Promise((resolve, reject) => {
        dialSignal = options?.signal
        options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
      })
    }
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const state = track(openLink(node, p.code))
    await vi.advanceTimersByTimeAsync(29_999)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.settled).toBe(true)
    expectError(state.error, LinkBrokenError, 'the new device could not be reached: keep its link screen open, and check both are online')
    // nothing failed underneath but the clock: no cause at all, not even an undefined one (which loggers print)
    expect(Object.hasOwn(state.error as Error, 'cause')).toBe(false)
    expect(dialSignal?.aborted).toBe(true)
  })

  it('a dial that fails at once (refused, no route) is the same LinkBrokenError, with libp2p\'s error as its cause', async () => {
    const p = await pair()
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:4001'), { name: 'DialError' })
    const node = { peerId: p.approverPeer, dialProtocol: async (): Promise<Stream> => { throw refused } }
    const err = await openLink(node, p.code).catch(e => e)
    expectError(err, LinkBrokenError, 'the new device could not be reached: keep its link screen open, and check both are online')
    expect((err as Error).cause).toBe(refused)
  })

  it('a caller\'s abort during the dial rejects with the caller\'s reason', async () => {
    const p = await pair()
    const node = {
      peerId: p.approverPeer,
      dialProtocol: async (_t: DialTarget, _p: string | string[], options?: AbortOptions): Promise<Stream> => await new Promise((resolve, reject) => {
        options?.signal?.addEventListener('abort', () => { reject(new Error('dial aborted')) })
      })
    }
    const controller = new AbortController()
    const result = openLink(node, p.code, { signal: controller.signal })
    const reason = new Error('the person cancelled')
    controller.abort(reason)
    await expect(result).rejects.toBe(reason)
  })
})

describe('openLink: HELLO', () => {
  it('sends HELLO with a fresh ephemeral key from the given randomness and wipes its private half', async () => {
    const p = await pair()
    const given: Uint8Array[] = []
    const copies: Uint8Array[] = []
    const random = (n: number): Uint8Array => { const b = systemRandom(n); given.push(b); copies.push(Uint8Array.from(b)); return b }
    const raw = frameStream(p.inb, { maxFrameBytes: MAX_LINK_FRAME_BYTES })
    const channel = await openLink(p.node, p.code, { random })
    const hello = LinkFramePb.decode((await raw.read())!)
    expect(hello.type).toBe(LinkFramePb.Type.HELLO)
    expect(given).toHaveLength(1)
    expect(Uint8Array.from(hello.ephemeralKey)).toEqual(x25519PublicKeyOf(copies[0]))
    expect(given[0].every(b => b === 0)).toBe(true)
    channel.abort()
  })

  it('a code whose key cannot be agreed with aborts the stream it dialled: LinkBrokenError with the cause', async () => {
    const p = await pair()
    // the top bit set: not a canonical X25519 key, refused by the key agreement
    const bad = new Uint8Array(32).fill(9)
    bad[31] = 0x80
    const err = await openLink(p.node, { ...p.code, ephemeralKey: bad }).catch((e: unknown) => e)
    expectError(err, LinkBrokenError, BROKEN)
    expect((err as Error).cause).toHaveProperty('name', 'InvalidKeyError')
    expect(p.out.status).toBe('aborted')
    // the new device's end is reset: its read ends with the reset, not with a clean end
    await expect(frameStream(p.inb, { maxFrameBytes: 100 }).read()).rejects.toHaveProperty('name', 'StreamResetError')
  })
})

describe('acceptLink', () => {
  it('an approver that leaves before HELLO: LinkBrokenError "the approving device left"', async () => {
    const p = await pair()
    await p.out.close()
    const err = await acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes).catch((e: unknown) => e)
    expectError(err, LinkBrokenError, 'the approving device left')
  })

  it('a first frame that is not HELLO, or not a frame at all: "the approving device spoke another protocol"', async () => {
    for (const first of [seal(new Uint8Array(32), 0, GRANT), Uint8Array.from([0xff, 0xff, 0xff])]) {
      const p = await pair()
      await frameStream(p.out, { maxFrameBytes: MAX_LINK_FRAME_BYTES }).write(first)
      const err = await acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes).catch((e: unknown) => e)
      expectError(err, LinkBrokenError, 'the approving device spoke another protocol')
    }
  })

  it('a HELLO whose key is malformed or of low order: "the approving device sent an invalid key"', async () => {
    for (const key of [new Uint8Array(31).fill(9), new Uint8Array(32), new Uint8Array(0)]) {
      const p = await pair()
      await frameStream(p.out, { maxFrameBytes: MAX_LINK_FRAME_BYTES }).write(LinkFramePb.encode({ type: LinkFramePb.Type.HELLO, ephemeralKey: key }))
      const err = await acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes).catch((e: unknown) => e)
      expectError(err, LinkBrokenError, 'the approving device sent an invalid key')
    }
  })

  it('an approver that says nothing for frameTimeoutMs: "the approving device said nothing"', async () => {
    const p = await pair()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const state = track(acceptLink(p.inb, p.connection, p.offer, p.newPeer.toMultihash().bytes, { frameTimeoutMs: 50 }))
    await vi.advanceTimersByTimeAsync(49)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.settled).toBe(true)
    expectError(state.error, LinkBrokenError, 'the approving device said nothing')
  })
})

describe('LinkChannel', () => {
  it('carries messages both ways, in order, each side with its own counter', async () => {
    const { approver, device } = await linked()
    await approver.send(GRANT)
    await approver.send({ archive: [{ key: 'a', value: new Uint8Array([1]) }] })
    await approver.send({ published: 7n })
    expect(await device.receive()).toMatchObject({ grant: { phone: '+15550100001', deviceId: 2, deviceName: 'Laptop', entries: 3n } })
    expect((await device.receive()).archive.map(e => e.key)).toEqual(['a'])
    expect((await device.receive()).published).toBe(7n)
    await device.send(ACCEPT)
    await device.send({ stored: true })
    const accept = (await approver.receive()).accept
    expect(accept?.kind).toBe('cli')
    expect(Uint8Array.from(accept?.certificate ?? [])).toEqual(new Uint8Array(300).fill(1))
    expect((await approver.receive({})).stored).toBe(true)
    await approver.close()
    // the approver's clean end reaches the new device as "left", not as an altered frame
    expectError(await device.receive().catch((e: unknown) => e), LinkBrokenError, LEFT)
  })

  it('the new device opens what an honest approver seals, frame after frame', async () => {
    const { raw, keys, device } = await againstNewDevice()
    await raw.write(seal(keys.toNew, 0, GRANT))
    await raw.write(seal(keys.toNew, 1, { published: 1n }))
    expect((await device.receive()).grant?.phone).toBe('+15550100001')
    expect((await device.receive()).published).toBe(1n)
  })

  describe('fails closed', () => {
    const tampered: Array<[string, (keys: LinkKeys) => Uint8Array[]]> = [
      ['a bit flipped in the ciphertext', keys => { const f = seal(keys.toNew, 0, GRANT); f[10] ^= 0x01; return [f] }],
      ['a bit flipped in the tag', keys => { const f = seal(keys.toNew, 0, GRANT); f[f.length - 1] ^= 0x80; return [f] }],
      ['a sealed frame cut short', keys => [seal(keys.toNew, 0, GRANT).subarray(0, -1)]],
      ['frame 1 before frame 0', keys => [seal(keys.toNew, 1, GRANT), seal(keys.toNew, 0, GRANT)]],
      ['a frame of the other direction', keys => [seal(keys.toApprover, 0, GRANT)]],
      ['a HELLO frame carrying a validly sealed message', keys => [LinkFramePb.encode({ type: LinkFramePb.Type.HELLO, sealed: sealLinkFrame(keys.toNew, 0, LinkMessageCodec.encode(GRANT)) as Uint8Array<ArrayBuffer> })]],
      ['bytes that are no frame', () => [Uint8Array.from([0xff, 0xff, 0xff])]],
      ['an empty frame', () => [new Uint8Array(0)]]
    ]
    for (const [what, frames] of tampered) {
      it(`${what}: LinkBrokenError "altered on the way"`, async () => {
        const { raw, keys, device } = await againstNewDevice()
        for (const f of frames(keys)) await raw.write(f)
        expectError(await device.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
      })
    }

    it('a replayed frame: the first opens, the copy does not', async () => {
      const { raw, keys, device } = await againstNewDevice()
      const f = seal(keys.toNew, 0, GRANT)
      await raw.write(f)
      await raw.write(f)
      expect((await device.receive()).grant?.deviceId).toBe(2)
      expectError(await device.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
    })

    it('an approver without the code\'s secret: its first frame does not open', async () => {
      const { raw, keys, device } = await againstNewDevice({ secret: new Uint8Array(16).fill(3) })
      await raw.write(seal(keys.toNew, 0, GRANT))
      expectError(await device.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
    })

    it('a frame of its own reflected back to either side does not open', async () => {
      const a = await againstNewDevice()
      await a.device.send({ stored: true })
      await a.raw.write((await a.raw.read())!)
      expectError(await a.device.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
      const b = await againstApprover()
      await b.approver.send({ published: 1n })
      await b.raw.write((await b.raw.read())!)
      expectError(await b.approver.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
    })

    it('the approver opens only what the new device seals with its own key and counter', async () => {
      const { raw, keys, approver } = await againstApprover()
      await raw.write(seal(keys.toApprover, 0, ACCEPT))
      await raw.write(seal(keys.toApprover, 0, { stored: true }))
      expect((await approver.receive()).accept?.suggestedName).toBe('Work laptop')
      expectError(await approver.receive().catch((e: unknown) => e), LinkBrokenError, ALTERED)
    })

    it('a frame cut off by the end of the stream: LinkBrokenError with the framing error as its cause', async () => {
      const { out, device } = await againstNewDevice()
      out.send(Uint8Array.from([...encodeVarint(100), 1, 2, 3]))
      await out.close()
      const err = await device.receive({}).catch((e: unknown) => e)
      expectError(err, LinkBrokenError, BROKEN)
      expect((err as Error).cause).toHaveProperty('name', 'MalformedFrameError')
    })

    it('a frame longer than MAX_LINK_FRAME_BYTES is refused from its length prefix', async () => {
      const { out, device } = await againstNewDevice()
      out.send(encodeVarint(MAX_LINK_FRAME_BYTES + 1))
      const err = await device.receive().catch((e: unknown) => e)
      expectError(err, LinkBrokenError, BROKEN)
      expect((err as Error).cause).toHaveProperty('name', 'FrameTooLargeError')
    })
  })

  it('a refusal with a reason is LinkRefusedError with that reason; an empty one with the default; after it, the other side left', async () => {
    const { raw, keys, device } = await againstNewDevice()
    await raw.write(seal(keys.toNew, 0, { refused: 'that number is not yours' }))
    await raw.write(seal(keys.toNew, 1, { refused: '' }))
    expectError(await device.receive().catch((e: unknown) => e), LinkRefusedError, 'that number is not yours')
    expectError(await device.receive().catch((e: unknown) => e), LinkRefusedError, 'the other device cancelled the link')
    const { approver, device: other } = await linked()
    await other.refuse('the account sent is malformed')
    expectError(await approver.receive().catch((e: unknown) => e), LinkRefusedError, 'the account sent is malformed')
    expectError(await approver.receive().catch((e: unknown) => e), LinkBrokenError, LEFT)
  })

  it('refuse() where the refusal cannot be sent any more does not throw and aborts the stream', async () => {
    const { approver, device, out, inb } = await linked()
    await device.close()
    await expect(device.refuse('too late')).resolves.toBeUndefined()
    expect(inb.status).toBe('aborted')
    expectError(await approver.receive().catch((e: unknown) => e), LinkBrokenError, LEFT)
    expect(out.status).not.toBe('open')
  })

  it('close() ends the stream cleanly; one that fails (the caller aborted) aborts the stream instead', async () => {
    const { approver, device, inb } = await linked()
    await device.close()
    expect(inb.status).toBe('open')
    expectError(await approver.receive().catch((e: unknown) => e), LinkBrokenError, LEFT)
    const other = await linked()
    const controller = new AbortController()
    controller.abort(new Error('gone'))
    await expect(other.device.close({ signal: controller.signal })).resolves.toBeUndefined()
    expect(other.inb.status).toBe('aborted')
    await expect(other.approver.receive()).rejects.toBeInstanceOf(LinkBrokenError)
  })

  it('abort() resets the stream with LinkBrokenError (or the error given); the other side\'s receive and send fail as LinkBrokenError', async () => {
    const { approver, device, out, inb } = await linked()
    const closed = new Promise<Event & { error?: Error }>(resolve => { inb.addEventListener('close', e => { resolve(e as Event & { error?: Error }) }, { once: true }) })
    const pending = approver.receive()
    device.abort()
    expect(inb.status).toBe('aborted')
    expect((await closed).error).toBeInstanceOf(LinkBrokenError)
    const err = await pending.catch((e: unknown) => e)
    expectError(err, LinkBrokenError, BROKEN)
    expect((err as Error).cause).toHaveProperty('name', 'StreamResetError')
    // once the reset is in, the stream reads as ended
    expectError(await approver.receive().catch((e: unknown) => e), LinkBrokenError, LEFT)
    for (const options of [undefined, {}]) {
      const sent = await approver.send(GRANT, options).catch((e: unknown) => e)
      expectError(sent, LinkBrokenError, LEFT)
      expect((sent as Error).cause).toBeDefined()
    }
    // aborting again, or a stream no longer open, changes nothing
    device.abort()
    approver.abort(new Error('mine'))
    expect(out.status).toBe('reset')
    const { device: d2, inb: i2 } = await linked()
    const given = new Error('given')
    const seen = new Promise<Event & { error?: Error }>(resolve => { i2.addEventListener('close', e => { resolve(e as Event & { error?: Error }) }, { once: true }) })
    d2.abort(given)
    expect((await seen).error).toBe(given)
  })

  it('a caller\'s abort while receiving rejects with the caller\'s reason', async () => {
    const { device } = await linked()
    const controller = new AbortController()
    const pending = device.receive({ signal: controller.signal })
    const reason = new Error('the person cancelled')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })

  it('a side that hears nothing for frameTimeoutMs: LinkBrokenError "the other device stopped answering" (approver and new device)', async () => {
    const { approver, device } = await linked({ approver: { frameTimeoutMs: 50 }, device: { frameTimeoutMs: 80 } })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const a = track(approver.receive())
    const d = track(device.receive())
    await vi.advanceTimersByTimeAsync(49)
    expect(a.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(a.settled).toBe(true)
    expectError(a.error, LinkBrokenError, 'the other device stopped answering')
    await vi.advanceTimersByTimeAsync(29)
    expect(d.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(d.settled).toBe(true)
    expectError(d.error, LinkBrokenError, 'the other device stopped answering')
  })
})
