// The relay's TURN pieces that need no server: TURN REST API credentials (checked against an HMAC computed here), the secret file, the addresses and urls the flags lead to, the flags' checks, the denied peer ranges, and the coturn configuration the relay writes.
import { describe, it, expect } from 'vitest'
import { createHmac } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkTurnCredential, issueTurnCredential, loadOrCreateTurnSecret, turnPassword, usernameExpiry, TURN_SECRET_FILE } from '../../relay-node/src/turn/credentials.js'
import { turnAddresses, turnUrls } from '../../relay-node/src/turn/addresses.js'
import { coturnDeniedPeerLines, deniedPeerCheck } from '../../relay-node/src/turn/peer-ranges.js'
import { coturnConfig, findOnPath } from '../../relay-node/src/turn/coturn.js'
import { ConfigError, parseRelayConfig, usage } from '../../relay-node/src/config.js'
import { tempDir } from '../helpers/tmp.js'

const SECRET = 'ab'.repeat(32)

describe('TURN REST API credentials', () => {
  it('are `<expiry seconds>:<random id>` with base64(HMAC-SHA1(secret, username)), as coturn computes them', () => {
    const cred = issueTurnCredential(SECRET, 1_800_000_000_999)
    expect(cred.username).toMatch(/^1800000000:[A-Za-z0-9_-]{22}$/)
    expect(cred.expiresAt).toBe(1_800_000_000_000)
    expect(cred.credential).toBe(createHmac('sha1', SECRET).update(cred.username).digest('base64'))
    expect(turnPassword(SECRET, '1234:abc')).toBe(createHmac('sha1', Buffer.from(SECRET)).update('1234:abc').digest('base64'))
    expect(usernameExpiry(cred.username)).toBe(1_800_000_000_000)
    for (const bad of ['', 'abc', '12:', ':abc', '12:a b', '12:abc:def', `${'9'.repeat(13)}:x`]) expect(usernameExpiry(bad), bad).toBeUndefined()
    // two credentials share nothing but the expiry
    expect(issueTurnCredential(SECRET, 1_800_000_000_000).username).not.toBe(cred.username)
    expect(() => issueTurnCredential(SECRET, 0)).toThrow(RangeError)
  })

  it('check out only with the same secret, the same username and before the expiry', () => {
    const now = Date.now()
    const cred = issueTurnCredential(SECRET, now + 60_000)
    expect(checkTurnCredential(SECRET, cred.username, cred.credential, now)).toBe(true)
    expect(checkTurnCredential('ba'.repeat(32), cred.username, cred.credential, now)).toBe(false)
    expect(checkTurnCredential(SECRET, cred.username, cred.credential, cred.expiresAt)).toBe(false)
    // moving the expiry later in the username breaks the MAC
    const later = cred.username.replace(/^\d+/, String(Math.floor(now / 1000) + 86_400))
    expect(checkTurnCredential(SECRET, later, cred.credential, now)).toBe(false)
    expect(checkTurnCredential(SECRET, cred.username, cred.credential.slice(0, -2), now)).toBe(false)
  })

  it('use a secret made once per relay, kept in DATA/turn.secret (0600), refused when damaged', async () => {
    const dir = await tempDir()
    try {
      const secret = await loadOrCreateTurnSecret(dir.path)
      expect(secret).toMatch(/^[0-9a-f]{64}$/)
      expect(await loadOrCreateTurnSecret(dir.path)).toBe(secret)
      const file = join(dir.path, TURN_SECRET_FILE)
      expect((await stat(file)).mode & 0o777).toBe(0o600)
      expect(Buffer.from(await readFile(file)).toString('hex')).toBe(secret)
      const other = await tempDir()
      expect(await loadOrCreateTurnSecret(other.path)).not.toBe(secret)
      await other.remove()
      await writeFile(file, Buffer.alloc(5))
      await expect(loadOrCreateTurnSecret(dir.path)).rejects.toThrow(ConfigError)
    } finally {
      await dir.remove()
    }
  })
})

describe('TURN addresses and flags', () => {
  const base = { announce: [], turnHost: undefined, turnRelayIp: undefined, turnExternalIp: undefined }

  it('default to the listen host, then the announce host; relay from the listen IP; announce a public host as the external IP', () => {
    expect(turnAddresses({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'] })).toEqual({ relayIp: '127.0.0.1', host: '127.0.0.1' })
    expect(turnAddresses({ ...base, listen: ['/ip4/10.0.0.5/tcp/4001'], turnHost: '203.0.113.9' })).toEqual({ relayIp: '10.0.0.5', host: '203.0.113.9', externalIp: '203.0.113.9' })
    expect(turnAddresses({ ...base, listen: ['/ip4/0.0.0.0/tcp/4001'], announce: ['/ip4/198.51.100.2/tcp/4001'] })).toEqual({ relayIp: '198.51.100.2', host: '198.51.100.2' })
    expect(turnAddresses({ ...base, listen: ['/ip4/0.0.0.0/tcp/4001'], announce: ['/dns4/relay.example.org/tcp/443/wss'], turnRelayIp: '10.0.0.5' })).toEqual({ relayIp: '10.0.0.5', host: 'relay.example.org' })
    expect(turnAddresses({ ...base, listen: ['/ip4/0.0.0.0/tcp/4001'], turnHost: 'relay.example.org', turnRelayIp: '10.0.0.5', turnExternalIp: '203.0.113.9' })).toEqual({ relayIp: '10.0.0.5', host: 'relay.example.org', externalIp: '203.0.113.9' })
    expect(turnAddresses({ ...base, listen: ['/ip6/::1/tcp/0'] })).toEqual({ relayIp: '::1', host: '::1' })
    expect(() => turnAddresses({ ...base, listen: ['/ip4/0.0.0.0/tcp/4001'] })).toThrow(/give --turn-host/)
    expect(() => turnAddresses({ ...base, listen: ['/ip4/0.0.0.0/tcp/4001'], turnHost: 'relay.example.org' })).toThrow(/give --turn-relay-ip/)
  })

  it('make STUN and TURN urls, IPv6 in brackets, TCP only where the server takes it', () => {
    expect(turnUrls('127.0.0.1', 3478, false)).toEqual(['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp'])
    expect(turnUrls('::1', 3479, true)).toEqual(['stun:[::1]:3479', 'turn:[::1]:3479?transport=udp', 'turn:[::1]:3479?transport=tcp'])
  })

  it('are checked when the relay starts: --turn-coturn implies --turn, the details need one, addresses and ports must make sense', () => {
    const parse = (args: string[]): ReturnType<typeof parseRelayConfig> => parseRelayConfig(['--data', '/tmp/x', '--listen', '/ip4/127.0.0.1/tcp/0', ...args])
    const on = parse(['--turn'])
    expect(on.help ? undefined : on.config).toMatchObject({ turn: true, turnCoturn: false, turnPort: 3478, turnMinPort: 49152, turnMaxPort: 65535, turnAllowLoopback: false })
    const coturn = parse(['--turn-coturn', '--turn-port', '3479', '--turn-allow-loopback'])
    expect(coturn.help ? undefined : coturn.config).toMatchObject({ turn: true, turnCoturn: true, turnPort: 3479, turnAllowLoopback: true })
    const env = parseRelayConfig(['--data', '/tmp/x', '--listen', '/ip4/127.0.0.1/tcp/0'], { PARLEY_TURN: 'true', PARLEY_TURN_HOST: 'turn.example.org' })
    expect(env.help ? undefined : env.config).toMatchObject({ turn: true, turnHost: 'turn.example.org' })
    for (const [args, message] of [
      [['--turn-port', '3479'], '--turn-port has no effect without --turn or --turn-coturn'],
      [['--turn-allow-loopback'], '--turn-allow-loopback has no effect without --turn or --turn-coturn'],
      [['--turn', '--turn-relay-ip', 'relay.example.org'], "--turn-relay-ip: expected an IP address, got 'relay.example.org'"],
      [['--turn', '--turn-external-ip', '1.2.3'], "--turn-external-ip: expected an IP address, got '1.2.3'"],
      [['--turn', '--turn-host', 'not a host'], "--turn-host: expected an IP address or a DNS name, got 'not a host'"],
      [['--turn', '--turn-min-port', '60000', '--turn-max-port', '50000'], '--turn-min-port 60000 is above --turn-max-port 50000'],
      [['--turn', '--turn-port', '50000'], '--turn-port 50000 is inside the relayed port range 49152-65535'],
      [['--turn', '--turn-port', '0'], '--turn-port: 0 is out of range (1..65535)']
    ] as const) {
      expect(() => parse([...args]), message).toThrow(message)
    }
    expect(() => parseRelayConfig(['--data', '/tmp/x', '--listen', '/ip4/0.0.0.0/tcp/0', '--turn'])).toThrow(/give --turn-host/)
    for (const flag of ['--turn ', '--turn-coturn', '--turn-port', '--turn-host', '--turn-relay-ip', '--turn-external-ip', '--turn-min-port', '--turn-max-port', '--turn-allow-loopback']) expect(usage()).toContain(flag)
  })
})

describe('TURN peer ranges', () => {
  it('deny loopback (unless allowed), private, link-local, CGNAT, multicast, reserved and NAT64 peers, and nothing public', () => {
    const strict = deniedPeerCheck(false)
    const relaxed = deniedPeerCheck(true)
    for (const a of ['127.0.0.1', '127.255.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(strict(a), a).toBe(true)
      expect(relaxed(a), a).toBe(false)
    }
    for (const a of ['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.0.1', '100.64.1.1', '169.254.169.254', '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255', '192.0.2.1', 'fe80::1', 'fd12:3456::1', 'ff02::1', '64:ff9b::a00:1', '::ffff:10.0.0.1', '::', 'not-an-ip']) {
      expect(relaxed(a), a).toBe(true)
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2a00:1450:4001::1', '2001:4860::8888', '::ffff:8.8.8.8']) {
      expect(strict(a), a).toBe(false)
    }
  })

  it('are the same ranges in coturn\'s configuration', () => {
    const lines = coturnDeniedPeerLines(false)
    expect(lines).toContain('denied-peer-ip=127.0.0.0-127.255.255.255')
    expect(lines).toContain('denied-peer-ip=10.0.0.0-10.255.255.255')
    expect(lines).toContain('denied-peer-ip=::1')
    expect(coturnDeniedPeerLines(true).some(l => l.includes('127.0.0.0'))).toBe(false)
    expect(coturnDeniedPeerLines(true)).toHaveLength(lines.length - 2)
    // coturn 4.6.1 reads a lone `::` as every address: that line would deny all peers
    expect(lines).not.toContain('denied-peer-ip=::')
  })
})

describe('coturn configuration', () => {
  const init = { relayIp: '10.0.0.5', port: 3478, minPort: 50000, maxPort: 50100, externalIp: '203.0.113.9', allowLoopback: false, dir: '/data/turn', secret: SECRET }

  it('turns on TURN REST API credentials with the relay\'s secret, its ports, no admin or TLS listeners, and denied peers', () => {
    const lines = coturnConfig(init).split('\n')
    for (const line of [
      'listening-ip=10.0.0.5', 'relay-ip=10.0.0.5', 'listening-port=3478', 'min-port=50000', 'max-port=50100', 'external-ip=203.0.113.9/10.0.0.5',
      'use-auth-secret', `static-auth-secret=${SECRET}`, 'realm=parley', 'fingerprint', 'no-cli', 'no-tls', 'no-dtls', 'no-tcp-relay', 'no-multicast-peers',
      'no-rfc5780', 'denied-peer-ip=10.0.0.0-10.255.255.255', 'denied-peer-ip=127.0.0.0-127.255.255.255', 'pidfile=/data/turn/turnserver.pid', 'userdb=/data/turn/turndb', 'log-file=stdout'
    ]) expect(lines, line).toContain(line)
    expect(lines).not.toContain('allow-loopback-peers')
    expect(lines.filter(l => l.includes(SECRET))).toHaveLength(1)
    const loopback = coturnConfig({ ...init, externalIp: undefined, allowLoopback: true }).split('\n')
    expect(loopback).toContain('allow-loopback-peers')
    expect(loopback.some(l => l.startsWith('external-ip'))).toBe(false)
    expect(loopback).not.toContain('denied-peer-ip=127.0.0.0-127.255.255.255')
  })

  it('finds turnserver on PATH, or nothing', async () => {
    const dir = await tempDir()
    try {
      await writeFile(join(dir.path, 'turnserver'), '#!/bin/sh\n', { mode: 0o755 })
      await writeFile(join(dir.path, 'not-executable'), '', { mode: 0o644 })
      expect(await findOnPath('turnserver', `/nonexistent:${dir.path}`)).toBe(join(dir.path, 'turnserver'))
      expect(await findOnPath('not-executable', dir.path)).toBeUndefined()
      expect(await findOnPath('turnserver', '/nonexistent')).toBeUndefined()
    } finally {
      await dir.remove()
    }
  })
})
