/** The `parley` file commands: `send PHONE --file PATH [--caption TEXT]`, `group send ID --file PATH`, `download ID DIR`, and the attachment part of `receive --json [--download DIR]` lines. Talks only to the Parley facade. */
import { basename, join, resolve } from 'node:path'
import type { Parley, StoredMessage, AttachmentInfo, SendFileOptions } from '../index.js'
import { UsageError, type CliArgs } from './args.js'
import { progressBar, spinner } from './progress.js'
import { preparePhoto } from './images.js'

function out (line: string): void {
  process.stdout.write(line + '\n')
}

const MIB = 1024 * 1024
const mib = (n: number): number => Math.round(n / MIB * 10) / 10

/** A message's attachment as a `receive --json` field: name, size, mime, sha256 (of the plaintext) and, once saved, path. */
export function attachmentJson (info: AttachmentInfo, path?: string): Record<string, unknown> {
  return { name: info.name, size: info.size, mime: info.mime, sha256: info.sha256, kind: info.kind, ...(path != null ? { path } : {}) }
}

/**
 * Shows transfer progress on stderr until the returned function is called: a bar on a terminal; with --json, one JSON
 * line per step (`{"type":"progress","id","direction","bytes","total"}`), for scripts.
 */
export function showProgress (parley: Parley, label: string, match: (id: string) => boolean, json = false): (message?: string) => void {
  const bar = progressBar(label)
  const listener = (p: { id: string, direction: string, bytes: number, total: number }): void => {
    if (!match(p.id)) return
    if (json) process.stderr.write(JSON.stringify({ type: 'progress', id: p.id, direction: p.direction, bytes: p.bytes, total: p.total }) + '\n')
    else bar.update(mib(p.bytes), mib(p.total))
  }
  parley.media.on('media-progress', listener)
  return message => {
    parley.media.off('media-progress', listener)
    bar.done(message)
  }
}

/** `send PHONE --file PATH [--caption TEXT]`: uploads (progress on stderr), queues the message; the caller waits for 'sent'. */
export async function sendFile (args: CliArgs, parley: Parley, to: string, signal: AbortSignal): Promise<StoredMessage> {
  return await sending(args, async (path, options) => await parley.sendFile(to, path, { ...options, signal }), parley)
}

/** `group send ID --file PATH [--caption TEXT]` */
export async function sendGroupFile (args: CliArgs, parley: Parley, group: string, signal: AbortSignal): Promise<StoredMessage> {
  return await sending(args, async (path, options) => await parley.media.sendToGroup(group, path, { ...options, signal }), parley)
}

/** The file as it is sent: a photo prepared (upright, shrunk, without metadata, with a thumbnail) unless --photo-size original. */
async function sending (args: CliArgs, send: (path: string, options: SendFileOptions) => Promise<StoredMessage>, parley: Parley): Promise<StoredMessage> {
  const path = resolve(args.file!)
  const name = basename(path)
  const caption = args.caption != null ? { caption: args.caption } : {}
  let { kind, mime } = fileOptions(path)
  let file = path
  let preview: SendFileOptions = {}
  const size = args.photoSize ?? 'standard'
  if (kind === 'photo' && size === 'original') kind = 'document'
  else if (kind === 'photo' && size !== 'original') {
    const wait = spinner('Preparing the photo…')
    try {
      const p = await preparePhoto(path, size, join(resolve(args.dataDir), 'media', 'outgoing'))
      file = p.path
      mime = p.mime
      preview = { thumbnail: p.thumbnail, placeholder: p.placeholder, width: p.width, height: p.height }
    } catch (err) {
      throw new Error(`${name} is not a photo this device can read (${(err as Error).message.split('\n')[0]}); send it with --photo-size original`)
    } finally {
      wait.stop()
    }
  }
  const done = showProgress(parley, 'Uploading', () => true, args.json)
  try {
    return await send(file, { kind, mime, name: kind === 'photo' ? name.replace(/\.[^.]*$/, '') + '.jpg' : name, ...preview, ...caption })
  } finally {
    done()
  }
}

/** The kind and type of a file by its extension (what a terminal user sends is mostly documents; photos and the rest are named). */
function fileOptions (path: string): { kind: 'photo' | 'video' | 'voice' | 'document', mime: string } {
  const ext = path.toLowerCase().split('.').at(-1) ?? ''
  const types: Record<string, ['photo' | 'video' | 'voice' | 'document', string]> = {
    jpg: ['photo', 'image/jpeg'], jpeg: ['photo', 'image/jpeg'], png: ['photo', 'image/png'], webp: ['photo', 'image/webp'], gif: ['document', 'image/gif'],
    mp4: ['video', 'video/mp4'], webm: ['video', 'video/webm'], mov: ['video', 'video/quicktime'],
    ogg: ['voice', 'audio/ogg'], opus: ['voice', 'audio/ogg'], m4a: ['voice', 'audio/mp4'], mp3: ['document', 'audio/mpeg'], wav: ['document', 'audio/wav'],
    pdf: ['document', 'application/pdf'], txt: ['document', 'text/plain'], zip: ['document', 'application/zip'], json: ['document', 'application/json']
  }
  const [kind, mime] = types[ext] ?? ['document', 'application/octet-stream']
  return { kind, mime }
}

/** `download ID DIR`: saves the file of message ID (1:1 or group) into DIR; prints its path. */
export async function downloadCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  if (args.rest.length !== 2) throw new UsageError('download takes a message id and a folder')
  const [id, dir] = args.rest
  const m = await parley.media.find(id, { signal })
  if (m == null) throw new Error('there is no message with a file by that id on this device')
  const info = parley.media.info(m)
  if (info == null) throw new Error('the file of this message is damaged and cannot be opened')
  const done = showProgress(parley, 'Downloading', x => x === id, args.json)
  let path: string
  try {
    path = await parley.media.download(m.conversation, id, { dir: resolve(dir), signal })
  } finally {
    done()
  }
  if (args.json) out(JSON.stringify({ id, attachment: attachmentJson(info, path) }))
  else out(path)
}
