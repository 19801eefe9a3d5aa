/** The call layer's ICE servers, on a libp2p node: STUN and TURN with short-lived credentials from our mailbox relays that offer them (`/parley/turn/1.0.0`), kept until shortly before they expire. Knows no call, description or media. */
import type { IdentityKeyPair } from '../crypto/identity.js'
import { requestTurnCredentials, TurnAuthError, TurnNotOfferedError, type TurnNode, type IceServer } from '../protocols/turn/index.js'
import type { AbortOptions } from '@libp2p/interface'

/** A credential is asked for again this long before it expires (a call set up then keeps its allocation anyway). */
const TURN_RENEW_BEFORE_MS = 10 * 60_000
/** How long a call waits for one relay's credentials before it goes on without them (direct paths may do). */
const TURN_REQUEST_TIMEOUT_MS = 3_000
/** A relay that said it offers no TURN (or does not know us) is not asked again for this long. */
const TURN_NOT_OFFERED_MS = 10 * 60_000

export interface CallIceInit {
  node: TurnNode
  identity: IdentityKeyPair
  deviceId: number
  /** our mailbox relays' multiaddrs */
  relays: (options?: AbortOptions) => Promise<string[]>
  now: () => number
  onError?: (err: unknown) => void
}

/** `iceServers(options)` for the Calls service: every relay asked at once, each within TURN_REQUEST_TIMEOUT_MS. */
export function callIceServers (init: CallIceInit): (options?: AbortOptions) => Promise<RTCIceServer[]> {
  const cache = new Map<string, { servers: IceServer[], until: number }>()
  const fetch = async (relay: string, options?: AbortOptions): Promise<IceServer[]> => {
    const kept = cache.get(relay)
    if (kept != null && kept.until > init.now()) return kept.servers
    try {
      const servers = await requestTurnCredentials(init.node, relay, { identity: init.identity, deviceId: init.deviceId }, { ...options, timeout: TURN_REQUEST_TIMEOUT_MS })
      const expires = Math.min(...servers.map(s => s.expiresAt))
      cache.set(relay, { servers, until: expires - TURN_RENEW_BEFORE_MS })
      return servers
    } catch (err) {
      // no TURN there (or we have no prekeys there yet): a normal answer, remembered for a while
      if (err instanceof TurnNotOfferedError || err instanceof TurnAuthError) cache.set(relay, { servers: [], until: init.now() + TURN_NOT_OFFERED_MS })
      else init.onError?.(err)
      return []
    }
  }
  return async options => {
    const relays = await init.relays(options)
    const answers = await Promise.all(relays.map(async r => await fetch(r, options)))
    return answers.flat().map(s => ({ urls: s.urls, username: s.username, credential: s.credential }))
  }
}
