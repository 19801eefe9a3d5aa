// Small parts of messaging on their own: delivery tokens (own made once, also when a failed first write races later callers; contacts' kept by identity, read once, only written when changed), the addresses known for a relay, and the event emitter (held events, throwing listeners, once/off, events nobody listens to).
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DeliveryTokens } from '../../src/messaging/delivery-token.js'
import { knownAddresses, type AddressBookNode } from '../../src/messaging/relay-addresses.js'
import { Emitter } from '../../src/messaging/emitter.js'
import { DELIVERY_TOKEN_LENGTH } from '../../src/messaging/content.js'
import { MemoryKeyValueStore, type KeyValueStore, type StoreOptions, type WriteOptions } from '../../src/storage/index.js'

class CountingStore extends MemoryKeyValueStore {
  puts: Array<WriteOptions | undefined> = []
  override async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.puts.push(options)
    await super.put(key, value, options)
  }
}

describe('DeliveryTokens', () => {
  it('makes our token once (synced) and keeps it; a stored token of the wrong length is replaced', async () => {
    const own = new CountingStore()
    let made = 0
    const random = (n: number): Uint8Array => new Uint8Array(n).fill(++made)
    const tokens = new DeliveryTokens({ own, contacts: new MemoryKeyValueStore(), random })
    const [a, b] = await Promise.all([tokens.own(), tokens.own()])
    expect(a).toEqual(new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(1))
    expect(b).toBe(a)
    expect(own.puts).toEqual([{ sync: true }])
    // another instance over the same store reads it back
    expect(await new DeliveryTokens({ own, contacts: new MemoryKeyValueStore(), random }).own()).toEqual(a)
    await own.put('own', new Uint8Array(5))
    expect(await new DeliveryTokens({ own, contacts: new MemoryKeyValueStore(), random }).own()).toEqual(new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(2))
  })

  it('a failed first write is not cached: the next call tries again', async () => {
    let fail = true
    const own: KeyValueStore = Object.assign(new MemoryKeyValueStore(), {
      put: async () => { if (fail) throw new Error('disk full') }
    })
    const tokens = new DeliveryTokens({ own, contacts: new MemoryKeyValueStore(), random: n => new Uint8Array(n).fill(4) })
    await expect(tokens.own()).rejects.toThrow('disk full')
    fail = false
    expect(await tokens.own()).toEqual(new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(4))
  })

  it("keeps each contact's token under its identity, written only when it changed; a token of the wrong length is ignored", async () => {
    const contacts = new CountingStore()
    const tokens = new DeliveryTokens({ own: new MemoryKeyValueStore(), contacts, random: n => new Uint8Array(n) })
    const alice = new Uint8Array(32).fill(1)
    const bob = new Uint8Array(32).fill(2)
    expect(await tokens.of(alice)).toBeUndefined()
    const t1 = new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(7)
    await tokens.learn(alice, t1)
    await tokens.learn(alice, Uint8Array.from(t1))
    expect(contacts.puts).toHaveLength(1)
    expect(await tokens.of(alice)).toEqual(t1)
    expect(await tokens.of(bob)).toBeUndefined()
    await tokens.learn(alice, new Uint8Array(DELIVERY_TOKEN_LENGTH - 1).fill(8))
    expect(await tokens.of(alice)).toEqual(t1)
    const t2 = new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(9)
    await tokens.learn(alice, t2)
    expect(contacts.puts).toHaveLength(2)
    expect(await tokens.of(alice)).toEqual(t2)
    // a new instance reads what was stored; a stored token of the wrong length counts as none
    const again = new DeliveryTokens({ own: new MemoryKeyValueStore(), contacts, random: n => new Uint8Array(n) })
    expect(await again.of(alice)).toEqual(t2)
    await contacts.put(Buffer.from(bob).toString('hex'), new Uint8Array(3))
    expect(await again.of(bob)).toBeUndefined()
  })
})

describe('DeliveryTokens: reads and races', () => {
  /** a store whose reads and first write the test holds */
  class HeldStore extends MemoryKeyValueStore {
    gets = 0
    /** while set, reads wait for it (answering what the store held when they were made) */
    gate?: Promise<void>
    /** while set, writes wait for it and fail with its rejection */
    failingPut?: Promise<void>
    override async get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined> {
      this.gets++
      const gate = this.gate
      const value = await super.get(key, options)
      if (gate != null) await gate
      return value
    }

    override put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
      if (this.failingPut != null) return this.failingPut
      return super.put(key, value, options)
    }
  }

  it("reads a contact's token once", async () => {
    const contacts = new HeldStore()
    const tokens = new DeliveryTokens({ own: new MemoryKeyValueStore(), contacts, random: n => new Uint8Array(n) })
    const alice = new Uint8Array(32).fill(1)
    expect(await tokens.of(alice)).toBeUndefined()
    expect(await tokens.of(alice)).toBeUndefined()
    expect(contacts.gets).toBe(1)
  })

  it('a token learnt while the store is read wins over what the store said before', async () => {
    const contacts = new HeldStore()
    const tokens = new DeliveryTokens({ own: new MemoryKeyValueStore(), contacts, random: n => new Uint8Array(n) })
    const alice = new Uint8Array(32).fill(1)
    let open!: () => void
    contacts.gate = new Promise(resolve => { open = resolve })
    const reading = tokens.of(alice)
    contacts.gate = undefined
    const token = new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(7)
    await tokens.learn(alice, token)
    open()
    expect(await reading).toEqual(token)
    expect(await tokens.of(alice)).toEqual(token)
  })

  it('after a failed first write, callers that saw the failure late do not undo the next attempt: one token for everyone', async () => {
    const own = new HeldStore()
    let made = 0
    const tokens = new DeliveryTokens({ own, contacts: new MemoryKeyValueStore(), random: n => new Uint8Array(n).fill(++made) })
    let fail!: (err: Error) => void
    own.failingPut = new Promise((_resolve, reject) => { fail = reject })
    own.failingPut.catch(() => {})
    const first = tokens.own().catch((e: unknown) => e)
    while (made === 0) await Promise.resolve()
    own.failingPut = undefined
    // the next attempt's read is held, so it is still running when the late caller sees the failure
    let open!: () => void
    own.gate = new Promise(resolve => { open = resolve })
    let late: Promise<unknown> | undefined
    let next: Promise<Uint8Array> | undefined
    fail(new Error('disk full'))
    // a caller that arrives once the write failed (it waits on the failed attempt), and one that starts the next
    // attempt right after the first caller has seen the failure
    queueMicrotask(() => {
      queueMicrotask(() => { next = tokens.own() })
      late = tokens.own().catch((e: unknown) => e)
    })
    expect(await first).toEqual(new Error('disk full'))
    expect(await late).toEqual(new Error('disk full'))
    const another = tokens.own()
    open()
    const [a, b] = await Promise.all([next!, another])
    expect(a).toEqual(new Uint8Array(DELIVERY_TOKEN_LENGTH).fill(2))
    expect(b).toBe(a)
    expect(made).toBe(2)
    expect(await own.get('own')).toEqual(a)
  })
})

describe('knownAddresses', () => {
  it("lists a relay's live (unlimited) connections and stored addresses with its peer id, never circuits, and nothing for an address without a peer id", async () => {
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const asked: string[] = []
    const node: AddressBookNode = {
      getConnections: (p) => {
        asked.push(String(p))
        return [
          { remoteAddr: multiaddr('/ip4/10.0.0.1/tcp/1'), limits: undefined },
          { remoteAddr: multiaddr('/ip4/10.0.0.2/tcp/2'), limits: { bytes: 1n } },
          { remoteAddr: multiaddr(`/ip4/10.0.0.3/tcp/3/p2p/${peer}`), limits: undefined }
        ] as never
      },
      peerStore: {
        get: async () => ({ addresses: [{ multiaddr: multiaddr('/ip4/10.0.0.4/tcp/4') }, { multiaddr: multiaddr(`/ip4/10.0.0.5/tcp/5/p2p/${peer}/p2p-circuit`) }] }) as never
      }
    }
    const found = await knownAddresses(node, multiaddr(`/dns4/relay.example/tcp/4001/p2p/${peer}`))
    expect(found.map(String)).toEqual([
      `/ip4/10.0.0.1/tcp/1/p2p/${peer}`,
      `/ip4/10.0.0.3/tcp/3/p2p/${peer}`,
      `/ip4/10.0.0.4/tcp/4/p2p/${peer}`
    ])
    expect(asked).toEqual([String(peer)])
    expect(await knownAddresses(node, multiaddr('/ip4/10.0.0.9/tcp/9'))).toEqual([])
    // a peer the store does not know: the live connections only
    const unknown: AddressBookNode = { getConnections: () => [], peerStore: { get: async () => { throw new Error('not found') } } }
    expect(await knownAddresses(unknown, multiaddr(`/ip4/10.0.0.9/tcp/9/p2p/${peer}`))).toEqual([])
  })
})

interface Events { a: number, b: string, error: unknown }
class TestEmitter extends Emitter<Events> {
  hold (max: number): void { this.holdUntilListened('a', max) }
  fire<K extends keyof Events> (k: K, e: Events[K]): void { this.emit(k, e) }
}

describe('Emitter', () => {
  it('delivers to every listener in order; off and once remove; a throwing listener is reported as an error and breaks nothing', async () => {
    const e = new TestEmitter()
    const seen: string[] = []
    const errors: unknown[] = []
    const first = (x: number): void => { seen.push(`first ${x}`) }
    e.on('a', first)
    e.on('a', () => { throw new Error('listener broke') })
    e.once('a', x => { seen.push(`once ${x}`) })
    e.on('a', x => { seen.push(`last ${x}`) })
    e.on('error', err => errors.push(err))
    expect(e.listenerCount('a')).toBe(4)
    expect(e.listenerCount('b')).toBe(0)
    e.fire('a', 1)
    e.off('a', first)
    e.fire('a', 2)
    expect(seen).toEqual(['first 1', 'once 1', 'last 1', 'last 2'])
    expect(errors.map(x => (x as Error).message)).toEqual(['listener broke', 'listener broke'])
    // an error listener that throws is not reported again (no loop)
    e.on('error', () => { throw new Error('error listener broke') })
    e.fire('error', 'x')
    expect(errors).toHaveLength(3)
  })

  it('holds events emitted before the first listener (the newest max), hands them over after that listener is added, then behaves as usual', async () => {
    const e = new TestEmitter()
    e.hold(2)
    e.fire('a', 1)
    e.fire('a', 2)
    e.fire('a', 3)
    const seen: number[] = []
    e.on('a', x => seen.push(x))
    const second: number[] = []
    e.on('a', x => second.push(x))
    expect(seen).toEqual([])
    await Promise.resolve()
    expect(seen).toEqual([2, 3])
    expect(second).toEqual([2, 3])
    e.fire('a', 4)
    expect(seen).toEqual([2, 3, 4])
    // events of other kinds were never held
    const b: string[] = []
    e.fire('b', 'lost')
    e.on('b', x => b.push(x))
    await Promise.resolve()
    expect(b).toEqual([])
  })
})

describe('Emitter: no listeners', () => {
  it('off for an event nobody listens to does nothing; emitting it reports no error', () => {
    const e = new TestEmitter()
    const errors: unknown[] = []
    e.on('error', err => errors.push(err))
    expect(e.off('b', () => {})).toBe(e)
    e.fire('b', 'nobody hears this')
    expect(errors).toEqual([])
  })

  it('a held event kind hands the first listener exactly what was emitted', async () => {
    const e = new TestEmitter()
    e.hold(5)
    e.fire('a', 1)
    const seen: number[] = []
    e.on('a', x => seen.push(x))
    await Promise.resolve()
    expect(seen).toEqual([1])
    const quiet = new TestEmitter()
    quiet.hold(5)
    const none: number[] = []
    quiet.on('a', x => none.push(x))
    await Promise.resolve()
    expect(none).toEqual([])
  })
})
