/** `parley daemon`: JSON-RPC 2.0 over HTTP on loopback for bots and scripts, plus a server-sent event stream of incoming messages and receipts. Talks only to the Parley facade. */
import { createServer, type IncomingMessage as HttpRequest, type ServerResponse } from 'node:http'
import type { Parley, ReceivedMessage } from '../index.js'
import { toHexString } from '../index.js'
import { profileJson } from './messaging.js'
import { groupMessageJson } from './groups.js'
import { attachmentJson } from './media.js'
import { resolve } from 'node:path'
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

const strings = (p: Record<string, unknown> | undefined, key: string): string[] => {
  const v = p?.[key]
  if (!Array.isArray(v) || v.length === 0 || v.some(x => typeof x !== 'string' || x === '')) throw new RpcError(-32602, `params.${key} must be a non-empty array of strings`)
  return v as string[]
}

/** A file's kind, type, name and caption from the call's params (absent: a document of unknown type, named as the file). */
function fileParams (p: Record<string, unknown> | undefined): { kind?: 'photo' | 'video' | 'voice' | 'document', mime?: string, name?: string, caption?: string } {
  const kinds = ['photo', 'video', 'voice', 'document']
  return {
    ...(typeof p?.kind === 'string' && kinds.includes(p.kind) ? { kind: p.kind as 'photo' } : {}),
    ...(typeof p?.mime === 'string' ? { mime: p.mime } : {}),
    ...(typeof p?.name === 'string' ? { name: p.name } : {}),
    ...(typeof p?.caption === 'string' ? { caption: p.caption } : {})
  }
}

export async function runDaemon (parley: Parley, port: number, signal: AbortSignal): Promise<void> {
  /** a message as `receive` and the event stream give it: a file as `attachment` {name, size, mime, sha256, kind} (the `download` method saves it) */
  const messageOf = (m: ReceivedMessage): Record<string, unknown> => {
    const info = m.attachment != null ? parley.media.info({ attachment: m.attachment }) : undefined
    return { id: m.id, from: m.from, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt, ...(info != null ? { attachment: attachmentJson(info) } : {}) }
  }
  const groupMessageOf = (m: Parameters<typeof groupMessageJson>[0]): Record<string, unknown> => {
    const info = m.attachment != null ? parley.media.info({ attachment: m.attachment }) : undefined
    return { ...groupMessageJson(m), ...(info != null ? { attachment: attachmentJson(info) } : {}) }
  }
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
  parley.groups.on('group-message', m => {
    buffer.push(groupMessageOf(m))
    if (buffer.length > MAX_BUFFERED) buffer.shift()
    for (const w of [...waiters]) w()
    notify('message', groupMessageOf(m))
  })
  // files: progress of uploads and downloads, and their ends
  parley.media.on('media-progress', e => notify('mediaProgress', e))
  parley.media.on('media', e => notify('media', e))
  parley.groups.on('group-status', e => notify('groupStatus', e))
  parley.groups.on('group-update', e => notify('group', e))
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
    // files (docs/media.md): `path` is a file on the daemon's machine; resolves once the relay holds it and the message is queued
    sendFile: async p => {
      const m = await parley.sendFile(str(p, 'to'), resolve(str(p, 'path')), fileParams(p))
      return { id: m.id, to: m.conversation, status: m.status, timestamp: m.timestamp, attachment: attachmentJson(parley.media.info(m)!) }
    },
    groupSendFile: async p => {
      const m = await parley.media.sendToGroup(str(p, 'groupId'), resolve(str(p, 'path')), fileParams(p))
      return { id: m.id, groupId: str(p, 'groupId'), status: m.status, timestamp: m.timestamp, attachment: attachmentJson(parley.media.info(m)!) }
    },
    download: async p => {
      const m = await parley.media.find(str(p, 'id'))
      if (m == null) throw new RpcError(-32602, 'there is no message with a file by that id on this device')
      const info = parley.media.info(m)
      if (info == null) throw new RpcError(-32602, 'the file of this message is damaged and cannot be opened')
      const path = await parley.media.download(m.conversation, m.id, typeof p?.dir === 'string' ? { dir: resolve(p.dir) } : {})
      return { id: m.id, attachment: attachmentJson(info, path) }
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
    groupCreate: async p => {
      const g = await parley.groups.create(str(p, 'name'), strings(p, 'members'))
      return { groupId: g.groupId, name: g.name, members: g.memberList.map(m => ({ phone: m.phone, role: m.role })) }
    },
    groupSend: async p => {
      const m = await parley.groups.send(str(p, 'groupId'), str(p, 'text'), {
        ...(typeof p?.quoteId === 'string' ? { quoteId: p.quoteId } : {}),
        ...(Array.isArray(p?.mentions) ? { mentions: strings(p, 'mentions') } : {})
      })
      return { id: m.id, groupId: str(p, 'groupId'), status: m.status, timestamp: m.timestamp }
    },
    groupAdd: async p => await parley.groups.add(str(p, 'groupId'), strings(p, 'members')),
    groupRemove: async p => await parley.groups.remove(str(p, 'groupId'), str(p, 'phone')),
    groupPromote: async p => await parley.groups.promote(str(p, 'groupId'), str(p, 'phone')),
    groupDemote: async p => await parley.groups.demote(str(p, 'groupId'), str(p, 'phone')),
    groupLeave: async p => {
      await parley.groups.leave(str(p, 'groupId'))
      return { groupId: str(p, 'groupId'), left: true }
    },
    groupInviteLink: async p => ({ groupId: str(p, 'groupId'), link: await parley.groups.inviteLink(str(p, 'groupId'), { reset: p?.reset === true }) }),
    groupRevokeInviteLink: async p => {
      await parley.groups.revokeInviteLink(str(p, 'groupId'))
      return { groupId: str(p, 'groupId'), link: null }
    },
    groupJoin: async p => ({ ...await parley.groups.join(str(p, 'link')), requested: true }),
    groupList: async () => await parley.groups.list(),
    groupInfo: async p => await parley.groups.info(str(p, 'groupId')),
    // name, description and photo (base64 of a JPEG or PNG, or null to remove it); absent fields stay as they are
    groupEditInfo: async p => {
      const photo = p?.photo
      if (photo !== undefined && photo !== null && typeof photo !== 'string') throw new RpcError(-32602, 'params.photo must be base64 text or null')
      return await parley.groups.editInfo(str(p, 'groupId'), {
        ...(typeof p?.name === 'string' ? { name: p.name } : {}),
        ...(typeof p?.description === 'string' ? { description: p.description } : {}),
        ...(photo === null ? { photo: null } : typeof photo === 'string' ? { photo: Uint8Array.from(Buffer.from(photo, 'base64')) } : {})
      })
    },
    groupPhoto: async p => {
      const image = await parley.groups.photo(str(p, 'groupId'))
      return { groupId: str(p, 'groupId'), photo: image != null ? Buffer.from(image).toString('base64') : null }
    },
    groupHistory: async p => await parley.groups.history(str(p, 'groupId'), {
      ...(typeof p?.limit === 'number' ? { limit: p.limit } : {}),
      ...(typeof p?.before === 'number' ? { before: p.before } : {})
    }),
    groupMarkRead: async p => ({ ids: await parley.groups.markRead(str(p, 'groupId')) }),
    groupReceipts: async p => await parley.groups.receipts(str(p, 'groupId'), str(p, 'id')),
    broadcastCreate: async p => {
      const l = await parley.broadcasts.create(str(p, 'name'), strings(p, 'members'))
      return { broadcastId: l.id, name: l.name, phones: l.phones }
    },
    broadcastSend: async p => ({ broadcastId: str(p, 'broadcastId'), sent: await parley.broadcasts.send(str(p, 'broadcastId'), str(p, 'text')) }),
    broadcastList: async () => (await parley.broadcasts.list()).map(l => ({ broadcastId: l.id, name: l.name, phones: l.phones })),
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
