/** An ICE server as the relay hands it out (RTCIceServer plus the credential's expiry) and the checks both ends apply to it before it crosses the wire. Knows nothing of how credentials are made or of TURN servers. */
import { MAX_ICE_SERVERS, MAX_ICE_URLS, MAX_ICE_URL_CHARS, MAX_TURN_CREDENTIAL_CHARS, MAX_TURN_USERNAME_CHARS } from './constants.js'

/**
 * One ICE server, in the shape `RTCPeerConnection`'s `iceServers` takes (the extra `expiresAt` is ignored there):
 * the relay's `stun:` url and its `turn:` urls, with a short-lived TURN REST API credential.
 */
export interface IceServer {
  /** `stun:host:port`, `turn:host:port?transport=udp|tcp` (and `turns:`) */
  urls: string[]
  /** `<expiry in unix seconds>:<random id>`; the id names no user or device */
  username: string
  /** base64(HMAC-SHA1(the relay's TURN secret, username)) */
  credential: string
  /** ms since the epoch after which the TURN server refuses new allocations with it (a call already up keeps its allocation) */
  expiresAt: number
}

/** stun:, stuns:, turn: or turns: with a host, an optional port and an optional `?transport=udp|tcp`. */
const ICE_URL = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/

/** Why the ICE server breaks the rules, or undefined when it keeps them. */
function problemOf (server: IceServer): string | undefined {
  if (server.urls.length === 0 || server.urls.length > MAX_ICE_URLS) return `an ICE server has 1..${MAX_ICE_URLS} urls`
  for (const url of server.urls) {
    if (url.length > MAX_ICE_URL_CHARS) return `an ICE url has at most ${MAX_ICE_URL_CHARS} characters`
    const m = ICE_URL.exec(url)
    if (m == null) return `not a stun: or turn: url: '${url.slice(0, 64)}'`
    if (m[3] != null && Number(m[3].slice(1)) > 65535) return `port out of range in '${url.slice(0, 64)}'`
  }
  if (server.username.length === 0 || server.username.length > MAX_TURN_USERNAME_CHARS) return `a TURN username has 1..${MAX_TURN_USERNAME_CHARS} characters`
  if (server.credential.length === 0 || server.credential.length > MAX_TURN_CREDENTIAL_CHARS) return `a TURN credential has 1..${MAX_TURN_CREDENTIAL_CHARS} characters`
  if (!Number.isSafeInteger(server.expiresAt) || server.expiresAt <= 0) return 'an ICE server expires at a positive time'
  return undefined
}

/**
 * Checks a list of ICE servers against the protocol's limits (count, urls, sizes, url syntax); throws
 * `fail(reason)`. The relay checks what its backend made, the client what the relay sent.
 */
export function checkIceServers (servers: IceServer[], fail: (reason: string) => Error): void {
  if (servers.length === 0 || servers.length > MAX_ICE_SERVERS) throw fail(`1..${MAX_ICE_SERVERS} ICE servers`)
  for (const server of servers) {
    const problem = problemOf(server)
    if (problem != null) throw fail(problem)
  }
}

/** `host` as a url's host: IPv6 addresses in brackets. */
export function urlHost (host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}
