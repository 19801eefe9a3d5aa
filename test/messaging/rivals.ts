/** Test helpers for takeover attempts: a verifier's attestation for a number bound to another identity (a SIM swap, or the attacker's own verifier), a rival directory record published with it, and a device that claims the number in its messages. Hostile parts built from the real protocols; they do not know the registration lock. */
import { multiaddr } from '@multiformats/multiaddr'
import type { Parley } from '../../src/index.js'
import { createDeviceCertificate, encodePreKeyBundle } from '../../src/crypto/index.js'
import { requestVerificationCode, confirmVerificationCode } from '../../src/protocols/verify/index.js'
import { publishRecord, type DirectoryDht } from '../../src/directory/index.js'
import type { Registration } from '../../src/client/registration.js'
import type { TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

/** The verifier of `relay` texts a code for `phone` and attests it for `device`'s identity key. */
export async function attestFor (device: Parley, phone: string, relay: TestRelay): Promise<Uint8Array> {
  const before = relay.sms.count
  const addr = multiaddr(relay.relay.addr('tcp'))
  await requestVerificationCode(internals(device).node, addr, phone, { signal: AbortSignal.timeout(20_000) })
  return await confirmVerificationCode(internals(device).node, addr, phone, await relay.sms.next(phone, before), device.identity.publicKey, { signal: AbortSignal.timeout(20_000) })
}

/**
 * Puts a directory record for `phone` of `device`'s identity, with `attestation`. Where the registration
 * lock holds, honest nodes refuse it (the publish then fails); the device's own node keeps it, so lookups
 * that ask that node still see it.
 */
export async function publishRival (device: Parley, phone: string, attestation: Uint8Array): Promise<void> {
  await internals(device).preKeys.rotateSignedPreKeys({})
  const { signedPreKey, lastResortKemPreKey } = await internals(device).preKeys.currentSignedPreKeys()
  const { identity, deviceId, createdAt } = internals(device).local
  const certificate = createDeviceCertificate(identity, { devicePeerId: internals(device).node.peerId.toMultihash().bytes, deviceId, createdAt })
  const fields = {
    devices: [{ deviceId, peerId: internals(device).node.peerId.toString(), certificate, prekeyBundle: encodePreKeyBundle({ identityKey: identity.publicKey, deviceId, signedPreKey, kemPreKey: lastResortKemPreKey }) }],
    mailboxRelays: []
  }
  try {
    await publishRecord(internals(device).node.services.dht as unknown as DirectoryDht, identity, phone, fields, { attestations: [attestation], signal: AbortSignal.timeout(20_000) })
  } catch (err) {
    // refused by the nodes that hold the owner's locked record
    if ((err as Error).name !== 'PublishFailedError' && (err as Error).name !== 'RegistrationLockedError') throw err
  }
}

/** Makes `device` send as `phone` with `attestation` in every message (what an impostor's modified client does). */
export async function claimNumber (device: Parley, phone: string, attestation: Uint8Array): Promise<void> {
  const registration: Registration = { phone, attestations: [Buffer.from(attestation).toString('base64')], seq: 1, registeredAt: Date.now(), mailboxRelays: [] }
  await internals(device).storage.kv('registration').put('registered', new TextEncoder().encode(JSON.stringify(registration)), { sync: true })
}
