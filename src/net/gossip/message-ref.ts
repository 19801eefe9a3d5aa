/** Group message refs (a content hash: gossipsub's message id and the relays' store key) and group topic strings. Knows nothing of groups or what the bytes hold. */
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex, utf8 } from '../../crypto/bytes.js'
import { GROUP_MESSAGE_REF_BYTES, GROUP_MESSAGE_REF_CONTEXT, GROUP_TOPIC_BYTES, GROUP_TOPIC_PREFIX } from './constants.js'
import { InvalidGroupTopicError } from './errors.js'

const REF_CONTEXT = utf8(GROUP_MESSAGE_REF_CONTEXT)

/**
 * SHA-256("Parley_GroupMessageRef_v1" ‖ data) truncated to 16 bytes. Gossipsub's message id (so every copy of the
 * same bytes is one message, whoever forwards it) and the relays' reference for a stored group message.
 */
export function groupMessageRef (data: Uint8Array): Uint8Array {
  return sha256.create().update(REF_CONTEXT).update(data).digest().subarray(0, GROUP_MESSAGE_REF_BYTES)
}

/** `/parley/g/` + the 64 lower-case hex characters of the 32 topic bytes; anything but 32 bytes is refused. */
export function groupTopicString (topic: Uint8Array): string {
  if (!(topic instanceof Uint8Array) || topic.length !== GROUP_TOPIC_BYTES) throw new InvalidGroupTopicError()
  return GROUP_TOPIC_PREFIX + toHex(topic)
}
