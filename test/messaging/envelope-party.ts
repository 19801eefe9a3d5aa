// A test Party as a messaging EnvelopeParty: its identity, a device certificate for a fresh libp2p peer, its sessions.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createDeviceCertificate } from '../../src/crypto/index.js'
import type { EnvelopeParty } from '../../src/messaging/envelope.js'
import type { Party, TestClock } from '../session/party.js'
import type { SeededRandom } from '../helpers/seeded-random.js'

export async function envelopeParty (p: Party, rng: SeededRandom, clock: TestClock): Promise<EnvelopeParty> {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const certificate = createDeviceCertificate(p.local.identity, { devicePeerId: peer.toMultihash().bytes, deviceId: p.local.deviceId, createdAt: clock.now() })
  return { identity: p.local.identity, certificate, sessions: p.sessions, random: rng.random }
}
