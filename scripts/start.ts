/** `npm start`: a local relay (data in ./.parley/relay) on fixed loopback ports, running the phone verifier with the log SMS gateway, plus the web client on http://localhost:8080, which trusts that relay's verifier key (pinned in /config.json). */
import { resolve } from 'node:path'
import { startRelayProcess } from './relay-process.js'
import { startWebServer } from './web-server.js'

const env = process.env
const webPort = Number(env.PARLEY_WEB_PORT ?? 8080)
const tcpPort = Number(env.PARLEY_RELAY_TCP_PORT ?? 4001)
const wsPort = Number(env.PARLEY_RELAY_WS_PORT ?? 4002)
const metricsPort = Number(env.PARLEY_METRICS_PORT ?? 9090)
const dataDir = resolve(env.PARLEY_DATA ?? '.parley/relay')

function say (line: string): void {
  process.stdout.write(line + '\n')
}

/** The printed "SMS": the code, and only the last digits of the number (enough to tell two windows apart). The web client quotes this format. */
function smsLine (to: string, text: string): string {
  const code = /\d{6}/.exec(text)?.[0] ?? text
  return `  SMS code ${code} for …${to.slice(-4)}`
}

async function main (): Promise<void> {
  say('Starting a local Parley relay…')
  const relay = await startRelayProcess({
    dataDir,
    listen: [`/ip4/127.0.0.1/tcp/${tcpPort}`, `/ip4/127.0.0.1/tcp/${wsPort}/ws`],
    // a local network has no SMS provider: the verifier "texts" codes as JSON lines, printed below
    args: ['--metrics-port', String(metricsPort), '--verifier', '--sms-gateway', 'log'],
    onLog: line => process.stderr.write(line + '\n'),
    onEvent: event => {
      if (event.event === 'sms') say(smsLine(String(event.to), String(event.text)))
    }
  })
  // the local network's trust root: the web client pins it, and CLI users are told the flag that pins it
  const verifierKey = typeof relay.listening.verifierKey === 'string' ? relay.listening.verifierKey : undefined
  const config = { bootstrap: [relay.addr('ws')], ...(verifierKey != null ? { trustedVerifiers: [verifierKey] } : {}) }
  const web = await startWebServer({ port: webPort, host: '127.0.0.1', config }).catch(async err => {
    await relay.stop()
    throw new Error(`cannot serve the web client on port ${webPort}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  })
  say('')
  say(`  Relay      ${relay.peerId}`)
  for (const a of relay.multiaddrs) say(`             ${a}`)
  if (verifierKey != null) {
    say(`  Verifier   ${verifierKey}`)
    say(`             the web client trusts only this verifier; for the CLI: parley --trusted-verifier ${verifierKey} …`)
  }
  say(`  Metrics    http://127.0.0.1:${metricsPort}/metrics`)
  say(`  Data       ${dataDir}`)
  say(`  Web client ${web.url}   (open it in two windows to chat: ${web.url}/?profile=alice and ${web.url}/?profile=bob)`)
  say('  Codes for phone verification are printed here as "SMS code 123456 for …0123".')
  say('')
  say('Press Ctrl+C to stop.')

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void (async () => {
      await web.close()
      const code = await relay.stop()
      process.exit(code ?? 0)
    })()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  relay.process.once('exit', code => {
    if (!stopping) {
      process.stderr.write(`parley: the relay exited unexpectedly (code ${code})\n`)
      process.exit(1)
    }
  })
}

main().catch(err => {
  process.stderr.write(`parley: ${(err as Error).message}\n`)
  process.exit(1)
})
