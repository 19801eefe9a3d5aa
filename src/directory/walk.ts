/** One walk of a directory key through kad-dht's GET query: the values met, who answered and who failed, ended early by the quorum rule; knows nothing of what the values mean. */
import { constantTimeEqual } from '../crypto/bytes.js'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import type { CryptoProvider } from '../crypto/provider.js'
import { DirectoryUnavailableError } from './errors.js'
import { ClosestPeers } from './closest.js'

/** The part of kad-dht a walk uses. */
export interface WalkDht {
  get(key: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent>
}

export interface Walk {
  /** distinct values met, with the path length to the peer that gave each (0: our own store) */
  values: Array<{ value: Uint8Array, hops: number }>
  /** peers that answered */
  answered: Set<string>
  /** peers asked that gave no answer (down, unreachable, refused) */
  failed: number
  /** the quorum rule ended the walk, before kad-dht's query ran dry */
  endedEarly: boolean
}

export interface WalkOptions extends AbortOptions {
  /** closest peers that must all have answered before the walk ends; 0 walks until kad-dht ends */
  quorum: number
  provider?: CryptoProvider
}

/** Walks `key` once. DirectoryUnavailableError when the query fails before any peer answered. */
export async function walk (dht: WalkDht, key: Uint8Array, options: WalkOptions): Promise<Walk> {
  const depth = new Map<string, number>()
  const result: Walk = { values: [], answered: new Set(), failed: 0, endedEarly: false }
  const closest = new ClosestPeers(key, options.quorum, options.provider)
  const seen = (value: Uint8Array): boolean => result.values.some(v => constantTimeEqual(v.value, value))
  try {
    for await (const event of dht.get(key, options)) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'GET_VALUE') {
        const from = event.from.toString()
        result.answered.add(from)
        closest.answered(event.from, from)
        const d = depth.get(from) ?? 1
        depth.set(from, d)
        for (const c of event.closer) {
          const id = c.id.toString()
          closest.heard(c.id, id)
          if ((depth.get(id) ?? Infinity) > d + 1) depth.set(id, d + 1)
        }
        // kad-dht passes values on as they arrive (already run through the node's validator) but yields
        // its VALUE only when the whole query has ended; take them here so the walk can end early
        if (event.record != null && !seen(event.record.value)) result.values.push({ value: event.record.value, hops: d })
      } else if (event.name === 'QUERY_ERROR') {
        result.failed++
        closest.failed(event.from)
      } else if (event.name === 'VALUE') {
        const from = event.from.toString()
        if (!seen(event.value)) result.values.push({ value: event.value, hops: result.answered.has(from) ? (depth.get(from) ?? 1) : 0 })
      }
      if (closest.done) {
        // leaving the loop aborts kad-dht's query and its requests in flight
        result.endedEarly = true
        break
      }
    }
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    // kad-dht's get throws only before any answer (no peers) or after its walk: its "correction" put of the
    // best value to peers that returned another one fails when such a peer keeps its record (a lying relay,
    // or one whose trusted verifiers differ). The walk's answers are complete then.
    if (result.answered.size === 0) throw new DirectoryUnavailableError('directory query failed', { cause: err })
  }
  return result
}
