/** The verifier's inbound side: a libp2p service that answers /parley/verify/1.0.0 with a pluggable backend (the relay implements it). */
import { RequestResponseService } from '../request-response.js'
import { VERIFY_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS, MAX_PHONE_LENGTH, CODE_LENGTH } from './constants.js'
import { errorResponse, InvalidVerifyRequestError } from './errors.js'
import { VerifyRequest, VerifyResponse } from './pb/verify.js'
import type { VerifierComponents, VerifierServerInit, VerifierBackend } from './index.js'
import type { Connection } from '@libp2p/interface'

export class VerifierServer extends RequestResponseService<VerifyRequest, VerifyResponse> {
  private readonly backend: VerifierBackend

  constructor (components: VerifierComponents, init: VerifierServerInit) {
    super(components, {
      protocol: VERIFY_PROTOCOL,
      name: 'verify',
      request: VerifyRequest,
      response: VerifyResponse,
      maxMessageSize: MAX_MESSAGE_SIZE,
      timeout: init.timeout ?? TIMEOUT,
      maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS,
      // never log the number or the code: only the outcome
      errorResponse: err => {
        const response = errorResponse(err)
        return { response, internal: response.status === VerifyResponse.Status.INTERNAL }
      }
    })
    this.backend = init.backend
  }

  protected async answer (req: VerifyRequest, connection: Connection, options: { signal?: AbortSignal }): Promise<Partial<VerifyResponse>> {
    if (req.type === VerifyRequest.Type.INFO) return { status: VerifyResponse.Status.OK, verifierKey: Uint8Array.from(this.backend.publicKey) }
    if (req.type === VerifyRequest.Type.RENEW) {
      if (req.attestation.length === 0) throw new InvalidVerifyRequestError('no attestation to renew')
      return { status: VerifyResponse.Status.OK, attestation: Uint8Array.from(await this.backend.renew(req.attestation, connection.remotePeer, options)) }
    }
    if (req.phone.length === 0 || req.phone.length > MAX_PHONE_LENGTH) throw new InvalidVerifyRequestError('phone number missing or too long')
    if (req.type === VerifyRequest.Type.REQUEST_CODE) {
      const { expiresInMs } = await this.backend.request(req.phone, connection.remotePeer, { ...options, remoteAddr: connection.remoteAddr })
      return { status: VerifyResponse.Status.OK, expiresInMs }
    }
    if (!new RegExp(`^\\d{${CODE_LENGTH}}$`).test(req.code)) throw new InvalidVerifyRequestError(`the code must be ${CODE_LENGTH} digits`)
    if (req.identityKey.length !== 32) throw new InvalidVerifyRequestError('the identity key must be 32 bytes')
    const attestation = await this.backend.confirm(req.phone, req.code, req.identityKey, connection.remotePeer, options)
    return { status: VerifyResponse.Status.OK, attestation: Uint8Array.from(attestation) }
  }
}
