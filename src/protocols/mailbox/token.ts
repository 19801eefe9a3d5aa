/** Mailbox delivery tokens, shared by both ends: the per-relay delivery key an owner registers and the per-deposit proof a contact sends. Knows nothing of how contacts learn the token. */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { constantTimeEqual } from '../../crypto/bytes.js'

/** A delivery token is 32 random bytes (the owner's secret, shared with contacts inside the encryption). */
export const DELIVERY_TOKEN_BYTES = 32
/** A delivery key (what a relay stores) and a deposit proof are HMAC-SHA256 outputs. */
export const DELIVERY_KEY_BYTES = 32
export const DEPOSIT_PROOF_BYTES = 32

const encoder = new TextEncoder()
/** Domain separation: a delivery key is never a valid proof or any other Parley MAC. */
const KEY_CONTEXT = encoder.encode('Parley_DeliveryKey_v1')
const PROOF_CONTEXT = encoder.encode('Parley_DepositProof_v1')

/**
 * The key one relay stores for one owner: HMAC(token, context ‖ relay peer id). A relay learns only its own
 * key, so it can neither recover the token nor make proofs that another relay of the owner accepts.
 */
export function deliveryKey (token: Uint8Array, relayPeerId: string): Uint8Array {
  const id = encoder.encode(relayPeerId)
  const msg = new Uint8Array(KEY_CONTEXT.length + id.length)
  msg.set(KEY_CONTEXT)
  msg.set(id, KEY_CONTEXT.length)
  return hmac(sha256, token, msg)
}

/** The proof of one deposit: HMAC(key, context ‖ identity key ‖ device id ‖ envelope); a relay that sees it cannot reuse it for other content or another mailbox. */
export function depositProof (key: Uint8Array, identityKey: Uint8Array, deviceId: number, envelope: Uint8Array): Uint8Array {
  const head = new Uint8Array(PROOF_CONTEXT.length + identityKey.length + 4)
  head.set(PROOF_CONTEXT)
  head.set(identityKey, PROOF_CONTEXT.length)
  new DataView(head.buffer).setUint32(PROOF_CONTEXT.length + identityKey.length, deviceId >>> 0)
  return hmac.create(sha256, key).update(head).update(envelope).digest()
}

/** Whether `proof` is this deposit's proof under `key` (constant time). */
export function checkDepositProof (key: Uint8Array, identityKey: Uint8Array, deviceId: number, envelope: Uint8Array, proof: Uint8Array): boolean {
  if (proof.length !== DEPOSIT_PROOF_BYTES || key.length !== DELIVERY_KEY_BYTES) return false
  return constantTimeEqual(depositProof(key, identityKey, deviceId, envelope), proof)
}
