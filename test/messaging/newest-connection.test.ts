// Direct channels follow the newest connection: when a contact comes back over a new connection while the old one hangs (a reloaded page's dead WebRTC link, a changed network), replies and receipts take the new one instead of waiting for the old one to time out.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { DM_PROTOCOL, SEND_TIMEOUT_MS } from '../../src/protocols/dm/index.js'
import type { Parley } from '../../src/index.js'
import { startTestRelay, registeredDevice, collect, converse, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550510001'
const BOB = '+15550510002'

/**
 * A loopback TCP proxy to `port` that can freeze: sockets stay open but nothing passes, as on a link that died silently.
 * `carries(p)` tells whether the target sees a connection from local port `p` through this proxy.
 */
async function freezableProxy (port: number): Promise<{ port: number, freeze: () => void, carries: (localPort: number) => boolean, close: () => Promise<void> }> {
  let frozen = false
  const sockets = new Set<Socket>()
  const outbounds = new Set<Socket>()
  const server: Server = createServer(inbound => {
    const outbound = connect(port, '127.0.0.1')
    outbounds.add(outbound)
    for (const s of [inbound, outbound]) { sockets.add(s); s.on('error', () => {}) }
    inbound.on('data', d => { if (!frozen) outbound.write(d) })
    outbound.on('data', d => { if (!frozen) inbound.write(d) })
    inbound.on('close', () => { if (!frozen) outbound.destroy() })
    outbound.on('close', () => { if (!frozen) inbound.destroy() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('no proxy port')
  return {
    port: address.port,
    freeze: () => { frozen = true },
    carries: localPort => [...outbounds].some(s => s.localPort === localPort),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** Direct channels this side opened on `c` (the other side's inbound streams on a frozen link linger until their idle timeout). */
const dmStreams = (c: Connection): number => c.streams.filter(s => s.protocol === DM_PROTOCOL && s.direction === 'outbound').length
const byAge = (cs: Connection[]): Connection[] => [...cs].sort((a, b) => a.timeline.open - b.timeline.open)

describe('direct channels follow the newest connection', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley
  let proxy: Awaited<ReturnType<typeof freezableProxy>>

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
    const bobTcp = internals(bob).node.getMultiaddrs().map(a => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(a.toString())).find(m => m != null)
    if (bobTcp == null) throw new Error('bob has no loopback TCP address')
    proxy = await freezableProxy(Number(bobTcp[1]))
    // the only connection between them runs through the proxy. Other dials between them may still be under way
    // (the DHT's, from either side; on a loaded machine one landed after the proxied dial and the conversation
    // took it): wait until neither side is dialling the other, close every connection but the proxied one, and
    // look again until that state holds on both sides. From then on a dial to the other reuses the proxied connection.
    const a = internals(alice).node
    const b = internals(bob).node
    const proxied = `/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${b.peerId.toString()}`
    const viaProxy = (c: Connection): boolean => c.remoteAddr.toString() === proxied
    const bobViaProxy = (c: Connection): boolean => proxy.carries(Number(c.remoteAddr.getComponents().find(p => p.name === 'tcp')?.value))
    const dialling = (): boolean => a.getDialQueue().some(d => d.peerId?.equals(b.peerId) === true) || b.getDialQueue().some(d => d.peerId?.equals(a.peerId) === true)
    // (close gives open streams libp2p's 1 s to end; a connection it could not close in time is aborted)
    const drop = async (c: Connection): Promise<void> => { await c.close().catch(err => { c.abort(err as Error) }) }
    await retryUntil(async signal => {
      if (dialling()) throw new Error('a dial between them is under way')
      for (const c of a.getConnections(b.peerId)) if (!viaProxy(c)) await drop(c)
      for (const c of b.getConnections(a.peerId)) if (!bobViaProxy(c)) await drop(c)
      if (a.getConnections(b.peerId).length === 0) await a.dial(multiaddr(proxied), { signal })
      const atAlice = a.getConnections(b.peerId)
      const atBob = b.getConnections(a.peerId)
      if (atAlice.length !== 1 || !viaProxy(atAlice[0]) || atBob.length !== 1 || !bobViaProxy(atBob[0])) throw new Error(`connections: alice ${atAlice.length}, bob ${atBob.length}`)
      // a dial that started while the others closed would still add a connection
      if (dialling()) throw new Error('a dial between them started meanwhile')
    }, { timeout: 30_000, what: 'one connection between alice and bob, through the proxy' })
    await converse({ device: alice, phone: ALICE }, { device: bob, phone: BOB })
  }, 90_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await proxy?.close()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('a text and its receipt take the new connection while the old one hangs', async () => {
    const old = internals(alice).node.getConnections(internals(bob).node.peerId)
    expect(old.map(c => c.remoteAddr.toString())).toEqual([`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${internals(bob).node.peerId.toString()}`])
    const bobsOld = internals(bob).node.getConnections(internals(alice).node.peerId)
    expect(bobsOld).toHaveLength(1)
    // both sides hold a direct channel on the proxied connection from the conversation
    expect(dmStreams(old[0])).toBeGreaterThan(0)
    expect(dmStreams(bobsOld[0])).toBeGreaterThan(0)

    proxy.freeze()
    const fresh = await internals(alice).node.dial(internals(bob).node.getMultiaddrs(), { force: true })
    expect(fresh.id).not.toBe(old[0].id)

    const atBob = collect<{ text: string }>(push => bob.on('message', push))
    const delivered = collect<{ id: string }>(push => alice.on('receipt', e => { if (e.status === 'delivered') push(e) }))
    const sent = await alice.send(BOB, 'over the new connection')
    // the frozen connection would hold a send until SEND_TIMEOUT_MS; well before that, both arrived
    await atBob.until(1, SEND_TIMEOUT_MS / 2, 'the text at bob')
    await delivered.until(1, SEND_TIMEOUT_MS / 2, 'the delivered receipt at alice')
    expect(delivered.items[0].id).toBe(sent.id)
    expect(atBob.items[0].text).toBe('over the new connection')

    // the old connection is still "open" (nothing noticed it died) but neither side sends on it any more
    expect(old[0].status).toBe('open')
    const [bobsOldNow, bobsFresh] = byAge(internals(bob).node.getConnections(internals(alice).node.peerId))
    expect(bobsOldNow.id).toBe(bobsOld[0].id)
    expect(dmStreams(old[0])).toBe(0)
    expect(dmStreams(bobsOld[0])).toBe(0)
    expect(dmStreams(fresh)).toBeGreaterThan(0)
    expect(dmStreams(bobsFresh)).toBeGreaterThan(0)
  }, 60_000)
})
