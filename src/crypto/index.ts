/** Public API of the crypto layer (pure: Uint8Array in/out, randomness and provider as parameters); see docs/crypto-api.md. */

// randomness, providers
export { systemRandom } from './deps.js'
export type { RandomSource, CryptoDeps } from './deps.js'
export { defaultProvider, nativeProvider, nobleProvider } from './default-provider.js'
export { AES_GCM_IV_LENGTH, AES_GCM_TAG_LENGTH, HKDF_SHA256_MAX_LENGTH } from './provider.js'
export type { CryptoProvider, ScryptParams, Sha256Hasher } from './provider.js'

// errors
export {
  CryptoError, InvalidSignatureError, InvalidKeyError, InvalidMessageError, DecryptionError, DuplicateMessageError,
  TooFarForwardError, ReplayedMessageError, MissingPreKeyError, SessionMismatchError, NoSenderKeyError,
  MissingPrivateKeyError, UnsupportedParameterError, BlobChunkError
} from './errors.js'

// identity and devices
export { IdentityKeyPair, IDENTITY_KEY_LENGTH, checkIdentityKey, verifySignature, identityDhPublicKey, createDeviceCertificate, verifyDeviceCertificate } from './identity.js'
export type { DeviceCertificate } from './identity.js'

// prekeys and bundles
export {
  SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey,
  encodePublicSignedPreKey, decodePublicSignedPreKey, encodePublicKemPreKey, decodePublicKemPreKey,
  encodePublicOneTimePreKey, decodePublicOneTimePreKey, encodePreKeyBundle, decodePreKeyBundle, verifyPreKeyBundle
} from './prekeys.js'
export type { PreKeyBundle, PublicSignedPreKey, PublicKemPreKey, PublicOneTimePreKey } from './prekeys.js'
export { MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_CIPHERTEXT_LENGTH } from './kem.js'

// PQXDH and the Double Ratchet
export { pqxdhInitiate, pqxdhRespond, replayIdOf } from './pqxdh.js'
export type { PreKeyLookup, RespondParams, RespondResult } from './pqxdh.js'
export { ratchetEncrypt, ratchetDecrypt } from './ratchet/double-ratchet.js'
export type { EncryptResult, DecryptResult } from './ratchet/double-ratchet.js'
export { RatchetState } from './ratchet/state.js'
export { messageKind, preKeyMessageBaseKey, parsePreKeyMessage } from './ratchet/message.js'
export type { MessageKind, PreKeyMessage } from './ratchet/message.js'
export { MAX_FORWARD_JUMP, MAX_SKIPPED_KEYS, MAX_RECEIVER_CHAINS } from './ratchet/limits.js'

// groups
export {
  SenderKeyRecord, createSenderKey, senderKeyDistribution, parseSenderKeyDistribution, processSenderKeyDistribution,
  senderKeyEncrypt, senderKeyDecrypt, senderKeyMessageChainId,
  MAX_SENDER_KEY_FORWARD_JUMP, MAX_SENDER_KEY_SKIPPED, MAX_SENDER_KEY_STATES
} from './sender-key.js'
export type { SenderKeyDistribution } from './sender-key.js'

// sealed sender
export { sealSender, openSealedSender } from './sealed-sender.js'
export type { SealParams, OpenedEnvelope } from './sealed-sender.js'

// safety numbers
export { safetyNumber, compareSafetyNumberQr, SAFETY_NUMBER_ITERATIONS } from './safety-number.js'
export type { SafetyNumber, SafetyNumberParams } from './safety-number.js'

// directory
export { directoryHash, directoryDhtKey, directoryRecordKey, sealDirectoryRecord, openDirectoryRecord, E164_PATTERN, DIRECTORY_SCRYPT } from './directory.js'

// verifier attestations
export { createAttestation, encodeAttestation, decodeAttestation, attestationTrusted, ATTESTATION_LENGTH, DIRECTORY_KEY_LENGTH } from './attestation.js'
export type { Attestation } from './attestation.js'

// linking a new device
export { createLinkOffer, createLinkEphemeral, deriveLinkKeys, sealLinkFrame, openLinkFrame, LINK_SECRET_LENGTH } from './link.js'
export type { LinkOffer, LinkKeys, LinkTranscript } from './link.js'

// media blobs (chunked file encryption)
export {
  newBlobKey, blobChunkCipher, blobChunkCount, blobCiphertextSize, blobChunkPlaintextSize, sha256Hasher, BlobSealer, BlobPlaintextReader,
  BLOB_KEY_BYTES, BLOB_CHUNK_BYTES, BLOB_CHUNK_OVERHEAD, BLOB_MAX_CHUNKS, MAX_BLOB_PLAINTEXT_BYTES
} from './blob-cipher.js'
export type { BlobCipherOptions, BlobCipherBackend, BlobChunkCipher } from './blob-cipher.js'
