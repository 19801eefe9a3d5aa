/** Broadcast lists: a named list of contacts kept on this device; a message to the list goes 1:1 to each (each sees a normal chat, replies come back as 1:1 chats). Knows nothing of how a 1:1 message travels. */
import { toHex, type KeyValueStore, type StoreOptions, type StoredMessage } from '../storage/index.js'
import { BroadcastListError } from './errors.js'

/** Most contacts on one list (WhatsApp's limit is 256). */
export const MAX_BROADCAST_RECIPIENTS = 256
/** Longest list name in characters. */
export const MAX_BROADCAST_NAME_LENGTH = 100
/** Lists kept on one device. */
export const MAX_BROADCAST_LISTS = 200

export interface BroadcastList {
  /** 32 lowercase hex characters */
  id: string
  name: string
  phones: string[]
  createdAt: number
}

export interface BroadcastsInit {
  store: KeyValueStore
  random: (n: number) => Uint8Array
  now: () => number
  /** a number in E.164, or BroadcastListError */
  normalize: (phone: string) => string
  /** sends a 1:1 text (the messenger's send: stored, queued, delivered in the background) */
  send: (to: string, text: string, options?: StoreOptions) => Promise<StoredMessage>
}

const ID = /^[0-9a-f]{32}$/

export class Broadcasts {
  constructor (private readonly init: BroadcastsInit) {}

  /** A new list; the numbers are normalised, each kept once. */
  async create (name: string, phones: string[], options?: StoreOptions): Promise<BroadcastList> {
    const trimmed = name.trim()
    if (trimmed === '' || [...trimmed].length > MAX_BROADCAST_NAME_LENGTH) throw new BroadcastListError(`A list name is 1 to ${MAX_BROADCAST_NAME_LENGTH} characters`)
    const numbers = [...new Set(phones.map(p => this.init.normalize(p)))]
    if (numbers.length === 0) throw new BroadcastListError('A broadcast list needs at least one contact')
    if (numbers.length > MAX_BROADCAST_RECIPIENTS) throw new BroadcastListError(`A broadcast list has at most ${MAX_BROADCAST_RECIPIENTS} contacts`)
    if ((await this.list(options)).length >= MAX_BROADCAST_LISTS) throw new BroadcastListError(`At most ${MAX_BROADCAST_LISTS} broadcast lists`)
    const list: BroadcastList = { id: toHex(this.init.random(16)), name: trimmed, phones: numbers, createdAt: this.init.now() }
    await this.init.store.put(list.id, new TextEncoder().encode(JSON.stringify(list)), { ...options, sync: true })
    return list
  }

  async list (options?: StoreOptions): Promise<BroadcastList[]> {
    const out: BroadcastList[] = []
    for await (const e of this.init.store.iterate({}, options)) out.push(JSON.parse(new TextDecoder().decode(e.value)) as BroadcastList)
    return out.sort((a, b) => a.createdAt - b.createdAt)
  }

  async get (id: string, options?: StoreOptions): Promise<BroadcastList> {
    if (!ID.test(id)) throw new BroadcastListError('There is no such broadcast list')
    const bytes = await this.init.store.get(id, options)
    if (bytes == null) throw new BroadcastListError('There is no such broadcast list')
    return JSON.parse(new TextDecoder().decode(bytes)) as BroadcastList
  }

  async remove (id: string, options?: StoreOptions): Promise<void> {
    await this.get(id, options)
    await this.init.store.del(id, { ...options, sync: true })
  }

  /**
   * Sends the text 1:1 to every contact of the list. A contact that cannot get it (not on Parley, blocked until
   * its new safety number is accepted) is reported, the others still get theirs.
   */
  async send (id: string, text: string, options?: StoreOptions): Promise<Array<{ phone: string, id?: string, error?: string }>> {
    const list = await this.get(id, options)
    const out: Array<{ phone: string, id?: string, error?: string }> = []
    for (const phone of list.phones) {
      try {
        out.push({ phone, id: (await this.init.send(phone, text, options)).id })
      } catch (err) {
        out.push({ phone, error: (err as Error).message })
      }
    }
    return out
  }
}
