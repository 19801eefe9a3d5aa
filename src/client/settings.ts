/** The user's settings kept in the device's storage (read receipts, …), with the app's init as the default; knows nothing of what they control. */
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'

export interface Settings {
  /** send read receipts when a conversation is marked read */
  readReceipts: boolean
  /** send every call through a TURN relay so the other side never learns this device's address */
  relayCalls: boolean
}

const KEY = 'settings'
const enc = new TextEncoder()
const dec = new TextDecoder()

/** Stored settings over the defaults (an unreadable record counts as none). */
export async function loadSettings (store: KeyValueStore, defaults: Settings, options?: AbortOptions): Promise<Settings> {
  const bytes = await store.get(KEY, options)
  if (bytes == null) return { ...defaults }
  try {
    const stored = JSON.parse(dec.decode(bytes)) as Partial<Settings>
    return {
      readReceipts: typeof stored.readReceipts === 'boolean' ? stored.readReceipts : defaults.readReceipts,
      relayCalls: typeof stored.relayCalls === 'boolean' ? stored.relayCalls : defaults.relayCalls
    }
  } catch {
    return { ...defaults }
  }
}

/** Changes some settings (synced) and returns all of them. */
export async function saveSettings (store: KeyValueStore, defaults: Settings, change: Partial<Settings>, options?: AbortOptions): Promise<Settings> {
  const next = { ...await loadSettings(store, defaults, options), ...change }
  await store.put(KEY, enc.encode(JSON.stringify(next)), { ...options, sync: true })
  return next
}
