/** The libp2p service shape every Parley protocol server shares: registers its stream handler with per-connection stream limits on start, unregisters on stop, logs under `parley:<name>`. Knows nothing of framing or of what the streams carry. */
import { serviceCapabilities } from '@libp2p/interface'
import type { AbortOptions, ComponentLogger, Connection, Logger, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

/** The parts of libp2p a protocol server uses. */
export interface ProtocolComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
    unhandle(protocol: string, options?: AbortOptions): Promise<void>
  }
  logger: ComponentLogger
}

export interface ProtocolServiceInit {
  protocol: string
  /** short name: logs go to `parley:<name>`, the service's tag and capability are `@parley/<name>` */
  name: string
  /** concurrent inbound / outbound streams of the protocol per connection */
  maxInboundStreams: number
  maxOutboundStreams: number
  /** accept streams of the protocol on limited (relayed circuit) connections @default false */
  runOnLimitedConnection?: boolean
}

export abstract class ProtocolService implements Startable {
  readonly protocol: string
  readonly [serviceCapabilities]: string[]
  protected readonly log: Logger
  private readonly registrar: ProtocolComponents['registrar']
  private readonly service: ProtocolServiceInit
  private started = false

  constructor (components: ProtocolComponents, init: ProtocolServiceInit) {
    this.protocol = init.protocol
    this.registrar = components.registrar
    this.service = init
    this[serviceCapabilities] = [`@parley/${init.name}`]
    this.log = components.logger.forComponent(`parley:${init.name}`)
  }

  get [Symbol.toStringTag] (): string {
    return `@parley/${this.service.name}`
  }

  /** Serves one inbound stream of the protocol. */
  protected abstract handle (stream: Stream, connection: Connection): Promise<void>

  async start (): Promise<void> {
    await this.registrar.handle(this.protocol, async (stream, connection) => { await this.handle(stream, connection) }, {
      maxInboundStreams: this.service.maxInboundStreams,
      maxOutboundStreams: this.service.maxOutboundStreams,
      runOnLimitedConnection: this.service.runOnLimitedConnection === true
    })
    this.started = true
  }

  async stop (): Promise<void> {
    await this.registrar.unhandle(this.protocol)
    this.started = false
  }

  isStarted (): boolean {
    return this.started
  }
}
