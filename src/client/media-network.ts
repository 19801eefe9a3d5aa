/** The media layer's relays, on a libp2p node: the blob protocol (`/parley/blob/1.0.0`) with this device as the uploading owner. Adapts it to the media layer's port; knows no file, key or message. */
import type { IdentityKeyPair } from '../crypto/identity.js'
import { downloadBlob, touchBlob, uploadBlob, type BlobNode } from '../protocols/blob/index.js'
import type { BlobRelays } from '../media/media.js'

export interface MediaRelaysInit {
  node: BlobNode
  identity: IdentityKeyPair
  deviceId: number
}

export function mediaRelays (init: MediaRelaysInit): BlobRelays {
  const owner = { identity: init.identity, deviceId: init.deviceId }
  return {
    upload: async (relay, u, options) => {
      const r = await uploadBlob(init.node, relay, { owner, uploadId: u.uploadId, totalBytes: u.totalBytes, chunkBytes: u.chunkBytes, chunk: u.chunk, ...(u.onProgress != null ? { onProgress: u.onProgress } : {}) }, options)
      return { blobId: r.blobId, expiresAt: r.expiresAt }
    },
    download: async (relay, d, options) => await downloadBlob(init.node, relay, { blobId: d.blobId, ...(d.fromChunk != null ? { fromChunk: d.fromChunk } : {}) }, options),
    touch: async (relay, blobId, options) => await touchBlob(init.node, relay, blobId, options)
  }
}
