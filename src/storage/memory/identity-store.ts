// In-memory IdentityStore: Maps of our identity record and remote trust records; persists nothing.
import { NotFoundError } from '../errors.js'
import { copyRemoteIdentity, nextRemoteIdentity } from '../identity-store.js'
import type { IdentityStore, RemoteIdentity, SaveIdentityResult } from '../identity-store.js'
import { constantTimeEqual } from '../../crypto/bytes.js'
import { assertStringId } from '../types.js'
import type { StoreOptions } from '../types.js'
import { CorruptRecordError } from '../errors.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

export class MemoryIdentityStore implements IdentityStore, MemorySnapshot {
  private local: Uint8Array | undefined
  private readonly remotes = new Map<string, RemoteIdentity>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  async loadLocalIdentity (options?: StoreOptions): Promise<Uint8Array | undefined> {
    this.life.check(options)
    return this.local == null ? undefined : new Uint8Array(this.local)
  }

  async saveLocalIdentity (record: Uint8Array, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    this.local = new Uint8Array(record)
  }

  async loadRemoteIdentity (contactId: string, options?: StoreOptions): Promise<RemoteIdentity | undefined> {
    this.life.check(options)
    assertStringId(contactId, 'contactId')
    const r = this.remotes.get(contactId)
    return r == null ? undefined : copyRemoteIdentity(r)
  }

  async saveRemoteIdentity (contactId: string, identityKey: Uint8Array, now: number, options?: StoreOptions): Promise<SaveIdentityResult> {
    this.life.check(options)
    assertStringId(contactId, 'contactId')
    const result = nextRemoteIdentity(contactId, this.remotes.get(contactId), identityKey, now)
    this.remotes.set(contactId, copyRemoteIdentity(result.record))
    return { ...result, record: copyRemoteIdentity(result.record) }
  }

  private update (contactId: string, change: (r: RemoteIdentity) => void, options?: StoreOptions): RemoteIdentity {
    this.life.check(options)
    assertStringId(contactId, 'contactId')
    const r = this.remotes.get(contactId)
    if (r == null) throw new NotFoundError('unknown contact')
    const next = copyRemoteIdentity(r)
    change(next)
    this.remotes.set(contactId, next)
    return copyRemoteIdentity(next)
  }

  async setVerified (contactId: string, verified: boolean, options?: StoreOptions): Promise<RemoteIdentity> {
    return this.update(contactId, r => { r.verified = verified }, options)
  }

  async acknowledgeChange (contactId: string, options?: StoreOptions): Promise<RemoteIdentity> {
    return this.update(contactId, r => { r.changed = false }, options)
  }

  async isTrusted (contactId: string, identityKey: Uint8Array, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertStringId(contactId, 'contactId')
    const r = this.remotes.get(contactId)
    return r == null || constantTimeEqual(r.identityKey, identityKey)
  }

  async removeRemoteIdentity (contactId: string, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertStringId(contactId, 'contactId')
    this.remotes.delete(contactId)
  }

  async * listRemoteIdentities (options?: StoreOptions): AsyncIterable<RemoteIdentity> {
    this.life.check(options)
    const all = [...this.remotes.values()].map(copyRemoteIdentity)
    for (const r of all) yield r
  }

  snapshot (): Record<string, unknown> {
    return { ...snapshotMaps({ remotes: this.remotes as Map<unknown, unknown> }), ...(this.local != null ? { local: new Uint8Array(this.local) } : {}) }
  }

  restore (state: Record<string, unknown>): void {
    if (state.local != null && !(state.local instanceof Uint8Array)) throw new CorruptRecordError('memory snapshot: local identity')
    restoreMaps({ remotes: this.remotes as Map<unknown, unknown> }, state)
    this.local = state.local == null ? undefined : new Uint8Array(state.local as Uint8Array)
  }
}
