/** kad-dht validator and selector for the `parley-phone` namespace, run by every DHT node; knows no phone numbers and no trusted verifiers unless told. */
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { DIRECTORY_NAMESPACE, replaces, sameRecord, validateEnvelope, type ValidEnvelope } from './record.js'
import { ReplayedRecordError } from './errors.js'
import type { CryptoProvider } from '../crypto/index.js'

/**
 * Keys whose best-seen record a validator remembers to refuse replays on put (kad-dht stores a put value
 * without asking the selector). ~200 bytes each: at most ~10 MB per node; the oldest are forgotten first.
 */
export const MAX_TRACKED_KEYS = 50_000

export interface DirectoryDhtRulesOptions {
  /** clock (ms since epoch) @default Date.now */
  now?: () => number
  /**
   * Verifier keys this node trusts. When given, a record of another identity replaces the current one
   * only with a newer attestation from one of them; otherwise any valid newer attestation counts.
   */
  trustedVerifiers?: Uint8Array[]
  /** Remember the best record per key and refuse older ones on put. @default true */
  trackReplays?: boolean
  provider?: CryptoProvider
}

export interface DirectoryDhtRules {
  validators: Record<string, ValidateFn>
  selectors: Record<string, SelectFn>
}

interface Seen { envelope: ValidEnvelope }

/**
 * Validator and selector for `ParleyNodeInit.dht` / `commonServices(mode, rules)`.
 * Validator: rejects malformed, oversize, unsigned or badly signed, expired records and bad attestations
 * (another directory key or identity), and records that lose against the best one this node has seen.
 * Selector: same identity → higher seq; another identity → newer attestation; ties keep the earlier record.
 */
export function directoryDhtRules (opts: DirectoryDhtRulesOptions = {}): DirectoryDhtRules {
  const now = opts.now ?? Date.now
  const track = opts.trackReplays ?? true
  const seen = new Map<string, Seen>()

  const validate: ValidateFn = async (key, value) => {
    const envelope = validateEnvelope(key, value, now(), opts.provider)
    if (!track) return
    const id = new TextDecoder().decode(key)
    const best = seen.get(id)
    if (best != null && !sameRecord(envelope, best.envelope)) {
      if (!replaces(envelope, best.envelope, opts.trustedVerifiers)) throw new ReplayedRecordError()
    }
    seen.delete(id)
    seen.set(id, { envelope })
    if (seen.size > MAX_TRACKED_KEYS) seen.delete(seen.keys().next().value as string)
  }

  const select: SelectFn = (key, records) => {
    let best = -1
    let bestEnvelope: ValidEnvelope | undefined
    const t = now()
    for (let i = 0; i < records.length; i++) {
      let e: ValidEnvelope
      try {
        e = validateEnvelope(key, records[i], t, opts.provider)
      } catch {
        continue
      }
      if (bestEnvelope == null || replaces(e, bestEnvelope, opts.trustedVerifiers)) {
        best = i
        bestEnvelope = e
      }
    }
    return best < 0 ? 0 : best
  }

  return {
    validators: { [DIRECTORY_NAMESPACE]: validate },
    selectors: { [DIRECTORY_NAMESPACE]: select }
  }
}
