/** Owner authentication shared by the relay protocols whose owners sign the relay's challenge (mailbox, group mailbox): the signed body, its domain separation per protocol, and the relay's checks. Knows nothing of streams, frames or which protocol asks. */
import { checkIdentityKey, verifySignature, type IdentityKeyPair } from '../crypto/identity.js'
import { MailboxAuthBody } from './mailbox/pb/mailbox.js'

/** An auth timestamp may differ from the relay's clock by this much (clock skew plus transit). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

/** Bytes of the relay's random challenge. */
export const NONCE_BYTES = 32

/** What both ends put in the signed body; the relay rebuilds it from its own view of the stream. */
export interface AuthContext {
  nonce: Uint8Array
  relayPeerId: string
  clientPeerId: string
  identityKey: Uint8Array
  deviceId: number
  timestamp: number
}

/** How one protocol uses the shared scheme. */
export interface OwnerAuthScheme {
  /** domain separation: a signature for one protocol is never valid for another, nor as any other Parley signature */
  domain: Uint8Array
  /** what the signature is checked for, in the refusal's message ("mailbox", "device") */
  subject: string
  /** the protocol's authentication error for a refusal with this message */
  refuse: (message: string) => Error
}

/** domain ‖ body: the bytes the identity key signs. */
export function ownerAuthMessage (domain: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(domain.length + body.length)
  out.set(domain)
  out.set(body, domain.length)
  return out
}

/**
 * The signed body. Its schema is `MailboxAuthBody` of `mailbox/pb/mailbox.proto`, where it was first defined: kept
 * there so the mailbox's signed bytes stay exactly what they were; other protocols sign the same fields under
 * their own domain.
 */
function encodeBody (ctx: AuthContext): Uint8Array {
  return MailboxAuthBody.encode({ ...ctx, nonce: Uint8Array.from(ctx.nonce), identityKey: Uint8Array.from(ctx.identityKey), timestamp: BigInt(ctx.timestamp) })
}

/** The owner's signature over domain ‖ body. */
export function signOwnerAuth (scheme: Pick<OwnerAuthScheme, 'domain'>, identity: IdentityKeyPair, ctx: Omit<AuthContext, 'identityKey'>): Uint8Array {
  return identity.sign(ownerAuthMessage(scheme.domain, encodeBody({ ...ctx, identityKey: identity.publicKey })))
}

/**
 * The relay's check: the body is rebuilt from what the relay knows (its nonce, its peer id, the connection's
 * remote peer, the device that asked) so a signature made for another challenge, relay, connection, device or
 * protocol never verifies; the timestamp bounds how long a signature lives. Throws `scheme.refuse(…)`.
 */
export function verifyOwnerAuth (scheme: OwnerAuthScheme, ctx: AuthContext, signature: Uint8Array, now: number): void {
  if (ctx.nonce.length !== NONCE_BYTES) throw scheme.refuse('bad challenge')
  try {
    checkIdentityKey(ctx.identityKey)
  } catch {
    throw scheme.refuse('not a valid identity key')
  }
  if (!Number.isSafeInteger(ctx.timestamp) || Math.abs(ctx.timestamp - now) > MAX_CLOCK_SKEW_MS) throw scheme.refuse(`auth timestamp is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the relay's clock`)
  if (!verifySignature(ctx.identityKey, ownerAuthMessage(scheme.domain, encodeBody(ctx)), signature)) throw scheme.refuse(`the challenge signature does not verify for this ${scheme.subject}, relay and connection`)
}
