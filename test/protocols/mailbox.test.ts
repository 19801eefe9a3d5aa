// Relay mailboxes over /parley/mailbox/1.0.0 between in-process nodes, with the relay's RelayMailboxStore (in memory) as backend.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  mailboxServer, depositEnvelopes, openMailbox, signAuth, deliveryKey, MAILBOX_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_CLIENT_FRAME_BYTES, MAX_PAGE_ENVELOPES,
  type MailboxEntry, type MailboxSession, type DepositResult
} from '../../src/protocols/mailbox/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { RelayMailboxStore } from '../../relay-node/src/mailbox/index.js'
import { startNode } from './nodes.js'

const relaxed = [{ max: 100_000, windowMs: 60_000 }]
/** tests of other rules than the stranger quota deposit without tokens: give untokened deposits the full quota there */
const roomy = { maxUntokenedEnvelopesPerMailbox: 1_000_000, maxUntokenedBytesPerMailbox: Number.MAX_SAFE_INTEGER }
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const okIds = (results: DepositResult[]): string[] => results.map(r => {
  if (r.status !== 'ok') throw new Error(`deposit ${r.status}: ${r.error.name} ${r.error.message}`)
  return r.id
})

/** Takes `n` entries from a session (bounded by the test timeout). */
async function take (session: MailboxSession, n: number): Promise<MailboxEntry[]> {
  const out: MailboxEntry[] = []
  if (n === 0) return out
  for await (const e of session) {
    out.push(e)
    if (out.length === n) break
  }
  return out
}

/** Opens, waits for the drain, and returns everything stored (then closes). */
async function fetchAll (node: Libp2p, addr: Multiaddr[], identity: IdentityKeyPair, after?: string): Promise<MailboxEntry[]> {
  const session = await openMailbox(node, addr, { identity, ...(after != null ? { after } : {}) })
  await session.drained
  const out = await take(session, session.pending)
  await session.close()
  return out
}

describe('/parley/mailbox/1.0.0', () => {
  const nodes: Libp2p[] = []
  let relay: Libp2p
  let addr: Multiaddr[]
  let store: RelayMailboxStore
  const client = async (): Promise<Libp2p> => {
    const c = await startNode()
    nodes.push(c)
    return c
  }
  /** a relay with small quotas and a strict deposit rate, its store, and its address */
  const strictRelay = async (limits: ConstructorParameters<typeof RelayMailboxStore>[0]['limits'], known?: (id: Uint8Array) => boolean) => {
    const s = new RelayMailboxStore({ kv: new MemoryKeyValueStore(), limits: { ...roomy, ...limits }, ...(known != null ? { isKnownOwner: async o => known(o.identityKey) } : {}) })
    const n = await startNode({ mailbox: mailboxServer({ backend: s }) })
    nodes.push(n)
    return { store: s, addr: n.getMultiaddrs() }
  }

  beforeAll(async () => {
    store = new RelayMailboxStore({ kv: new MemoryKeyValueStore(), limits: { depositsPerPeer: relaxed, ...roomy } })
    relay = await startNode({ mailbox: mailboxServer({ backend: store }) })
    nodes.push(relay)
    addr = relay.getMultiaddrs()
  })
  afterAll(async () => { await Promise.all(nodes.map(async n => await n.stop())) })

  it('deposit → owner fetch → ack → gone', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const ids = okIds(await depositEnvelopes(await client(), addr, [
      { owner: owner.publicKey, deviceId: 1, envelope: text('one') },
      { owner: owner.publicKey, deviceId: 1, envelope: text('two') }
    ]))
    expect(ids[0] < ids[1]).toBe(true)
    const device = await client()
    const session = await openMailbox(device, addr, { identity: owner })
    const got = await take(session, 2)
    await session.drained
    expect(got.map(e => new TextDecoder().decode(e.envelope))).toEqual(['one', 'two'])
    expect(got.map(e => e.id)).toEqual(ids)
    expect(Math.abs(got[0].receivedAt - Date.now())).toBeLessThan(60_000)
    await session.ack([...ids, 'ffffffffffffffff', 'not an id'])
    await session.close()
    expect(await fetchAll(device, addr, owner)).toEqual([])
    expect(await store.usage({ identityKey: owner.publicKey, deviceId: 1 })).toEqual({ count: 0, bytes: 0 })
  })

  it('pages by cursor: 250 pipelined deposits come back in order, from any cursor, in pages of at most 100', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const ids = okIds(await depositEnvelopes(await client(), addr, Array.from({ length: 250 }, (_, i) => ({ owner: owner.publicKey, deviceId: 1, envelope: text(`m${i}`) }))))
    expect([...ids].sort()).toEqual(ids)
    const device = await client()
    const all = await fetchAll(device, addr, owner)
    expect(all.map(e => e.id)).toEqual(ids)
    const rest = await fetchAll(device, addr, owner, ids[99])
    expect(rest.map(e => e.id)).toEqual(ids.slice(100))
    expect(await fetchAll(device, addr, owner, ids[249])).toEqual([])
    expect(MAX_PAGE_ENVELOPES).toBe(100)
    // the other device's mailbox of the same identity is separate
    const other = await openMailbox(device, addr, { identity: owner, deviceId: 2 })
    await other.drained
    expect(other.pending).toBe(0)
    await other.close()
  })

  it('pipelines 60 envelopes of 200 KiB (12 MiB) on one stream under flow control, and drains them in byte-bounded pages', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const big = Array.from({ length: 60 }, (_, i) => ({ owner: owner.publicKey, deviceId: 1, envelope: new Uint8Array(200 * 1024).fill(i) }))
    const ids = okIds(await depositEnvelopes(await client(), addr, big))
    const all = await fetchAll(await client(), addr, owner)
    expect(all.map(e => e.id)).toEqual(ids)
    expect(all.every((e, i) => e.envelope.length === 200 * 1024 && e.envelope[0] === i)).toBe(true)
  })

  it('pushes new deposits live to a subscribed owner, without duplicates around the drain', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const sender = await client()
    const before = okIds(await depositEnvelopes(sender, addr, Array.from({ length: 30 }, (_, i) => ({ owner: owner.publicKey, deviceId: 1, envelope: text(`b${i}`) }))))
    const session = await openMailbox(await client(), addr, { identity: owner, subscribe: true })
    // deposits racing the drain
    const during = depositEnvelopes(sender, addr, Array.from({ length: 30 }, (_, i) => ({ owner: owner.publicKey, deviceId: 1, envelope: text(`d${i}`) })))
    const first = await take(session, 60)
    await session.drained
    const duringIds = okIds(await during)
    expect(new Set(first.map(e => e.id))).toEqual(new Set([...before, ...duringIds]))
    const after = okIds(await depositEnvelopes(sender, addr, [{ owner: owner.publicKey, deviceId: 1, envelope: text('live') }]))
    const [live] = await take(session, 1)
    expect(live.id).toBe(after[0])
    expect(new TextDecoder().decode(live.envelope)).toBe('live')
    expect(session.pending).toBe(0)
    await session.close()
  })

  it('refuses a stranger: a signature by another key, an auth replayed from another connection, an ACK without auth', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const ownerNode = await client()
    const ids = okIds(await depositEnvelopes(await client(), addr, [{ owner: owner.publicKey, deviceId: 1, envelope: text('secret') }]))
    const stranger = await client()
    const strangerKey = IdentityKeyPair.generate(systemRandom)
    const relayId = relay.peerId.toString()

    // 1. the stranger names the owner's mailbox and signs with its own key
    const raw = async (sign: (nonce: Uint8Array) => Uint8Array, timestamp = Date.now()): Promise<RelayFrame> => {
      const stream = await stranger.dialProtocol(addr, MAILBOX_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(owner.publicKey), deviceId: 1 }))
      const challenge = RelayFrame.decode((await lp.read()).subarray())
      expect(challenge.type).toBe(RelayFrame.Type.CHALLENGE)
      await lp.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(sign(challenge.nonce)) }))
      const result = RelayFrame.decode((await lp.read()).subarray())
      // the relay hangs up after a refusal
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
      return result
    }
    const wrongKey = await raw(nonce => signAuth(strangerKey, { nonce, relayPeerId: relayId, clientPeerId: stranger.peerId.toString(), deviceId: 1, timestamp: Date.now() }))
    expect(wrongKey.status).toBe(RelayFrame.Status.AUTH_FAILED)

    // 2. the owner's own signature for the stranger's challenge (a relay-in-the-middle trick) fails: it names the owner's connection
    const ts = Date.now()
    const replayed = await raw(nonce => signAuth(owner, { nonce, relayPeerId: relayId, clientPeerId: ownerNode.peerId.toString(), deviceId: 1, timestamp: ts }), ts)
    expect(replayed.status).toBe(RelayFrame.Status.AUTH_FAILED)

    // 3. a signature over an old challenge (captured from a real session) fails on a new stream
    const oldNonce = new Uint8Array(32).fill(9)
    const captured = signAuth(owner, { nonce: oldNonce, relayPeerId: relayId, clientPeerId: stranger.peerId.toString(), deviceId: 1, timestamp: ts })
    expect((await raw(() => captured, ts)).status).toBe(RelayFrame.Status.AUTH_FAILED)

    // 4. an ACK of the owner's ids without authenticating is refused
    const stream = await stranger.dialProtocol(addr, MAILBOX_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(ClientFrame.encode({ type: ClientFrame.Type.ACK, seq: 1, ids }))
    const refusal = RelayFrame.decode((await lp.read()).subarray())
    expect(refusal.status).toBe(RelayFrame.Status.INVALID_REQUEST)

    // 5. a signature for another relay fails
    const otherRelay = await raw(nonce => signAuth(owner, { nonce, relayPeerId: stranger.peerId.toString(), clientPeerId: stranger.peerId.toString(), deviceId: 1, timestamp: ts }), ts)
    expect(otherRelay.status).toBe(RelayFrame.Status.AUTH_FAILED)

    // 6. a stale timestamp fails even when everything else is right
    const stale = Date.now() - 10 * 60_000
    expect((await raw(nonce => signAuth(owner, { nonce, relayPeerId: relayId, clientPeerId: stranger.peerId.toString(), deviceId: 1, timestamp: stale }), stale)).status).toBe(RelayFrame.Status.AUTH_FAILED)

    // the mail is still there for its owner
    expect((await fetchAll(ownerNode, addr, owner)).map(e => e.id)).toEqual(ids)
  })

  it('openMailbox rejects with MailboxAuthError when the identity does not own the mailbox it signs for', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const ids = okIds(await depositEnvelopes(await client(), addr, [{ owner: owner.publicKey, deviceId: 1, envelope: text('kept') }]))
    // a node whose peer id the signature does not name: the relay sees another connection
    const impostor = await client()
    const honest = await client()
    const fake = { peerId: honest.peerId, dial: impostor.dial.bind(impostor) }
    await expect(openMailbox(fake, addr, { identity: owner })).rejects.toMatchObject({ name: 'MailboxAuthError' })
    // the same identity over its own connection is let in, and the refused attempt took nothing
    expect((await fetchAll(honest, addr, owner)).map(e => e.id)).toEqual(ids)
  })

  it("refuses an auth signed for one device of an identity used to open another device's mailbox", async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const [forTwo] = okIds(await depositEnvelopes(await client(), addr, [{ owner: owner.publicKey, deviceId: 2, envelope: text('for device 2') }]))
    const ownerNode = await client()
    const relayId = relay.peerId.toString()
    // OPEN names device 2; the AUTH frame and its signature are for device 1 (right key, relay, connection, challenge and time)
    const stream = await ownerNode.dialProtocol(addr, MAILBOX_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(owner.publicKey), deviceId: 2 }))
    const challenge = RelayFrame.decode((await lp.read()).subarray())
    expect(challenge.type).toBe(RelayFrame.Type.CHALLENGE)
    const ts = Date.now()
    const signature = signAuth(owner, { nonce: challenge.nonce, relayPeerId: relayId, clientPeerId: ownerNode.peerId.toString(), deviceId: 1, timestamp: ts })
    await lp.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, timestamp: BigInt(ts), signature: Uint8Array.from(signature) }))
    const result = RelayFrame.decode((await lp.read()).subarray())
    expect(result.type).toBe(RelayFrame.Type.RESULT)
    expect(result.status).toBe(RelayFrame.Status.AUTH_FAILED)
    // no envelope followed the refusal: the relay hangs up
    await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    // device 1's own mailbox holds nothing; device 2 signing for itself gets its envelope
    expect(await fetchAll(ownerNode, addr, owner)).toEqual([])
    const session = await openMailbox(ownerNode, addr, { identity: owner, deviceId: 2 })
    await session.drained
    expect((await take(session, session.pending)).map(e => e.id)).toEqual([forTwo])
    await session.close()
  })

  it('hostile input: oversize frame, malformed protobuf, garbage bytes and a replayed deposit frame; the relay keeps serving and loses nothing', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const ids = okIds(await depositEnvelopes(await client(), addr, [{ owner: owner.publicKey, deviceId: 1, envelope: text('keep') }]))
    const attacker = await client()
    // oversize frame
    {
      const lp = lpStream(await attacker.dialProtocol(addr, MAILBOX_PROTOCOL))
      await lp.write(new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1))
      await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    }
    // malformed protobuf (a field tag with a truncated length)
    {
      const lp = lpStream(await attacker.dialProtocol(addr, MAILBOX_PROTOCOL))
      await lp.write(new Uint8Array([0x22, 0xff, 0xff, 0x01]))
      const res = RelayFrame.decode((await lp.read({ signal: AbortSignal.timeout(5000) })).subarray())
      expect(res.status).toBe(RelayFrame.Status.INVALID_REQUEST)
    }
    // garbage bytes without framing
    {
      const stream = await attacker.dialProtocol(addr, MAILBOX_PROTOCOL)
      stream.send(systemRandom(4096))
      const lp = lpStream(stream)
      // random bytes read as a length prefix: either too long (the stream is aborted) or a short malformed frame (refused, then hung up)
      const outcome = await lp.read({ signal: AbortSignal.timeout(5000) }).then(b => RelayFrame.decode(b.subarray()).status, () => 'aborted')
      expect(['aborted', RelayFrame.Status.INVALID_REQUEST]).toContain(outcome)
    }
    // an envelope over the limit inside a frame that fits: refused, the stream goes on
    {
      const results = await depositEnvelopes(attacker, addr, [
        { owner: owner.publicKey, deviceId: 1, envelope: new Uint8Array(MAX_ENVELOPE_BYTES + 1) },
        { owner: new Uint8Array(5), deviceId: 1, envelope: text('x') }
      ])
      expect(results.map(r => r.status === 'refused' ? r.error.name : r.status)).toEqual(['EnvelopeTooLargeError', 'InvalidMailboxRequestError'])
      const lp = lpStream(await attacker.dialProtocol(addr, MAILBOX_PROTOCOL))
      const deposit = ClientFrame.encode({ type: ClientFrame.Type.DEPOSIT, identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, envelope: new Uint8Array(MAX_ENVELOPE_BYTES + 1) })
      await lp.write(deposit)
      await lp.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN }))
      const tooLarge = RelayFrame.decode((await lp.read()).subarray())
      expect(tooLarge.status).toBe(RelayFrame.Status.TOO_LARGE)
      const outOfOrder = RelayFrame.decode((await lp.read()).subarray())
      expect(outOfOrder.status).toBe(RelayFrame.Status.INVALID_REQUEST)
    }
    // a replayed deposit frame is stored again under a new id: the relay cannot tell (sealed sender); recipients deduplicate
    {
      const frame = ClientFrame.encode({ type: ClientFrame.Type.DEPOSIT, identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, envelope: Uint8Array.from(text('again')) })
      const lp = lpStream(await attacker.dialProtocol(addr, MAILBOX_PROTOCOL))
      await lp.write(frame)
      await lp.write(frame)
      const a = RelayFrame.decode((await lp.read()).subarray())
      const b = RelayFrame.decode((await lp.read()).subarray())
      expect([a.status, b.status]).toEqual([RelayFrame.Status.OK, RelayFrame.Status.OK])
      expect(a.id).not.toBe(b.id)
    }
    const all = await fetchAll(await client(), addr, owner)
    expect(all.map(e => new TextDecoder().decode(e.envelope))).toEqual(['keep', 'again', 'again'])
    expect(all[0].id).toBe(ids[0])
  })

  it('refuses with MailboxFullError at the count and byte quotas, storing nothing', async () => {
    const { addr: small, store: s } = await strictRelay({ maxEnvelopesPerMailbox: 3, maxBytesPerMailbox: 1000, depositsPerPeer: relaxed })
    const owner = IdentityKeyPair.generate(systemRandom)
    const sender = await client()
    const d = (n: number) => ({ owner: owner.publicKey, deviceId: 1, envelope: new Uint8Array(n).fill(1) })
    const results = await depositEnvelopes(sender, small, [d(10), d(995), d(10), d(10), d(10)])
    expect(results.map(r => r.status === 'refused' ? r.error.name : r.status)).toEqual(['ok', 'MailboxFullError', 'ok', 'ok', 'MailboxFullError'])
    expect(await s.usage({ identityKey: owner.publicKey, deviceId: 1 })).toEqual({ count: 3, bytes: 30 })
    // after an ack there is room again
    const session = await openMailbox(await client(), small, { identity: owner })
    const [first] = await take(session, 1)
    await session.ack([first.id])
    await session.close()
    expect((await depositEnvelopes(sender, small, [d(10)]))[0].status).toBe('ok')
  })

  it('refuses a flooding peer with RateLimitedError while others are served, and unknown owners with UnknownMailboxError', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const { addr: strict } = await strictRelay({ depositsPerPeer: [{ max: 20, windowMs: 60_000 }] }, id => id[0] === owner.publicKey[0])
    const flooder = await client()
    const flood = await depositEnvelopes(flooder, strict, Array.from({ length: 50 }, () => ({ owner: owner.publicKey, deviceId: 1, envelope: text('spam') })))
    expect(flood.filter(r => r.status === 'ok')).toHaveLength(20)
    const refused = flood.filter(r => r.status === 'refused')
    expect(refused).toHaveLength(30)
    expect(refused[0].status === 'refused' && refused[0].error).toMatchObject({ name: 'RateLimitedError' })
    expect(refused[0].status === 'refused' && (refused[0].error as Error & { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    const honest = await depositEnvelopes(await client(), strict, [{ owner: owner.publicKey, deviceId: 1, envelope: text('hello') }])
    expect(honest[0].status).toBe('ok')
    const unknown = new Uint8Array(32).fill(owner.publicKey[0] ^ 1)
    const [r] = await depositEnvelopes(await client(), strict, [{ owner: unknown, deviceId: 1, envelope: text('x') }])
    expect(r.status === 'refused' && r.error.name).toBe('UnknownMailboxError')
    expect(await fetchAll(await client(), strict, owner)).toHaveLength(21)
  })

  it('a stranger filling a mailbox hits the small shared quota while a contact with the delivery token still deposits; forged proofs and keys do not help', async () => {
    const { addr: small, store: s } = await strictRelay({ maxUntokenedEnvelopesPerMailbox: 5, maxUntokenedBytesPerMailbox: 1 << 20, depositsPerPeer: relaxed })
    const relayId = small[0].getComponents().findLast(c => c.name === 'p2p')!.value!
    const owner = IdentityKeyPair.generate(systemRandom)
    const mailbox = { identityKey: owner.publicKey, deviceId: 1 }
    const token = systemRandom(32)
    // the owner registers its delivery key for this relay in its authenticated session
    const session = await openMailbox(await client(), small, { identity: owner, deliveryToken: token })
    await session.drained
    await session.close()

    // an attacker names the owner's mailbox and offers its own delivery key with a bad signature: refused, key not taken
    const attacker = await client()
    const attackerToken = systemRandom(32)
    const stream = await attacker.dialProtocol(small, MAILBOX_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(owner.publicKey), deviceId: 1 }))
    RelayFrame.decode((await lp.read()).subarray())
    await lp.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: BigInt(Date.now()), signature: new Uint8Array(64).fill(1), deliveryKey: Uint8Array.from(deliveryKey(attackerToken, relayId)) }))
    expect(RelayFrame.decode((await lp.read()).subarray()).status).toBe(RelayFrame.Status.AUTH_FAILED)

    const d = (t: string, deliveryToken?: Uint8Array) => ({ owner: owner.publicKey, deviceId: 1, envelope: text(t), ...(deliveryToken != null ? { deliveryToken } : {}) })
    const flood = await depositEnvelopes(attacker, small, Array.from({ length: 40 }, (_, i) => d(`spam${i}`)))
    expect(flood.filter(r => r.status === 'ok')).toHaveLength(5)
    expect(flood.slice(5).every(r => r.status === 'refused' && r.error.name === 'MailboxFullError')).toBe(true)
    // a proof from a token the attacker made up (or from the key it tried to register) is treated as untokened
    const forged = await depositEnvelopes(attacker, small, [d('forged', attackerToken)])
    expect(forged[0].status === 'refused' && forged[0].error.name).toBe('MailboxFullError')

    // the contact who learnt the token still gets through, from any peer
    const contact = await depositEnvelopes(await client(), small, Array.from({ length: 40 }, (_, i) => d(`hello${i}`, token)))
    expect(contact.every(r => r.status === 'ok')).toBe(true)
    expect(await s.untokenedUsage(mailbox)).toEqual({ count: 5, bytes: 25 })
    expect(await s.usage(mailbox)).toMatchObject({ count: 45 })
    // and the owner reads it all
    expect((await fetchAll(await client(), small, owner)).map(e => new TextDecoder().decode(e.envelope)).filter(t => t.startsWith('hello'))).toHaveLength(40)
  })

  it('reports unanswered deposits as failed when the relay is unreachable', async () => {
    const gone = await startNode()
    const target = gone.getMultiaddrs()
    await gone.stop()
    const [r] = await depositEnvelopes(await client(), target, [{ owner: new Uint8Array(32).fill(1), deviceId: 1, envelope: text('x') }], { timeout: 3000 })
    expect(r.status).toBe('failed')
  })
})
