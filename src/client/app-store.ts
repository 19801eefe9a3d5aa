/** A narrow key-value area for an app's own settings (the web client's name and region, a bot's state), kept in the device's storage and so in its backups. Knows nothing of what apps store. */
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'

/** App store names: short, letters, digits, '-' and '_'. */
const APP_STORE_NAME = /^[A-Za-z0-9_-]{1,64}$/

export class InvalidAppStoreNameError extends Error {
  static name = 'InvalidAppStoreNameError'
  constructor (message = 'an app store name is 1-64 letters, digits, - or _') {
    super(message)
    this.name = 'InvalidAppStoreNameError'
  }
}

/** An app's own key-value settings. Writes are durable when they resolve. */
export interface AppStore {
  /** The value, or undefined when absent. */
  get (key: string, options?: AbortOptions): Promise<Uint8Array | undefined>
  put (key: string, value: Uint8Array, options?: AbortOptions): Promise<void>
  /** Deleting an absent key is not an error. */
  delete (key: string, options?: AbortOptions): Promise<void>
}

/** The app store `name` over the device's key-value area `app-<name>` (apart from every area the SDK uses). */
export function openAppStore (kv: (area: string) => KeyValueStore, name: string): AppStore {
  if (!APP_STORE_NAME.test(name)) throw new InvalidAppStoreNameError()
  const store = kv(`app-${name}`)
  return {
    get: async (key, options) => await store.get(key, options),
    put: async (key, value, options) => { await store.put(key, value, { ...options, sync: true }) },
    delete: async (key, options) => { await store.del(key, { ...options, sync: true }) }
  }
}
