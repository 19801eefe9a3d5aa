// The media layer (src/media/media.ts) over in-memory relays and files (media-harness.ts): a file sent and received byte-exact with progress; an upload cut, cancelled or stopped resumes from the relay's chunks, not from 0, and its message goes once; a download cut or crashed resumes from its verified part; a relay that flips a byte, drops the end or serves another blob is caught (and another relay used); an expired blob, a file too large, auto-download settings.
import { afterEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { ALICE, BOB, MediaWorld, RELAY_A, RELAY_B, fileBytes } from './media-harness.js'
import { BLOB_CHUNK_BYTES } from '../../src/crypto/blob-cipher.js'
import { FileChangedError, FileExpiredError, FileIntegrityError, FileTooLargeError, InvalidAttachmentError, NoAttachmentError, TransferCancelledError } from '../../src/media/errors.js'
import { attachmentFromStored, attachmentToStored } from '../../src/media/attachment.js'
import { MAX_FILE_BYTES } from '../../src/media/constants.js'
import { MemoryMediaFiles, type MediaFiles, type MediaWriter } from '../../src/media/files.js'
import { DOWNLOAD_WRITES_AHEAD } from '../../src/media/media.js'
import { turns } from '../protocols/blob-harness.js'
import type { StoredMessage } from '../../src/storage/index.js'

let world: MediaWorld | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

/** Files in memory whose part-file appends can be held (`gate`, the first one) or made to fail (`failAt`, 0-based), counting them. */
class GatedFiles extends MemoryMediaFiles {
  gate?: Promise<void>
  failAt?: number
  appendsStarted = 0
  private writing = 0
  mostAtOnce = 0

  override async part (id: string, options?: { dir?: string }): Promise<{ ref: string, writer: MediaWriter }> {
    const { ref, writer } = await super.part(id, options)
    const append = writer.append
    writer.append = async data => {
      const n = this.appendsStarted++
      this.mostAtOnce = Math.max(this.mostAtOnce, ++this.writing)
      try {
        if (n === 0 && this.gate != null) await this.gate
        if (n === this.failAt) throw new Error('the disk is full')
        await append(data)
      } finally {
        this.writing--
      }
    }
    return { ref, writer }
  }
}

/** A file sent from alice to bob, whose part files are GatedFiles. */
async function sentToGatedBob (seed: number): Promise<{ files: GatedFiles, w: MediaWorld, bob: Awaited<ReturnType<MediaWorld['device']>>, data: Uint8Array, m: StoredMessage }> {
  const files = new GatedFiles()
  const { w, alice, bob } = await pair(seed, { files })
  const data = fileBytes(SIZE, seed)
  alice.files.put('/f', data)
  return { files, w, bob, data, m: await alice.media.send(BOB, '/f') }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const SIZE = 5 * BLOB_CHUNK_BYTES + 1234

async function pair (seed: number, bobInit = {}): Promise<{ w: MediaWorld, alice: Awaited<ReturnType<MediaWorld['device']>>, bob: Awaited<ReturnType<MediaWorld['device']>> }> {
  const w = world = new MediaWorld(seed)
  const alice = await w.device(ALICE)
  const bob = await w.device(BOB, [RELAY_B], undefined, { autoDownload: { photo: false, voice: false, videoBytes: 0, documentBytes: 0 }, ...bobInit })
  return { w, alice, bob }
}

describe('media: sending and receiving a file', () => {
  it('a file reaches the other device byte-exact, with its caption, preview and progress on both sides', async () => {
    const { alice, bob } = await pair(1)
    const data = fileBytes(SIZE)
    alice.files.put('/home/alice/holiday.jpg', data)
    const thumbnail = fileBytes(300, 2)
    const m = await alice.media.send(BOB, '/home/alice/holiday.jpg', { kind: 'photo', mime: 'image/jpeg', caption: 'the beach', thumbnail, width: 4000, height: 3000 })
    expect(m).toMatchObject({ conversation: BOB, text: 'the beach', direction: 'out' })
    expect(alice.media.info(m)).toEqual({ kind: 'photo', size: SIZE, sha256: sha(data), mime: 'image/jpeg', name: 'holiday.jpg', thumbnail, width: 4000, height: 3000 })
    // the relay acknowledged every chunk: the last upload progress is the whole file
    expect(alice.events.progress.filter(p => p.direction === 'upload').at(-1)).toMatchObject({ bytes: SIZE, total: SIZE })
    expect(await alice.media.file(BOB, m.id)).toBe('/home/alice/holiday.jpg')

    const [received] = await bob.storage.messages.history(ALICE)
    expect(bob.media.info(received)?.sha256).toBe(sha(data))
    expect(await bob.media.state(ALICE, m.id)).toEqual({ state: 'remote' })
    const ref = await bob.media.download(ALICE, m.id, { dir: '/home/bob/Downloads' })
    expect(ref).toBe('/home/bob/Downloads/holiday.jpg')
    expect(sha(bob.files.files.get(ref)!)).toBe(sha(data))
    expect(await bob.media.state(ALICE, m.id)).toEqual({ state: 'done', ref })
    expect(bob.events.progress.filter(p => p.direction === 'download').at(-1)).toMatchObject({ bytes: SIZE, total: SIZE })
    expect(bob.events.media).toEqual([{ id: m.id, conversation: ALICE, direction: 'download', state: 'done', ref }])
    // nothing else was left in bob's folder (no part file)
    expect([...bob.files.files.keys()]).toEqual([ref])
    // again: the same file, not a second copy
    expect(await bob.media.download(ALICE, m.id, { dir: '/home/bob/Downloads' })).toBe(ref)
  })

  it('an empty file and a file of exactly one chunk go through', async () => {
    const { alice, bob } = await pair(2)
    for (const [name, data] of [['empty.txt', new Uint8Array(0)], ['one.bin', fileBytes(BLOB_CHUNK_BYTES, 3)]] as const) {
      alice.files.put(`/f/${name}`, data)
      const m = await alice.media.send(BOB, `/f/${name}`)
      const ref = await bob.media.download(ALICE, m.id, { dir: '/in' })
      expect(bob.files.files.get(ref)).toEqual(data)
    }
  })

  it('a second file of the same name is saved beside the first, and a name with folders in it is only a name', async () => {
    const { alice, bob } = await pair(3)
    alice.files.put('/a/x.txt', fileBytes(10, 1))
    alice.files.put('/b/x.txt', fileBytes(10, 2))
    const m1 = await alice.media.send(BOB, '/a/x.txt')
    const m2 = await alice.media.send(BOB, '/b/x.txt')
    expect(await bob.media.download(ALICE, m1.id, { dir: '/in' })).toBe('/in/x.txt')
    expect(await bob.media.download(ALICE, m2.id, { dir: '/in' })).toBe('/in/x (1).txt')
    await expect(alice.media.send(BOB, '/a/x.txt', { name: '../../etc/passwd' })).rejects.toBeInstanceOf(InvalidAttachmentError)
  })
})

describe('media: uploads resume', () => {
  it('an upload cut after some chunks is tried again by itself, from the relay\'s chunks, not from 0', async () => {
    const { w, alice, bob } = await pair(4)
    const data = fileBytes(SIZE, 4)
    alice.files.put('/f', data)
    w.relays.cutAfter = 3
    const m = await alice.media.send(BOB, '/f')
    expect(w.relays.uploadStarts).toEqual([0, 3])
    expect(sha(bob.files.files.get(await bob.media.download(ALICE, m.id, { dir: '/in' }))!)).toBe(sha(data))
    expect(await alice.media.uploads(BOB)).toEqual([])
  })

  it('an upload whose relay stays away fails after MAX_TRANSFER_ATTEMPTS tries; retried later, it resumes', async () => {
    const { w, alice, bob } = await pair(5)
    const data = fileBytes(SIZE, 5)
    alice.files.put('/f', data)
    w.relays.cutAfter = 2
    alice.media.once('media-progress', () => { w.relays.down.add(RELAY_A) })
    await expect(alice.media.send(BOB, '/f')).rejects.toThrow('relay down')
    const [u] = await alice.media.uploads(BOB)
    expect(u.state).toBe('failed')
    expect(await bob.storage.messages.history(ALICE)).toEqual([])
    w.relays.down.clear()
    await alice.media.retryUpload(u.id)
    expect(w.relays.uploadStarts.at(-1)).toBeGreaterThan(0)
    expect(await bob.storage.messages.history(ALICE)).toHaveLength(1)
  })

  it('an upload stopped with the process resumes at the next start, and its message goes once', async () => {
    const { w, alice, bob } = await pair(15)
    const data = fileBytes(SIZE, 15)
    alice.files.put('/f', data)
    const sending = alice.media.send(BOB, '/f')
    await new Promise<void>(resolve => alice.media.once('media-progress', () => { resolve() }))
    await alice.media.stop()
    await expect(sending).rejects.toThrow()
    expect((await alice.media.uploads(BOB))[0].state).toBe('uploading')
    // the process starts again over the same storage and files
    const again = await w.device(ALICE, [RELAY_A], alice)
    await again.media.start()
    await expect.poll(async () => (await bob.storage.messages.history(ALICE)).length).toBe(1)
    await expect.poll(async () => await again.media.uploads(BOB)).toEqual([])
    expect(w.relays.uploadStarts[1]).toBeGreaterThan(0)
    expect(await again.storage.messages.history(BOB)).toHaveLength(1)
  })

  it('a cancelled upload sends no message; retried, it completes', async () => {
    const { alice, bob } = await pair(6)
    alice.files.put('/f', fileBytes(SIZE, 6))
    const sending = alice.media.send(BOB, '/f')
    // cancel once the first progress shows
    await new Promise<void>(resolve => alice.media.once('media-progress', () => { resolve() }))
    const [u] = await alice.media.uploads(BOB)
    expect(alice.media.cancel(u.id)).toBe(true)
    await expect(sending).rejects.toBeInstanceOf(TransferCancelledError)
    expect((await alice.media.uploads(BOB))[0].state).toBe('cancelled')
    expect(await bob.storage.messages.history(ALICE)).toEqual([])
    await alice.media.retryUpload(u.id)
    expect(await bob.storage.messages.history(ALICE)).toHaveLength(1)
  })

  it('a message that would be refused (a number not on Parley, not a member) is refused before anything is uploaded', async () => {
    const w = world = new MediaWorld(18)
    const refusing = await w.device(ALICE, [RELAY_A], undefined, { checkSend: async to => { if (to === '+15550209999') throw new InvalidAttachmentError('not on Parley') } })
    refusing.files.put('/f', fileBytes(SIZE, 18))
    await expect(refusing.media.send('+15550209999', '/f')).rejects.toThrow('not on Parley')
    expect(w.relays.uploadStarts).toEqual([])
    expect(await refusing.media.uploads()).toEqual([])
  })

  it('a file too large is refused before anything is uploaded; so is a file that changed while it was sent', async () => {
    const { w, alice } = await pair(7)
    const huge: MediaFiles = { ...alice.files, open: async () => ({ size: MAX_FILE_BYTES + 1, read: async () => new Uint8Array(0), close: async () => {} }) } as unknown as MediaFiles
    const big = await w.device('+15550200009', [RELAY_A], undefined, { files: huge })
    await expect(big.media.send(BOB, '/huge')).rejects.toBeInstanceOf(FileTooLargeError)
    expect(w.relays.uploadStarts).toEqual([])

    alice.files.put('/f', fileBytes(SIZE, 7))
    // one chunk reaches the relay, then it goes away until the upload gives up
    w.relays.cutAfter = 1
    alice.media.once('media-progress', () => { w.relays.down.add(RELAY_A) })
    await expect(alice.media.send(BOB, '/f')).rejects.toThrow('relay down')
    w.relays.down.clear()
    alice.files.put('/f', fileBytes(SIZE, 8))
    const [u] = await alice.media.uploads(BOB)
    await expect(alice.media.retryUpload(u.id)).rejects.toBeInstanceOf(FileChangedError)
    // the upload is gone: sending the file again starts a new one, which goes through
    expect(await alice.media.uploads(BOB)).toEqual([])
    const m = await alice.media.send(BOB, '/f')
    expect(alice.media.info(m)?.sha256).toBe(sha(fileBytes(SIZE, 8)))
  })
})

describe('media: downloads resume and verify', () => {
  it('a download cut after some chunks is tried again by itself from its part file', async () => {
    const { w, alice, bob } = await pair(8)
    const data = fileBytes(SIZE, 9)
    alice.files.put('/f', data)
    const m = await alice.media.send(BOB, '/f')
    w.relays.cutDownloadAfter = 4
    const ref = await bob.media.download(ALICE, m.id, { dir: '/in' })
    expect(w.relays.downloadStarts.map(s => s.from)).toEqual([0, 4])
    expect(sha(bob.files.files.get(ref)!)).toBe(sha(data))
  })

  it('a download stopped with the process resumes at the next start from its verified part', async () => {
    const { w, alice, bob } = await pair(16)
    const data = fileBytes(SIZE, 16)
    alice.files.put('/f', data)
    const m = await alice.media.send(BOB, '/f')
    let release = (): void => {}
    const reached = new Promise<void>(resolve => { w.relays.holdDownloadAt = { chunk: 3, reached: resolve, until: new Promise<void>(r => { release = r }) } })
    const downloading = bob.media.download(ALICE, m.id, { dir: '/in' })
    await reached
    const stopped = bob.media.stop()
    release()
    await stopped
    await expect(downloading).rejects.toThrow()
    expect((await bob.media.state(ALICE, m.id)).state).toBe('downloading')
    // what was appended but never synced is lost with the process
    bob.files.crash()
    const again = await w.device(BOB, [RELAY_B], bob, { autoDownload: { photo: false, voice: false, videoBytes: 0, documentBytes: 0 } })
    await again.media.start()
    await expect.poll(async () => (await again.media.state(ALICE, m.id)).state).toBe('done')
    const { ref } = await again.media.state(ALICE, m.id)
    expect(sha(again.files.files.get(ref!)!)).toBe(sha(data))
    expect(w.relays.downloadStarts).toHaveLength(2)
  })

  it('a part file cut inside a chunk (a crash mid-write) is trimmed to its last whole chunk and resumed', async () => {
    const { w, alice, bob } = await pair(9)
    const data = fileBytes(SIZE, 10)
    alice.files.put('/f', data)
    const m = await alice.media.send(BOB, '/f')
    // a part with 2 good chunks and half of the third, as a crash mid-append leaves it
    bob.files.put(`/in/.${m.id}.part`, data.subarray(0, 2 * BLOB_CHUNK_BYTES + 1000))
    const ref = await bob.media.download(ALICE, m.id, { dir: '/in' })
    expect(w.relays.downloadStarts.map(s => s.from)).toEqual([2])
    expect(sha(bob.files.files.get(ref)!)).toBe(sha(data))
  })

  it('the next chunks are opened while a part-file write is under way (at most DOWNLOAD_WRITES_AHEAD behind), the writes one at a time in order', async () => {
    const { files, w, bob, data, m } = await sentToGatedBob(17)
    // the first write waits until chunk 1 is asked for: a download that waited for each write before the next chunk
    // would never ask (and this test would time out)
    let asked = (): void => {}
    const chunk1Asked = new Promise<void>(resolve => { asked = resolve })
    w.relays.holdDownloadAt = { chunk: 1, reached: () => { asked() }, until: Promise.resolve() }
    let release = (): void => {}
    files.gate = new Promise<void>(resolve => { release = resolve })
    const downloading = bob.media.download(ALICE, m.id, { dir: '/in' })
    await chunk1Asked
    // held there, the download opens no more than DOWNLOAD_WRITES_AHEAD chunks past the one being written
    await turns()
    expect(files.appendsStarted).toBe(1)
    expect(w.relays.chunksGiven).toBe(DOWNLOAD_WRITES_AHEAD + 1)
    release()
    const ref = await downloading
    expect(sha(files.files.get(ref)!)).toBe(sha(data))
    expect(files.mostAtOnce).toBe(1)
  })

  it('a part-file write that fails ends that try with its error, not as the relay\'s (the next relay is not asked, nothing is written after it); the retry resumes from the part file', async () => {
    const { files, w, bob, data, m } = await sentToGatedBob(18)
    const withTwo = { ...attachmentFromStored(m.attachment!), relays: [RELAY_A, RELAY_B] }
    await bob.storage.messages.addIncoming({ ...(await bob.storage.messages.get(ALICE, m.id))!, id: 'ce'.repeat(16), attachment: attachmentToStored(withTwo) })
    w.relays.copy(RELAY_A, RELAY_B)
    files.failAt = 2
    const ref = await bob.media.download(ALICE, 'ce'.repeat(16), { dir: '/in' })
    // the first try ended at the failed write (the third chunk), and the next began at it, at the first relay again
    expect(w.relays.downloadStarts).toEqual([{ relay: RELAY_A, from: 0 }, { relay: RELAY_A, from: 2 }])
    expect(sha(files.files.get(ref)!)).toBe(sha(data))
  })

  it('a relay that flips a byte, drops the last chunk or serves another blob is caught: nothing is saved; another relay with the file is used', async () => {
    const { w, alice, bob } = await pair(10)
    const data = fileBytes(SIZE, 11)
    alice.files.put('/f', data)
    const m = await alice.media.send(BOB, '/f')
    alice.files.put('/other', fileBytes(SIZE, 12))
    const other = await alice.media.send(BOB, '/other')
    const otherChunks = [...w.relays.blobs.entries()].find(([k]) => k.endsWith(Buffer.from(attachmentFromStored(other.attachment!).blobId).toString('hex')))![1].chunks
    const attacks: Array<[string, (chunks: Uint8Array[]) => Uint8Array[]]> = [
      ['flips a byte', chunks => chunks.map((c, i) => { if (i !== 3) return c; const t = Uint8Array.from(c); t[100] ^= 1; return t })],
      ['drops the last chunk', chunks => chunks.slice(0, -1)],
      ['serves another blob', () => otherChunks],
      ['swaps two chunks', chunks => [chunks[1], chunks[0], ...chunks.slice(2)]]
    ]
    for (const [what, attack] of attacks) {
      w.relays.tamper = (_relay, chunks) => attack(chunks)
      await expect(bob.media.download(ALICE, m.id, { dir: '/in' }), what).rejects.toBeInstanceOf(FileIntegrityError)
      expect([...bob.files.files.keys()].filter(k => !k.endsWith('.part')), what).toEqual([])
      expect((await bob.media.state(ALICE, m.id)).state, what).toBe('failed')
    }
    // the same file at a second relay of the sender's: the tampering one is passed over
    const withTwo = { ...attachmentFromStored(m.attachment!), relays: [RELAY_A, RELAY_B] }
    const { attachmentToStored } = await import('../../src/media/attachment.js')
    await bob.storage.messages.addIncoming({ ...(await bob.storage.messages.get(ALICE, m.id))!, id: 'cd'.repeat(16), attachment: attachmentToStored(withTwo) })
    w.relays.copy(RELAY_A, RELAY_B)
    w.relays.tamper = (relay, chunks) => relay === RELAY_A ? chunks.slice(0, 2) : chunks
    const ref = await bob.media.download(ALICE, 'cd'.repeat(16), { dir: '/in' })
    expect(sha(bob.files.files.get(ref)!)).toBe(sha(data))
  })

  it('a file no relay has any more says it expired; a message without a file says so', async () => {
    const { w, alice, bob } = await pair(11)
    alice.files.put('/f', fileBytes(1000, 13))
    const m = await alice.media.send(BOB, '/f')
    w.relays.blobs.clear()
    await expect(bob.media.download(ALICE, m.id)).rejects.toBeInstanceOf(FileExpiredError)
    expect(new FileExpiredError().message).toBe('This file is no longer available: it expired or was deleted.')
    await bob.storage.messages.addIncoming({ id: 'ef'.repeat(16), conversation: ALICE, direction: 'in', sender: ALICE, text: 'plain', timestamp: 1, receivedAt: 1, status: 'delivered' })
    await expect(bob.media.download(ALICE, 'ef'.repeat(16))).rejects.toBeInstanceOf(NoAttachmentError)
  })
})

describe('media: auto-download', () => {
  it('photos and voice notes come at once; documents and videos up to the size set; others wait to be asked', async () => {
    const { alice, bob } = await pair(12, { autoDownload: { photo: true, voice: true, videoBytes: 0, documentBytes: 2000 } })
    alice.files.put('/p', fileBytes(3000, 1))
    alice.files.put('/small', fileBytes(1500, 2))
    alice.files.put('/big', fileBytes(2500, 3))
    const photo = await alice.media.send(BOB, '/p', { kind: 'photo', mime: 'image/jpeg' })
    const small = await alice.media.send(BOB, '/small')
    const big = await alice.media.send(BOB, '/big')
    await expect.poll(() => bob.events.media.map(e => e.id).sort()).toEqual([photo.id, small.id].sort())
    expect((await bob.media.state(ALICE, big.id)).state).toBe('remote')
  })
})

describe('media: forwarding, settings, space', () => {
  it('a forward reuses the blob and key (nothing uploaded again) and extends its life; the new recipient gets the same file', async () => {
    const { w, alice, bob } = await pair(13)
    const carol = await w.device('+15550200003', [RELAY_B])
    const data = fileBytes(SIZE, 17)
    alice.files.put('/f', data)
    const m = await alice.media.send(BOB, '/f', { caption: 'first' })
    const uploads = w.relays.uploadStarts.length
    await bob.media.download(ALICE, m.id, { dir: '/in' })
    const fwd = await bob.media.forward(ALICE, m.id, '+15550200003', { caption: 'look' })
    expect(w.relays.uploadStarts.length).toBe(uploads)
    expect(fwd.text).toBe('look')
    expect(attachmentFromStored(fwd.attachment!).blobId).toEqual(attachmentFromStored(m.attachment!).blobId)
    // bob holds the file for the forwarded message too
    expect(await bob.media.file('+15550200003', fwd.id)).toBe('/in/f')
    const ref = await carol.media.download(BOB, fwd.id, { dir: '/carol' })
    expect(sha(carol.files.files.get(ref)!)).toBe(sha(data))
    // a file no relay has any more cannot be forwarded
    w.relays.blobs.clear()
    await expect(bob.media.forward(ALICE, m.id, '+15550200003')).rejects.toBeInstanceOf(FileExpiredError)
  })

  it('the auto-download settings are kept across restarts', async () => {
    const { w, bob } = await pair(14)
    await bob.media.setAutoDownload({ photo: false, voice: true, videoBytes: 5, documentBytes: 7 })
    await bob.media.stop()
    const again = await w.device(BOB, [RELAY_B], bob)
    await again.media.start()
    expect(again.media.autoDownload).toEqual({ photo: false, voice: true, videoBytes: 5, documentBytes: 7 })
  })

  it('says how much space a chat\'s files take, and frees it: the messages stay and the files can be fetched again', async () => {
    const { alice, bob } = await pair(17)
    alice.files.put('/a', fileBytes(5000, 1))
    alice.files.put('/b', fileBytes(7000, 2))
    const a = await alice.media.send(BOB, '/a')
    const b = await alice.media.send(BOB, '/b')
    await bob.media.download(ALICE, a.id, { dir: '/in' })
    await bob.media.download(ALICE, b.id, { dir: '/in' })
    expect(await bob.media.usage(ALICE)).toEqual({ files: 2, bytes: 12_000 })
    expect(await bob.media.usage('+15550209999')).toEqual({ files: 0, bytes: 0 })
    expect(await bob.media.free(ALICE)).toEqual({ files: 2, bytes: 12_000 })
    expect(await bob.media.usage(ALICE)).toEqual({ files: 0, bytes: 0 })
    expect([...bob.files.files.keys()]).toEqual([])
    expect(await bob.storage.messages.history(ALICE)).toHaveLength(2)
    expect(await bob.media.state(ALICE, a.id)).toEqual({ state: 'remote' })
    expect(bob.files.files.get(await bob.media.download(ALICE, a.id, { dir: '/in' }))).toEqual(fileBytes(5000, 1))
  })
})
