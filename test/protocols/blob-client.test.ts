// The blob client (uploadBlob, downloadBlob, touchBlob, deleteBlob) against a hand-driven relay on an in-memory stream pair: what each call refuses before dialling, what each relay answer (its absence, a refusal at each step, a lie) becomes, the upload window and its acks, the progress timeout of an upload and the timeout of the other calls (given or the default) over the dial, every write and the close, the download's credit and how its stream ends, and that nothing is left behind.
import { describe, it, expect, vi, afterEach } from 'vitest'
import { getEventListeners } from 'node:events'
import { streamPair } from '@libp2p/utils'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  uploadBlob, downloadBlob, touchBlob, deleteBlob, verifyBlobAuth, BlobQuotaError, BLOB_PROTOCOL, BLOB_IDLE_TIMEOUT_MS, BLOB_UPLOAD_WINDOW_BYTES, BLOB_DOWNLOAD_WINDOW_BYTES, MAX_BLOB_FRAME_BYTES,
  type BlobCallOptions, type BlobDownload, type UploadBlobInit
} from '../../src/protocols/blob/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/blob/pb/blob.js'
import { relayChunkParts } from '../../src/protocols/blob/chunk-frame.js'
import { frameStream, type FrameStream } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { sleep } from '../../src/util/abort.js'
import { bounded, fakeTimers, mailboxNode, newPeerId, rejection, stall, timersOf, track, until, untilAbort } from './mailbox-harness.js'
import { testBlob, turns, type TestBlob } from './blob-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const T = 4321
const ADDR = '/ip4/127.0.0.1/tcp/1'
const NONCE = new Uint8Array(32).fill(5)
const UPLOAD_ID = new Uint8Array(16).fill(9)
const BLOB_ID = new Uint8Array(32).fill(3)
const { RESULT, CHALLENGE, READY, COMMITTED, HEADER, CHUNK } = RelayFrame.Type
const S = RelayFrame.Status
const KiB = 1024
const MiB = 1024 * KiB
const described = (e: unknown): string => e instanceof Error ? `${e.name}: ${e.message}` : `resolved ${JSON.stringify(e)}`

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

interface RelayEnd extends FrameStream {
  stream: Stream
  send: (frame: Partial<RelayFrame>) => Promise<void>
  sendChunk: (index: number, data: Uint8Array) => Promise<void>
  /** the next client frame, null at the client's clean end */
  next: () => Promise<ClientFrame | null>
}

function relayPeer (stream: Stream): RelayEnd {
  const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES, maxBufferBytes: 64 * MiB })
  return {
    ...frames,
    stream,
    send: async frame => { await frames.write(RelayFrame.encode(frame)) },
    sendChunk: async (index, data) => { await frames.writeParts(relayChunkParts(index, data)) },
    next: async () => { const b = await bounded(frames.read(), 'the next client frame'); return b == null ? null : ClientFrame.decode(b) }
  }
}

interface Setup {
  client: Stream
  relayEnd: Stream
  relay: RelayEnd
  node: ReturnType<typeof mailboxNode>
  relayPeerId: PeerId
  /** the errors the client aborted its stream with */
  aborted: Error[]
}

async function setUp (): Promise<Setup> {
  const [client, relayEnd] = await streamPair()
  const relayPeerId = await newPeerId()
  const aborted: Error[] = []
  const abort = client.abort.bind(client)
  client.abort = (err: Error) => { aborted.push(err); abort(err) }
  return { client, relayEnd, relay: relayPeer(relayEnd), node: mailboxNode(await newPeerId(), relayPeerId, client), relayPeerId, aborted }
}

/** A node whose dial fails with `err`, recording that it was asked. */
async function unreachable (err: Error): Promise<ReturnType<typeof mailboxNode> & { dials: number }> {
  const counted = { dials: 0 }
  const node = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('not reached') }, async () => { counted.dials++; throw err })
  return Object.defineProperty(node, 'dials', { get: () => counted.dials }) as ReturnType<typeof mailboxNode> & { dials: number }
}

function init (blob: TestBlob, over: Partial<UploadBlobInit> & { asked?: number[], progress?: Array<[number, number]> } = {}): UploadBlobInit {
  return {
    owner: { identity: alice, deviceId: 1 },
    uploadId: UPLOAD_ID,
    totalBytes: blob.totalBytes,
    chunkBytes: blob.chunkBytes,
    chunk: blob.source(over.asked),
    onProgress: (c, t) => over.progress?.push([c, t]),
    ...over
  }
}

const receipt = (blob: TestBlob, expiresAt = 77n): Partial<RelayFrame> => ({ type: RESULT, status: S.OK, blobId: Uint8Array.from(blob.blobId), expiresAt })

/** The relay's side of UPLOAD (or DELETE) → CHALLENGE → AUTH; resolves with both client frames. */
async function challenged (relay: RelayEnd, challenge: Partial<RelayFrame> = { type: CHALLENGE, nonce: NONCE }): Promise<{ first: ClientFrame, auth: ClientFrame }> {
  const first = (await relay.next())!
  await relay.send(challenge)
  return { first, auth: (await relay.next())! }
}

/** Reads chunk frames until `n` arrived; resolves with their indexes. */
async function chunks (relay: RelayEnd, n: number): Promise<number[]> {
  const got: number[] = []
  for (let i = 0; i < n; i++) {
    const f = (await relay.next())!
    expect(f.type).toBe(ClientFrame.Type.CHUNK)
    got.push(f.index)
  }
  return got
}

/** Until everything written to the stream has gone out (no write waits for a drain), and the writer went on from there. */
async function sent (stream: Stream): Promise<void> {
  await until(() => !stream.writableNeedsDrain && stream.writeBufferLength === 0, 'the writes')
  await turns()
}

/** The indexes of the chunk frames the relay still gets before the stream ends (cleanly or by a reset). */
async function rest (relay: RelayEnd): Promise<number[]> {
  const got: number[] = []
  while (true) {
    const f = await relay.next().catch(() => null)
    if (f == null) return got
    got.push(f.index)
  }
}

/** Until the stream has ended on this side, cleanly or not. */
async function endOf (stream: Stream): Promise<string> {
  await until(() => stream.status !== 'open', 'the end of the stream')
  return stream.status
}

describe('uploadBlob: before the chunks', () => {
  it('refuses an upload id of another length before dialling, saying why', async () => {
    const node = await unreachable(new Error('dialled'))
    for (const uploadId of [new Uint8Array(15), new Uint8Array(17)]) {
      expect(described(await uploadBlob(node, ADDR, init(testBlob(10, 10), { uploadId })).catch(e => e))).toBe('MalformedBlobFrameError: an upload id is 16 bytes')
    }
    expect(node.dials).toBe(0)
  })

  it('declares the upload, then signs the challenge for this relay, this node, the device and the time', async () => {
    const { relay, node, relayPeerId } = await setUp()
    const blob = testBlob(2500, 1000)
    const call = uploadBlob(node, ADDR, init(blob, { owner: { identity: alice, deviceId: 7, timestamp: 1_700_000_000_000 } }))
    const { first, auth } = await challenged(relay)
    expect([first.type, first.identityKey, first.deviceId, first.uploadId, first.totalBytes, first.chunkBytes]).toEqual([ClientFrame.Type.UPLOAD, alice.publicKey, 7, UPLOAD_ID, 2500, 1000])
    expect([auth.type, auth.timestamp]).toEqual([ClientFrame.Type.AUTH, 1_700_000_000_000n])
    expect(() => { verifyBlobAuth({ nonce: NONCE, relayPeerId: relayPeerId.toString(), clientPeerId: node.peerId.toString(), identityKey: alice.publicKey, deviceId: 7, timestamp: 1_700_000_000_000 }, auth.signature, 1_700_000_000_000) }).not.toThrow()
    expect(node.protocols).toEqual([BLOB_PROTOCOL])
    await relay.send({ type: READY })
    expect(await chunks(relay, 3)).toEqual([0, 1, 2])
    await relay.send(receipt(blob))
    expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
  })

  it('says when a relay hung up: before its challenge, before the upload began, or with how many chunks committed', async () => {
    const blob = testBlob(3000, 1000)
    for (const [when, serve, message] of [
      ['before the challenge', async () => {}, 'the relay closed the stream before its challenge'],
      ['after the AUTH', async (r: RelayEnd) => { await challenged(r) }, 'the relay closed the stream before the upload began'],
      ['during the chunks', async (r: RelayEnd) => { await challenged(r); await r.send({ type: READY }); await chunks(r, 2); await r.send({ type: COMMITTED, committedChunks: 1 }) }, 'the relay closed the stream with 1 of 3 chunks committed']
    ] as const) {
      const { relay, relayEnd, node } = await setUp()
      const call = uploadBlob(node, ADDR, init(blob)).catch(e => e)
      if (when === 'before the challenge') await relay.next()
      await serve(relay)
      await relayEnd.close()
      expect(described(await bounded(call)), when).toBe(`BlobStreamClosedError: ${message}`)
    }
  })

  it('takes a refusal before the challenge as its error class (a long message too); a RESULT that says OK, another frame or garbage there breaks the protocol', async () => {
    const blob = testBlob(3000, 1000)
    const long = `the account's quota is used up: ${'x'.repeat(300)}`
    const cases: Array<[Partial<RelayFrame> | Uint8Array, string]> = [
      [{ type: RESULT, status: S.QUOTA, relayFull: true, message: long }, `BlobQuotaError: ${long}`],
      [{ type: RESULT, status: S.TOO_LARGE }, 'BlobTooLargeError: the blob is too large'],
      [{ type: RESULT, status: S.OK }, 'ProtocolViolationError: expected a CHALLENGE'],
      [{ type: READY }, 'ProtocolViolationError: expected a CHALLENGE'],
      [Uint8Array.from([0xff, 0xff, 0xff]), 'ProtocolViolationError: relay sent a malformed frame: ']
    ]
    for (const [answer, expected] of cases) {
      const { relay, node } = await setUp()
      const call = uploadBlob(node, ADDR, init(blob)).catch(e => e)
      await relay.next()
      if (answer instanceof Uint8Array) await relay.write(answer)
      else await relay.send(answer)
      const err = await bounded(call)
      expect(described(err).slice(0, expected.length), expected).toBe(expected)
      if (err instanceof BlobQuotaError) expect(err.relayFull).toBe(true)
    }
  })

  it('signs a CHALLENGE whatever status it carries (only a RESULT refuses)', async () => {
    const { relay, node } = await setUp()
    const blob = testBlob(1000, 1000)
    const call = uploadBlob(node, ADDR, init(blob))
    const { auth } = await challenged(relay, { type: CHALLENGE, status: S.INTERNAL, nonce: NONCE })
    expect(auth.type).toBe(ClientFrame.Type.AUTH)
    await relay.send({ type: READY })
    await chunks(relay, 1)
    await relay.send(receipt(blob))
    expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
  })

  it('refuses an answer to the AUTH that is neither READY nor a RESULT, and a READY past the blob\'s chunks', async () => {
    const blob = testBlob(3000, 1000)
    for (const [answer, expected] of [
      [{ type: COMMITTED, committedChunks: 0 }, 'ProtocolViolationError: expected READY'],
      [{ type: HEADER }, 'ProtocolViolationError: expected READY'],
      [{ type: READY, committedChunks: 4 }, 'ProtocolViolationError: the relay claims more chunks than the blob has']
    ] as const) {
      const { relay, node } = await setUp()
      const call = uploadBlob(node, ADDR, init(blob)).catch(e => e)
      await challenged(relay)
      await relay.send(answer)
      expect(described(await bounded(call)), expected).toBe(expected)
    }
  })

  it('a READY at every chunk sends none: the chunks are read again for the id and the RESULT taken', async () => {
    const { relay, node } = await setUp()
    const blob = testBlob(3000, 1000)
    const asked: number[] = []
    const progress: Array<[number, number]> = []
    const call = uploadBlob(node, ADDR, init(blob, { asked, progress }))
    await challenged(relay)
    await relay.send({ type: READY, committedChunks: 3 })
    await relay.send(receipt(blob))
    expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
    expect(asked).toEqual([0, 1, 2])
    expect(progress).toEqual([[3, 3], [3, 3]])
    expect(await relay.next()).toBeNull()
  })

  it('a resumed upload refuses a receipt that names another blob than its chunks; each chunk is read once more for the id', async () => {
    const blob = testBlob(3000, 1000)
    for (const [named, expected] of [[blob.blobId, 'ok'], [BLOB_ID, 'ProtocolViolationError: the relay named another blob id than the chunks\' own']] as const) {
      const { relay, node } = await setUp()
      const asked: number[] = []
      const call = uploadBlob(node, ADDR, init(blob, { asked })).then(r => { expect(r.blobId).toEqual(blob.blobId); return 'ok' }, e => described(e))
      await challenged(relay)
      await relay.send({ type: READY, committedChunks: 1 })
      expect(await chunks(relay, 2)).toEqual([1, 2])
      await relay.send({ ...receipt(blob), blobId: Uint8Array.from(named) })
      expect(await bounded(call)).toBe(expected)
      // the chunks sent, then the one the relay held before, read again only for the id
      expect(asked).toEqual([1, 2, 0])
    }
  })

  it('an upload the relay took whole from this call takes its id as named: no chunk is read twice', async () => {
    // a relay naming another id here can do no more than one that drops the blob: recipients verify every chunk
    // under the file's key and the file's SHA-256 (docs/blobs.md, "Decisions")
    const blob = testBlob(3000, 1000)
    const { relay, node } = await setUp()
    const asked: number[] = []
    const call = uploadBlob(node, ADDR, init(blob, { asked }))
    await challenged(relay)
    await relay.send({ type: READY })
    expect(await chunks(relay, 3)).toEqual([0, 1, 2])
    await relay.send({ ...receipt(blob), blobId: Uint8Array.from(BLOB_ID) })
    expect(await bounded(call)).toEqual({ blobId: BLOB_ID, expiresAt: 77 })
    expect(asked).toEqual([0, 1, 2])
  })
})

describe('uploadBlob: the chunks', () => {
  it('checks each chunk from the source before it goes out: one of the wrong size is refused and never sent, also when read again for the id', async () => {
    const blob = testBlob(3000, 1000)
    const { relay, relayEnd, node } = await setUp()
    const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => i === 1 ? new Uint8Array(1001) : blob.chunks[i] })).catch(e => e)
    await challenged(relay)
    await relay.send({ type: READY })
    expect(await chunks(relay, 1)).toEqual([0])
    expect(described(await bounded(call))).toBe('BlobUploadMismatchError: chunk 1 must be 1000 bytes, not 1001')
    expect(await rest(relay)).toEqual([])
    expect(await endOf(relayEnd)).toBe('reset')
    // the chunks the relay had are read again for the id: a wrong size there is refused as well
    const again = await setUp()
    const reread = uploadBlob(again.node, ADDR, init(blob, { chunk: async i => i === 0 ? new Uint8Array(999) : blob.chunks[i] })).catch(e => e)
    await challenged(again.relay)
    await again.relay.send(receipt(blob))
    expect(described(await bounded(reread))).toBe('BlobUploadMismatchError: chunk 0 must be 1000 bytes, not 999')
  })

  it('takes an ack repeated, refuses one that goes back or names chunks not sent', async () => {
    const blob = testBlob(3000, 1000)
    for (const [acks, expected] of [
      [[2, 2, 3], 'ok'],
      [[2, 1], 'ProtocolViolationError: the relay acknowledged chunks out of order or not sent'],
      [[4], 'ProtocolViolationError: the relay acknowledged chunks out of order or not sent']
    ] as const) {
      const { relay, node } = await setUp()
      const progress: Array<[number, number]> = []
      const call = uploadBlob(node, ADDR, init(blob, { progress })).then(() => 'ok', e => described(e))
      await challenged(relay)
      await relay.send({ type: READY })
      await chunks(relay, 3)
      for (const n of acks) await relay.send({ type: COMMITTED, committedChunks: n })
      if (expected === 'ok') await relay.send(receipt(blob))
      expect(await bounded(call), acks.join()).toBe(expected)
      if (expected === 'ok') expect(progress).toEqual([[0, 3], [2, 3], [2, 3], [3, 3], [3, 3]])
    }
  })

  it('refuses a frame other than COMMITTED or the RESULT during the chunks', async () => {
    const blob = testBlob(1000, 1000)
    const { relay, node } = await setUp()
    const call = uploadBlob(node, ADDR, init(blob)).catch(e => e)
    await challenged(relay)
    await relay.send({ type: READY })
    await chunks(relay, 1)
    await relay.send({ type: HEADER })
    expect(described(await bounded(call))).toBe('ProtocolViolationError: expected the RESULT of the upload')
  })

  it('sends at most BLOB_UPLOAD_WINDOW_BYTES beyond the last ack, one more chunk per chunk acknowledged; a refusal while it waits ends the upload at once', async () => {
    const chunkBytes = 256 * KiB
    const windowChunks = BLOB_UPLOAD_WINDOW_BYTES / chunkBytes
    const blob = testBlob(chunkBytes, chunkBytes)
    const total = windowChunks + 3
    const asked: number[] = []
    const { client, relay, relayEnd, node } = await setUp()
    const call = uploadBlob(node, ADDR, {
      ...init(blob),
      totalBytes: total * chunkBytes,
      chunk: async i => { asked.push(i); return blob.chunks[0] }
    }).catch(e => e)
    await challenged(relay)
    await relay.send({ type: READY })
    expect(await chunks(relay, windowChunks)).toEqual([...Array(windowChunks).keys()])
    await sent(client)
    expect(relay.hasFrame()).toBe(false)
    expect(asked).toHaveLength(windowChunks)
    await relay.send({ type: COMMITTED, committedChunks: 1 })
    expect(await chunks(relay, 1)).toEqual([windowChunks])
    await sent(client)
    expect(relay.hasFrame()).toBe(false)
    await relay.send({ type: RESULT, status: S.QUOTA, message: 'no room after all' })
    expect(described(await bounded(call))).toBe('BlobQuotaError: no room after all')
    expect(asked).toHaveLength(windowChunks + 1)
    expect(await endOf(relayEnd)).toBe('reset')
  })

  it('sends no chunk read from the source after a refusal came in', async () => {
    const blob = testBlob(4000, 1000)
    const { relay, relayEnd, node } = await setUp()
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    const asked: number[] = []
    const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => { asked.push(i); if (i === 2) await held; return blob.chunks[i] } })).catch(e => e)
    await challenged(relay)
    await relay.send({ type: READY })
    expect(await chunks(relay, 2)).toEqual([0, 1])
    await until(() => asked.includes(2), 'the read of chunk 2')
    await relay.send({ type: RESULT, status: S.MISMATCH, message: 'not that one' })
    await sent(relayEnd)
    release()
    expect(described(await bounded(call))).toBe('BlobUploadMismatchError: not that one')
    expect(await rest(relay)).toEqual([])
    expect(asked).toEqual([0, 1, 2])
  })

  it('leaves no timer running and no listener on the caller\'s signal', async () => {
    const signal = new AbortController().signal
    const blob = testBlob(2000, 1000)
    const timers = await timersOf(T, async () => {
      const { relay, node } = await setUp()
      const call = uploadBlob(node, ADDR, init(blob), { timeout: T, signal })
      await challenged(relay)
      await relay.send({ type: READY })
      await chunks(relay, 2)
      await relay.send(receipt(blob))
      await bounded(call)
    })
    expect(timers.started).toBeGreaterThan(0)
    expect(timers.leftRunning).toBe(0)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })
})

describe('uploadBlob: time', () => {
  it('bounds the dial and the stream\'s opening by the progress timeout', async () => {
    fakeTimers()
    const blob = testBlob(10, 10)
    const hangingDial = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('not reached') }, async options => { await untilAbort(options?.signal) })
    const hangingStream = mailboxNode(await newPeerId(), await newPeerId(), async options => await untilAbort(options?.signal))
    for (const node of [hangingDial, hangingStream]) {
      const call = track(uploadBlob(node, ADDR, init(blob), { timeout: T }))
      call.promise.catch(() => {})
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await rejection(call.promise))).toBe(`TimeoutError: no progress in ${T} ms`)
    }
  })

  it('bounds each write (the declaration, the AUTH, a chunk) and the close, and aborts the stream', async () => {
    fakeTimers()
    const blob = testBlob(1000, 1000)
    for (const at of ['upload', 'auth', 'chunk', 'close']) {
      const { client, relay, relayEnd, node } = await setUp()
      if (at === 'upload') stall(client)
      if (at === 'close') client.close = async options => { await untilAbort(options?.signal) }
      const call = track(uploadBlob(node, ADDR, init(blob), { timeout: T }))
      call.promise.catch(() => {})
      const first = (await relay.next())!
      if (at !== 'upload') {
        if (at === 'auth') stall(client)
        await relay.send({ type: CHALLENGE, nonce: NONCE })
        await relay.next()
        if (at === 'chunk') stall(client)
        if (at !== 'auth') {
          await relay.send({ type: READY })
          await chunks(relay, 1)
          if (at === 'close') await relay.send(receipt(blob))
        }
      }
      expect(first.type).toBe(ClientFrame.Type.UPLOAD)
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled(), at).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await rejection(call.promise)), at).toBe(`TimeoutError: no progress in ${T} ms`)
      expect(await endOf(relayEnd), at).toBe('reset')
    }
  })

  it('counts the relay\'s answer, each ack and each chunk written as progress', async () => {
    fakeTimers()
    const blob = testBlob(2000, 1000)
    // the answer: READY just before the timeout, then a slow source
    {
      const { relay, node } = await setUp()
      const asked: number[] = []
      const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => { asked.push(i); if (i === 0) await sleep(2); return blob.chunks[i] } }), { timeout: T })
      await challenged(relay)
      await vi.advanceTimersByTimeAsync(T - 1)
      await relay.send({ type: READY })
      await until(() => asked.length === 1, 'the first read')
      await vi.advanceTimersByTimeAsync(2)
      await chunks(relay, 2)
      await relay.send(receipt(blob))
      expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
    }
    // each ack: every chunk sent, the relay slow to commit
    {
      const { relay, node } = await setUp()
      const call = uploadBlob(node, ADDR, init(blob), { timeout: T })
      await challenged(relay)
      await relay.send({ type: READY })
      await chunks(relay, 2)
      await vi.advanceTimersByTimeAsync(T - 1)
      await relay.send({ type: COMMITTED, committedChunks: 1 })
      await turns()
      await vi.advanceTimersByTimeAsync(T - 1)
      await relay.send(receipt(blob))
      expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
    }
    // each chunk written: a source that takes almost the timeout per chunk
    {
      const { relay, node } = await setUp()
      const asked: number[] = []
      const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => { asked.push(i); await sleep(T - 1); return blob.chunks[i] } }), { timeout: T })
      await challenged(relay)
      await relay.send({ type: READY })
      for (const i of [0, 1]) {
        await until(() => asked.length === i + 1, `the read of chunk ${i}`)
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(await chunks(relay, 1)).toEqual([i])
      }
      await relay.send(receipt(blob))
      expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
    }
  })

  it('counts each chunk read again for the id as progress, and stops reading them once the call is given up', async () => {
    fakeTimers()
    const blob = testBlob(3000, 1000)
    {
      const { relay, node } = await setUp()
      const asked: number[] = []
      const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => { asked.push(i); await sleep(T - 1); return blob.chunks[i] } }), { timeout: T })
      await challenged(relay)
      await relay.send(receipt(blob))
      for (const i of [0, 1, 2]) {
        await until(() => asked.length === i + 1, `the read of chunk ${i}`)
        await vi.advanceTimersByTimeAsync(T - 1)
      }
      expect(await bounded(call)).toEqual({ blobId: blob.blobId, expiresAt: 77 })
    }
    {
      const { relay, relayEnd, node } = await setUp()
      const asked: number[] = []
      const caller = new AbortController()
      const call = uploadBlob(node, ADDR, init(blob, { chunk: async i => { asked.push(i); if (i === 1) caller.abort(new Error('the person cancelled')); return blob.chunks[i] } }), { signal: caller.signal }).catch(e => e)
      await challenged(relay)
      await relay.send(receipt(blob))
      expect(described(await bounded(call))).toBe('Error: the person cancelled')
      expect(asked).toEqual([0, 1])
      expect(await endOf(relayEnd)).toBe('reset')
    }
  })
})

describe('downloadBlob', () => {
  const header = (totalBytes: number, chunkBytes: number, expiresAt = 5n): Partial<RelayFrame> => ({ type: HEADER, totalBytes, chunkBytes, expiresAt })

  async function opened (totalBytes: number, chunkBytes: number, s?: Setup, options: BlobCallOptions = {}): Promise<{ s: Setup, download: BlobDownload, request: ClientFrame }> {
    s ??= await setUp()
    const call = downloadBlob(s.node, ADDR, { blobId: BLOB_ID }, options)
    const request = (await s.relay.next())!
    await s.relay.send(header(totalBytes, chunkBytes))
    return { s, download: await bounded(call), request }
  }

  it('refuses a blob id, a first chunk or an end of range that cannot be, before dialling, saying why', async () => {
    const node = await unreachable(new Error('dialled'))
    const cases: Array<[Parameters<typeof downloadBlob>[2], string]> = [
      [{ blobId: new Uint8Array(31) }, 'MalformedBlobFrameError: a blob id is 32 bytes'],
      [{ blobId: BLOB_ID, fromChunk: -1 }, 'MalformedBlobFrameError: fromChunk must be a chunk index'],
      [{ blobId: BLOB_ID, fromChunk: 1.5 }, 'MalformedBlobFrameError: fromChunk must be a chunk index'],
      [{ blobId: BLOB_ID, fromChunk: NaN }, 'MalformedBlobFrameError: fromChunk must be a chunk index'],
      [{ blobId: BLOB_ID, fromChunk: 2, toChunk: 2 }, 'MalformedBlobFrameError: toChunk must be after fromChunk'],
      [{ blobId: BLOB_ID, fromChunk: 2, toChunk: 1 }, 'MalformedBlobFrameError: toChunk must be after fromChunk'],
      [{ blobId: BLOB_ID, toChunk: 0 }, 'MalformedBlobFrameError: toChunk must be after fromChunk'],
      [{ blobId: BLOB_ID, toChunk: 1.5 }, 'MalformedBlobFrameError: toChunk must be after fromChunk'],
      [{ blobId: BLOB_ID, toChunk: 2 ** 53 }, 'MalformedBlobFrameError: toChunk must be after fromChunk']
    ]
    for (const [request, expected] of cases) expect(described(await downloadBlob(node, ADDR, request).catch(e => e)), expected).toBe(expected)
    expect(node.dials).toBe(0)
    // the smallest range there is passes to the dial
    expect(described(await downloadBlob(node, ADDR, { blobId: BLOB_ID, fromChunk: 2, toChunk: 3 }).catch(e => e))).toBe('Error: dialled')
  })

  it('asks for the range with a window of credit, and reads the header', async () => {
    const s = await setUp()
    const call = downloadBlob(s.node, ADDR, { blobId: BLOB_ID, fromChunk: 1, toChunk: 3 })
    const request = (await s.relay.next())!
    expect([request.type, request.blobId, request.fromChunk, request.toChunk, request.credit]).toEqual([ClientFrame.Type.DOWNLOAD, BLOB_ID, 1, 3, BLOB_DOWNLOAD_WINDOW_BYTES])
    await s.relay.send(header(3500, 1000, 99n))
    const d = await bounded(call)
    expect([d.totalBytes, d.chunkBytes, d.totalChunks, d.expiresAt, d.fromChunk, d.toChunk, d.nextChunk]).toEqual([3500, 1000, 4, 99, 1, 3, 1])
    expect(s.node.protocols).toEqual([BLOB_PROTOCOL])
  })

  it('says what went wrong with the header: none, a refusal (a long one too), OK, another frame, an impossible blob, a range it does not hold', async () => {
    const long = 'x'.repeat(300)
    const cases: Array<[Partial<RelayFrame> | 'close', string, number?]> = [
      ['close', 'BlobStreamClosedError: the relay closed the stream before the blob\'s header'],
      [{ type: RESULT, status: S.NOT_FOUND, message: long }, `BlobNotFoundError: ${long}`],
      [{ type: RESULT, status: S.OK }, 'ProtocolViolationError: expected a HEADER'],
      [{ type: CHUNK, index: 0, data: new Uint8Array(1) }, 'ProtocolViolationError: expected a HEADER'],
      [header(3000, 0), 'ProtocolViolationError: the relay declared an impossible blob: the chunk size must be 1..262160 bytes'],
      [header(0, 1000), 'ProtocolViolationError: the relay declared an impossible blob: a blob has at least one byte'],
      [header(3000, 1000), 'ProtocolViolationError: the relay sent a header that does not hold the range asked for', 4],
      [header(3000, 1000), 'ok', 3]
    ]
    for (const [answer, expected, toChunk] of cases) {
      const { relay, relayEnd, node } = await setUp()
      const call = downloadBlob(node, ADDR, { blobId: BLOB_ID, fromChunk: 1, toChunk }).then(() => 'ok', e => described(e))
      await relay.next()
      if (answer === 'close') await relayEnd.close()
      else await relay.send(answer)
      expect(await bounded(call), expected).toBe(expected)
      if (expected !== 'ok') expect(await endOf(relayEnd), expected).toBe('reset')
    }
  })

  it('is iterated once', async () => {
    const { s, download } = await opened(1000, 1000)
    await s.relay.sendChunk(0, new Uint8Array(1000))
    const got: number[] = []
    for await (const c of download) got.push(c.index)
    expect(got).toEqual([0])
    const again = await (async () => { for await (const _ of download) { /* never */ } })().catch(e => e)
    expect(described(again)).toBe('Error: a blob download is iterated once')
  })

  it('gives credit exactly when half a window is left, and none after the last chunk', async () => {
    const chunkBytes = 256 * KiB
    for (const total of [3 * BLOB_DOWNLOAD_WINDOW_BYTES / chunkBytes, BLOB_DOWNLOAD_WINDOW_BYTES / 2 / chunkBytes]) {
      const s = await setUp()
      const credits: number[] = []
      const serving = (async () => {
        const first = (await s.relay.next())!
        credits.push(first.credit)
        await s.relay.send(header(total * chunkBytes, chunkBytes))
        let credit = first.credit
        let sent = 0
        const data = new Uint8Array(chunkBytes)
        for (let i = 0; i < total; i++) {
          while (sent + chunkBytes > credit) {
            const f = (await s.relay.next())!
            expect(f.type).toBe(ClientFrame.Type.CREDIT)
            credits.push(f.credit)
            credit = f.credit
          }
          await s.relay.sendChunk(i, data)
          sent += chunkBytes
        }
        // nothing more from the client but its end
        for (let f = await s.relay.next(); f != null; f = await s.relay.next()) credits.push(f.credit)
        await s.relayEnd.close()
      })()
      const download = await bounded(downloadBlob(s.node, ADDR, { blobId: BLOB_ID }))
      let n = 0
      for await (const _ of download) n++
      await bounded(serving)
      expect(n).toBe(total)
      expect(credits, `${total} chunks`).toEqual(total === 16 ? [8 * MiB] : [8, 12, 16, 20, 24, 28].map(m => m * MiB))
    }
  })

  it('buffers a whole window of chunks the relay sent ahead before any is consumed', async () => {
    const chunkBytes = 256 * KiB
    const total = BLOB_DOWNLOAD_WINDOW_BYTES / chunkBytes
    const { s, download } = await opened(total * chunkBytes, chunkBytes)
    const data = new Uint8Array(chunkBytes).fill(7)
    for (let i = 0; i < total; i++) await s.relay.sendChunk(i, data)
    await s.relayEnd.close()
    await until(() => s.client.remoteWriteStatus === 'closed', 'the relay\'s end')
    let n = 0
    for await (const c of download) { if (c.data.length !== chunkBytes || c.data[0] !== 7 || c.data[chunkBytes - 1] !== 7) throw new Error(`chunk ${c.index} is not what was sent`); n++ }
    expect(n).toBe(total)
    expect(s.client.status).toBe('closed')
  })

  it('takes a refusal in place of a chunk as its error class; a RESULT that says OK there breaks the protocol', async () => {
    for (const [frame, expected] of [
      [{ type: RESULT, status: S.INTERNAL, message: 'disk gone' }, 'BlobInternalError: disk gone'],
      [{ type: RESULT, status: S.OK }, 'ProtocolViolationError: expected a CHUNK']
    ] as const) {
      const { s, download } = await opened(2000, 1000)
      await s.relay.sendChunk(0, new Uint8Array(1000))
      await s.relay.send(frame)
      const got: number[] = []
      const err = await (async () => { for await (const c of download) got.push(c.index) })().catch(e => e)
      expect(described(err)).toBe(expected)
      expect(got).toEqual([0])
      expect(s.aborted).toEqual([err])
      expect(await endOf(s.relayEnd)).toBe('reset')
    }
  })

  it('closes its stream once every chunk came, aborts it when the download stops early or breaks, and a close after that does nothing more', async () => {
    // every chunk: a clean close, both ways
    {
      const { s, download } = await opened(2000, 1000)
      await s.relay.sendChunk(0, new Uint8Array(1000))
      await s.relay.sendChunk(1, new Uint8Array(1000))
      for await (const _ of download) { /* consumed */ }
      expect(s.client.writeStatus).toBe('closed')
      expect(await s.relay.next()).toBeNull()
      await download.close()
      expect(s.aborted).toEqual([])
      await s.relayEnd.close()
      expect(await endOf(s.client)).toBe('closed')
    }
    // a break after the first chunk: aborted, saying the downloader closed it
    {
      const { s, download } = await opened(3000, 1000)
      await s.relay.sendChunk(0, new Uint8Array(1000))
      for await (const c of download) { if (c.index === 0) break }
      expect(download.nextChunk).toBe(1)
      expect(s.aborted.map(described)).toEqual(['BlobStreamClosedError: the downloader closed the download'])
      expect(await endOf(s.relayEnd)).toBe('reset')
      await download.close()
      expect(s.aborted).toHaveLength(1)
    }
    // closed before it is iterated
    {
      const { s, download } = await opened(3000, 1000)
      await download.close()
      expect(s.aborted.map(described)).toEqual(['BlobStreamClosedError: the downloader closed the download'])
      expect(await endOf(s.relayEnd)).toBe('reset')
    }
    // a chunk that breaks the protocol: aborted with that error, once
    {
      const { s, download } = await opened(3000, 1000)
      await s.relay.sendChunk(1, new Uint8Array(1000))
      const err = await (async () => { for await (const _ of download) { /* consumed */ } })().catch(e => e)
      expect(described(err)).toBe('ProtocolViolationError: expected chunk 0, not 1')
      expect(s.aborted).toEqual([err])
      await download.close()
      expect(s.aborted).toHaveLength(1)
    }
  })

  it('aborts a stream whose close does not end within the timeout, once every chunk came', async () => {
    fakeTimers()
    const s = await setUp()
    s.client.close = async options => { await untilAbort(options?.signal) }
    const { download } = await opened(1000, 1000, s, { timeout: T })
    await s.relay.sendChunk(0, new Uint8Array(1000))
    const iteration = track((async () => { for await (const _ of download) { /* consumed */ } })())
    await until(() => download.nextChunk === 1, 'the chunk')
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(iteration.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await until(iteration.settled, 'the end of the iteration')
    await iteration.promise
    expect(s.aborted.map(described)).toEqual([`TimeoutError: timed out after ${T} ms`])
  })

  it('bounds the dial, the request, the header and each chunk by `timeout` (BLOB_IDLE_TIMEOUT_MS by default)', async () => {
    fakeTimers()
    for (const [at, timeout] of [['dial', T], ['request', T], ['header', T], ['header', undefined], ['chunk', T]] as const) {
      const s = await setUp()
      const node = at === 'dial' ? mailboxNode(await newPeerId(), await newPeerId(), async options => await untilAbort(options?.signal)) : s.node
      if (at === 'request') stall(s.client)
      const wait = timeout ?? BLOB_IDLE_TIMEOUT_MS
      let step: Promise<unknown> = downloadBlob(node, ADDR, { blobId: BLOB_ID }, { timeout })
      if (at === 'chunk') {
        await s.relay.next()
        await s.relay.send(header(3000, 1000))
        const download = await bounded(step as Promise<BlobDownload>)
        step = (async () => { for await (const _ of download) { /* consumed */ } })()
      }
      const call = track(step)
      call.promise.catch(() => {})
      await vi.advanceTimersByTimeAsync(wait - 1)
      expect(call.settled(), at).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await rejection(call.promise)), at).toBe(`TimeoutError: timed out after ${wait} ms`)
    }
  })
})

describe('downloadBlob: a credit the relay does not take', () => {
  it('is given up at `timeout`', async () => {
    const chunkBytes = 256 * KiB
    const halfWindow = BLOB_DOWNLOAD_WINDOW_BYTES / 2 / chunkBytes
    const s = await setUp()
    const call = downloadBlob(s.node, ADDR, { blobId: BLOB_ID }, { timeout: T })
    await s.relay.next()
    await s.relay.send({ type: HEADER, totalBytes: 3 * halfWindow * chunkBytes, chunkBytes, expiresAt: 1n })
    const download = await bounded(call)
    for (let i = 0; i < halfWindow; i++) await s.relay.sendChunk(i, new Uint8Array(chunkBytes))
    const chunks = download[Symbol.asyncIterator]()
    for (let i = 0; i < halfWindow; i++) expect((await bounded(chunks.next())).value?.index).toBe(i)
    // the last chunk before the credit is taken: the next step writes the credit to a relay that stopped reading
    stall(s.client)
    fakeTimers()
    const next = track(chunks.next())
    next.promise.catch(() => {})
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(next.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(described(await rejection(next.promise))).toBe(`TimeoutError: timed out after ${T} ms`)
    expect(s.aborted.map(described)).toEqual([`TimeoutError: timed out after ${T} ms`])
  })
})

describe('touchBlob and deleteBlob', () => {
  const touch = async (node: Parameters<typeof touchBlob>[0], options?: BlobCallOptions, blobId = BLOB_ID): Promise<unknown> => await touchBlob(node, ADDR, blobId, options)
  const del = async (node: Parameters<typeof deleteBlob>[0], options?: BlobCallOptions, blobId = BLOB_ID): Promise<unknown> => await deleteBlob(node, ADDR, { owner: { identity: alice, deviceId: 2 }, blobId }, options)

  it('refuse a blob id of another length before dialling', async () => {
    const node = await unreachable(new Error('dialled'))
    for (const call of [touch, del]) {
      for (const n of [31, 33]) expect(described(await call(node, {}, new Uint8Array(n)).catch(e => e))).toBe('MalformedBlobFrameError: a blob id is 32 bytes')
    }
    expect(node.dials).toBe(0)
  })

  it('pass a failed dial on as it is, as do uploads and downloads', async () => {
    const failure = new Error('no route to the relay')
    const node = await unreachable(failure)
    const blob = testBlob(10, 10)
    for (const call of [touch(node), del(node), uploadBlob(node, ADDR, init(blob)), downloadBlob(node, ADDR, { blobId: BLOB_ID })]) {
      expect(await call.catch(e => e)).toBe(failure)
    }
  })

  it('send what they ask, close their end once answered, and give the expiry (touch) or nothing (delete)', async () => {
    {
      const { relay, node } = await setUp()
      const call = touch(node)
      const f = (await relay.next())!
      expect([f.type, f.blobId]).toEqual([ClientFrame.Type.TOUCH, BLOB_ID])
      await relay.send({ type: RESULT, status: S.OK, expiresAt: 1234n })
      expect(await bounded(call)).toEqual({ expiresAt: 1234 })
      expect(await relay.next()).toBeNull()
    }
    {
      const { relay, node, relayPeerId } = await setUp()
      const call = del(node)
      const { first, auth } = await challenged(relay)
      expect([first.type, first.blobId, first.identityKey, first.deviceId]).toEqual([ClientFrame.Type.DELETE, BLOB_ID, alice.publicKey, 2])
      expect(() => { verifyBlobAuth({ nonce: NONCE, relayPeerId: relayPeerId.toString(), clientPeerId: node.peerId.toString(), identityKey: alice.publicKey, deviceId: 2, timestamp: Number(auth.timestamp) }, auth.signature, Number(auth.timestamp)) }).not.toThrow()
      await relay.send({ type: RESULT, status: S.OK })
      expect(await bounded(call)).toBeUndefined()
      expect(await relay.next()).toBeNull()
    }
  })

  it('say what went wrong: a hang-up, a refusal (a long one too), another frame', async () => {
    const long = 'y'.repeat(300)
    for (const [name, call, afterFirst] of [
      ['touch', touch, async () => {}],
      ['delete', del, async (r: RelayEnd) => { await r.send({ type: CHALLENGE, nonce: NONCE }); await r.next() }]
    ] as const) {
      for (const [answer, expected] of [
        ['close', `BlobStreamClosedError: the relay closed the stream before answering the ${name}`],
        [{ type: RESULT, status: S.NOT_FOUND, message: long }, `BlobNotFoundError: ${long}`],
        [{ type: HEADER }, `ProtocolViolationError: expected the RESULT of the ${name}`]
      ] as const) {
        const { relay, relayEnd, node } = await setUp()
        const result = call(node).catch(e => e)
        await relay.next()
        await afterFirst(relay)
        if (answer === 'close') await relayEnd.close()
        else await relay.send(answer)
        expect(described(await bounded(result)), `${name}: ${expected}`).toBe(expected)
        expect(await endOf(relayEnd)).toBe('reset')
      }
    }
  })

  it('bound the dial, each write and the close by `timeout` (BLOB_IDLE_TIMEOUT_MS by default)', async () => {
    fakeTimers()
    for (const [name, call] of [['touch', touch], ['delete', del]] as const) {
      for (const [at, timeout] of [['dial', T], ['dial', undefined], ['request', T], ['close', T]] as const) {
        const s = await setUp()
        const node = at === 'dial' ? mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('not reached') }, async options => { await untilAbort(options?.signal) }) : s.node
        if (at === 'request') stall(s.client)
        if (at === 'close') s.client.close = async options => { await untilAbort(options?.signal) }
        const wait = timeout ?? BLOB_IDLE_TIMEOUT_MS
        const result = track(call(node, { timeout }))
        result.promise.catch(() => {})
        if (at !== 'dial') await s.relay.next()
        if (at === 'close') {
          if (name === 'delete') { await s.relay.send({ type: CHALLENGE, nonce: NONCE }); await s.relay.next() }
          await s.relay.send({ type: RESULT, status: S.OK })
        }
        await vi.advanceTimersByTimeAsync(wait - 1)
        expect(result.settled(), `${name} ${at}`).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        expect(described(await rejection(result.promise)), `${name} ${at}`).toBe(`TimeoutError: timed out after ${wait} ms`)
        if (at !== 'dial') expect(await endOf(s.relayEnd)).toBe('reset')
      }
    }
  })
})
