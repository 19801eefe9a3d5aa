// SFrame (RFC 9605): the RFC's test vectors for the header, the AES-CTR + HMAC AEAD and whole frames, then what an attacker can try: tampered headers, ciphertexts and tags, replays, removed and wrong keys, counter exhaustion, and Parley's KID layout and media framing.
import { describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import {
  decodeSFrameHeader, deriveSFrameKeySalt, encodeSFrameHeader, importSFrameAead, parleySFrameKid, parseParleySFrameKid,
  protectMediaFrame, ReplayWindow, sframeClearBytes, sframeNonce, sframeSupportsCodec, unprotectMediaFrame, newSFrameBaseKey,
  SFrameCounterExhaustedError, SFrameDecryptError, SFrameError, SFrameHeaderError, SFrameKeyring, SFrameKeyringFullError,
  SFrameReplayError, SFrameSender, SFrameUnknownKeyError, SFrameUnsupportedCodecError,
  PARLEY_SFRAME_SUITE, SFRAME_AES_128_CTR_HMAC_SHA256_32, SFRAME_AES_128_CTR_HMAC_SHA256_64, SFRAME_AES_128_CTR_HMAC_SHA256_80,
  SFRAME_AES_128_GCM_SHA256_128, SFRAME_AES_256_GCM_SHA512_128, SFRAME_BASE_KEY_BYTES, SFRAME_MAX_CTR, SFRAME_MAX_GENERATION,
  SFRAME_MAX_KEYS, SFRAME_MAX_PARTICIPANTS, SFRAME_REPLAY_WINDOW, VP8_DELTA_FRAME_CLEAR_BYTES, VP8_KEY_FRAME_CLEAR_BYTES, sframeSuite
} from '../../src/crypto/sframe.js'
import { InvalidKeyError, UnsupportedParameterError } from '../../src/crypto/errors.js'
import { AEAD_VECTORS, HEADER_VECTORS, SFRAME_VECTORS } from './sframe-vectors.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
const big = (h: string): bigint => BigInt(`0x${h}`)
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

const ALL_SUITES = [
  SFRAME_AES_128_CTR_HMAC_SHA256_80, SFRAME_AES_128_CTR_HMAC_SHA256_64, SFRAME_AES_128_CTR_HMAC_SHA256_32,
  SFRAME_AES_128_GCM_SHA256_128, SFRAME_AES_256_GCM_SHA512_128
]

/** A sender and a keyring holding its key, for `suite`. */
async function pair (suite: number = PARLEY_SFRAME_SUITE, kid = 0x123n): Promise<{ sender: SFrameSender, keyring: SFrameKeyring, baseKey: Uint8Array }> {
  const baseKey = newSFrameBaseKey()
  const sender = await SFrameSender.create({ kid, baseKey, suite })
  const keyring = new SFrameKeyring({ suite })
  await keyring.addKey(kid, baseKey)
  return { sender, keyring, baseKey }
}

function flipped (data: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = data.slice()
  copy[index] ^= mask
  return copy
}

describe('RFC 9605 C.1: header encoding', () => {
  it('has all 289 vectors', () => {
    expect(HEADER_VECTORS).toHaveLength(289)
  })

  it('encodes each (KID, CTR) to the vector\'s header and decodes it back', () => {
    for (const [kid, ctr, header] of HEADER_VECTORS) {
      expect(hex(encodeSFrameHeader(big(kid), big(ctr))), `kid ${kid} ctr ${ctr}`).toBe(header)
      expect(decodeSFrameHeader(bytes(header)), header).toEqual({ kid: big(kid), ctr: big(ctr), length: header.length / 2 })
    }
  })

  it('reads only the header at the front of a longer ciphertext', () => {
    expect(decodeSFrameHeader(bytes('990123456700ff'))).toEqual({ kid: 0x123n, ctr: 0x4567n, length: 5 })
  })

  it('refuses truncated headers', () => {
    for (const h of ['', '08', '8f', '99012345', 'ff' + 'ff'.repeat(15)]) {
      expect(() => decodeSFrameHeader(bytes(h)), h).toThrow(SFrameHeaderError)
    }
  })

  it('refuses a value in a longer form than the shortest (each (KID, CTR) has one header, so one AAD)', () => {
    // CTR 0 extended; CTR 7 extended; CTR 255 in two bytes; KID 5 extended; KID 0x123 in three bytes
    for (const h of ['0800', '0807', '0900ff', '8005', '9100012300']) {
      expect(() => decodeSFrameHeader(bytes(h)), h).toThrow(SFrameHeaderError)
    }
  })

  it('refuses values outside 0 … 2^64 - 1 when encoding', () => {
    expect(() => encodeSFrameHeader(-1n, 0n)).toThrow(UnsupportedParameterError)
    expect(() => encodeSFrameHeader(0n, 1n << 64n)).toThrow(UnsupportedParameterError)
    expect(() => encodeSFrameHeader(1 as unknown as bigint, 0n)).toThrow(UnsupportedParameterError)
  })
})

describe('RFC 9605 C.2: AES-CTR + HMAC AEAD', () => {
  for (const v of AEAD_VECTORS) {
    it(`suite ${v.cipher_suite}: encrypts to the vector's ciphertext and decrypts it`, async () => {
      const sealer = await importSFrameAead(v.cipher_suite, bytes(v.key), 'encrypt')
      expect(hex(await sealer.seal(bytes(v.nonce), bytes(v.aad), bytes(v.pt)))).toBe(v.ct)
      const opener = await importSFrameAead(v.cipher_suite, bytes(v.key), 'decrypt')
      expect(hex(await opener.open(bytes(v.nonce), bytes(v.aad), bytes(v.ct)))).toBe(v.pt)
      // the derived subkeys are the key's halves
      expect(v.key).toBe(v.enc_key + v.auth_key)
    })
  }

  it('refuses a tampered tag, ciphertext or AAD, and a ciphertext shorter than the tag', async () => {
    for (const v of AEAD_VECTORS) {
      const opener = await importSFrameAead(v.cipher_suite, bytes(v.key), 'decrypt')
      const ct = bytes(v.ct)
      await expect(opener.open(bytes(v.nonce), bytes(v.aad), flipped(ct, ct.length - 1))).rejects.toBeInstanceOf(SFrameDecryptError)
      await expect(opener.open(bytes(v.nonce), bytes(v.aad), flipped(ct, 0))).rejects.toBeInstanceOf(SFrameDecryptError)
      await expect(opener.open(bytes(v.nonce), flipped(bytes(v.aad), 0), ct)).rejects.toBeInstanceOf(SFrameDecryptError)
      await expect(opener.open(bytes(v.nonce), bytes(v.aad), ct.subarray(0, 3))).rejects.toBeInstanceOf(SFrameDecryptError)
    }
  })

  it('uses each key only as marked (encrypt or decrypt, never both)', async () => {
    const v = AEAD_VECTORS[0]
    const sealer = await importSFrameAead(v.cipher_suite, bytes(v.key), 'encrypt')
    await expect(sealer.open(bytes(v.nonce), bytes(v.aad), bytes(v.ct))).rejects.toBeInstanceOf(UnsupportedParameterError)
    const opener = await importSFrameAead(SFRAME_AES_128_GCM_SHA256_128, new Uint8Array(16), 'decrypt')
    await expect(opener.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(1))).rejects.toBeInstanceOf(UnsupportedParameterError)
  })

  it('refuses keys of the wrong length and nonces of the wrong length', async () => {
    await expect(importSFrameAead(SFRAME_AES_128_CTR_HMAC_SHA256_80, new Uint8Array(32), 'encrypt')).rejects.toBeInstanceOf(InvalidKeyError)
    const sealer = await importSFrameAead(SFRAME_AES_256_GCM_SHA512_128, new Uint8Array(32), 'encrypt')
    await expect(sealer.seal(new Uint8Array(11), new Uint8Array(0), new Uint8Array(1))).rejects.toBeInstanceOf(UnsupportedParameterError)
  })
})

describe('RFC 9605 C.3: SFrame encryption', () => {
  for (const v of SFRAME_VECTORS) {
    it(`suite ${v.cipher_suite}: key schedule, nonce, encrypt and decrypt give the vector's values`, async () => {
      const kid = big(v.kid)
      const ctr = big(v.ctr)
      // the labels are the RFC's strings with the KID as 8 bytes and the suite as 2
      const tail = v.kid + v.cipher_suite.toString(16).padStart(4, '0')
      expect(v.sframe_key_label).toBe(hex(utf8('SFrame 1.0 Secret key ')) + tail)
      expect(v.sframe_salt_label).toBe(hex(utf8('SFrame 1.0 Secret salt ')) + tail)
      // HKDF-Extract("", base_key) is HMAC with Nh zero bytes as key (checked with node:crypto, not the module)
      const params = sframeSuite(v.cipher_suite)!
      const hash = params.hash === 'SHA-256' ? 'sha256' : 'sha512'
      expect(createHmac(hash, Buffer.alloc(params.nh)).update(bytes(v.base_key)).digest('hex')).toBe(v.sframe_secret)

      const { key, salt } = await deriveSFrameKeySalt(v.cipher_suite, kid, bytes(v.base_key))
      expect(hex(key)).toBe(v.sframe_key)
      expect(hex(salt)).toBe(v.sframe_salt)
      expect(hex(sframeNonce(salt, ctr))).toBe(v.nonce)
      expect(hex(encodeSFrameHeader(kid, ctr)) + v.metadata).toBe(v.aad)

      const sender = await SFrameSender.create({ suite: v.cipher_suite, kid, baseKey: bytes(v.base_key), firstCtr: ctr })
      expect(hex(await sender.encrypt(bytes(v.pt), bytes(v.metadata)))).toBe(v.ct)
      expect(sender.nextCtr).toBe(ctr + 1n)

      const keyring = new SFrameKeyring({ suite: v.cipher_suite })
      await keyring.addKey(kid, bytes(v.base_key))
      const out = await keyring.decrypt(bytes(v.ct), bytes(v.metadata))
      expect(hex(out.plaintext)).toBe(v.pt)
      expect(out.kid).toBe(kid)
      expect(out.ctr).toBe(ctr)
    })
  }
})

describe.each(ALL_SUITES)('suite %i: tampering', (suite) => {
  it('a frame decrypts once; any changed header byte, ciphertext byte, tag byte or metadata is refused, and the genuine frame still decrypts after', async () => {
    const { sender, keyring } = await pair(suite)
    const metadata = bytes('9d012a')
    for (let i = 0; i < 20; i++) await sender.encrypt(new Uint8Array(0)) // a CTR needing an extension byte
    const frame = await sender.encrypt(utf8('a media frame'), metadata)
    const headerLength = decodeSFrameHeader(frame).length
    expect(headerLength).toBe(4) // config, 2-byte KID 0x123, 1-byte CTR 20

    // KID bytes: another KID the keyring does not hold
    for (const i of [1, 2]) await expect(keyring.decrypt(flipped(frame, i, 0x02), metadata)).rejects.toBeInstanceOf(SFrameUnknownKeyError)
    // the KID's high byte cleared: not the shortest form
    await expect(keyring.decrypt(flipped(frame, 1, 0x01), metadata)).rejects.toBeInstanceOf(SFrameHeaderError)
    // the CTR byte: another nonce and AAD
    await expect(keyring.decrypt(flipped(frame, 3), metadata)).rejects.toBeInstanceOf(SFrameDecryptError)
    // the config byte's low bits turn the CTR length into a truncated header
    await expect(keyring.decrypt(flipped(frame, 0, 0x02), metadata)).rejects.toBeInstanceOf(SFrameError)
    // every ciphertext and tag byte
    for (let i = headerLength; i < frame.length; i++) {
      await expect(keyring.decrypt(flipped(frame, i, 0x80), metadata), `byte ${i}`).rejects.toBeInstanceOf(SFrameDecryptError)
    }
    await expect(keyring.decrypt(frame, flipped(metadata, 0))).rejects.toBeInstanceOf(SFrameDecryptError)
    await expect(keyring.decrypt(frame)).rejects.toBeInstanceOf(SFrameDecryptError)
    await expect(keyring.decrypt(frame.subarray(0, frame.length - 1), metadata)).rejects.toBeInstanceOf(SFrameDecryptError)
    await expect(keyring.decrypt(frame.subarray(0, headerLength), metadata)).rejects.toBeInstanceOf(SFrameDecryptError)

    expect(new TextDecoder().decode((await keyring.decrypt(frame, metadata)).plaintext)).toBe('a media frame')
  })

  it('a frame moved to another KID the receiver holds (same base key) does not decrypt: the key depends on the KID', async () => {
    const { sender, keyring, baseKey } = await pair(suite, 0x123n)
    await keyring.addKey(0x122n, baseKey)
    const frame = await sender.encrypt(utf8('x'))
    await expect(keyring.decrypt(flipped(frame, 2), new Uint8Array(0))).rejects.toBeInstanceOf(SFrameDecryptError)
  })
})

describe('keys', () => {
  it('a receiver with another base key under the same KID cannot decrypt', async () => {
    const { sender } = await pair()
    const other = new SFrameKeyring()
    await other.addKey(0x123n, newSFrameBaseKey())
    await expect(other.decrypt(await sender.encrypt(utf8('x')))).rejects.toBeInstanceOf(SFrameDecryptError)
  })

  it('a keyring of another suite cannot decrypt', async () => {
    const baseKey = newSFrameBaseKey()
    const sender = await SFrameSender.create({ kid: 1n, baseKey, suite: SFRAME_AES_128_GCM_SHA256_128 })
    const keyring = new SFrameKeyring({ suite: SFRAME_AES_256_GCM_SHA512_128 })
    await keyring.addKey(1n, baseKey)
    await expect(keyring.decrypt(await sender.encrypt(utf8('x')))).rejects.toBeInstanceOf(SFrameDecryptError)
  })

  it('a removed KID decrypts nothing more, not even frames sent before its removal', async () => {
    const { sender, keyring } = await pair()
    const before = await sender.encrypt(utf8('before'))
    const later = await sender.encrypt(utf8('later'))
    await keyring.decrypt(before)
    expect(keyring.removeKey(0x123n)).toBe(true)
    expect(keyring.hasKey(0x123n)).toBe(false)
    await expect(keyring.decrypt(later)).rejects.toBeInstanceOf(SFrameUnknownKeyError)
    expect(keyring.removeKey(0x123n)).toBe(false)
  })

  it('a key removed while a frame is being decrypted does not let that frame through', async () => {
    const { sender, keyring } = await pair()
    const frame = await sender.encrypt(utf8('in flight'))
    const decrypting = keyring.decrypt(frame)
    keyring.removeKey(0x123n)
    await expect(decrypting).rejects.toBeInstanceOf(SFrameUnknownKeyError)
  })

  it('a rekey replaces a sender\'s key: the old key\'s frames fail, the new key\'s decrypt', async () => {
    const { sender, keyring } = await pair()
    const old = await sender.encrypt(utf8('old'))
    const newKey = newSFrameBaseKey()
    await keyring.addKey(0x123n, newKey)
    await expect(keyring.decrypt(old)).rejects.toBeInstanceOf(SFrameDecryptError)
    const next = await SFrameSender.create({ kid: 0x123n, baseKey: newKey })
    expect(new TextDecoder().decode((await keyring.decrypt(await next.encrypt(utf8('new')))).plaintext)).toBe('new')
  })

  it('key changes apply in call order although imports are asynchronous: add then remove leaves no key', async () => {
    const keyring = new SFrameKeyring()
    const adding = keyring.addKey(5n, newSFrameBaseKey())
    keyring.removeKey(5n)
    await adding
    expect(keyring.hasKey(5n)).toBe(false)
    // and of two adds of one KID the later wins
    const first = newSFrameBaseKey()
    const second = newSFrameBaseKey()
    const a = keyring.addKey(6n, first)
    const b = keyring.addKey(6n, second)
    await Promise.all([a, b])
    const sender = await SFrameSender.create({ kid: 6n, baseKey: second })
    await keyring.decrypt(await sender.encrypt(utf8('x')))
  })

  it('holds at most SFRAME_MAX_KEYS keys; replacing a held KID is still allowed when full', async () => {
    const keyring = new SFrameKeyring()
    const baseKey = newSFrameBaseKey()
    await Promise.all(Array.from({ length: SFRAME_MAX_KEYS }, async (_, i) => { await keyring.addKey(BigInt(i), baseKey) }))
    expect(keyring.size).toBe(SFRAME_MAX_KEYS)
    await expect(keyring.addKey(BigInt(SFRAME_MAX_KEYS), baseKey)).rejects.toBeInstanceOf(SFrameKeyringFullError)
    await keyring.addKey(0n, newSFrameBaseKey())
    keyring.removeKey(1n)
    await keyring.addKey(BigInt(SFRAME_MAX_KEYS), baseKey)
    expect(keyring.size).toBe(SFRAME_MAX_KEYS)
    // concurrent adds beyond the limit cannot overfill it either
    const small = new SFrameKeyring({ maxKeys: 2 })
    const results = await Promise.allSettled([1n, 2n, 3n].map(async kid => { await small.addKey(kid, baseKey) }))
    expect(results.filter(r => r.status === 'rejected')).toHaveLength(1)
    expect(small.size).toBe(2)
  })

  it('refuses bad base keys, KIDs and suites at the boundary', async () => {
    await expect(SFrameSender.create({ kid: 1n, baseKey: new Uint8Array(15) })).rejects.toBeInstanceOf(InvalidKeyError)
    await expect(SFrameSender.create({ kid: 1n, baseKey: new Uint8Array(65) })).rejects.toBeInstanceOf(InvalidKeyError)
    await expect(SFrameSender.create({ kid: -1n, baseKey: new Uint8Array(32) })).rejects.toBeInstanceOf(UnsupportedParameterError)
    await expect(SFrameSender.create({ kid: 1n, baseKey: new Uint8Array(32), suite: 6 })).rejects.toBeInstanceOf(UnsupportedParameterError)
    expect(() => new SFrameKeyring({ suite: 0 })).toThrow(UnsupportedParameterError)
    await expect(new SFrameKeyring().addKey(1n << 64n, new Uint8Array(32))).rejects.toBeInstanceOf(UnsupportedParameterError)
    expect(newSFrameBaseKey()).toHaveLength(SFRAME_BASE_KEY_BYTES)
    expect(hex(newSFrameBaseKey())).not.toBe(hex(newSFrameBaseKey()))
  })

  it('does not change the caller\'s base key', async () => {
    const baseKey = newSFrameBaseKey()
    const copy = baseKey.slice()
    await SFrameSender.create({ kid: 1n, baseKey })
    await new SFrameKeyring().addKey(1n, baseKey)
    expect(baseKey).toEqual(copy)
  })
})

describe('counters', () => {
  it('concurrent encryptions take distinct, increasing counters', async () => {
    const { sender, keyring } = await pair()
    const frames = await Promise.all(Array.from({ length: 50 }, async (_, i) => await sender.encrypt(utf8(`f${i}`))))
    expect(frames.map(f => decodeSFrameHeader(f).ctr)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)))
    for (const f of frames) await keyring.decrypt(f)
  })

  it('stops at SFRAME_MAX_CTR: the last counter encrypts, the next frame is refused', async () => {
    const { keyring, baseKey } = await pair()
    const sender = await SFrameSender.create({ kid: 0x123n, baseKey, firstCtr: SFRAME_MAX_CTR })
    expect(sender.remaining).toBe(1n)
    const last = await sender.encrypt(utf8('last'))
    expect(decodeSFrameHeader(last).ctr).toBe(SFRAME_MAX_CTR)
    await keyring.decrypt(last)
    await expect(sender.encrypt(utf8('one too many'))).rejects.toBeInstanceOf(SFrameCounterExhaustedError)
    await expect(sender.encrypt(utf8('still'))).rejects.toBeInstanceOf(SFrameCounterExhaustedError)
    await expect(SFrameSender.create({ kid: 1n, baseKey, firstCtr: SFRAME_MAX_CTR + 2n })).rejects.toBeInstanceOf(UnsupportedParameterError)
  })
})

describe('replay', () => {
  it('refuses a frame decrypted before', async () => {
    const { sender, keyring } = await pair()
    const frame = await sender.encrypt(utf8('once'))
    await keyring.decrypt(frame)
    await expect(keyring.decrypt(frame)).rejects.toBeInstanceOf(SFrameReplayError)
  })

  it('accepts frames out of order within the window, refuses ones older than it', async () => {
    const { sender, keyring } = await pair()
    const first = await sender.encrypt(utf8('first'))
    const second = await sender.encrypt(utf8('second'))
    const frames: Uint8Array[] = []
    for (let i = 2; i <= SFRAME_REPLAY_WINDOW; i++) frames.push(await sender.encrypt(new Uint8Array(1)))
    // counters 2 … WINDOW: the newest first, then CTR 1 (WINDOW - 1 below it: inside) and CTR 0 (WINDOW below: too old)
    await keyring.decrypt(frames[frames.length - 1])
    await keyring.decrypt(second)
    await expect(keyring.decrypt(first)).rejects.toBeInstanceOf(SFrameReplayError)
    await keyring.decrypt(frames[0])
    await expect(keyring.decrypt(frames[0])).rejects.toBeInstanceOf(SFrameReplayError)
  })

  it('a forged frame with a far-ahead counter does not move the window', async () => {
    const { sender, keyring } = await pair()
    const genuine = await sender.encrypt(utf8('genuine'))
    const forged = new Uint8Array([...encodeSFrameHeader(0x123n, 1_000_000n), ...new Uint8Array(32)])
    await expect(keyring.decrypt(forged)).rejects.toBeInstanceOf(SFrameDecryptError)
    await keyring.decrypt(genuine)
  })

  it('the window itself: edges, wrap-around and a jump beyond its size', () => {
    const w = new ReplayWindow(64)
    w.accept(100n)
    w.accept(37n) // 63 below: inside
    expect(() => { w.check(36n) }).toThrow(SFrameReplayError) // 64 below: too old
    expect(() => { w.check(37n) }).toThrow(SFrameReplayError)
    w.accept(150n) // slots of 101 … 149 cleared
    w.accept(101n)
    w.accept(149n)
    expect(() => { w.check(100n) }).toThrow(SFrameReplayError) // 50 below, accepted before
    w.accept(10_000n) // jump past the window: all cleared
    w.accept(10_000n - 63n)
    expect(() => { w.check(10_000n - 64n) }).toThrow(SFrameReplayError)
    expect(() => new ReplayWindow(50)).toThrow(UnsupportedParameterError)
  })
})

describe('Parley KID layout', () => {
  it('puts the participant slot in the low 4 bits and the key generation above', () => {
    expect(parleySFrameKid(3, 0)).toBe(3n)
    expect(parleySFrameKid(3, 1)).toBe(19n)
    expect(parleySFrameKid(15, SFRAME_MAX_GENERATION)).toBe((BigInt(SFRAME_MAX_GENERATION) << 4n) | 15n)
    expect(parseParleySFrameKid(parleySFrameKid(7, 12345))).toEqual({ participant: 7, generation: 12345 })
    // participants 0-7 at generation 0 fit in the config byte; generation 15 still needs only one KID byte
    expect(encodeSFrameHeader(parleySFrameKid(7, 0), 0n)).toHaveLength(1)
    expect(encodeSFrameHeader(parleySFrameKid(15, 15), 0n)).toHaveLength(2)
    expect(encodeSFrameHeader(parleySFrameKid(15, SFRAME_MAX_GENERATION), 0n)).toHaveLength(6)
  })

  it('refuses slots and generations outside the layout', () => {
    expect(() => parleySFrameKid(SFRAME_MAX_PARTICIPANTS, 0)).toThrow(UnsupportedParameterError)
    expect(() => parleySFrameKid(-1, 0)).toThrow(UnsupportedParameterError)
    expect(() => parleySFrameKid(0, SFRAME_MAX_GENERATION + 1)).toThrow(UnsupportedParameterError)
    expect(() => parleySFrameKid(0.5, 0)).toThrow(UnsupportedParameterError)
    expect(() => parseParleySFrameKid(1n << 40n)).toThrow(UnsupportedParameterError)
  })
})

describe('media framing', () => {
  const vp8Key = bytes('b04b009d012a8002e00100' + 'aa'.repeat(40)) // frame tag with key-frame bit 0, start code, 640x480
  const vp8Delta = bytes('f10a00' + 'bb'.repeat(40))

  it('keeps the VP8 frame header in clear (10 bytes on key frames, 3 on interframes) and nothing of audio or VP9', () => {
    expect(sframeClearBytes('video/VP8', vp8Key)).toBe(VP8_KEY_FRAME_CLEAR_BYTES)
    expect(sframeClearBytes('video/vp8', vp8Delta)).toBe(VP8_DELTA_FRAME_CLEAR_BYTES)
    expect(sframeClearBytes('audio/opus', vp8Key)).toBe(0)
    expect(sframeClearBytes('audio/red', vp8Key)).toBe(0)
    expect(sframeClearBytes('video/VP9', vp8Key)).toBe(0)
  })

  it('refuses codecs whose packetizer reads the frame (H.264, AV1) and unknown ones', () => {
    for (const codec of ['video/H264', 'video/AV1', 'video/H265', '', 'opus']) {
      expect(() => sframeClearBytes(codec, vp8Key), codec).toThrow(SFrameUnsupportedCodecError)
      expect(sframeSupportsCodec(codec)).toBe(false)
    }
    expect(sframeSupportsCodec('video/VP8')).toBe(true)
    expect(sframeSupportsCodec('audio/opus')).toBe(true)
  })

  it('round-trips VP8 key and delta frames, Opus and VP9 frames, with the clear bytes unchanged at the front', async () => {
    const { sender, keyring } = await pair()
    for (const [codec, frame, clear] of [['video/VP8', vp8Key, 10], ['video/VP8', vp8Delta, 3], ['audio/opus', utf8('opus frame'), 0], ['video/VP9', vp8Key, 0]] as const) {
      const sent = await protectMediaFrame(sender, codec, frame)
      expect(hex(sent.subarray(0, clear))).toBe(hex(frame.subarray(0, clear)))
      // everything after the clear bytes is hidden
      expect(hex(sent)).not.toContain(hex(frame.subarray(clear, clear + 8)))
      const back = await unprotectMediaFrame(keyring, codec, sent)
      expect(hex(back.frame)).toBe(hex(frame))
    }
  })

  it('authenticates the clear bytes: changing the resolution or the key-frame bit of a sent frame is refused', async () => {
    const { sender, keyring } = await pair()
    const sent = await protectMediaFrame(sender, 'video/VP8', vp8Key)
    await expect(unprotectMediaFrame(keyring, 'video/VP8', flipped(sent, 6))).rejects.toBeInstanceOf(SFrameDecryptError)
    await expect(unprotectMediaFrame(keyring, 'video/VP8', flipped(sent, 0))).rejects.toBeInstanceOf(SFrameError)
    await expect(unprotectMediaFrame(keyring, 'video/VP8', sent.subarray(0, 10))).rejects.toBeInstanceOf(SFrameHeaderError)
    expect(hex((await unprotectMediaFrame(keyring, 'video/VP8', sent)).frame)).toBe(hex(vp8Key))
  })

  it('refuses a VP8 key frame shorter than its header', async () => {
    const { sender } = await pair()
    await expect(protectMediaFrame(sender, 'video/VP8', bytes('b04b00'))).rejects.toBeInstanceOf(UnsupportedParameterError)
  })
})
