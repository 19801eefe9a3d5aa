/** `parley daemon`: JSON-RPC 2.0 over HTTP on loopback for bots and scripts, plus a server-sent event stream of incoming messages and receipts. Talks only to the Parley facade. */
import { createServer, type IncomingMessage as HttpRequest, type ServerResponse } from 'node:http'
import type { Parley, ReceivedMessage } from '../index.js'
import { toHexString } from '../index.js'
import { profileJson } from './messaging.js'
import { untilAborted } from '../util/abort.js'

/** Largest request body: a text message plus JSON framing. */
const MAX_BODY_BYTES = 512 * 1024
/** Messages kept for `receive` calls between polls; the oldest go first beyond this (they stay in history). */
const MAX_BUFFERED = 10_000
/** Longest a `receive` call may wait for a message. */
const MAX_RECEIVE_WAIT_S = 60

interface RpcRequest { jsonrpc: '2.0', id?: string | number | null, method: string, params?: Record<string, unknown> }

/** A JSON-RPC error of the request itself (its code is sent; no `data.name`). */
class RpcError extends Error {
  static name = 'RpcError'
  constructor (readonly code: number, message: string) {
    super(message)
    this.name = 'RpcError'
  }
}

const str = (p: Record<string, unknown> | undefined, key: string): string => {
  const v = p?.[key]
  if (typeof v !== 'string' || v === '') throw new RpcError(-32602, `params.${key} must be a non-empty string`)
  return v
}

const messageOf = (m: ReceivedMessage): Record<string, unknown> => ({ id: m.id, from: m.from, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt })

export async function runDaemon (parley: Parley, port: number, signal: AbortSignal): Promise<void> {
  const buffer: Array<Record<string, unknown>> = []
  const waiters = new Set<() => void>()
  const streams = new Set<ServerResponse>()
  const notify = (method: string, params: unknown): void => {
    const line = `data: ${JSON.stringify({ jsonrpc: '2.0', method, params })}\n\n`
    for (const s of streams) s.write(line)
  }
  parley.on('message', m => {
    buffer.push(messageOf(m))
    if (buffer.length > MAX_BUFFERED) buffer.shift()
    for (const w of [...waiters]) w()
    notify('message', messageOf(m))
  })
  parley.on('status', e => notify('status', e))
  parley.on('profile', e => notify('profile', profileJson(e)))
  parley.on('takeover-attempt', e => notify('takeover-attempt', e))
  parley.on('identity-changed', e => notify('identity-changed', e))
  // linked devices: texts our other devices sent, chats they read, our device list
  parley.on('sent', e => notify('sent', { to: e.to, id: e.id, text: e.text, timestamp: e.timestamp, deviceId: e.sender.deviceId }))
  parley.on('read-sync', e => notify('read', e))
  parley.on('devices', e => notify('devices', e))

  const methods: Record<string, (p: Record<string, unknown> | undefined) => Promise<unknown>> = {
    send: async p => {
      const m = await parley.send(str(p, 'to'), str(p, 'text'))
      return { id: m.id, to: m.conversation, status: m.status, timestamp: m.timestamp }
    },
    receive: async p => {
      const wait = Math.min(MAX_RECEIVE_WAIT_S, Math.max(0, Number(p?.timeout ?? 0))) * 1000
      if (buffer.length === 0 && wait > 0) {
        await new Promise<void>(resolve => {
          const done = (): void => { clearTimeout(t); waiters.delete(done); resolve() }
          const t = setTimeout(done, wait)
          waiters.add(done)
        })
      }
      return buffer.splice(0)
    },
    lookup: async p => {
      const r = await parley.lookup(str(p, 'phone'))
      return r.registered ? { phone: r.phone, registered: true, identityKey: toHexString(r.identityKey), verified: r.verified } : { phone: r.phone, registered: false }
    },
    history: async p => await parley.history(str(p, 'phone'), {
      ...(typeof p?.limit === 'number' ? { limit: p.limit } : {}),
      ...(typeof p?.before === 'number' ? { before: p.before } : {})
    }),
    conversations: async () => await parley.conversations(),
    markRead: async p => ({ ids: await parley.markRead(str(p, 'phone')) }),
    whoami: async () => ({ ...await parley.whoami(), safetyNumberSeed: parley.safetyNumberSeed() }),
    trust: async p => {
      const c = await parley.acceptIdentity(str(p, 'phone'))
      return { phone: c.phone, identityKey: c.identityKey, blocked: c.blocked }
    },
    trustRoots: async () => parley.trustRoots(),
    devices: async p => (await parley.devices({ refresh: p?.refresh === true })).map(d => ({ deviceId: d.deviceId, name: d.name, peerId: d.peerId, lastSeen: d.lastSeen ?? null, current: d.current })),
    linkDevice: async p => await parley.approveLink(str(p, 'uri'), {
      ...(typeof p?.name === 'string' ? { name: p.name } : {}),
      ...(typeof p?.historyDays === 'number' ? { historyDays: p.historyDays } : {})
    }),
    removeDevice: async p => {
      const id = p?.deviceId
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new RpcError(-32602, 'params.deviceId must be an integer')
      await parley.removeDevice(id)
      return { deviceId: id, removed: true }
    },
    renameDevice: async p => {
      const id = p?.deviceId
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new RpcError(-32602, 'params.deviceId must be an integer')
      await parley.renameDevice(id, str(p, 'name'))
      return { deviceId: id, name: str(p, 'name').trim() }
    }
  }

  const answer = async (req: RpcRequest): Promise<Record<string, unknown> | undefined> => {
    const id = req?.id ?? null
    try {
      if (req?.jsonrpc !== '2.0' || typeof req.method !== 'string') throw new RpcError(-32600, 'invalid request')
      const fn = methods[req.method]
      if (fn == null) throw new RpcError(-32601, `no method '${req.method}'`)
      if (req.params != null && (typeof req.params !== 'object' || Array.isArray(req.params))) throw new RpcError(-32602, 'params must be an object')
      const result = await fn(req.params)
      return req.id === undefined ? undefined : { jsonrpc: '2.0', id, result }
    } catch (err) {
      const e = err as Error
      const code = err instanceof RpcError ? err.code : -32000
      return { jsonrpc: '2.0', id, error: { code, message: e.message ?? String(err), ...(err instanceof RpcError ? {} : { data: { name: e.name } }) } }
    }
  }

  const server = createServer((req: HttpRequest, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write(': parley events\n\n')
      streams.add(res)
      req.on('close', () => streams.delete(res))
      return
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST, GET /events' }).end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'request too large' } }))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => {
      if (res.writableEnded) return
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }))
        return
      }
      const run = Array.isArray(body) ? Promise.all(body.map(async r => await answer(r as RpcRequest))).then(a => a.filter(x => x != null)) : answer(body as RpcRequest)
      run.then(result => {
        if (result == null || (Array.isArray(result) && result.length === 0)) res.writeHead(204).end()
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result))
      }, () => res.writeHead(500).end())
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const actual = typeof address === 'object' && address != null ? address.port : port
  process.stdout.write(JSON.stringify({ event: 'rpc', url: `http://127.0.0.1:${actual}/`, events: `http://127.0.0.1:${actual}/events` }) + '\n')
  // a signal that fired while the server started ends it at once (a listener added then never fired)
  await untilAborted(signal)
  for (const s of streams) s.end()
  server.closeAllConnections()
  await new Promise<void>(resolve => server.close(() => resolve()))
}
