// The SDK's connection health on a scripted node: network() and its changes, the relay redial with backoff while offline, the stale probe of a peer's older connections; and an app's own settings store on a real device.
import { describe, it, expect, afterEach, vi } from 'vitest'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { ConnectionHealth, RELAY_REDIAL_MS, RELAY_REDIAL_MAX_MS, STALE_PROBE_MS, type NetworkChange } from '../../src/client/connection-health.js'
import type { ClientNode } from '../../src/net/options.js'
import { Parley, createNodeNode, InvalidAppStoreNameError } from '../../src/index.js'
import { internals } from '../../src/client/internals.js'
import { tempDir } from '../helpers/tmp.js'

const RELAY = '12D3KooWGRUZmq7sXQf4UgSr9Ad2CH6GXKh3MAwEF1ZbxiJR9u9Z'
const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const SELF = '12D3KooWKt3bWDCkGhyJx1VcktbLmcMdmDeofEhmHuNyRMe8s9Df'
const RELAY_ADDR = `/ip4/127.0.0.1/tcp/4001/p2p/${RELAY}`

interface FakeConnection {
  id: string
  remotePeer: { toString: () => string }
  remoteAddr: ReturnType<typeof multiaddr>
  timeline: { open: number }
  newStream: (protocol: string, options: { signal: AbortSignal }) => Promise<{ abort: (err: Error) => void }>
  abort: (err: Error) => void
  aborted?: Error
}

/** A node that only does what the test scripts: connections come and go when the test says. */
function fakeNode (): { node: ClientNode, connections: FakeConnection[], dials: string[], open: (c: FakeConnection) => void, close: (c: FakeConnection) => void } {
  const events = new EventTarget()
  const connections: FakeConnection[] = []
  const dials: string[] = []
  const node = {
    peerId: { toString: () => SELF },
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    getConnections: (peer?: { toString: () => string }) => connections.filter(c => peer == null || c.remotePeer.toString() === peer.toString()),
    getMultiaddrs: () => [multiaddr(`${RELAY_ADDR}/p2p-circuit/p2p/${SELF}`)],
    dial: async (ma: ReturnType<typeof multiaddr>) => { dials.push(ma.toString()); throw new Error('unreachable') }
  } as unknown as ClientNode
  return {
    node,
    connections,
    dials,
    open: c => { connections.push(c); events.dispatchEvent(new CustomEvent('connection:open', { detail: c })) },
    close: c => { connections.splice(connections.indexOf(c), 1); events.dispatchEvent(new CustomEvent('connection:close', { detail: c })) }
  }
}

let nextId = 0
function connection (peer: string, openedAt: number, stream: 'opens' | 'hangs'): FakeConnection {
  const c: FakeConnection = {
    id: String(nextId++),
    remotePeer: { toString: () => peer },
    remoteAddr: multiaddr(`/ip4/127.0.0.1/tcp/${5000 + nextId}/p2p/${peer}`),
    timeline: { open: openedAt },
    newStream: async (_protocol, { signal }) => stream === 'opens'
      ? { abort: () => {} }
      : await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    abort: err => { c.aborted = err }
  }
  return c
}

describe('connection health', () => {
  afterEach(() => { vi.useRealTimers() })

  it('reports what the node is connected to, and each change', () => {
    const f = fakeNode()
    const changes: NetworkChange[] = []
    const health = new ConnectionHealth({ node: f.node, relays: [RELAY_ADDR], keepConnected: false, onChange: c => changes.push(c) })
    health.start()
    expect(health.status()).toMatchObject({ peerId: SELF, online: false, relays: 1, relayConnections: 0, reachable: true, connections: [] })
    const relay = connection(RELAY, 1, 'opens')
    f.open(relay)
    f.open(connection(PEER, 2, 'opens'))
    expect(health.status()).toMatchObject({ online: true, relayConnections: 1, connections: [{ peer: RELAY, relay: true }, { peer: PEER, relay: false }] })
    f.close(relay)
    expect(health.status().online).toBe(false)
    expect(changes).toEqual([
      { cause: 'connection-open', peer: RELAY, relay: true },
      { cause: 'connection-open', peer: PEER, relay: false },
      { cause: 'connection-close', peer: RELAY, relay: true }
    ])
    health.stop()
    f.open(connection(PEER, 3, 'opens'))
    expect(changes).toHaveLength(3)
  })

  it('redials the relays while none is connected, backing off, and stops once one is', async () => {
    vi.useFakeTimers()
    const f = fakeNode()
    const health = new ConnectionHealth({ node: f.node, relays: [RELAY_ADDR], keepConnected: true, onChange: () => {} })
    health.start()
    await vi.advanceTimersByTimeAsync(RELAY_REDIAL_MS)
    expect(f.dials).toEqual([RELAY_ADDR])
    // the next one waits twice as long
    await vi.advanceTimersByTimeAsync(RELAY_REDIAL_MS * 2 - 1)
    expect(f.dials).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(f.dials).toHaveLength(2)
    f.open(connection(RELAY, 1, 'opens'))
    await vi.advanceTimersByTimeAsync(RELAY_REDIAL_MAX_MS * 2)
    expect(f.dials).toHaveLength(2)
    health.stop()
  })

  it('does not redial unless asked to keep connected', async () => {
    vi.useFakeTimers()
    const f = fakeNode()
    const health = new ConnectionHealth({ node: f.node, relays: [RELAY_ADDR], keepConnected: false, onChange: () => {} })
    health.start()
    await vi.advanceTimersByTimeAsync(RELAY_REDIAL_MAX_MS * 2)
    expect(f.dials).toEqual([])
    health.stop()
  })

  it('closes a peer\'s older connection that cannot open a stream once it connects anew, and keeps a live one', async () => {
    // real time: the probe's bound is an AbortSignal.timeout, which fake timers do not drive
    const f = fakeNode()
    const health = new ConnectionHealth({ node: f.node, relays: [RELAY_ADDR], keepConnected: true, onChange: () => {} })
    health.start()
    const stale = connection(PEER, 1, 'hangs')
    const live = connection(PEER, 2, 'opens')
    f.open(stale)
    f.open(live)
    f.open(connection(PEER, 3, 'opens'))
    await new Promise(resolve => setTimeout(resolve, STALE_PROBE_MS + 300))
    expect(stale.aborted?.message).toBe('no stream within the stale probe time')
    expect(live.aborted).toBeUndefined()
    health.stop()
  })
})

describe('app settings store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined
  afterEach(async () => { await dir?.remove() })

  it('keeps an app\'s keys apart from the SDK\'s, across a restart', async () => {
    dir = await tempDir()
    const init = { dataDir: join(dir.path, 'device'), bootstrap: [], listen: [], maintenance: false, createNode: createNodeNode }
    let p = await Parley.create(init)
    const store = p.appStore('web')
    expect(await store.get('profile')).toBeUndefined()
    await store.put('profile', new TextEncoder().encode('{"name":"Alice"}'))
    await store.put('other', new Uint8Array([1]))
    await store.delete('other')
    // not the facade's own profile area
    expect(await internals(p).storage.kv('profile').get('profile')).toBeUndefined()
    expect(() => p.appStore('../settings')).toThrow(InvalidAppStoreNameError)
    await p.stop()
    p = await Parley.create(init)
    expect(new TextDecoder().decode(await p.appStore('web').get('profile'))).toBe('{"name":"Alice"}')
    expect(await p.appStore('web').get('other')).toBeUndefined()
    expect(await p.appStore('bot').get('profile')).toBeUndefined()
    expect(p.network()).toMatchObject({ online: false, relays: 0, connections: [] })
    await p.stop()
  })
})

describe('the facade and the app\'s group events', () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined
  afterEach(async () => { await dir?.remove() })

  // 'group-message' waits for its first listener so mail fetched during create reaches the app; a listener of the
  // facade's own (the media layer's auto-download used one) took that place, and the app missed those messages
  it('leaves p.groups\' group-message to the app: the facade does not listen to it', async () => {
    dir = await tempDir()
    const p = await Parley.create({ dataDir: join(dir.path, 'device'), bootstrap: [], listen: [], maintenance: false, createNode: createNodeNode })
    try {
      expect(p.groups.listenerCount('group-message')).toBe(0)
    } finally {
      await p.stop()
    }
  })
})
