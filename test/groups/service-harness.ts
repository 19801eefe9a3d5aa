// A small world for the group service, in one process: members with real sessions and memory storage, a control channel that delivers each 1:1 control payload to every device of a number (held while it is offline, as a mailbox would), gossipsub as a bus that runs every joined member's validator, and relays' group stores with per-device cursors. Nothing is faked of the group service itself.
import { sha256 } from '@noble/hashes/sha2.js'
import { Groups, type GroupEvents } from '../../src/groups/service/groups.js'
import { groupStorePort } from '../../src/groups/service/store-adapter.js'
import type { GossipVerdict, GroupPubsub, GroupRelays, MemberRecord } from '../../src/groups/service/ports.js'
import { groupMessageRef } from '../../src/groups/topic.js'
import { SyncGroup, toHex, type DeviceAddress } from '../../src/storage/index.js'
import { constantTimeEqual } from '../../src/crypto/bytes.js'
import { Party, TestClock } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** One device of one member. */
export interface Device {
  name: string
  phone: string
  party: Party
  groups: Groups
  /** its account's mailbox relays */
  relays: string[]
  online: boolean
  /** ms this device's clock is off the world's (a clock set wrong by hand) */
  skew: number
  events: { [K in keyof GroupEvents]: Array<GroupEvents[K]> }
  /** every gossip verdict this device's validator gave, in order */
  verdicts: GossipVerdict[]
}

interface Delivery { to: Device, from: string, sender: DeviceAddress, bytes: Uint8Array }
interface Stored { position: string, ref: string, message: Uint8Array }
interface RelayTopic { check: Uint8Array, messages: Stored[], cursors: Map<string, string> }

const EVENTS: Array<keyof GroupEvents> = ['group-message', 'group-status', 'group-update', 'error']

export class GroupWorld {
  readonly devices: Device[] = []
  readonly clock = new TestClock()
  readonly rng: SeededRandom
  /** control payloads waiting for their device (offline, or not yet delivered) */
  readonly mail: Delivery[] = []
  /** the relays' group stores, by relay name, then topic hex */
  readonly relayStores = new Map<string, Map<string, RelayTopic>>()
  /** topic hex → devices that joined it */
  readonly topics = new Map<string, Set<Device>>()
  /** gossip deliveries waiting to run */
  private readonly gossip: Array<{ to: Device, topic: string, data: Uint8Array }> = []
  /** relays that refuse every call (down) */
  readonly down = new Set<string>()
  /** a hook to rewrite or drop gossip before a device validates it */
  gossipFilter?: (to: Device, data: Uint8Array) => Uint8Array | undefined
  private position = 0

  constructor (seed: number) {
    this.rng = new SeededRandom(seed)
  }

  /** A new member account with one device, registered (in the directory) with the given relays. */
  async add (name: string, phone: string, relays: string[] = ['relay-a']): Promise<Device> {
    const party = await Party.create(name, memoryBackend(), this.rng, this.clock, 0)
    const d = this.device(name, phone, party, relays)
    await d.groups.start()
    return d
  }

  /** Another device of `of`'s account (a linked device). */
  async link (name: string, of: Device): Promise<Device> {
    const party = await Party.companion(name, of.party, this.devices.filter(d => d.phone === of.phone).length + 1, memoryBackend(), this.rng, this.clock)
    const d = this.device(name, of.phone, party, of.relays)
    await d.groups.start()
    return d
  }

  private device (name: string, phone: string, party: Party, relays: string[]): Device {
    const d = { name, phone, party, relays, online: true, skew: 0, verdicts: [] } as unknown as Device
    d.events = Object.fromEntries(EVENTS.map(e => [e, []])) as unknown as Device['events']
    this.build(d)
    this.devices.push(d)
    return d
  }

  /** The device's Groups over its party's storage (again after a restart). */
  private build (d: Device): void {
    const { phone, relays } = d
    const party = d.party
    const groups = new Groups({
      self: async () => ({ phone, identity: party.local.identity, device: party.address, mailboxRelays: relays }),
      store: groupStorePort(party.storage.kv('groups'), this.clock.now),
      kv: n => party.storage.kv(n),
      messages: party.storage.messages,
      sessions: party.groups,
      control: {
        sendGroupControl: async (to, bytes) => {
          for (const target of this.devices) {
            if (target.phone !== to || target === d) continue
            this.mail.push({ to: target, from: phone, sender: party.address, bytes })
          }
          return toHex(this.rng.random(16))
        }
      },
      directory: { lookup: async e164 => this.record(e164) },
      pubsub: this.pubsub(d),
      relays: this.relayClient(d),
      now: () => this.clock.now() + d.skew,
      random: this.rng.random,
      linkedDevices: async () => this.devices.filter(x => x.phone === phone).length > 1
    })
    d.groups = groups
    for (const e of EVENTS) groups.on(e, (x: unknown) => { (d.events[e] as unknown[]).push(x) })
  }

  /** A process restart: the device's storage reopened and its Groups built again from it (nothing kept in memory). */
  async restart (d: Device): Promise<void> {
    await d.groups.stop()
    for (const set of this.topics.values()) set.delete(d)
    await d.party.restart()
    this.build(d)
    await d.groups.start()
    await this.settle()
  }

  record (e164: string): MemberRecord | undefined {
    const devices = this.devices.filter(d => d.phone === e164)
    if (devices.length === 0) return undefined
    return { identityKey: devices[0].party.local.identity.publicKey, mailboxRelays: devices[0].relays, peers: devices.map(d => d.name), verified: true }
  }

  private pubsub (d: Device): GroupPubsub {
    const validators = new Map<string, (data: Uint8Array) => Promise<GossipVerdict>>()
    ;(d as unknown as { validators: typeof validators }).validators = validators
    return {
      join: async (topic, handlers) => {
        const key = toHex(topic)
        validators.set(key, handlers.validate)
        let set = this.topics.get(key)
        if (set == null) this.topics.set(key, set = new Set())
        set.add(d)
      },
      leave: async topic => {
        validators.delete(toHex(topic))
        this.topics.get(toHex(topic))?.delete(d)
      },
      publish: async (topic, data) => {
        const key = toHex(topic)
        let n = 0
        for (const to of this.topics.get(key) ?? []) {
          if (to === d || !to.online) continue
          this.gossip.push({ to, topic: key, data })
          n++
        }
        return n
      }
    }
  }

  private relayClient (d: Device): GroupRelays {
    const store = (relay: string): Map<string, RelayTopic> => {
      if (this.down.has(relay)) throw new Error(`relay ${relay} is down`)
      let s = this.relayStores.get(relay)
      if (s == null) this.relayStores.set(relay, s = new Map())
      return s
    }
    const end = (t: RelayTopic): string => t.messages.at(-1)?.position ?? ''
    return {
      deposit: async (relay, topic, depositKey, message) => {
        const t = store(relay).get(toHex(topic))
        if (t == null || !constantTimeEqual(sha256(depositKey), t.check)) throw new Error('unknown topic')
        const ref = toHex(groupMessageRef(message))
        if (t.messages.some(m => m.ref === ref)) return
        t.messages.push({ position: (++this.position).toString(16).padStart(12, '0'), ref, message })
      },
      register: async (relay, topics) => {
        const s = store(relay)
        for (const { topic, depositCheck } of topics) {
          let t = s.get(toHex(topic))
          if (t == null) s.set(toHex(topic), t = { check: depositCheck, messages: [], cursors: new Map() })
          if (!t.cursors.has(d.name)) t.cursors.set(d.name, end(t))
        }
      },
      unregister: async (relay, topics) => {
        for (const topic of topics) store(relay).get(toHex(topic))?.cursors.delete(d.name)
      },
      fetch: async (relay, topic) => {
        const t = store(relay).get(toHex(topic))
        const cursor = t?.cursors.get(d.name)
        if (t == null || cursor == null) return { messages: [], ack: async () => {} }
        return {
          messages: t.messages.filter(m => m.position > cursor).map(m => ({ position: m.position, message: m.message })),
          ack: async position => { if (position > (t.cursors.get(d.name) ?? '')) t.cursors.set(d.name, position) }
        }
      },
      byRef: async (relay, topic, depositKey, refs) => {
        const t = store(relay).get(toHex(topic))
        if (t == null || !constantTimeEqual(sha256(depositKey), t.check)) throw new Error('unknown topic')
        const wanted = new Set(refs.map(r => toHex(r)))
        return t.messages.filter(m => wanted.has(m.ref)).map(m => m.message)
      }
    }
  }

  /** Takes a device offline (nothing reaches it) or back online (it catches up from its relays and takes its mail). */
  async setOnline (d: Device, online: boolean): Promise<void> {
    d.online = online
    if (online) {
      await this.settle()
      for (const g of await d.groups.list()) if (g.active) await d.groups.catchUp(fromHexId(g.groupId))
    }
  }

  /** Runs everything in flight until nothing moves: control mail to online devices, gossip, the group outboxes, receipts. */
  async settle (): Promise<void> {
    for (let round = 0; round < 200; round++) {
      let moved = false
      for (const d of this.devices) {
        if (!d.online) continue
        await d.groups.flushReceipts()
        await d.groups.idle()
      }
      while (true) {
        const i = this.mail.findIndex(m => m.to.online)
        if (i < 0) break
        const [m] = this.mail.splice(i, 1)
        const sync = new SyncGroup()
        const taken = await m.to.groups.takeControl(m.from, m.sender, m.bytes, { syncGroup: sync })
        await sync.flush()
        taken.after?.()
        moved = true
      }
      while (this.gossip.length > 0) {
        const g = this.gossip.shift()!
        if (!g.to.online) continue
        const data = this.gossipFilter != null ? this.gossipFilter(g.to, g.data) : g.data
        if (data == null) continue
        const validate = (g.to as unknown as { validators: Map<string, (data: Uint8Array) => Promise<GossipVerdict>> }).validators.get(g.topic)
        if (validate == null) continue
        g.to.verdicts.push(await validate(data))
        moved = true
      }
      // let background work (after() callbacks, held messages released) run
      await new Promise(resolve => { setImmediate(resolve) })
      if (!moved && this.mail.every(m => !m.to.online) && this.gossip.length === 0) return
    }
    throw new Error('the group world never settled')
  }

  async stop (): Promise<void> {
    for (const d of this.devices) {
      await d.groups.stop()
      await d.party.dispose()
    }
  }
}

export function fromHexId (hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map(b => parseInt(b, 16)))
}
