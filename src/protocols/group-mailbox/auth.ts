/** Owner authentication of the group mailbox: the shared owner-auth scheme (`../owner-auth.ts`) under the group mailbox's own domain, refusing with GroupMailboxAuthError. Knows nothing of streams. */
import { signOwnerAuth, verifyOwnerAuth, type AuthContext, type OwnerAuthScheme } from '../owner-auth.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import { GroupMailboxAuthError } from './errors.js'

/** Domain separation: a group mailbox auth signature is never valid for the 1:1 mailbox, nor as any other Parley signature. */
const SCHEME: OwnerAuthScheme = {
  domain: new TextEncoder().encode('Parley_GroupMailboxAuth_v1'),
  subject: 'device',
  refuse: message => new GroupMailboxAuthError(message)
}

/** The device's signature over the group mailbox's domain ‖ body. */
export function signGroupMailboxAuth (identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return signOwnerAuth(SCHEME, identity, ctx)
}

/** The relay's check (see verifyOwnerAuth); throws GroupMailboxAuthError. */
export function verifyGroupMailboxAuth (ctx: AuthContext, signature: Uint8Array, now: number): void {
  verifyOwnerAuth(SCHEME, ctx, signature, now)
}
