/** What both ends compute from bytes: a group message's ref (from the message) and a topic's deposit check (from its deposit key). Knows nothing of groups or of how members derive topics and keys. */
import { sha256 } from '@noble/hashes/sha2.js'
import { GROUP_MESSAGE_REF_BYTES } from './constants.js'

/** Domain separation: a ref is never a hash of the same bytes made for another purpose. */
const REF_CONTEXT = new TextEncoder().encode('Parley_GroupMessageRef_v1')

/**
 * A message's ref: SHA-256("Parley_GroupMessageRef_v1" ‖ message) truncated to 16 bytes. The relay computes it
 * from the bytes it stores (never takes it from the depositor), so a ref names exactly one content.
 */
export function groupMessageRef (message: Uint8Array): Uint8Array {
  return sha256.create().update(REF_CONTEXT).update(message).digest().slice(0, GROUP_MESSAGE_REF_BYTES)
}

/** A topic's deposit check: SHA-256 of its deposit key. Registered with the topic; a deposit is accepted when its key hashes to it. */
export function groupDepositCheck (depositKey: Uint8Array): Uint8Array {
  return sha256(depositKey)
}
