/** The group service's network, on a libp2p node: gossipsub topics (src/net/gossip) and the relays' group store (`/parley/group-mailbox/1.0.0`). Adapts them to the group service's ports; knows no group rule. */
import type { AbortOptions } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { IdentityKeyPair } from '../crypto/identity.js'
import type { GroupTopics} from '../net/gossip/index.js';
import { DuplicateGroupMessageError, GroupTopicNotJoinedError } from '../net/gossip/index.js'
import { depositGroupMessages, fetchGroupMessages, getGroupMessagesByRef, registerGroupTopics, unregisterGroupTopics } from '../protocols/group-mailbox/index.js'
import type { DialingNode } from '../protocols/request-response.js'
import type { MailboxNode } from '../protocols/mailbox/index.js'
import type { GroupPubsub, GroupRelays, RelayGroupMessage } from '../groups/service/ports.js'
import { toHex } from '../crypto/bytes.js'

/** Most members' devices dialled to form a group's mesh: gossipsub keeps 6 to 12 mesh peers; a few more cover some being offline. */
const MAX_MESH_DIALS = 8
/** How long one dial to a member's device may take before the next is tried. */
const MESH_DIAL_TIMEOUT_MS = 5_000

/** Gossipsub group topics as the group service uses them: validation is the whole of receiving (the validator stores and announces). */
export function groupPubsub (topics: GroupTopics, node: { dial: (peer: ReturnType<typeof peerIdFromString>, options?: AbortOptions) => Promise<unknown>, getConnections: (peer?: ReturnType<typeof peerIdFromString>) => unknown[] }): GroupPubsub {
  const joined = new Set<string>()
  return {
    join: async (topic, handlers, options) => {
      const key = toHex(topic)
      if (joined.has(key)) return
      await topics.join(topic, { validate: async (_topic, data) => await handlers.validate(data), deliver: () => {} }, options)
      joined.add(key)
    },
    leave: async topic => {
      joined.delete(toHex(topic))
      try {
        topics.leave(topic)
      } catch (err) {
        if (!(err instanceof GroupTopicNotJoinedError)) throw err
      }
    },
    publish: async (topic, data, options) => {
      try {
        return (await topics.publish(topic, data, options)).recipients
      } catch (err) {
        if (err instanceof DuplicateGroupMessageError) return 0
        throw err
      }
    },
    meet: async (peers, options) => {
      let dialled = 0
      // in random order: the list comes in the group's member order, and if every member dialled the first few,
      // those few devices would hold a connection to every member (and, over gossipsub's D_hi, prune them all)
      for (const p of shuffled(peers)) {
        if (dialled >= MAX_MESH_DIALS) return
        let id
        try {
          id = peerIdFromString(p)
        } catch {
          continue
        }
        if (node.getConnections(id).length > 0) {
          dialled++
          continue
        }
        try {
          await node.dial(id, { signal: AbortSignal.any([AbortSignal.timeout(MESH_DIAL_TIMEOUT_MS), ...(options?.signal != null ? [options.signal] : [])]) })
          dialled++
        } catch {
          // offline or unreachable: the relays keep what it misses
        }
      }
    },
    peers: topic => topics.peers(topic).length
  }
}

/** A copy of the list in random order (Fisher–Yates; spreading load, not a secret). */
function shuffled<T> (list: T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = out[i]
    out[i] = out[j]
    out[j] = t
  }
  return out
}

export interface GroupRelaysInit {
  /** our device, for the owner sessions (register, fetch) */
  node: MailboxNode & DialingNode
  identity: IdentityKeyPair
  deviceId: number
  /** where deposits leave from: a short-lived identity, so relays do not learn which device wrote to a topic @default node */
  depositNode?: () => Promise<DialingNode>
}

export function groupRelays (init: GroupRelaysInit): GroupRelays {
  const session = { identity: init.identity, deviceId: init.deviceId }
  return {
    deposit: async (relay, topic, depositKey, message, options) => {
      const node = init.depositNode != null ? await init.depositNode() : init.node
      const [result] = await depositGroupMessages(node, relay, [{ topic, depositKey, message }], options)
      if (result instanceof Error) throw result
    },
    register: async (relay, topics, options) => { await registerGroupTopics(init.node, relay, { ...session, topics }, options) },
    unregister: async (relay, topics, options) => { await unregisterGroupTopics(init.node, relay, { ...session, topics }, options) },
    fetch: async (relay, topic, options) => {
      const fetch = await fetchGroupMessages(init.node, relay, { ...session, topic }, options)
      const messages: RelayGroupMessage[] = []
      try {
        for await (const e of fetch) messages.push({ position: e.position, message: e.message })
      } catch (err) {
        await fetch.close().catch(() => {})
        throw err
      }
      // nothing to acknowledge: the session is done
      if (messages.length === 0) await fetch.close().catch(() => {})
      return {
        messages,
        ack: async position => {
          try {
            await fetch.ack(position, options)
          } finally {
            await fetch.close().catch(() => {})
          }
        }
      }
    },
    byRef: async (relay, topic, depositKey, refs, options) => (await getGroupMessagesByRef(init.node, relay, { topic, depositKey, refs }, options)).map(e => e.message)
  }
}
