// The web client's static server (scripts/web-server.ts): hostile URLs get an answer and do not stop it; every answer carries the security headers and a CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request } from 'node:http'
import { startWebServer } from '../../scripts/web-server.js'
import { tempDir } from '../helpers/tmp.js'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One raw GET (the path is sent as is, unlike fetch, which would normalise it), bounded by 5 s. */
async function get (base: string, path: string, method = 'GET'): Promise<Answer> {
  const url = new URL(base)
  return await new Promise<Answer>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, signal: AbortSignal.timeout(5_000) }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('web server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let web: Awaited<ReturnType<typeof startWebServer>>

  beforeAll(async () => {
    dir = await tempDir('parley-web-')
    await writeFile(join(dir.path, 'index.html'), '<!doctype html><title>t</title>')
    await mkdir(join(dir.path, 'assets'))
    await writeFile(join(dir.path, 'assets', 'a.js'), 'export {}')
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
      expect(csp, path).not.toContain('unsafe-inline')
      expect(csp, path).not.toContain('unsafe-eval')
      expect(headers['x-content-type-options'], path).toBe('nosniff')
      expect(headers['x-frame-options'], path).toBe('DENY')
      expect(headers['referrer-policy'], path).toBe('no-referrer')
      expect(headers['cross-origin-opener-policy'], path).toBe('same-origin')
      expect(String(headers['permissions-policy']), path).toContain('camera=()')
    }
  })
})
