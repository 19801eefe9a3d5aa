/** Helpers for the gossipsub tests: Parley client nodes and raw gossipsub nodes on loopback TCP, members that record what they validate and receive, and bounded waits on gossipsub's events. */
import { identify } from '@libp2p/identify'
import { sha256 } from '@noble/hashes/sha2.js'
import { gossipsub, type GossipSub, type GossipsubOpts } from '@libp2p/gossipsub'
import type { Libp2p } from 'libp2p'
import type { PeerId } from '@libp2p/interface'
import { createNodeNode, type ParleyNode } from '../../src/net/node.js'
import { GroupTopics, groupMessageRef, type GroupTopicsInit, type GroupVerdict, type ValidateContext } from '../../src/net/gossip/index.js'
import { startNode } from '../protocols/nodes.js'
import { WaitTimeoutError } from '../helpers/wait.js'

/** Heartbeat of every test node: meshes form and scores refresh ten times faster than with the default. */
export const TEST_HEARTBEAT_MS = 100

/** Bound of every wait in these tests. */
export const WAIT_MS = 10_000

/** A Parley client node (createNodeNode, gossipsub as the app runs it) on loopback TCP only, with its GroupTopics. */
export async function parleyNode (topics: GroupTopicsInit = {}): Promise<{ node: ParleyNode, topics: GroupTopics }> {
  const node = await createNodeNode({ listen: ['/ip4/127.0.0.1/tcp/0'], dhtMode: 'client', inboundPerSecondPerHost: Number.MAX_SAFE_INTEGER, gossip: { heartbeatInterval: TEST_HEARTBEAT_MS } })
  return { node, topics: new GroupTopics(node.services.pubsub, topics) }
}

/** A plain gossipsub node with the given options and none of Parley's limits: the attacker's side (or a peer that signs). */
export async function rawGossipNode (options: Partial<GossipsubOpts> = {}): Promise<Libp2p<{ pubsub: GossipSub }>> {
  return await startNode<{ pubsub: GossipSub }>({
    identify: identify(),
    pubsub: gossipsub({
      globalSignaturePolicy: 'StrictNoSign',
      msgIdFn: msg => groupMessageRef(msg.data),
      allowPublishToZeroTopicPeers: true,
      floodPublish: true,
      heartbeatInterval: TEST_HEARTBEAT_MS,
      ...options
    })
  } as never)
}

/** Dials b from a (loopback TCP). */
export async function connect (a: Libp2p, b: Libp2p): Promise<void> {
  await a.dial(b.getMultiaddrs(), { signal: AbortSignal.timeout(WAIT_MS) })
}

/**
 * Resolves once `condition` holds: checked now and after each of the events on `target`, at most `timeout` ms.
 * Gossipsub announces subscriptions, grafts and heartbeats (after which scores are recomputed) by events.
 */
export async function until (target: EventTarget, events: string[], condition: () => boolean, what: string, timeout = WAIT_MS): Promise<void> {
  if (condition()) return
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer)
      for (const e of events) target.removeEventListener(e, check)
    }
    const check = (): void => {
      if (!condition()) return
      cleanup()
      resolve()
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new WaitTimeoutError(`${what}: not so within ${timeout} ms`))
    }, timeout)
    for (const e of events) target.addEventListener(e, check)
  })
}

const text = new TextDecoder()
const bytes = new TextEncoder()

/** A message's bytes from a string (tests tell messages apart by their text). */
export const msg = (s: string): Uint8Array => bytes.encode(s)

/** A member of one topic on one node: judges messages with `judge` (accept by default) and records what it validated and received. */
export class Member extends EventTarget {
  readonly validated: Array<{ data: string, from: PeerId }> = []
  readonly delivered: Array<{ data: string, ref: Uint8Array }> = []
  constructor (private readonly judge: (data: string, context: ValidateContext) => GroupVerdict | Promise<GroupVerdict> = () => 'accept') {
    super()
  }

  readonly handlers = {
    validate: async (_topic: Uint8Array, data: Uint8Array, context: ValidateContext): Promise<GroupVerdict> => {
      this.validated.push({ data: text.decode(data), from: context.from })
      return await this.judge(text.decode(data), context)
    },
    deliver: (data: Uint8Array, { ref }: { ref: Uint8Array }): void => {
      this.delivered.push({ data: text.decode(data), ref })
      this.dispatchEvent(new Event('delivered'))
    }
  }

  /** How often a message with this text was delivered. */
  count (data: string): number {
    return this.delivered.filter(d => d.data === data).length
  }

  /** Resolves once a message with this text was delivered. */
  async received (data: string): Promise<void> {
    await until(this, ['delivered'], () => this.count(data) > 0, `delivery of ${data}`)
  }
}

/**
 * Calls `seen` with the data of every message in each RPC `node` has finished handling from `from` (the RPC
 * dropped unread when `from` is graylisted, or every message in it validated and dispatched: Parley's gossipsub
 * handles one peer's RPCs and messages in order and awaits each). The only sign gossipsub gives of a message it
 * dropped; `handleReceivedRpc` is public on the implementation.
 */
export function watchRpcs (pubsub: unknown, from: PeerId): EventTarget & { handled: string[] } {
  const target = Object.assign(new EventTarget(), { handled: [] as string[] })
  const impl = pubsub as { handleReceivedRpc: (peer: PeerId, rpc: { messages: Array<{ data?: Uint8Array }> }) => Promise<void> }
  const original = impl.handleReceivedRpc.bind(impl)
  impl.handleReceivedRpc = async (peer, rpc) => {
    await original(peer, rpc)
    if (!peer.equals(from)) return
    for (const m of rpc.messages) {
      target.handled.push(text.decode(m.data ?? new Uint8Array()))
      target.dispatchEvent(new Event('handled'))
    }
  }
  return target
}

/** 32 topic bytes, different for each label. */
export function topicBytes (label: string): Uint8Array {
  return sha256(msg(`topic ${label}`))
}
