/**
 * @packageDocumentation
 *
 * Linking a new device to an account (`/parley/link/1.0.0`, docs/devices.md). The new device shows a
 * link code (`encodeLinkCode`: its peer id, addresses, an ephemeral X25519 key and a secret); an existing
 * device of the account decodes it, dials that peer and opens a `LinkChannel` (`openLink`), the new device
 * accepts it (`acceptLink`) with the offer behind its code. Both then exchange sealed `LinkMessagePb`s:
 * what they say is the client's business (src/client/linking.ts).
 *
 * @example
 *
 * ```typescript
 * const offer = createLinkOffer(systemRandom)
 * const uri = encodeLinkCode({ peerId: node.peerId, addrs: node.getMultiaddrs(), ephemeralKey: offer.publicKey, secret: offer.secret })
 * await node.handle(LINK_PROTOCOL, async (stream, connection) => {
 *   const channel = await acceptLink(stream, connection, offer, node.peerId.toMultihash().bytes)
 *   const { grant } = await channel.receive()
 * })
 * // on the existing device
 * const channel = await openLink(existing, decodeLinkCode(uri))
 * await channel.send({ grant: { phone, ... } })
 * ```
 */
export { LINK_PROTOCOL, LINK_URI_SCHEME, MAX_LINK_FRAME_BYTES, LINK_ARCHIVE_CHUNK_BYTES, LINK_FRAME_TIMEOUT_MS, MAX_LINK_CODE_ADDRS } from './constants.js'
export { InvalidLinkCodeError, LinkRefusedError, LinkBrokenError } from './errors.js'
export { encodeLinkCode, decodeLinkCode } from './code.js'
export type { LinkCode } from './code.js'
export { LinkChannel, openLink, acceptLink } from './channel.js'
export type { LinkChannelOptions } from './channel.js'
export type { LinkMessagePb, LinkGrantPb, LinkAcceptPb, LinkEntryPb } from './pb/link.js'
