/** The rig of the groups' network tests: relay processes (each a verifier, each the mailbox relay of some members), Parley devices in this process on loopback TCP registered through their relay, each member's group events kept across restarts over the same folder, bounded waits on them, and a tap on a node's topic validator (who handed it which message, and what it said). Knows no group rule. */
import { join } from 'node:path'
import { Parley, createNodeNode, createDepositNodeNode, type ParleyInit, type ReceivedMessage } from '../../src/index.js'
import type { GroupMessageEvent, GroupEvents } from '../../src/groups/service/groups.js'
import { constantTimeEqual, fromHex, toHex } from '../../src/crypto/bytes.js'
import { internals } from '../../src/client/internals.js'
import { startTestRelay, restartTestRelay, type TestRelay } from '../messaging/helpers.js'
import { tempDir } from '../helpers/tmp.js'
import type { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { groupMessageRef, groupTopicString } from '../../src/groups/topic.js'

type TempDir = Awaited<ReturnType<typeof tempDir>>

/** One member account with one device. `parley` is replaced on each restart; the event logs stay. */
export interface Member {
  name: string
  phone: string
  /** index of its (only) mailbox relay */
  relay: number
  parley: Parley
  online: boolean
  /** every 'group-message' this member's devices emitted, over all its runs */
  messages: GroupMessageEvent[]
  updates: Array<GroupEvents['group-update']>
  statuses: Array<GroupEvents['group-status']>
  /** background errors (kept for failure messages, not asserted: relays are stopped on purpose) */
  errors: unknown[]
  /** 1:1 texts received (markers that show what was sent before them on the same session has been taken) */
  texts: ReceivedMessage[]
  /** the clock the member's Parley reads: Date.now() + skew (a test moves it to make a wait due) */
  skew: number
}

/** A condition some event makes true, awaited with a bound; `what` names it in the timeout's message. */
export async function until (condition: () => boolean, timeout: number, what: string | (() => string)): Promise<void> {
  if (condition()) return
  const deadline = Date.now() + timeout
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (condition()) {
        waiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
    }
    const timer = setTimeout(() => {
      waiters.delete(check)
      reject(new Error(`${typeof what === 'string' ? what : what()}: not within ${timeout} ms`))
    }, Math.max(0, deadline - Date.now()))
    waiters.add(check)
  })
}

/** Conditions waiting for the next member event. */
const waiters = new Set<() => void>()
const wake = (): void => { for (const w of [...waiters]) w() }

export class GroupNet {
  readonly members: Member[] = []
  private constructor (readonly dir: TempDir, readonly relays: TestRelay[], private readonly trustedVerifiers: Uint8Array[]) {}

  /** `n` relay processes, each bootstrapping from the ones before it. */
  static async start (n: number): Promise<GroupNet> {
    const dir = await tempDir('parley-groupnet-')
    const relays: TestRelay[] = []
    try {
      for (let i = 0; i < n; i++) relays.push(await startTestRelay(join(dir.path, `relay${i}`), relays.map(r => r.relay.addr('tcp'))))
    } catch (err) {
      for (const r of relays) await r.relay.stop()
      await dir.remove()
      throw err
    }
    return new GroupNet(dir, relays, relays.map(r => fromHex(String(r.relay.listening.verifierKey))))
  }

  private async open (m: Pick<Member, 'name' | 'relay'>, extra: Partial<ParleyInit>): Promise<Parley> {
    const clock = (): number => Date.now() + this.skewOf(m.name)
    return await Parley.create({
      dataDir: join(this.dir.path, m.name),
      // its one relay: the bootstrap, the verifier that attests its number and its only mailbox relay
      bootstrap: [this.relays[m.relay].relay.addr('tcp')],
      listen: ['/ip4/127.0.0.1/tcp/0'],
      // devices are DHT clients, as browser devices are: the directory lives on the relays. As DHT servers, 20
      // devices in one process spent most of the run keeping each other's routing tables (docs/group-tests.md)
      createNode: async init => await createNodeNode({ ...init, dhtMode: 'client' }),
      createDepositNode: createDepositNodeNode,
      // members are attested by three verifiers: every device trusts all three
      trustedVerifiers: this.trustedVerifiers,
      now: clock,
      ...extra
    })
  }

  private skewOf (name: string): number {
    return this.members.find(x => x.name === name)?.skew ?? 0
  }

  private listen (m: Member): void {
    m.parley.groups.on('group-message', e => { m.messages.push(e); wake() })
    m.parley.groups.on('group-update', e => { m.updates.push(e); wake() })
    m.parley.groups.on('group-status', e => { m.statuses.push(e); wake() })
    m.parley.on('error', err => { m.errors.push(err) })
    m.parley.on('message', e => { m.texts.push(e); wake() })
  }

  /** A new member registered through relay `relay` (its mailbox relay). */
  async add (name: string, phone: string, relay: number, extra: Partial<ParleyInit> = {}): Promise<Member> {
    const parley = await this.open({ name, relay }, extra)
    const m: Member = { name, phone, relay, parley, online: true, messages: [], updates: [], statuses: [], errors: [], texts: [], skew: 0 }
    this.members.push(m)
    this.listen(m)
    const sms = this.relays[relay].sms
    const before = sms.count
    await parley.register(phone)
    await parley.verify(await sms.next(phone, before))
    return m
  }

  /** The member's device stops (its folder stays). */
  async stop (m: Member): Promise<void> {
    if (!m.online) return
    m.online = false
    await m.parley.stop()
  }

  /** The member's device starts again over the same folder: it catches up with what it missed. */
  async restart (m: Member, extra: Partial<ParleyInit> = {}): Promise<void> {
    if (m.online) return
    m.parley = await this.open(m, extra)
    m.online = true
    this.listen(m)
  }

  async stopRelay (i: number): Promise<void> {
    await this.relays[i].relay.stop()
  }

  /** The relay back on its folder and address (same peer id, same verifier key). */
  async restartRelay (i: number): Promise<void> {
    this.relays[i] = await restartTestRelay(this.relays[i])
  }

  byPhone (phone: string): Member {
    const m = this.members.find(x => x.phone === phone)
    if (m == null) throw new Error('no such member')
    return m
  }

  async close (): Promise<void> {
    await Promise.all(this.members.map(async m => { if (m.online) await m.parley.stop().catch(() => {}) }))
    for (const r of this.relays) await r.relay.stop().catch(() => {})
    await this.dir.remove()
  }
}

/** How many 'group-message' events `m` has had for each message id of `group`. */
export function counts (m: Member, group: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of m.messages) if (e.group === group) out.set(e.id, (out.get(e.id) ?? 0) + 1)
  return out
}

/** The other members whose sender keys `m`'s device holds for the group (its storage: what decrypts their messages). */
export async function keysHeld (m: Member, group: string): Promise<number> {
  return (await internals(m.parley).storage.senderKeys.listSenderKeys(group)).filter(n => !constantTimeEqual(n.sender.identityKey, m.parley.identity.publicKey)).length
}

/** Group messages the member's device still has to put at some relay (its group outbox, in its storage). */
export async function pendingDeposits (m: Member): Promise<number> {
  let n = 0
  for await (const _ of internals(m.parley).storage.kv('groups-group-deposits').iterate({})) n++
  return n
}

/**
 * Gossipsub keeps a message for 5 heartbeats (IWANT answers) and offers it to peers (IHAVE) during 3: once every
 * member's node has had 5 heartbeats after a message, nobody hands it over by gossip any more, and a member
 * starting then gets it only from a relay.
 */
export const GOSSIP_FORGETS_AFTER_HEARTBEATS = 5

/** Resolves when each member's node has had `n` gossipsub heartbeats from now (bounded). */
export async function heartbeats (list: Member[], n: number, timeout: number): Promise<void> {
  await Promise.all(list.map(async m => {
    const pubsub = internals(m.parley).node.services.pubsub
    await new Promise<void>((resolve, reject) => {
      let seen = 0
      const done = (err?: Error): void => {
        clearTimeout(timer)
        pubsub.removeEventListener('gossipsub:heartbeat', beat)
        if (err != null) reject(err)
        else resolve()
      }
      const beat = (): void => { if (++seen >= n) done() }
      const timer = setTimeout(() => { done(new Error(`${m.name}: ${seen} of ${n} gossip heartbeats within ${timeout} ms`)) }, timeout)
      pubsub.addEventListener('gossipsub:heartbeat', beat)
    })
  }))
}

/** One validation on an honest node: who handed it the message, which message, what the node said. */
export interface Validation { from: string, ref: string, data: Uint8Array, result: TopicValidatorResult }

/**
 * Records every verdict of the member's node on the group's topic (around the group service's validator, which
 * still decides). Installed on a node that has joined the topic; returns the records, filled as they come.
 */
export function tapValidator (m: Member, groupId: Uint8Array): Validation[] {
  const pubsub = internals(m.parley).node.services.pubsub
  const name = groupTopicString(groupId)
  const inner = pubsub.topicValidators.get(name)
  if (inner == null) throw new Error(`${m.name} has not joined the topic`)
  const seen: Validation[] = []
  pubsub.topicValidators.set(name, async (from: PeerId, msg) => {
    const result = await inner(from, msg)
    seen.push({ from: from.toString(), ref: toHex(groupMessageRef(msg.data)), data: msg.data, result })
    return result
  })
  return seen
}
