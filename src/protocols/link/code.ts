/** Link codes: what a new device shows (QR code or `parley-link:` URI) and the approver scans or pastes; knows nothing of streams or keys' use. */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString as toBase64, fromString as fromBase64 } from 'uint8arrays'
import type { PeerId } from '@libp2p/interface'
import { LINK_SECRET_LENGTH } from '../../crypto/link.js'
import { LINK_CODE_VERSION, LINK_URI_SCHEME, MAX_LINK_CODE_ADDRS, MAX_LINK_URI_CHARS } from './constants.js'
import { InvalidLinkCodeError } from './errors.js'
import { LinkCodePb } from './pb/link.js'

export interface LinkCode {
  peerId: PeerId
  addrs: Multiaddr[]
  /** the new device's X25519 public key for this code */
  ephemeralKey: Uint8Array
  secret: Uint8Array
}

export function encodeLinkCode (code: LinkCode): string {
  const bytes = LinkCodePb.encode({
    version: LINK_CODE_VERSION,
    peerId: code.peerId.toMultihash().bytes,
    addrs: code.addrs.slice(0, MAX_LINK_CODE_ADDRS).map(a => a.bytes),
    ephemeralKey: code.ephemeralKey as Uint8Array<ArrayBuffer>,
    secret: code.secret as Uint8Array<ArrayBuffer>
  })
  return LINK_URI_SCHEME + toBase64(bytes, 'base64url')
}

/** Parses a pasted or scanned code (surrounding blanks are ignored); InvalidLinkCodeError for anything else. */
export function decodeLinkCode (text: string): LinkCode {
  const uri = typeof text === 'string' ? text.trim() : ''
  if (!uri.startsWith(LINK_URI_SCHEME) || uri.length > MAX_LINK_URI_CHARS) throw new InvalidLinkCodeError()
  let pb: LinkCodePb
  let peerId: PeerId
  let addrs: Multiaddr[]
  try {
    pb = LinkCodePb.decode(fromBase64(uri.slice(LINK_URI_SCHEME.length), 'base64url'), { limits: { addrs: MAX_LINK_CODE_ADDRS } })
    // a peer id's string form is the base58btc of its multihash
    peerId = peerIdFromString(toBase64(pb.peerId, 'base58btc'))
    addrs = pb.addrs.map(a => multiaddr(a))
  } catch {
    throw new InvalidLinkCodeError()
  }
  if (pb.version !== LINK_CODE_VERSION) throw new InvalidLinkCodeError('this link code is from another version of Parley: update both devices')
  if (pb.ephemeralKey.length !== 32 || pb.secret.length !== LINK_SECRET_LENGTH || addrs.length === 0) throw new InvalidLinkCodeError()
  return { peerId, addrs, ephemeralKey: pb.ephemeralKey, secret: pb.secret }
}
