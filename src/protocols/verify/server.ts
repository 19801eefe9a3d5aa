/** The verifier's inbound side: a libp2p service that answers /parley/verify/1.0.0 with a pluggable backend (the relay implements it). */
import { serviceCapabilities } from '@libp2p/interface'
import { serveOne } from '../request-response.js'
import { VERIFY_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS, MAX_PHONE_LENGTH, CODE_LENGTH } from './constants.js'
import { errorResponse, InvalidVerifyRequestError } from './errors.js'
import { VerifyRequest, VerifyResponse } from './pb/verify.js'
import type { VerifierComponents, VerifierServerInit, VerifierBackend } from './index.js'
import type { Connection, Logger, Startable, Stream } from '@libp2p/interface'

export class VerifierServer implements Startable {
  readonly protocol = VERIFY_PROTOCOL
  private readonly components: VerifierComponents
  private readonly backend: VerifierBackend
  private readonly timeout: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly log: Logger
  private started = false

  constructor (components: VerifierComponents, init: VerifierServerInit) {
    this.components = components
    this.backend = init.backend
    this.timeout = init.timeout ?? TIMEOUT
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.log = components.logger.forComponent('parley:verify')
    this.handle = this.handle.bind(this)
  }

  readonly [Symbol.toStringTag] = '@parley/verify'
  readonly [serviceCapabilities]: string[] = ['@parley/verify']

  async start (): Promise<void> {
    await this.components.registrar.handle(this.protocol, this.handle, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams
    })
    this.started = true
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(this.protocol)
    this.started = false
  }

  isStarted (): boolean {
    return this.started
  }

  private async handle (stream: Stream, connection: Connection): Promise<void> {
    await serveOne(stream, connection, {
      request: VerifyRequest,
      response: VerifyResponse,
      maxMessageSize: MAX_MESSAGE_SIZE,
      timeout: this.timeout,
      handle: async (req, conn, options) => {
        try {
          return await this.answer(req, conn, options)
        } catch (err) {
          const res = errorResponse(err)
          // never log the number or the code: only the outcome
          if (res.status === VerifyResponse.Status.INTERNAL) this.log.error('verification failed inside the backend - %e', err)
          return res
        }
      },
      onError: err => { this.log('verify stream from %p aborted - %e', connection.remotePeer, err) }
    })
  }

  private async answer (req: VerifyRequest, connection: Connection, options: { signal?: AbortSignal }): Promise<Partial<VerifyResponse>> {
    if (req.type === VerifyRequest.Type.INFO) return { status: VerifyResponse.Status.OK, verifierKey: Uint8Array.from(this.backend.publicKey) }
    if (req.phone.length === 0 || req.phone.length > MAX_PHONE_LENGTH) throw new InvalidVerifyRequestError('phone number missing or too long')
    if (req.type === VerifyRequest.Type.REQUEST_CODE) {
      const { expiresInMs } = await this.backend.request(req.phone, connection.remotePeer, options)
      return { status: VerifyResponse.Status.OK, expiresInMs }
    }
    if (!new RegExp(`^\\d{${CODE_LENGTH}}$`).test(req.code)) throw new InvalidVerifyRequestError(`the code must be ${CODE_LENGTH} digits`)
    if (req.identityKey.length !== 32) throw new InvalidVerifyRequestError('the identity key must be 32 bytes')
    const attestation = await this.backend.confirm(req.phone, req.code, req.identityKey, connection.remotePeer, options)
    return { status: VerifyResponse.Status.OK, attestation: Uint8Array.from(attestation) }
  }
}
