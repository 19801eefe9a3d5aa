/** The verifier keys this device trusts (its trust roots): the configured ones, else the one that attested our own number. Knows nothing of relays, lookups or the page. */
import { toString as toBase64, fromString as fromBase64 } from 'uint8arrays'
import type { AbortOptions } from '@libp2p/interface'
import { toHex, type KeyValueStore } from '../storage/index.js'

/** kv key (in the registration store) of the verifiers that attested our own number, base64 JSON; the name predates this module */
const LEARNED_VERIFIERS_KEY = 'trusted-verifiers'

export interface TrustRootsInfo {
  /** hex keys the app or user configured (ParleyInit.trustedVerifiers, `--trusted-verifier`) */
  configured: string[]
  /** hex keys trusted because they attested our own number; only used while nothing is configured */
  learned: string[]
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/**
 * Configured roots win: when any is configured, only those count. With none configured the device trusts
 * the verifier that attested its own number at registration (trust on first use of the verifier the user
 * proved their own number with). A relay's word ("my verifier key is …") never adds a root.
 */
export class TrustRoots {
  /**
   * The roots in force, as ONE array object that is updated in place: the node's DHT rules hold it, so a
   * verifier learned at registration counts there at once.
   */
  readonly current: Uint8Array[] = []
  private learned: Uint8Array[] = []

  constructor (private readonly store: KeyValueStore, private readonly configured: Uint8Array[]) {
    this.current.push(...configured)
  }

  /** Reads the learned roots (call once before use). */
  async load (options?: AbortOptions): Promise<void> {
    const bytes = await this.store.get(LEARNED_VERIFIERS_KEY, options)
    this.learned = bytes == null ? [] : (JSON.parse(dec.decode(bytes)) as string[]).map(s => fromBase64(s, 'base64'))
    this.refresh()
  }

  /** A verifier attested our own number: remembered (persisted); trusted only while nothing is configured. */
  async learn (verifierKey: Uint8Array, options?: AbortOptions): Promise<void> {
    if (this.learned.some(k => toHex(k) === toHex(verifierKey))) return
    const next = [...this.learned, verifierKey]
    await this.store.put(LEARNED_VERIFIERS_KEY, enc.encode(JSON.stringify(next.map(k => toBase64(k, 'base64')))), { ...options, sync: true })
    this.learned = next
    this.refresh()
  }

  /** What the device trusts and why, as hex; `learned` is empty whenever something is configured. */
  info (): TrustRootsInfo {
    return {
      configured: this.configured.map(toHex),
      learned: this.configured.length > 0 ? [] : this.learned.map(toHex)
    }
  }

  private refresh (): void {
    this.current.splice(0, this.current.length, ...(this.configured.length > 0 ? this.configured : this.learned))
  }
}
