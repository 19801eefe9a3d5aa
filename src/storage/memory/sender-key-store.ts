// In-memory SenderKeyStore: a Map keyed by `<group>/<sender address>/<distribution>`; persists nothing.
import { senderKeyKey, parseSenderKeyKey, groupPrefix } from '../sender-key-keys.js'
import type { SenderKeyName, SenderKeyStore } from '../sender-key-store.js'
import type { StoreOptions } from '../types.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

export class MemorySenderKeyStore implements SenderKeyStore, MemorySnapshot {
  private readonly states = new Map<string, Uint8Array>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  async storeSenderKey (name: SenderKeyName, state: Uint8Array, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    this.states.set(senderKeyKey(name), new Uint8Array(state))
  }

  async loadSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<Uint8Array | undefined> {
    this.life.check(options)
    const s = this.states.get(senderKeyKey(name))
    return s == null ? undefined : new Uint8Array(s)
  }

  async removeSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    this.states.delete(senderKeyKey(name))
  }

  async removeGroup (groupId: string, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    const prefix = groupPrefix(groupId)
    for (const key of [...this.states.keys()]) if (key.startsWith(prefix)) this.states.delete(key)
  }

  async listSenderKeys (groupId: string, options?: StoreOptions): Promise<SenderKeyName[]> {
    this.life.check(options)
    const prefix = groupPrefix(groupId)
    return [...this.states.keys()].filter(k => k.startsWith(prefix)).sort().map(parseSenderKeyKey)
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { states: this.states } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
