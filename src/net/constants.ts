/** Network-wide constants shared by relays, Node clients and browser nodes. Knows nothing of messages or keys. */

/** Parley's own Kademlia protocol id: keeps the Parley DHT apart from the public IPFS DHT. */
export const DHT_PROTOCOL = '/parley/kad/1.0.0'

/** Agent string announced over identify. */
export const AGENT_VERSION = 'parley/0.1.0'

/**
 * ICE servers used for WebRTC when none are configured: none. Parley sends no
 * traffic to third-party STUN servers by default (it would reveal every user's IP
 * to them); relays may hand out STUN/TURN later (docs/design.md §8). See docs/network.md.
 */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = []

/** How long a dial may take before it is abandoned (ms). */
export const DIAL_TIMEOUT_MS = 10_000
