/** The device-link exchange's keys (docs/devices.md): X25519 between the new device's ephemeral key (shown in its link code) and the approver's, bound to both keys, both libp2p peers and the code's secret; then AES-256-GCM per direction with a frame counter. Knows no transport. */
import { concat, u32be, utf8, wipe } from './bytes.js'
import { checkX25519PublicKey, generateX25519KeyPair, x25519Agree, type X25519KeyPair } from './dh.js'
import { providerOf, type CryptoDeps, type RandomSource } from './deps.js'
import { DecryptionError, InvalidKeyError, UnsupportedParameterError } from './errors.js'
import { AES_GCM_IV_LENGTH, type CryptoProvider } from './provider.js'

/** Bytes of the secret a link code carries besides the ephemeral key: 128 bits, never guessed within a link's lifetime. */
export const LINK_SECRET_LENGTH = 16
/** Frames one direction may seal: a link moves an archive of a few thousand chunks at most; the counter is the nonce. */
const MAX_LINK_FRAMES = 2 ** 32 - 1
const INFO = utf8('Parley_DeviceLink_v1')
const AAD = utf8('Parley_DeviceLink_Frame_v1')

/** What the new device keeps while its code is shown: the ephemeral key pair and the secret. */
export interface LinkOffer extends X25519KeyPair {
  secret: Uint8Array
}

/** One direction's key each: the approver seals with `toNew`, the new device with `toApprover`. */
export interface LinkKeys {
  toNew: Uint8Array
  toApprover: Uint8Array
}

export interface LinkTranscript {
  /** the new device's ephemeral public key (from its code) */
  newDeviceKey: Uint8Array
  /** the approver's ephemeral public key (its first frame) */
  approverKey: Uint8Array
  /** libp2p peer ids (multihash bytes) of the new device and the approver, as the connection authenticated them */
  newPeer: Uint8Array
  approverPeer: Uint8Array
  /** the code's secret */
  secret: Uint8Array
}

/** A fresh offer for one link code. */
export function createLinkOffer (random: RandomSource, provider?: CryptoProvider): LinkOffer {
  return { ...generateX25519KeyPair(random, providerOf({ provider })), secret: random(LINK_SECRET_LENGTH) }
}

/** An ephemeral key pair for the approver's side of one link. */
export function createLinkEphemeral (random: RandomSource, provider?: CryptoProvider): X25519KeyPair {
  return generateX25519KeyPair(random, providerOf({ provider }))
}

function lengthPrefixed (...parts: Uint8Array[]): Uint8Array {
  return concat(...parts.flatMap(p => [u32be(p.length), p]))
}

/**
 * Both directions' keys from our ephemeral private key and the other side's public key. Someone without
 * the code's secret (a relay carrying the connection, anyone who learnt the new device's address) derives
 * other keys, so its first frame fails to open.
 */
export function deriveLinkKeys (privateKey: Uint8Array, theirPublicKey: Uint8Array, t: LinkTranscript, provider?: CryptoProvider): LinkKeys {
  if (t.secret.length !== LINK_SECRET_LENGTH) throw new UnsupportedParameterError(`a link secret is ${LINK_SECRET_LENGTH} bytes`)
  checkX25519PublicKey(t.newDeviceKey)
  checkX25519PublicKey(t.approverKey)
  if (t.newPeer.length === 0 || t.approverPeer.length === 0) throw new InvalidKeyError('a link names both peers')
  const p = providerOf({ provider })
  const shared = x25519Agree(privateKey, theirPublicKey, p)
  const okm = p.hkdfSha256(shared, t.secret, concat(INFO, lengthPrefixed(t.newDeviceKey, t.approverKey, t.newPeer, t.approverPeer)), 64)
  const keys = { toNew: okm.slice(0, 32), toApprover: okm.slice(32, 64) }
  wipe(shared, okm)
  return keys
}

function iv (counter: number): Uint8Array {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_LINK_FRAMES) throw new UnsupportedParameterError('link frame counter out of range')
  const out = new Uint8Array(AES_GCM_IV_LENGTH)
  out.set(u32be(counter), AES_GCM_IV_LENGTH - 4)
  return out
}

/** Seals frame number `counter` of one direction (counters start at 0 and never repeat under a key). */
export function sealLinkFrame (key: Uint8Array, counter: number, plaintext: Uint8Array, deps?: Pick<CryptoDeps, 'provider'>): Uint8Array {
  return providerOf(deps).aesGcmEncrypt(key, iv(counter), plaintext, AAD)
}

/** Opens frame number `counter`; DecryptionError when it was altered, reordered, replayed or sealed under another key. */
export function openLinkFrame (key: Uint8Array, counter: number, sealed: Uint8Array, deps?: Pick<CryptoDeps, 'provider'>): Uint8Array {
  try {
    return providerOf(deps).aesGcmDecrypt(key, iv(counter), sealed, AAD)
  } catch {
    throw new DecryptionError('link frame does not open: altered, out of order or from someone without the code')
  }
}
