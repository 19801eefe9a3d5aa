/** What an attacker does with a device it controls in the groups' network tests: read the group's log and sender keys off its storage, keep them, write group messages with them, sign changes it has no right to, put bytes on the group's topic straight through its node's gossipsub, send control payloads over its 1:1 sessions. Knows no group rule. */
import { randomBytes } from 'node:crypto'
import { internals } from '../../src/client/internals.js'
import { toHex } from '../../src/crypto/bytes.js'
import { createMemoryStorage, type DeviceAddress } from '../../src/storage/index.js'
import { GroupSessionManager } from '../../src/session/group-session-manager.js'
import { groupStorePort } from '../../src/groups/service/store-adapter.js'
import { GroupLog } from '../../src/groups/log.js'
import { decodeChange, signChange, type GroupChange } from '../../src/groups/change.js'
import type { GroupAction } from '../../src/groups/state.js'
import { encodeGroupContent, encodeGroupControl, encodeGroupWire, type GroupControl } from '../../src/groups/message.js'
import { groupMessageRef, groupTopic, groupTopicString } from '../../src/groups/topic.js'
import type { Member } from './network-rig.js'

/** The device's address in sender keys (identity key and device id). */
export function addressOf (m: Member): DeviceAddress {
  return { identityKey: m.parley.identity.publicKey, deviceId: internals(m.parley).local.deviceId }
}

/** The group's changes as the device stored them, folded into a log of its own. */
export async function logOf (m: Member, groupId: Uint8Array): Promise<GroupLog> {
  const changes = await groupStorePort(internals(m.parley).storage.kv('groups'), Date.now).changes(groupId)
  const creation = changes.find(c => decodeChange(c).action.type === 'create')
  if (creation == null) throw new Error('no creation stored')
  const log = GroupLog.open(creation)
  for (const c of changes) if (c !== creation && !log.has(decodeChange(c).hash)) log.add(c)
  return log
}

/** A change signed with the device's identity on the heads of its log (whatever the rules say of it). */
export async function forge (m: Member, groupId: Uint8Array, action: GroupAction): Promise<GroupChange> {
  const next = (await logOf(m, groupId)).next()
  return signChange(m.parley.identity, { groupId, ...next, createdAt: Date.now(), action })
}

/** A copy of every sender key record the device holds for the group (its own and the members'), as a thief keeps them. */
export async function keepKeys (m: Member, group: string): Promise<Array<{ sender: DeviceAddress, record: Uint8Array }>> {
  const store = internals(m.parley).storage.senderKeys
  const out: Array<{ sender: DeviceAddress, record: Uint8Array }> = []
  for (const name of await store.listSenderKeys(group)) {
    const record = await store.loadSenderKey(name)
    if (record != null) out.push({ sender: name.sender, record: record.slice() })
  }
  return out
}

/** Sender-key sessions over kept records only (a memory store): what the kept keys open, and messages written with them. */
export async function keptSessions (self: DeviceAddress, group: string, kept: Array<{ sender: DeviceAddress, record: Uint8Array }>): Promise<GroupSessionManager> {
  const storage = createMemoryStorage()
  for (const k of kept) await storage.senderKeys.storeSenderKey({ groupId: group, sender: k.sender, distributionId: 'chains-v1' }, k.record)
  return new GroupSessionManager({ senderKeys: storage.senderKeys, self, random: n => new Uint8Array(randomBytes(n)) })
}

/** Sender-key sessions over the device's own storage: its current key, advanced as it writes (the group service never learns of these messages). */
export function deviceSessions (m: Member): GroupSessionManager {
  return new GroupSessionManager({ senderKeys: internals(m.parley).storage.senderKeys, self: addressOf(m), random: n => new Uint8Array(randomBytes(n)) })
}

/** A group text as the wire carries it, written with `sessions`' own key (a stale state hash and no history: receivers judge the sender, not these). */
export async function textWire (sessions: GroupSessionManager, groupId: Uint8Array, text: string): Promise<{ wire: Uint8Array, id: string }> {
  const id = new Uint8Array(randomBytes(16))
  const now = Date.now()
  const content = encodeGroupContent({ kind: 'text', id, timestamp: now, lamport: now, history: [], stateHash: new Uint8Array(32), text, mentions: [] })
  return { wire: encodeGroupWire(await sessions.encrypt(groupId, content)), id: toHex(id) }
}

/** A control payload over the device's 1:1 session to every device of `to` (its outbox, as any control). */
export async function sendControl (from: Member, to: string, control: GroupControl): Promise<void> {
  await internals(from.parley).messenger.sendGroupControl(to, encodeGroupControl(control))
}

/** The attacker's node joins the topic itself, keeping every message it is sent (it judges none: 'ignore'). */
export async function listenOnTopic (m: Member, groupId: Uint8Array): Promise<Uint8Array[]> {
  const got: Uint8Array[] = []
  await internals(m.parley).groupTopics.join(groupTopic(groupId), { validate: (_topic, data) => { got.push(data); return 'ignore' }, deliver: () => {} })
  return got
}

/** Publishes bytes on the group's topic from the attacker's node (joined with listenOnTopic); resolves with how many peers it went to. */
export async function publishRaw (m: Member, groupId: Uint8Array, wire: Uint8Array): Promise<number> {
  return (await internals(m.parley).groupTopics.publish(groupTopic(groupId), wire)).recipients
}

/**
 * The attacker's gossipsub sends one RPC carrying the message to one peer only (a node an attacker runs need not
 * publish to everyone). Resolves false when it has no gossipsub stream to that peer.
 */
export function sendToPeer (m: Member, peer: Member, groupId: Uint8Array, wire: Uint8Array): boolean {
  const pubsub = internals(m.parley).node.services.pubsub as unknown as { sendRpc: (id: string, rpc: { subscriptions: never[], messages: Array<{ topic: string, data: Uint8Array }> }) => boolean }
  return pubsub.sendRpc(internals(peer.parley).node.peerId.toString(), { subscriptions: [], messages: [{ topic: groupTopicString(groupId), data: wire }] })
}

export const refOf = (wire: Uint8Array): string => toHex(groupMessageRef(wire))
