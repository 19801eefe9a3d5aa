/**
 * In-memory harness for the request/response services (prekeys, verify): the server runs on fake libp2p components
 * (a registrar that keeps the handler and its options, a logger that keeps what is logged) and a client dials it over
 * `streamPair()` from @libp2p/utils — no TCP, no noise, no yamux.
 */
import { streamPair, lpStream } from '@libp2p/utils'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { ComponentLogger, Connection, DialTarget, Logger, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { DialingNode } from '../../src/protocols/request-response.js'
import type { ProtocolComponents } from '../../src/protocols/service.js'

export async function randomPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** What a service logged, per component (`parley:<name>`): plain lines and `.error` lines. */
export interface Logs {
  components: string[]
  lines: unknown[][]
  errors: unknown[][]
}

function recordingLogger (logs: Logs): ComponentLogger {
  const make = (name: string): Logger => {
    const log = ((...args: unknown[]) => { logs.lines.push(args) }) as Logger
    log.error = (...args: unknown[]) => { logs.errors.push(args) }
    log.trace = () => {}
    log.enabled = true
    log.newScope = (scope: string) => make(`${name}:${scope}`)
    return log
  }
  return { forComponent: (name: string) => { logs.components.push(name); return make(name) } }
}

export interface Served {
  /** a client node: each dialProtocol opens a stream pair whose inbound end the registered handler serves */
  node: DialingNode & { dials: Array<{ target: DialTarget, protocol: string | string[] }> }
  /** the server's own peer id */
  peerId: PeerId
  registered: Array<{ protocol: string, options?: StreamHandlerOptions }>
  unregistered: string[]
  logs: Logs
  remotePeer: PeerId
  remoteAddr: Multiaddr
  /** resolves when every inbound stream so far has been served */
  settled: () => Promise<void>
}

/** Starts the service `make` builds on fake components, and gives a node that dials it in memory. */
export async function serve<S extends { start: () => Promise<void> }> (make: (components: ProtocolComponents & { peerId: PeerId }) => S, peerId?: PeerId): Promise<Served & { server: S }> {
  const logs: Logs = { components: [], lines: [], errors: [] }
  const handlers = new Map<string, StreamHandler>()
  const registered: Served['registered'] = []
  const unregistered: string[] = []
  const remotePeer = await randomPeerId()
  const remoteAddr = multiaddr('/ip4/192.0.2.7/tcp/4001')
  const connection = { remotePeer, remoteAddr } as unknown as Connection
  const serving: Array<Promise<void>> = []
  const ownId = peerId ?? await randomPeerId()
  const components = {
    peerId: ownId,
    logger: recordingLogger(logs),
    registrar: {
      async handle (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) {
        handlers.set(protocol, handler)
        registered.push({ protocol, ...(options != null ? { options } : {}) })
      },
      async unhandle (protocol: string) {
        handlers.delete(protocol)
        unregistered.push(protocol)
      }
    }
  }
  const server = make(components)
  await server.start()
  const dials: Served['node']['dials'] = []
  const node = {
    dials,
    async dialProtocol (target: DialTarget, protocols: string | string[]): Promise<Stream> {
      dials.push({ target, protocol: protocols })
      const protocol = Array.isArray(protocols) ? protocols[0] : protocols
      const handler = handlers.get(protocol)
      if (handler == null) throw new Error(`no handler for ${protocol}`)
      const [outbound, inbound] = await streamPair()
      serving.push(Promise.resolve(handler(inbound, connection)))
      return outbound
    }
  }
  return { server, node, peerId: ownId, registered, unregistered, logs, remotePeer, remoteAddr, settled: async () => { await Promise.all(serving) } }
}

/** A node whose "relay" reads one request frame and answers `respond(request)` as one frame, whatever was asked. */
export function rawRelay (respond: (request: Uint8Array) => Uint8Array): DialingNode & { requests: Uint8Array[] } {
  const requests: Uint8Array[] = []
  return {
    requests,
    async dialProtocol (): Promise<Stream> {
      const [outbound, inbound] = await streamPair()
      void (async () => {
        const lp = lpStream(inbound)
        const req = (await lp.read()).subarray()
        requests.push(req)
        await lp.write(respond(req))
        await inbound.close()
      })().catch(() => { inbound.abort(new Error('raw relay failed')) })
      return outbound
    }
  }
}
