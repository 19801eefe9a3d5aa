// Blobs in a real relay process: an owner uploads 24 MiB and anyone downloads it byte for byte (ranges too), a stranger cannot upload, an upload resumes from the committed chunk after its connection drops and after the relay is SIGKILLed, a download resumes from a chunk index after the relay is SIGKILLed, quotas and expiry come from the flags, the metrics count it all; and the blob flags.
import { describe, it, expect } from 'vitest'
import { relayProcesses } from './relay-processes.js'
import { createServer } from 'node:net'
import type { Libp2p } from 'libp2p'
import { peerIdFromString } from '@libp2p/peer-id'
import type { RelayProcess } from '../../scripts/relay-process.js'
import { uploadPreKeys } from '../../src/protocols/prekeys/index.js'
import { uploadBlob, downloadBlob, touchBlob, blobChunkCount, MAX_BLOB_CHUNK_BYTES, type BlobDownload } from '../../src/protocols/blob/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, publicSignedPreKey, publicKemPreKey, systemRandom } from '../../src/crypto/index.js'
import { parseRelayConfig, usage } from '../../relay-node/src/config.js'
import { retryUntil } from '../helpers/wait.js'

const MIB = 1024 * 1024

/** A device becomes an owner at a relay by uploading its prekeys there. */
async function uploadKeys (node: Libp2p, relay: RelayProcess, identity: IdentityKeyPair): Promise<void> {
  await uploadPreKeys(node, relay.addr('tcp'), {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, Date.now(), systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 100, Date.now(), true, systemRandom))
  })
}

/** Ciphertext as the media cipher shapes it: `chunks` sealed chunks of MAX_BLOB_CHUNK_BYTES (random bytes stand in). */
function sealedBlob (chunks: number, lastBytes = MAX_BLOB_CHUNK_BYTES): { bytes: Uint8Array, chunk: (i: number) => Uint8Array } {
  const bytes = systemRandom((chunks - 1) * MAX_BLOB_CHUNK_BYTES + lastBytes)
  return { bytes, chunk: i => bytes.subarray(i * MAX_BLOB_CHUNK_BYTES, Math.min(bytes.length, (i + 1) * MAX_BLOB_CHUNK_BYTES)) }
}

async function readAll (download: BlobDownload): Promise<Uint8Array> {
  const out = new Uint8Array((download.toChunk - download.fromChunk) * download.chunkBytes)
  let at = 0
  for await (const { data } of download) {
    out.set(data, at)
    at += data.length
  }
  return out.subarray(0, at)
}

/** Where two byte strings differ, or 'same' (a diff of megabytes would drown the report). */
function compare (a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`
  const at = a.findIndex((x, i) => x !== b[i])
  return at < 0 ? 'same' : `first difference at byte ${at}`
}

async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise<void>(resolve => probe.close(() => resolve()))
  return port
}

describe('parley-relay blobs', () => {
  const { relay, node } = relayProcesses()


  it('takes 24 MiB from an owner, refuses a stranger, serves it byte for byte (and any range) to anyone, and counts it in /metrics', async () => {
    const port = await freePort()
    const r = await relay('big', ['--metrics-port', String(port)])
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    const blob = sealedBlob(96)
    expect(blob.bytes.length).toBeGreaterThanOrEqual(24 * MIB)
    const init = { owner: { identity: owner, deviceId: 1 }, uploadId: systemRandom(16), totalBytes: blob.bytes.length, chunkBytes: MAX_BLOB_CHUNK_BYTES, chunk: async (i: number) => blob.chunk(i) }
    await expect(uploadBlob(device, r.addr('tcp'), init)).rejects.toMatchObject({ name: 'BlobAuthError' })
    await uploadKeys(device, r, owner)
    const progress: number[] = []
    const { blobId, expiresAt } = await uploadBlob(device, r.addr('tcp'), { ...init, onProgress: c => progress.push(c) })
    expect(expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000)
    expect(progress[0]).toBe(0)
    expect(progress.at(-1)).toBe(96)
    // committed in batches as it went, not only at the end
    expect(progress.length).toBeGreaterThan(2)
    const stranger = await node()
    expect(compare(await readAll(await downloadBlob(stranger, r.addr('tcp'), { blobId })), blob.bytes)).toBe('same')
    expect(compare(await readAll(await downloadBlob(stranger, r.addr('tcp'), { blobId, fromChunk: 50, toChunk: 60 })), blob.bytes.subarray(50 * MAX_BLOB_CHUNK_BYTES, 60 * MAX_BLOB_CHUNK_BYTES))).toBe('same')
    expect((await touchBlob(stranger, r.addr('tcp'), blobId)).expiresAt).toBeGreaterThanOrEqual(expiresAt)
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    expect(metrics).toMatch(/^parley_blob_uploads_total\{result="new"\} 1$/m)
    expect(metrics).toMatch(new RegExp(`^parley_blob_committed_bytes_total ${blob.bytes.length}$`, 'm'))
    expect(metrics).toMatch(new RegExp(`^parley_blob_stored_bytes ${blob.bytes.length}$`, 'm'))
    expect(metrics).toMatch(/^parley_blob_downloads_total 2$/m)
    expect(metrics).toMatch(/^parley_blob_refusals_total 1$/m)
  })

  it('resumes an upload from the committed chunk after the client\'s connection drops', async () => {
    const r = await relay('cut')
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    await uploadKeys(device, r, owner)
    const blob = sealedBlob(48, 1000)
    const uploadId = systemRandom(16)
    let committed = 0
    let firstCommit!: () => void
    const committedOnce = new Promise<void>(resolve => { firstCommit = resolve })
    const init = { owner: { identity: owner, deviceId: 1 }, uploadId, totalBytes: blob.bytes.length, chunkBytes: MAX_BLOB_CHUNK_BYTES }
    const first = uploadBlob(device, r.addr('tcp'), {
      ...init,
      onProgress: c => { if (c > 0) { committed = c; firstCommit() } },
      // the connection drops once the relay has committed something, with chunks still to send
      chunk: async i => {
        if (i === 40) {
          await committedOnce
          await device.hangUp(peerIdFromString(r.peerId))
        }
        return blob.chunk(i)
      }
    })
    await expect(first).rejects.toThrow()
    expect(committed).toBeGreaterThan(0)
    const asked: number[] = []
    const progress: number[] = []
    const { blobId } = await uploadBlob(device, r.addr('tcp'), { ...init, chunk: async i => { asked.push(i); return blob.chunk(i) }, onProgress: c => progress.push(c) })
    expect(progress[0]).toBeGreaterThanOrEqual(committed)
    expect(asked[0]).toBe(progress[0])
    expect(compare(await readAll(await downloadBlob(await node(), r.addr('tcp'), { blobId })), blob.bytes)).toBe('same')
  })

  it('completes an upload without starting over after the relay is SIGKILLed mid-way, and resumes a download from a chunk after another SIGKILL', async () => {
    let r = await relay('killed')
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    await uploadKeys(device, r, owner)
    const blob = sealedBlob(48, 777)
    const uploadId = systemRandom(16)
    let committed = 0
    let firstCommit!: () => void
    const committedOnce = new Promise<void>(resolve => { firstCommit = resolve })
    const init = { owner: { identity: owner, deviceId: 1 }, uploadId, totalBytes: blob.bytes.length, chunkBytes: MAX_BLOB_CHUNK_BYTES }
    const killed = r
    const first = uploadBlob(device, r.addr('tcp'), {
      ...init,
      onProgress: c => { if (c > 0) { committed = c; firstCommit() } },
      chunk: async i => {
        if (i === 40) {
          await committedOnce
          await killed.kill()
        }
        return blob.chunk(i)
      }
    })
    await expect(first).rejects.toThrow()
    expect(committed).toBeGreaterThan(0)
    r = await relay('killed')
    const asked: number[] = []
    const progress: number[] = []
    const { blobId } = await uploadBlob(device, r.addr('tcp'), { ...init, chunk: async i => { asked.push(i); return blob.chunk(i) }, onProgress: c => progress.push(c) })
    // everything acknowledged before the kill was on disk: the upload went on from there
    expect(progress[0]).toBeGreaterThanOrEqual(committed)
    expect(asked[0]).toBe(progress[0])

    // a download cut by a SIGKILL goes on from the next chunk it did not get
    const reader = await node()
    const download = await downloadBlob(reader, r.addr('tcp'), { blobId })
    const parts: Uint8Array[] = []
    const cut = await (async () => {
      try {
        for await (const { index, data } of download) {
          parts.push(Uint8Array.from(data))
          if (index === 4) await r.kill()
        }
      } catch (err) {
        return err
      }
    })()
    expect(cut).toBeInstanceOf(Error)
    const resumeAt = download.nextChunk
    expect(resumeAt).toBeGreaterThan(4)
    expect(resumeAt).toBeLessThan(blobChunkCount(blob.bytes.length, MAX_BLOB_CHUNK_BYTES))
    r = await relay('killed')
    const rest = await downloadBlob(reader, r.addr('tcp'), { blobId, fromChunk: resumeAt })
    parts.push(await readAll(rest))
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const p of parts) { joined.set(p, at); at += p.length }
    expect(compare(joined, blob.bytes)).toBe('same')
  })

  it('refuses an upload over --blob-quota-mb, forgets a blob after --blob-ttl, and knows no blob it never had', async () => {
    const r = await relay('limits', ['--blob-quota-mb', '1', '--blob-ttl', '2000'])
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    await uploadKeys(device, r, owner)
    const big = sealedBlob(5)
    const upload = async (b: ReturnType<typeof sealedBlob>): Promise<{ blobId: Uint8Array }> =>
      await uploadBlob(device, r.addr('tcp'), { owner: { identity: owner, deviceId: 1 }, uploadId: systemRandom(16), totalBytes: b.bytes.length, chunkBytes: MAX_BLOB_CHUNK_BYTES, chunk: async i => b.chunk(i) })
    await expect(upload(big)).rejects.toMatchObject({ name: 'BlobQuotaError', relayFull: false })
    const small = sealedBlob(2)
    const { blobId } = await upload(small)
    const stranger = await node()
    expect(compare(await readAll(await downloadBlob(stranger, r.addr('tcp'), { blobId })), small.bytes)).toBe('same')
    await expect(downloadBlob(stranger, r.addr('tcp'), { blobId: systemRandom(32) })).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    await expect(touchBlob(stranger, r.addr('tcp'), systemRandom(32))).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    await retryUntil(async () => {
      const err = await downloadBlob(stranger, r.addr('tcp'), { blobId }).then(async d => { await d.close() }, e => e)
      if (err?.name !== 'BlobNotFoundError') throw new Error('still served')
    }, { timeout: 10_000, interval: 250, what: 'expiry' })
  })
})

describe('blob flags', () => {
  const parse = (argv: string[], env: Record<string, string> = {}): Record<string, unknown> => {
    const r = parseRelayConfig(['--data', '/tmp/x', ...argv], env)
    if (r.help) throw new Error('help')
    return r.config as unknown as Record<string, unknown>
  }

  it('has the documented defaults, takes flags and PARLEY_* variables (flags win), and refuses values out of range', () => {
    expect(parse([])).toMatchObject({ blobTtlMs: 30 * 24 * 3600 * 1000, blobQuotaMb: 4096, blobMaxTotalGb: 50 })
    expect(parse([]).blobDir).toBeUndefined()
    expect(parse(['--blob-dir', '/srv/blobs', '--blob-ttl', '1500', '--blob-quota-mb', '7', '--blob-max-total-gb', '2']))
      .toMatchObject({ blobDir: '/srv/blobs', blobTtlMs: 1500, blobQuotaMb: 7, blobMaxTotalGb: 2 })
    expect(parse(['--blob-quota-mb', '9'], { PARLEY_BLOB_QUOTA_MB: '4', PARLEY_BLOB_TTL: '5000', PARLEY_BLOB_DIR: '/b' })).toMatchObject({ blobQuotaMb: 9, blobTtlMs: 5000, blobDir: '/b' })
    expect(() => parse(['--blob-ttl', '999'])).toThrow('--blob-ttl: 999 is out of range')
    expect(() => parse(['--blob-quota-mb', '0'])).toThrow('--blob-quota-mb: 0 is out of range')
    expect(() => parse(['--blob-max-total-gb', '0'])).toThrow('--blob-max-total-gb: 0 is out of range')
    expect(() => parse(['--blob-dir='])).toThrow('--blob-dir needs a folder')
    for (const flag of ['--blob-dir', '--blob-ttl', '--blob-quota-mb', '--blob-max-total-gb']) expect(usage()).toContain(flag)
  })
})
