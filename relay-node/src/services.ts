/** The relay's stateful services outside libp2p: one LevelDB at DIR/db scoped per concern, libp2p's datastore over it, the prekey store, the mailbox and group mailbox stores, the blob store (chunk files under DIR/blobs), the verifier backend (when on), the TURN server and its credential backend (when on), and their sweepers. */
import { join } from 'node:path'
import { KeyValueDatastore, openLevel, StoreLockedError, type LevelStorage } from '../../src/storage/index.js'
import { toHex } from '../../src/crypto/bytes.js'
import { ConfigError, type RelayConfig } from './config.js'
import { RelayPreKeyStore } from './prekeys/index.js'
import { RelayMailboxStore, SWEEP_INTERVAL_MS as MAILBOX_SWEEP_INTERVAL_MS } from './mailbox/index.js'
import { RelayGroupMailboxStore, GROUP_SWEEP_INTERVAL_MS } from './group-mailbox/index.js'
import { openDiskBlobStore, BLOB_SWEEP_INTERVAL_MS, type RelayBlobStore } from './blob-store/index.js'
import { startRelayTurn, TURN_SWEEP_INTERVAL_MS, type RelayTurn } from './turn/index.js'
import { PhoneVerifier, loadOrCreateVerifierKey, loadOrCreateVerifierSecret, logGateway, webhookGateway, SWEEP_INTERVAL_MS, type SmsGateway } from './verifier/index.js'

const DB_DIR = 'db'
/** The folder of blob chunk files when --blob-dir is not given. */
const BLOBS_DIR = 'blobs'
const MIB = 1024 * 1024
/** The sublevel (`kv-datastore`) holding libp2p's datastore: kad-dht records and providers, the peer store. */
const DATASTORE_STORE = 'datastore'
/**
 * Datastore keys whose writes are synced: kad-dht acknowledges a PUT_VALUE after the datastore write,
 * so a record it acked must be on disk. Peer store entries are re-learned from the network and are not synced.
 */
const SYNCED_DATASTORE_PREFIX = '/dht/'

export interface RelayServices {
  storage: LevelStorage
  prekeys: RelayPreKeyStore
  /** libp2p's datastore (DHT records, peer store) in the relay's LevelDB, so they survive restarts */
  datastore: KeyValueDatastore
  mailbox: RelayMailboxStore
  groupMailbox: RelayGroupMailboxStore
  blobs: RelayBlobStore
  /** present when --verifier is on */
  verifier?: PhoneVerifier
  /** hex of the verifier's public key, for the listening line */
  verifierKey?: string
  /** present when --turn or --turn-coturn is on: the TURN server and the credential backend */
  turn?: RelayTurn
  close(): Promise<void>
}

export interface OpenServicesInit {
  /** where SMS lines of the log gateway go (the process's stdout) */
  writeStdout: (line: string) => void
  /** operator log (stderr) */
  log: (message: string) => void
}

function gatewayFor (config: RelayConfig, init: OpenServicesInit): SmsGateway {
  const spec = config.smsGateway
  if (spec == null) throw new ConfigError('--verifier needs --sms-gateway')
  return spec.kind === 'log' ? logGateway(init.writeStdout) : webhookGateway(spec.url)
}

/** Opens DIR/db and builds the backends the configuration asks for. A locked database is a ConfigError (another relay uses DIR). */
export async function openRelayServices (config: RelayConfig, init: OpenServicesInit): Promise<RelayServices> {
  let storage: LevelStorage
  try {
    storage = await openLevel(join(config.dataDir, DB_DIR))
  } catch (err) {
    if (err instanceof StoreLockedError) throw new ConfigError(`database ${join(config.dataDir, DB_DIR)} is in use by another process (is another relay using --data ${config.dataDir}?)`)
    throw err
  }
  const timers: NodeJS.Timeout[] = []
  const prekeys = new RelayPreKeyStore({ kv: storage.kv('relay-prekeys') })
  try {
    // moves prekeys stored by a relay of the one-device format to the per-device layout (docs/prekeys.md)
    await prekeys.open()
  } catch (err) {
    await storage.close()
    throw err
  }
  const prekeySweep = setInterval(() => { prekeys.sweep().catch(err => init.log(`prekey sweep failed: ${(err as Error).message}`)) }, SWEEP_INTERVAL_MS)
  prekeySweep.unref()
  timers.push(prekeySweep)
  const datastore = new KeyValueDatastore(storage.kv(DATASTORE_STORE), { sync: key => key.toString().startsWith(SYNCED_DATASTORE_PREFIX) })
  // a relay keeps mailboxes for the owners that uploaded prekeys here (docs/mailbox.md)
  const mailbox = new RelayMailboxStore({
    kv: storage.kv('relay-mailbox'),
    isKnownOwner: async owner => await prekeys.knows(owner.identityKey, owner.deviceId),
    limits: { ttlMs: config.mailboxTtlMs, maxEnvelopesPerMailbox: config.mailboxMaxEnvelopes, maxBytesPerMailbox: config.mailboxMaxBytes }
  })
  const mailboxSweep = setInterval(() => { mailbox.sweep().catch(err => init.log(`mailbox sweep failed: ${(err as Error).message}`)) }, Math.min(MAILBOX_SWEEP_INTERVAL_MS, config.mailboxTtlMs))
  mailboxSweep.unref()
  timers.push(mailboxSweep)
  // the same owners (devices with prekeys here) may register group topics (docs/group-mailbox.md)
  const groupMailbox = new RelayGroupMailboxStore({
    kv: storage.kv('relay-group-mailbox'),
    isKnownOwner: async owner => await prekeys.knows(owner.identityKey, owner.deviceId),
    limits: { ttlMs: config.groupMailboxTtlMs, maxMessagesPerTopic: config.groupMailboxMaxMessages, maxBytesPerTopic: config.groupMailboxMaxBytes, maxTopicsPerDevice: config.groupMailboxMaxTopics }
  })
  const groupSweep = setInterval(() => { groupMailbox.sweep().catch(err => init.log(`group mailbox sweep failed: ${(err as Error).message}`)) }, Math.min(GROUP_SWEEP_INTERVAL_MS, config.groupMailboxTtlMs))
  groupSweep.unref()
  timers.push(groupSweep)
  // the same owners (devices with prekeys here) may upload blobs; anyone holding a blob id downloads it (docs/blobs.md)
  let blobs: RelayBlobStore
  try {
    blobs = await openDiskBlobStore({
      dir: config.blobDir ?? join(config.dataDir, BLOBS_DIR),
      kv: storage.kv('relay-blobs'),
      isKnownOwner: async owner => await prekeys.knows(owner.identityKey, owner.deviceId),
      limits: { ttlMs: config.blobTtlMs, quotaBytes: config.blobQuotaMb * MIB, maxTotalBytes: config.blobMaxTotalGb * 1024 * MIB }
    })
  } catch (err) {
    for (const t of timers) clearInterval(t)
    await storage.close()
    throw err
  }
  const blobSweep = setInterval(() => { blobs.sweep().catch(err => init.log(`blob sweep failed: ${(err as Error).message}`)) }, Math.min(BLOB_SWEEP_INTERVAL_MS, config.blobTtlMs))
  blobSweep.unref()
  timers.push(blobSweep)
  const services: RelayServices = {
    storage,
    prekeys,
    datastore,
    mailbox,
    groupMailbox,
    blobs,
    async close () {
      for (const t of timers) clearInterval(t)
      await services.turn?.stop()
      await blobs.close()
      await storage.close()
    }
  }
  try {
    if (config.verifier) {
      const verifierKey = await loadOrCreateVerifierKey(config.dataDir)
      const verifier = new PhoneVerifier({
        kv: storage.kv('verifier'),
        verifierKey,
        secret: await loadOrCreateVerifierSecret(config.dataDir),
        gateway: gatewayFor(config, init),
        limits: { codeTtlMs: config.verifyCodeTtlMs, smsPerHour: config.verifySmsPerHour },
        log: init.log
      })
      const sweep = setInterval(() => { verifier.sweep().catch(err => init.log(`verifier sweep failed: ${(err as Error).message}`)) }, SWEEP_INTERVAL_MS)
      sweep.unref()
      timers.push(sweep)
      services.verifier = verifier
      services.verifierKey = toHex(verifierKey.publicKey)
    }
    if (config.turn) {
      // the same owners (devices with prekeys here) may have TURN credentials (docs/turn.md)
      const turn = await startRelayTurn(config, { isKnownOwner: async owner => await prekeys.knows(owner.identityKey, owner.deviceId), log: init.log })
      services.turn = turn
      const sweep = setInterval(() => {
        turn.service.sweep().catch(err => init.log(`TURN rate-limit sweep failed: ${(err as Error).message}`))
      }, TURN_SWEEP_INTERVAL_MS)
      sweep.unref()
      timers.push(sweep)
      init.log(`TURN (${turn.server.kind}) at ${turn.urls.join(' ')}`)
    }
  } catch (err) {
    await services.close()
    throw err
  }
  return services
}
