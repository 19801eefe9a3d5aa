/** TURN REST API credentials (the scheme coturn checks with `use-auth-secret`): username `<expiry unix seconds>:<random id>`, credential base64(HMAC-SHA1(secret, username)); and the relay's secret for them in its data directory. Knows nothing of libp2p or of which TURN server checks them. */
import { createHmac, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ConfigError } from '../config.js'
import { readIfExists, writeSecretFile } from '../files.js'
import { constantTimeEqual, utf8 } from '../../../src/crypto/bytes.js'

export const TURN_SECRET_FILE = 'turn.secret'

/** 32 random bytes: HMAC-SHA1's key is at most one 64-byte block, and 256 bits is far past guessing. */
const SECRET_BYTES = 32

/** Random bytes of a username's id: unlinkable to the device and to its other credentials (it travels in clear in STUN). */
const ID_BYTES = 16

/** One issued credential. */
export interface TurnCredential {
  username: string
  credential: string
  /** ms since the epoch: the username's expiry (whole seconds) */
  expiresAt: number
}

/**
 * The secret as coturn's `static-auth-secret` takes it: a string whose characters are the HMAC key. Kept as 64 hex
 * characters of 32 random bytes, so it is the same bytes in the relay's HMAC and in coturn's config file.
 */
export type TurnSecret = string

/** base64(HMAC-SHA1(secret, username)): the password both servers expect for `username`. */
export function turnPassword (secret: TurnSecret, username: string): string {
  return createHmac('sha1', Buffer.from(secret, 'utf8')).update(username, 'utf8').digest('base64')
}

/** A new credential that stops opening allocations at `expiresAt` (rounded down to a whole second). */
export function issueTurnCredential (secret: TurnSecret, expiresAt: number): TurnCredential {
  const seconds = Math.floor(expiresAt / 1000)
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new RangeError('a credential expires at a positive time')
  const username = `${seconds}:${randomBytes(ID_BYTES).toString('base64url')}`
  return { username, credential: turnPassword(secret, username), expiresAt: seconds * 1000 }
}

/** The expiry (ms since the epoch) a username carries, or undefined when it is not `<seconds>:<id>`. */
export function usernameExpiry (username: string): number | undefined {
  const m = /^(\d{1,12}):[A-Za-z0-9_-]+$/.exec(username)
  return m == null ? undefined : Number(m[1]) * 1000
}

/** Whether `credential` is this relay's for `username` and the username has not expired at `now` (constant-time compare). */
export function checkTurnCredential (secret: TurnSecret, username: string, credential: string, now: number): boolean {
  const expiry = usernameExpiry(username)
  if (expiry == null || expiry <= now) return false
  return constantTimeEqual(utf8(turnPassword(secret, username)), utf8(credential))
}

/** Loads DIR/turn.secret or creates it (mode 0600, atomic). Replacing it invalidates every credential issued before. */
export async function loadOrCreateTurnSecret (dir: string): Promise<TurnSecret> {
  const file = join(dir, TURN_SECRET_FILE)
  const bytes = await readIfExists(file)
  if (bytes != null) {
    if (bytes.length !== SECRET_BYTES) throw new ConfigError(`${file} must hold ${SECRET_BYTES} bytes; move it away to create a new one (credentials issued with the old one stop working)`)
    return Buffer.from(bytes).toString('hex')
  }
  const secret = new Uint8Array(randomBytes(SECRET_BYTES))
  await writeSecretFile(file, secret)
  return Buffer.from(secret).toString('hex')
}
