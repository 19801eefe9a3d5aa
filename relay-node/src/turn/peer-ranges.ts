/** Which peer addresses the relay's TURN server refuses to relay to (loopback, private, link-local, multicast, reserved), as coturn `denied-peer-ip` lines and as a check for the embedded server. Knows nothing of TURN messages. */
import { BlockList, isIPv4, isIPv6 } from 'node:net'

/** An inclusive address range and why it is denied. */
interface DeniedRange {
  first: string
  last: string
  family: 'ipv4' | 'ipv6'
  what: string
  /** false: left out of coturn's lines (coturn 4.6.1 reads `denied-peer-ip=::` as every address) */
  coturn?: false
}

const v4 = (first: string, last: string, what: string): DeniedRange => ({ first, last, family: 'ipv4', what })
const v6 = (first: string, last: string, what: string): DeniedRange => ({ first, last, family: 'ipv6', what })

/** Loopback: the relay machine's own services. Allowed only for tests (`--turn-allow-loopback`), where both peers are on it. */
const LOOPBACK: DeniedRange[] = [
  v4('127.0.0.0', '127.255.255.255', 'loopback'),
  v6('::1', '::1', 'loopback')
]

/**
 * Everything else a TURN server on the internet has no business relaying to: the operator's own networks (private,
 * carrier-grade NAT, link-local: the cloud metadata service lives at 169.254.169.254), "this network", documentation
 * and benchmarking ranges, multicast and reserved space, and NAT64 (which reaches IPv4 addresses through IPv6). Peers
 * behind NATs show their public (server-reflexive or relayed) addresses, so calls never need these.
 */
const ALWAYS_DENIED: DeniedRange[] = [
  v4('0.0.0.0', '0.255.255.255', '"this" network'),
  v4('10.0.0.0', '10.255.255.255', 'private'),
  v4('100.64.0.0', '100.127.255.255', 'carrier-grade NAT'),
  v4('169.254.0.0', '169.254.255.255', 'link-local'),
  v4('172.16.0.0', '172.31.255.255', 'private'),
  v4('192.0.0.0', '192.0.0.255', 'IETF protocol assignments'),
  v4('192.0.2.0', '192.0.2.255', 'documentation'),
  v4('192.168.0.0', '192.168.255.255', 'private'),
  v4('198.18.0.0', '198.19.255.255', 'benchmarking'),
  v4('198.51.100.0', '198.51.100.255', 'documentation'),
  v4('203.0.113.0', '203.0.113.255', 'documentation'),
  v4('224.0.0.0', '255.255.255.255', 'multicast, reserved and broadcast'),
  { ...v6('::', '::', 'unspecified'), coturn: false },
  v6('64:ff9b::', '64:ff9b::ffff:ffff', 'NAT64'),
  v6('100::', '100::ffff:ffff:ffff:ffff', 'discard'),
  v6('2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'),
  v6('fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique local'),
  v6('fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'),
  v6('ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast')
]

function deniedRanges (allowLoopback: boolean): DeniedRange[] {
  return allowLoopback ? ALWAYS_DENIED : [...LOOPBACK, ...ALWAYS_DENIED]
}

/** coturn config lines: one `denied-peer-ip=first-last` per range (loopback is coturn's own default unless `allow-loopback-peers`; `::` is left out, see DeniedRange). */
export function coturnDeniedPeerLines (allowLoopback: boolean): string[] {
  return deniedRanges(allowLoopback).filter(r => r.coturn !== false).map(r => `denied-peer-ip=${r.first === r.last ? r.first : `${r.first}-${r.last}`}`)
}

/** A check for the embedded server: true when the relay must not relay to `address` (anything not an IP address is denied too). */
export function deniedPeerCheck (allowLoopback: boolean): (address: string) => boolean {
  const list = new BlockList()
  for (const r of deniedRanges(allowLoopback)) list.addRange(r.first, r.last, r.family)
  return address => {
    // an IPv4-mapped IPv6 address is checked as the IPv4 address it is (BlockList does so)
    if (isIPv4(address)) return list.check(address, 'ipv4')
    if (isIPv6(address)) return list.check(address, 'ipv6')
    return true
  }
}
