// RequestResponseService on its own: a small echo service (verify's codecs) between two in-process nodes — registration, answers, refusals, crashes, stop.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Connection } from '@libp2p/interface'
import { callOnce, RequestResponseService, type RequestResponseComponents } from '../../src/protocols/request-response.js'
import { VerifyRequest, VerifyResponse } from '../../src/protocols/verify/pb/verify.js'
import { startNode } from './nodes.js'

const PROTOCOL = '/parley/test-echo/1.0.0'
const call = { protocol: PROTOCOL, request: VerifyRequest, response: VerifyResponse, maxMessageSize: 1024, timeout: 5000 }

class Refused extends Error {
  static name = 'Refused'
  constructor () {
    super('refused')
    this.name = 'Refused'
  }
}

/** Echoes `phone` as the message; `refuse` is a typed refusal, `crash` an internal failure. */
class EchoService extends RequestResponseService<VerifyRequest, VerifyResponse> {
  internal = 0
  constructor (components: RequestResponseComponents) {
    super(components, {
      protocol: PROTOCOL,
      name: 'test-echo',
      request: VerifyRequest,
      response: VerifyResponse,
      maxMessageSize: 1024,
      timeout: 1000,
      maxInboundStreams: 2,
      maxOutboundStreams: 2,
      errorResponse: err => {
        const internal = !(err instanceof Refused)
        if (internal) this.internal++
        return internal
          ? { response: { status: VerifyResponse.Status.INTERNAL }, internal }
          : { response: { status: VerifyResponse.Status.INVALID_REQUEST, message: (err as Error).message }, internal }
      }
    })
  }

  protected async answer (req: VerifyRequest, connection: Connection): Promise<Partial<VerifyResponse>> {
    if (req.phone === 'refuse') throw new Refused()
    if (req.phone === 'crash') throw new Error('backend down')
    return { status: VerifyResponse.Status.OK, message: `${req.phone} from ${connection.remotePeer.toString()}` }
  }
}

describe('RequestResponseService', () => {
  let server: Libp2p<{ echo: EchoService }>
  let client: Libp2p

  beforeAll(async () => {
    server = await startNode({ echo: (components: RequestResponseComponents) => new EchoService(components) })
    client = await startNode()
  })
  afterAll(async () => {
    await client?.stop()
    await server?.stop()
  })

  it('registers its protocol on start and names itself', () => {
    expect(server.getProtocols()).toContain(PROTOCOL)
    expect(server.services.echo.isStarted()).toBe(true)
    expect(Object.prototype.toString.call(server.services.echo)).toBe('[object @parley/test-echo]')
  })

  it('answers, maps a refusal to its typed response, and a crash to an internal one', async () => {
    const ok = await callOnce(client, server.getMultiaddrs(), { phone: 'hi' }, call)
    expect(ok.status).toBe(VerifyResponse.Status.OK)
    expect(ok.message).toBe(`hi from ${client.peerId.toString()}`)
    const refused = await callOnce(client, server.getMultiaddrs(), { phone: 'refuse' }, call)
    expect(refused).toMatchObject({ status: VerifyResponse.Status.INVALID_REQUEST, message: 'refused' })
    expect(server.services.echo.internal).toBe(0)
    const crashed = await callOnce(client, server.getMultiaddrs(), { phone: 'crash' }, call)
    expect(crashed.status).toBe(VerifyResponse.Status.INTERNAL)
    expect(crashed.message).toBe('')
    expect(server.services.echo.internal).toBe(1)
  })

  it('unregisters on stop: the protocol is no longer served', async () => {
    await server.services.echo.stop()
    expect(server.services.echo.isStarted()).toBe(false)
    expect(server.getProtocols()).not.toContain(PROTOCOL)
    await expect(callOnce(client, server.getMultiaddrs(), { phone: 'hi' }, call)).rejects.toHaveProperty('name', 'UnsupportedProtocolError')
    await server.services.echo.start()
    expect((await callOnce(client, server.getMultiaddrs(), { phone: 'again' }, call)).status).toBe(VerifyResponse.Status.OK)
  })
})
