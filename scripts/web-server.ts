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
  '.wasm': 'application/wasm'
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
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' }).end(JSON.stringify(init.config))
        return
      }
      const file = normalize(join(root, path === '/' ? 'index.html' : path))
      if (!file.startsWith(root + sep) && file !== root) {
        res.writeHead(403).end()
        return
      }
      try {
        const info = await stat(file)
        const target = info.isDirectory() ? join(file, 'index.html') : file
        const body = await readFile(target)
        res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' }).end(body)
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      }
    })()
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
