/** The relay's inbound side of /parley/prekeys/1.0.0: authenticates uploads, assembles fetched bundles; storage and limits are the backend's. */
import { serviceCapabilities } from '@libp2p/interface'
import { decodePublicKemPreKey, decodePublicOneTimePreKey, decodePublicSignedPreKey, encodePreKeyBundle, type PreKeyBundle } from '../../crypto/index.js'
import { serveOne } from '../request-response.js'
import { PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS } from './constants.js'
import { errorResponse, InvalidPreKeyRequestError } from './errors.js'
import { PreKeyRequest, PreKeyResponse } from './pb/prekeys.js'
import { verifyUpload } from './upload.js'
import type { PreKeyComponents, PreKeyServerInit, PreKeyBackend } from './index.js'
import type { Connection, Logger, Startable, Stream } from '@libp2p/interface'

export class PreKeyServer implements Startable {
  readonly protocol = PREKEYS_PROTOCOL
  private readonly components: PreKeyComponents
  private readonly backend: PreKeyBackend
  private readonly timeout: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly now: () => number
  private readonly log: Logger
  private started = false

  constructor (components: PreKeyComponents, init: PreKeyServerInit) {
    this.components = components
    this.backend = init.backend
    this.timeout = init.timeout ?? TIMEOUT
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.now = init.now ?? Date.now
    this.log = components.logger.forComponent('parley:prekeys')
    this.handle = this.handle.bind(this)
  }

  readonly [Symbol.toStringTag] = '@parley/prekeys'
  readonly [serviceCapabilities]: string[] = ['@parley/prekeys']

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
      request: PreKeyRequest,
      response: PreKeyResponse,
      maxMessageSize: MAX_MESSAGE_SIZE,
      timeout: this.timeout,
      handle: async (req, conn, options) => {
        try {
          return await this.answer(req, conn, options)
        } catch (err) {
          const res = errorResponse(err)
          if (res.status === PreKeyResponse.Status.INTERNAL) this.log.error('prekey request failed inside the backend - %e', err)
          return res
        }
      },
      onError: err => { this.log('prekeys stream from %p aborted - %e', connection.remotePeer, err) }
    })
  }

  private async answer (req: PreKeyRequest, connection: Connection, options: { signal?: AbortSignal }): Promise<Partial<PreKeyResponse>> {
    if (req.type === PreKeyRequest.Type.UPLOAD) {
      const upload = verifyUpload(req.uploadBody, req.signature, this.components.peerId.toString(), this.now())
      const counts = await this.backend.upload(upload, connection.remotePeer, options)
      return { status: PreKeyResponse.Status.OK, ...counts }
    }
    if (req.identityKey.length !== 32) throw new InvalidPreKeyRequestError('the identity key must be 32 bytes')
    const got = await this.backend.fetch(req.identityKey, connection.remotePeer, options)
    const bundle: PreKeyBundle = {
      identityKey: req.identityKey,
      deviceId: got.deviceId,
      signedPreKey: decodePublicSignedPreKey(got.signedPreKey),
      kemPreKey: decodePublicKemPreKey(got.kemPreKey),
      ...(got.oneTimePreKey != null ? { oneTimePreKey: decodePublicOneTimePreKey(got.oneTimePreKey) } : {})
    }
    return {
      status: PreKeyResponse.Status.OK,
      bundle: Uint8Array.from(encodePreKeyBundle(bundle)),
      oneTimePreKeysLeft: got.oneTimePreKeysLeft,
      kemOneTimePreKeysLeft: got.kemOneTimePreKeysLeft
    }
  }
}
