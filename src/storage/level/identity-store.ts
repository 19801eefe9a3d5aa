// LevelDB IdentityStore: `local` holds our identity record, `remote/<hex contactId>` the trust records; the local record is written synced.
import { decodeRemoteIdentity, encodeRemoteIdentity } from '../codec.js'
import { NotFoundError } from '../errors.js'
import { nextRemoteIdentity } from '../identity-store.js'
import type { IdentityStore, RemoteIdentity, SaveIdentityResult } from '../identity-store.js'
import { fromStringKey, stringKey } from '../keys.js'
import { constantTimeEqual } from '../../crypto/bytes.js'
import type { KeyValueStore } from '../key-value-store.js'
import { assertStringId } from '../types.js'
import { SerialQueue } from '../serial.js'
import type { StoreOptions } from '../types.js'

const LOCAL = 'local'
const REMOTE = 'remote/'

export class LevelIdentityStore implements IdentityStore {
  /** Serialises read-modify-write of trust records so concurrent saves cannot lose a change. */
  private readonly queue = new SerialQueue()

  constructor (private readonly kv: KeyValueStore) {}

  async loadLocalIdentity (options?: StoreOptions): Promise<Uint8Array | undefined> {
    return await this.kv.get(LOCAL, options)
  }

  async saveLocalIdentity (record: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.kv.put(LOCAL, record, { ...options, sync: true })
  }

  private key (contactId: string): string {
    assertStringId(contactId, 'contactId')
    return REMOTE + stringKey(contactId)
  }

  async loadRemoteIdentity (contactId: string, options?: StoreOptions): Promise<RemoteIdentity | undefined> {
    const bytes = await this.kv.get(this.key(contactId), options)
    return bytes == null ? undefined : decodeRemoteIdentity(contactId, bytes)
  }

  async saveRemoteIdentity (contactId: string, identityKey: Uint8Array, now: number, options?: StoreOptions): Promise<SaveIdentityResult> {
    return await this.queue.run(async () => {
      const existing = await this.loadRemoteIdentity(contactId, options)
      const result = nextRemoteIdentity(contactId, existing, identityKey, now)
      if (result.isNew || result.changed) await this.kv.put(this.key(contactId), encodeRemoteIdentity(result.record), { ...options, sync: true })
      return result
    })
  }

  private async update (contactId: string, change: (r: RemoteIdentity) => void, options?: StoreOptions): Promise<RemoteIdentity> {
    return await this.queue.run(async () => {
      const r = await this.loadRemoteIdentity(contactId, options)
      if (r == null) throw new NotFoundError('unknown contact')
      change(r)
      await this.kv.put(this.key(contactId), encodeRemoteIdentity(r), { ...options, sync: true })
      return r
    })
  }

  async setVerified (contactId: string, verified: boolean, options?: StoreOptions): Promise<RemoteIdentity> {
    return await this.update(contactId, r => { r.verified = verified }, options)
  }

  async acknowledgeChange (contactId: string, options?: StoreOptions): Promise<RemoteIdentity> {
    return await this.update(contactId, r => { r.changed = false }, options)
  }

  async isTrusted (contactId: string, identityKey: Uint8Array, options?: StoreOptions): Promise<boolean> {
    const r = await this.loadRemoteIdentity(contactId, options)
    return r == null || constantTimeEqual(r.identityKey, identityKey)
  }

  async removeRemoteIdentity (contactId: string, options?: StoreOptions): Promise<void> {
    await this.kv.del(this.key(contactId), { ...options, sync: true })
  }

  async * listRemoteIdentities (options?: StoreOptions): AsyncIterable<RemoteIdentity> {
    for await (const { key, value } of this.kv.iterate({ prefix: REMOTE }, options)) {
      yield decodeRemoteIdentity(fromStringKey(key.slice(REMOTE.length)), value)
    }
  }
}
