/** This identity's devices as this device knows them: the other devices' directory entries (from our own newest record), removed ids, names and last activity; knows nothing of the DHT or of sending. */
import type { AbortOptions } from '@libp2p/interface'
import { toString as toBase64, fromString as fromBase64 } from 'uint8arrays'
import { MAX_DEVICES, MAX_REMOVED_DEVICES, type DirectoryDevice, type DirectoryRecordFields } from '../directory/index.js'
import type { KeyValueStore } from '../storage/index.js'
import { KeyedMutex } from '../util/keyed-mutex.js'
import { DeviceLimitError, InvalidDeviceNameError, UnknownDeviceError } from './errors.js'

/** Longest device name (UTF-16 code units), e.g. "Firefox on the kitchen laptop". */
export const MAX_DEVICE_NAME_CHARS = 64

/** What kind of device runs Parley: shown next to its name. */
export type DeviceKind = 'browser' | 'cli' | 'node'

/** One device of this identity, as `devices list` shows it. */
export interface OwnDevice {
  deviceId: number
  name: string
  kind?: DeviceKind
  peerId: string
  /** ms since epoch of the last thing this device heard from it (its own entry: now); undefined when never */
  lastSeen?: number
  /** this is the device answering */
  current: boolean
}

/** What our own newest record says: who else is an identity's device. */
export interface OwnRecordView {
  seq: number
  devices: DirectoryDevice[]
  removedDevices: number[]
}

interface StoredEntry { deviceId: number, peerId: string, certificate: string, prekeyBundle: string }
interface Stored {
  /** seq of the newest own record adopted */
  seq: number
  /** the other devices' directory entries (never our own) */
  others: StoredEntry[]
  removed: number[]
  names: Record<string, { name: string, kind?: DeviceKind }>
  lastSeen: Record<string, number>
  /** our own device was removed: set once, never cleared */
  selfRemoved?: boolean
  /** changes made here and not yet in a record we published: kept over records seen meanwhile */
  unpublished?: { added: number[], removed: number[] }
}

const KEY = 'list'
const enc = new TextEncoder()
const dec = new TextDecoder()
const b64 = (b: Uint8Array): string => toBase64(b, 'base64')
const unb64 = (s: string): Uint8Array => fromBase64(s, 'base64')
const toStored = (d: DirectoryDevice): StoredEntry => ({ deviceId: d.deviceId, peerId: d.peerId, certificate: b64(d.certificate), prekeyBundle: b64(d.prekeyBundle) })
const fromStored = (d: StoredEntry): DirectoryDevice => ({ deviceId: d.deviceId, peerId: d.peerId, certificate: unb64(d.certificate), prekeyBundle: unb64(d.prekeyBundle) })

/** Checks a device name a person typed; returns it trimmed. */
export function checkDeviceName (name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : ''
  if (trimmed.length === 0 || trimmed.length > MAX_DEVICE_NAME_CHARS) throw new InvalidDeviceNameError(MAX_DEVICE_NAME_CHARS)
  return trimmed
}

export class OwnDevices {
  private state?: Stored
  private readonly writes = new KeyedMutex()

  constructor (private readonly store: KeyValueStore, private readonly self: { deviceId: number, peerId: string, now: () => number }) {}

  private async load (options?: AbortOptions): Promise<Stored> {
    if (this.state != null) return this.state
    const raw = await this.store.get(KEY, options)
    this.state = raw == null ? { seq: 0, others: [], removed: [], names: {}, lastSeen: {} } : JSON.parse(dec.decode(raw)) as Stored
    return this.state
  }

  private async change (fn: (s: Stored) => Stored | undefined, options?: AbortOptions): Promise<Stored> {
    return await this.writes.run(KEY, async () => {
      const next = fn(structuredClone(await this.load(options)))
      if (next == null) return await this.load(options)
      await this.store.put(KEY, enc.encode(JSON.stringify(next)), { ...options, sync: true })
      this.state = next
      return next
    })
  }

  /** True once this device learnt it was removed from the identity. */
  async removed (options?: AbortOptions): Promise<boolean> {
    return (await this.load(options)).selfRemoved === true
  }

  /**
   * Adopts our own record seen in the directory when it is newer than the one known: the other devices and
   * the removed ids. 'removed' when it removes this device (then nothing else is adopted).
   */
  async observe (record: OwnRecordView, options?: AbortOptions): Promise<'adopted' | 'known' | 'removed'> {
    let outcome: 'adopted' | 'known' | 'removed' = 'known'
    await this.change(s => {
      if (s.selfRemoved === true || record.removedDevices.includes(this.self.deviceId)) {
        outcome = 'removed'
        return s.selfRemoved === true ? undefined : { ...s, selfRemoved: true }
      }
      if (record.seq <= s.seq) return undefined
      outcome = 'adopted'
      // what we changed and have not published yet stays: a device we linked, or removed, a moment ago
      const pending = s.unpublished ?? { added: [], removed: [] }
      const removed = mergeRemoved(mergeRemoved(s.removed, record.removedDevices), pending.removed)
      const fromRecord = record.devices.filter(d => d.deviceId !== this.self.deviceId && !removed.includes(d.deviceId)).map(toStored)
      const added = s.others.filter(d => pending.added.includes(d.deviceId) && !removed.includes(d.deviceId) && !fromRecord.some(r => r.deviceId === d.deviceId))
      return { ...s, seq: record.seq, removed, others: [...fromRecord, ...added] }
    }, options)
    return outcome
  }

  /** The record fields to publish: our own entry first, then the other devices, and the removed ids; `minSeq` is above every own record seen. */
  async recordFields (own: DirectoryRecordFields, options?: AbortOptions): Promise<{ fields: DirectoryRecordFields, minSeq: number }> {
    const s = await this.load(options)
    const mine = own.devices.filter(d => d.deviceId === this.self.deviceId)
    return {
      fields: { ...own, devices: [...mine, ...s.others.map(fromStored)], removedDevices: s.removed },
      minSeq: s.seq + 1
    }
  }

  /** A device id never used by this identity: one above every listed and removed id. */
  async nextDeviceId (options?: AbortOptions): Promise<number> {
    const s = await this.load(options)
    return Math.max(this.self.deviceId, ...s.others.map(d => d.deviceId), ...s.removed) + 1
  }

  /** Adds a newly linked device (its signed entry) with the name the approver gave it. DeviceLimitError beyond MAX_DEVICES. */
  async add (entry: DirectoryDevice, name: string, kind: DeviceKind | undefined, options?: AbortOptions): Promise<void> {
    const checked = checkDeviceName(name)
    await this.change(s => {
      if (s.others.some(d => d.deviceId === entry.deviceId) || s.removed.includes(entry.deviceId) || entry.deviceId === this.self.deviceId) throw new RangeError(`device id ${entry.deviceId} is already used`)
      if (s.others.length + 1 >= MAX_DEVICES) throw new DeviceLimitError(MAX_DEVICES - 1)
      const pending = s.unpublished ?? { added: [], removed: [] }
      return { ...s, others: [...s.others, toStored(entry)], names: { ...s.names, [entry.deviceId]: { name: checked, ...(kind != null ? { kind } : {}) } }, unpublished: { ...pending, added: [...pending.added, entry.deviceId] } }
    }, options)
  }

  /** The seq of the newest record of ours seen or published: our device list's version. */
  async seq (options?: AbortOptions): Promise<number> {
    return (await this.load(options)).seq
  }

  /** Notes a record we published (it carries the list as we know it): later publishes and messages name a seq at least this. */
  async published (seq: number, options?: AbortOptions): Promise<void> {
    await this.change(s => {
      if (seq <= s.seq && s.unpublished == null) return undefined
      const { unpublished: _, ...rest } = s
      return { ...rest, seq: Math.max(seq, s.seq) }
    }, options)
  }

  /** How many devices the identity has (this one included). */
  async count (options?: AbortOptions): Promise<number> {
    return (await this.load(options)).others.length + 1
  }

  /** Removes another device of ours: dropped from the list and remembered as removed. UnknownDeviceError when it is not ours (or is this one). */
  async remove (deviceId: number, options?: AbortOptions): Promise<void> {
    await this.change(s => {
      if (deviceId === this.self.deviceId || !s.others.some(d => d.deviceId === deviceId)) throw new UnknownDeviceError()
      const pending = s.unpublished ?? { added: [], removed: [] }
      return { ...s, others: s.others.filter(d => d.deviceId !== deviceId), removed: mergeRemoved(s.removed, [deviceId]), unpublished: { added: pending.added.filter(id => id !== deviceId), removed: [...pending.removed, deviceId] } }
    }, options)
  }

  /** Names a device (ours or another); the names travel to the other devices by sync. */
  async rename (deviceId: number, name: string, options?: AbortOptions): Promise<void> {
    const checked = checkDeviceName(name)
    await this.change(s => {
      if (deviceId !== this.self.deviceId && !s.others.some(d => d.deviceId === deviceId)) throw new UnknownDeviceError()
      return { ...s, names: { ...s.names, [deviceId]: { ...s.names[deviceId], name: checked } } }
    }, options)
  }

  /** Takes names learnt from another own device (by sync); a name of a device we do not know is kept for when we learn it. */
  async adoptNames (names: Record<string, { name: string, kind?: DeviceKind }>, options?: AbortOptions): Promise<void> {
    await this.change(s => ({ ...s, names: { ...s.names, ...names } }), options)
  }

  async names (options?: AbortOptions): Promise<Record<string, { name: string, kind?: DeviceKind }>> {
    return (await this.load(options)).names
  }

  /** Notes that another device of ours was heard from at `at` (kept in memory and written at most once a minute per device). */
  async seen (deviceId: number, at: number, options?: AbortOptions): Promise<void> {
    const s = await this.load(options)
    const last = s.lastSeen[deviceId]
    if (last != null && last > at - 60_000) return
    await this.change(x => ({ ...x, lastSeen: { ...x.lastSeen, [deviceId]: at } }), options)
  }

  /** Every device of the identity, this one first. */
  async list (options?: AbortOptions): Promise<OwnDevice[]> {
    const s = await this.load(options)
    const label = (id: number, fallback: string): { name: string, kind?: DeviceKind } => s.names[id] ?? { name: fallback }
    const me = label(this.self.deviceId, 'This device')
    return [
      { deviceId: this.self.deviceId, ...me, peerId: this.self.peerId, lastSeen: this.self.now(), current: true },
      ...s.others.map(d => {
        const n = label(d.deviceId, `Device ${d.deviceId}`)
        const lastSeen = s.lastSeen[d.deviceId]
        return { deviceId: d.deviceId, ...n, peerId: d.peerId, ...(lastSeen != null ? { lastSeen } : {}), current: false }
      })
    ]
  }
}

/** Removed ids, oldest first, the newest MAX_REMOVED_DEVICES kept. */
function mergeRemoved (a: number[], b: number[]): number[] {
  const out = [...a]
  for (const id of b) if (!out.includes(id)) out.push(id)
  return out.slice(-MAX_REMOVED_DEVICES)
}
