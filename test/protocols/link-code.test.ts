// Link codes (parley-link: URIs): what a new device shows round-trips exactly; anything else is InvalidLinkCodeError with a message for the person pasting it.
import { describe, it, expect } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { toString as toBase64 } from 'uint8arrays'
import { decodeLinkCode, encodeLinkCode, MAX_LINK_CODE_ADDRS } from '../../src/protocols/link/index.js'
import { LinkCodePb } from '../../src/protocols/link/pb/link.js'

describe('link codes', () => {
  it('round-trip peer, addresses, key and secret; blanks around a pasted code are ignored; at most MAX_LINK_CODE_ADDRS addresses travel', async () => {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const addrs = Array.from({ length: MAX_LINK_CODE_ADDRS + 2 }, (_, i) => multiaddr(`/ip4/10.0.0.${i + 1}/tcp/4001`))
    const code = { peerId, addrs, ephemeralKey: new Uint8Array(32).fill(5), secret: new Uint8Array(16).fill(6) }
    const uri = encodeLinkCode(code)
    expect(uri).toMatch(/^parley-link:[A-Za-z0-9_-]+$/)
    const back = decodeLinkCode(`  ${uri}\n`)
    expect(back.peerId.equals(peerId)).toBe(true)
    expect(back.addrs.map(a => a.toString())).toEqual(addrs.slice(0, MAX_LINK_CODE_ADDRS).map(a => a.toString()))
    expect(back.ephemeralKey).toEqual(code.ephemeralKey)
    expect(back.secret).toEqual(code.secret)
  })

  it('refuses other text, damaged codes, other versions and codes missing a part', async () => {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const good = { version: 1, peerId: peerId.toMultihash().bytes, addrs: [multiaddr('/ip4/10.0.0.1/tcp/1').bytes], ephemeralKey: new Uint8Array(32).fill(1), secret: new Uint8Array(16).fill(2) }
    const uri = (pb: Partial<typeof good>): string => 'parley-link:' + toBase64(LinkCodePb.encode({ ...good, ...pb }), 'base64url')
    expect(decodeLinkCode(uri({})).peerId.equals(peerId)).toBe(true)
    const bad = ['', 'hello', 'https://example.org', 'parley-link:', 'parley-link:!!!', 'parley-link:' + 'A'.repeat(5000),
      uri({ ephemeralKey: new Uint8Array(31) }), uri({ secret: new Uint8Array(15) }), uri({ addrs: [] }), uri({ peerId: new Uint8Array([1, 2, 3]) })]
    for (const text of bad) expect(() => decodeLinkCode(text), text.slice(0, 40)).toThrow(expect.objectContaining({ name: 'InvalidLinkCodeError' }))
    expect(() => decodeLinkCode(uri({ version: 2 }))).toThrow(/another version of Parley/)
    expect(() => decodeLinkCode('nonsense')).toThrow('this is not a Parley link code: copy the whole parley-link: text from the new device')
  })
})

describe('link codes at their limits', () => {
  async function parts (): Promise<{ good: { version: number, peerId: Uint8Array<ArrayBuffer>, addrs: Array<Uint8Array<ArrayBuffer>>, ephemeralKey: Uint8Array<ArrayBuffer>, secret: Uint8Array<ArrayBuffer> }, peerId: ReturnType<typeof peerIdFromPrivateKey> }> {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    return { peerId, good: { version: 1, peerId: peerId.toMultihash().bytes, addrs: [multiaddr('/ip4/10.0.0.1/tcp/1').bytes], ephemeralKey: new Uint8Array(32).fill(1), secret: new Uint8Array(16).fill(2) } }
  }

  /** A code padded with an unknown field (which decoding skips) to exactly `chars` characters. */
  function padded (pb: Uint8Array, chars: number): string {
    // unpadded base64url of n bytes is ceil(4n / 3) characters
    const bytes = Math.floor((chars - 'parley-link:'.length) * 3 / 4)
    const fill = bytes - pb.length - 3
    const out = new Uint8Array(bytes)
    out.set(pb)
    // field 15, length-delimited, a two-byte length
    out.set([0x7a, (fill & 0x7f) | 0x80, fill >> 7], pb.length)
    return 'parley-link:' + toBase64(out, 'base64url')
  }

  it('a code of exactly MAX_LINK_URI_CHARS is read; a longer one is refused', async () => {
    const { good, peerId } = await parts()
    const pb = LinkCodePb.encode(good)
    const exact = padded(pb, 4096)
    expect(exact).toHaveLength(4096)
    expect(decodeLinkCode(exact).peerId.equals(peerId)).toBe(true)
    const over = padded(pb, 4100)
    expect(over.length).toBeGreaterThan(4096)
    expect(() => decodeLinkCode(over)).toThrow(expect.objectContaining({ name: 'InvalidLinkCodeError' }))
  })

  it('a valid code under another scheme, or text that is not a string, is refused', async () => {
    const { good } = await parts()
    const body = toBase64(LinkCodePb.encode(good), 'base64url')
    expect(decodeLinkCode('parley-link:' + body).addrs).toHaveLength(1)
    for (const text of ['parley-lunk:' + body, 'PARLEY-LINK:' + body, undefined, null, 42, {}]) {
      expect(() => decodeLinkCode(text as string), String(text).slice(0, 20)).toThrow(expect.objectContaining({ name: 'InvalidLinkCodeError', message: 'this is not a Parley link code: copy the whole parley-link: text from the new device' }))
    }
  })

  it('a code carrying more than MAX_LINK_CODE_ADDRS addresses is refused', async () => {
    const { good } = await parts()
    const addrs = (n: number): Array<Uint8Array<ArrayBuffer>> => Array.from({ length: n }, (_, i) => multiaddr(`/ip4/10.0.0.${i + 1}/tcp/1`).bytes)
    const uri = (n: number): string => 'parley-link:' + toBase64(LinkCodePb.encode({ ...good, addrs: addrs(n) }), 'base64url')
    expect(decodeLinkCode(uri(MAX_LINK_CODE_ADDRS)).addrs).toHaveLength(MAX_LINK_CODE_ADDRS)
    expect(() => decodeLinkCode(uri(MAX_LINK_CODE_ADDRS + 1))).toThrow(expect.objectContaining({ name: 'InvalidLinkCodeError' }))
  })
})
