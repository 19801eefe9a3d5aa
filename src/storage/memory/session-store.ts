// In-memory SessionStore: a Map from address key to the newest-first list of session records; persists nothing.
import { addressKey, parseAddressKey, toHex } from '../keys.js'
import { MAX_SESSIONS_PER_ADDRESS } from '../session-store.js'
import type { SessionStore } from '../session-store.js'
import { assertAddress } from '../types.js'
import type { StoreOptions, DeviceAddress } from '../types.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

export class MemorySessionStore implements SessionStore, MemorySnapshot {
  private readonly lists = new Map<string, Uint8Array[]>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  async loadSessions (address: DeviceAddress, options?: StoreOptions): Promise<Uint8Array[]> {
    this.life.check(options)
    assertAddress(address)
    return (this.lists.get(addressKey(address)) ?? []).map(s => new Uint8Array(s))
  }

  async storeSessions (address: DeviceAddress, sessions: Uint8Array[], options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertAddress(address)
    const key = addressKey(address)
    if (sessions.length === 0) this.lists.delete(key)
    else this.lists.set(key, sessions.slice(0, MAX_SESSIONS_PER_ADDRESS).map(s => new Uint8Array(s)))
  }

  async deleteSessions (address: DeviceAddress, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertAddress(address)
    this.lists.delete(addressKey(address))
  }

  async deleteAllSessions (identityKey: Uint8Array, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    const prefix = `${toHex(identityKey)}/`
    for (const key of [...this.lists.keys()]) if (key.startsWith(prefix)) this.lists.delete(key)
  }

  async listAddresses (identityKey?: Uint8Array, options?: StoreOptions): Promise<DeviceAddress[]> {
    this.life.check(options)
    const prefix = identityKey == null ? '' : `${toHex(identityKey)}/`
    return [...this.lists.keys()].filter(k => k.startsWith(prefix)).sort().map(parseAddressKey)
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { lists: this.lists } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
