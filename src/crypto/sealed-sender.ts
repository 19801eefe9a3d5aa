/** Sealed-sender envelopes (after Signal's sealed sender v1): the sender's identity and certificate travel inside, encrypted to the recipient's identity key; knows no transport. */
import { concat, constantTimeEqual, utf8, wipe } from './bytes.js'
import { generateX25519KeyPair, x25519Agree } from './dh.js'
import { providerOf } from './deps.js'
import { InvalidMessageError, InvalidSignatureError } from './errors.js'
import { checkIdentityKey, identityDhPublicKey, verifyDeviceCertificate } from './identity.js'
import { encodePb } from './codec.js'
import { SealedContentPb } from './pb/messages.js'
import { AES_GCM_TAG_LENGTH } from './provider.js'
import type { CryptoDeps } from './deps.js'
import type { DeviceCertificate, IdentityKeyPair } from './identity.js'

const SEALED_SENDER_VERSION = 0x11
const SALT_PREFIX = utf8('Parley-SealedSender-v1')
const EPHEMERAL_INFO = utf8('Parley_SealedSender_Ephemeral_v1')
const STATIC_INFO = utf8('Parley_SealedSender_Static_v1')
/** Each AES key below encrypts exactly one message, so a fixed zero nonce is safe. */
const ZERO_IV = new Uint8Array(12)
const ENCRYPTED_STATIC_LENGTH = 32 + AES_GCM_TAG_LENGTH
const HEADER_LENGTH = 1 + 32 + ENCRYPTED_STATIC_LENGTH

export interface SealParams {
  senderIdentity: IdentityKeyPair
  /** the sender's signed device certificate (createDeviceCertificate) */
  senderCertificate: Uint8Array
  recipientIdentityKey: Uint8Array
  /** usually a ratchet message or prekey message */
  content: Uint8Array
  /** opaque to crypto, e.g. 1 = ratchet message, 2 = prekey message */
  contentType?: number
}

export interface OpenedEnvelope {
  senderIdentityKey: Uint8Array
  certificate: DeviceCertificate
  contentType: number
  content: Uint8Array
}

/** version(1) ‖ ephemeral X25519 public(32) ‖ AES-GCM(sender identity key)(48) ‖ AES-GCM(content + certificate). */
export function sealSender (params: SealParams, deps: CryptoDeps): Uint8Array {
  const p = providerOf(deps)
  const recipientDh = identityDhPublicKey(params.recipientIdentityKey)
  const e = generateX25519KeyPair(deps.random, p)
  const ephemeralDh = x25519Agree(e.privateKey, recipientDh, p)
  const eKeys = p.hkdfSha256(ephemeralDh, concat(SALT_PREFIX, params.recipientIdentityKey, e.publicKey), EPHEMERAL_INFO, 64)
  const prefix = concat(Uint8Array.of(SEALED_SENDER_VERSION), e.publicKey)
  const encryptedStatic = p.aesGcmEncrypt(eKeys.subarray(32, 64), ZERO_IV, params.senderIdentity.publicKey, prefix)
  const staticDh = params.senderIdentity.agree(recipientDh, p)
  const sKey = p.hkdfSha256(staticDh, concat(eKeys.subarray(0, 32), encryptedStatic), STATIC_INFO, 32)
  const inner = encodePb(SealedContentPb, { certificate: params.senderCertificate, contentType: params.contentType ?? 0, content: params.content })
  const encryptedContent = p.aesGcmEncrypt(sKey, ZERO_IV, inner, concat(prefix, encryptedStatic))
  wipe(e.privateKey, ephemeralDh, eKeys, staticDh, sKey)
  return concat(prefix, encryptedStatic, encryptedContent)
}

/**
 * Opens an envelope addressed to `recipientIdentity`: decrypts the sender identity, checks the
 * static DH binds that identity, and verifies the device certificate belongs to it.
 * Throws DecryptionError (tampered / not for us), InvalidSignatureError, InvalidMessageError.
 */
export function openSealedSender (recipientIdentity: IdentityKeyPair, envelope: Uint8Array, deps?: Partial<CryptoDeps>): OpenedEnvelope {
  const p = providerOf(deps)
  if (envelope.length < HEADER_LENGTH + AES_GCM_TAG_LENGTH || envelope[0] !== SEALED_SENDER_VERSION) throw new InvalidMessageError('Malformed sealed sender envelope')
  const prefix = envelope.subarray(0, 33)
  const ePub = envelope.subarray(1, 33)
  const encryptedStatic = envelope.subarray(33, HEADER_LENGTH)
  const encryptedContent = envelope.subarray(HEADER_LENGTH)
  const ephemeralDh = recipientIdentity.agree(ePub, p)
  const eKeys = p.hkdfSha256(ephemeralDh, concat(SALT_PREFIX, recipientIdentity.publicKey, ePub), EPHEMERAL_INFO, 64)
  try {
    const senderIdentityKey = p.aesGcmDecrypt(eKeys.subarray(32, 64), ZERO_IV, encryptedStatic, prefix)
    checkIdentityKey(senderIdentityKey)
    const staticDh = recipientIdentity.agree(identityDhPublicKey(senderIdentityKey), p)
    const sKey = p.hkdfSha256(staticDh, concat(eKeys.subarray(0, 32), encryptedStatic), STATIC_INFO, 32)
    const inner = p.aesGcmDecrypt(sKey, ZERO_IV, encryptedContent, concat(prefix, encryptedStatic))
    wipe(staticDh, sKey)
    let pb: SealedContentPb
    try {
      pb = SealedContentPb.decode(inner)
    } catch {
      throw new InvalidMessageError('Malformed sealed sender content')
    }
    const certificate = verifyDeviceCertificate(pb.certificate, undefined, p)
    if (!constantTimeEqual(certificate.identityKey, senderIdentityKey)) throw new InvalidSignatureError('Certificate is for another identity than the sender')
    return { senderIdentityKey, certificate, contentType: pb.contentType, content: pb.content }
  } finally {
    wipe(ephemeralDh, eKeys)
  }
}
