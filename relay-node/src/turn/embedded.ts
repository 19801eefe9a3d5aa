/**
 * The embedded TURN server: node-turn in the relay's process, with the long-term credentials the relay issues added to
 * its user table until they expire. node-turn 0.0.6 is incomplete where a relay on the internet needs it, so its
 * instance is adjusted here (each change says what it fixes; docs/turn.md): an expired username opens no allocation,
 * one credential holds a bounded number of allocations, peers on denied addresses get no permission, a Refresh keeps
 * the allocation alive, an ended allocation frees its relayed sockets, and nonces live in a bounded table. Knows nothing
 * of libp2p or of who asks.
 */
import { randomBytes } from 'node:crypto'
import NodeTurn from 'node-turn'
import { RateLimitedError } from '../../../src/protocols/errors.js'
import { turnPassword, usernameExpiry, type TurnCredential, type TurnSecret } from './credentials.js'
import { deniedPeerCheck } from './peer-ranges.js'
import {
  MAX_EMBEDDED_CREDENTIALS, MAX_TURN_NONCES, TURN_ALLOCATIONS_PER_CREDENTIAL, TURN_NONCE_TTL_MS, TURN_REALM, TURN_SWEEP_INTERVAL_MS
} from './limits.js'
import { TurnStartError, type RelayTurnServer, type TurnListenInit, type TurnServerStats } from './server.js'

/** RFC 8656 §7: allocations last 10 minutes unless refreshed, at most an hour per refresh. */
const DEFAULT_ALLOCATION_LIFETIME_S = 600
const MAX_ALLOCATION_LIFETIME_S = 3600

export interface EmbeddedTurnInit extends TurnListenInit {
  /** credentials remembered at once @default MAX_EMBEDDED_CREDENTIALS */
  maxCredentials?: number
  /** allocations one credential may hold @default TURN_ALLOCATIONS_PER_CREDENTIAL */
  allocationsPerCredential?: number
  /** nonces remembered at once @default MAX_TURN_NONCES */
  maxNonces?: number
  /** @default Date.now */
  now?: () => number
  /**
   * The relay's TURN secret: a username of the TURN REST API form that is not in the table (issued before a restart of
   * the relay) is checked against it, as coturn's `use-auth-secret` does, so a call's ICE restart after the relay came
   * back still gets an allocation. Absent: only credentials granted since the start are known.
   */
  secret?: TurnSecret
}

export class EmbeddedTurnServer implements RelayTurnServer {
  readonly kind = 'embedded'
  private readonly turn: NodeTurn
  private readonly now: () => number
  private readonly maxCredentials: number
  private readonly perCredential: number
  /** issued usernames → expiry (ms) */
  private readonly users = new Map<string, number>()
  /** usernames → allocations they hold now */
  private readonly inUse = new Map<string, number>()
  private readonly nonces = new Map<string, number>()
  private sweeper: ReturnType<typeof setInterval> | undefined
  private started = false

  constructor (private readonly init: EmbeddedTurnInit) {
    this.now = init.now ?? Date.now
    this.maxCredentials = init.maxCredentials ?? MAX_EMBEDDED_CREDENTIALS
    this.perCredential = init.allocationsPerCredential ?? TURN_ALLOCATIONS_PER_CREDENTIAL
    this.turn = new NodeTurn({
      listeningIps: [init.relayIp],
      relayIps: [init.relayIp],
      externalIps: init.externalIp ?? null,
      listeningPort: init.port,
      minPort: init.minPort,
      maxPort: init.maxPort,
      authMech: 'long-term',
      credentials: {},
      realm: TURN_REALM,
      defaultAllocatetLifetime: DEFAULT_ALLOCATION_LIFETIME_S,
      maxAllocateLifetime: MAX_ALLOCATION_LIFETIME_S,
      // only socket failures (a port taken) are logged: anything a remote peer can provoke stays quiet
      debugLevel: 'FATAL',
      log: message => { init.log(`turn: ${message instanceof Error ? message.message : String(message)}`) }
    })
    this.stateless()
    this.trackAllocations()
    this.boundNonces()
    this.checkAllocations()
    this.fixRefresh()
    this.denyPeers()
  }

  get running (): boolean {
    return this.started
  }

  get stats (): TurnServerStats {
    return { allocations: Object.keys(this.turn.allocations).length, credentials: this.users.size }
  }

  /** Starts listening; rejects with TurnStartError when the port cannot be bound. */
  async start (): Promise<void> {
    this.turn.start()
    try {
      await Promise.all(this.turn.network.sockets.map(async socket => {
        await new Promise<void>((resolve, reject) => {
          const onError = (err: Error): void => { socket.off('listening', onListening); reject(err) }
          const onListening = (): void => { socket.off('error', onError); resolve() }
          socket.once('error', onError)
          socket.once('listening', onListening)
        })
      }))
    } catch (err) {
      for (const socket of this.turn.network.sockets) {
        try { socket.close() } catch { /* never bound */ }
      }
      const code = (err as NodeJS.ErrnoException).code
      throw new TurnStartError(`--turn-port ${this.init.port}: cannot listen on ${this.init.relayIp} (${code === 'EADDRINUSE' ? 'address already in use' : code ?? (err as Error).message})`)
    }
    this.sweeper = setInterval(() => { this.sweep() }, TURN_SWEEP_INTERVAL_MS)
    this.sweeper.unref()
    this.started = true
  }

  /**
   * Credentials the table does not hold (issued before a restart) are derived from the secret, as coturn derives
   * them: node-turn looks a username's password up in its table, and this table answers for any username of the REST
   * form. New allocations still check the expiry (checkAllocations).
   */
  private stateless (): void {
    const secret = this.init.secret
    if (secret == null) return
    const auth = this.turn.authentification
    auth.credentials = new Proxy(auth.credentials, {
      get: (table, username) => {
        if (typeof username !== 'string') return undefined
        if (Object.hasOwn(table, username)) return table[username]
        return usernameExpiry(username) != null ? turnPassword(secret, username) : undefined
      }
    })
  }

  /** Adds the credential to the user table until it expires and no allocation uses it (see sweep). */
  grant (credential: TurnCredential): void {
    if (!this.started) throw new Error('the embedded TURN server is not running')
    if (this.users.size >= this.maxCredentials) {
      this.sweep()
      if (this.users.size >= this.maxCredentials) {
        const soonest = Math.min(...this.users.values())
        throw new RateLimitedError(Math.max(0, soonest - this.now()) + TURN_SWEEP_INTERVAL_MS, 'the relay\'s TURN server holds too many credentials; retry later')
      }
    }
    this.users.set(credential.username, credential.expiresAt)
    this.turn.addUser(credential.username, credential.credential)
  }

  /**
   * Forgets credentials that expired and hold no allocation. One that still does stays in the table: the
   * allocation's Refresh, CreatePermission and ChannelBind requests are signed with it, and a call in progress keeps
   * its relay as with coturn (no new allocation accepts it: see checkAllocations).
   */
  sweep (): number {
    const now = this.now()
    let removed = 0
    for (const [username, expiresAt] of this.users) {
      if (expiresAt > now || this.inUse.has(username)) continue
      this.users.delete(username)
      this.turn.removeUser(username)
      removed++
    }
    for (const [nonce, expiresAt] of this.nonces) if (expiresAt <= now) this.nonces.delete(nonce)
    return removed
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    clearInterval(this.sweeper)
    this.turn.stop()
    for (const key of Object.keys(this.turn.allocations)) Reflect.deleteProperty(this.turn.allocations, key)
    for (const username of this.users.keys()) this.turn.removeUser(username)
    this.users.clear()
    this.nonces.clear()
  }

  /**
   * node-turn never closes an allocation's relayed sockets (its ports stay bound after the allocation expired or was
   * deleted) and lets a second Allocate on the same 5-tuple overwrite the first. Every place it adds or removes an
   * allocation goes through `server.allocations`, so a proxy there frees the sockets and the timer of each allocation
   * that ends, counts allocations per username, and gives each allocation an `update` that keeps its lifetime when
   * called without one (node-turn's own sets a timer of NaN ms then, ending the allocation at once).
   */
  private trackAllocations (): void {
    const release = (allocation: NodeTurn.Allocation): void => {
      clearTimeout(allocation.timer)
      for (const socket of allocation.sockets) {
        try { socket.close() } catch { /* already closed */ }
      }
      const username = allocation.user.username
      const left = (this.inUse.get(username) ?? 1) - 1
      if (left > 0) this.inUse.set(username, left)
      else this.inUse.delete(username)
    }
    this.turn.allocations = new Proxy<Record<string, NodeTurn.Allocation>>({}, {
      set: (target, key: string, allocation: NodeTurn.Allocation) => {
        const previous = target[key]
        if (previous === allocation) return true
        if (previous != null) release(previous)
        const update = allocation.update.bind(allocation)
        allocation.update = (lifetime?: number) => { update(lifetime != null && Number.isFinite(lifetime) && lifetime > 0 ? lifetime : allocation.lifetime) }
        target[key] = allocation
        const username = allocation.user.username
        this.inUse.set(username, (this.inUse.get(username) ?? 0) + 1)
        return true
      },
      deleteProperty: (target, key: string) => {
        const allocation = target[key]
        if (allocation != null) {
          delete target[key]
          release(allocation)
        }
        return true
      }
    })
  }

  /** node-turn keeps every nonce it hands out for an hour with a timer each; here they live in a bounded table for TURN_NONCE_TTL_MS. */
  private boundNonces (): void {
    const auth = this.turn.authentification
    auth.generateNonce = () => {
      const nonce = randomBytes(16).toString('hex')
      this.nonces.set(nonce, this.now() + TURN_NONCE_TTL_MS)
      if (this.nonces.size > (this.init.maxNonces ?? MAX_TURN_NONCES)) this.nonces.delete(this.nonces.keys().next().value as string)
      return nonce
    }
    auth.checkNonce = nonce => (this.nonces.get(nonce) ?? 0) > this.now()
  }

  /**
   * Checks before node-turn allocates (after the request's signature checked out): the username's expiry (coturn's
   * rule for TURN REST API credentials: checked when an allocation is made, not afterwards), the credential's
   * allocation quota, and a second Allocate on a 5-tuple that has one (a retransmission is answered again, anything
   * else is 437, as RFC 8656 asks; node-turn would overwrite the first).
   */
  private checkAllocations (): void {
    const allocate = this.turn.allocate.allocate.bind(this.turn.allocate)
    this.turn.allocate.allocate = (msg, reply) => {
      const existing = this.turn.allocations[msg.transport.get5Tuple()]
      if (existing != null) {
        msg.allocation = existing
        allocate(msg, reply)
        return
      }
      const username = String(msg.getAttribute('username'))
      const expiry = usernameExpiry(username)
      if (expiry == null || expiry <= this.now()) {
        reply.addAttribute('realm', this.turn.realm)
        reply.addAttribute('nonce', this.turn.authentification.generateNonce())
        reply.reject(401, 'Unauthorized')
        return
      }
      if ((this.inUse.get(username) ?? 0) >= this.perCredential) {
        reply.reject(486, 'Allocation Quota Reached')
        return
      }
      allocate(msg, reply)
    }
  }

  /**
   * node-turn's Refresh reads settings it does not have (`defaultLifetime`, `maxAllocateTimeout`), so every Refresh
   * ended the allocation (libwebrtc refreshes a minute before the lifetime: calls through it broke after 9 minutes)
   * and a deleting Refresh left its sockets bound. This one follows RFC 8656 §7.2.
   */
  private fixRefresh (): void {
    const turn = this.turn
    turn.refresh.refresh = (msg, reply) => {
      const requested = msg.getAttribute('lifetime')
      const lifetime = typeof requested !== 'number' ? turn.defaultAllocatetLifetime : requested === 0 ? 0 : Math.min(requested, turn.maxAllocateLifetime)
      if (lifetime === 0) Reflect.deleteProperty(turn.allocations, msg.transport.get5Tuple())
      else msg.allocation?.update(lifetime)
      reply.addAttribute('lifetime', lifetime)
      reply.addAttribute('software', turn.software)
      reply.addAttribute('message-integrity')
      reply.resolve()
    }
  }

  /** node-turn relays to any address; CreatePermission and ChannelBind for a denied peer (peer-ranges.ts) are refused 403, so nothing is ever sent there. */
  private denyPeers (): void {
    const denied = deniedPeerCheck(this.init.allowLoopback)
    const peerDenied = (peer: unknown): boolean => denied(String((peer as NodeTurn.Address | undefined)?.address))
    const createPermission = this.turn.createPermission.createPermission.bind(this.turn.createPermission)
    this.turn.createPermission.createPermission = (msg, reply) => {
      if (msg.getAttributes('xor-peer-address').some(peerDenied)) {
        reply.reject(403, 'Forbidden')
        return
      }
      createPermission(msg, reply)
    }
    const channelBind = this.turn.channelBind.channelBind.bind(this.turn.channelBind)
    this.turn.channelBind.channelBind = (msg, reply) => {
      const peer = msg.getAttribute('xor-peer-address')
      if (peer != null && peerDenied(peer)) {
        reply.reject(403, 'Forbidden')
        return
      }
      channelBind(msg, reply)
    }
  }
}

/** Starts the embedded server; rejects with TurnStartError when it cannot listen. */
export async function startEmbeddedTurn (init: EmbeddedTurnInit): Promise<EmbeddedTurnServer> {
  const server = new EmbeddedTurnServer(init)
  await server.start()
  return server
}
