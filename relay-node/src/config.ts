/** Relay configuration from command-line flags and PARLEY_* environment variables, validated into one object. Knows nothing of libp2p beyond multiaddr syntax. */
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { MAILBOX_TTL_MS, MAX_BYTES_PER_MAILBOX, MAX_ENVELOPES_PER_MAILBOX } from './mailbox/limits.js'
import { GROUP_MAILBOX_TTL_MS, MAX_BYTES_PER_TOPIC, MAX_MESSAGES_PER_TOPIC, MAX_TOPICS_PER_DEVICE } from './group-mailbox/limits.js'
import { SMS_PER_HOUR } from './verifier/limits.js'
import { BLOB_MAX_TOTAL_BYTES, BLOB_QUOTA_BYTES, BLOB_TTL_MS } from './blob-store/limits.js'
import { DEFAULT_TURN_MAX_PORT, DEFAULT_TURN_MIN_PORT, DEFAULT_TURN_PORT } from './turn/limits.js'
import { turnAddresses } from './turn/addresses.js'

export interface RelayConfig {
  /** directory for the peer key and the relay's databases */
  dataDir: string
  listen: string[]
  announce: string[]
  bootstrap: string[]
  /** port of the Prometheus /metrics and /healthz server; none when absent */
  metricsPort?: number
  metricsHost: string
  /** circuit relay v2 server limits */
  maxReservations: number
  reservationTtlMs: number
  relayDurationLimitMs: number
  relayDataLimitBytes: number
  maxConnections: number
  /** inbound connections accepted per second from one IP address before the rest are refused (flood protection) */
  inboundPerHost: number
  /** run the phone-number verifier service (needs smsGateway) */
  verifier: boolean
  /** how the verifier sends SMS; required when verifier is on */
  smsGateway?: SmsGatewaySpec
  /** lifetime of a verification code in ms (shorter only for tests) */
  verifyCodeTtlMs: number
  /** SMS the verifier may send per hour in all (the operator's SMS budget) */
  verifySmsPerHour: number
  /** Ed25519 verifier keys (32 bytes) whose attestations the relay's DHT rules accept for takeovers; empty: any */
  trustedVerifiers: Uint8Array[]
  /** mailboxes: envelopes expire after this many ms; quota per mailbox in envelopes and bytes */
  mailboxTtlMs: number
  mailboxMaxEnvelopes: number
  mailboxMaxBytes: number
  /** group mailboxes: messages expire (and unused registrations lapse) after this many ms; quota per topic in messages and bytes, topics per owner device */
  groupMailboxTtlMs: number
  groupMailboxMaxMessages: number
  groupMailboxMaxBytes: number
  groupMailboxMaxTopics: number
  /** blobs: the folder of chunk files (default `<dataDir>/blobs`), the TTL in ms, MiB per account, GiB on the relay */
  blobDir?: string
  blobTtlMs: number
  blobQuotaMb: number
  blobMaxTotalGb: number
  /** offer TURN to registered devices with the embedded server (node-turn) */
  turn: boolean
  /** offer TURN through a coturn the relay configures and runs (implies turn) */
  turnCoturn: boolean
  /** the STUN/TURN port (UDP, and TCP with coturn) */
  turnPort: number
  /** the host in the ICE urls (default: the listen host, see turn/addresses.ts) */
  turnHost?: string
  /** the local IP the TURN server listens on and relays from */
  turnRelayIp?: string
  /** the public IP of allocations behind a 1:1 NAT */
  turnExternalIp?: string
  /** ports of relayed addresses */
  turnMinPort: number
  turnMaxPort: number
  /** relay to loopback peers (tests only) */
  turnAllowLoopback: boolean
}

/** `log` prints each SMS as a JSON line on stdout; `webhook` POSTs `{to, text}` to a URL. */
export type SmsGatewaySpec = { kind: 'log' } | { kind: 'webhook', url: string }

/** A configuration problem, with a message fit to print as the one line a user sees. */
export class ConfigError extends Error {
  static name = 'ConfigError'
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Defaults: loopback-safe values for a community relay. */
const RELAY_DEFAULTS = {
  listen: ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
  metricsHost: '127.0.0.1',
  /**
   * every browser tab holds one reservation to be reachable; at ~80 KiB per connected client
   * (bench relay.conn.memory) 1,024 cost ~80 MiB, half of maxConnections leaves room for Node clients and relays
   */
  maxReservations: 1024,
  /** reservations are refreshed by clients well before this */
  reservationTtlMs: 2 * 60 * 60 * 1000,
  /** relayed connections exist for signalling (WebRTC upgrade) and small messages, not bulk data */
  relayDurationLimitMs: 10 * 60 * 1000,
  relayDataLimitBytes: 4 * 1024 * 1024,
  maxConnections: 2048,
  // libp2p's own default; raise it for relays whose users share one address (carrier-grade NAT, tests on loopback)
  inboundPerHost: 5,
  /** docs/design.md §4: codes expire; 10 minutes covers slow SMS delivery (see relay-node/src/verifier/limits.ts) */
  verifyCodeTtlMs: 10 * 60 * 1000,
  /** relay-node/src/verifier/limits.ts: the last bound on SMS pumping spread over many addresses and prefixes */
  verifySmsPerHour: SMS_PER_HOUR,
  /** docs/design.md §6 and relay-node/src/mailbox/limits.ts */
  mailboxTtlMs: MAILBOX_TTL_MS,
  mailboxMaxEnvelopes: MAX_ENVELOPES_PER_MAILBOX,
  mailboxMaxBytes: MAX_BYTES_PER_MAILBOX,
  /** docs/group-mailbox.md and relay-node/src/group-mailbox/limits.ts */
  groupMailboxTtlMs: GROUP_MAILBOX_TTL_MS,
  groupMailboxMaxMessages: MAX_MESSAGES_PER_TOPIC,
  groupMailboxMaxBytes: MAX_BYTES_PER_TOPIC,
  groupMailboxMaxTopics: MAX_TOPICS_PER_DEVICE,
  /** docs/blobs.md and relay-node/src/blob-store/limits.ts */
  blobTtlMs: BLOB_TTL_MS,
  blobQuotaMb: BLOB_QUOTA_BYTES / (1024 * 1024),
  blobMaxTotalGb: BLOB_MAX_TOTAL_BYTES / (1024 * 1024 * 1024),
  /** docs/turn.md and relay-node/src/turn/limits.ts */
  turnPort: DEFAULT_TURN_PORT,
  turnMinPort: DEFAULT_TURN_MIN_PORT,
  turnMaxPort: DEFAULT_TURN_MAX_PORT
} as const

interface FlagSpec {
  key: keyof RelayConfig
  env: string
  kind: 'string' | 'list' | 'int' | 'bool' | 'keys'
  help: string
  min?: number
  max?: number
}

const FLAGS: Record<string, FlagSpec> = {
  '--data': { key: 'dataDir', env: 'PARLEY_DATA', kind: 'string', help: 'directory for the peer key and databases (required)' },
  '--listen': { key: 'listen', env: 'PARLEY_LISTEN', kind: 'list', help: `multiaddrs to listen on (default ${RELAY_DEFAULTS.listen.join(' ')})` },
  '--announce': { key: 'announce', env: 'PARLEY_ANNOUNCE', kind: 'list', help: 'public multiaddrs to announce instead of the listen addresses' },
  '--bootstrap': { key: 'bootstrap', env: 'PARLEY_BOOTSTRAP', kind: 'list', help: 'multiaddrs of other relays to join' },
  '--metrics-port': { key: 'metricsPort', env: 'PARLEY_METRICS_PORT', kind: 'int', min: 1, max: 65535, help: 'serve Prometheus /metrics and /healthz on this port' },
  '--metrics-host': { key: 'metricsHost', env: 'PARLEY_METRICS_HOST', kind: 'string', help: `address of the metrics server (default ${RELAY_DEFAULTS.metricsHost})` },
  '--max-reservations': { key: 'maxReservations', env: 'PARLEY_MAX_RESERVATIONS', kind: 'int', min: 0, max: 1_000_000, help: `circuit relay reservations (default ${RELAY_DEFAULTS.maxReservations})` },
  '--reservation-ttl': { key: 'reservationTtlMs', env: 'PARLEY_RESERVATION_TTL', kind: 'int', min: 1000, max: 7 * 24 * 3600 * 1000, help: `reservation lifetime in ms (default ${RELAY_DEFAULTS.reservationTtlMs})` },
  '--relay-duration-limit': { key: 'relayDurationLimitMs', env: 'PARLEY_RELAY_DURATION_LIMIT', kind: 'int', min: 1000, max: 24 * 3600 * 1000, help: `longest relayed connection in ms (default ${RELAY_DEFAULTS.relayDurationLimitMs})` },
  '--relay-data-limit': { key: 'relayDataLimitBytes', env: 'PARLEY_RELAY_DATA_LIMIT', kind: 'int', min: 1024, max: Number.MAX_SAFE_INTEGER, help: `bytes per relayed connection (default ${RELAY_DEFAULTS.relayDataLimitBytes})` },
  '--inbound-per-host': { key: 'inboundPerHost', env: 'PARLEY_INBOUND_PER_HOST', kind: 'int', min: 1, max: 1_000_000, help: `inbound connections per second from one IP address (default ${RELAY_DEFAULTS.inboundPerHost})` },
  '--max-connections': { key: 'maxConnections', env: 'PARLEY_MAX_CONNECTIONS', kind: 'int', min: 1, max: 1_000_000, help: `open connections (default ${RELAY_DEFAULTS.maxConnections})` },
  '--verifier': { key: 'verifier', env: 'PARLEY_VERIFIER', kind: 'bool', help: 'run the phone-number verifier (needs --sms-gateway)' },
  '--sms-gateway': { key: 'smsGateway', env: 'PARLEY_SMS_GATEWAY', kind: 'string', help: 'how the verifier sends SMS: log (JSON line on stdout, development) or webhook=URL (POST {to, text})' },
  '--trusted-verifier': { key: 'trustedVerifiers', env: 'PARLEY_TRUSTED_VERIFIERS', kind: 'keys', help: 'hex Ed25519 key (64 hex chars) of a verifier whose attestations may take over a directory record; repeatable (env: comma-separated); none: any' },
  '--verify-code-ttl': { key: 'verifyCodeTtlMs', env: 'PARLEY_VERIFY_CODE_TTL', kind: 'int', min: 1000, max: 24 * 3600 * 1000, help: `verification code lifetime in ms (default ${RELAY_DEFAULTS.verifyCodeTtlMs})` },
  '--verify-sms-per-hour': { key: 'verifySmsPerHour', env: 'PARLEY_VERIFY_SMS_PER_HOUR', kind: 'int', min: 1, max: 1_000_000, help: `SMS the verifier sends per hour in all, your SMS budget (default ${RELAY_DEFAULTS.verifySmsPerHour})` },
  '--mailbox-ttl': { key: 'mailboxTtlMs', env: 'PARLEY_MAILBOX_TTL', kind: 'int', min: 1000, max: 365 * 24 * 3600 * 1000, help: `ms an undelivered envelope is kept (default ${RELAY_DEFAULTS.mailboxTtlMs}, 30 days)` },
  '--mailbox-max-envelopes': { key: 'mailboxMaxEnvelopes', env: 'PARLEY_MAILBOX_MAX_ENVELOPES', kind: 'int', min: 1, max: 10_000_000, help: `envelopes held per mailbox (default ${RELAY_DEFAULTS.mailboxMaxEnvelopes})` },
  '--mailbox-max-bytes': { key: 'mailboxMaxBytes', env: 'PARLEY_MAILBOX_MAX_BYTES', kind: 'int', min: 1024, max: Number.MAX_SAFE_INTEGER, help: `bytes held per mailbox (default ${RELAY_DEFAULTS.mailboxMaxBytes})` },
  '--group-mailbox-ttl': { key: 'groupMailboxTtlMs', env: 'PARLEY_GROUP_MAILBOX_TTL', kind: 'int', min: 1000, max: 365 * 24 * 3600 * 1000, help: `ms a group message (and an unused topic registration) is kept (default ${RELAY_DEFAULTS.groupMailboxTtlMs}, 30 days)` },
  '--group-mailbox-max-messages': { key: 'groupMailboxMaxMessages', env: 'PARLEY_GROUP_MAILBOX_MAX_MESSAGES', kind: 'int', min: 1, max: 100_000_000, help: `messages held per group topic (default ${RELAY_DEFAULTS.groupMailboxMaxMessages})` },
  '--group-mailbox-max-bytes': { key: 'groupMailboxMaxBytes', env: 'PARLEY_GROUP_MAILBOX_MAX_BYTES', kind: 'int', min: 1024, max: Number.MAX_SAFE_INTEGER, help: `bytes held per group topic (default ${RELAY_DEFAULTS.groupMailboxMaxBytes})` },
  '--group-mailbox-max-topics': { key: 'groupMailboxMaxTopics', env: 'PARLEY_GROUP_MAILBOX_MAX_TOPICS', kind: 'int', min: 1, max: 1_000_000, help: `group topics one owner device may register (default ${RELAY_DEFAULTS.groupMailboxMaxTopics})` },
  '--blob-dir': { key: 'blobDir', env: 'PARLEY_BLOB_DIR', kind: 'string', help: 'folder for blob (media) chunk files (default DATA/blobs)' },
  '--blob-ttl': { key: 'blobTtlMs', env: 'PARLEY_BLOB_TTL', kind: 'int', min: 1000, max: 365 * 24 * 3600 * 1000, help: `ms a blob is kept after it was stored or last touched (default ${RELAY_DEFAULTS.blobTtlMs}, 30 days)` },
  '--blob-quota-mb': { key: 'blobQuotaMb', env: 'PARLEY_BLOB_QUOTA_MB', kind: 'int', min: 1, max: 16 * 1024 * 1024, help: `MiB of blobs one account may hold here, uploads in progress included (default ${RELAY_DEFAULTS.blobQuotaMb})` },
  '--blob-max-total-gb': { key: 'blobMaxTotalGb', env: 'PARLEY_BLOB_MAX_TOTAL_GB', kind: 'int', min: 1, max: 1024 * 1024, help: `GiB all blobs may take on this relay (default ${RELAY_DEFAULTS.blobMaxTotalGb})` },
  '--turn': { key: 'turn', env: 'PARLEY_TURN', kind: 'bool', help: 'offer TURN (and STUN) for calls to devices registered here, with the embedded server (UDP)' },
  '--turn-coturn': { key: 'turnCoturn', env: 'PARLEY_TURN_COTURN', kind: 'bool', help: 'offer TURN through coturn instead (Debian package coturn): the relay writes its config into DATA/turn and runs turnserver (implies --turn)' },
  '--turn-port': { key: 'turnPort', env: 'PARLEY_TURN_PORT', kind: 'int', min: 1, max: 65535, help: `STUN/TURN port, UDP (and TCP with coturn) (default ${RELAY_DEFAULTS.turnPort})` },
  '--turn-host': { key: 'turnHost', env: 'PARLEY_TURN_HOST', kind: 'string', help: 'IP address or DNS name clients reach TURN at, put in the ICE urls (default: the --listen host, or the --announce host when listening on 0.0.0.0)' },
  '--turn-relay-ip': { key: 'turnRelayIp', env: 'PARLEY_TURN_RELAY_IP', kind: 'string', help: 'local IP address TURN listens on and relays from (default: the --listen IP, or --turn-host when it is an IP)' },
  '--turn-external-ip': { key: 'turnExternalIp', env: 'PARLEY_TURN_EXTERNAL_IP', kind: 'string', help: 'public IP address of relayed allocations when --turn-relay-ip is a private address behind a 1:1 NAT (default: --turn-host when it is another IP)' },
  '--turn-min-port': { key: 'turnMinPort', env: 'PARLEY_TURN_MIN_PORT', kind: 'int', min: 1024, max: 65535, help: `lowest UDP port of relayed allocations; open the range in the firewall (default ${RELAY_DEFAULTS.turnMinPort})` },
  '--turn-max-port': { key: 'turnMaxPort', env: 'PARLEY_TURN_MAX_PORT', kind: 'int', min: 1024, max: 65535, help: `highest UDP port of relayed allocations (default ${RELAY_DEFAULTS.turnMaxPort})` },
  '--turn-allow-loopback': { key: 'turnAllowLoopback', env: 'PARLEY_TURN_ALLOW_LOOPBACK', kind: 'bool', help: 'let TURN relay to loopback addresses (tests on one machine only: never on a public relay)' }
}

export function usage (): string {
  const lines = ['usage: parley-relay --data DIR [--listen MULTIADDR...] [--bootstrap MULTIADDR...] [--metrics-port N] [options]', '']
  for (const [flag, spec] of Object.entries(FLAGS)) {
    lines.push(`  ${flag.padEnd(24)} ${spec.help} [env ${spec.env}]`)
  }
  lines.push(`  ${'--help'.padEnd(24)} print this help`)
  return lines.join('\n')
}

/** A verifier public key: 32-byte Ed25519, as 64 hex characters. */
const VERIFIER_KEY_HEX = /^[0-9a-fA-F]{64}$/

/** Hex verifier keys to bytes; anything but 64 hex characters is a ConfigError naming the flag. */
function parseVerifierKeys (flag: string, values: string[]): Uint8Array[] {
  return values.map(value => {
    if (!VERIFIER_KEY_HEX.test(value)) {
      throw new ConfigError(`${flag}: expected a verifier key as 64 hex characters (32-byte Ed25519), got ${value.length} characters`)
    }
    return Uint8Array.from(value.match(/../g)!, byte => parseInt(byte, 16))
  })
}

/** Splits an environment list on commas and white space. */
function envList (value: string): string[] {
  return value.split(/[\s,]+/).filter(s => s.length > 0)
}

function parseInt10 (flag: string, raw: string, spec: FlagSpec): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${flag}: expected a whole number, got '${raw}'`)
  const n = Number(raw)
  if ((spec.min != null && n < spec.min) || (spec.max != null && n > spec.max)) {
    throw new ConfigError(`${flag}: ${n} is out of range (${spec.min ?? '-'}..${spec.max ?? '-'})`)
  }
  return n
}

const TRUE = ['1', 'true', 'yes', 'on']
const FALSE = ['0', 'false', 'no', 'off']

function parseBool (flag: string, raw: string): boolean {
  const v = raw.toLowerCase()
  if (TRUE.includes(v)) return true
  if (FALSE.includes(v)) return false
  throw new ConfigError(`${flag}: expected true or false, got '${raw}'`)
}

/** `log` or `webhook=http(s)://…`. */
function parseSmsGateway (raw: string): SmsGatewaySpec {
  if (raw === 'log') return { kind: 'log' }
  if (raw.startsWith('webhook=')) {
    const url = raw.slice('webhook='.length)
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ConfigError('--sms-gateway: webhook=URL needs an absolute http(s) URL')
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('--sms-gateway: webhook=URL needs an absolute http(s) URL')
    return { kind: 'webhook', url }
  }
  throw new ConfigError(`--sms-gateway: expected 'log' or 'webhook=URL', got '${raw.split('=')[0]}'`)
}

function checkMultiaddrs (flag: string, values: string[]): void {
  for (const value of values) {
    try {
      multiaddr(value)
    } catch {
      throw new ConfigError(`${flag}: not a valid multiaddr: '${value}'`)
    }
  }
}

/** The TURN flags that only mean something with --turn or --turn-coturn. */
const TURN_DETAIL_FLAGS = ['--turn-port', '--turn-host', '--turn-relay-ip', '--turn-external-ip', '--turn-min-port', '--turn-max-port', '--turn-allow-loopback']

/** A DNS name (letters, digits, hyphens, dots). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/** --turn-coturn implies --turn; the details need one of them; addresses are IPs (the host may be a name); the port is outside the relay range. */
function checkTurn (config: RelayConfig, raw: Map<string, string[]>): void {
  if (config.turnCoturn) config.turn = true
  if (!config.turn) {
    const stray = TURN_DETAIL_FLAGS.find(f => raw.has(f))
    if (stray != null) throw new ConfigError(`${stray} has no effect without --turn or --turn-coturn`)
    return
  }
  for (const [flag, value] of [['--turn-relay-ip', config.turnRelayIp], ['--turn-external-ip', config.turnExternalIp]] as const) {
    if (value != null && isIP(value) === 0) throw new ConfigError(`${flag}: expected an IP address, got '${value}'`)
  }
  if (config.turnHost != null && isIP(config.turnHost) === 0 && !DNS_NAME.test(config.turnHost)) throw new ConfigError(`--turn-host: expected an IP address or a DNS name, got '${config.turnHost}'`)
  if (config.turnMinPort > config.turnMaxPort) throw new ConfigError(`--turn-min-port ${config.turnMinPort} is above --turn-max-port ${config.turnMaxPort}`)
  if (config.turnPort >= config.turnMinPort && config.turnPort <= config.turnMaxPort) throw new ConfigError(`--turn-port ${config.turnPort} is inside the relayed port range ${config.turnMinPort}-${config.turnMaxPort}`)
  // the addresses follow from the flags and the listen addresses, or the relay cannot offer TURN: say so now
  turnAddresses(config)
}

export type ParseResult = { help: true } | { help: false, config: RelayConfig }

/** Parses flags (which win) and environment variables (which fill in). Throws ConfigError. */
export function parseRelayConfig (argv: string[], env: Record<string, string | undefined> = {}): ParseResult {
  const raw = new Map<string, string[]>()

  for (const [flag, spec] of Object.entries(FLAGS)) {
    const value = env[spec.env]
    if (value != null && value !== '') raw.set(flag, spec.kind === 'list' || spec.kind === 'keys' ? envList(value) : [value])
  }

  const fromFlags = new Map<string, string[]>()
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    if (arg === '--help' || arg === '-h') return { help: true }
    let inline: string | undefined
    const eq = arg.indexOf('=')
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    const spec = FLAGS[arg]
    if (spec == null) {
      throw new ConfigError(arg.startsWith('-') ? `unknown flag ${arg} (see --help)` : `unexpected argument '${arg}' (see --help)`)
    }
    const values: string[] = []
    if (inline != null) values.push(inline)
    else if (spec.kind === 'bool') values.push('true')
    else if (spec.kind === 'list' || spec.kind === 'keys') {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i])
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      values.push(argv[++i])
    }
    if (values.length === 0) throw new ConfigError(`${arg} needs a value`)
    if (spec.kind !== 'list' && spec.kind !== 'keys' && (fromFlags.has(arg))) throw new ConfigError(`${arg} given twice`)
    fromFlags.set(arg, [...(fromFlags.get(arg) ?? []), ...values])
  }
  for (const [flag, values] of fromFlags) raw.set(flag, values)

  const config: RelayConfig = {
    dataDir: '',
    listen: [...RELAY_DEFAULTS.listen],
    announce: [],
    bootstrap: [],
    metricsHost: RELAY_DEFAULTS.metricsHost,
    maxReservations: RELAY_DEFAULTS.maxReservations,
    reservationTtlMs: RELAY_DEFAULTS.reservationTtlMs,
    relayDurationLimitMs: RELAY_DEFAULTS.relayDurationLimitMs,
    relayDataLimitBytes: RELAY_DEFAULTS.relayDataLimitBytes,
    maxConnections: RELAY_DEFAULTS.maxConnections,
    inboundPerHost: RELAY_DEFAULTS.inboundPerHost,
    verifier: false,
    verifyCodeTtlMs: RELAY_DEFAULTS.verifyCodeTtlMs,
    verifySmsPerHour: RELAY_DEFAULTS.verifySmsPerHour,
    trustedVerifiers: [],
    mailboxTtlMs: RELAY_DEFAULTS.mailboxTtlMs,
    mailboxMaxEnvelopes: RELAY_DEFAULTS.mailboxMaxEnvelopes,
    mailboxMaxBytes: RELAY_DEFAULTS.mailboxMaxBytes,
    groupMailboxTtlMs: RELAY_DEFAULTS.groupMailboxTtlMs,
    groupMailboxMaxMessages: RELAY_DEFAULTS.groupMailboxMaxMessages,
    groupMailboxMaxBytes: RELAY_DEFAULTS.groupMailboxMaxBytes,
    groupMailboxMaxTopics: RELAY_DEFAULTS.groupMailboxMaxTopics,
    blobTtlMs: RELAY_DEFAULTS.blobTtlMs,
    blobQuotaMb: RELAY_DEFAULTS.blobQuotaMb,
    blobMaxTotalGb: RELAY_DEFAULTS.blobMaxTotalGb,
    turn: false,
    turnCoturn: false,
    turnPort: RELAY_DEFAULTS.turnPort,
    turnMinPort: RELAY_DEFAULTS.turnMinPort,
    turnMaxPort: RELAY_DEFAULTS.turnMaxPort,
    turnAllowLoopback: false
  }
  const target = config as unknown as Record<string, unknown>
  for (const [flag, values] of raw) {
    const spec = FLAGS[flag]
    if (spec.kind === 'list') {
      checkMultiaddrs(flag, values)
      target[spec.key] = values
    } else if (spec.kind === 'keys') {
      target[spec.key] = parseVerifierKeys(flag, values)
    } else if (spec.kind === 'int') {
      target[spec.key] = parseInt10(flag, values[0], spec)
    } else if (spec.kind === 'bool') {
      target[spec.key] = parseBool(flag, values[0])
    } else if (spec.key === 'smsGateway') {
      target[spec.key] = parseSmsGateway(values[0])
    } else {
      target[spec.key] = values[0]
    }
  }
  if (config.blobDir === '') throw new ConfigError('--blob-dir needs a folder')
  if (config.dataDir === '') throw new ConfigError('missing --data DIR (or PARLEY_DATA): where the relay keeps its key and databases')
  if (config.listen.length === 0) throw new ConfigError('--listen needs at least one multiaddr')
  if (config.verifier && config.smsGateway == null) throw new ConfigError('--verifier needs --sms-gateway log|webhook=URL (or PARLEY_SMS_GATEWAY)')
  if (!config.verifier && config.smsGateway != null) throw new ConfigError('--sms-gateway has no effect without --verifier')
  checkTurn(config, raw)
  return { help: false, config }
}
