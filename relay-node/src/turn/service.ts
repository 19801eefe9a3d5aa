/** The relay's TURN backend for /parley/turn/1.0.0: who may have credentials (devices with prekeys here), per-device rate limits, issuing a credential and making the TURN server accept it, and the counters /metrics shows. Knows nothing of streams or of how the TURN server runs. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { MemoryKeyValueStore } from '../../../src/storage/index.js'
import { toHex } from '../../../src/crypto/bytes.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import {
  MalformedTurnFrameError, RateLimitedError, TurnAuthError, TurnNotOfferedError, TurnUnknownDeviceError,
  type IceServer, type TurnBackend, type TurnOwner
} from '../../../src/protocols/turn/index.js'
import { RateLimiter, type RateWindow } from '../rate-limit.js'
import { issueTurnCredential, type TurnSecret } from './credentials.js'
import { TURN_CREDENTIAL_TTL_MS, TURN_REQUESTS_PER_DEVICE } from './limits.js'
import type { RelayTurnServer } from './server.js'

/** Why requests were refused, counted for /metrics. */
export interface TurnRefusals {
  malformed: number
  auth: number
  unknownDevice: number
  rateLimited: number
  notOffered: number
  internal: number
}

export interface TurnStats {
  /** credentials issued */
  issued: number
  refused: TurnRefusals
}

export interface RelayTurnServiceInit {
  server: RelayTurnServer
  secret: TurnSecret
  /** the ICE urls every credential comes with */
  urls: string[]
  /** whether the device is registered here (has prekeys here) */
  isKnownOwner: (owner: TurnOwner) => Promise<boolean>
  /** ms a credential opens allocations @default TURN_CREDENTIAL_TTL_MS */
  ttlMs?: number
  /** @default TURN_REQUESTS_PER_DEVICE */
  requestsPerDevice?: RateWindow[]
  /** @default Date.now */
  now?: () => number
}

export class RelayTurnService implements TurnBackend {
  readonly stats: TurnStats = { issued: 0, refused: { malformed: 0, auth: 0, unknownDevice: 0, rateLimited: 0, notOffered: 0, internal: 0 } }
  private readonly perDevice: RateLimiter
  private readonly devices = new KeyedMutex()
  private readonly ttlMs: number
  private readonly now: () => number

  constructor (private readonly init: RelayTurnServiceInit) {
    this.perDevice = new RateLimiter(new MemoryKeyValueStore(), init.requestsPerDevice ?? TURN_REQUESTS_PER_DEVICE)
    this.ttlMs = init.ttlMs ?? TURN_CREDENTIAL_TTL_MS
    this.now = init.now ?? Date.now
  }

  get server (): RelayTurnServer {
    return this.init.server
  }

  /** One credential for the relay's server, with its urls (one ICE server: STUN and TURN). */
  async issue (owner: TurnOwner, _requester: PeerId, options: AbortOptions = {}): Promise<IceServer[]> {
    if (!this.init.server.running) throw new TurnNotOfferedError('the relay\'s TURN server is not running')
    if (!await this.init.isKnownOwner(owner)) throw new TurnUnknownDeviceError()
    options.signal?.throwIfAborted()
    const device = `${toHex(owner.identityKey)}/${owner.deviceId}`
    await this.devices.run(device, async () => {
      const now = this.now()
      const check = await this.perDevice.check(device, now)
      if (check.retryAfterMs > 0) throw new RateLimitedError(check.retryAfterMs, `too many TURN credential requests; retry in ${Math.ceil(check.retryAfterMs / 1000)} s`)
      await this.perDevice.record(device, check, now)
    }, options)
    const credential = issueTurnCredential(this.init.secret, this.now() + this.ttlMs)
    this.init.server.grant(credential)
    this.stats.issued++
    return [{ urls: [...this.init.urls], ...credential }]
  }

  refused (err: Error): void {
    const r = this.stats.refused
    if (err instanceof TurnUnknownDeviceError) r.unknownDevice++
    else if (err instanceof TurnAuthError) r.auth++
    else if (err instanceof RateLimitedError) r.rateLimited++
    else if (err instanceof TurnNotOfferedError) r.notOffered++
    else if (err instanceof MalformedTurnFrameError) r.malformed++
    else r.internal++
  }

  /** Forgets rate-limit entries whose every request left the longest window. */
  async sweep (): Promise<number> {
    return await this.perDevice.sweep(this.now())
  }
}
