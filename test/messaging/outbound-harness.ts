// Shared by the outbound-*.test.ts files: an Outbound on the scripted network (fake-net.ts, which those files install with vi.mock) over memory storage and fake time; bob's device answers to a peer id (direct dials are tried, and fail unless a test scripts fakeNet.dial); the outbox and the sealed copies log their writes, the groups they joined and the group syncs.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { LookupResult, Registered } from '../../src/directory/index.js'
import { decodeContent, encodeContent } from '../../src/messaging/index.js'
import { openEnvelope } from '../../src/messaging/envelope.js'
import { Outbound, type OutboundInit } from '../../src/messaging/outbound.js'
import { Recipients } from '../../src/messaging/recipients.js'
import type { KeyValueStore, MessageStatus, OutboxEntry, OutboxStore, StoreOptions } from '../../src/storage/index.js'
import { fakeNet, testDevice, type TestDevice } from './fake-net.js'
import { TestClock } from '../session/party.js'
import { SeededRandom } from '../helpers/seeded-random.js'

export const ALICE = '+15550940001'
export const BOB = '+15550940002'
export const CAROL = '+15550940003'
export const R1 = '/ip4/10.9.4.1/tcp/4001'
export const R2 = '/ip4/10.9.4.2/tcp/4001'
export const T0 = 1_700_000_000_000
export const failed = { status: 'failed' as const, error: new Error('the relay went away') }
export const refused = { status: 'refused', message: 'no', retryAfterMs: 0 } as const
const stats = { peersQueried: 0, hops: 0, endedEarly: false }

export interface HarnessOptions {
  relays?: string[]
  /** bob's device has a peer id, so direct dials are tried @default true */
  reachable?: boolean
  /** replaces fields of the Outbound's init (e.g. `onError: undefined`) */
  init?: (h: Harness) => Partial<OutboundInit>
}

export interface Harness {
  alice: TestDevice
  bob: TestDevice
  clock: TestClock
  /** bob's device's peer id (as the directory names it) */
  bobPeer: string
  /** bob's device key (`<hex identity key>.<device id>`) */
  bobKey: string
  out: Outbound
  directory: Map<string, LookupResult>
  /** numbers looked up in the directory, in order */
  lookups: string[]
  statuses: Array<[string, MessageStatus]>
  settled: Array<[string, 'sent' | 'failed']>
  /** what onError got, but the fake relays' missing prekeys */
  errors: unknown[]
  /** every error onError got */
  allErrors: unknown[]
  /** how often the Outbound asked for our party (once per pass and per ephemeral send) */
  passes: number
  /** the outbox's and the sealed copies' writes ("<store> <op> …", "grouped" when a SyncGroup took the sync), and "synced <store>" when a group flushed them */
  log: string[]
  /** the outbox's due() calls: the `limit` asked for and whether an abort signal came along */
  dueCalls: Array<{ limit: number, signal: boolean }>
  /** awaited by each outbox due() call between its read and its answer (a test holds one there) */
  beforeDue?: (now: number, limit: number) => Promise<void>
  /** puts a text into the outbox (for bob unless `to` says otherwise) */
  text: (n: number, fields?: Partial<OutboxEntry>) => Promise<OutboxEntry>
  /** one delivery pass, now */
  pass: () => Promise<void>
  /** what bob reads in an envelope sealed for him */
  read: (envelope: Uint8Array) => Promise<string>
  entry: (id: string) => Promise<OutboxEntry | undefined>
  sealedKeys: () => Promise<string[]>
}

export const id = (n: number): string => n.toString(16).padStart(32, '0')

/** The record `device` has in the directory, with a usable peer id when `peer` is given. */
export async function recordOf (device: TestDevice, relays: string[], peer?: string): Promise<Registered> {
  const r = await device.record(relays)
  return { ...r, devices: r.devices.map(d => ({ ...d, peerId: peer ?? d.peerId })) }
}

export async function newPeer (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

export async function harness (options: HarnessOptions = {}): Promise<Harness> {
  const rng = new SeededRandom(94)
  const clock = new TestClock()
  const alice = await testDevice('alice', ALICE, rng, clock)
  const bob = await testDevice('bob', BOB, rng, clock)
  const bobPeer = await newPeer()
  const directory = new Map<string, LookupResult>([[BOB, await recordOf(bob, options.relays ?? [R1], options.reachable === false ? undefined : bobPeer)]])
  const now = (): number => Date.now()
  const h = {
    alice,
    bob,
    clock,
    bobPeer,
    bobKey: `${Buffer.from(bob.party.local.identity.publicKey).toString('hex')}.${bob.party.local.deviceId}`,
    directory,
    lookups: [],
    statuses: [],
    settled: [],
    errors: [],
    allErrors: [],
    passes: 0,
    log: [],
    dueCalls: []
  } as unknown as Harness
  const outbox = loggedOutbox(alice.party.storage.outbox, h)
  const sealed = loggedKv(alice.party.storage.kv('sealed'), 'sealed', h.log)
  const init: OutboundInit = {
    node: { name: 'our node' } as never,
    outbox,
    sealed,
    sessions: alice.party.sessions,
    recipients: new Recipients(async e164 => {
      h.lookups.push(e164)
      return directory.get(e164) ?? { registered: false, stats }
    }, now),
    party: async () => { h.passes++; return alice.envelope },
    now,
    onStatus: async (_to, id, status) => { h.statuses.push([id, status]) },
    onSettled: async (e, status) => { h.settled.push([e.id, status]) },
    onError: err => {
      h.allErrors.push(err)
      // a relay without prekeys is expected (the fake network has none): sessions start from the directory's bundle
      if ((err as Error)?.name !== 'FakeNoPreKeysError') h.errors.push(err)
    }
  }
  h.out = new Outbound({ ...init, ...options.init?.(h) })
  h.text = async (n, fields = {}) => {
    const createdAt = Date.now()
    const e: OutboxEntry = {
      id: id(n),
      to: BOB,
      kind: 'message',
      payload: encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id: id(n), text: `text ${n}`, timestamp: createdAt } }),
      createdAt,
      expiresAt: createdAt + 60 * 60_000,
      attempts: 0,
      nextAttemptAt: createdAt,
      ...fields
    }
    await alice.party.storage.outbox.put(e)
    return e
  }
  h.pass = async () => {
    h.out.wake()
    await h.out.idle()
  }
  h.read = async envelope => {
    let text = ''
    await openEnvelope(bob.envelope, envelope, async plaintext => {
      const body = decodeContent(plaintext).body
      text = body.kind === 'text' ? body.text : body.kind
    })
    return text
  }
  h.entry = async id => await alice.party.storage.outbox.get(id)
  h.sealedKeys = async () => {
    const keys: string[] = []
    for await (const { key } of alice.party.storage.kv('sealed').iterate()) keys.push(key)
    return keys
  }
  return h
}

/** Notes a write in `log`; one made with a SyncGroup registers the sync of its store (`db`) there, which logs "synced <name>". */
function note (log: string[], db: object, name: string, what: string, options?: StoreOptions & { sync?: boolean }): void {
  log.push(`${name} ${what}${options?.sync === true ? ' sync' : ''}${options?.syncGroup != null ? ' grouped' : ''}`)
  options?.syncGroup?.defer(db, async () => { log.push(`synced ${name}`) })
}

function loggedOutbox (inner: OutboxStore, h: Harness): OutboxStore {
  const db = {}
  const mine = (what: string, options?: StoreOptions): void => { note(h.log, db, 'outbox', what, options) }
  return {
    put: async (e, options) => { mine(`put ${parseInt(e.id, 16)}`, options); await inner.put(e, options) },
    delete: async (id, options) => { mine(`delete ${parseInt(id, 16)}`, options); return await inner.delete(id, options) },
    prepareInsert: e => inner.prepareInsert(e),
    get: async (id, options) => await inner.get(id, options),
    due: async (now, limit, options) => {
      h.dueCalls.push({ limit, signal: options?.signal != null })
      const due = await inner.due(now, limit, options)
      await h.beforeDue?.(now, limit)
      return due
    },
    list: async options => await inner.list(options),
    count: async options => await inner.count(options)
  }
}

function loggedKv (inner: KeyValueStore, name: string, log: string[]): KeyValueStore {
  const db = {}
  const mine = (what: string, options?: StoreOptions & { sync?: boolean }): void => { note(log, db, name, what, options) }
  return {
    get: async (key, options) => await inner.get(key, options),
    put: async (key, value, options) => { mine(`put ${key}`, options); await inner.put(key, value, options) },
    del: async (key, options) => { mine(`del ${key}`, options); await inner.del(key, options) },
    batch: async (ops, options) => { mine(`batch ${ops.map(o => o.type).join(',')}`, options); await inner.batch(ops, options) },
    prepare: ops => inner.prepare(ops),
    iterate: (range, options) => inner.iterate(range, options),
    scope: prefix => inner.scope(prefix)
  }
}

/** Event-loop turns (setImmediate, which the tests' fake timers leave alone): pending I/O and microtasks run in between. */
export async function turns (n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
}

/** Whether `p` settles within `bound` event-loop turns (no clock involved). */
export async function settles (p: Promise<unknown>, bound = 500): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  for (let i = 0; i < bound && !done; i++) await turns()
  return done
}

/** A promise the test resolves. */
export function gate<T = void> (): { promise: Promise<T>, open: (value: T) => void } {
  let open!: (value: T) => void
  const promise = new Promise<T>(resolve => { open = resolve })
  return { promise, open }
}

export { fakeNet }
