/** The verifier's persistent secrets in the data directory: its signing key (DIR/verifier.key) and the HMAC key that hides numbers and codes in the database (DIR/verifier.secret). */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { IdentityKeyPair } from '../../../src/crypto/identity.js'
import { systemRandom } from '../../../src/crypto/deps.js'
import { ConfigError } from '../config.js'
import { readIfExists, writeSecretFile } from '../files.js'

export const VERIFIER_KEY_FILE = 'verifier.key'
export const VERIFIER_SECRET_FILE = 'verifier.secret'
const SECRET_LENGTH = 32

/** Loads DIR/verifier.key or creates it (mode 0600, atomic). A corrupt file is a ConfigError, never replaced: clients trust this key. */
export async function loadOrCreateVerifierKey (dir: string): Promise<IdentityKeyPair> {
  const file = join(dir, VERIFIER_KEY_FILE)
  const bytes = await readIfExists(file)
  if (bytes != null) {
    try {
      return IdentityKeyPair.deserialize(bytes)
    } catch {
      throw new ConfigError(`${file} is not a valid verifier key; move it away to create a new one (clients trusting the old key will stop trusting this verifier)`)
    }
  }
  const key = IdentityKeyPair.generate(systemRandom)
  await writeSecretFile(file, key.serialize())
  return key
}

/** Loads DIR/verifier.secret or creates 32 random bytes (mode 0600, atomic). */
export async function loadOrCreateVerifierSecret (dir: string): Promise<Uint8Array> {
  const file = join(dir, VERIFIER_SECRET_FILE)
  const bytes = await readIfExists(file)
  if (bytes != null) {
    if (bytes.length !== SECRET_LENGTH) throw new ConfigError(`${file} must hold ${SECRET_LENGTH} bytes; move it away to create a new one (pending codes will be lost)`)
    return bytes
  }
  const secret = new Uint8Array(randomBytes(SECRET_LENGTH))
  await writeSecretFile(file, secret)
  return secret
}
