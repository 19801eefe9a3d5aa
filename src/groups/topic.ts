/** Names derived from a group's id (docs/group-messages.md): its gossipsub topic, the relay deposit key and check, and a message's ref; knows no network, relay or membership. */
import { concat, toHex, utf8 } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { GROUP_ID_LENGTH } from './constants.js'
import { groupMessageRef as messageRef } from '../protocols/group-mailbox/ref.js'
import { MalformedGroupMessageError } from './errors.js'

/** Domain separation of the topic hash: the topic says nothing of the id, and no other Parley hash equals it. */
const TOPIC_CONTEXT = utf8('Parley_GroupTopic_v1')
/** HKDF info of the deposit key. */
const DEPOSIT_INFO = utf8('Parley_GroupDeposit_v1')
/** Every gossipsub topic of a group starts so; the rest is the hex of groupTopic. */
export const GROUP_TOPIC_PREFIX = '/parley/g/'
/** The deposit key is a 32-byte HKDF output. */
export const GROUP_DEPOSIT_KEY_LENGTH = 32

function checkGroupId (groupId: Uint8Array): void {
  if (!(groupId instanceof Uint8Array) || groupId.length !== GROUP_ID_LENGTH) throw new MalformedGroupMessageError(`a group id is ${GROUP_ID_LENGTH} bytes`)
}

/** SHA-256("Parley_GroupTopic_v1" ‖ groupId): names the group's gossipsub topic without revealing its id. */
export function groupTopic (groupId: Uint8Array, provider: CryptoProvider = defaultProvider()): Uint8Array {
  checkGroupId(groupId)
  return provider.sha256(concat(TOPIC_CONTEXT, groupId))
}

/** The group's gossipsub topic: `/parley/g/` and the lower-case hex of groupTopic. */
export function groupTopicString (groupId: Uint8Array, provider?: CryptoProvider): string {
  return GROUP_TOPIC_PREFIX + toHex(groupTopic(groupId, provider))
}

/**
 * HKDF-SHA256(ikm = groupId, salt = empty, info = "Parley_GroupDeposit_v1", 32 bytes): what a member presents to a
 * relay to deposit the group's messages. Every member (and every past member) can derive it; the relay learns it
 * at the first deposit.
 */
export function groupDepositKey (groupId: Uint8Array, provider: CryptoProvider = defaultProvider()): Uint8Array {
  checkGroupId(groupId)
  return provider.hkdfSha256(groupId, new Uint8Array(0), DEPOSIT_INFO, GROUP_DEPOSIT_KEY_LENGTH)
}

/** SHA-256 of the deposit key: what a member registers at its relay, which then accepts deposits presenting the key. */
export function groupDepositCheck (groupId: Uint8Array, provider: CryptoProvider = defaultProvider()): Uint8Array {
  return provider.sha256(groupDepositKey(groupId, provider))
}

/**
 * SHA-256("Parley_GroupMessageRef_v1" ‖ wireBytes) truncated to 16 bytes: a group message's name everywhere — its
 * gossipsub message id, its key in relay stores, and what causal histories list. Computed over the wire bytes, so
 * anyone holding them (a relay, a gossip peer) gets the same ref without decrypting. One implementation, the relay
 * protocol's (src/protocols/group-mailbox/ref.ts), checked here at the group layer's boundary.
 */
export function groupMessageRef (wireBytes: Uint8Array): Uint8Array {
  if (!(wireBytes instanceof Uint8Array)) throw new MalformedGroupMessageError('a wire message is bytes')
  return messageRef(wireBytes)
}
