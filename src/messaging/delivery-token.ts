/** Mailbox delivery tokens on a device: our own (kv `messaging-delivery-token`, made once, kept in backups) and those contacts gave us inside the encryption (kv `messaging-delivery-tokens`, by identity key). Knows nothing of relays or envelopes. */
import { toHex, type StoreOptions, type KeyValueStore } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import { DELIVERY_TOKEN_LENGTH } from './content.js'

/** The key of our own token in its store. */
const OWN = 'own'

export interface DeliveryTokensInit {
  /** holds our token */
  own: KeyValueStore
  /** contact identity key (hex) → the token it last gave us */
  contacts: KeyValueStore
  random: (n: number) => Uint8Array
}

export class DeliveryTokens {
  private ownToken?: Promise<Uint8Array>
  /** tokens read or learnt so far; a contact without one is cached as null */
  private readonly known = new Map<string, Uint8Array | null>()

  constructor (private readonly init: DeliveryTokensInit) {}

  /** Our token: made (random) and stored synced the first time, the same ever after. */
  async own (options?: StoreOptions): Promise<Uint8Array> {
    const loading = this.ownToken ??= (async () => {
      const stored = await this.init.own.get(OWN, options)
      if (stored != null && stored.length === DELIVERY_TOKEN_LENGTH) return stored
      const token = this.init.random(DELIVERY_TOKEN_LENGTH)
      await this.init.own.put(OWN, token, { ...options, sync: true })
      return token
    })()
    try {
      return await loading
    } catch (err) {
      if (this.ownToken === loading) this.ownToken = undefined
      throw err
    }
  }

  /** The token the owner of `identityKey` gave us, or undefined (then deposits to it share the stranger quota). */
  async of (identityKey: Uint8Array, options?: StoreOptions): Promise<Uint8Array | undefined> {
    const id = toHex(identityKey)
    if (!this.known.has(id)) {
      const stored = await this.init.contacts.get(id, options)
      if (!this.known.has(id)) this.known.set(id, stored != null && stored.length === DELIVERY_TOKEN_LENGTH ? stored : null)
    }
    return this.known.get(id) ?? undefined
  }

  /**
   * Keeps the token a contact sent from `identityKey` (the key that sealed the envelope, so nobody can set
   * another identity's token); written only when it changed.
   */
  async learn (identityKey: Uint8Array, token: Uint8Array, options?: StoreOptions): Promise<void> {
    if (token.length !== DELIVERY_TOKEN_LENGTH) return
    const old = await this.of(identityKey, options)
    if (old != null && constantTimeEqual(old, token)) return
    this.known.set(toHex(identityKey), Uint8Array.from(token))
    await this.init.contacts.put(toHex(identityKey), token, options)
  }
}
