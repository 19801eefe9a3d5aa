/** SFrame (RFC 9605) for Parley's calls: header, key schedule, the five suites' AEADs, send contexts, receive keyrings with replay windows, Parley's KID layout and media framing. Knows no WebRTC objects and no key distribution; see docs/sframe.md. */
export {
  SFRAME_AES_128_CTR_HMAC_SHA256_80, SFRAME_AES_128_CTR_HMAC_SHA256_64, SFRAME_AES_128_CTR_HMAC_SHA256_32,
  SFRAME_AES_128_GCM_SHA256_128, SFRAME_AES_256_GCM_SHA512_128, PARLEY_SFRAME_SUITE, SFRAME_MAX_CTR, SFRAME_MAX_KEYS,
  SFRAME_REPLAY_WINDOW, SFRAME_MIN_BASE_KEY_BYTES, SFRAME_MAX_BASE_KEY_BYTES, SFRAME_MAX_UINT64, sframeSuite,
  type SFrameCipherSuite, type SFrameSuiteParams
} from './sframe/constants.js'
export {
  SFrameError, SFrameHeaderError, SFrameDecryptError, SFrameUnknownKeyError, SFrameReplayError, SFrameCounterExhaustedError,
  SFrameKeyringFullError, SFrameKeyReuseError, SFrameUnsupportedCodecError
} from './sframe/errors.js'
export { encodeSFrameHeader, decodeSFrameHeader, SFRAME_MAX_HEADER_BYTES, type SFrameHeader } from './sframe/header.js'
export { deriveSFrameKeySalt, sframeNonce } from './sframe/key-schedule.js'
export { importSFrameAead, type SFrameAead, type SFrameKeyUse } from './sframe/aead.js'
export { ReplayWindow } from './sframe/replay.js'
export { SFrameSender, type SFrameSenderInit } from './sframe/sender.js'
export { SFrameKeyring, type SFrameKeyringInit, type SFrameDecrypted } from './sframe/keyring.js'
export { parleySFrameKid, parseParleySFrameKid, SFRAME_PARTICIPANT_BITS, SFRAME_MAX_PARTICIPANTS, SFRAME_MAX_GENERATION } from './sframe/kid.js'
export {
  sframeClearBytes, sframeSupportsCodec, protectMediaFrame, unprotectMediaFrame, VP8_KEY_FRAME_CLEAR_BYTES, VP8_DELTA_FRAME_CLEAR_BYTES
} from './sframe/media-frame.js'
export { newSFrameBaseKey, SFRAME_BASE_KEY_BYTES } from './sframe/base-key.js'
