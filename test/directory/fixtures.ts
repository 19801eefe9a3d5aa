/** Test fixtures for the directory: users with a device certificate and a prekey bundle, verifiers and attestations. */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import {
  IdentityKeyPair, KemPreKey, SignedPreKey, createAttestation, createDeviceCertificate, encodeAttestation, encodePreKeyBundle,
  publicKemPreKey, publicSignedPreKey, systemRandom
} from '../../src/crypto/index.js'
import { putRecord, type DirectoryDht, type DirectoryRecordFields } from '../../src/directory/index.js'
import { retryUntil } from '../helpers/wait.js'

export interface TestUser {
  identity: IdentityKeyPair
  peerId: string
  fields: DirectoryRecordFields
}

/** A user with one device (peer id multihash in the certificate), two mailbox relays and a real prekey bundle. */
export async function makeUser (peerId?: string, createdAt = Date.now()): Promise<TestUser> {
  const identity = IdentityKeyPair.generate(systemRandom)
  const id = peerId ?? peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const certificate = createDeviceCertificate(identity, { devicePeerId: peerIdFromString(id).toMultihash().bytes, deviceId: 1, createdAt })
  const spk = SignedPreKey.generate(identity, 1, createdAt, systemRandom)
  const kpk = KemPreKey.generate(identity, 1, createdAt, true, systemRandom)
  const prekeyBundle = encodePreKeyBundle({ identityKey: identity.publicKey, deviceId: 1, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kpk) })
  return {
    identity,
    peerId: id,
    fields: {
      devices: [{ deviceId: 1, peerId: id, certificate, prekeyBundle }],
      mailboxRelays: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', '/dns4/relay.example.org/tcp/443/wss']
    }
  }
}

export function makeVerifier (): IdentityKeyPair {
  return IdentityKeyPair.generate(systemRandom)
}

/** An encoded attestation by `verifier` that `identityKey` controls the number behind `directoryKey` (sha256(H)). */
export function attest (verifier: IdentityKeyPair, directoryKey: Uint8Array, identityKey: Uint8Array, issuedAt: number, lifetime = 30 * 86_400_000): Uint8Array {
  return encodeAttestation(createAttestation(verifier, { directoryKey, identityKey, issuedAt, expiresAt: issuedAt + lifetime }))
}

/** The name of the error a promise (or value) rejects with, or 'no error'. */
export async function rejectionName (p: unknown): Promise<string> {
  try {
    await p
    return 'no error'
  } catch (err) {
    return (err as Error).name
  }
}

/**
 * A node that skips its own rules puts `value` to the DHT (retried while routing tables fill): 'refused' when no
 * peer stored it (PublishFailedError without a cause: every peer answered and refused), 'stored' otherwise.
 */
export async function hostilePut (dht: DirectoryDht, key: Uint8Array, value: Uint8Array): Promise<'refused' | 'stored'> {
  return await retryUntil(async signal => {
    try {
      await putRecord(dht, key, value, { signal, timeoutMs: 20_000 })
    } catch (err) {
      if ((err as Error).name === 'PublishFailedError' && (err as { cause?: Error }).cause == null) return 'refused'
      throw err
    }
    return 'stored'
  }, { timeout: 30_000, what: 'hostile put' })
}

/** The name of the error `fn` throws, or 'no error'. */
export function errorName (fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (err) {
    return (err as Error).name
  }
}

/** The name and message of the error `fn` throws, or 'no error'. */
export function failure (fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`
  }
}
