/** Contacts' profiles (display name, photo) as they shared them, one per number, the newest version kept (kv `contact-profiles`). Knows nothing of how they arrive. */
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'
import { KeyedMutex } from '../util/keyed-mutex.js'

export interface ContactProfile {
  name?: string
  /** JPEG or PNG bytes (checked when it arrived) */
  photo?: Uint8Array
  /** the contact's clock when the profile last changed, ms since the epoch */
  updatedAt: number
}

/** Record layout version: `[1][u64 updatedAt][u16 name bytes][name][photo]`. */
const VERSION = 1
const HEADER = 11
const enc = new TextEncoder()
const dec = new TextDecoder()

export function encodeContactProfile (p: ContactProfile): Uint8Array {
  const name = enc.encode(p.name ?? '')
  const photo = p.photo ?? new Uint8Array(0)
  const out = new Uint8Array(HEADER + name.length + photo.length)
  const view = new DataView(out.buffer)
  out[0] = VERSION
  view.setBigUint64(1, BigInt(p.updatedAt))
  view.setUint16(9, name.length)
  out.set(name, HEADER)
  out.set(photo, HEADER + name.length)
  return out
}

/** The record, or undefined when it is not one of ours (then the next version that arrives replaces it). */
export function decodeContactProfile (b: Uint8Array): ContactProfile | undefined {
  if (b.length < HEADER || b[0] !== VERSION) return undefined
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const updatedAt = Number(view.getBigUint64(1))
  const nameBytes = view.getUint16(9)
  if (HEADER + nameBytes > b.length) return undefined
  const name = dec.decode(b.subarray(HEADER, HEADER + nameBytes))
  const photo = b.slice(HEADER + nameBytes)
  return { ...(name !== '' ? { name } : {}), ...(photo.length > 0 ? { photo } : {}), updatedAt }
}

export class ContactProfiles {
  /** one offer per number at a time: the direct path and a mailbox may deliver two versions at once */
  private readonly lock = new KeyedMutex()

  constructor (private readonly store: KeyValueStore) {}

  async get (phone: string, options?: AbortOptions): Promise<ContactProfile | undefined> {
    const raw = await this.store.get(phone, options)
    return raw == null ? undefined : decodeContactProfile(raw)
  }

  /**
   * Keeps `profile` when it is newer (a larger updatedAt) than the one kept; an older or equal version is
   * ignored. Resolves true when stored. Synced, or with the options' sync group.
   */
  async offer (phone: string, profile: ContactProfile, options?: AbortOptions): Promise<boolean> {
    return await this.lock.run(phone, async () => {
      const kept = await this.get(phone, options)
      if (kept != null && kept.updatedAt >= profile.updatedAt) return false
      await this.store.put(phone, encodeContactProfile(profile), { ...options, sync: true })
      return true
    }, options)
  }
}
