/**
 * A minimal TURN client over UDP for tests (RFC 8489/8656 messages by hand): Allocate with the long-term credential
 * mechanism (the 401 challenge, then MESSAGE-INTEGRITY), Refresh, CreatePermission; each answer is the response's
 * class, error code and the attributes the tests look at. Requests are retransmitted until answered (UDP); every wait
 * is bounded. Not a TURN implementation: only what the relay's servers are checked with.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'

const MAGIC_COOKIE = 0x2112a442
const METHOD = { ALLOCATE: 0x003, REFRESH: 0x004, CREATE_PERMISSION: 0x008 } as const
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019
} as const
const UDP = 17

export interface TurnAnswer {
  ok: boolean
  /** the error code of an error response */
  code?: number
  lifetime?: number
  relayed?: { address: string, port: number }
}

interface Attribute { type: number, value: Buffer }

function attribute (type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(type, 0)
  header.writeUInt16BE(value.length, 2)
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4)
  return Buffer.concat([header, value, pad])
}

function u32 (n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n, 0)
  return b
}

/** XOR-PEER-ADDRESS of an IPv4 address and port. */
function xorAddress (address: string, port: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeUInt8(0x01, 1)
  b.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2)
  const ip = address.split('.').map(Number)
  b.writeUInt32BE((((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) ^ MAGIC_COOKIE) >>> 0, 4)
  return b
}

function readXorAddress (value: Buffer): { address: string, port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16)
  const ip = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0
  return { address: [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.'), port }
}

function parse (message: Buffer): { type: number, transactionId: Buffer, attributes: Attribute[] } | undefined {
  if (message.length < 20 || message.readUInt32BE(4) !== MAGIC_COOKIE) return undefined
  const length = message.readUInt16BE(2)
  const attributes: Attribute[] = []
  let at = 20
  while (at + 4 <= 20 + length && at + 4 <= message.length) {
    const type = message.readUInt16BE(at)
    const len = message.readUInt16BE(at + 2)
    attributes.push({ type, value: message.subarray(at + 4, at + 4 + len) })
    at += 4 + len + ((4 - (len % 4)) % 4)
  }
  return { type: message.readUInt16BE(0), transactionId: message.subarray(8, 20), attributes }
}

export class TurnTestClient {
  private readonly socket: Socket
  private realm: string | undefined
  private nonce: Buffer | undefined
  private key: Buffer | undefined
  private username: string | undefined
  /** 438 Stale Nonce answers seen (each retried with the server's new nonce) */
  staleNonces = 0

  private constructor (private readonly host: string, private readonly port: number, socket: Socket) {
    this.socket = socket
  }

  /** A client on a fresh loopback UDP port. */
  static async open (host: string, port: number): Promise<TurnTestClient> {
    const socket = createSocket('udp4')
    await new Promise<void>(resolve => { socket.bind(0, '127.0.0.1', resolve) })
    return new TurnTestClient(host, port, socket)
  }

  /** Allocate (UDP); answers the server's 401 challenge with the credential. */
  async allocate (username: string, password: string): Promise<TurnAnswer> {
    this.username = username
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([UDP, 0, 0, 0]))
    const first = await this.send(METHOD.ALLOCATE, [transport], false)
    if (first.ok || first.code !== 401) return this.answer(first)
    this.realm = first.attr(ATTR.REALM)?.toString('utf8')
    this.nonce = first.attr(ATTR.NONCE)
    this.key = createHash('md5').update(`${username}:${this.realm ?? ''}:${password}`).digest()
    return this.answer(await this.send(METHOD.ALLOCATE, [transport], true))
  }

  /** Refresh with the given lifetime (seconds), or none (the server's default). */
  async refresh (lifetime?: number): Promise<TurnAnswer> {
    return this.answer(await this.send(METHOD.REFRESH, lifetime != null ? [attribute(ATTR.LIFETIME, u32(lifetime))] : [], true))
  }

  /** CreatePermission for an IPv4 peer. */
  async createPermission (address: string, port = 9): Promise<TurnAnswer> {
    return this.answer(await this.send(METHOD.CREATE_PERMISSION, [attribute(ATTR.XOR_PEER_ADDRESS, xorAddress(address, port))], true))
  }

  async close (): Promise<void> {
    await new Promise<void>(resolve => { this.socket.close(() => { resolve() }) })
  }

  private answer (r: { ok: boolean, code?: number, attr: (t: number) => Buffer | undefined }): TurnAnswer {
    const lifetime = r.attr(ATTR.LIFETIME)
    const relayed = r.attr(ATTR.XOR_RELAYED_ADDRESS)
    return {
      ok: r.ok,
      ...(r.code != null ? { code: r.code } : {}),
      ...(lifetime != null ? { lifetime: lifetime.readUInt32BE(0) } : {}),
      ...(relayed != null ? { relayed: readXorAddress(relayed) } : {})
    }
  }

  /** Sends one request (signed when `auth`) and resolves with its response; retransmits every 250 ms, fails after 10 s. A 438 Stale Nonce is retried with the new nonce. */
  private async send (method: number, attributes: Buffer[], auth: boolean): Promise<{ ok: boolean, code?: number, attr: (t: number) => Buffer | undefined }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const transactionId = randomBytes(12)
      const body = [...attributes]
      if (auth) {
        if (this.key == null || this.username == null) throw new Error('allocate first')
        body.push(attribute(ATTR.USERNAME, Buffer.from(this.username)), attribute(ATTR.REALM, Buffer.from(this.realm ?? '')), attribute(ATTR.NONCE, this.nonce ?? Buffer.alloc(0)))
      }
      const header = Buffer.alloc(20)
      header.writeUInt16BE(method, 0)
      header.writeUInt32BE(MAGIC_COOKIE, 4)
      transactionId.copy(header, 8)
      let message = Buffer.concat([header, ...body])
      if (auth) {
        // the length covers MESSAGE-INTEGRITY (24 bytes) when the HMAC is computed
        message.writeUInt16BE(message.length - 20 + 24, 2)
        message = Buffer.concat([message, attribute(ATTR.MESSAGE_INTEGRITY, createHmac('sha1', this.key!).update(message).digest())])
      }
      message.writeUInt16BE(message.length - 20, 2)
      const response = await this.exchange(message, transactionId)
      const attr = (t: number): Buffer | undefined => response.attributes.find(a => a.type === t)?.value
      const isError = (response.type & 0x0110) === 0x0110
      const error = attr(ATTR.ERROR_CODE)
      const code = error != null ? error.readUInt8(2) * 100 + error.readUInt8(3) : undefined
      if (isError && code === 438 && auth) {
        this.staleNonces++
        this.nonce = attr(ATTR.NONCE)
        continue
      }
      return { ok: !isError, ...(code != null ? { code } : {}), attr }
    }
    throw new Error('the server kept answering 438 Stale Nonce')
  }

  private async exchange (message: Buffer, transactionId: Buffer): Promise<NonNullable<ReturnType<typeof parse>>> {
    let timer: ReturnType<typeof setInterval> | undefined
    let deadline: ReturnType<typeof setTimeout> | undefined
    let onMessage: ((m: Buffer) => void) | undefined
    try {
      return await new Promise((resolve, reject) => {
        onMessage = (m: Buffer) => {
          const parsed = parse(m)
          if (parsed?.transactionId.equals(transactionId) === true) resolve(parsed)
        }
        this.socket.on('message', onMessage)
        const send = (): void => { this.socket.send(message, this.port, this.host) }
        timer = setInterval(send, 250)
        deadline = setTimeout(() => { reject(new Error('no TURN response in 10 s')) }, 10_000)
        send()
      })
    } finally {
      clearInterval(timer)
      clearTimeout(deadline)
      if (onMessage != null) this.socket.off('message', onMessage)
    }
  }
}
