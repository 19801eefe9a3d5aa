// IdentityStore: our own identity record and the trust state of remote identities (TOFU, verified, changed); values are opaque bytes.
import { constantTimeEqual } from '../crypto/bytes.js'
import type { StoreOptions } from './types.js'

/**
 * What we know of a contact's identity key. `contactId` is the stable handle of a
 * user chosen by the upper layer (e.g. the directory key of their number); the
 * identity key under it may change (re-registration), which sets `changed`.
 */
export interface RemoteIdentity {
  contactId: string
  identityKey: Uint8Array
  /** ms since epoch when this identity key was first seen for the contact. */
  firstSeen: number
  /** The user compared safety numbers for this key. Reset when the key changes. */
  verified: boolean
  /** The key replaced an earlier one and the user has not acknowledged it yet. */
  changed: boolean
  /** The key that was replaced, if any. */
  previousKey?: Uint8Array
}

/** Result of saveRemoteIdentity. */
export interface SaveIdentityResult {
  record: RemoteIdentity
  /** True when an existing, different key was replaced. */
  changed: boolean
  /** True when nothing was known of the contact before. */
  isNew: boolean
}

export interface IdentityStore {
  /** Our own identity record (key pair + registration data), serialised by the session layer. */
  loadLocalIdentity (options?: StoreOptions): Promise<Uint8Array | undefined>
  /** Replaces our identity record; synced (losing it means losing the identity). */
  saveLocalIdentity (record: Uint8Array, options?: StoreOptions): Promise<void>

  loadRemoteIdentity (contactId: string, options?: StoreOptions): Promise<RemoteIdentity | undefined>
  /** Records identityKey for the contact (trust on first use); a different key replaces the old one and marks it changed. */
  saveRemoteIdentity (contactId: string, identityKey: Uint8Array, now: number, options?: StoreOptions): Promise<SaveIdentityResult>
  /** Sets the verified flag of the current key; NotFoundError if the contact is unknown. */
  setVerified (contactId: string, verified: boolean, options?: StoreOptions): Promise<RemoteIdentity>
  /** Clears the changed flag (the user has seen the change); NotFoundError if unknown. */
  acknowledgeChange (contactId: string, options?: StoreOptions): Promise<RemoteIdentity>
  /** True when identityKey is the contact's current key, or when the contact is unknown (TOFU). */
  isTrusted (contactId: string, identityKey: Uint8Array, options?: StoreOptions): Promise<boolean>
  removeRemoteIdentity (contactId: string, options?: StoreOptions): Promise<void>
  listRemoteIdentities (options?: StoreOptions): AsyncIterable<RemoteIdentity>
}

/** The trust transition both implementations share: returns the record to store and what happened. */
export function nextRemoteIdentity (contactId: string, existing: RemoteIdentity | undefined, identityKey: Uint8Array, now: number): SaveIdentityResult {
  if (existing == null) {
    return { record: { contactId, identityKey: new Uint8Array(identityKey), firstSeen: now, verified: false, changed: false }, changed: false, isNew: true }
  }
  if (constantTimeEqual(existing.identityKey, identityKey)) {
    return { record: existing, changed: false, isNew: false }
  }
  return {
    record: { contactId, identityKey: new Uint8Array(identityKey), firstSeen: now, verified: false, changed: true, previousKey: new Uint8Array(existing.identityKey) },
    changed: true,
    isNew: false
  }
}
