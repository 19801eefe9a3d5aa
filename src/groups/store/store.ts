/** The client's persistent group store (docs/group-store.md): groups we are in, each group's change log, seen marks, the causal-history blob, the sender-key chain index, our own chain and who has it, receipts of our messages, relay bookkeeping, over one KeyValueStore (LevelDB or memory alike); knows bytes and small records, not how changes are verified, messages decrypted or anything sent. */
import { fromHex } from '../../crypto/bytes.js'
import { MAX_SENDER_KEY_STATES } from '../../crypto/sender-key.js'
import { CorruptRecordError } from '../../storage/errors.js'
import { SEEN_RETENTION_MS } from '../../storage/message-store.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../../storage/key-value-store.js'
import type { AtomicWith, PreparedWrite } from '../../storage/prepared-write.js'
import type { DeviceAddress, StoreOptions } from '../../storage/types.js'
import { KeyedMutex } from '../../util/keyed-mutex.js'
import { checkGroupPhoto } from '../photo.js'
import {
  checkArray, checkChangeBytes, checkCursor, checkDevice, checkE164, checkMessageId, checkName, checkPeerId, checkTime, checkU32, groupHex,
  hashHex, identityHex, refHex
} from './check.js'
import {
  decodeOwnChain, decodeReceipt, decodeRecord, decodeTime, encodeOwnChain, encodeReceipt, encodeRecord, encodeTime,
  type GroupRecord, type OwnSenderChain, type GroupReceipt
} from './codec.js'
import {
  MAX_CAUSAL_HISTORY_BYTES, MAX_CHANGES_PER_WRITE, MAX_DISTRIBUTED_DEVICES, MAX_GROUP_RELAYS, MAX_RECEIPTS_PER_MESSAGE, MAX_SENDERS_PER_CHAIN,
  SWEEP_BATCH
} from './constants.js'
import { GroupNotStoredError, GroupStoreInputError, GroupStoreLimitError, NoOwnSenderChainError, RelayNotRegisteredError } from './errors.js'
import * as K from './keys.js'

/** Options of a write: its sync group, and other stores' prepared writes to commit in the same atomic batch. */
export type GroupStoreWriteOptions = StoreOptions & AtomicWith

/** One change of a group's log as stored: its hash (32 bytes) and its signed bytes. */
export interface StoredChange {
  hash: Uint8Array
  bytes: Uint8Array
}

/** One member's receipts for one of our messages. */
export interface MemberReceipt extends GroupReceipt {
  /** the member's number, E.164 */
  member: string
}

/** How many members have a receipt: `delivered` counts the read ones too (read implies delivered). */
export interface ReceiptSummary {
  delivered: number
  read: number
}

/** A relay the group's topic is registered at. */
export interface RelayRegistration {
  peerId: string
  registeredAt: number
}

const EMPTY = new Uint8Array(0)
const HASH_LENGTH = 32

function checkRecord (record: unknown): { g: string, record: GroupRecord } {
  if (record == null || typeof record !== 'object') throw new GroupStoreInputError('a group record must be an object')
  const r = record as Partial<GroupRecord>
  const g = groupHex(r.id)
  checkName(r.name)
  checkTime(r.joinedAt, 'joinedAt')
  if (r.leftAt != null) checkTime(r.leftAt, 'leftAt')
  if (r.lastReadAt != null) checkTime(r.lastReadAt, 'lastReadAt')
  if (r.muted != null && typeof r.muted !== 'boolean') throw new GroupStoreInputError('muted must be a boolean')
  return { g, record: r as GroupRecord }
}

function checkBlob (blob: unknown): Uint8Array {
  if (!(blob instanceof Uint8Array)) throw new GroupStoreInputError('causal history must be bytes')
  if (blob.length > MAX_CAUSAL_HISTORY_BYTES) throw new GroupStoreLimitError(`causal history is at most ${MAX_CAUSAL_HISTORY_BYTES} bytes`)
  return blob
}

/** `<identity hex>/<device>` at the end of a key, as a device. */
function deviceOf (identity: string, device: string): DeviceAddress {
  return { identityKey: fromHex(identity), deviceId: parseInt(device, 16) }
}

export class GroupStore {
  /** Read-modify-write steps of one group run one at a time (check-and-set stays atomic within the process). */
  private readonly lock = new KeyedMutex()

  /** `kv`: a generic store of its own (e.g. `storage.kv(GROUP_STORE_NAME)`), of the Storage whose prepared writes it commits with. */
  constructor (private readonly kv: KeyValueStore) {}

  /** One synced batch with the caller's prepared writes; nothing at all (`with` included) when there is nothing of ours to write. */
  private async commit (ops: KeyValueBatchOperation[], options?: GroupStoreWriteOptions): Promise<void> {
    if (ops.length === 0) return
    await this.kv.batch(ops, { ...options, sync: true })
  }

  private async keys (range: { prefix: string, lt?: string, limit?: number }, options?: StoreOptions): Promise<string[]> {
    const out: string[] = []
    for await (const { key } of this.kv.iterate(range, options)) out.push(key)
    return out
  }

  // ---- groups we are in

  /** Stores (or replaces) a group's record. Synced. */
  async putGroup (record: GroupRecord, options?: GroupStoreWriteOptions): Promise<void> {
    const { g, record: r } = checkRecord(record)
    await this.lock.run(g, async () => { await this.commit([{ type: 'put', key: K.recordKey(g), value: encodeRecord(r) }], options) }, options)
  }

  /** The group's record, or undefined. */
  async getGroup (groupId: Uint8Array, options?: StoreOptions): Promise<GroupRecord | undefined> {
    const g = groupHex(groupId)
    const value = await this.kv.get(K.recordKey(g), options)
    return value == null ? undefined : decodeRecord(groupId.slice(), value)
  }

  /** Every group record (left groups included), by group id. */
  async listGroups (options?: StoreOptions): Promise<GroupRecord[]> {
    const out: GroupRecord[] = []
    for await (const { key, value } of this.kv.iterate({ prefix: K.RECORDS }, options)) {
      out.push(decodeRecord(fromHex(key.slice(K.RECORDS.length)), value))
    }
    return out
  }

  /** Records that we left (or were removed) at `at`. False, changing nothing, when it says so already. GroupNotStoredError without a record. Synced. */
  async markLeft (groupId: Uint8Array, at: number, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    checkTime(at, 'at')
    return await this.lock.run(g, async () => {
      const value = await this.kv.get(K.recordKey(g), options)
      if (value == null) throw new GroupNotStoredError()
      const record = decodeRecord(groupId.slice(), value)
      if (record.leftAt != null) return false
      await this.commit([{ type: 'put', key: K.recordKey(g), value: encodeRecord({ ...record, leftAt: at }) }], options)
      return true
    }, options)
  }

  /**
   * Forgets a group entirely: its record and every key of it (log, seen marks, history, chains, receipts,
   * relays) in one synced batch. Resolves with how many keys went. Writes prepared for the group
   * (prepareSeen, prepareCausalHistory) and committed after this would come back: forget a group only when
   * nothing is being received for it.
   */
  async forgetGroup (groupId: Uint8Array, options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    return await this.lock.run(g, async () => {
      const ops: KeyValueBatchOperation[] = (await this.keys({ prefix: K.groupPrefix(g) }, options)).map(key => ({ type: 'del', key }))
      if (await this.kv.get(K.recordKey(g), options) != null) ops.push({ type: 'del', key: K.recordKey(g) })
      await this.commit(ops, options)
      return ops.length
    }, options)
  }

  // ---- the change log

  /**
   * Appends the changes not stored yet (by hash; repeats within the call count once) in the given order, in one
   * synced batch. Resolves with the hashes newly stored; [] writes nothing (`with` included). At most
   * MAX_CHANGES_PER_WRITE changes per call (GroupStoreLimitError).
   */
  async addChanges (groupId: Uint8Array, changes: StoredChange[], options?: GroupStoreWriteOptions): Promise<Uint8Array[]> {
    const g = groupHex(groupId)
    const list = checkArray<StoredChange>(changes, MAX_CHANGES_PER_WRITE, 'changes', m => new GroupStoreLimitError(m))
    const checked = list.map(c => {
      if (c == null || typeof c !== 'object') throw new GroupStoreInputError('a change must be { hash, bytes }')
      return { id: hashHex(c.hash), hash: c.hash, bytes: checkChangeBytes(c.bytes) }
    })
    return await this.lock.run(g, async () => {
      let seq = await this.nextSeq(g, options)
      const ops: KeyValueBatchOperation[] = []
      const added: Uint8Array[] = []
      const taken = new Set<string>()
      for (const c of checked) {
        if (taken.has(c.id)) continue
        taken.add(c.id)
        if (await this.kv.get(K.changeHashKey(g, c.id), options) != null) continue
        const value = new Uint8Array(HASH_LENGTH + c.bytes.length)
        value.set(c.hash)
        value.set(c.bytes, HASH_LENGTH)
        ops.push({ type: 'put', key: K.changeKey(g, seq), value }, { type: 'put', key: K.changeHashKey(g, c.id), value: encodeTime(seq) })
        added.push(c.hash.slice())
        seq++
      }
      await this.commit(ops, options)
      return added
    }, options)
  }

  /** The arrival number after the last stored change. */
  private async nextSeq (g: string, options?: StoreOptions): Promise<number> {
    for await (const { key } of this.kv.iterate({ prefix: K.changesPrefix(g), reverse: true, limit: 1 }, options)) {
      return parseInt(K.lastPart(key), 16) + 1
    }
    return 0
  }

  /** The group's changes in arrival order, read from the store as they are iterated (a log can be large). */
  changes (groupId: Uint8Array, options?: StoreOptions): AsyncIterable<StoredChange> {
    const g = groupHex(groupId)
    const kv = this.kv
    return {
      async * [Symbol.asyncIterator] () {
        for await (const { value } of kv.iterate({ prefix: K.changesPrefix(g) }, options)) {
          if (value.length <= HASH_LENGTH) throw new CorruptRecordError('bad stored change')
          yield { hash: value.slice(0, HASH_LENGTH), bytes: value.slice(HASH_LENGTH) }
        }
      }
    }
  }

  /** True when a change with this hash is stored. */
  async hasChange (groupId: Uint8Array, hash: Uint8Array, options?: StoreOptions): Promise<boolean> {
    return await this.kv.get(K.changeHashKey(groupHex(groupId), hashHex(hash)), options) != null
  }

  /** Removes stored changes by hash (a pending change the log refused once placed); resolves with how many were stored. Synced. */
  async dropChanges (groupId: Uint8Array, hashes: Uint8Array[], options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    const ids = checkArray<Uint8Array>(hashes, MAX_CHANGES_PER_WRITE, 'hashes', m => new GroupStoreLimitError(m)).map(hashHex)
    return await this.lock.run(g, async () => {
      const ops: KeyValueBatchOperation[] = []
      for (const id of new Set(ids)) {
        const seq = await this.kv.get(K.changeHashKey(g, id), options)
        if (seq == null) continue
        ops.push({ type: 'del', key: K.changeKey(g, decodeTime(seq)) }, { type: 'del', key: K.changeHashKey(g, id) })
      }
      await this.commit(ops, options)
      return ops.length / 2
    }, options)
  }

  // ---- seen marks of group messages

  /** True when the message `ref` of the group has a seen mark. */
  async seen (groupId: Uint8Array, ref: Uint8Array, options?: StoreOptions): Promise<boolean> {
    return await this.kv.get(K.seenKey(groupHex(groupId), refHex(ref)), options) != null
  }

  /** Marks `ref` seen at `at`, synced, with `options.with`. False, writing nothing (`with` included), when it was seen already. */
  async markSeen (groupId: Uint8Array, ref: Uint8Array, at: number, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    const r = refHex(ref)
    checkTime(at, 'at')
    return await this.lock.run(g, async () => {
      if (await this.kv.get(K.seenKey(g, r), options) != null) return false
      await this.commit(this.seenOps(g, r, at), options)
      return true
    }, options)
  }

  /**
   * The seen mark of `ref` as a prepared write, for another store of the same Storage to commit with its own
   * write (a stored message: `MessageStore.addIncoming(msg, { with: [mark] })`). Check `seen` first: a mark
   * prepared twice keeps the later time.
   */
  prepareSeen (groupId: Uint8Array, ref: Uint8Array, at: number): PreparedWrite {
    const g = groupHex(groupId)
    const r = refHex(ref)
    checkTime(at, 'at')
    return this.kv.prepare(this.seenOps(g, r, at))
  }

  private seenOps (g: string, r: string, at: number): KeyValueBatchOperation[] {
    return [{ type: 'put', key: K.seenKey(g, r), value: encodeTime(at) }, { type: 'put', key: K.seenTimeKey(g, at, r), value: EMPTY }]
  }

  /**
   * Forgets the seen marks of every group made before `now - SEEN_RETENTION_MS` (no mailbox still holds a copy
   * then); resolves with how many marks' entries went. Not synced: a delete lost in a crash is redone by the next sweep.
   */
  async sweep (now: number, options?: StoreOptions): Promise<number> {
    checkTime(now, 'now')
    const before = now - SEEN_RETENTION_MS
    if (before <= 0) return 0
    let swept = 0
    let from = K.GROUP_DATA
    for (;;) {
      let g: string | undefined
      for await (const { key } of this.kv.iterate({ prefix: K.GROUP_DATA, gte: from, limit: 1 }, options)) g = key.slice(K.GROUP_DATA.length, key.indexOf('/', K.GROUP_DATA.length))
      if (g == null) return swept
      const group = g
      swept += await this.lock.run(group, async () => await this.sweepGroup(group, before, options), options)
      // past every key of this group: '0' sorts right after '/'
      from = `${K.GROUP_DATA}${group}0`
    }
  }

  private async sweepGroup (g: string, before: number, options?: StoreOptions): Promise<number> {
    let n = 0
    let ops: KeyValueBatchOperation[] = []
    for await (const { key } of this.kv.iterate({ prefix: K.seenTimePrefix(g), lt: K.seenTimeBound(g, before) }, options)) {
      const mark = K.seenKey(g, K.lastPart(key))
      const at = await this.kv.get(mark, options)
      ops.push({ type: 'del', key })
      // a mark prepared again later (a newer time) keeps its own, newer time entry
      if (at != null && decodeTime(at) < before) ops.push({ type: 'del', key: mark })
      n++
      if (ops.length >= SWEEP_BATCH) {
        await this.kv.batch(ops, options)
        ops = []
      }
    }
    if (ops.length > 0) await this.kv.batch(ops, options)
    return n
  }

  // ---- causal history

  /** The group's causal-history blob, or undefined. */
  async causalHistory (groupId: Uint8Array, options?: StoreOptions): Promise<Uint8Array | undefined> {
    return await this.kv.get(K.historyKey(groupHex(groupId)), options)
  }

  /** Replaces the causal-history blob (at most MAX_CAUSAL_HISTORY_BYTES). Synced. */
  async putCausalHistory (groupId: Uint8Array, blob: Uint8Array, options?: GroupStoreWriteOptions): Promise<void> {
    const g = groupHex(groupId)
    const value = checkBlob(blob)
    await this.lock.run(g, async () => { await this.commit([{ type: 'put', key: K.historyKey(g), value }], options) }, options)
  }

  /** The causal-history blob as a prepared write, to commit with the message that changed it. */
  prepareCausalHistory (groupId: Uint8Array, blob: Uint8Array): PreparedWrite {
    const g = groupHex(groupId)
    return this.kv.prepare([{ type: 'put', key: K.historyKey(g), value: checkBlob(blob) }])
  }

  // ---- the group's photo

  /** The image of the group's photo we hold, or undefined. */
  async photo (groupId: Uint8Array, options?: StoreOptions): Promise<Uint8Array | undefined> {
    return await this.kv.get(K.photoKey(groupHex(groupId)), options)
  }

  /** Keeps the image of the group's photo (replacing the last one; checked: InvalidGroupPhotoError). Synced. */
  async putPhoto (groupId: Uint8Array, image: Uint8Array, options?: GroupStoreWriteOptions): Promise<void> {
    const g = groupHex(groupId)
    checkGroupPhoto(image)
    await this.lock.run(g, async () => { await this.commit([{ type: 'put', key: K.photoKey(g), value: Uint8Array.from(image) }], options) }, options)
  }

  /** Forgets the group's photo (it was removed). Resolves whether there was one. Synced. */
  async dropPhoto (groupId: Uint8Array, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    return await this.lock.run(g, async () => {
      if (await this.kv.get(K.photoKey(g), options) == null) return false
      await this.commit([{ type: 'del', key: K.photoKey(g) }], options)
      return true
    }, options)
  }

  // ---- sender-key chain index

  /**
   * Indexes chain `chainId` of the group to the sending device (from its sender-key distribution), at `at`.
   * A device keeps its MAX_SENDER_KEY_STATES most recently indexed chains (the sender-key record keeps no
   * more, so older ones could not decrypt anyway); one chain id names at most MAX_SENDERS_PER_CHAIN devices
   * (GroupStoreLimitError). Resolves true when the pair is new (a known pair only gets the new time). Synced.
   */
  async indexChain (groupId: Uint8Array, chainId: number, sender: DeviceAddress, at: number, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    checkU32(chainId, 'chain id')
    checkDevice(sender)
    checkTime(at, 'at')
    const id = identityHex(sender.identityKey)
    const dev = sender.deviceId
    return await this.lock.run(g, async () => {
      const known = await this.kv.get(K.chainKey(g, chainId, id, dev), options) != null
      if (!known && (await this.keys({ prefix: K.chainPrefix(g, chainId), limit: MAX_SENDERS_PER_CHAIN }, options)).length >= MAX_SENDERS_PER_CHAIN) {
        throw new GroupStoreLimitError('too many devices for one chain id')
      }
      const others: Array<{ chain: number, at: number }> = []
      for await (const { key, value } of this.kv.iterate({ prefix: K.senderDevicePrefix(g, id, dev) }, options)) {
        const chain = parseInt(K.lastPart(key), 16)
        if (chain !== chainId) others.push({ chain, at: decodeTime(value) })
      }
      const ops: KeyValueBatchOperation[] = [
        { type: 'put', key: K.chainKey(g, chainId, id, dev), value: encodeTime(at) },
        { type: 'put', key: K.senderChainKey(g, id, dev, chainId), value: encodeTime(at) }
      ]
      others.sort((a, b) => a.at - b.at || a.chain - b.chain)
      for (const old of others.slice(0, Math.max(0, others.length - (MAX_SENDER_KEY_STATES - 1)))) {
        ops.push({ type: 'del', key: K.chainKey(g, old.chain, id, dev) }, { type: 'del', key: K.senderChainKey(g, id, dev, old.chain) })
      }
      await this.commit(ops, options)
      return !known
    }, options)
  }

  /** The devices chain `chainId` is indexed to (usually one; try each: only the right one's signature verifies). */
  async sendersOfChain (groupId: Uint8Array, chainId: number, options?: StoreOptions): Promise<DeviceAddress[]> {
    const g = groupHex(groupId)
    checkU32(chainId, 'chain id')
    const prefix = K.chainPrefix(g, chainId)
    return (await this.keys({ prefix }, options)).map(key => {
      const [identity, device] = key.slice(prefix.length).split('/')
      return deviceOf(identity, device)
    })
  }

  /** Forgets every chain of every device of a member (removed or left); resolves with how many chains went. Synced. */
  async forgetSender (groupId: Uint8Array, identityKey: Uint8Array, options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    const id = identityHex(identityKey)
    return await this.lock.run(g, async () => await this.forgetChains(g, id, K.senderPrefix(g, id), options), options)
  }

  /** Forgets every chain of one device (unlinked from its account); resolves with how many chains went. Synced. */
  async forgetSenderDevice (groupId: Uint8Array, device: DeviceAddress, options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    checkDevice(device)
    const id = identityHex(device.identityKey)
    return await this.lock.run(g, async () => await this.forgetChains(g, id, K.senderDevicePrefix(g, id, device.deviceId), options), options)
  }

  private async forgetChains (g: string, id: string, prefix: string, options?: GroupStoreWriteOptions): Promise<number> {
    const ops: KeyValueBatchOperation[] = []
    for (const key of await this.keys({ prefix }, options)) {
      // `d/<identity>/<device>/<chain>`
      const [device, chain] = key.slice(K.senderPrefix(g, id).length).split('/')
      ops.push({ type: 'del', key }, { type: 'del', key: K.chainKey(g, parseInt(chain, 16), id, parseInt(device, 16)) })
    }
    await this.commit(ops, options)
    return ops.length / 2
  }

  // ---- our own sender-key chain

  /** Our current chain in the group, or undefined before the first. */
  async ownChain (groupId: Uint8Array, options?: StoreOptions): Promise<OwnSenderChain | undefined> {
    const value = await this.kv.get(K.ownChainKey(groupHex(groupId)), options)
    return value == null ? undefined : decodeOwnChain(value)
  }

  /**
   * Makes `chainId` our current chain, created at `createdAt`: nothing sent on it and distributed to nobody
   * (the previous chain's devices are forgotten in the same batch). False, changing nothing, when it is the
   * current chain already (a retried call keeps its counts). Synced.
   */
  async setOwnChain (groupId: Uint8Array, chain: { chainId: number, createdAt: number }, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    if (chain == null || typeof chain !== 'object') throw new GroupStoreInputError('chain must be { chainId, createdAt }')
    const chainId = checkU32(chain.chainId, 'chain id')
    const createdAt = checkTime(chain.createdAt, 'createdAt')
    return await this.lock.run(g, async () => {
      const current = await this.kv.get(K.ownChainKey(g), options)
      if (current != null && decodeOwnChain(current).chainId === chainId) return false
      const ops: KeyValueBatchOperation[] = (await this.keys({ prefix: K.distributedPrefix(g) }, options)).map(key => ({ type: 'del', key }))
      ops.push({ type: 'put', key: K.ownChainKey(g), value: encodeOwnChain({ chainId, createdAt, sent: 0, distributed: 0 }) })
      await this.commit(ops, options)
      return true
    }, options)
  }

  /** Counts one more message sent on our current chain, synced with `options.with`; resolves with the new count. NoOwnSenderChainError before setOwnChain. */
  async countSent (groupId: Uint8Array, options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    return await this.lock.run(g, async () => {
      const own = await this.requireOwnChain(g, options)
      own.sent++
      await this.commit([{ type: 'put', key: K.ownChainKey(g), value: encodeOwnChain(own) }], options)
      return own.sent
    }, options)
  }

  /** The member devices our current chain was distributed to (none before setOwnChain). */
  async distributedTo (groupId: Uint8Array, options?: StoreOptions): Promise<DeviceAddress[]> {
    const prefix = K.distributedPrefix(groupHex(groupId))
    return (await this.keys({ prefix }, options)).map(key => {
      const [identity, device] = key.slice(prefix.length).split('/')
      return deviceOf(identity, device)
    })
  }

  /**
   * Records that our current chain went to `devices`; resolves with how many are new (0 writes nothing, `with`
   * included). At most MAX_DISTRIBUTED_DEVICES in all (GroupStoreLimitError). NoOwnSenderChainError before setOwnChain. Synced.
   */
  async markDistributed (groupId: Uint8Array, devices: DeviceAddress[], options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    const keys = [...new Set(checkArray<DeviceAddress>(devices, MAX_DISTRIBUTED_DEVICES, 'devices', m => new GroupStoreLimitError(m))
      .map(d => K.distributedKey(g, identityHex(checkDevice(d).identityKey), d.deviceId)))]
    return await this.lock.run(g, async () => {
      const own = await this.requireOwnChain(g, options)
      const fresh: string[] = []
      for (const key of keys) if (await this.kv.get(key, options) == null) fresh.push(key)
      if (fresh.length === 0) return 0
      if (own.distributed + fresh.length > MAX_DISTRIBUTED_DEVICES) throw new GroupStoreLimitError('too many devices for one chain')
      own.distributed += fresh.length
      const ops: KeyValueBatchOperation[] = fresh.map(key => ({ type: 'put', key, value: EMPTY }))
      ops.push({ type: 'put', key: K.ownChainKey(g), value: encodeOwnChain(own) })
      await this.commit(ops, options)
      return fresh.length
    }, options)
  }

  private async requireOwnChain (g: string, options?: StoreOptions): Promise<OwnSenderChain> {
    const value = await this.kv.get(K.ownChainKey(g), options)
    if (value == null) throw new NoOwnSenderChainError()
    return decodeOwnChain(value)
  }

  // ---- receipts of our messages

  /** A member's delivered receipt for our message. False, changing nothing, when it had one (or a read one). Synced. */
  async markDelivered (groupId: Uint8Array, messageId: string, member: string, at: number, options?: GroupStoreWriteOptions): Promise<boolean> {
    return await this.receipt(groupId, messageId, member, at, r => r.deliveredAt != null ? undefined : { ...r, deliveredAt: at }, options)
  }

  /** A member's read receipt for our message (it counts as delivered too, at `at` when there was no delivered one). False, changing nothing, when it had one. Synced. */
  async markRead (groupId: Uint8Array, messageId: string, member: string, at: number, options?: GroupStoreWriteOptions): Promise<boolean> {
    return await this.receipt(groupId, messageId, member, at, r => r.readAt != null ? undefined : { deliveredAt: r.deliveredAt ?? at, readAt: at }, options)
  }

  /** Receipts only move forward: `next` gives the new receipt, or undefined when nothing changes. */
  private async receipt (groupId: Uint8Array, messageId: string, member: string, at: number, next: (r: GroupReceipt) => GroupReceipt | undefined, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    const m = checkMessageId(messageId)
    const e164 = checkE164(member)
    checkTime(at, 'at')
    return await this.lock.run(g, async () => {
      const stored = await this.kv.get(K.receiptKey(g, m, e164), options)
      const updated = next(stored == null ? {} : decodeReceipt(stored))
      if (updated == null) return false
      const ops: KeyValueBatchOperation[] = [{ type: 'put', key: K.receiptKey(g, m, e164), value: encodeReceipt(updated) }]
      if (stored == null) {
        const count = await this.kv.get(K.receiptCountKey(g, m), options)
        const n = count == null ? 0 : decodeTime(count)
        if (n >= MAX_RECEIPTS_PER_MESSAGE) throw new GroupStoreLimitError('too many members with receipts for one message')
        ops.push({ type: 'put', key: K.receiptCountKey(g, m), value: encodeTime(n + 1) })
      }
      await this.commit(ops, options)
      return true
    }, options)
  }

  /** Every member's receipts for our message, by number. */
  async receipts (groupId: Uint8Array, messageId: string, options?: StoreOptions): Promise<MemberReceipt[]> {
    const prefix = K.receiptsPrefix(groupHex(groupId), checkMessageId(messageId))
    const out: MemberReceipt[] = []
    for await (const { key, value } of this.kv.iterate({ prefix }, options)) out.push({ member: key.slice(prefix.length), ...decodeReceipt(value) })
    return out
  }

  /** How many members our message was delivered to and read by. */
  async receiptSummary (groupId: Uint8Array, messageId: string, options?: StoreOptions): Promise<ReceiptSummary> {
    const all = await this.receipts(groupId, messageId, options)
    return { delivered: all.filter(r => r.deliveredAt != null).length, read: all.filter(r => r.readAt != null).length }
  }

  /** Forgets the receipts of one message (deleted from history); resolves with how many members' went. Synced. */
  async forgetReceipts (groupId: Uint8Array, messageId: string, options?: GroupStoreWriteOptions): Promise<number> {
    const g = groupHex(groupId)
    const m = checkMessageId(messageId)
    return await this.lock.run(g, async () => {
      const keys = await this.keys({ prefix: K.receiptsPrefix(g, m) }, options)
      const ops: KeyValueBatchOperation[] = keys.map(key => ({ type: 'del', key }))
      if (ops.length > 0) ops.push({ type: 'del', key: K.receiptCountKey(g, m) })
      await this.commit(ops, options)
      return keys.length
    }, options)
  }

  // ---- relays

  /** Records that the group's topic is registered at relay `peerId` since `at` (again: the new time). At most MAX_GROUP_RELAYS (GroupStoreLimitError). Synced. */
  async registerRelay (groupId: Uint8Array, peerId: string, at: number, options?: GroupStoreWriteOptions): Promise<void> {
    const g = groupHex(groupId)
    const peer = checkPeerId(peerId)
    checkTime(at, 'at')
    await this.lock.run(g, async () => {
      if (await this.kv.get(K.relayKey(g, peer), options) == null &&
        (await this.keys({ prefix: K.relaysPrefix(g), limit: MAX_GROUP_RELAYS }, options)).length >= MAX_GROUP_RELAYS) {
        throw new GroupStoreLimitError('too many relays for one group')
      }
      await this.commit([{ type: 'put', key: K.relayKey(g, peer), value: encodeTime(at) }], options)
    }, options)
  }

  /** Forgets a relay registration and its cursor; false when it was not registered. Synced. */
  async unregisterRelay (groupId: Uint8Array, peerId: string, options?: GroupStoreWriteOptions): Promise<boolean> {
    const g = groupHex(groupId)
    const peer = checkPeerId(peerId)
    return await this.lock.run(g, async () => {
      if (await this.kv.get(K.relayKey(g, peer), options) == null) return false
      await this.commit([{ type: 'del', key: K.relayKey(g, peer) }, { type: 'del', key: K.cursorKey(g, peer) }], options)
      return true
    }, options)
  }

  /** The relays the group's topic is registered at, with when. */
  async registeredAt (groupId: Uint8Array, options?: StoreOptions): Promise<RelayRegistration[]> {
    const prefix = K.relaysPrefix(groupHex(groupId))
    const out: RelayRegistration[] = []
    for await (const { key, value } of this.kv.iterate({ prefix }, options)) out.push({ peerId: key.slice(prefix.length), registeredAt: decodeTime(value) })
    return out
  }

  /** The last position fetched from the relay, or undefined. */
  async relayCursor (groupId: Uint8Array, peerId: string, options?: StoreOptions): Promise<string | undefined> {
    const value = await this.kv.get(K.cursorKey(groupHex(groupId), checkPeerId(peerId)), options)
    return value == null ? undefined : new TextDecoder().decode(value)
  }

  /**
   * Sets the last position fetched from a registered relay (RelayNotRegisteredError otherwise). Synced: write
   * it after the fetched messages with the same sync group, so a crash keeps the messages if it keeps the cursor.
   */
  async setRelayCursor (groupId: Uint8Array, peerId: string, cursor: string, options?: GroupStoreWriteOptions): Promise<void> {
    const g = groupHex(groupId)
    const peer = checkPeerId(peerId)
    const value = checkCursor(cursor)
    await this.lock.run(g, async () => {
      if (await this.kv.get(K.relayKey(g, peer), options) == null) throw new RelayNotRegisteredError()
      await this.commit([{ type: 'put', key: K.cursorKey(g, peer), value }], options)
    }, options)
  }
}
