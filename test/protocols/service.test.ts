// ProtocolService (src/protocols/service.ts) with a recorded registrar and logger: not started until start(), the handler and its stream limits registered, limited connections only when asked, unregistered on stop, its capability, tag and log component.
import { describe, it, expect } from 'vitest'
import { serviceCapabilities, type Connection, type Stream } from '@libp2p/interface'
import { ProtocolService, type ProtocolComponents, type ProtocolServiceInit } from '../../src/protocols/service.js'
import { recordingLogger, recordingRegistrar } from './protocol-fakes.js'

class TestService extends ProtocolService {
  readonly served: Array<[Stream, Connection]> = []
  constructor (components: ProtocolComponents, init: Partial<ProtocolServiceInit> = {}) {
    super(components, { protocol: '/parley/test-service/1.0.0', name: 'test-service', maxInboundStreams: 3, maxOutboundStreams: 4, ...init })
  }

  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    this.served.push([stream, connection])
  }
}

describe('ProtocolService', () => {
  it('registers its handler with its stream limits on start (not on limited connections by default) and unregisters on stop', async () => {
    const { logger } = recordingLogger()
    const { registrar, handlers, calls } = recordingRegistrar()
    const service = new TestService({ registrar, logger })
    expect(service.isStarted()).toBe(false)
    expect(calls).toEqual([])
    await service.start()
    expect(service.isStarted()).toBe(true)
    expect(calls).toEqual(['handle /parley/test-service/1.0.0'])
    const registered = handlers.get('/parley/test-service/1.0.0')!
    expect(registered.options).toEqual({ maxInboundStreams: 3, maxOutboundStreams: 4, runOnLimitedConnection: false })
    const stream = {} as unknown as Stream
    const connection = {} as unknown as Connection
    await registered.handler(stream, connection)
    expect(service.served).toEqual([[stream, connection]])
    await service.stop()
    expect(service.isStarted()).toBe(false)
    expect(calls).toEqual(['handle /parley/test-service/1.0.0', 'unhandle /parley/test-service/1.0.0'])
  })

  it('runs on limited connections only when asked with `true`', async () => {
    for (const [asked, expected] of [[true, true], [false, false], [undefined, false]] as const) {
      const { logger } = recordingLogger()
      const { registrar, handlers } = recordingRegistrar()
      await new TestService({ registrar, logger }, { runOnLimitedConnection: asked }).start()
      expect(handlers.get('/parley/test-service/1.0.0')?.options?.runOnLimitedConnection, String(asked)).toBe(expected)
    }
  })

  it('names itself: capability and tag @parley/<name>, logs under parley:<name>', () => {
    const { logger, components } = recordingLogger()
    const { registrar } = recordingRegistrar()
    const service = new TestService({ registrar, logger })
    expect(service.protocol).toBe('/parley/test-service/1.0.0')
    expect(service[serviceCapabilities]).toEqual(['@parley/test-service'])
    expect(Object.prototype.toString.call(service)).toBe('[object @parley/test-service]')
    expect(components).toEqual(['parley:test-service'])
  })
})
