/** Owner authentication of the blob store: the shared owner-auth scheme (`../owner-auth.ts`) under the blob store's own domain, refusing with BlobAuthError. Knows nothing of streams. */
import { signOwnerAuth, verifyOwnerAuth, type AuthContext, type OwnerAuthScheme } from '../owner-auth.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import { BlobAuthError } from './errors.js'

/** Domain separation: a blob auth signature is never valid for a mailbox, nor as any other Parley signature. */
const SCHEME: OwnerAuthScheme = {
  domain: new TextEncoder().encode('Parley_BlobAuth_v1'),
  subject: 'device',
  refuse: message => new BlobAuthError(message)
}

/** The device's signature over the blob store's domain ‖ body. */
export function signBlobAuth (identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return signOwnerAuth(SCHEME, identity, ctx)
}

/** The relay's check (see verifyOwnerAuth); throws BlobAuthError. */
export function verifyBlobAuth (ctx: AuthContext, signature: Uint8Array, now: number): void {
  verifyOwnerAuth(SCHEME, ctx, signature, now)
}
