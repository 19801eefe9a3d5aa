// GroupSessionManager: our own and other members' sender key records per group over the SenderKeyStore; decrypt on a copy, commit on success; knows no membership or transport.
import {
  createSenderKey, parseSenderKeyDistribution, processSenderKeyDistribution, SenderKeyRecord, senderKeyDecrypt, senderKeyDistribution, senderKeyEncrypt
} from '../crypto/index.js'
import type { CryptoProvider, RandomSource } from '../crypto/index.js'
import { toHex } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import type { StoreOptions, DeviceAddress, SenderKeyName, SenderKeyStore } from '../storage/index.js'
import { addressToString, sameAddress } from './address.js'
import { GroupMismatchError, NoSessionError } from './errors.js'
import { KeyedMutex } from '../util/keyed-mutex.js'

/**
 * The crypto SenderKeyRecord holds every chain of one member in one group (a rotation adds a
 * chain id inside the record), so one record per (group, sender) suffices and the store's
 * distribution id is this constant.
 */
export const SENDER_KEY_DISTRIBUTION_ID = 'chains-v1'

export interface GroupSessionManagerParams {
  senderKeys: SenderKeyStore
  /** our own address: our sender key records are stored under it */
  self: DeviceAddress
  random: RandomSource
  provider?: CryptoProvider
}

/** Group ids are bytes to crypto (1..64) and hex strings to storage. */
function nameOf (groupId: Uint8Array, sender: DeviceAddress): SenderKeyName {
  return { groupId: toHex(groupId), sender, distributionId: SENDER_KEY_DISTRIBUTION_ID }
}

export class GroupSessionManager {
  private readonly store: SenderKeyStore
  private readonly self: DeviceAddress
  private readonly deps: { random: RandomSource, provider?: CryptoProvider }
  private readonly queue = new KeyedMutex()

  constructor (params: GroupSessionManagerParams) {
    this.store = params.senderKeys
    this.self = params.self
    this.deps = params.provider == null ? { random: params.random } : { random: params.random, provider: params.provider }
  }

  private async serial<T> (groupId: Uint8Array, sender: DeviceAddress, fn: () => Promise<T>, options?: StoreOptions): Promise<T> {
    return await this.queue.run(`${toHex(groupId)}/${addressToString(sender)}`, fn, options)
  }

  private async load (groupId: Uint8Array, sender: DeviceAddress, options?: StoreOptions): Promise<SenderKeyRecord | undefined> {
    const bytes = await this.store.loadSenderKey(nameOf(groupId, sender), options)
    return bytes == null ? undefined : SenderKeyRecord.deserialize(bytes)
  }

  private async save (groupId: Uint8Array, sender: DeviceAddress, record: SenderKeyRecord, options?: StoreOptions): Promise<void> {
    await this.store.storeSenderKey(nameOf(groupId, sender), record.serialize(), options)
  }

  /**
   * The distribution message of our sender key for the group, creating the key on first use.
   * Send it to every member over the 1:1 sessions.
   */
  async distribution (groupId: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    return await this.serial(groupId, this.self, async () => {
      const existing = await this.load(groupId, this.self, options)
      if (existing?.chainId != null) return senderKeyDistribution(existing)
      const { record, distribution } = createSenderKey(groupId, this.deps)
      await this.save(groupId, this.self, record, options)
      return distribution
    }, options)
  }

  /** Replaces our sender key (after a member left): nothing sent afterwards is readable with the old one. Returns the new distribution. */
  async rotate (groupId: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    return await this.serial(groupId, this.self, async () => {
      const { record, distribution } = createSenderKey(groupId, this.deps)
      await this.save(groupId, this.self, record, options)
      return distribution
    }, options)
  }

  /** Stores another member's sender key from their distribution message (received over a 1:1 session). */
  async processDistribution (groupId: Uint8Array, sender: DeviceAddress, distribution: Uint8Array, options?: StoreOptions): Promise<void> {
    if (!constantTimeEqual(parseSenderKeyDistribution(distribution).groupId, groupId)) throw new GroupMismatchError()
    await this.serial(groupId, sender, async () => {
      const record = processSenderKeyDistribution(await this.load(groupId, sender, options), distribution)
      await this.save(groupId, sender, record, options)
    }, options)
  }

  /**
   * Encrypts (and signs) a group message with our sender key; the advanced key is stored before
   * the message is returned. Throws NoSessionError before distribution() made our key (members
   * could not read it).
   */
  async encrypt (groupId: Uint8Array, plaintext: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    return await this.serial(groupId, this.self, async () => {
      const record = await this.load(groupId, this.self, options)
      if (record == null) throw new NoSessionError('No own sender key: call distribution() first')
      const result = senderKeyEncrypt(record, plaintext, this.deps)
      await this.save(groupId, this.self, result.record, options)
      return result.message
    }, options)
  }

  /** Decrypts a group message from sender on a copy of their record; stores it only on success. Throws NoSessionError without a record. */
  async decrypt (groupId: Uint8Array, sender: DeviceAddress, message: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    return await this.serial(groupId, sender, async () => {
      const record = await this.load(groupId, sender, options)
      if (record == null) throw new NoSessionError('No sender key from this member')
      const result = senderKeyDecrypt(record, message, this.deps)
      await this.save(groupId, sender, result.record, options)
      return result.plaintext
    }, options)
  }

  /** Forgets every sender key of one member in the group (all its devices): it was removed or left, and nothing it sends is read any more. */
  async forgetSender (groupId: Uint8Array, identityKey: Uint8Array, options?: StoreOptions): Promise<void> {
    const names = await this.store.listSenderKeys(toHex(groupId), options)
    for (const name of names) {
      if (!constantTimeEqual(name.sender.identityKey, identityKey) || sameAddress(name.sender, this.self)) continue
      await this.serial(groupId, name.sender, async () => { await this.store.removeSenderKey(name, options) }, options)
    }
  }

  /** Forgets every sender key of the group (we left it). */
  async leave (groupId: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.store.removeGroup(toHex(groupId), options)
  }

  /** Other members whose sender keys we hold for the group (not ourselves). */
  async senders (groupId: Uint8Array, options?: StoreOptions): Promise<DeviceAddress[]> {
    return (await this.store.listSenderKeys(toHex(groupId), options)).map(n => n.sender).filter(a => !sameAddress(a, this.self))
  }
}
