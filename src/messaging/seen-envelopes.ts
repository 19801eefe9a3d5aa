/** Envelopes this device already took, by hash: a copy from a second relay is known as a duplicate before anyone tries to decrypt it (its ratchet chain may be long gone). Knows nothing of sessions or transports. */
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex, encodeU64, decodeU64, type StoreOptions, type KeyValueStore } from '../storage/index.js'

/**
 * How long a taken envelope is remembered: relays keep mail 30 days (mailbox TTL), so a copy cannot arrive later
 * than that; a day of slack for clocks. ~80 bytes an envelope: 100,000 texts a month cost ~8 MB.
 */
export const SEEN_ENVELOPE_RETENTION_MS = 31 * 24 * 3600_000

export class SeenEnvelopes {
  constructor (private readonly store: KeyValueStore, private readonly now: () => number) {}

  private key (envelope: Uint8Array): string {
    return toHex(sha256(envelope))
  }

  /** True when this exact envelope was taken before. */
  async has (envelope: Uint8Array, options?: StoreOptions): Promise<boolean> {
    return await this.store.get(this.key(envelope), options) != null
  }

  /** Remembers the envelope, synced with the caller's sync group (durable with what the envelope stored). */
  async add (envelope: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.store.put(this.key(envelope), encodeU64(this.now()), { ...options, sync: true })
  }

  /** Forgets envelopes taken before `before` (default: SEEN_ENVELOPE_RETENTION_MS ago); resolves with how many. */
  async prune (before = this.now() - SEEN_ENVELOPE_RETENTION_MS, options?: StoreOptions): Promise<number> {
    const old: Array<{ type: 'del', key: string }> = []
    for await (const { key, value } of this.store.iterate({}, options)) {
      if (decodeU64(value) < before) old.push({ type: 'del', key })
    }
    if (old.length > 0) await this.store.batch(old, { ...options, sync: true })
    return old.length
  }
}
