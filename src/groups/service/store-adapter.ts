/** The group service's view of the client's group store (src/groups/store): one GroupStore over the key-value area, plus which member accounts hold our current sender key (tracked per account, since a 1:1 control to a number reaches all its devices). Knows no transport. */
import { toHex, type KeyValueStore, type StoreOptions } from '../../storage/index.js'
import { GroupStore } from '../store/index.js'
import type { GroupStorePort } from './store-port.js'

/** The area under the group store's kv that lists, per group and chain, the accounts our chain was sent to. */
const DISTRIBUTED = 'distributed'

export function groupStorePort (kv: KeyValueStore, now: () => number): GroupStorePort {
  const store = new GroupStore(kv.scope('store'))
  const distributed = kv.scope(DISTRIBUTED)
  const prefix = (groupId: Uint8Array, chainId: number): string => `${toHex(groupId)}/${chainId.toString(16).padStart(8, '0')}/`
  return {
    putGroup: async (r, o) => { await store.putGroup({ id: r.id, name: r.name, joinedAt: r.joinedAt, ...(r.leftAt != null ? { leftAt: r.leftAt } : {}) }, o) },
    getGroup: async (id, o) => await store.getGroup(id, o),
    listGroups: async o => await store.listGroups(o),
    markLeft: async (id, at, o) => { await store.markLeft(id, at, o) },
    addChanges: async (id, changes, o) => { await store.addChanges(id, changes, o) },
    changes: async (id, o) => {
      const out: Uint8Array[] = []
      for await (const c of store.changes(id, o)) out.push(c.bytes)
      return out
    },
    isSeen: async (id, ref, o) => await store.seen(id, ref, o),
    markSeen: async (id, ref, at, o) => { await store.markSeen(id, ref, at, o) },
    loadHistory: async (id, o) => await store.causalHistory(id, o),
    saveHistory: async (id, bytes, o) => { await store.putCausalHistory(id, bytes, o) },
    setReceipt: async (id, messageId, member, type, at, o) => {
      if (type === 'read') await store.markRead(id, messageId, member, at, o)
      else await store.markDelivered(id, messageId, member, at, o)
    },
    receipts: async (id, messageId, o) => await store.receipts(id, messageId, o),
    photo: async (id, o) => await store.photo(id, o),
    putPhoto: async (id, image, o) => { await store.putPhoto(id, image, o) },
    dropPhoto: async (id, o) => { await store.dropPhoto(id, o) },
    ownChain: async (id, o) => {
      const c = await store.ownChain(id, o)
      if (c == null) return undefined
      const to: string[] = []
      for await (const e of distributed.iterate({ prefix: prefix(id, c.chainId) }, o)) to.push(e.key.slice(prefix(id, c.chainId).length))
      return { chainId: c.chainId, createdAt: c.createdAt, sent: c.sent, distributedTo: to }
    },
    setOwnChain: async (id, chain, o) => { await store.setOwnChain(id, chain, o) },
    countSent: async (id, o) => await store.countSent(id, o),
    markDistributed: async (id, members, o: StoreOptions | undefined) => {
      const c = await store.ownChain(id, o)
      if (c == null) return
      await distributed.batch(members.map(m => ({ type: 'put' as const, key: `${prefix(id, c.chainId)}${m}`, value: new Uint8Array(0) })), { ...o, sync: true })
    },
    forgetDistributed: async (id, members, o) => {
      const c = await store.ownChain(id, o)
      if (c == null) return
      await distributed.batch(members.map(m => ({ type: 'del' as const, key: `${prefix(id, c.chainId)}${m}` })), { ...o, sync: true })
    },
    indexChain: async (id, chainId, sender, o) => { await store.indexChain(id, chainId, sender, now(), o) },
    sendersOfChain: async (id, chainId, o) => await store.sendersOfChain(id, chainId, o),
    forgetSender: async (id, identityKey, o) => { await store.forgetSender(id, identityKey, o) }
  }
}
