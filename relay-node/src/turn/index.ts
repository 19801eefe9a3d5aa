/** The relay's TURN offer (`--turn`, `--turn-coturn`; docs/turn.md): starts the TURN server the flags ask for (embedded node-turn or a coturn child) with the relay's secret and addresses, and the backend that issues credentials to registered devices. Knows nothing of libp2p streams. */
import { join } from 'node:path'
import type { RelayConfig } from '../config.js'
import type { TurnOwner } from '../../../src/protocols/turn/index.js'
import { turnAddresses, turnUrls } from './addresses.js'
import { startCoturn } from './coturn.js'
import { loadOrCreateTurnSecret } from './credentials.js'
import { startEmbeddedTurn } from './embedded.js'
import { RelayTurnService } from './service.js'
import type { RelayTurnServer, TurnListenInit } from './server.js'

/** The folder in the data directory for coturn's files. */
const COTURN_DIR = 'turn'

export interface RelayTurn {
  service: RelayTurnService
  server: RelayTurnServer
  /** the ICE urls handed out */
  urls: string[]
  stop: () => Promise<void>
}

export interface StartRelayTurnInit {
  isKnownOwner: (owner: TurnOwner) => Promise<boolean>
  /** operator log (stderr) */
  log: (message: string) => void
}

/** Starts the TURN server of a relay with --turn or --turn-coturn; TurnStartError or ConfigError when it cannot. */
export async function startRelayTurn (config: RelayConfig, init: StartRelayTurnInit): Promise<RelayTurn> {
  const addresses = turnAddresses(config)
  const secret = await loadOrCreateTurnSecret(config.dataDir)
  const listen: TurnListenInit = {
    relayIp: addresses.relayIp,
    port: config.turnPort,
    minPort: config.turnMinPort,
    maxPort: config.turnMaxPort,
    ...(addresses.externalIp != null ? { externalIp: addresses.externalIp } : {}),
    allowLoopback: config.turnAllowLoopback,
    log: init.log
  }
  const server: RelayTurnServer = config.turnCoturn
    ? await startCoturn({ ...listen, dir: join(config.dataDir, COTURN_DIR), secret })
    : await startEmbeddedTurn({ ...listen, secret })
  const urls = turnUrls(addresses.host, config.turnPort, server.kind === 'coturn')
  const service = new RelayTurnService({ server, secret, urls, isKnownOwner: init.isKnownOwner })
  if (config.turnAllowLoopback) init.log('warning: --turn-allow-loopback lets TURN relay to this machine\'s loopback services; use it for tests only')
  return { service, server, urls, stop: async () => { await server.stop() } }
}

export { RelayTurnService, type TurnStats, type TurnRefusals } from './service.js'
export { TurnStartError, type RelayTurnServer, type TurnServerStats } from './server.js'
export { turnAddresses, turnUrls } from './addresses.js'
export { issueTurnCredential, checkTurnCredential, turnPassword, usernameExpiry, loadOrCreateTurnSecret, TURN_SECRET_FILE, type TurnCredential, type TurnSecret } from './credentials.js'
export * from './limits.js'
