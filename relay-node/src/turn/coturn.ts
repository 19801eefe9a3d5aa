/**
 * coturn as the relay's TURN server: the relay writes its configuration (TURN REST API credentials with the relay's
 * secret, its addresses and ports, denied peer ranges) into the data directory, starts `turnserver -c <file>` as a
 * child process, waits until it answers STUN, and stops it on shutdown. A small shell watchdog between them ends
 * coturn when the relay's end of a pipe closes, so coturn never outlives the relay, even one killed with SIGKILL.
 * Knows nothing of libp2p or of who asks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { access, constants, mkdir, readFile } from 'node:fs/promises'
import { createServer, isIPv6 } from 'node:net'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import { withTimeout } from '../../../src/util/abort.js'
import { writeSecretFile } from '../files.js'
import type { TurnSecret } from './credentials.js'
import { coturnDeniedPeerLines } from './peer-ranges.js'
import { stunProbe } from './stun-probe.js'
import { TURN_ALLOCATIONS_PER_CREDENTIAL, TURN_NONCE_TTL_MS, TURN_REALM, TURN_START_TIMEOUT_MS, TURN_STOP_TIMEOUT_MS } from './limits.js'
import { TurnStartError, type RelayTurnServer, type TurnListenInit, type TurnServerStats } from './server.js'

export const COTURN_CONFIG_FILE = 'turnserver.conf'
export const COTURN_PID_FILE = 'turnserver.pid'
const COTURN_DB_FILE = 'turndb'

/** Lines of coturn's output kept to explain a failed start or an unexpected exit. */
const OUTPUT_TAIL_LINES = 30

/**
 * Runs "$1 -c $2" and ends it (SIGTERM) when its standard input, a pipe from the relay, reaches its end: when the
 * relay stops it, exits or is killed. It exits with coturn's status when coturn ends by itself.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$1" -c "$2" </dev/null &',
  'server=$!',
  '( read -r _ <&3; kill -TERM "$server" 2>/dev/null ) &',
  'watchdog=$!',
  'wait "$server"',
  'status=$?',
  'kill "$watchdog" 2>/dev/null',
  'exit "$status"'
].join('\n')

export interface CoturnInit extends TurnListenInit {
  /** the folder for coturn's configuration, pid file and database (created with mode 0700), e.g. `<data dir>/turn` */
  dir: string
  secret: TurnSecret
  /** the turnserver program @default `turnserver` found on PATH */
  bin?: string
}

/** coturn's configuration for the relay: every line is the relay's decision (docs/turn.md says why). */
export function coturnConfig (init: Omit<CoturnInit, 'log' | 'bin'>): string {
  return [
    '# written by parley-relay at every start (edits are overwritten); docs/turn.md',
    `listening-ip=${init.relayIp}`,
    `relay-ip=${init.relayIp}`,
    `listening-port=${init.port}`,
    `min-port=${init.minPort}`,
    `max-port=${init.maxPort}`,
    ...(init.externalIp != null ? [`external-ip=${init.externalIp}/${init.relayIp}`] : []),
    // TURN REST API credentials: HMAC-SHA1 of the username under the relay's secret, the expiry in the username
    'use-auth-secret',
    `static-auth-secret=${init.secret}`,
    `realm=${TURN_REALM}`,
    `user-quota=${TURN_ALLOCATIONS_PER_CREDENTIAL}`,
    `stale-nonce=${TURN_NONCE_TTL_MS / 1000}`,
    'fingerprint',
    // plain UDP and TCP on one port: no certificates to manage; the media inside is DTLS-SRTP anyway
    'no-tls',
    'no-dtls',
    // browsers relay UDP only (RFC 6062 TCP relays are never asked for)
    'no-tcp-relay',
    // no admin interfaces, no version banner, no NAT-behaviour discovery (it needs a second address and amplifies)
    'no-cli',
    'no-software-attribute',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'response-origin-only-with-rfc5780',
    // where coturn may relay to
    'no-multicast-peers',
    ...(init.allowLoopback ? ['allow-loopback-peers'] : []),
    ...coturnDeniedPeerLines(init.allowLoopback),
    // its files stay in the relay's data directory; its log goes to the relay (kept to explain failures)
    `pidfile=${join(init.dir, COTURN_PID_FILE)}`,
    `userdb=${join(init.dir, COTURN_DB_FILE)}`,
    'log-file=stdout',
    'simple-log',
    ''
  ].join('\n')
}

/** The path of `name` on PATH, or undefined. */
export async function findOnPath (name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** Binds and frees the port over UDP and TCP, so a port in use fails with a clear message rather than a silent coturn. */
async function checkPortFree (ip: string, port: number): Promise<void> {
  const udp = createSocket(isIPv6(ip) ? 'udp6' : 'udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject)
      udp.bind({ address: ip, port, exclusive: true }, () => { udp.off('error', reject); resolve() })
    })
  } catch (err) {
    throw new TurnStartError(`--turn-port ${port}: cannot listen on ${ip} (UDP: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  } finally {
    try { udp.close() } catch { /* never bound */ }
  }
  const tcp = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject)
      tcp.listen({ host: ip, port, exclusive: true }, () => { tcp.off('error', reject); resolve() })
    })
  } catch (err) {
    throw new TurnStartError(`--turn-port ${port}: cannot listen on ${ip} (TCP: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  } finally {
    await new Promise<void>(resolve => { tcp.close(() => { resolve() }) })
  }
}

class CoturnServer implements RelayTurnServer {
  readonly kind = 'coturn'
  private readonly tail: string[] = []
  private readonly exited: Promise<number | null>
  private alive = true
  private stopping = false

  constructor (private readonly init: CoturnInit, private readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream == null) continue
      createInterface({ input: stream }).on('line', line => {
        this.tail.push(line)
        if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift()
      })
    }
    this.exited = new Promise(resolve => {
      const ended = (code: number | null): void => {
        if (!this.alive) return
        this.alive = false
        if (!this.stopping) init.log(`turnserver exited (code ${code}); TURN is not offered until the relay restarts. Its last lines:\n${this.output()}`)
        resolve(code)
      }
      child.once('exit', ended)
      // the shell could not be started at all
      child.once('error', err => { this.tail.push(err.message); ended(null) })
    })
    // the pipe to the watchdog breaks when it exits; that is its exit, handled above
    child.stdin?.on('error', () => {})
  }

  get running (): boolean {
    return this.alive && !this.stopping
  }

  get stats (): TurnServerStats {
    return {}
  }

  /** coturn checks each credential's HMAC and expiry itself: nothing to remember. */
  grant (): void {}

  /** The last lines coturn printed. */
  output (): string {
    return this.tail.join('\n')
  }

  /** Waits until coturn answers STUN; rejects with TurnStartError (and stops it) when it exits or does not answer in time. */
  async ready (timeout = TURN_START_TIMEOUT_MS): Promise<void> {
    try {
      await withTimeout(timeout, undefined, async signal => {
        await Promise.race([
          stunProbe(this.init.relayIp, this.init.port, { signal }),
          this.exited.then(code => { throw new TurnStartError(`turnserver exited with code ${code} while starting:\n${this.output()}`) })
        ])
      })
    } catch (err) {
      await this.stop()
      if (err instanceof TurnStartError) throw err
      throw new TurnStartError(`turnserver did not answer STUN on ${this.init.relayIp}:${this.init.port} within ${timeout} ms:\n${this.output()}`)
    }
  }

  /** Closes the watchdog's pipe (coturn gets SIGTERM) and waits; kills both after TURN_STOP_TIMEOUT_MS. */
  async stop (): Promise<void> {
    this.stopping = true
    if (!this.alive) return
    this.child.stdin?.end()
    const timer = setTimeout(() => { void this.kill() }, TURN_STOP_TIMEOUT_MS)
    try {
      await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGKILL for coturn (by its pid file) and the watchdog. */
  private async kill (): Promise<void> {
    try {
      const pid = Number((await readFile(join(this.init.dir, COTURN_PID_FILE), 'utf8')).trim())
      if (Number.isSafeInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL')
    } catch {
      // no pid file or no such process: it is gone
    }
    this.child.kill('SIGKILL')
  }
}

/**
 * Writes coturn's configuration and starts it; resolves once it answers STUN. TurnStartError when turnserver is not
 * installed, the port is taken, or coturn fails to start (with its last lines).
 */
export async function startCoturn (init: CoturnInit): Promise<RelayTurnServer> {
  const bin = init.bin ?? await findOnPath('turnserver')
  if (bin == null) throw new TurnStartError('--turn-coturn: turnserver is not installed (Debian and Ubuntu: apt-get install coturn), or not on PATH')
  await checkPortFree(init.relayIp, init.port)
  await mkdir(init.dir, { recursive: true, mode: 0o700 })
  const file = join(init.dir, COTURN_CONFIG_FILE)
  // mode 0600: the file holds the secret (on the command line it would show in `ps`)
  await writeSecretFile(file, new TextEncoder().encode(coturnConfig(init)))
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'parley-turnserver', bin, file], { stdio: ['pipe', 'pipe', 'pipe'] })
  const server = new CoturnServer(init, child)
  await server.ready()
  return server
}
