// LevelDB SessionStore: `<hex identity>/<deviceId>/<slot>` with slot 00 the newest and slots always contiguous; a replace is one synced batch, so it is atomic.
import { addressKey, parseAddressKey, toHex } from '../keys.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../key-value-store.js'
import { MAX_SESSIONS_PER_ADDRESS } from '../session-store.js'
import type { SessionStore } from '../session-store.js'
import { assertAddress } from '../types.js'
import type { StoreOptions, DeviceAddress } from '../types.js'

function slotKey (address: DeviceAddress, slot: number): string {
  return `${addressKey(address)}/${slot.toString(16).padStart(2, '0')}`
}

export class LevelSessionStore implements SessionStore {
  constructor (private readonly kv: KeyValueStore) {}

  /**
   * Point reads slot by slot up to the first missing one (slots are contiguous): every message rewrites
   * slot 00, and a range scan would step over all its superseded versions still in LevelDB's memtable
   * (thousands after a burst), while a get seeks straight to the newest.
   */
  async loadSessions (address: DeviceAddress, options?: StoreOptions): Promise<Uint8Array[]> {
    assertAddress(address)
    const out: Uint8Array[] = []
    for (let slot = 0; slot < MAX_SESSIONS_PER_ADDRESS; slot++) {
      const value = await this.kv.get(slotKey(address, slot), options)
      if (value == null) break
      out.push(value)
    }
    return out
  }

  /** A blind replace (puts, then deletes of every slot beyond): atomic without reading first, so concurrent replaces cannot leave stale slots. */
  async storeSessions (address: DeviceAddress, sessions: Uint8Array[], options?: StoreOptions): Promise<void> {
    assertAddress(address)
    const kept = sessions.slice(0, MAX_SESSIONS_PER_ADDRESS)
    const ops: KeyValueBatchOperation[] = []
    for (let slot = 0; slot < MAX_SESSIONS_PER_ADDRESS; slot++) {
      ops.push(slot < kept.length ? { type: 'put', key: slotKey(address, slot), value: kept[slot] } : { type: 'del', key: slotKey(address, slot) })
    }
    await this.kv.batch(ops, { ...options, sync: true })
  }

  async deleteSessions (address: DeviceAddress, options?: StoreOptions): Promise<void> {
    await this.storeSessions(address, [], options)
  }

  async deleteAllSessions (identityKey: Uint8Array, options?: StoreOptions): Promise<void> {
    const ops: KeyValueBatchOperation[] = []
    for await (const { key } of this.kv.iterate({ prefix: `${toHex(identityKey)}/` }, options)) ops.push({ type: 'del', key })
    await this.kv.batch(ops, { ...options, sync: true })
  }

  async listAddresses (identityKey?: Uint8Array, options?: StoreOptions): Promise<DeviceAddress[]> {
    const seen = new Set<string>()
    const out: DeviceAddress[] = []
    for await (const { key } of this.kv.iterate(identityKey == null ? {} : { prefix: `${toHex(identityKey)}/` }, options)) {
      const address = key.slice(0, key.lastIndexOf('/'))
      if (!seen.has(address)) {
        seen.add(address)
        out.push(parseAddressKey(address))
      }
    }
    return out
  }
}
