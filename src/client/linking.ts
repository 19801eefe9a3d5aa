/** Both sides of linking a new device to an account (docs/devices.md): what the approver hands over (identity, device id, the account's state) and how the new device checks and stores it. Knows nothing of the CLI or the page. */
import type { AbortOptions, Connection, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  createDeviceCertificate, createLinkOffer, decodePreKeyBundle, encodePreKeyBundle, IdentityKeyPair, verifyDeviceCertificate, E164_PATTERN,
  type RandomSource
} from '../crypto/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import {
  acceptLink, decodeLinkCode, encodeLinkCode, LinkBrokenError, LinkRefusedError, LINK_ARCHIVE_CHUNK_BYTES, LINK_PROTOCOL,
  type LinkChannel, type LinkEntryPb, type LinkMessagePb
} from '../protocols/link/index.js'
import type { DialingNode } from '../protocols/request-response.js'
import { openLink } from '../protocols/link/index.js'
import { encodeLocalIdentity, PreKeyManager, type LocalIdentity } from '../session/index.js'
import type { LookupResult } from '../directory/index.js'
import { messageEntryTime, type KeyValueEntry, type Storage } from '../storage/index.js'
import { OwnDevices, checkDeviceName, type DeviceKind } from './own-devices.js'
import { DeviceLimitError } from './errors.js'
import { MAX_DEVICES } from '../directory/index.js'

/**
 * What an account's state is, as raw storage entries (sublevel `!name!`): history, contacts and their
 * identity keys, profiles, settings, registration (number, attestations, mailbox relays, trust roots),
 * relays and the apps' own stores. Never this device's keys (identity record, libp2p key, prekeys),
 * sessions, sender keys, replay marks or outbox: those belong to one device.
 */
const ACCOUNT_PREFIXES = ['!messages!', '!kv-contacts!', '!kv-contact-meta!', '!kv-contact-blocks!', '!kv-contact-profiles!', '!kv-profile!', '!kv-settings!', '!kv-registration!', '!kv-relays!', '!kv-app-', '!identity!remote/']
const isAccountEntry = (key: string): boolean => ACCOUNT_PREFIXES.some(p => key.startsWith(p))

/** History a new device gets by default: the last 90 days (WhatsApp's companion sync is about as long); older stays on the devices that have it. */
export const DEFAULT_LINK_HISTORY_DAYS = 90

/** Progress of a link on either side: entries of the account's state moved so far, of `total`. */
export type LinkProgress = (done: number, total: number) => void

export interface ApproveLinkParams {
  node: DialingNode & { peerId: { toMultihash: () => { bytes: Uint8Array } } }
  storage: Storage
  local: LocalIdentity
  phone: string
  devices: OwnDevices
  /** publishes our record (with the new device, now in `devices`); resolves with its seq */
  publish: (options: AbortOptions) => Promise<number>
  random?: RandomSource
  now: () => number
}

export interface ApproveLinkOptions extends AbortOptions {
  /** the new device's name; default: the name it suggests for itself */
  name?: string
  /** days of history the new device gets (Infinity: all, 0: none) @default DEFAULT_LINK_HISTORY_DAYS */
  historyDays?: number
  onProgress?: LinkProgress
}

/** The approver: hands the account to the device whose code `uri` is, publishes it in our record, sends the state. */
export async function approveLink (uri: string, p: ApproveLinkParams, options: ApproveLinkOptions = {}): Promise<{ deviceId: number, name: string, peerId: string }> {
  const code = decodeLinkCode(uri)
  const name = options.name != null ? checkDeviceName(options.name) : undefined
  if (await p.devices.count(options) >= MAX_DEVICES) throw new DeviceLimitError(MAX_DEVICES - 1)
  const days = options.historyDays ?? DEFAULT_LINK_HISTORY_DAYS
  if (!(days >= 0)) throw new RangeError('historyDays must be 0 or more')
  const cutoff = Number.isFinite(days) ? p.now() - days * 24 * 3600_000 : -Infinity
  const entries: KeyValueEntry[] = []
  for await (const e of p.storage.entries(options)) {
    if (!isAccountEntry(e.key)) continue
    const at = messageEntryTime(e)
    if (at != null && at < cutoff) continue
    entries.push(e)
  }
  const deviceId = await p.devices.nextDeviceId(options)
  const channel = await openLink(p.node, code, { ...options, ...(p.random != null ? { random: p.random } : {}) })
  let added = false
  try {
    const names = await p.devices.names(options)
    const identityKeyPair = p.local.identity.serialize()
    try {
      await channel.send({ grant: { phone: p.phone, identityKeyPair: identityKeyPair as Uint8Array<ArrayBuffer>, deviceId, deviceName: name ?? '', approverDeviceId: p.local.deviceId, approverName: names[p.local.deviceId]?.name ?? '', entries: BigInt(entries.length) } }, options)
    } finally {
      identityKeyPair.fill(0)
    }
    const { accept } = await channel.receive(options)
    if (accept == null) throw new LinkBrokenError('the new device did not answer the link')
    const entry = { deviceId, peerId: code.peerId.toString(), certificate: accept.certificate, prekeyBundle: accept.prekeyBundle }
    checkAccept(entry, p.local.identity.publicKey, code.peerId.toMultihash().bytes)
    const finalName = name ?? checkDeviceName(accept.suggestedName.length > 0 ? accept.suggestedName : `Device ${deviceId}`)
    await p.devices.add(entry, finalName, kindOf(accept.kind), options)
    added = true
    await sendArchive(channel, entries, options)
    const seq = await p.publish(options)
    await channel.send({ published: BigInt(seq) }, options)
    const { stored } = await channel.receive(options)
    if (stored !== true) throw new LinkBrokenError('the new device did not confirm the link')
    await channel.close(options)
    return { deviceId, name: finalName, peerId: entry.peerId }
  } catch (err) {
    if (!(err instanceof LinkRefusedError)) await channel.refuse(err instanceof Error ? err.message : 'the link failed', options).catch(() => {})
    else channel.abort()
    // a device listed but never set up is removed again (best effort: the next publish carries it too)
    if (added) await p.devices.remove(deviceId).then(async () => await p.publish({})).catch(() => {})
    throw err
  }
}

function checkAccept (entry: { deviceId: number, certificate: Uint8Array, prekeyBundle: Uint8Array }, identityKey: Uint8Array, peer: Uint8Array): void {
  try {
    const cert = verifyDeviceCertificate(entry.certificate, identityKey)
    const bundle = decodePreKeyBundle(entry.prekeyBundle)
    if (cert.deviceId !== entry.deviceId || !constantTimeEqual(cert.devicePeerId, peer) || bundle.deviceId !== entry.deviceId || !constantTimeEqual(bundle.identityKey, identityKey)) throw new Error('mismatch')
  } catch {
    throw new LinkBrokenError('the new device answered with keys that do not match the link')
  }
}

async function sendArchive (channel: LinkChannel, entries: KeyValueEntry[], options: ApproveLinkOptions): Promise<void> {
  let chunk: LinkEntryPb[] = []
  let bytes = 0
  let sent = 0
  options.onProgress?.(0, entries.length)
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return
    await channel.send({ archive: chunk }, options)
    sent += chunk.length
    options.onProgress?.(sent, entries.length)
    chunk = []
    bytes = 0
  }
  for (const e of entries) {
    chunk.push({ key: e.key, value: e.value as Uint8Array<ArrayBuffer> })
    bytes += e.key.length + e.value.length
    if (bytes >= LINK_ARCHIVE_CHUNK_BYTES) await flush()
  }
  await flush()
}

function kindOf (kind: string): DeviceKind | undefined {
  return kind === 'browser' || kind === 'cli' || kind === 'node' ? kind : undefined
}

export interface NewDeviceParams {
  node: { peerId: { toMultihash: () => { bytes: Uint8Array } }, handle: (protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options?: { runOnLimitedConnection?: boolean, maxInboundStreams?: number }) => Promise<void>, unhandle: (protocol: string) => Promise<void> }
  storage: Storage
  /** where the approver can reach this device (relay circuits first) */
  addrs: Multiaddr[]
  /** the directory's answer for a number: the grant's identity must own the number it names */
  lookup: (e164: string, options: AbortOptions) => Promise<LookupResult>
  kind: DeviceKind
  suggestedName: string
  random: RandomSource
  now: () => number
}

export interface NewDeviceOptions extends AbortOptions {
  /** the code to show (QR / paste), once, as soon as this device can be reached */
  onCode: (uri: string) => void
  onProgress?: LinkProgress
}

/**
 * The new device: shows a code, waits for an approver, checks that the identity it hands over owns the
 * number it names, answers with this device's keys, stores the account's state and this device's
 * identity in one write. Attempts that fail (someone without the code, an altered exchange, a refused
 * link) are answered and the code stays valid for the next; resolves with the account's number.
 */
export async function linkAsNewDevice (p: NewDeviceParams, options: NewDeviceOptions): Promise<{ phone: string, deviceId: number }> {
  const offer = createLinkOffer(p.random)
  const self = p.node.peerId.toMultihash().bytes
  /** the attempt under way: a new one takes over (the person tries again after a link that broke on the way) */
  let current: { stream: Stream, attempt: Promise<void> } | undefined
  const done = new Promise<{ phone: string, deviceId: number }>((resolve, reject) => {
    options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
    const handler = async (stream: Stream, connection: Connection): Promise<void> => {
      const previous = current
      if (previous != null) {
        previous.stream.abort(new LinkBrokenError('another attempt took over'))
        await previous.attempt
      }
      const attempt = (async () => {
        try {
          const channel = await acceptLink(stream, connection, offer, self, options)
          resolve(await receiveAccount(channel, p, options))
        } catch (err) {
          // a failed attempt leaves the code usable: the person may try again from the approving device
          stream.abort(err as Error)
        }
      })()
      current = { stream, attempt }
      await attempt
      if (current?.stream === stream) current = undefined
    }
    p.node.handle(LINK_PROTOCOL, handler, { runOnLimitedConnection: true, maxInboundStreams: 2 })
      .then(() => { options.onCode(encodeLinkCode({ peerId: p.node.peerId as never, addrs: p.addrs, ephemeralKey: offer.publicKey, secret: offer.secret })) }, reject)
  })
  try {
    return await done
  } finally {
    offer.privateKey.fill(0)
    await p.node.unhandle(LINK_PROTOCOL).catch(() => {})
  }
}

async function receiveAccount (channel: LinkChannel, p: NewDeviceParams, options: NewDeviceOptions): Promise<{ phone: string, deviceId: number }> {
  const { grant } = await channel.receive(options)
  if (grant == null) throw new LinkBrokenError('the approving device did not say which account')
  let identity: IdentityKeyPair
  try {
    if (!E164_PATTERN.test(grant.phone)) throw new Error('bad number')
    identity = IdentityKeyPair.deserialize(grant.identityKeyPair)
  } catch {
    await channel.refuse('the account sent is malformed', options)
    throw new LinkBrokenError('the approving device sent a malformed account')
  } finally {
    grant.identityKeyPair.fill(0)
  }
  // the number must be this identity's in the directory: a device cannot be talked into a number its approver does not own
  const found = await p.lookup(grant.phone, options).catch(() => undefined)
  if (found == null || !found.registered || !constantTimeEqual(found.identityKey, identity.publicKey)) {
    await channel.refuse('that number is not registered to the approving device\'s account', options)
    throw new LinkBrokenError('the approving device does not own the number it names')
  }
  const local: LocalIdentity = { identity, deviceId: grant.deviceId, createdAt: p.now() }
  const preKeys = new PreKeyManager({ preKeys: p.storage.preKeys, meta: p.storage.kv('prekey-meta'), identity, deviceId: local.deviceId, random: p.random, now: p.now })
  await preKeys.rotateSignedPreKeys({ force: true }, options)
  const { signedPreKey, lastResortKemPreKey } = await preKeys.currentSignedPreKeys(options)
  const certificate = createDeviceCertificate(identity, { devicePeerId: p.node.peerId.toMultihash().bytes, deviceId: local.deviceId, createdAt: local.createdAt })
  const prekeyBundle = encodePreKeyBundle({ identityKey: identity.publicKey, deviceId: local.deviceId, signedPreKey, kemPreKey: lastResortKemPreKey })
  await channel.send({ accept: { certificate: certificate as Uint8Array<ArrayBuffer>, prekeyBundle: prekeyBundle as Uint8Array<ArrayBuffer>, kind: p.kind, suggestedName: p.suggestedName } }, options)

  const total = Number(grant.entries)
  const archive: KeyValueEntry[] = []
  options.onProgress?.(0, total)
  let message: LinkMessagePb
  for (;;) {
    message = await channel.receive(options)
    if (message.published != null) break
    for (const e of message.archive) {
      if (!isAccountEntry(e.key)) {
        await channel.refuse('the account state holds entries that are not account state', options)
        throw new LinkBrokenError('the approving device sent device keys or unknown state')
      }
      archive.push({ key: e.key, value: e.value })
    }
    options.onProgress?.(Math.min(archive.length, total), total)
  }
  // one atomic write: this device's keys so far (libp2p key, prekeys) + its identity + the account's state
  await p.storage.identity.saveLocalIdentity(encodeLocalIdentity(local), options)
  const kept: KeyValueEntry[] = []
  for await (const e of p.storage.entries(options)) if (!isAccountEntry(e.key)) kept.push(e)
  await p.storage.replaceAll([...kept, ...archive], options)
  const devices = new OwnDevices(p.storage.kv('own-devices'), { deviceId: local.deviceId, peerId: '', now: p.now })
  await devices.adoptNames({
    [local.deviceId]: { name: grant.deviceName.length > 0 ? grant.deviceName : p.suggestedName, kind: p.kind },
    ...(grant.approverName.length > 0 ? { [grant.approverDeviceId]: { name: grant.approverName } } : {})
  }, options)
  await channel.send({ stored: true }, options)
  await channel.close(options)
  return { phone: grant.phone, deviceId: local.deviceId }
}
