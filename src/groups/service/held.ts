/** What arrived before what it needs: group messages whose sender key has not arrived yet (by chain id), and sender keys of a group whose creation has not arrived yet. Bounded, oldest dropped first; knows no crypto and no transport. */
import { fromHex, toHex, type KeyValueStore, type StoreOptions } from '../../storage/index.js'
import type { DeviceAddress } from '../../storage/index.js'

/**
 * Messages held per group. A member coming back after a key rotation may get a few hundred messages on the new
 * chain before its distribution (the 1:1 path is slower than the relay's group store); beyond that the oldest go,
 * and the causal history asks for them again once the key is in.
 */
export const MAX_HELD_MESSAGES = 1_000
/** Sender keys held for groups we do not know yet: a new member's first minutes; a stranger cannot fill memory. */
export const MAX_HELD_KEYS = 256

const u32 = (n: number): string => n.toString(16).padStart(8, '0')

export class HeldMessages {
  constructor (private readonly store: KeyValueStore) {}

  /** Holds a message until the key of `chainId` arrives (a message held already is not held twice). */
  async hold (groupId: Uint8Array, chainId: number, ref: Uint8Array, wire: Uint8Array, options?: StoreOptions): Promise<void> {
    const g = toHex(groupId)
    const prefix = `${g}/`
    let count = 0
    let oldest: string | undefined
    for await (const e of this.store.iterate({ prefix }, options)) {
      count++
      oldest ??= e.key
    }
    if (count >= MAX_HELD_MESSAGES && oldest != null) await this.store.del(oldest, options)
    await this.store.put(`${g}/${u32(chainId)}/${toHex(ref)}`, wire, { ...options, sync: true })
  }

  /** The messages held for one chain, and forgets them (the caller receives them again). */
  async release (groupId: Uint8Array, chainId: number, options?: StoreOptions): Promise<Uint8Array[]> {
    const prefix = `${toHex(groupId)}/${u32(chainId)}/`
    const out: Uint8Array[] = []
    const keys: string[] = []
    for await (const e of this.store.iterate({ prefix }, options)) {
      out.push(e.value)
      keys.push(e.key)
    }
    if (keys.length > 0) await this.store.batch(keys.map(key => ({ type: 'del' as const, key })), { ...options, sync: true })
    return out
  }

  /** Forgets everything held for a group (we left it). */
  async forget (groupId: Uint8Array, options?: StoreOptions): Promise<void> {
    const keys: string[] = []
    for await (const e of this.store.iterate({ prefix: `${toHex(groupId)}/` }, options)) keys.push(e.key)
    if (keys.length > 0) await this.store.batch(keys.map(key => ({ type: 'del' as const, key })), { ...options, sync: true })
  }
}

interface HeldKey { sender: { identityKey: string, deviceId: number }, from: string, distribution: string }

export class HeldKeys {
  constructor (private readonly store: KeyValueStore) {}

  async hold (groupId: Uint8Array, from: string, sender: DeviceAddress, distribution: Uint8Array, options?: StoreOptions): Promise<void> {
    let count = 0
    let oldest: string | undefined
    for await (const e of this.store.iterate({}, options)) {
      count++
      oldest ??= e.key
    }
    if (count >= MAX_HELD_KEYS && oldest != null) await this.store.del(oldest, options)
    const value: HeldKey = { sender: { identityKey: toHex(sender.identityKey), deviceId: sender.deviceId }, from, distribution: toHex(distribution) }
    await this.store.put(`${toHex(groupId)}/${toHex(sender.identityKey)}.${sender.deviceId}`, new TextEncoder().encode(JSON.stringify(value)), { ...options, sync: true })
  }

  /** The keys held for a group, forgotten here. */
  async release (groupId: Uint8Array, options?: StoreOptions): Promise<Array<{ from: string, sender: DeviceAddress, distribution: Uint8Array }>> {
    const out: Array<{ from: string, sender: DeviceAddress, distribution: Uint8Array }> = []
    const keys: string[] = []
    for await (const e of this.store.iterate({ prefix: `${toHex(groupId)}/` }, options)) {
      keys.push(e.key)
      const v = JSON.parse(new TextDecoder().decode(e.value)) as HeldKey
      out.push({ from: v.from, sender: { identityKey: fromHex(v.sender.identityKey), deviceId: v.sender.deviceId }, distribution: fromHex(v.distribution) })
    }
    if (keys.length > 0) await this.store.batch(keys.map(key => ({ type: 'del' as const, key })), { ...options, sync: true })
    return out
  }
}
