/** Owner authentication of the mailbox: the shared owner-auth scheme (`../owner-auth.ts`) under the mailbox's domain, refusing with MailboxAuthError. Knows nothing of streams. */
import { ownerAuthMessage, signOwnerAuth, verifyOwnerAuth, type AuthContext, type OwnerAuthScheme } from '../owner-auth.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import { MailboxAuthError } from './errors.js'

export type { AuthContext }

/** Domain separation: a mailbox auth signature is never valid as any other Parley signature. */
const SCHEME: OwnerAuthScheme = {
  domain: new TextEncoder().encode('Parley_MailboxAuth_v1'),
  subject: 'mailbox',
  refuse: message => new MailboxAuthError(message)
}

export function authSignatureMessage (body: Uint8Array): Uint8Array {
  return ownerAuthMessage(SCHEME.domain, body)
}

/** The owner's signature over context ‖ body. */
export function signAuth (identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return signOwnerAuth(SCHEME, identity, ctx)
}

/**
 * The relay's check: the body is rebuilt from what the relay knows (its nonce, its peer id, the
 * connection's remote peer, the mailbox asked for) so a signature made for another challenge,
 * relay, connection or mailbox never verifies; the timestamp bounds how long a signature lives.
 */
export function verifyAuth (ctx: AuthContext, signature: Uint8Array, now: number): void {
  verifyOwnerAuth(SCHEME, ctx, signature, now)
}
