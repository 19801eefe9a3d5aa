/** The address a remote peer is rate-limited by: its IPv4 address, or the /64 of its IPv6 address. Knows nothing of what is limited. */
import type { Multiaddr } from '@multiformats/multiaddr'

/** Leading IPv6 groups kept: one host (one home, one VM) is usually handed a whole /64, so limiting single IPv6 addresses would limit nothing. */
const IPV6_BUCKET_GROUPS = 4

/** Eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail expanded), or undefined when it is not one. */
function ipv6Groups (ip: string): number[] | undefined {
  let text = ip.split('%')[0].toLowerCase()
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4 != null) {
    const octets = v4[2].split('.').map(Number)
    if (octets.some(o => o > 255)) return undefined
    text = `${v4[1]}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (s: string): number[] | undefined => {
    if (s === '') return []
    const parts = s.split(':')
    if (parts.some(p => !/^[0-9a-f]{1,4}$/.test(p))) return undefined
    return parts.map(p => parseInt(p, 16))
  }
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  if (head == null || tail == null) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  if (missing < 1) return undefined
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}

/**
 * `ip4:A.B.C.D`, or `ip6:G1:G2:G3:G4::/64` (an IPv4-mapped IPv6 address counts as its IPv4 address), from the
 * first IP component of `addr`; undefined when it has none (e.g. a browser's WebRTC address with no IP yet).
 * For a relayed connection (`…/p2p-circuit`) this is the relaying node's address, so everyone relayed by one
 * node shares its bucket.
 */
export function ipBucket (addr: Multiaddr): string | undefined {
  for (const c of addr.getComponents()) {
    if (c.name === 'ip4' && c.value != null) return `ip4:${c.value}`
    if (c.name === 'ip6' && c.value != null) {
      const groups = ipv6Groups(c.value)
      if (groups == null) return `ip6:${c.value}`
      if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
        return `ip4:${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`
      }
      return `ip6:${groups.slice(0, IPV6_BUCKET_GROUPS).map(g => g.toString(16)).join(':')}::/64`
    }
  }
  return undefined
}
