/** A STUN Binding request (RFC 8489) over UDP and the wait for its success response: how the relay knows its TURN server answers. Knows nothing of TURN or credentials. */
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { isIPv6 } from 'node:net'
import type { AbortOptions } from '@libp2p/interface'

const BINDING_REQUEST = 0x0001
const BINDING_SUCCESS = 0x0101
const MAGIC_COOKIE = 0x2112a442
const HEADER_BYTES = 20

/** ms between retransmissions of the request while the server is not yet up (UDP gives no other sign). */
const RETRANSMIT_MS = 100

/** A Binding request with no attributes and a random transaction id. */
function bindingRequest (): { request: Buffer, transactionId: Buffer } {
  const request = Buffer.alloc(HEADER_BYTES)
  request.writeUInt16BE(BINDING_REQUEST, 0)
  request.writeUInt16BE(0, 2)
  request.writeUInt32BE(MAGIC_COOKIE, 4)
  const transactionId = randomBytes(12)
  transactionId.copy(request, 8)
  return { request, transactionId }
}

/**
 * Resolves once the STUN server at host:port answers a Binding request (retransmitted every 100 ms until then);
 * rejects with the signal's reason when it aborts first.
 */
export async function stunProbe (host: string, port: number, options: AbortOptions = {}): Promise<void> {
  options.signal?.throwIfAborted()
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
  const { request, transactionId } = bindingRequest()
  let timer: ReturnType<typeof setInterval> | undefined
  let onAbort: (() => void) | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('message', message => {
        if (message.length >= HEADER_BYTES && message.readUInt16BE(0) === BINDING_SUCCESS && message.readUInt32BE(4) === MAGIC_COOKIE && message.subarray(8, 20).equals(transactionId)) resolve()
      })
      // ICMP port unreachable surfaces as an error on some systems: the server is not up yet, keep asking
      socket.on('error', () => {})
      const send = (): void => { socket.send(request, port, host) }
      timer = setInterval(send, RETRANSMIT_MS)
      send()
      onAbort = () => { reject(options.signal?.reason) }
      options.signal?.addEventListener('abort', onAbort, { once: true })
    })
  } finally {
    clearInterval(timer)
    if (onAbort != null) options.signal?.removeEventListener('abort', onAbort)
    socket.close()
  }
}
