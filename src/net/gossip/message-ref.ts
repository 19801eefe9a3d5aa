/** Group message refs (a content hash: gossipsub's message id and the relays' store key) and group topic strings. Knows nothing of groups or what the bytes hold. */
import { groupMessageRef } from '../../protocols/group-mailbox/ref.js'
import { toHex } from '../../crypto/bytes.js'
import { GROUP_TOPIC_BYTES, GROUP_TOPIC_PREFIX } from './constants.js'
import { InvalidGroupTopicError } from './errors.js'

/** SHA-256("Parley_GroupMessageRef_v1" ‖ data)[0..16]: gossipsub's message id, the relays' store key (one implementation, the relay protocol's). */
export { groupMessageRef }

/** `/parley/g/` + the 64 lower-case hex characters of the 32 topic bytes; anything but 32 bytes is refused. */
export function groupTopicString (topic: Uint8Array): string {
  if (!(topic instanceof Uint8Array) || topic.length !== GROUP_TOPIC_BYTES) throw new InvalidGroupTopicError()
  return GROUP_TOPIC_PREFIX + toHex(topic)
}
