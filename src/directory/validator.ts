/** kad-dht validator and selector for the `parley-phone` namespace, and the store rule the directory datastore applies; run by every DHT node, they know no phone numbers and no trusted verifiers unless told. */
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import { DIRECTORY_NAMESPACE, isLocked, replaces, sameRecord, validateEnvelope, type ReplaceContext, type ValidEnvelope } from './record.js'
import { RegistrationLockedError, ReplayedRecordError } from './errors.js'
import { DirectoryDatastore, type DirectoryDatastoreInit } from './datastore.js'
import type { CryptoProvider } from '../crypto/provider.js'

export interface DirectoryDhtRulesOptions {
  /** clock (ms since epoch) @default Date.now */
  now?: () => number
  /**
   * Verifier keys this node trusts, or a getter for them (a client learns its set after creating its node).
   * When given and not empty, only their attestations lock a record or let another identity take a free
   * number over; otherwise any valid attestation counts.
   */
  trustedVerifiers?: Uint8Array[] | (() => Uint8Array[] | undefined)
  provider?: CryptoProvider
  /** limits of the directory datastore (`wrapDatastore`) */
  store?: Omit<DirectoryDatastoreInit, 'rules'>
}

export interface DirectoryDhtRules {
  validators: Record<string, ValidateFn>
  selectors: Record<string, SelectFn>
  /** Wraps libp2p's datastore so stored directory records follow the store rule (`DirectoryDatastore`). */
  wrapDatastore: (inner: Datastore) => Datastore
  /** The time and trusted set the rules use now. */
  context: () => ReplaceContext
  /**
   * The store rule: validates `value` and throws when it must not replace `stored` (the value this node
   * holds for `key`): ReplayedRecordError (same identity, seq not higher; or another identity without a
   * newer attestation), RegistrationLockedError (another identity holds the number under the lock). The
   * same record again is admitted (republishing refreshes it).
   */
  admit: (key: Uint8Array | string, value: Uint8Array, stored?: Uint8Array) => ValidEnvelope
}

/**
 * Validator, selector and store rule for `ParleyNodeInit.dht` / `commonServices(mode, rules)`.
 * Validator: rejects malformed, oversize, unsigned or badly signed, expired records, bad attestations and
 * hand-overs; it keeps no state (kad-dht also runs it on every read of its own store).
 * Selector and store rule: `replaces` (record.ts) with this node's clock and trusted verifiers.
 */
export function directoryDhtRules (opts: DirectoryDhtRulesOptions = {}): DirectoryDhtRules {
  const now = opts.now ?? Date.now
  const trusted = opts.trustedVerifiers
  const context = (): ReplaceContext => {
    const verifiers = typeof trusted === 'function' ? trusted() : trusted
    return { now: now(), ...(verifiers != null && verifiers.length > 0 ? { verifiers } : {}) }
  }

  const validate: ValidateFn = async (key, value) => {
    validateEnvelope(key, value, now(), opts.provider)
  }

  const select: SelectFn = (key, records) => {
    let best = -1
    let bestEnvelope: ValidEnvelope | undefined
    const ctx = context()
    for (let i = 0; i < records.length; i++) {
      let e: ValidEnvelope
      try {
        e = validateEnvelope(key, records[i], ctx.now, opts.provider)
      } catch {
        continue
      }
      if (bestEnvelope == null || replaces(e, bestEnvelope, ctx)) {
        best = i
        bestEnvelope = e
      }
    }
    return best < 0 ? 0 : best
  }

  const admit = (key: Uint8Array | string, value: Uint8Array, stored?: Uint8Array): ValidEnvelope => {
    const ctx = context()
    const envelope = validateEnvelope(key, value, ctx.now, opts.provider)
    if (stored == null) return envelope
    let current: ValidEnvelope
    try {
      current = validateEnvelope(key, stored, ctx.now, opts.provider)
    } catch {
      // an expired or (after a rule change) invalid stored record holds nothing
      return envelope
    }
    if (sameRecord(envelope, current) || replaces(envelope, current, ctx)) return envelope
    throw isLocked(current, ctx) && !sameIdentity(envelope, current) ? new RegistrationLockedError() : new ReplayedRecordError()
  }

  const rules: DirectoryDhtRules = {
    validators: { [DIRECTORY_NAMESPACE]: validate },
    selectors: { [DIRECTORY_NAMESPACE]: select },
    context,
    admit,
    wrapDatastore: inner => new DirectoryDatastore(inner, { ...opts.store, rules })
  }
  return rules
}

function sameIdentity (a: ValidEnvelope, b: ValidEnvelope): boolean {
  return a.identityKey.length === b.identityKey.length && a.identityKey.every((x, i) => x === b.identityKey[i])
}
