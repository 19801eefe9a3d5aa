// Noise's crypto on node:crypto (src/net/noise-crypto.ts): the same bytes as noise's own for every message size and shape, a tampered message refused, a key changed in place used as changed; and two libp2p nodes, one with it and one with noise's default, moving data both ways.
import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { yamux } from '@libp2p/yamux'
import { byteStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { nodeNoiseCrypto } from '../../src/net/noise-crypto.js'

/** Noise's own list type (its older uint8arraylist): lists of both versions are alike to it. */
type NoiseList = Parameters<typeof nodeNoiseCrypto.chaCha20Poly1305Encrypt>[0]
const list = (...bufs: Uint8Array[]): NoiseList => new Uint8ArrayList(...bufs) as unknown as NoiseList
const bytes = (b: Uint8Array | { subarray: () => Uint8Array }): Buffer => Buffer.from(b instanceof Uint8Array ? b : b.subarray())

describe('node noise crypto', () => {
  it('seals and opens as noise\'s own, for small and large messages, whole or in pieces', () => {
    const k = randomBytes(32)
    const nonce = randomBytes(12)
    const ad = randomBytes(32)
    for (const size of [0, 100, 1199, 1200, 65519]) {
      const plain = randomBytes(size)
      const theirs = bytes(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
      expect(bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))).toEqual(theirs)
      const pieces = list(plain.subarray(0, size >> 1), plain.subarray(size >> 1))
      expect(bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(pieces, nonce, ad, k))).toEqual(theirs)
      expect(bytes(nodeNoiseCrypto.chaCha20Poly1305Decrypt(theirs, nonce, ad, k))).toEqual(plain)
      const sealedPieces = list(theirs.subarray(0, 3), theirs.subarray(3, theirs.length - 5), theirs.subarray(theirs.length - 5))
      expect(bytes(nodeNoiseCrypto.chaCha20Poly1305Decrypt(sealedPieces, nonce, ad, k))).toEqual(plain)
      const bad = Buffer.from(theirs)
      bad[bad.length >> 1] ^= 1
      expect(() => nodeNoiseCrypto.chaCha20Poly1305Decrypt(bad, nonce, ad, k)).toThrow()
    }
  })

  it('a key changed in place is used as it is now, not as it was', () => {
    const k = randomBytes(32)
    const nonce = randomBytes(12)
    const plain = randomBytes(5000)
    nodeNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k)
    k[0] ^= 1
    const sealed = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k))
    expect(sealed).toEqual(bytes(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k)))
  })

  describe('between libp2p nodes', () => {
    const nodes: Libp2p[] = []
    afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

    const start = async (tuned: boolean): Promise<Libp2p> => {
      const n = await createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [tuned ? noise({ crypto: nodeNoiseCrypto }) : noise()],
        streamMuxers: [yamux()],
        connectionManager: { inboundConnectionThreshold: Number.MAX_SAFE_INTEGER }
      })
      nodes.push(n)
      return n
    }

    it('moves messages of every size both ways byte-exact with a node on noise\'s default crypto', async () => {
      const PROTOCOL = '/parley-test/echo/1.0.0'
      const [tuned, plain] = [await start(true), await start(false)]
      for (const [server, client] of [[tuned, plain], [plain, tuned]]) {
        await server.handle(PROTOCOL, async (stream) => {
          // an echo: what comes in goes back
          for await (const chunk of stream) stream.send(chunk instanceof Uint8Array ? chunk : chunk.subarray())
          await stream.close()
        }, { force: true })
        const data = randomBytes(700_017)
        const stream = await client.dialProtocol(server.getMultiaddrs()[0], PROTOCOL)
        const bs = byteStream(stream)
        const echoed = (async () => await bs.read({ bytes: data.length }))()
        for (let at = 0; at < data.length; at += 200_000) await bs.write(data.subarray(at, at + 200_000))
        expect(Buffer.from((await echoed).subarray())).toEqual(data)
        await stream.close()
      }
    })
  })
})
