/** Kademlia's end of a lookup: tracks the peers a query has heard of by XOR distance to the key and tells when the closest of them have all answered; knows no records and no DHT beyond peer ids. */
import type { PeerId } from '@libp2p/interface'
import { providerOf } from '../crypto/deps.js'
import type { CryptoProvider } from '../crypto/provider.js'

type State = 'heard' | 'answered' | 'failed'

function xor (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

function compare (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/**
 * The quorum rule: a lookup may end once the `quorum` closest peers it knows of (that did not fail)
 * have all answered. Distances are those kad-dht uses: sha256 of the key and of each peer id's multihash.
 * Peers that fail (no answer, invalid record) drop out, so the next closest must answer in their place.
 */
export class ClosestPeers {
  private readonly target: Uint8Array
  private readonly peers = new Map<string, { distance: Uint8Array, state: State }>()
  private readonly provider: CryptoProvider

  constructor (key: Uint8Array, private readonly quorum: number, provider?: CryptoProvider) {
    this.provider = providerOf({ provider })
    this.target = this.provider.sha256(key)
  }

  /** `name` is the peer id's string form, which the caller has at hand (encoding it again costs more than the rest) */
  private entry (id: PeerId, name: string): { distance: Uint8Array, state: State } {
    let e = this.peers.get(name)
    if (e == null) {
      e = { distance: xor(this.provider.sha256(id.toMultihash().bytes), this.target), state: 'heard' }
      this.peers.set(name, e)
    }
    return e
  }

  /** A response named this peer as closer to the key. */
  heard (id: PeerId, name = id.toString()): void {
    this.entry(id, name)
  }

  answered (id: PeerId, name = id.toString()): void {
    this.entry(id, name).state = 'answered'
  }

  failed (id: PeerId, name = id.toString()): void {
    const e = this.entry(id, name)
    if (e.state !== 'answered') e.state = 'failed'
  }

  /** The `quorum` closest peers that did not fail have all answered (never with fewer than `quorum` candidates). */
  get done (): boolean {
    if (!(this.quorum > 0) || !Number.isFinite(this.quorum)) return false
    const live = [...this.peers.values()].filter(e => e.state !== 'failed')
    if (live.length < this.quorum) return false
    live.sort((a, b) => compare(a.distance, b.distance))
    for (let i = 0; i < this.quorum; i++) if (live[i].state !== 'answered') return false
    return true
  }
}
