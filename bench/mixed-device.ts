/**
 * One msg.mixed device in its own process (bench/mixed.ts starts six): a Parley device on a temp LevelDB folder,
 * TCP on loopback, driven by JSON lines on stdin and reporting JSON lines on stdout. Times are
 * `performance.timeOrigin + performance.now()` (ms since the epoch, sub-ms), comparable across processes.
 *
 *   node dist/bench/mixed-device.js --data DIR --bootstrap ADDR...
 *
 * Commands: {cmd:'register', phone} → {ev:'code-requested'}; {cmd:'verify', code} → {ev:'registered'};
 * {cmd:'send', i, to, text} → {ev:'sent', i, at} when send() is called, then {ev:'queued', i} or
 * {ev:'send-error', i, message}; {cmd:'stop'} → {ev:'stopped'} and exit. Events: {ev:'message', text, at, path}
 * (path: which receive path handed the envelope over, the dm server's window or a mailbox session).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createInterface } from 'node:readline'
import { Parley, createNodeNode, createDepositNodeNode } from '../src/index.js'
import { internals } from '../src/client/internals.js'

type Command = { cmd: 'register', phone: string } | { cmd: 'verify', code: string } | { cmd: 'send', i: number, to: string, text: string } | { cmd: 'stop' }

const clock = (): number => performance.timeOrigin + performance.now()
const emit = (event: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(event) + '\n') }

function parseArgs (argv: string[]): { data: string, bootstrap: string[] } {
  const data = argv[argv.indexOf('--data') + 1]
  const at = argv.indexOf('--bootstrap')
  const bootstrap = at < 0 ? [] : argv.slice(at + 1).filter(a => !a.startsWith('--'))
  if (argv.indexOf('--data') < 0 || data == null) throw new Error('--data DIR is required')
  return { data, bootstrap }
}

async function main (): Promise<void> {
  const { data, bootstrap } = parseArgs(process.argv.slice(2))
  const device = await Parley.create({ dataDir: data, bootstrap, listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, createDepositNode: createDepositNodeNode })
  const path = new AsyncLocalStorage<'direct' | 'mailbox'>()
  // the dm server hands windows over without a sync group; a mailbox session passes its ack batch's group
  const { messenger } = internals(device)
  const receiveBatch = messenger.receiveBatch.bind(messenger)
  messenger.receiveBatch = async (envelopes, options) => await path.run(options?.syncGroup != null ? 'mailbox' : 'direct', async () => await receiveBatch(envelopes, options))
  device.on('message', m => emit({ ev: 'message', text: m.text, at: clock(), path: path.getStore() ?? 'direct' }))
  device.on('error', () => {})
  emit({ ev: 'ready' })

  const handle = async (c: Command): Promise<void> => {
    switch (c.cmd) {
      case 'register':
        await device.register(c.phone)
        emit({ ev: 'code-requested' })
        break
      case 'verify':
        await device.verify(c.code)
        emit({ ev: 'registered' })
        break
      case 'send': {
        emit({ ev: 'sent', i: c.i, at: clock() })
        try {
          await device.send(c.to, c.text)
          emit({ ev: 'queued', i: c.i })
        } catch (err) {
          emit({ ev: 'send-error', i: c.i, message: (err as Error).message })
        }
        break
      }
      case 'stop':
        await device.stop()
        emit({ ev: 'stopped' })
        process.exit(0)
    }
  }
  createInterface({ input: process.stdin }).on('line', line => {
    handle(JSON.parse(line) as Command).catch(err => emit({ ev: 'failed', message: (err as Error).message }))
  })
}

main().catch(err => {
  process.stderr.write(`mixed-device: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
