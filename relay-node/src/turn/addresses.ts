/** Where the relay's TURN server listens and what it announces: the local relay IP, the host in the ICE urls, the external IP of allocations; from the flags or the relay's listen and announce addresses. Knows nothing of TURN messages. */
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError, type RelayConfig } from '../config.js'
import { urlHost } from '../../../src/protocols/turn/ice-servers.js'

export interface TurnAddresses {
  /** the local IP the TURN server listens on and relays from */
  relayIp: string
  /** the host (IP or DNS name) clients reach it at: the host of the ICE urls */
  host: string
  /** the public IP reported for allocations when it differs from relayIp (a 1:1 NAT) */
  externalIp?: string
}

type TurnAddressConfig = Pick<RelayConfig, 'listen' | 'announce' | 'turnHost' | 'turnRelayIp' | 'turnExternalIp'>

const UNSPECIFIED = new Set(['0.0.0.0', '::'])

/** The host of the first multiaddr with an IP or DNS component. */
function firstHost (addrs: string[]): string | undefined {
  for (const a of addrs) {
    const host = multiaddr(a).getComponents().find(c => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))?.value
    if (host != null) return host
  }
  return undefined
}

/**
 * The TURN server's addresses. The host defaults to the relay's listen host (the first --listen address), or its
 * first --announce host when it listens on all interfaces; the relay IP to the listen IP, or the host when that is an
 * IP; the external IP to the host when that is an IP other than the relay IP. ConfigError when no relay IP follows.
 */
export function turnAddresses (config: TurnAddressConfig): TurnAddresses {
  const listen = firstHost(config.listen)
  const specificListen = listen != null && !UNSPECIFIED.has(listen) ? listen : undefined
  const host = config.turnHost ?? specificListen ?? firstHost(config.announce)
  if (host == null || UNSPECIFIED.has(host)) throw new ConfigError('--turn: the relay listens on all interfaces and announces no address; give --turn-host (the address clients reach TURN at)')
  const relayIp = config.turnRelayIp ?? (specificListen != null && isIP(specificListen) !== 0 ? specificListen : undefined) ?? (isIP(host) !== 0 ? host : undefined)
  if (relayIp == null) throw new ConfigError(`--turn: cannot tell which local address to relay from (--turn-host ${host} is a name); give --turn-relay-ip`)
  const externalIp = config.turnExternalIp ?? (isIP(host) !== 0 && host !== relayIp ? host : undefined)
  return { relayIp, host, ...(externalIp != null && externalIp !== relayIp ? { externalIp } : {}) }
}

/** The ICE urls of the relay's TURN server: STUN, TURN over UDP, and (coturn) TURN over TCP for networks that block UDP. */
export function turnUrls (host: string, port: number, tcp: boolean): string[] {
  const h = `${urlHost(host)}:${port}`
  return [`stun:${h}`, `turn:${h}?transport=udp`, ...(tcp ? [`turn:${h}?transport=tcp`] : [])]
}
