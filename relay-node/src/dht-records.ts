/** Seeds the DHT validators' replay tracking from the records a relay stored before a restart; knows kad-dht's datastore layout (`/dht/record/…`), not what the records say. */
import { Libp2pRecord } from '@libp2p/record'
import type { Validators } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'

/** Where kad-dht (default `datastorePrefix` `/dht`) keeps the values it was asked to store. */
export const DHT_RECORD_PREFIX = '/dht/record/'

export interface SeedResult {
  /** stored records the validator accepted, and so now tracks */
  seeded: number
  /** records the validator refused (expired, unknown namespace, undecodable) */
  skipped: number
}

/** The namespace of a DHT key (`/parley-phone/…` → `parley-phone`), the first path segment kad-dht picks validators by. */
function namespaceOf (key: Uint8Array): string {
  const parts = new TextDecoder().decode(key).split('/')
  return parts.length > 2 && parts[0] === '' ? parts[1] : ''
}

/**
 * Runs every stored record through its namespace's validator, which for the directory rules makes it
 * remember the record as the best seen for its key; a later put of an older record is then refused as
 * a replay, as it would have been before the restart. A validator refusal only skips that record.
 */
export async function seedReplayTracking (datastore: Datastore, validators: Validators, options: AbortOptions = {}): Promise<SeedResult> {
  const result: SeedResult = { seeded: 0, skipped: 0 }
  for await (const { value } of datastore.query({ prefix: DHT_RECORD_PREFIX }, options)) {
    try {
      const record = Libp2pRecord.deserialize(value)
      const validate = validators[namespaceOf(record.key)]
      if (validate == null) throw new Error('no validator')
      await validate(record.key, record.value)
      result.seeded++
    } catch {
      options.signal?.throwIfAborted()
      result.skipped++
    }
  }
  return result
}
