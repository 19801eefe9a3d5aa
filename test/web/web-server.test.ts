// The web client's static server (scripts/web-server.ts): hostile URLs get an answer and do not stop it; every answer carries the security headers and a CSP; precompressed files go to browsers that take them; hashed assets are cached for good, index.html revalidated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request } from 'node:http'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { startWebServer } from '../../scripts/web-server.js'
import { tempDir } from '../helpers/tmp.js'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One raw GET (the path is sent as is, unlike fetch, which would normalise it, and nothing is decompressed), bounded by 5 s. */
async function get (base: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer & { bytes: Buffer }> {
  const url = new URL(base)
  return await new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers, signal: AbortSignal.timeout(5_000) }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const SCRIPT = 'export const greeting = "hello"\n'

describe('web server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let web: Awaited<ReturnType<typeof startWebServer>>

  beforeAll(async () => {
    dir = await tempDir('parley-web-')
    await writeFile(join(dir.path, 'index.html'), '<!doctype html><title>t</title>')
    await mkdir(join(dir.path, 'assets'))
    await writeFile(join(dir.path, 'assets', 'a.js'), 'export {}')
    // as the build leaves it: brotli and gzip copies beside the file (here with markers, to tell which was sent)
    await writeFile(join(dir.path, 'assets', 'b.js'), SCRIPT)
    await writeFile(join(dir.path, 'assets', 'b.js.br'), brotliCompressSync(SCRIPT + '// br'))
    await writeFile(join(dir.path, 'assets', 'b.js.gz'), gzipSync(SCRIPT + '// gz'))
    web = await startWebServer({ port: 0, root: dir.path, config: { bootstrap: ['/ip4/127.0.0.1/tcp/1/ws'] } })
  })
  afterAll(async () => {
    await web?.close()
    await dir?.remove()
  })

  it('answers malformed percent-encodings with 400 and keeps serving', async () => {
    for (const path of ['/%E0%A4%A', '/%', '/%zz', '/assets/%C0%AF', '/%FF%FE']) {
      const answer = await get(web.url, path)
      expect(answer.status, path).toBe(400)
    }
    expect((await get(web.url, '/')).status).toBe(200)
    expect((await get(web.url, '/assets/a.js')).status).toBe(200)
  })

  it('refuses paths outside its folder and odd requests without dying', async () => {
    for (const path of ['/../x', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd', '/%00', '/a%00.js']) {
      const answer = await get(web.url, path)
      expect([400, 403, 404], path).toContain(answer.status)
      expect(answer.body, path).not.toContain('root:')
    }
    expect((await get(web.url, '/', 'DELETE')).status).toBe(405)
    expect((await get(web.url, '/', 'HEAD')).status).toBe(200)
    expect((await get(web.url, '/config.json')).status).toBe(200)
  })

  it('sends the security headers and a CSP on pages, files, config and errors', async () => {
    for (const path of ['/', '/assets/a.js', '/config.json', '/missing', '/%E0%A4%A']) {
      const { headers } = await get(web.url, path)
      const csp = String(headers['content-security-policy'])
      expect(csp, path).toContain("default-src 'self'")
      expect(csp, path).toContain("script-src 'self'")
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("object-src 'none'")
      // voice notes and videos play from object URLs of the profile's files, nothing else
      expect(csp, path).toContain("media-src 'self' blob:")
      expect(csp, path).not.toMatch(/media-src[^;]*(data:|https?:|\*)/)
      expect(csp, path).not.toContain('unsafe-inline')
      expect(csp, path).not.toContain('unsafe-eval')
      expect(headers['x-content-type-options'], path).toBe('nosniff')
      expect(headers['x-frame-options'], path).toBe('DENY')
      expect(headers['referrer-policy'], path).toBe('no-referrer')
      expect(headers['cross-origin-opener-policy'], path).toBe('same-origin')
      expect(String(headers['permissions-policy']), path).toContain('camera=(self)')
      // the microphone for voice notes, for this origin only
      expect(String(headers['permissions-policy']), path).toContain('microphone=(self)')
      expect(String(headers['permissions-policy']), path).toContain('geolocation=()')
    }
  })

  it('sends the brotli or gzip copy to a browser that accepts it, the plain file otherwise', async () => {
    const br = await get(web.url, '/assets/b.js', 'GET', { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/^text\/javascript/)
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(brotliDecompressSync(br.bytes).toString()).toBe(SCRIPT + '// br')
    const gz = await get(web.url, '/assets/b.js', 'GET', { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.bytes).toString()).toBe(SCRIPT + '// gz')
    const plain = await get(web.url, '/assets/b.js')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(SCRIPT)
    // the security headers go with compressed answers too
    expect(String(br.headers['content-security-policy'])).toContain("script-src 'self'")
  })

  it('lets browsers keep hashed assets for a year and revalidate index.html (304 when unchanged)', async () => {
    const asset = await get(web.url, '/assets/b.js', 'GET', { 'accept-encoding': 'br' })
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const page = await get(web.url, '/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>t</title>')
    expect(page.headers['cache-control']).toBe('no-cache')
    const etag = String(page.headers.etag)
    expect(etag).not.toBe('undefined')
    const again = await get(web.url, '/', 'GET', { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body).toBe('')
    expect(again.headers['x-frame-options']).toBe('DENY')
    expect((await get(web.url, '/index.html')).headers['cache-control']).toBe('no-cache')
    expect((await get(web.url, '/config.json')).headers['cache-control']).toBe('no-store')
  })
})
