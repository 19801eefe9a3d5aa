/** The addresses a node knows for a relay besides the one a record names (live connections and the peer store): a deposit dials whichever works. Knows nothing of what is deposited. */
import { peerIdFromString } from '@libp2p/peer-id'
import type { AbortOptions, Connection, PeerId, PeerStore } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What is read of the node: its connections to a peer and the peer store. */
export interface AddressBookNode {
  getConnections(peerId?: PeerId): Connection[]
  peerStore: Pick<PeerStore, 'get'>
}

/** The addresses our node knows for the relay named in `relay` (connections and peer store), each ending in its peer id; no circuit addresses. */
export async function knownAddresses (node: AddressBookNode, relay: Multiaddr, options?: AbortOptions): Promise<Multiaddr[]> {
  const id = relay.getComponents().findLast(c => c.name === 'p2p')?.value
  if (id == null) return []
  const peerId = peerIdFromString(id)
  const withId = (a: Multiaddr): Multiaddr => a.getComponents().some(c => c.name === 'p2p') ? a : a.encapsulate(`/p2p/${id}`)
  const live = node.getConnections(peerId).filter(c => c.limits == null).map(c => withId(c.remoteAddr))
  const stored = await node.peerStore.get(peerId, options).then(p => p.addresses.map(a => withId(a.multiaddr)), () => [])
  return [...live, ...stored].filter(a => !a.getComponents().some(c => c.name === 'p2p-circuit'))
}
