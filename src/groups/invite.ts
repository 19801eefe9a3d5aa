/** Invite link proofs (docs/groups.md): a joiner proves it knows the group's current link secret with an HMAC bound to the group, its identity key and its number; knows no state or log. */
import { concat, constantTimeEqual, utf8 } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { GROUP_INVITE_SECRET_LENGTH } from './constants.js'
import { GroupInviteError } from './errors.js'

/** Domain separation: a join proof is never the HMAC of anything else keyed by the same secret. */
const JOIN_PROOF_CONTEXT = utf8('Parley_GroupJoin_v1')

/**
 * HMAC-SHA256(secret, context ‖ groupId ‖ identityKey ‖ e164). Group id and key have fixed lengths, so the
 * input is unambiguous. The proof shows the secret was known without revealing it to whoever sees the change,
 * and it cannot be reused for another group, identity or number.
 */
export function joinProof (secret: Uint8Array, groupId: Uint8Array, identityKey: Uint8Array, e164: string, provider: CryptoProvider = defaultProvider()): Uint8Array {
  if (secret.length !== GROUP_INVITE_SECRET_LENGTH) throw new GroupInviteError('an invite secret is 32 bytes')
  return provider.hmacSha256(secret, concat(JOIN_PROOF_CONTEXT, groupId, identityKey, utf8(e164)))
}

/** True when `proof` is the join proof of this identity and number under `secret` (constant-time). */
export function checkJoinProof (proof: Uint8Array, secret: Uint8Array, groupId: Uint8Array, identityKey: Uint8Array, e164: string, provider?: CryptoProvider): boolean {
  return constantTimeEqual(proof, joinProof(secret, groupId, identityKey, e164, provider))
}
