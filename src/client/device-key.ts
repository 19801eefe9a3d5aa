/** This device's libp2p key, kept in the device's storage so its peer id survives restarts. Knows nothing of the identity key. */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { AbortOptions, PrivateKey } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'

const PEER_KEY = 'peer-key'

export async function loadOrCreateDeviceKey (store: KeyValueStore, options?: AbortOptions): Promise<PrivateKey> {
  const existing = await store.get(PEER_KEY, options)
  if (existing != null) return privateKeyFromProtobuf(existing)
  const key = await generateKeyPair('Ed25519')
  await store.put(PEER_KEY, privateKeyToProtobuf(key), { ...options, sync: true })
  return key
}
