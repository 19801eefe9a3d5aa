/** Public entry of the Parley SDK for browsers: the browser node factory and `createParley`, the facade on IndexedDB. Knows nothing of the page. */
import { createBrowserNode } from './net/browser.js'
import { openLevel } from './storage/index.js'
import { Parley, type ParleyInit } from './client/parley.js'
import type { AbortOptions } from './storage/index.js'

export { createBrowserNode, BROWSER_DEFAULT_LISTEN, type BrowserNode } from './net/browser.js'
export { type ParleyNodeInit, type ClientNode } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL } from './net/constants.js'
export { multiaddr } from '@multiformats/multiaddr'
export { Parley, type ParleyInit, type WhoAmI, type ParleyEvents, type ReceivedMessage } from './client/parley.js'
export { NotOnParleyError, NotRegisteredError, MAX_TEXT_LENGTH } from './messaging/index.js'
export type { StoredMessage, Conversation, MessageStatus, HistoryCursor, KeyValueStore } from './storage/index.js'
export { NoPendingRegistrationError, NoRelayError, NoVerifierError } from './client/errors.js'
export { normalizePhone, InvalidPhoneNumberError } from './util/phone.js'
export type { LookupResult, DiscoveryReport } from './directory/index.js'

/** Profile names become part of an IndexedDB name: short, and only letters, digits, '-' and '_'. */
export const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/

export class InvalidProfileError extends Error {
  static name = 'InvalidProfileError'
  constructor (message = 'a profile name is 1-64 letters, digits, - or _') {
    super(message)
    this.name = 'InvalidProfileError'
  }
}

export interface BrowserParleyInit extends Omit<ParleyInit, 'createNode' | 'dataDir' | 'storage' | 'closeStorage'> {
  /** which identity of this browser: each profile has its own IndexedDB database `parley-<profile>` and so its own keys @default 'default' */
  profile?: string
}

/** The IndexedDB database name of a profile. */
export function profileDatabase (profile: string): string {
  if (!PROFILE_NAME.test(profile)) throw new InvalidProfileError()
  return `parley-${profile}`
}

/** Parley.create for a browser tab: the browser libp2p node and LevelDB over IndexedDB, one database per profile. */
export async function createParley (init: BrowserParleyInit, options?: AbortOptions): Promise<Parley> {
  const { profile = 'default', ...rest } = init
  const storage = await openLevel(profileDatabase(profile), options)
  try {
    return await Parley.create({ ...rest, storage, closeStorage: true, createNode: createBrowserNode }, options)
  } catch (err) {
    await storage.close()
    throw err
  }
}
