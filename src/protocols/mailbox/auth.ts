/** Owner authentication, shared by both ends: the signed challenge body, its domain separation, and the relay's checks. Knows nothing of streams. */
import { checkIdentityKey, verifySignature, type IdentityKeyPair } from '../../crypto/identity.js'
import { MAX_CLOCK_SKEW_MS, NONCE_BYTES } from './constants.js'
import { MailboxAuthError } from './errors.js'
import { MailboxAuthBody } from './pb/mailbox.js'

/** Domain separation: a mailbox auth signature is never valid as any other Parley signature. */
const AUTH_CONTEXT = new TextEncoder().encode('Parley_MailboxAuth_v1')

export function authSignatureMessage (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(AUTH_CONTEXT.length + body.length)
  out.set(AUTH_CONTEXT)
  out.set(body, AUTH_CONTEXT.length)
  return out
}

/** What both ends put in the signed body; the relay rebuilds it from its own view of the stream. */
export interface AuthContext {
  nonce: Uint8Array
  relayPeerId: string
  clientPeerId: string
  identityKey: Uint8Array
  deviceId: number
  timestamp: number
}

function encodeBody (ctx: AuthContext): Uint8Array {
  return MailboxAuthBody.encode({ ...ctx, nonce: Uint8Array.from(ctx.nonce), identityKey: Uint8Array.from(ctx.identityKey), timestamp: BigInt(ctx.timestamp) })
}

/** The owner's signature over context ‖ body. */
export function signAuth (identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return identity.sign(authSignatureMessage(encodeBody({ ...ctx, identityKey: identity.publicKey })))
}

/**
 * The relay's check: the body is rebuilt from what the relay knows (its nonce, its peer id, the
 * connection's remote peer, the mailbox asked for) so a signature made for another challenge,
 * relay, connection or mailbox never verifies; the timestamp bounds how long a signature lives.
 */
export function verifyAuth (ctx: AuthContext, signature: Uint8Array, now: number): void {
  if (ctx.nonce.length !== NONCE_BYTES) throw new MailboxAuthError('bad challenge')
  try {
    checkIdentityKey(ctx.identityKey)
  } catch {
    throw new MailboxAuthError('not a valid identity key')
  }
  if (!Number.isSafeInteger(ctx.timestamp) || Math.abs(ctx.timestamp - now) > MAX_CLOCK_SKEW_MS) throw new MailboxAuthError(`auth timestamp is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the relay's clock`)
  if (!verifySignature(ctx.identityKey, authSignatureMessage(encodeBody(ctx)), signature)) throw new MailboxAuthError('the challenge signature does not verify for this mailbox, relay and connection')
}
