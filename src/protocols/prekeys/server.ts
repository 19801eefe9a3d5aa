/** The relay's inbound side of /parley/prekeys/1.0.0: authenticates uploads, assembles fetched bundles; storage and limits are the backend's. */
import { decodePublicKemPreKey, decodePublicOneTimePreKey, decodePublicSignedPreKey, encodePreKeyBundle, type PreKeyBundle } from '../../crypto/prekeys.js'
import { RequestResponseService } from '../request-response.js'
import { PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS } from './constants.js'
import { errorResponse, InvalidPreKeyRequestError } from './errors.js'
import { PreKeyRequest, PreKeyResponse } from './pb/prekeys.js'
import { verifyUpload } from './upload.js'
import type { PreKeyComponents, PreKeyServerInit, PreKeyBackend } from './index.js'
import type { Connection, PeerId } from '@libp2p/interface'

export class PreKeyServer extends RequestResponseService<PreKeyRequest, PreKeyResponse> {
  private readonly peerId: PeerId
  private readonly backend: PreKeyBackend
  private readonly now: () => number

  constructor (components: PreKeyComponents, init: PreKeyServerInit) {
    super(components, {
      protocol: PREKEYS_PROTOCOL,
      name: 'prekeys',
      request: PreKeyRequest,
      response: PreKeyResponse,
      maxMessageSize: MAX_MESSAGE_SIZE,
      timeout: init.timeout ?? TIMEOUT,
      maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS,
      errorResponse: err => {
        const response = errorResponse(err)
        return { response, internal: response.status === PreKeyResponse.Status.INTERNAL }
      }
    })
    this.peerId = components.peerId
    this.backend = init.backend
    this.now = init.now ?? Date.now
  }

  protected async answer (req: PreKeyRequest, connection: Connection, options: { signal?: AbortSignal }): Promise<Partial<PreKeyResponse>> {
    if (req.type === PreKeyRequest.Type.UPLOAD) {
      const upload = verifyUpload(req.uploadBody, req.signature, this.peerId.toString(), this.now())
      if (upload.retire === true) {
        if (this.backend.retire == null) throw new InvalidPreKeyRequestError('this relay cannot retire devices')
        await this.backend.retire(upload.identityKey, upload.deviceId, options)
        return { status: PreKeyResponse.Status.OK, oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 }
      }
      const counts = await this.backend.upload(upload, connection.remotePeer, options)
      return { status: PreKeyResponse.Status.OK, ...counts }
    }
    if (req.identityKey.length !== 32) throw new InvalidPreKeyRequestError('the identity key must be 32 bytes')
    const got = await this.backend.fetch(req.identityKey, connection.remotePeer, { ...options, ...(req.deviceId != null ? { deviceId: req.deviceId } : {}) })
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
