// The Republisher on a fake clock (vi fake timers) and a recording DHT: when it publishes (start delay, interval and
// its cap, retries with backoff), what (merged updates, growing seq), and that stop() ends everything.
import { describe, it, expect, beforeAll, afterEach, beforeEach, vi } from 'vitest'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { defaultProvider } from '../../src/crypto/index.js'
import {
  DirectoryHashCache, PARLEY_NETWORK_SALT, REPUBLISH_INTERVAL_MS, REPUBLISH_RETRY_MS, Republisher, decodeEnvelope, directoryKeysFor, lookup,
  type DirectoryDht, type PublishResult, type RepublisherInit
} from '../../src/directory/index.js'
import { untilAborted } from '../../src/util/abort.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'

const NUMBER = '+14155550190'
const PEER = peerIdFromString('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN')
const T0 = 1_800_000_000_000

/** Stores the last value put, records when each put came (fake clock, from its creation) and can fail or hang until aborted. */
class RecordingDht implements DirectoryDht {
  readonly puts: Array<{ at: number, seq: number }> = []
  /** puts are timed from the DHT's creation */
  private readonly created = Date.now()
  value?: Uint8Array
  fail = false
  hang = false
  async * put (key: Uint8Array, value: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent> {
    if (this.hang) {
      await untilAborted(options?.signal ?? new AbortController().signal)
      throw new Error('put aborted')
    }
    this.puts.push({ at: Date.now() - this.created, seq: decodeEnvelope(value).seq })
    if (this.fail) throw new Error('down')
    this.value = value
    yield { name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', from: PEER, closer: [], providers: [], record: { key, value } } as unknown as QueryEvent
  }

  async * get (): AsyncIterable<QueryEvent> {
    if (this.value != null) yield { name: 'VALUE', from: PEER, value: this.value } as unknown as QueryEvent
    else yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from: PEER, closer: [], providers: [] } as unknown as QueryEvent
  }
}

describe('Republisher on a fake clock', () => {
  let user: TestUser
  let hashes: DirectoryHashCache
  const running: Republisher[] = []

  beforeAll(async () => {
    user = await makeUser(undefined, T0)
    const base = defaultProvider()
    hashes = new DirectoryHashCache(PARLEY_NETWORK_SALT, { ...base, scrypt: async (password: Uint8Array) => base.sha256(password) })
    await directoryKeysFor(NUMBER, { hashes })
  })

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 })
  })

  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop()
    vi.useRealTimers()
  })

  const republisher = (dht: DirectoryDht, init: Partial<RepublisherInit> = {}): Republisher => {
    const r = new Republisher({ dht, identity: user.identity, e164: NUMBER, fields: user.fields, ...init, publishOptions: { hashes, ...init.publishOptions } })
    running.push(r)
    return r
  }
  const at = (dht: RecordingDht): number[] => dht.puts.map(p => p.at)

  it('publishes after the start delay, then every interval; a second start changes nothing', async () => {
    const dht = new RecordingDht()
    const published: PublishResult[] = []
    const r = republisher(dht, { intervalMs: 5000, onPublished: result => published.push(result) })
    r.start({ delayMs: 1000 })
    r.start()
    await vi.advanceTimersByTimeAsync(999)
    expect(at(dht)).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(at(dht)).toEqual([1000])
    await vi.advanceTimersByTimeAsync(4999)
    expect(at(dht)).toEqual([1000])
    await vi.advanceTimersByTimeAsync(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(at(dht)).toEqual([1000, 6000, 11000])
    expect(published.map(p => p.seq)).toEqual([T0 + 1000, T0 + 6000, T0 + 11000])
    expect(published[0]).toMatchObject({ issuedAt: T0 + 1000, accepted: 1 })
  })

  it('the default interval is REPUBLISH_INTERVAL_MS, at most half the record lifetime; start publishes at once by default', async () => {
    const dht = new RecordingDht()
    republisher(dht).start()
    await vi.advanceTimersByTimeAsync(0)
    expect(at(dht)).toEqual([0])
    await vi.advanceTimersByTimeAsync(REPUBLISH_INTERVAL_MS - 1)
    expect(at(dht)).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(at(dht)).toEqual([0, REPUBLISH_INTERVAL_MS])

    const short = new RecordingDht()
    republisher(short, { intervalMs: 10_000, publishOptions: { lifetimeMs: 4001 } }).start()
    await vi.advanceTimersByTimeAsync(4000)
    expect(at(short)).toEqual([0, 2000, 4000])
  })

  it('retries a failed publish after REPUBLISH_RETRY_MS, doubling up to the interval, and starts over after a success', async () => {
    const dht = new RecordingDht()
    dht.fail = true
    const errors: unknown[] = []
    const r = republisher(dht, { intervalMs: 1000, retryMs: 100, onError: err => errors.push(err) })
    r.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1000 + 1000)
    expect(at(dht)).toEqual([0, 100, 300, 700, 1500, 2500, 3500])
    expect(errors).toHaveLength(7)
    expect(errors[0]).toMatchObject({ name: 'PublishFailedError' })
    dht.fail = false
    await vi.advanceTimersByTimeAsync(1000)
    expect(at(dht).at(-1)).toBe(4500)
    dht.fail = true
    await vi.advanceTimersByTimeAsync(1000 + 100)
    expect(at(dht).slice(-2)).toEqual([5500, 5600])
    // seq only grows: a failed publish does not use up the next one
    expect(dht.puts.map(p => p.seq)).toEqual(dht.puts.map(p => T0 + p.at))

    const defaults = new RecordingDht()
    defaults.fail = true
    republisher(defaults).start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(REPUBLISH_RETRY_MS)
    expect(at(defaults)).toEqual([0, REPUBLISH_RETRY_MS])
  })

  it('publishNow returns the result or throws the failure; two in one millisecond still grow seq', async () => {
    const dht = new RecordingDht()
    const r = republisher(dht)
    const [a, b] = await Promise.all([r.publishNow(), r.publishNow()])
    expect([a.seq, b.seq]).toEqual([T0, T0 + 1])
    dht.fail = true
    await expect(r.publishNow()).rejects.toMatchObject({ name: 'PublishFailedError' })
    dht.fail = false
    expect((await r.publishNow()).seq).toBe(T0 + 2)
    // not started: publishing now schedules nothing
    await vi.advanceTimersByTimeAsync(REPUBLISH_INTERVAL_MS * 2)
    expect(dht.puts).toHaveLength(4)
  })

  it('update merges fields, replaces attestations only when given, and publishes at once', async () => {
    const dht = new RecordingDht()
    const { directoryKey } = await directoryKeysFor(NUMBER, { hashes })
    const verifier = makeVerifier()
    const attestation = attest(verifier, directoryKey, user.identity.publicKey, T0 - 1000)
    const r = republisher(dht, { attestations: [attestation] })
    await r.publishNow()
    expect(decodeEnvelope(dht.value ?? new Uint8Array(0)).attestations).toEqual([attestation])
    const relays = ['/dns4/other.example.org/tcp/443/wss']
    await r.update({ mailboxRelays: relays })
    const found = await lookup(dht, NUMBER, { hashes, now: T0 })
    expect(found.registered && found.mailboxRelays).toEqual(relays)
    expect(found.registered && found.devices.map(d => d.peerId)).toEqual([user.peerId])
    expect(decodeEnvelope(dht.value ?? new Uint8Array(0)).attestations).toEqual([attestation])
    await r.update({ attestations: [] })
    expect(decodeEnvelope(dht.value ?? new Uint8Array(0)).attestations).toEqual([])
    const again = await lookup(dht, NUMBER, { hashes, now: T0 })
    expect(again.registered && again.mailboxRelays).toEqual(relays)
    expect(dht.puts).toHaveLength(3)
  })

  it('stop aborts a publish in flight, resolves when it is done, and nothing is scheduled afterwards', async () => {
    const dht = new RecordingDht()
    dht.hang = true
    const errors: unknown[] = []
    const r = republisher(dht, { intervalMs: 1000, retryMs: 100, onError: err => errors.push(err) })
    r.start()
    await vi.advanceTimersByTimeAsync(0)
    await r.stop()
    expect(errors).toHaveLength(1)
    dht.hang = false
    await vi.advanceTimersByTimeAsync(10_000)
    expect(dht.puts).toHaveLength(0)
    await expect(r.publishNow()).rejects.toThrow()
    // a stopped republisher starts again
    r.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(dht.puts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(dht.puts).toHaveLength(2)
  })

  it('a publish between republishes moves the next one instead of adding one; stop() clears a scheduled republish', async () => {
    const dht = new RecordingDht()
    const errors: unknown[] = []
    const r = republisher(dht, { intervalMs: 1000, onError: err => errors.push(err) })
    r.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(500)
    await r.publishNow()
    await vi.advanceTimersByTimeAsync(1000)
    expect(at(dht)).toEqual([0, 500, 1500])
    await r.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(at(dht)).toEqual([0, 500, 1500])
    expect(errors).toEqual([])
  })
})
