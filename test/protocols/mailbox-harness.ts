/**
 * In-memory harness for /parley/mailbox/1.0.0 unit tests: a MailboxServer whose handler is called with one end of
 * `streamPair()` (no TCP, no libp2p node), a memory MailboxBackend whose calls can be held and inspected, a logger
 * that records what it is told, a raw frame peer for either side, and fake nodes for the client functions.
 */
import { expect, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import { MailboxServer } from '../../src/protocols/mailbox/server.js'
import type { DepositOptions, MailboxBackend, MailboxEntry, MailboxOwner, MailboxServerInit } from '../../src/protocols/mailbox/index.js'
import { MAX_CLIENT_FRAME_BYTES, MAX_RELAY_FRAME_BYTES } from '../../src/protocols/mailbox/constants.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { deferred, frameStream, type Deferred, type FrameStream } from '../../src/protocols/frames.js'
import type { DialingNode } from '../../src/protocols/request-response.js'
import type { MailboxNode } from '../../src/protocols/mailbox/client.js'

export const text = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(new TextEncoder().encode(s))
export const decodeText = (b: Uint8Array): string => new TextDecoder().decode(b)

export async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** Lets pending promise callbacks and stream events run: a few turns of the microtask queue, no timer. */
export async function settle (turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve()
}

/** Resolves when `cond()` holds, checked after each macrotask turn (setImmediate: not a sleep); fails after `turns` turns. */
export async function until (cond: () => boolean, what = 'condition', turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return
    await new Promise<void>(resolve => { setImmediate(resolve) })
  }
  throw new Error(`${what} did not happen`)
}

/** `p`'s outcome, waiting on events only: fails (instead of hanging until the test timeout) when it does not settle. */
export async function bounded<T> (p: Promise<T>, what = 'the promise'): Promise<T> {
  const t = track(p)
  await until(t.settled, what)
  return await p
}

/** `p` itself, marked handled: a rejection looked at later (after other waits) is not reported as unhandled meanwhile. */
export function quiet<T> (p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}

/** A promise's state without waiting for it. */
export function track<T> (p: Promise<T>): { settled: () => boolean, promise: Promise<T> } {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  return { settled: () => done, promise: p }
}

/** With fake timers: the handler's promise `done` is not settled at `ms` − 1 and settles at `ms`. */
export async function settlesAt (done: Promise<void>, ms: number): Promise<void> {
  const handled = track(done)
  await vi.advanceTimersByTimeAsync(ms - 1)
  expect(handled.settled()).toBe(false)
  await vi.advanceTimersByTimeAsync(1)
  await until(handled.settled, 'the handler')
}

/** The error a promise rejects with, waiting on events only (fails if it does not settle). */
export async function rejection (p: Promise<unknown>): Promise<Error> {
  const t = track(p)
  await until(t.settled, 'the rejection')
  return await p.then(() => { throw new Error('resolved instead of rejecting') }, err => err as Error)
}

/** Timers of `ms` started during `fn`, and whether each was cleared by the end. */
export async function timersOf (ms: number, fn: () => Promise<unknown>): Promise<{ started: number, leftRunning: number }> {
  const set = vi.spyOn(globalThis, 'setTimeout')
  const clear = vi.spyOn(globalThis, 'clearTimeout')
  try {
    await fn()
    const mine = set.mock.calls.flatMap((c, i) => c[1] === ms ? [set.mock.results[i].value] : [])
    const cleared = new Set(clear.mock.calls.map(c => c[0]))
    return { started: mine.length, leftRunning: mine.filter(h => !cleared.has(h)).length }
  } finally {
    set.mockRestore()
    clear.mockRestore()
  }
}

export interface LogLine { component: string, level: 'log' | 'error' | 'trace', format: string, args: unknown[] }

/** A ComponentLogger that keeps every line. */
export function recordingLogger (): ComponentLogger & { lines: LogLine[], components: string[] } {
  const lines: LogLine[] = []
  const components: string[] = []
  const make = (component: string): Logger => {
    const log = ((format: string, ...args: unknown[]) => { lines.push({ component, level: 'log', format, args }) }) as Logger
    log.error = (format: string, ...args: unknown[]) => { lines.push({ component, level: 'error', format, args }) }
    log.trace = (format: string, ...args: unknown[]) => { lines.push({ component, level: 'trace', format, args }) }
    log.enabled = true
    log.newScope = (name: string) => make(`${component}:${name}`)
    return log
  }
  return {
    lines,
    components,
    forComponent (name: string) {
      components.push(name)
      return make(name)
    }
  }
}

export interface DepositCall { owner: MailboxOwner, envelope: Uint8Array, requester: PeerId, options?: DepositOptions }

/**
 * A MailboxBackend in memory. Each method can be replaced per test (`hooks`); by default deposits are stored with
 * ids `e0001`, `e0002`, … and notified to subscribers, lists page by cursor, acks delete.
 */
export class MemoryBackend implements MailboxBackend {
  readonly entries: MailboxEntry[] = []
  readonly deposits: DepositCall[] = []
  readonly lists: Array<{ after: string | undefined, limit: number, maxBytes: number, signal?: AbortSignal }> = []
  readonly acks: Array<{ ids: string[], signal?: AbortSignal }> = []
  readonly keys: Array<{ owner: MailboxOwner, key: Uint8Array }> = []
  readonly listeners = new Set<(entry: MailboxEntry) => void>()
  private seq = 0
  hooks: {
    deposit?: (call: DepositCall) => Promise<string>
    list?: (after: string | undefined, options?: AbortOptions) => Promise<MailboxEntry[]>
    ack?: (ids: string[], options?: AbortOptions) => Promise<void>
  } = {}

  nextId (): string {
    return `e${String(++this.seq).padStart(4, '0')}`
  }

  /** Stores an entry as a deposit would, without notifying (for the drain). */
  add (envelope: Uint8Array, receivedAt = 1_700_000_000_000): MailboxEntry {
    const entry = { id: this.nextId(), envelope, receivedAt }
    this.entries.push(entry)
    return entry
  }

  /** Tells the subscribers of a commit (as the store does after its synced write). */
  notify (entry: MailboxEntry): void {
    for (const l of this.listeners) l(entry)
  }

  async deposit (owner: MailboxOwner, envelope: Uint8Array, requester: PeerId, options?: DepositOptions): Promise<string> {
    const call = { owner, envelope, requester, options }
    this.deposits.push(call)
    if (this.hooks.deposit != null) return await this.hooks.deposit(call)
    const entry = this.add(envelope)
    this.notify(entry)
    return entry.id
  }

  async list (owner: MailboxOwner, after: string | undefined, limit: number, maxBytes: number, options?: AbortOptions): Promise<MailboxEntry[]> {
    this.lists.push({ after, limit, maxBytes, signal: options?.signal })
    if (this.hooks.list != null) return await this.hooks.list(after, options)
    const from = after == null ? 0 : this.entries.findIndex(e => e.id > after)
    return from < 0 ? [] : this.entries.slice(from, from + limit)
  }

  async ack (owner: MailboxOwner, ids: string[], options?: AbortOptions): Promise<void> {
    this.acks.push({ ids, signal: options?.signal })
    if (this.hooks.ack != null) { await this.hooks.ack(ids, options); return }
    for (const id of ids) {
      const i = this.entries.findIndex(e => e.id === id)
      if (i >= 0) this.entries.splice(i, 1)
    }
  }

  subscribe (owner: MailboxOwner, listener: (entry: MailboxEntry) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  async setDeliveryKey (owner: MailboxOwner, key: Uint8Array): Promise<void> {
    this.keys.push({ owner, key })
  }
}

/** A promise that settles only when `signal` aborts (with its reason): a backend call or peer that never answers. */
export async function untilAbort (signal: AbortSignal | undefined): Promise<never> {
  return await new Promise<never>((_resolve, reject) => {
    if (signal == null) return
    if (signal.aborted) { reject(signal.reason); return }
    signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
  })
}

export interface Relay {
  server: MailboxServer
  backend: MemoryBackend
  logger: ReturnType<typeof recordingLogger>
  relayPeerId: PeerId
  handleOptions: StreamHandlerOptions | undefined
  protocol: string | undefined
  /** handler calls so far, each settling when the server is done with that stream */
  handled: Array<Promise<void>>
  /** a new stream to the relay: the server's handler runs on the other end */
  connect: (remotePeer: PeerId) => Promise<{ client: Stream, server: Stream, done: Promise<void> }>
}

/** A started MailboxServer on an in-memory backend (or the one given). */
export async function startRelay (init: Partial<MailboxServerInit> = {}, backend = new MemoryBackend()): Promise<Relay> {
  const logger = recordingLogger()
  const relayPeerId = await newPeerId()
  let handler: StreamHandler | undefined
  const relay: Relay = {
    server: undefined as unknown as MailboxServer,
    backend,
    logger,
    relayPeerId,
    handleOptions: undefined,
    protocol: undefined,
    handled: [],
    connect: async (remotePeer) => {
      if (handler == null) throw new Error('not started')
      const [client, server] = await streamPair()
      const done = Promise.resolve(handler(server, { remotePeer } as unknown as Connection))
      relay.handled.push(done)
      return { client, server, done }
    }
  }
  relay.server = new MailboxServer({
    peerId: relayPeerId,
    logger,
    registrar: {
      handle: async (protocol, h, options) => { relay.protocol = protocol; handler = h; relay.handleOptions = options },
      unhandle: async () => { handler = undefined }
    }
  }, { backend, ...init })
  await relay.server.start()
  return relay
}

/** A raw frame peer on one stream end (a hand-written client or relay). */
export function rawPeer (stream: Stream, maxFrameBytes = Math.max(MAX_CLIENT_FRAME_BYTES, MAX_RELAY_FRAME_BYTES)): FrameStream & {
  sendClient: (frame: Partial<ClientFrame>) => Promise<void>
  sendRelay: (frame: Partial<RelayFrame>) => Promise<void>
  readClient: () => Promise<ClientFrame | null>
  readRelay: () => Promise<RelayFrame | null>
} {
  const frames = frameStream(stream, { maxFrameBytes })
  return {
    ...frames,
    sendClient: async frame => { await frames.write(ClientFrame.encode(frame)) },
    sendRelay: async frame => { await frames.write(RelayFrame.encode(frame)) },
    read: async options => await bounded(frames.read(options), 'the next frame'),
    readClient: async () => { const b = await bounded(frames.read(), 'the next client frame'); return b == null ? null : ClientFrame.decode(b) },
    readRelay: async () => { const b = await bounded(frames.read(), 'the next relay frame'); return b == null ? null : RelayFrame.decode(b) }
  }
}

/** Every relay frame until the clean end; rejects when the stream is reset. */
export async function readAllRelay (peer: ReturnType<typeof rawPeer>): Promise<RelayFrame[]> {
  const out: RelayFrame[] = []
  while (true) {
    const f = await peer.readRelay()
    if (f == null) return out
    out.push(f)
  }
}

/** A DialingNode that hands out `stream` (or what the factory makes of the dial's options) and records the dials. */
export function dialingNode (stream: Stream | ((options?: AbortOptions) => Promise<Stream>)): DialingNode & { dials: Array<{ protocol: string | string[], signal?: AbortSignal }> } {
  const dials: Array<{ protocol: string | string[], signal?: AbortSignal }> = []
  return {
    dials,
    dialProtocol: async (_peer, protocol, options) => {
      dials.push({ protocol, signal: options?.signal })
      return typeof stream === 'function' ? await stream(options) : stream
    }
  }
}

/** A MailboxNode whose connection to the relay (peer id `relayPeerId`) opens `stream` (or what the factory makes of newStream's options). */
export function mailboxNode (peerId: PeerId, relayPeerId: PeerId, stream: Stream | ((options?: AbortOptions) => Promise<Stream>), dial?: (options?: AbortOptions) => Promise<void>): MailboxNode & { protocols: string[] } {
  const protocols: string[] = []
  return {
    peerId,
    protocols,
    dial: async (_peer, options) => {
      await dial?.(options)
      return {
        remotePeer: relayPeerId,
        newStream: async (protocol: string, options?: AbortOptions) => {
          protocols.push(protocol)
          return typeof stream === 'function' ? await stream(options) : stream
        }
      } as unknown as Connection
    }
  }
}

/** A relay address naming `peerId`. */
export const addrOf = (peerId: PeerId): string => multiaddr(`/ip4/127.0.0.1/tcp/4001/p2p/${peerId.toString()}`).toString()

/**
 * Makes `stream` report its remote as full (a peer that stopped reading): the next chunk sent is still delivered,
 * but the write that sent it and every later one wait for a drain that never comes, and so does `close()`.
 */
export function stall (stream: Stream): void {
  const s = stream as unknown as { sendData: (data: unknown) => { sentBytes: number, canSendMore: boolean } }
  const send = s.sendData.bind(s)
  s.sendData = (data) => ({ ...send(data), canSendMore: false })
}

export type { Deferred }
export { deferred }

/** Fake clocks for the timers the mailbox code sets; setImmediate stays real so `until` can wait on events. */
export function fakeTimers (): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
}

/** A stream end's fate as its peer sees it, once known: `reset` (the other side aborted) or `closed` (it closed its writing end cleanly). */
export async function fate (stream: Stream): Promise<'reset' | 'closed'> {
  await until(() => stream.status === 'reset' || stream.remoteWriteStatus === 'closed', 'the remote end')
  return stream.status === 'reset' ? 'reset' : 'closed'
}
