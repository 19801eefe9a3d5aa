/** A small static server for the built web client, which also hands the page its relay list at /config.json. Knows nothing of libp2p. */
import { createServer, type Server } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { WEB_DIST } from './paths.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2'
}

/**
 * The page's Content-Security-Policy: scripts, styles and fonts only from this server (Vite emits no inline
 * script or style; uqr's QR SVG has none), images also from blob: (photos) and data: (the empty favicon),
 * connections to this server (/config.json) and to relays over WebSockets anywhere (a person may add any
 * relay in Settings; WebRTC is not governed by connect-src), no plugins, no framing, no <base>, no forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Headers on every answer (docs/web.md, "Security headers"). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // notifications are asked for through the Notification API, which this does not cover
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()'
}

/** The request path, percent-decoded; undefined when the URL is malformed (a bad %-sequence). */
function requestPath (url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://x').pathname)
  } catch {
    return undefined
  }
}

export interface WebServerInit {
  port: number
  host?: string
  /** folder of the built client @default dist/web */
  root?: string
  /** what the page receives at /config.json */
  config: { bootstrap: string[], trustedVerifiers?: string[] }
}

export async function startWebServer (init: WebServerInit): Promise<{ server: Server, url: string, close(): Promise<void> }> {
  const root = init.root ?? WEB_DIST
  const server = createServer((req, res) => {
    const send = (status: number, headers: Record<string, string>, body?: string | Buffer): void => {
      res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(req.method === 'HEAD' ? undefined : body)
    }
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }, 'method not allowed\n')
        return
      }
      const path = requestPath(req.url)
      if (path == null || path.includes('\0')) {
        send(400, { 'content-type': 'text/plain' }, 'bad request\n')
        return
      }
      if (path === '/config.json') {
        send(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' }, JSON.stringify(init.config))
        return
      }
      const file = normalize(join(root, path === '/' ? 'index.html' : path))
      if (!file.startsWith(root + sep) && file !== root) {
        send(403, { 'content-type': 'text/plain' }, 'forbidden\n')
        return
      }
      try {
        const info = await stat(file)
        const target = info.isDirectory() ? join(file, 'index.html') : file
        const body = await readFile(target)
        send(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' }, body)
      } catch {
        send(404, { 'content-type': 'text/plain' }, 'not found\n')
      }
    })().catch(() => {
      // a failure after the answer started (client gone): drop the connection, keep serving others
      res.destroy()
    })
  })
  const host = init.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address != null ? address.port : init.port
  return {
    server,
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    close: async () => await new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}
