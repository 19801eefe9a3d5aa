/** The relay's persistent libp2p key in its data directory: same directory, same peer id. Knows nothing of what the relay serves. */
import { mkdir, readFile, writeFile, rename, access, constants, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { ConfigError } from './config.js'

const KEY_FILE = 'peer.key'

/** Creates the directory if needed and proves it is writable; a ConfigError names the problem. */
export async function prepareDataDir (dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await access(dir, constants.W_OK)
    const probe = join(dir, `.write-test-${process.pid}`)
    await writeFile(probe, '')
    await unlink(probe)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new ConfigError(`data directory ${dir} is not writable (${code})`)
  }
}

/** Loads the key from DIR/peer.key, or creates one and writes it atomically (mode 0600). */
export async function loadOrCreateKey (dir: string): Promise<PrivateKey> {
  const file = join(dir, KEY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (bytes != null) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch {
      throw new ConfigError(`${file} is not a valid libp2p key; move it away to create a new identity`)
    }
  }
  const key = await generateKeyPair('Ed25519')
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600, flush: true })
  await rename(tmp, file)
  return key
}
