// The web client's media helpers that need no DOM: file names and types as they are sent (no paths or control characters, the SDK's length), sizes and durations as shown, voice notes' waveform, the gallery's route (only a number or a group's address).
import { describe, it, expect } from 'vitest'
import { cleanName, kindOfFile, mimeOf, photoName, waveformOf, WAVEFORM_BARS } from '../../web/src/media-prepare.js'
import { fileType, formatBytes, formatDuration } from '../../web/src/format.js'
import { parseRoute, routeHash } from '../../web/src/model.js'

const ID = 'cd'.repeat(32)

describe('web media helpers', () => {
  it('names a file as the SDK takes it: no folders or control characters, at most 255 characters with the extension kept', () => {
    expect(cleanName('report.pdf', 'file')).toBe('report.pdf')
    expect(cleanName('../../etc/passwd', 'file')).toBe('.._.._etc_passwd')
    expect(cleanName('a\\b\u0000c\u001f\u007f.txt', 'file')).toBe('a_b_c__.txt')
    expect(cleanName('  ', 'file')).toBe('file')
    expect(cleanName('..', 'file')).toBe('file')
    const long = cleanName(`${'x'.repeat(400)}.jpeg`, 'file')
    expect([...long].length).toBe(255)
    expect(long.endsWith('.jpeg')).toBe(true)
    // characters, not UTF-16 units: an emoji is one
    expect([...cleanName('😀'.repeat(300), 'file')].length).toBe(255)
  })

  it('renames a re-encoded photo to .jpg', () => {
    expect(photoName('IMG_0042.HEIC')).toBe('IMG_0042.jpg')
    expect(photoName('image.png')).toBe('image.jpg')
    expect(photoName('.png')).toBe('photo.jpg')
    expect(photoName('no-extension')).toBe('no-extension.jpg')
  })

  it('sends images a canvas decodes as photos, GIFs and the rest as files, videos as videos', () => {
    const blob = (type: string): Blob => new Blob([], { type })
    expect(kindOfFile(blob('image/jpeg'))).toBe('photo')
    expect(kindOfFile(blob('image/png'))).toBe('photo')
    expect(kindOfFile(blob('image/gif'))).toBe('document')
    expect(kindOfFile(blob('image/heic'))).toBe('document')
    expect(kindOfFile(blob('video/mp4'))).toBe('video')
    expect(kindOfFile(blob(''))).toBe('document')
  })

  it('gives the SDK type/subtype only, anything else as application/octet-stream', () => {
    expect(mimeOf(new Blob([], { type: 'audio/webm;codecs=opus' }))).toBe('audio/webm')
    expect(mimeOf(new Blob([], { type: 'application/pdf' }))).toBe('application/pdf')
    expect(mimeOf(new Blob([]))).toBe('application/octet-stream')
    expect(mimeOf({ type: 'text/html\r\nX-Evil: 1' } as unknown as Blob)).toBe('application/octet-stream')
    expect(mimeOf({ type: `a/${'b'.repeat(200)}` } as unknown as Blob)).toBe('application/octet-stream')
  })

  it('draws a waveform of at most WAVEFORM_BARS loudness bytes, the loudest 255, silence all zero', () => {
    const tone = new Float32Array(8000)
    for (let i = 0; i < tone.length; i++) tone[i] = i < 4000 ? 0 : Math.sin(i / 5) * (i < 6000 ? 0.5 : 1)
    const w = waveformOf([tone])
    expect(w.length).toBe(WAVEFORM_BARS)
    expect(Math.max(...w)).toBe(255)
    expect([...w.slice(0, 31)].every(v => v === 0)).toBe(true)
    // the quieter half of the tone is about half as loud
    expect(w[40]).toBeGreaterThan(100)
    expect(w[40]).toBeLessThan(160)
    expect([...waveformOf([new Float32Array(1000)])].every(v => v === 0)).toBe(true)
    // fewer samples than bars: one bar per sample; none: one silent bar
    expect(waveformOf([Float32Array.from([0.1, 0.2])]).length).toBe(2)
    expect([...waveformOf([new Float32Array(0)])]).toEqual([0])
    // stereo: both channels count
    expect(waveformOf([new Float32Array(100), Float32Array.from({ length: 100 }, () => 0.5)], 4)).toEqual(Uint8Array.from([255, 255, 255, 255]))
  })

  it('shows sizes in powers of 1024 and durations as clocks', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1024)).toBe('1 KB')
    expect(formatBytes(300 * 1024)).toBe('300 KB')
    expect(formatBytes(4.25 * 1024 * 1024)).toBe('4.3 MB')
    expect(formatBytes(16 * 1024 * 1024)).toBe('16 MB')
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GB')
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(7_400)).toBe('0:07')
    expect(formatDuration(725_000)).toBe('12:05')
    expect(formatDuration(3_723_000)).toBe('1:02:03')
    expect(fileType('report.pdf', 'application/pdf')).toBe('PDF')
    expect(fileType('noext', 'application/octet-stream')).toBe('OCTET-STREAM')
  })

  it('routes a chat\'s media for a number or a group only', () => {
    expect(parseRoute('#/media/%2B447700900001')).toEqual({ name: 'media', address: '+447700900001' })
    expect(parseRoute(`#/media/${encodeURIComponent(`group:${ID}`)}`)).toEqual({ name: 'media', address: `group:${ID}` })
    for (const bad of ['#/media/', '#/media/alice', '#/media/group:xyz', `#/media/group:${ID.toUpperCase()}`, '#/media/+0123', '#/media/%2B44%0A']) expect(parseRoute(bad), bad).toEqual({ name: 'list' })
    for (const r of [{ name: 'media', address: '+447700900001' }, { name: 'media', address: `group:${ID}` }] as const) expect(parseRoute(routeHash(r))).toEqual(r)
  })
})
