// Profile content: round trip, and hostile profile content (oversize photo, not an image, too-long name, control characters, no version) refused at decode with MalformedContentError — through the inbound path nothing is stored; the contact profile store and own profile versions.
import { describe, it, expect } from 'vitest'
import { encodeContent, decodeContent, MalformedContentError, MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES, type Content } from '../../src/messaging/index.js'
import { Content as ContentPb, TypingMessage } from '../../src/messaging/pb/content.js'
import { Inbound } from '../../src/messaging/inbound.js'
import type { SenderProof } from '../../src/messaging/sender-proof.js'
import { createMemoryStorage } from '../../src/storage/index.js'
import { ContactProfiles, decodeContactProfile, encodeContactProfile } from '../../src/client/contact-profiles.js'
import { saveProfile, shareableProfile } from '../../src/client/profile.js'

const SENDER = '+15550100001'
const ATTESTATION = new Uint8Array([1, 2, 3])
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3])
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 4, 5])

/** What a hostile client could put on the wire: the protobuf, padded like encodeContent does, with no checks on the way out. */
function rawProfile (profile: { name?: string, photo?: Uint8Array, updatedAt?: bigint }): Uint8Array {
  const body = ContentPb.encode({ senderE164: SENDER, attestation: ATTESTATION, expiresAt: 0n, profile: { name: profile.name ?? '', photo: Uint8Array.from(profile.photo ?? []), updatedAt: profile.updatedAt ?? 1n } })
  const padded = new Uint8Array(Math.ceil((body.length + 1) / 160) * 160)
  padded.set(body)
  padded[body.length] = 0x80
  return padded
}

const hostile: Array<[string, Parameters<typeof rawProfile>[0]]> = [
  ['a photo over the limit', { photo: Uint8Array.from({ length: MAX_PROFILE_PHOTO_BYTES + 1 }, (_, i) => i < 3 ? [0xff, 0xd8, 0xff][i] : 7) }],
  ['a photo that is not a JPEG or PNG', { photo: Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 2, 3]) }],
  ['a name over the limit', { name: 'n'.repeat(MAX_PROFILE_NAME_CHARS + 1) }],
  ['a name with a control character', { name: 'Alice\nBank' }],
  ['a name with a right-to-left override', { name: 'Alice \u202Eknab' }],
  ['a name with a directional isolate', { name: '\u2067Alice' }],
  ['no version', { name: 'Alice', updatedAt: 0n }]
]

describe('profile content', () => {
  it('round trips name, photo and version; an empty profile says "none"', () => {
    const c: Content = { senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', name: 'Alice 🌻', photo: PNG, updatedAt: 1_700_000_000_123 } }
    const bytes = encodeContent(c)
    expect(bytes.length % 160).toBe(0)
    expect(decodeContent(bytes)).toEqual(c)
    const empty: Content = { senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', updatedAt: 5 } }
    expect(decodeContent(encodeContent(empty))).toEqual(empty)
    // a name of exactly the limit (in code points, not UTF-16 units) and a photo of exactly the limit pass
    const big: Content = { senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', name: '🌻'.repeat(MAX_PROFILE_NAME_CHARS), photo: Uint8Array.from({ length: MAX_PROFILE_PHOTO_BYTES }, (_, i) => JPEG[i] ?? 9), updatedAt: 6 } }
    expect(decodeContent(encodeContent(big))).toEqual(big)
    // right-to-left scripts need no direction controls and pass
    const rtl: Content = { senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', name: 'ליאור سارا', updatedAt: 7 } }
    expect(decodeContent(encodeContent(rtl))).toEqual(rtl)
  })

  it('the sender refuses to encode what a receiver would refuse', () => {
    expect(() => encodeContent({ senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', name: 'x'.repeat(MAX_PROFILE_NAME_CHARS + 1), updatedAt: 1 } })).toThrow(MalformedContentError)
    expect(() => encodeContent({ senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', photo: new Uint8Array([1, 2, 3, 4]), updatedAt: 1 } })).toThrow(MalformedContentError)
    expect(() => encodeContent({ senderE164: SENDER, attestation: ATTESTATION, body: { kind: 'profile', updatedAt: 1.5 } })).toThrow(MalformedContentError)
  })

  for (const [what, profile] of hostile) {
    it(`refuses ${what} with MalformedContentError`, () => {
      expect(() => decodeContent(rawProfile(profile))).toThrow(MalformedContentError)
    })
  }

  it('refuses content that says two things at once', () => {
    const body = ContentPb.encode({ senderE164: SENDER, attestation: ATTESTATION, expiresAt: 0n, typing: { action: TypingMessage.Action.STARTED, timestamp: 1n }, profile: { name: 'A', photo: new Uint8Array(0), updatedAt: 1n } })
    const padded = new Uint8Array(Math.ceil((body.length + 1) / 160) * 160)
    padded.set(body)
    padded[body.length] = 0x80
    expect(() => decodeContent(padded)).toThrow(MalformedContentError)
  })

  it('hostile profiles that reach the inbound path are dropped and nothing is stored', async () => {
    const storage = createMemoryStorage()
    const profiles = new ContactProfiles(storage.kv('contact-profiles'))
    const offered: string[] = []
    const proof = { confirm: async () => true } as unknown as SenderProof
    // the envelope layer is not what is tested: hand the plaintext straight to the persist step
    const inbound = new Inbound({
      party: async () => ({}) as never,
      messages: storage.messages,
      proof,
      now: () => 1,
      onReceipt: async () => {},
      onProfile: async (from, body, options) => { offered.push(from); return await profiles.offer(from, body, options) }
    })
    const step = (inbound as unknown as { persist: (p: Uint8Array, s: unknown, o: object, startWriting: () => void) => Promise<{ kind: string, reason?: string }> }).persist.bind(inbound)
    const persist = async (p: Uint8Array, s: unknown): Promise<{ kind: string, reason?: string }> => await step(p, s, {}, () => {})
    for (const [, profile] of hostile) {
      expect(await persist(rawProfile(profile), { identityKey: new Uint8Array(32), deviceId: 1 })).toEqual({ kind: 'dropped', reason: 'MalformedContentError' })
    }
    expect(offered).toEqual([])
    expect(await profiles.get(SENDER)).toBeUndefined()
    // a good one passes the same path and is stored; an older one afterwards is a duplicate
    expect((await persist(rawProfile({ name: 'Alice', photo: PNG, updatedAt: 10n }), { identityKey: new Uint8Array(32), deviceId: 1 })).kind).toBe('new')
    expect(await profiles.get(SENDER)).toEqual({ name: 'Alice', photo: PNG, updatedAt: 10 })
    expect((await persist(rawProfile({ name: 'Old Alice', updatedAt: 9n }), { identityKey: new Uint8Array(32), deviceId: 1 })).kind).toBe('duplicate')
    expect(await profiles.get(SENDER)).toEqual({ name: 'Alice', photo: PNG, updatedAt: 10 })
    await storage.close()
  })
})

describe('contact profile store', () => {
  it('keeps the newest version: newer replaces, older and equal are ignored', async () => {
    const storage = createMemoryStorage()
    const profiles = new ContactProfiles(storage.kv('contact-profiles'))
    expect(await profiles.offer(SENDER, { name: 'A', updatedAt: 100 })).toBe(true)
    expect(await profiles.offer(SENDER, { name: 'B', photo: JPEG, updatedAt: 200 })).toBe(true)
    expect(await profiles.offer(SENDER, { name: 'old', updatedAt: 150 })).toBe(false)
    expect(await profiles.offer(SENDER, { name: 'same', updatedAt: 200 })).toBe(false)
    expect(await profiles.get(SENDER)).toEqual({ name: 'B', photo: JPEG, updatedAt: 200 })
    // removing the photo is a newer version without one
    expect(await profiles.offer(SENDER, { name: 'B', updatedAt: 300 })).toBe(true)
    expect(await profiles.get(SENDER)).toEqual({ name: 'B', updatedAt: 300 })
    // concurrent offers of two versions: the newer one stays, whatever the order
    await Promise.all([profiles.offer('+15550100002', { name: 'new', updatedAt: 2 }), profiles.offer('+15550100002', { name: 'old', updatedAt: 1 })])
    expect((await profiles.get('+15550100002'))?.name).toBe('new')
    await storage.close()
  })

  it('records round trip, and a record that is not ours reads as absent', () => {
    const p = { name: 'Zoë', photo: PNG, updatedAt: 1_700_000_000_000 }
    expect(decodeContactProfile(encodeContactProfile(p))).toEqual(p)
    expect(decodeContactProfile(encodeContactProfile({ updatedAt: 1 }))).toEqual({ updatedAt: 1 })
    expect(decodeContactProfile(new Uint8Array([2, 0, 0]))).toBeUndefined()
    expect(decodeContactProfile(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 200, 65]))).toBeUndefined()
  })
})

describe('own profile versions', () => {
  it('a change bumps updatedAt (never backwards), no change keeps it; an unversioned profile gets one when shared', async () => {
    const storage = createMemoryStorage()
    const store = storage.kv('profile')
    let clock = 1_000
    const now = (): number => clock
    expect(await shareableProfile(store, now)).toBeUndefined()
    const first = await saveProfile(store, { name: ' Alice ' }, now)
    expect(first).toEqual({ profile: { name: 'Alice', updatedAt: 1_000 }, changed: true })
    expect(await saveProfile(store, { name: 'Alice' }, now)).toEqual({ profile: { name: 'Alice', updatedAt: 1_000 }, changed: false })
    clock = 500 // the clock went back: the version still grows
    expect((await saveProfile(store, { photo: PNG }, now)).profile).toEqual({ name: 'Alice', photo: PNG, updatedAt: 1_001 })
    expect((await saveProfile(store, { photo: new Uint8Array(0) }, now)).profile).toEqual({ name: 'Alice', updatedAt: 1_002 })
    // a profile saved before versions existed
    await store.del('updated-at')
    clock = 5_000
    expect(await shareableProfile(store, now)).toEqual({ name: 'Alice', updatedAt: 5_000 })
    expect(await shareableProfile(store, now)).toEqual({ name: 'Alice', updatedAt: 5_000 })
    await storage.close()
  })
})
