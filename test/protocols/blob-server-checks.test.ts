// The blob server over a stand-in backend that records each call, its signal and its order (no store behind it): the checks the server makes itself before a backend sees a frame, how an upload's commits run (in batches, on a timer, one at a time, the first failure ending the upload, none after the stream ended), which chunks a download reads, how streams end (a clean end, a reset, a refusal), the time each step may take, its buffers, and what it logs.
import { describe, it, expect, vi, afterEach } from 'vitest'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  BLOB_COMMIT_INTERVAL_MS, BLOB_IDLE_TIMEOUT_MS, BLOB_UPLOAD_WINDOW_BYTES, MAX_BLOB_CHUNK_BYTES,
  type BlobBackend, type BlobServerInit, type BlobOwner, type BlobReader, type BlobReceipt, type BlobUpload, type BlobUploadRequest, type BlobUploadStart
} from '../../src/protocols/blob/index.js'
import { signBlobAuth } from '../../src/protocols/blob/auth.js'
import { clientChunkParts } from '../../src/protocols/blob/chunk-frame.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/blob/pb/blob.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, deferred, fakeTimers, newPeerId, settlesAt, stall, track, until, untilAbort, type Deferred } from './mailbox-harness.js'
import { rawPeer as harnessPeer, startBlobRelay, turns, type BlobRelay, type RawPeer } from './blob-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const T = 4321
const UPLOAD_ID = new Uint8Array(16).fill(9)
const BLOB_ID = new Uint8Array(32).fill(3)
const S = RelayFrame.Status
const { RESULT, CHALLENGE, READY, COMMITTED, CHUNK } = RelayFrame.Type

afterEach(() => {
  vi.useRealTimers()
})

/** A backend that records every call (and the signal each got) in order; a test holds, fails or hangs any of them. */
class StandIn implements BlobBackend {
  log: string[] = []
  /** the signal each call got, the first time it was made */
  signals = new Map<string, AbortSignal | undefined>()
  /** the next call of this name waits for its signal to abort (once) */
  hang: string | undefined
  /** a call by name held until the deferred resolves */
  held = new Map<string, Deferred<void>>()
  /** calls by name that fail, each with the error (the first `times` of them, else every one) */
  failures = new Map<string, { err: Error, times?: number }>()
  /** what beginUpload answers: an open upload, or a receipt of one done before */
  done: BlobReceipt | undefined
  /** committedChunks the upload reports after a commit (default: every chunk written when it began) */
  lie: number | undefined
  running = 0
  mostAtOnce = 0
  upload: StandInUpload | undefined
  reader = { totalBytes: 5000, chunkBytes: 1000, totalChunks: 5, expiresAt: 1_700_000_000_000 }

  async call (name: string, signal?: AbortSignal): Promise<void> {
    this.log.push(name)
    if (!this.signals.has(name)) this.signals.set(name, signal)
    await this.held.get(name)?.promise
    if (this.hang === name) {
      this.hang = undefined
      await untilAbort(signal)
    }
    const f = this.failures.get(name)
    if (f != null && (f.times == null || f.times-- > 0)) throw f.err
  }

  async beginUpload (request: BlobUploadRequest, options?: { signal?: AbortSignal }): Promise<BlobUploadStart> {
    await this.call('begin', options?.signal)
    if (this.done != null) return { done: this.done }
    this.upload = new StandInUpload(this, Math.ceil(request.totalBytes / request.chunkBytes))
    return { upload: this.upload }
  }

  async openBlob (_blobId: Uint8Array, _requester: PeerId, options?: { signal?: AbortSignal }): Promise<BlobReader> {
    await this.call('open', options?.signal)
    return {
      ...this.reader,
      read: async (index, o) => { await this.call(`read ${index}`, o?.signal); return new Uint8Array(index === this.reader.totalChunks - 1 ? this.reader.totalBytes - index * this.reader.chunkBytes : this.reader.chunkBytes).fill(index) },
      close: async () => { this.log.push('reader closed') }
    }
  }

  async touch (_blobId: Uint8Array, _requester: PeerId, options?: { signal?: AbortSignal }): Promise<number> {
    await this.call('touch', options?.signal)
    return 1234
  }

  async delete (_owner: BlobOwner, _blobId: Uint8Array, options?: { signal?: AbortSignal }): Promise<void> {
    await this.call('delete', options?.signal)
  }
}

class StandInUpload implements BlobUpload {
  committedChunks = 0
  private written = 0

  constructor (private readonly b: StandIn, readonly totalChunks: number) {}

  async write (index: number, _data: Uint8Array, options?: { signal?: AbortSignal }): Promise<void> {
    await this.b.call(`write ${index}`, options?.signal)
    this.written = index + 1
  }

  async commit (options?: { signal?: AbortSignal }): Promise<number> {
    const covers = this.written
    this.b.running++
    this.b.mostAtOnce = Math.max(this.b.mostAtOnce, this.b.running)
    try {
      await this.b.call(`commit ${covers}`, options?.signal)
    } finally {
      this.b.running--
    }
    this.committedChunks = this.b.lie ?? covers
    return this.committedChunks
  }

  async complete (options?: { signal?: AbortSignal }): Promise<BlobReceipt> {
    await this.b.call('complete', options?.signal)
    return { blobId: BLOB_ID, expiresAt: 1_700_000_000_000 }
  }

  async close (): Promise<void> {
    this.b.log.push('close')
  }
}

/** The harness's raw client, its reads bounded by event-loop turns (not a timer: several cases fake the clock). */
function rawPeer (stream: Stream): RawPeer {
  const p = harnessPeer(stream)
  return { ...p, next: async () => { const b = await bounded(p.read(), 'the next relay frame'); return b == null ? null : RelayFrame.decode(b) } }
}

const described = (f: RelayFrame | null): string => f == null
  ? 'end'
  : f.type === RESULT ? (f.status === S.OK ? 'OK' : `${S[f.status]}: ${f.message}`) : f.type === COMMITTED ? `COMMITTED ${f.committedChunks}` : f.type === CHUNK ? `CHUNK ${f.index}` : RelayFrame.Type[f.type]

async function relayWith (backend: StandIn, server: Partial<BlobServerInit> = {}): Promise<BlobRelay> {
  return await startBlobRelay({ server, wrap: () => backend })
}

/** UPLOAD → CHALLENGE → AUTH by hand; resolves with the relay's answer. */
async function upload (relay: BlobRelay, sizes: { totalBytes: number, chunkBytes: number } = { totalBytes: 5000, chunkBytes: 1000 }, first: Partial<ClientFrame> = {}): Promise<{ p: RawPeer, client: Stream, server: Stream, done: Promise<void>, me: PeerId, answer: RelayFrame | null }> {
  const me = await newPeerId()
  const { client, server, done } = await relay.connect(me)
  const p = rawPeer(client)
  await p.send({ type: ClientFrame.Type.UPLOAD, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, uploadId: UPLOAD_ID, ...sizes, ...first })
  const challenge = await p.next()
  if (challenge?.type !== CHALLENGE) return { p, client, server, done, me, answer: challenge }
  await p.send(auth(relay, me, challenge.nonce))
  return { p, client, server, done, me, answer: await p.next() }
}

function auth (relay: BlobRelay, me: PeerId, nonce: Uint8Array): Partial<ClientFrame> {
  const timestamp = Date.now()
  const signature = signBlobAuth(alice, { nonce, relayPeerId: relay.relayPeerId.toString(), clientPeerId: me.toString(), deviceId: 1, timestamp })
  return { type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) }
}

const chunk = async (p: RawPeer, index: number, size = 1000): Promise<void> => { await p.writeParts(clientChunkParts(index, new Uint8Array(size))) }

/** Every relay frame until the stream ends: `end` at a clean end, `reset` when it was reset. */
async function rest (p: RawPeer): Promise<string[]> {
  const out: string[] = []
  while (true) {
    const f = await p.next().catch(() => 'reset' as const)
    if (f === 'reset') return [...out, 'reset']
    out.push(described(f))
    if (f == null) return out
  }
}

const lines = (relay: BlobRelay, level: 'log' | 'error'): unknown[][] => relay.logger.lines.filter(l => l.level === level).map(l => [l.format, ...l.args])

describe('blob server: its own checks', () => {
  it('ends a stream that closes before its first frame cleanly, without a frame', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { client, done } = await relay.connect(await newPeerId())
    await client.close()
    expect(await rest(rawPeer(client))).toEqual(['end'])
    await bounded(done)
    expect(backend.log).toEqual([])
    expect(relay.logger.lines).toEqual([])
  })

  it('refuses a key or a blob id of another size, saying which, before the backend sees it', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    for (const [frame, expected] of [
      [{ type: ClientFrame.Type.UPLOAD, identityKey: new Uint8Array(31), uploadId: UPLOAD_ID, totalBytes: 10, chunkBytes: 10 }, 'MALFORMED: the identity key must be 32 bytes'],
      [{ type: ClientFrame.Type.DELETE, identityKey: new Uint8Array(33), blobId: BLOB_ID }, 'MALFORMED: the identity key must be 32 bytes'],
      [{ type: ClientFrame.Type.DELETE, identityKey: Uint8Array.from(alice.publicKey), blobId: new Uint8Array(31) }, 'MALFORMED: the blob id must be 32 bytes'],
      [{ type: ClientFrame.Type.TOUCH, blobId: new Uint8Array(33) }, 'MALFORMED: the blob id must be 32 bytes'],
      [{ type: ClientFrame.Type.UPLOAD, identityKey: Uint8Array.from(alice.publicKey), uploadId: UPLOAD_ID, totalBytes: 10, chunkBytes: 0 }, `MALFORMED: the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`],
      [{ type: ClientFrame.Type.UPLOAD, identityKey: Uint8Array.from(alice.publicKey), uploadId: UPLOAD_ID, totalBytes: 0, chunkBytes: 10 }, 'MALFORMED: a blob has at least one byte']
    ] as const) {
      const { client, done } = await relay.connect(await newPeerId())
      const p = rawPeer(client)
      await p.send(frame)
      expect(await rest(p), expected).toEqual([expected, 'end'])
      await bounded(done)
    }
    expect(backend.log).toEqual([])
  })

  it('wants an AUTH after the challenge; a device that closes instead gets only a reset, and the log says why', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    for (const then of ['chunk', 'close'] as const) {
      const me = await newPeerId()
      const { client, done } = await relay.connect(me)
      const p = rawPeer(client)
      await p.send({ type: ClientFrame.Type.DELETE, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, blobId: BLOB_ID })
      expect(described(await p.next())).toBe('CHALLENGE')
      if (then === 'chunk') await chunk(p, 0)
      else await client.close()
      expect(await rest(p), then).toEqual(then === 'chunk' ? ['MALFORMED: expected AUTH after the challenge', 'end'] : ['reset'])
      await bounded(done)
      expect(lines(relay, 'log').at(-1), then).toEqual(['blob stream from %p ended - %s', me, then === 'chunk' ? 'expected AUTH after the challenge' : 'closed before authenticating'])
    }
    expect(backend.log).toEqual([])
  })

  it('refuses a chunk of the wrong size itself, before the backend sees it', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend, { commitIntervalMs: 60_000 })
    const { p, answer, done } = await upload(relay)
    expect(described(answer)).toBe('READY')
    await chunk(p, 0)
    await chunk(p, 1, 999)
    expect(await rest(p)).toEqual(['MISMATCH: chunk 1 must be 1000 bytes, not 999', 'end'])
    await bounded(done)
    expect(backend.log).toEqual(['begin', 'write 0', 'commit 1', 'close'])
  })

  it('reads a frame past 127 bytes and up to a whole chunk', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { p, answer, done } = await upload(relay, { totalBytes: MAX_BLOB_CHUNK_BYTES, chunkBytes: MAX_BLOB_CHUNK_BYTES })
    expect(described(answer)).toBe('READY')
    await chunk(p, 0, MAX_BLOB_CHUNK_BYTES)
    expect(await rest(p)).toEqual(['OK', 'end'])
    await bounded(done)
  })
})

describe('blob server: an upload\'s commits', () => {
  it('commits every commitBytes and after the last chunk, acknowledges all but the last, then completes and closes the upload', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend, { commitBytes: 2000, commitIntervalMs: 60_000 })
    const { p, answer, done, me } = await upload(relay)
    expect(answer).toMatchObject({ type: READY, committedChunks: 0 })
    await chunk(p, 0)
    await chunk(p, 1)
    expect(described(await p.next())).toBe('COMMITTED 2')
    await chunk(p, 2)
    await chunk(p, 3)
    expect(described(await p.next())).toBe('COMMITTED 4')
    await chunk(p, 4)
    const result = (await p.next())!
    expect([result.type, result.status, result.blobId, result.expiresAt]).toEqual([RESULT, S.OK, BLOB_ID, 1_700_000_000_000n])
    expect(await rest(p)).toEqual(['end'])
    await bounded(done)
    expect(backend.log).toEqual(['begin', 'write 0', 'write 1', 'commit 2', 'write 2', 'write 3', 'commit 4', 'write 4', 'commit 5', 'complete', 'close'])
    expect(lines(relay, 'log')).toEqual([['upload from %p resumes at chunk %d of %d', me, 0, 5]])
  })

  it('commits what came after commitIntervalMs (BLOB_COMMIT_INTERVAL_MS by default), unless a commit was asked for before', async () => {
    fakeTimers()
    for (const interval of [250, undefined]) {
      const backend = new StandIn()
      const wait = interval ?? BLOB_COMMIT_INTERVAL_MS
      const relay = await relayWith(backend, { commitBytes: 2000, commitIntervalMs: interval })
      const { p } = await upload(relay)
      // a batch full before the timer: committed at once, and the timer it replaced commits nothing more
      await chunk(p, 0)
      await until(() => backend.log.includes('write 0'), 'the write')
      await chunk(p, 1)
      expect(described(await p.next())).toBe('COMMITTED 2')
      await vi.advanceTimersByTimeAsync(wait)
      await turns()
      expect(backend.log.filter(l => l.startsWith('commit')), String(interval)).toEqual(['commit 2'])
      // less than a batch: committed when the timer fires
      await chunk(p, 2)
      await until(() => backend.log.includes('write 2'), 'the write')
      await vi.advanceTimersByTimeAsync(wait - 1)
      expect(backend.log.filter(l => l.startsWith('commit')), String(interval)).toEqual(['commit 2'])
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await p.next())).toBe('COMMITTED 3')
    }
  })

  it('runs one commit at a time: asks while one runs make exactly one more, covering every chunk written by then', async () => {
    const backend = new StandIn()
    const first = deferred<void>()
    backend.held.set('commit 1', first)
    const relay = await relayWith(backend, { commitBytes: 1000, commitIntervalMs: 60_000 })
    const { p, done } = await upload(relay)
    await chunk(p, 0)
    await until(() => backend.log.includes('commit 1'), 'the first commit')
    await chunk(p, 1)
    await chunk(p, 2)
    await until(() => backend.log.includes('write 2'), 'the writes')
    await turns()
    expect(backend.log.filter(l => l.startsWith('commit'))).toEqual(['commit 1'])
    first.resolve()
    expect([described(await p.next()), described(await p.next())]).toEqual(['COMMITTED 1', 'COMMITTED 3'])
    await chunk(p, 3)
    await chunk(p, 4)
    expect(await rest(p)).toEqual(['COMMITTED 4', 'OK', 'end'])
    await bounded(done)
    expect(backend.log.filter(l => l.startsWith('commit'))).toEqual(['commit 1', 'commit 3', 'commit 4', 'commit 5'])
    expect(backend.mostAtOnce).toBe(1)
  })

  it('ends the upload at the next chunk once a commit failed: the device is told INTERNAL, no commit is queued after it, what was written is committed directly', async () => {
    const backend = new StandIn()
    backend.failures.set('commit 1', { err: new Error('fsync failed'), times: 1 })
    const relay = await relayWith(backend, { commitBytes: 1000, commitIntervalMs: 60_000 })
    const { p, done } = await upload(relay)
    await chunk(p, 0)
    await until(() => lines(relay, 'error').length === 1, 'the failed commit')
    await chunk(p, 1)
    expect(await rest(p)).toEqual(['INTERNAL: the relay failed; try again later', 'end'])
    await bounded(done)
    expect(backend.log).toEqual(['begin', 'write 0', 'commit 1', 'write 1', 'commit 2', 'close'])
    expect(lines(relay, 'error')).toEqual([['blob %s failed inside the backend - %e', 'commit', new Error('fsync failed')]])
  })

  it('tells the device a failed last commit as the backend\'s failure, not as missing chunks', async () => {
    const backend = new StandIn()
    backend.failures.set('commit 2', { err: new Error('fsync failed') })
    const relay = await relayWith(backend, { commitBytes: 1000, commitIntervalMs: 60_000 })
    const { p, done } = await upload(relay, { totalBytes: 2000, chunkBytes: 1000 })
    await chunk(p, 0)
    expect(described(await p.next())).toBe('COMMITTED 1')
    await chunk(p, 1)
    expect(await rest(p)).toEqual(['INTERNAL: the relay failed; try again later', 'end'])
    await bounded(done)
    expect(backend.log).not.toContain('complete')
  })

  it('completes only when the backend counts every chunk committed, and says how many it has otherwise', async () => {
    const backend = new StandIn()
    backend.lie = 1
    const relay = await relayWith(backend, { commitIntervalMs: 60_000 })
    const { p, done } = await upload(relay, { totalBytes: 2000, chunkBytes: 1000 })
    await chunk(p, 0)
    await chunk(p, 1)
    expect(await rest(p)).toEqual(['COMMITTED 1', 'INTERNAL: only 1 of 2 chunks committed', 'end'])
    await bounded(done)
    expect(backend.log).toEqual(['begin', 'write 0', 'write 1', 'commit 2', 'commit 2', 'close'])
  })

  it('commits what came when a device ends its upload early, gives it no refusal, and commits nothing after the stream ended', async () => {
    fakeTimers()
    const backend = new StandIn()
    const relay = await relayWith(backend, { commitIntervalMs: 250 })
    const { p, client, done, me } = await upload(relay)
    await chunk(p, 0)
    await chunk(p, 1)
    await until(() => backend.log.includes('write 1'), 'the writes')
    await client.close()
    expect(await rest(p)).toEqual(['reset'])
    await bounded(done)
    expect(backend.log).toEqual(['begin', 'write 0', 'write 1', 'commit 2', 'close'])
    await vi.advanceTimersByTimeAsync(1000)
    await turns()
    expect(backend.log).toEqual(['begin', 'write 0', 'write 1', 'commit 2', 'close'])
    expect(lines(relay, 'log').at(-1)).toEqual(['blob stream from %p ended - %s', me, 'the client ended the upload after 2 of 5 chunks'])
  })

  it('answers an upload done before with its receipt, and logs it', async () => {
    const backend = new StandIn()
    backend.done = { blobId: BLOB_ID, expiresAt: 99 }
    const relay = await relayWith(backend)
    const { p, answer, done, me } = await upload(relay)
    expect([answer?.type, answer?.status, answer?.blobId, answer?.expiresAt]).toEqual([RESULT, S.OK, BLOB_ID, 99n])
    expect(await rest(p)).toEqual(['end'])
    await bounded(done)
    expect(lines(relay, 'log')).toEqual([['upload from %p was already complete', me]])
  })

  it('takes a whole window of chunks, framing and all, while the disk holds the first one', async () => {
    // 4 KiB chunks: a window of them is 8192 frames, whose framing takes them past BLOB_UPLOAD_WINDOW_BYTES
    const chunkBytes = 4096
    const windowChunks = BLOB_UPLOAD_WINDOW_BYTES / chunkBytes
    const backend = new StandIn()
    const disk = deferred<void>()
    backend.held.set('write 0', disk)
    const relay = await relayWith(backend, { commitIntervalMs: 60_000 })
    const { p, client, done } = await upload(relay, { totalBytes: windowChunks * chunkBytes, chunkBytes })
    for (let i = 0; i < windowChunks; i++) await chunk(p, i, chunkBytes)
    await turns()
    expect(client.status).toBe('open')
    disk.resolve()
    expect(await rest(p)).toEqual(['COMMITTED 2048', 'COMMITTED 4096', 'COMMITTED 6144', 'OK', 'end'])
    await bounded(done)
  })
})

describe('blob server: downloads', () => {
  async function download (relay: BlobRelay, request: Partial<ClientFrame>): Promise<{ p: RawPeer, client: Stream, server: Stream, done: Promise<void>, me: PeerId }> {
    const me = await newPeerId()
    const { client, server, done } = await relay.connect(me)
    const p = rawPeer(client)
    await p.send({ type: ClientFrame.Type.DOWNLOAD, blobId: BLOB_ID, credit: 1_000_000, ...request })
    return { p, client, server, done, me }
  }

  it('refuses a range that is empty or not within the blob, saying so', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    for (const [from, to, expected] of [[2, 2, 'chunks 2..2 are not a range of the blob\'s 5 chunks'], [3, 2, 'chunks 3..2 are not a range of the blob\'s 5 chunks'], [0, 6, 'chunks 0..6 are not a range of the blob\'s 5 chunks'], [5, undefined, 'chunks 5..5 are not a range of the blob\'s 5 chunks']] as const) {
      const { p, done } = await download(relay, { fromChunk: from, toChunk: to })
      expect(await rest(p)).toEqual([`MALFORMED: ${expected}`, 'end'])
      await bounded(done)
    }
    expect(backend.log.filter(l => /^read \d/.test(l))).toEqual([])
  })

  it('reads the chunks of the range only, each once, the next while one is sent; closes the reader and logs the range', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { p, done, me } = await download(relay, { fromChunk: 1, toChunk: 3 })
    expect(await rest(p)).toEqual(['HEADER', 'CHUNK 1', 'CHUNK 2', 'end'])
    await bounded(done)
    expect(backend.log).toEqual(['open', 'read 1', 'read 2', 'reader closed'])
    expect(lines(relay, 'log')).toEqual([['download by %p sent chunks %d..%d', me, 1, 2]])
  })

  it('stops, without a refusal, when the downloader ends its side; closes the reader and logs where', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { p, client, done, me } = await download(relay, { credit: 1000 })
    expect(described(await p.next())).toBe('HEADER')
    expect(described(await p.next())).toBe('CHUNK 0')
    await client.close()
    expect(await rest(p)).toEqual(['end'])
    await bounded(done)
    expect(backend.log.at(-1)).toBe('reader closed')
    expect(lines(relay, 'log')).toEqual([['download by %p ended by the client at chunk %d', me, 1]])
  })
})

describe('blob server: the backend', () => {
  it('logs a backend failure as an error naming the step, and tells the device INTERNAL without the details', async () => {
    for (const step of ['begin', 'write 0', 'commit 1', 'complete', 'open', 'read 0', 'touch', 'delete']) {
      const backend = new StandIn()
      const failure = new Error(`EIO at /var/lib/parley/${step}`)
      backend.failures.set(step, { err: failure })
      const relay = await relayWith(backend, { commitIntervalMs: 60_000 })
      let answers: string[]
      if (['begin', 'write 0', 'commit 1', 'complete'].includes(step)) {
        const { p, answer } = await upload(relay, { totalBytes: 1000, chunkBytes: 1000 })
        if (answer?.type === READY) await chunk(p, 0)
        answers = answer?.type === READY ? await rest(p) : [described(answer), ...await rest(p)]
      } else {
        const me = await newPeerId()
        const { client } = await relay.connect(me)
        const p = rawPeer(client)
        if (step === 'delete') {
          await p.send({ type: ClientFrame.Type.DELETE, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, blobId: BLOB_ID })
          await p.send(auth(relay, me, (await p.next())!.nonce))
        } else {
          await p.send(step === 'touch' ? { type: ClientFrame.Type.TOUCH, blobId: BLOB_ID } : { type: ClientFrame.Type.DOWNLOAD, blobId: BLOB_ID, credit: 1_000_000 })
        }
        answers = (await rest(p)).filter(a => a !== 'HEADER')
      }
      expect(answers, step).toEqual(['INTERNAL: the relay failed; try again later', 'end'])
      const what = { begin: 'upload', 'write 0': 'write', 'commit 1': 'commit', complete: 'completion', open: 'download', 'read 0': 'read', touch: 'touch', delete: 'delete' }[step]
      expect(lines(relay, 'error'), step).toEqual([['blob %s failed inside the backend - %e', what, failure]])
    }
  })

  it('gives each backend call a signal that aborts at idleTimeout: the device is then told INTERNAL', async () => {
    fakeTimers()
    for (const step of ['begin', 'write 0', 'commit 1', 'complete', 'open', 'read 0', 'touch', 'delete']) {
      const backend = new StandIn()
      backend.hang = step
      const relay = await relayWith(backend, { idleTimeout: T, commitIntervalMs: 60 * T })
      const me = await newPeerId()
      const { client } = await relay.connect(me)
      const p = rawPeer(client)
      if (['begin', 'write 0', 'commit 1', 'complete'].includes(step)) {
        await p.send({ type: ClientFrame.Type.UPLOAD, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, uploadId: UPLOAD_ID, totalBytes: 1000, chunkBytes: 1000 })
        await p.send(auth(relay, me, (await p.next())!.nonce))
        if (step !== 'begin') {
          expect(described(await p.next())).toBe('READY')
          await chunk(p, 0)
        }
      } else if (step === 'delete') {
        await p.send({ type: ClientFrame.Type.DELETE, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, blobId: BLOB_ID })
        await p.send(auth(relay, me, (await p.next())!.nonce))
      } else {
        await p.send(step === 'touch' ? { type: ClientFrame.Type.TOUCH, blobId: BLOB_ID } : { type: ClientFrame.Type.DOWNLOAD, blobId: BLOB_ID, credit: 1_000_000 })
        if (step === 'read 0') expect(described(await p.next())).toBe('HEADER')
      }
      await until(() => backend.signals.has(step), `the ${step} call`)
      const answer = track(p.next())
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(answer.settled(), step).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await answer.promise), step).toBe('INTERNAL: the relay failed; try again later')
      expect(backend.signals.get(step)?.aborted, step).toBe(true)
    }
  })
})

describe('blob server: time', () => {
  it('gives a client that says nothing idleTimeout ms (BLOB_IDLE_TIMEOUT_MS by default), then resets', async () => {
    fakeTimers()
    for (const idleTimeout of [T, undefined]) {
      const relay = await relayWith(new StandIn(), { idleTimeout })
      const { client, done } = await relay.connect(await newPeerId())
      await settlesAt(done, idleTimeout ?? BLOB_IDLE_TIMEOUT_MS)
      await until(() => client.status === 'reset', 'the reset')
    }
  })

  it('gives a client that does not take the challenge, a chunk, or the stream\'s close idleTimeout ms, then resets', async () => {
    fakeTimers()
    for (const at of ['challenge', 'chunk', 'close']) {
      const backend = new StandIn()
      const relay = await relayWith(backend, { idleTimeout: T })
      const { client, server, done } = await relay.connect(await newPeerId())
      const p = rawPeer(client)
      if (at === 'challenge') {
        stall(server)
        await p.send({ type: ClientFrame.Type.DELETE, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1, blobId: BLOB_ID })
        expect(described(await p.next())).toBe('CHALLENGE')
      } else if (at === 'chunk') {
        // no credit at first: the relay sends the header and waits, so the stall is in place before the first chunk
        await p.send({ type: ClientFrame.Type.DOWNLOAD, blobId: BLOB_ID, credit: 0 })
        expect(described(await p.next())).toBe('HEADER')
        stall(server)
        await p.send({ type: ClientFrame.Type.CREDIT, credit: 1_000_000 })
        await until(() => backend.log.includes('read 1'), 'the read ahead')
      } else {
        let closing = false
        server.close = async options => { closing = true; await untilAbort(options?.signal) }
        await p.send({ type: ClientFrame.Type.TOUCH, blobId: BLOB_ID })
        expect(described(await p.next())).toBe('OK')
        await until(() => closing, 'the close')
      }
      await settlesAt(done, T)
      await until(() => client.status === 'reset', `the reset (${at})`)
    }
  })

  it('gives a client that does not take a refusal, or its close, one second, then resets', async () => {
    fakeTimers()
    for (const blocked of ['write', 'close']) {
      const relay = await relayWith(new StandIn())
      const { client, server, done } = await relay.connect(await newPeerId())
      if (blocked === 'write') stall(server)
      else server.close = async options => { await untilAbort(options?.signal) }
      await rawPeer(client).send({ type: ClientFrame.Type.CREDIT })
      await settlesAt(done, 1000)
      await until(() => client.status === 'reset', `the reset (${blocked})`)
    }
  })
})

describe('blob server: touch and delete', () => {
  it('answer with the new expiry, or OK', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send({ type: ClientFrame.Type.TOUCH, blobId: BLOB_ID })
    expect(await p.next()).toMatchObject({ type: RESULT, status: S.OK, expiresAt: 1234n })
    await bounded(done)
  })
})
