/** SFrame (RFC 9605) cipher suites with their sizes, and the limits of this implementation with their reasons; knows no keys or frames. */

/** AES-128-CTR with HMAC-SHA256, 80-bit tag (RFC 9605 §4.5). */
export const SFRAME_AES_128_CTR_HMAC_SHA256_80 = 0x0001
/** AES-128-CTR with HMAC-SHA256, 64-bit tag. */
export const SFRAME_AES_128_CTR_HMAC_SHA256_64 = 0x0002
/** AES-128-CTR with HMAC-SHA256, 32-bit tag. */
export const SFRAME_AES_128_CTR_HMAC_SHA256_32 = 0x0003
/** AES-128-GCM, keys derived with HKDF-SHA256, 128-bit tag. */
export const SFRAME_AES_128_GCM_SHA256_128 = 0x0004
/** AES-256-GCM, keys derived with HKDF-SHA512, 128-bit tag. */
export const SFRAME_AES_256_GCM_SHA512_128 = 0x0005

export type SFrameCipherSuite =
  typeof SFRAME_AES_128_CTR_HMAC_SHA256_80 | typeof SFRAME_AES_128_CTR_HMAC_SHA256_64 | typeof SFRAME_AES_128_CTR_HMAC_SHA256_32 |
  typeof SFRAME_AES_128_GCM_SHA256_128 | typeof SFRAME_AES_256_GCM_SHA512_128

/**
 * The suite Parley's calls use: AES-256-GCM like the rest of Parley's symmetric encryption (128-bit margin against
 * Grover, as the post-quantum session keys expect), hardware AES through WebCrypto, and a full 16-byte tag so no
 * forgery budget has to be argued per stream (docs/sframe.md, "Cipher suite").
 */
export const PARLEY_SFRAME_SUITE: SFrameCipherSuite = SFRAME_AES_256_GCM_SHA512_128

/** The constants of RFC 9605 §4.5's table: hash and its output size, key, nonce and tag sizes (bytes); `nka` only for AES-CTR suites. */
export interface SFrameSuiteParams {
  readonly id: SFrameCipherSuite
  readonly hash: 'SHA-256' | 'SHA-512'
  readonly nh: number
  readonly nka?: number
  readonly nk: number
  readonly nn: number
  readonly nt: number
  readonly aead: 'AES-GCM' | 'AES-CTR-HMAC'
}

const SUITES: ReadonlyMap<number, SFrameSuiteParams> = new Map([
  [SFRAME_AES_128_CTR_HMAC_SHA256_80, { id: SFRAME_AES_128_CTR_HMAC_SHA256_80, hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 10, aead: 'AES-CTR-HMAC' }],
  [SFRAME_AES_128_CTR_HMAC_SHA256_64, { id: SFRAME_AES_128_CTR_HMAC_SHA256_64, hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 8, aead: 'AES-CTR-HMAC' }],
  [SFRAME_AES_128_CTR_HMAC_SHA256_32, { id: SFRAME_AES_128_CTR_HMAC_SHA256_32, hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 4, aead: 'AES-CTR-HMAC' }],
  [SFRAME_AES_128_GCM_SHA256_128, { id: SFRAME_AES_128_GCM_SHA256_128, hash: 'SHA-256', nh: 32, nk: 16, nn: 12, nt: 16, aead: 'AES-GCM' }],
  [SFRAME_AES_256_GCM_SHA512_128, { id: SFRAME_AES_256_GCM_SHA512_128, hash: 'SHA-512', nh: 64, nk: 32, nn: 12, nt: 16, aead: 'AES-GCM' }]
] as const)

/** The parameters of a suite, or undefined when the suite is not one of RFC 9605's five. */
export function sframeSuite (suite: number): SFrameSuiteParams | undefined {
  return SUITES.get(suite)
}

/** KIDs and CTRs are unsigned 64-bit integers (RFC 9605 §4.3: at most 8 bytes each in the header). */
export const SFRAME_MAX_UINT64 = (1n << 64n) - 1n

/**
 * Most frames one sending key encrypts: counters 0 … 2^32 - 1, then SFrameCounterExhaustedError. RFC 9605 allows
 * 64-bit counters; the bound here keeps the data under one AES-GCM key far inside its usage limits (2^32 frames of up
 * to 128 KiB are 2^45 blocks: a distinguishing advantage near 2^-38) and still outlasts any call, since every key is
 * replaced at each join and leave: an 8-way mesh sends about 560 frames a second under one key (30 video and 50
 * audio frames to each of 7 peers), which takes 88 days to use up 2^32 counters.
 */
export const SFRAME_MAX_CTR = (1n << 32n) - 1n

/**
 * Most keys a receiving keyring holds. A call has at most 16 senders (the KID layout's participant field) and each
 * may have two keys live during a rotation (the new one, and the old one kept for frames in flight): 32; twice that
 * leaves room for rotations that overlap, while bounding the memory and WebCrypto imports a flood of key messages
 * could cost.
 */
export const SFRAME_MAX_KEYS = 64

/**
 * The replay window, in counter values below the highest accepted under a KID (RFC 9605 §7.4 and §9.3 leave anti-replay
 * to the application and point at SRTP's window, RFC 3711 §3.3.2). A sender's one counter runs across its audio and
 * video to every peer (up to ~560 a second in an 8-way mesh), and a receiver's audio and video frames reach the
 * transform at different times (video waits for all its packets, retransmissions included), so the window must
 * cover seconds, not the 64 packets SRTP suggests: 4096 values is over 7 s at that rate, in a 512-byte bitmap.
 */
export const SFRAME_REPLAY_WINDOW = 4096

/** Shortest base key accepted: 128 bits, the strength of the weakest suite's AES key. */
export const SFRAME_MIN_BASE_KEY_BYTES = 16
/** Longest base key accepted: the largest Nh (SHA-512's 64 bytes); a longer key adds no strength to HKDF-Extract. */
export const SFRAME_MAX_BASE_KEY_BYTES = 64
