// The directory record as a signed device list (linked devices): each device's own prekey bundle, removed device ids, and a full record's size.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { systemRandom, createDeviceCertificate, encodePreKeyBundle, KemPreKey, openDirectoryRecord, publicKemPreKey, publicSignedPreKey, SignedPreKey, type IdentityKeyPair } from '../../src/crypto/index.js'
import { decodeInnerRecord } from '../../src/directory/record.js'
import {
  buildRecord, decodeEnvelope, directoryKeysFor, MAX_DEVICES, MAX_RELAYS, MAX_REMOVED_DEVICES, MAX_VALUE_BYTES,
  type DirectoryDevice
} from '../../src/directory/index.js'
import { attest, makeUser, makeVerifier, rejectionName, type TestUser } from './fixtures.js'

const NUMBER = '+14155550142'
const now = Date.now()

/** A device entry of `identity` with its own peer, certificate and prekey bundle. */
async function device (identity: IdentityKeyPair, deviceId: number, bundleDeviceId = deviceId, bundleIdentity = identity): Promise<DirectoryDevice> {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const certificate = createDeviceCertificate(identity, { devicePeerId: peer.toMultihash().bytes, deviceId, createdAt: now })
  const spk = SignedPreKey.generate(bundleIdentity, deviceId, now, systemRandom)
  const kpk = KemPreKey.generate(bundleIdentity, deviceId, now, true, systemRandom)
  const prekeyBundle = encodePreKeyBundle({ identityKey: bundleIdentity.publicKey, deviceId: bundleDeviceId, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kpk) })
  return { deviceId, peerId: peer.toString(), certificate, prekeyBundle }
}

describe('the directory record as a device list', () => {
  let alice: TestUser
  let mallory: TestUser
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>

  beforeAll(async () => {
    alice = await makeUser()
    mallory = await makeUser()
    keys = await directoryKeysFor(NUMBER)
  })

  it('carries every device with its own bundle and the removed ids, and reads them back', async () => {
    const devices = [await device(alice.identity, 1), await device(alice.identity, 3)]
    const built = await buildRecord(alice.identity, NUMBER, { devices, mailboxRelays: alice.fields.mailboxRelays, removedDevices: [2] }, { now })
    const envelope = decodeEnvelope(built.value)
    const record = decodeInnerRecord(openDirectoryRecord(keys.recordKey, keys.dhtKey, envelope.sealed), envelope)
    expect(record.devices).toEqual(devices)
    expect(record.removedDevices).toEqual([2])
  })

  it('refuses a device whose bundle is another device\'s or another identity\'s', async () => {
    const swapped = await device(alice.identity, 2, 1)
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, { devices: [await device(alice.identity, 1), swapped], mailboxRelays: [] }, { now }))).toBe('MalformedRecordError')
    // mallory's bundle under alice's certificate: a session would be made with mallory's keys
    const foreign = await device(alice.identity, 2, 2, mallory.identity)
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, { devices: [foreign], mailboxRelays: [] }, { now }))).toBe('MalformedRecordError')
    // an empty bundle is allowed (a device that has not published one yet)
    const bare = { ...await device(alice.identity, 2), prekeyBundle: new Uint8Array(0) }
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, { devices: [bare], mailboxRelays: [] }, { now }))).toBe('no error')
  })

  it('refuses a removed device that is still listed, repeated or invalid removed ids, and too many of them', async () => {
    const one = await device(alice.identity, 1)
    const build = async (removedDevices: number[]): Promise<string> => await rejectionName(buildRecord(alice.identity, NUMBER, { devices: [one], mailboxRelays: [], removedDevices }, { now }))
    expect(await build([1])).toBe('MalformedRecordError')
    expect(await build([2, 2])).toBe('MalformedRecordError')
    expect(await build([-1])).toBe('MalformedRecordError')
    expect(await build([2 ** 32])).toBe('MalformedRecordError')
    expect(await build([1.5])).toBe('MalformedRecordError')
    expect(await build(Array.from({ length: MAX_REMOVED_DEVICES + 1 }, (_, i) => i + 2))).toBe('MalformedRecordError')
    expect(await build(Array.from({ length: MAX_REMOVED_DEVICES }, (_, i) => i + 2))).toBe('no error')
  })

  it('refuses more than MAX_DEVICES devices', async () => {
    const devices = await Promise.all(Array.from({ length: MAX_DEVICES + 1 }, async (_, i) => await device(alice.identity, i + 1)))
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, { devices, mailboxRelays: [] }, { now }))).toBe('MalformedRecordError')
  })

  it('a full record (MAX_DEVICES devices with bundles, MAX_RELAYS relays, 4 attestations, MAX_REMOVED_DEVICES removed ids) fits a DHT value', async () => {
    const devices = await Promise.all(Array.from({ length: MAX_DEVICES }, async (_, i) => await device(alice.identity, i + 1)))
    const relay = '/dns4/relay-with-a-long-name.community.example.org/tcp/443/wss/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
    const mailboxRelays = Array.from({ length: MAX_RELAYS }, (_, i) => relay.replace('relay-', `relay-${i}-`))
    const attestations = Array.from({ length: 4 }, (_, i) => attest(makeVerifier(), keys.directoryKey, alice.identity.publicKey, now - i * 1000))
    const removedDevices = Array.from({ length: MAX_REMOVED_DEVICES }, (_, i) => i + MAX_DEVICES + 1)
    const built = await buildRecord(alice.identity, NUMBER, { devices, mailboxRelays, removedDevices }, { now, attestations })
    expect(built.value.length).toBeLessThanOrEqual(MAX_VALUE_BYTES)
  })
})
