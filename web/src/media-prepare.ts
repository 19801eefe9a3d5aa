// Turns what the person picked into what is sent: photos re-encoded through a canvas (no EXIF or location survives) at the chosen size, a small JPEG thumbnail and a ThumbHash placeholder for photos and videos' first frames, videos' duration and size, voice notes' waveform and duration. Knows nothing of where the bytes go.
import { rgbaToThumbHash } from 'thumbhash'
import { MAX_THUMBNAIL_BYTES, MAX_WAVEFORM_BYTES, type AttachmentKind } from '../../src/browser.js'
import type { PreparedFile } from './media-model.js'

/** The two sizes a photo is sent at: Standard (what WhatsApp sends by default) and HD. */
export const PHOTO_SIZES = {
  standard: { longSide: 1600, quality: 0.8 },
  hd: { longSide: 4096, quality: 0.9 }
} as const
export type PhotoSize = keyof typeof PHOTO_SIZES

/** The thumbnail's long side: enough for a blurred-then-sharp bubble before the photo is fetched, and well under MAX_THUMBNAIL_BYTES. */
export const THUMBNAIL_PX = 96
/** JPEG qualities tried in turn until the thumbnail fits MAX_THUMBNAIL_BYTES. */
const THUMBNAIL_QUALITIES = [0.7, 0.5, 0.3]
/** ThumbHash takes images of at most 100 × 100. */
const PLACEHOLDER_PX = 100
/** Bars of a voice note's waveform: one loudness byte each (the bubble draws them all). */
export const WAVEFORM_BARS = 64
/** Voice notes are decoded at this rate to draw their waveform: loudness needs no more, and memory stays small. */
const WAVEFORM_SAMPLE_RATE = 8_000
/** How long a video may take to show its first frame before it is sent without a poster. */
const POSTER_TIMEOUT_MS = 10_000
/** A file name's longest form (what the SDK accepts). */
const MAX_NAME_CHARS = 255

/** Image types a browser's canvas decodes: these are sent as photos (re-encoded). GIFs go as files (their animation would be lost). */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/bmp'])
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/

/** A picked file that cannot be sent as asked; the message is for the person. */
export class MediaPrepareError extends Error {
  static name = 'MediaPrepareError'
  constructor (message: string) {
    super(message)
    this.name = MediaPrepareError.name
  }
}

/** How a file picked among photos and videos (or dropped, or pasted) is sent. */
export function kindOfFile (file: Blob): AttachmentKind {
  if (PHOTO_TYPES.has(file.type)) return 'photo'
  if (file.type.startsWith('video/')) return 'video'
  return 'document'
}

/** The file's media type as the message carries it (type/subtype only), else application/octet-stream. */
export function mimeOf (file: Blob): string {
  const type = file.type.split(';')[0].trim()
  return MIME.test(type) ? type : 'application/octet-stream'
}

/** A name the SDK takes: no slashes or control characters, at most MAX_NAME_CHARS (the extension kept). */
export function cleanName (name: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()
  if (clean === '' || clean === '.' || clean === '..') return fallback
  const chars = [...clean]
  if (chars.length <= MAX_NAME_CHARS) return clean
  const dot = clean.lastIndexOf('.')
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : ''
  return chars.slice(0, MAX_NAME_CHARS - [...ext].length).join('') + ext
}

/** "IMG_0042.HEIC" → "IMG_0042.jpg": a re-encoded photo is a JPEG whatever it was. */
export function photoName (name: string): string {
  const base = name.replace(/\.[^.]*$/, '')
  return cleanName(`${base === '' ? 'photo' : base}.jpg`, 'photo.jpg')
}

function canvas (w: number, h: number): { c: HTMLCanvasElement, g: CanvasRenderingContext2D } {
  const c = document.createElement('canvas')
  c.width = w
  c.height = h
  const g = c.getContext('2d', { willReadFrequently: true })
  if (g == null) throw new MediaPrepareError('This browser cannot draw images.')
  return { c, g }
}

async function jpeg (c: HTMLCanvasElement, quality: number): Promise<Blob> {
  const blob = await new Promise<Blob | null>(resolve => c.toBlob(resolve, 'image/jpeg', quality))
  if (blob == null) throw new MediaPrepareError('This browser could not encode the photo.')
  return blob
}

/** `w × h` scaled down (never up) so its long side is at most `max`. */
function fit (w: number, h: number, max: number): { w: number, h: number } {
  const scale = Math.min(1, max / Math.max(w, h))
  return { w: Math.max(1, Math.round(w * scale)), h: Math.max(1, Math.round(h * scale)) }
}

/** A small JPEG thumbnail (under MAX_THUMBNAIL_BYTES) and a ThumbHash of a picture, drawn on white (transparency). */
export async function previewOf (source: CanvasImageSource, width: number, height: number): Promise<{ thumbnail?: Uint8Array, placeholder: Uint8Array }> {
  const t = fit(width, height, THUMBNAIL_PX)
  const { c, g } = canvas(t.w, t.h)
  g.fillStyle = '#fff'
  g.fillRect(0, 0, t.w, t.h)
  g.drawImage(source, 0, 0, t.w, t.h)
  let thumbnail: Uint8Array | undefined
  for (const q of THUMBNAIL_QUALITIES) {
    const blob = await jpeg(c, q)
    if (blob.size <= MAX_THUMBNAIL_BYTES) {
      thumbnail = new Uint8Array(await blob.arrayBuffer())
      break
    }
  }
  const p = fit(width, height, PLACEHOLDER_PX)
  const small = canvas(p.w, p.h)
  small.g.drawImage(source, 0, 0, p.w, p.h)
  const placeholder = rgbaToThumbHash(p.w, p.h, small.g.getImageData(0, 0, p.w, p.h).data)
  return { ...(thumbnail != null ? { thumbnail } : {}), placeholder }
}

/**
 * A photo re-encoded as a JPEG at `size`: decoded with its EXIF orientation applied, drawn on a canvas and encoded
 * again, so none of the original's metadata (camera, time, location) is in what is sent.
 */
export async function preparePhoto (file: File, size: PhotoSize): Promise<PreparedFile> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    throw new MediaPrepareError('This browser cannot read that photo. Send it as a document to keep it as it is.')
  }
  try {
    const { longSide, quality } = PHOTO_SIZES[size]
    const { w, h } = fit(bitmap.width, bitmap.height, longSide)
    const { c, g } = canvas(w, h)
    g.fillStyle = '#fff'
    g.fillRect(0, 0, w, h)
    g.imageSmoothingQuality = 'high'
    g.drawImage(bitmap, 0, 0, w, h)
    const photo = await jpeg(c, quality)
    return { file: photo, name: photoName(file.name), mime: 'image/jpeg', kind: 'photo', width: w, height: h, ...await previewOf(c, w, h) }
  } finally {
    bitmap.close()
  }
}

/** Resolves on `event` of `el`, rejects on its 'error' or after `ms`. */
async function once (el: HTMLMediaElement, event: string, ms: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { done(); reject(new Error('timed out')) }, ms)
    const ok = (): void => { done(); resolve() }
    const fail = (): void => { done(); reject(new Error('cannot play')) }
    const done = (): void => {
      clearTimeout(timer)
      el.removeEventListener(event, ok)
      el.removeEventListener('error', fail)
    }
    el.addEventListener(event, ok)
    el.addEventListener('error', fail)
  })
}

/**
 * A video as it is (no re-encoding in a browser), with a poster (thumbnail and placeholder of a frame near its
 * start), its duration and size when this browser can play it; without them when it cannot.
 */
export async function prepareVideo (file: File): Promise<PreparedFile> {
  const base: PreparedFile = { file, name: cleanName(file.name, 'video'), mime: mimeOf(file), kind: 'video' }
  const url = URL.createObjectURL(file)
  const video = document.createElement('video')
  video.muted = true
  video.preload = 'auto'
  video.playsInline = true
  try {
    video.src = url
    await once(video, 'loadeddata', POSTER_TIMEOUT_MS)
    if (video.duration === Infinity) {
      // a browser's own recording (MediaRecorder's WebM) says no duration until it was read to its end: seeking far
      // past it makes the browser find the end
      video.currentTime = Number.MAX_SAFE_INTEGER
      await once(video, 'seeked', POSTER_TIMEOUT_MS)
    }
    const duration = Number.isFinite(video.duration) ? video.duration : 0
    // a frame a little in (the very first is often black)
    const at = Math.min(0.5, duration / 2)
    if (at > 0) {
      video.currentTime = at
      await once(video, 'seeked', POSTER_TIMEOUT_MS)
    }
    const w = video.videoWidth
    const h = video.videoHeight
    if (w === 0 || h === 0) return base
    return { ...base, width: w, height: h, ...(duration > 0 ? { durationMs: Math.round(duration * 1000) } : {}), ...await previewOf(video, w, h) }
  } catch {
    return base
  } finally {
    video.removeAttribute('src')
    video.load()
    URL.revokeObjectURL(url)
  }
}

/** A file sent as it is. */
export function prepareDocument (file: File): PreparedFile {
  return { file, name: cleanName(file.name, 'file'), mime: mimeOf(file), kind: 'document' }
}

/** Loudness of `bars` slices of a recording: RMS per slice, the loudest 255. */
export function waveformOf (samples: Float32Array[], bars = WAVEFORM_BARS): Uint8Array {
  const length = samples[0]?.length ?? 0
  const n = Math.min(bars, MAX_WAVEFORM_BYTES, Math.max(1, length))
  const rms = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) {
    const from = Math.floor(i * length / n)
    const to = Math.max(from + 1, Math.floor((i + 1) * length / n))
    let sum = 0
    for (const channel of samples) for (let j = from; j < to && j < length; j++) sum += channel[j] * channel[j]
    rms[i] = Math.sqrt(sum / ((to - from) * samples.length))
  }
  const loudest = Math.max(...rms)
  return Uint8Array.from(rms, r => loudest > 0 ? Math.round(255 * r / loudest) : 0)
}

/** A recorded voice note with its waveform and duration (decoded with WebAudio; the recorder's clock when it cannot be). */
export async function prepareVoice (recording: Blob, recordedMs: number): Promise<PreparedFile> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
  const base: PreparedFile = { file: recording, name: `voice-${stamp}.webm`, mime: mimeOf(recording), kind: 'voice', durationMs: Math.max(1, Math.round(recordedMs)) }
  try {
    const ctx = new OfflineAudioContext(1, 1, WAVEFORM_SAMPLE_RATE)
    const audio = await ctx.decodeAudioData(await recording.arrayBuffer())
    const channels = Array.from({ length: audio.numberOfChannels }, (_, i) => audio.getChannelData(i))
    return { ...base, waveform: waveformOf(channels), durationMs: Math.max(1, Math.round(audio.duration * 1000)) }
  } catch {
    return base
  }
}
