/** The one seam to the facade's private parts for tests, benchmarks and chaos scripts: not exported from the SDK entries; lint keeps web/, the CLI and the entries from importing it, and a test keeps it out of the README bot. */
import type { LocalIdentity, PreKeyManager, SessionManager } from '../session/index.js'
import type { Storage } from '../storage/index.js'
import type { Messenger } from '../messaging/index.js'
import type { ClientNode } from '../net/options.js'
import type { GroupTopics } from '../net/gossip/index.js'
import type { Parley } from './parley.js'
import type { DeviceMaintenance } from './maintenance.js'

/**
 * What a Parley is made of. The fields are TypeScript-private on Parley, so they exist at run time: a page's
 * Parley (browser tests, `page.evaluate`) is read with `parley as unknown as ParleyInternals`.
 */
export interface ParleyInternals {
  node: ClientNode
  storage: Storage
  messenger: Messenger
  sessions: SessionManager
  preKeys: PreKeyManager
  /** the identity key pair, device id and creation time */
  local: LocalIdentity
  /** republish and prekey upkeep */
  maintenance: DeviceMaintenance
  /** the group topics on the node's gossipsub (the group service's validators; peers and their scores) */
  groupTopics: GroupTopics
}

/** The parts of `parley` (the same objects it uses: patching one patches the device). */
export function internals (parley: Parley): ParleyInternals {
  return parley as unknown as ParleyInternals
}
