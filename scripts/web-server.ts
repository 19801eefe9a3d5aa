/** The web client's server: the built bundle through sirv (precompressed brotli/gzip, caching headers), the page's relay list at /config.json, security headers on every answer. Knows nothing of libp2p. */
import { createServer, type Server } from 'node:http'
import { join, normalize, sep } from 'node:path'
import sirv from 'sirv'
import { WEB_DIST } from './paths.js'

/**
 * The page's Content-Security-Policy: scripts, styles and fonts only from this server (Vite emits no inline
 * script or style; uqr's QR SVG has none), images also from blob: (photos) and data: (the empty favicon, ThumbHash
 * placeholders), audio and video from blob: (voice notes and videos from the profile's files), connections to this server (/config.json) and to relays over WebSockets anywhere (a person may add any
 * relay in Settings; WebRTC is not governed by connect-src), no plugins, no framing, no <base>, no forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
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
  // notifications are asked for through the Notification API, which this does not cover; the camera only for this
  // origin: Settings → Linked devices can scan a new device's QR code (asked for on "Scan" only) and video calls; the
  // microphone only for this origin: voice notes (asked for on the first press of the microphone button) and calls
  // (both asked for when a call is placed or accepted, never before)
  'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), interest-cohort=()'
}

/**
 * Cache-Control by path (docs/web.md, "Serving and caching"): Vite names every file under /assets/ by a hash
 * of its content, so a name never gets other bytes and a browser may keep it a year without asking;
 * index.html (and anything else) is revalidated on every load (a 304 by ETag when unchanged), so a new
 * build is seen at the next reload.
 */
export function cacheControl (path: string): string {
  return path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
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
  // dev: files are looked up on each request, not listed once at start, so a rebuild under a running
  // server is served whole (the list would keep the old sizes); brotli/gzip: the build's .br and .gz files
  const files = sirv(root, {
    dev: true,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders: (res, path) => { res.setHeader('cache-control', cacheControl(path)) }
  })
  const server = createServer((req, res) => {
    const send = (status: number, headers: Record<string, string>, body?: string): void => {
      res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body)
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    // sirv pipes a file stream into the answer: a file gone between its lookup and its read (a rebuild)
    // must end this answer, not throw an unhandled stream error that would stop the server
    res.on('pipe', source => source.on('error', () => res.destroy()))
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
      send(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, JSON.stringify(init.config))
      return
    }
    const file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root) {
      send(403, { 'content-type': 'text/plain' }, 'forbidden\n')
      return
    }
    try {
      files(req, res, () => { send(404, { 'content-type': 'text/plain' }, 'not found\n') })
    } catch {
      // sirv's lookup failed (a file system error): this answer fails, the server keeps serving
      if (res.headersSent) res.destroy()
      else send(500, { 'content-type': 'text/plain' }, 'server error\n')
    }
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
