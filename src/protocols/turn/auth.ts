/** Owner authentication of TURN credential requests: the shared owner-auth scheme (`../owner-auth.ts`) under the TURN protocol's own domain, refusing with TurnAuthError. Knows nothing of streams. */
import { signOwnerAuth, verifyOwnerAuth, type AuthContext, type OwnerAuthScheme } from '../owner-auth.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import { TurnAuthError } from './errors.js'

/** Domain separation: a TURN auth signature is never valid for a mailbox or the blob store, nor as any other Parley signature. */
const SCHEME: OwnerAuthScheme = {
  domain: new TextEncoder().encode('Parley_TurnAuth_v1'),
  subject: 'device',
  refuse: message => new TurnAuthError(message)
}

/** The device's signature over the TURN protocol's domain ‖ body. */
export function signTurnAuth (identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return signOwnerAuth(SCHEME, identity, ctx)
}

/** The relay's check (see verifyOwnerAuth); throws TurnAuthError. */
export function verifyTurnAuth (ctx: AuthContext, signature: Uint8Array, now: number): void {
  verifyOwnerAuth(SCHEME, ctx, signature, now)
}
