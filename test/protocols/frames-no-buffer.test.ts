// frameStream.hasFrame() when the byte stream exposes no read buffer (frames.ts reads @libp2p/utils' undocumented `readBuffer`): it answers false instead of throwing, and read() still works.
import { it, expect, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type * as Utils from '@libp2p/utils'
import { encodeVarint, frameStream } from '../../src/protocols/frames.js'

vi.mock('@libp2p/utils', async (importOriginal) => {
  const utils = await importOriginal<typeof Utils>()
  return {
    ...utils,
    byteStream: (...args: Parameters<typeof utils.byteStream>) => {
      const bytes = utils.byteStream(...args)
      return { read: bytes.read.bind(bytes), write: bytes.write.bind(bytes), unwrap: bytes.unwrap.bind(bytes) }
    }
  }
})

it('hasFrame() is false without a read buffer to look into', async () => {
  const [out, inb] = await streamPair()
  const frames = frameStream(inb, { maxFrameBytes: 100 })
  out.send(Uint8Array.from([...encodeVarint(2), 1, 2]))
  expect(Uint8Array.from((await frames.read()) ?? [])).toEqual(Uint8Array.from([1, 2]))
  out.send(Uint8Array.from([...encodeVarint(1), 3]))
  expect(frames.hasFrame()).toBe(false)
  expect(Uint8Array.from((await frames.read()) ?? [])).toEqual(Uint8Array.from([3]))
})
