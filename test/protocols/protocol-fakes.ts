/** Stand-ins for protocol unit tests: a logger that records what each component logs, a registrar that records handlers, and a hand-driven stream whose sends and close can be held back. */
import { StreamMessageEvent, type AbortOptions, type ComponentLogger, type Logger, type StreamHandler, type StreamHandlerOptions, type Stream } from '@libp2p/interface'

export interface LogEntry {
  component: string
  level: 'debug' | 'error'
  args: unknown[]
}

/** A ComponentLogger whose loggers push every debug and error call to `entries`. */
export function recordingLogger (): { logger: ComponentLogger, entries: LogEntry[], components: string[] } {
  const entries: LogEntry[] = []
  const components: string[] = []
  const make = (component: string): Logger => {
    const log = ((...args: unknown[]) => { entries.push({ component, level: 'debug', args }) }) as Logger
    log.error = (...args: unknown[]) => { entries.push({ component, level: 'error', args }) }
    log.trace = () => {}
    log.enabled = true
    log.newScope = (name: string) => make(`${component}:${name}`)
    return log
  }
  return { entries, components, logger: { forComponent: (name: string) => { components.push(name); return make(name) } } }
}

/** A registrar that keeps each protocol's handler and options. */
export function recordingRegistrar (): {
  registrar: { handle: (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) => Promise<void>, unhandle: (protocol: string) => Promise<void> }
  handlers: Map<string, { handler: StreamHandler, options?: StreamHandlerOptions }>
  calls: string[]
} {
  const handlers = new Map<string, { handler: StreamHandler, options?: StreamHandlerOptions }>()
  const calls: string[] = []
  return {
    handlers,
    calls,
    registrar: {
      handle: async (protocol, handler, options) => { calls.push(`handle ${protocol}`); handlers.set(protocol, { handler, options }) },
      unhandle: async protocol => { calls.push(`unhandle ${protocol}`); handlers.delete(protocol) }
    }
  }
}

/**
 * The parts of a Stream that byteStream/lpStream and the protocol code use, driven by the test: `sent` holds
 * what was sent, `deliver` hands bytes to the reader, `canSend = false` holds writes back (no drain ever comes),
 * `holdClose` keeps close() pending until its signal aborts. abort() only records: it ends no pending read or write.
 */
export class HandDrivenStream extends EventTarget {
  status = 'open'
  sent: Uint8Array[] = []
  aborted: Error[] = []
  canSend = true
  holdClose = false
  closed = 0
  log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => this.log })

  send (data: { subarray: () => Uint8Array }): boolean {
    this.sent.push(data.subarray())
    return this.canSend
  }

  push (): void {}

  deliver (bytes: Uint8Array): void {
    this.dispatchEvent(new StreamMessageEvent(bytes))
  }

  async close (options?: AbortOptions): Promise<void> {
    this.closed++
    if (!this.holdClose) return
    await new Promise<void>((resolve, reject) => {
      options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
    })
  }

  abort (err: Error): void {
    this.aborted.push(err)
  }

  asStream (): Stream {
    return this as unknown as Stream
  }
}
