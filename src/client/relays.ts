/** The relays this device starts from and their health: a persisted list merged with the configured bootstrap, pinged on demand. Knows nothing of the directory record. */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'
import type { ClientNode } from '../net/options.js'
import { InvalidRelayAddressError, LastRelayError } from './errors.js'

/** A relay that does not answer a ping within this time shows as unreachable: long enough for a slow mobile link, short for a settings screen. */
export const RELAY_PING_TIMEOUT_MS = 3_000
/** Adding a relay waits this long for the first connection. */
const RELAY_DIAL_TIMEOUT_MS = 10_000

export interface RelayInfo {
  addr: string
  peerId: string
  connected: boolean
  /** round trip of a fresh ping; absent when it did not answer in time */
  rttMs?: number
  /** one of the relays our directory record names as our mailboxes */
  mailbox: boolean
  /** in the bootstrap list the app was started with (false: added by the user) */
  bootstrap: boolean
}

/** What the user changed: relays added beyond the configured bootstrap, and configured ones removed. */
interface RelayChanges { added: string[], removed: string[] }

const KEY = 'changes'
const enc = new TextEncoder()
const dec = new TextDecoder()

/** Parses and checks a relay address: a multiaddr that names the relay's peer id. */
export function parseRelayAddress (addr: string): { ma: Multiaddr, peerId: string } {
  let ma: Multiaddr
  try {
    ma = multiaddr(addr.trim())
  } catch {
    throw new InvalidRelayAddressError()
  }
  const peerId = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  if (peerId == null) throw new InvalidRelayAddressError()
  try {
    peerIdFromString(peerId)
  } catch {
    throw new InvalidRelayAddressError()
  }
  return { ma, peerId }
}

async function loadChanges (store: KeyValueStore, options?: AbortOptions): Promise<RelayChanges> {
  const bytes = await store.get(KEY, options)
  if (bytes == null) return { added: [], removed: [] }
  try {
    const c = JSON.parse(dec.decode(bytes)) as RelayChanges
    return { added: c.added.filter(a => typeof a === 'string'), removed: c.removed.filter(a => typeof a === 'string') }
  } catch {
    return { added: [], removed: [] } // unreadable: fall back to the configured list
  }
}

/** The relays to start from: the configured bootstrap plus those the user added, minus those removed. */
export async function effectiveRelays (store: KeyValueStore, configured: string[], options?: AbortOptions): Promise<string[]> {
  const c = await loadChanges(store, options)
  const removed = new Set(c.removed)
  return [...new Set([...configured, ...c.added])].filter(a => !removed.has(a))
}

export interface RelayListInit {
  store: KeyValueStore
  node: ClientNode
  /** the bootstrap list the app was started with */
  configured: string[]
  /** our mailbox relays from the registration, [] when not registered */
  mailboxRelays: (options?: AbortOptions) => Promise<string[]>
}

export class RelayList {
  constructor (private readonly init: RelayListInit) {}

  async addrs (options?: AbortOptions): Promise<string[]> {
    return await effectiveRelays(this.init.store, this.init.configured, options)
  }

  /** Every relay we start from or keep mail at, with a fresh ping of each (in parallel, bounded by RELAY_PING_TIMEOUT_MS). */
  async list (options?: AbortOptions): Promise<RelayInfo[]> {
    const mailbox = new Set(await this.init.mailboxRelays(options))
    const addrs = [...new Set([...await this.addrs(options), ...mailbox])]
    const configured = new Set(this.init.configured)
    return await Promise.all(addrs.map(async addr => {
      let parsed: { ma: Multiaddr, peerId: string }
      try {
        parsed = parseRelayAddress(addr)
      } catch {
        return { addr, peerId: '', connected: false, mailbox: mailbox.has(addr), bootstrap: configured.has(addr) }
      }
      const rttMs = await this.ping(parsed.ma, parsed.peerId, options)
      const connected = this.init.node.getConnections(peerIdFromString(parsed.peerId)).length > 0
      return { addr, peerId: parsed.peerId, connected, ...(rttMs != null ? { rttMs } : {}), mailbox: mailbox.has(addr), bootstrap: configured.has(addr) }
    }))
  }

  /** Adds a relay (persisted, used at the next start) and dials it now. Returns its state; an unreachable relay is kept but shows connected: false. */
  async add (addr: string, options?: AbortOptions): Promise<RelayInfo> {
    const { ma } = parseRelayAddress(addr)
    const canonical = ma.toString()
    const c = await loadChanges(this.init.store, options)
    if (!c.added.includes(canonical) && !this.init.configured.includes(canonical)) c.added.push(canonical)
    c.removed = c.removed.filter(a => a !== canonical)
    await this.save(c, options)
    const signal = AbortSignal.any([AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS), ...(options?.signal != null ? [options.signal] : [])])
    await this.init.node.dial(ma, { signal }).catch(() => {}) // unreachable now: list() shows it, the next start tries again
    return (await this.list(options)).find(r => r.addr === canonical) as RelayInfo
  }

  /** Removes a relay from the start list (persisted) and hangs up on it; LastRelayError when it is the only one left. */
  async remove (addr: string, options?: AbortOptions): Promise<void> {
    const { ma, peerId } = parseRelayAddress(addr)
    const canonical = ma.toString()
    const current = await this.addrs(options)
    if (current.includes(canonical) && current.length <= 1) throw new LastRelayError()
    const c = await loadChanges(this.init.store, options)
    c.added = c.added.filter(a => a !== canonical)
    if (this.init.configured.includes(canonical) && !c.removed.includes(canonical)) c.removed.push(canonical)
    await this.save(c, options)
    // still one of our mailboxes: keep the connection, mail is fetched over it until the record changes
    if (!(await this.init.mailboxRelays(options)).includes(canonical)) await this.init.node.hangUp(peerIdFromString(peerId), options).catch(() => {})
  }

  private async save (c: RelayChanges, options?: AbortOptions): Promise<void> {
    await this.init.store.put(KEY, enc.encode(JSON.stringify(c)), { ...options, sync: true })
  }

  private async ping (ma: Multiaddr, peerId: string, options?: AbortOptions): Promise<number | undefined> {
    const signal = AbortSignal.any([AbortSignal.timeout(RELAY_PING_TIMEOUT_MS), ...(options?.signal != null ? [options.signal] : [])])
    try {
      return await this.init.node.services.ping.ping(ma, { signal })
    } catch {
      // libp2p allows one outbound ping stream per connection, and its connection monitor pings every
      // few seconds: when ours is refused for that, the monitor's fresh measurement stands in
      const rtt = this.init.node.getConnections(peerIdFromString(peerId)).map(c => c.rtt).find(r => r != null)
      return rtt
    }
  }
}
