/** The `parley-relay` command: reads configuration, starts the relay, prints one `listening` JSON line, shuts down on SIGINT/SIGTERM. */
import type { Server } from 'node:http'
import { ConfigError, parseRelayConfig, usage, type RelayConfig } from './config.js'
import { loadOrCreateKey, prepareDataDir } from './key.js'
import { createRelayNode, type RelayNode } from './relay.js'
import { startMetricsServer } from './metrics.js'
import { openRelayServices, type RelayServices } from './services.js'
import { TurnStartError } from './turn/index.js'
import { tuneHeapForStreaming } from '../../src/util/heap.js'

/** Logs go to stderr so that stdout carries only machine-readable events. */
function log (message: string): void {
  process.stderr.write(`parley-relay: ${message}\n`)
}

function fail (message: string, code = 1): never {
  process.stderr.write(`parley-relay: ${message}\n`)
  process.exit(code)
}

/** Turns a listen or bind failure into one line a person can act on. */
function explainStartError (err: unknown, config: RelayConfig): string {
  const e = err as NodeJS.ErrnoException & { name?: string }
  const text = `${e.code ?? ''} ${e.message ?? ''}`
  if (text.includes('EADDRINUSE')) return `cannot listen: address already in use (${config.listen.join(', ')})`
  if (text.includes('EADDRNOTAVAIL')) return `cannot listen: address not available on this machine (${config.listen.join(', ')})`
  if (text.includes('EACCES')) return `cannot listen: permission denied (${config.listen.join(', ')})`
  if (e.name === 'UnsupportedListenAddressesError' || e.name === 'UnsupportedListenAddressError' || text.includes('no valid addresses')) {
    return `cannot listen: no transport supports ${config.listen.join(', ')} (use /tcp/PORT or /tcp/PORT/ws)`
  }
  return `cannot start: ${e.message ?? String(err)}`
}

async function main (): Promise<void> {
  tuneHeapForStreaming()
  let config: RelayConfig
  try {
    const parsed = parseRelayConfig(process.argv.slice(2), process.env)
    if (parsed.help) {
      process.stdout.write(usage() + '\n')
      return
    }
    config = parsed.config
    await prepareDataDir(config.dataDir)
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2)
    throw err
  }

  const key = await loadOrCreateKey(config.dataDir).catch(err => fail(err instanceof ConfigError ? err.message : `cannot read key: ${(err as Error).message}`, 2))
  const services: RelayServices = await openRelayServices(config, {
    writeStdout: line => { process.stdout.write(line) },
    log
  }).catch(err => {
    if (err instanceof TurnStartError) fail(err.message)
    fail(err instanceof ConfigError ? err.message : `cannot open the database: ${(err as Error).message}`, 2)
  })
  let node: RelayNode
  try {
    node = await createRelayNode(config, key, { verifier: services.verifier, prekeys: services.prekeys, mailbox: services.mailbox, groupMailbox: services.groupMailbox, blobs: services.blobs, turn: services.turn?.service, datastore: services.datastore })
    await node.start()
  } catch (err) {
    await services.close().catch(() => {})
    fail(explainStartError(err, config))
  }

  let metrics: Server | undefined
  if (config.metricsPort != null) {
    try {
      metrics = await startMetricsServer(node, config.metricsHost, config.metricsPort, { mailbox: services.mailbox.stats, groupMailbox: services.groupMailbox.stats, blobs: services.blobs.stats, turn: services.turn?.service })
    } catch (err) {
      await node.stop()
      await services.close().catch(() => {})
      const code = (err as NodeJS.ErrnoException).code
      fail(code === 'EADDRINUSE' ? `--metrics-port ${config.metricsPort}: address already in use` : `metrics server: ${(err as Error).message}`)
    }
  }

  // handlers go in before the listening line, so a signal sent on seeing it is always handled
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log(`${signal}: shutting down`)
    const force = setTimeout(() => fail('shutdown took too long; exiting'), 10_000)
    force.unref()
    void (async () => {
      try {
        if (metrics != null) await new Promise<void>(resolve => metrics.close(() => resolve()))
        await node.stop()
        await services.close()
        log('stopped')
        process.exit(0)
      } catch (err) {
        fail(`error during shutdown: ${(err as Error).message}`)
      }
    })()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  if (config.trustedVerifiers.length === 0) {
    log('warning: no --trusted-verifier given: every verifier\'s attestation counts when this relay decides which directory record to keep; give your network\'s verifier keys (docs/trust.md)')
  }
  const line = {
    event: 'listening',
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(ma => ma.toString()),
    ...(config.metricsPort != null ? { metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics` } : {}),
    ...(services.verifierKey != null ? { verifierKey: services.verifierKey } : {}),
    // the ICE urls of the relay's TURN server (its credentials go to registered devices over /parley/turn/1.0.0)
    ...(services.turn != null ? { turn: { kind: services.turn.server.kind, urls: services.turn.urls } } : {}),
    // the verifier keys whose attestations lock a number here (empty: any verifier's count)
    trustedVerifiers: config.trustedVerifiers.map(k => Buffer.from(k).toString('hex'))
  }
  process.stdout.write(JSON.stringify(line) + '\n')
  log(`started ${node.peerId.toString()} (data ${config.dataDir}${services.verifier != null ? `, verifier with ${config.smsGateway?.kind} SMS gateway` : ''})`)
}

main().catch(err => fail(`fatal: ${(err as Error).message}`))
