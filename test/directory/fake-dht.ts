/** An in-process stand-in for kad-dht's get/put: one store that runs the directory rules (validator and store rule) on put and answers get with every stored and injected value. */
import { peerIdFromString } from '@libp2p/peer-id'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { DirectoryDht, DirectoryDhtRules } from '../../src/directory/index.js'

const PEER = peerIdFromString('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN')
const key = (k: Uint8Array): string => new TextDecoder().decode(k)

export class FakeDht implements DirectoryDht {
  readonly store = new Map<string, Uint8Array>()
  /** extra values returned by get (as if other peers held them), e.g. forgeries */
  readonly injected = new Map<string, Uint8Array[]>()
  gets = 0
  puts = 0
  /** when set, put fails with this error */
  failPuts?: Error

  constructor (private readonly rules?: DirectoryDhtRules) {}

  async * put (k: Uint8Array, value: Uint8Array): AsyncIterable<QueryEvent> {
    this.puts++
    if (this.failPuts != null) throw this.failPuts
    // what a DHT node with the directory datastore does: validate, then keep the stored record unless this one replaces it
    await this.rules?.validators['parley-phone'](k, value)
    this.rules?.admit(k, value, this.store.get(key(k)))
    this.store.set(key(k), value)
    yield { name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', from: PEER, closer: [], providers: [], record: { key: k, value } } as unknown as QueryEvent
  }

  async * get (k: Uint8Array): AsyncIterable<QueryEvent> {
    this.gets++
    yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from: PEER, closer: [], providers: [] } as unknown as QueryEvent
    const values = [...(this.injected.get(key(k)) ?? [])]
    const stored = this.store.get(key(k))
    if (stored != null) values.push(stored)
    for (const value of values) yield { name: 'VALUE', from: PEER, value } as unknown as QueryEvent
  }
}
