/** What the group service needs from the layers around it (injected by the client facade): the 1:1 control channel, the directory, gossipsub, the relays' group store, and the device's own facts. Knows no libp2p node and no implementation. */
import type { AbortOptions } from '@libp2p/interface'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import type { DeviceAddress, StoreOptions } from '../../storage/index.js'

/** The 1:1 sessions, as the messenger offers them: a control payload to every device of a number, reliably. */
export interface ControlChannel {
  sendGroupControl: (to: string, control: Uint8Array, options?: StoreOptions) => Promise<string>
}

/** A member's account as the directory has it now. */
export interface MemberRecord {
  identityKey: Uint8Array
  /** its mailbox relays (multiaddrs or peer ids as the directory lists them) */
  mailboxRelays: string[]
  /** libp2p peer ids of its devices */
  peers: string[]
  /** a trusted verifier attested the number for this identity key */
  verified: boolean
}

/** Looks numbers up in the directory: undefined when the number is not on Parley. */
export interface MemberDirectory {
  lookup: (e164: string, options?: AbortOptions) => Promise<MemberRecord | undefined>
}

export type GossipVerdict = 'accept' | 'reject' | 'ignore'

/** Gossipsub topics (src/net/gossip.ts): one per group, named by the group's topic hash. */
export interface GroupPubsub {
  join: (topic: Uint8Array, handlers: {
    validate: (data: Uint8Array) => Promise<GossipVerdict>
  }, options?: AbortOptions) => Promise<void>
  leave: (topic: Uint8Array) => Promise<void>
  /** resolves with the number of peers it went to (0 is not an error: the relays keep the message) */
  publish: (topic: Uint8Array, data: Uint8Array, options?: AbortOptions) => Promise<number>
  /** dial some of these peers so the topic's mesh forms (members' devices) */
  meet?: (peers: string[], options?: AbortOptions) => Promise<void>
  /** how many peers we have on the topic (0: nobody to hear from live; the relays are the only way) */
  peers?: (topic: Uint8Array) => number
}

/** One message as a relay's group store hands it out. */
export interface RelayGroupMessage {
  /** the relay's position, the cursor to acknowledge */
  position: string
  message: Uint8Array
}

/** The relays' group store (`/parley/group-mailbox/1.0.0`), one relay at a time. Failures throw. */
export interface GroupRelays {
  /** stores one message at `relay` for the topic; resolves once the relay has it on disk */
  deposit: (relay: string, topic: Uint8Array, depositKey: Uint8Array, message: Uint8Array, options?: AbortOptions) => Promise<void>
  /** registers the topics at one of our mailbox relays (it keeps what we miss from now on) */
  register: (relay: string, topics: Array<{ topic: Uint8Array, depositCheck: Uint8Array }>, options?: AbortOptions) => Promise<void>
  unregister: (relay: string, topics: Uint8Array[], options?: AbortOptions) => Promise<void>
  /** what the relay kept for us on the topic after our cursor, oldest first; `ack` moves the cursor */
  fetch: (relay: string, topic: Uint8Array, options?: AbortOptions) => Promise<{ messages: RelayGroupMessage[], ack: (position: string) => Promise<void> }>
  /** messages of the topic by ref (repair), from any relay that has them */
  byRef: (relay: string, topic: Uint8Array, depositKey: Uint8Array, refs: Uint8Array[], options?: AbortOptions) => Promise<Uint8Array[]>
}

/** The device's own facts, once registered. */
export interface GroupSelf {
  phone: string
  identity: IdentityKeyPair
  device: DeviceAddress
  mailboxRelays: string[]
}
