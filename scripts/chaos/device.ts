/**
 * One Parley device as its own process, for the chaos harness (scripts/chaos/harness.ts), which SIGKILLs it
 * and starts it again on the same folder. Commands are JSON lines on stdin, every event a JSON line on stdout
 * (scripts/chaos/protocol.ts). `--dump` instead prints what a stopped device's store holds and exits.
 *
 *   node dist/scripts/chaos/device.js --data DIR --bootstrap ADDR... [--dump]
 */
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Parley, createNodeNode, createDepositNodeNode } from '../../src/index.js'
import { openLevel, MAX_HISTORY_PAGE, type Storage, type StoredMessage } from '../../src/storage/index.js'
import type { DriverCommand, DriverEvent, PendingWithoutOutbox, StoreDump } from './protocol.js'

type EventBody = DriverEvent extends infer E ? E extends DriverEvent ? Omit<E, 'at'> : never : never

/** Pipes are written synchronously on Linux: a line printed before a SIGKILL reaches the harness. */
function emit (event: EventBody | StoreDump): void {
  process.stdout.write(JSON.stringify('ev' in event && event.ev === 'dump' ? event : { ...event, at: Date.now() }) + '\n')
}

const errorFields = (err: unknown): { name: string, message: string } => ({ name: (err as Error)?.name ?? 'Error', message: String((err as Error)?.message ?? err) })

function parseArgs (argv: string[]): { data: string, bootstrap: string[], dump: boolean } {
  let data: string | undefined
  const bootstrap: string[] = []
  let dump = false
  let inBootstrap = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--data') { data = argv[++i]; inBootstrap = false } else if (a === '--bootstrap') inBootstrap = true
    else if (a === '--dump') { dump = true; inBootstrap = false } else if (inBootstrap && !a.startsWith('--')) bootstrap.push(a)
    else throw new Error(`unexpected argument '${a}'`)
  }
  if (data == null || data === '') throw new Error('--data DIR is required')
  return { data, bootstrap, dump }
}

/** Every message of every conversation, oldest page last. */
async function allHistory (storage: Storage): Promise<StoredMessage[]> {
  const out: StoredMessage[] = []
  for (const c of await storage.messages.conversations()) {
    let before: { timestamp: number, id: string } | undefined
    for (;;) {
      const page = await storage.messages.history(c.address, { limit: MAX_HISTORY_PAGE, ...(before != null ? { before } : {}) })
      out.push(...page)
      if (page.length < MAX_HISTORY_PAGE) break
      const last = page[page.length - 1]
      before = { timestamp: last.timestamp, id: last.id }
    }
  }
  return out
}

async function pendingWithoutOutbox (storage: Storage): Promise<PendingWithoutOutbox[]> {
  const out: PendingWithoutOutbox[] = []
  for (const m of await allHistory(storage)) {
    if (m.direction === 'out' && m.status === 'pending' && await storage.outbox.get(m.id) == null) out.push({ id: m.id, to: m.conversation, text: m.text, timestamp: m.timestamp })
  }
  return out
}

async function dump (data: string): Promise<void> {
  const storage = await openLevel(join(data, 'db'))
  try {
    const outbox = (await storage.outbox.list()).map(e => ({ id: e.id, to: e.to, kind: e.kind, attempts: e.attempts, createdAt: e.createdAt, nextAttemptAt: e.nextAttemptAt }))
    emit({ ev: 'dump', history: await allHistory(storage), outbox })
  } finally {
    await storage.close()
  }
}

async function run (data: string, bootstrap: string[]): Promise<void> {
  const storage = await openLevel(join(data, 'db'))
  let parley: Parley
  let before: PendingWithoutOutbox[]
  let outboxCount: number
  try {
    before = await pendingWithoutOutbox(storage)
    outboxCount = await storage.outbox.count()
    parley = await Parley.create({
      storage,
      closeStorage: true,
      bootstrap,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      createNode: createNodeNode,
      createDepositNode: createDepositNodeNode
    })
  } catch (err) {
    await storage.close().catch(() => {})
    throw err
  }
  parley.on('message', m => emit({ ev: 'message', id: m.id, from: m.from, text: m.text, timestamp: m.timestamp }))
  parley.on('status', e => emit({ ev: 'status', phone: e.phone, id: e.id, status: e.status }))
  parley.on('undecryptable', e => emit({ ev: 'undecryptable', reason: e.reason, ...(e.phone != null ? { phone: e.phone } : {}) }))
  parley.on('identity-changed', e => emit({ ev: 'identity-changed', phone: e.phone, blocked: e.blocked }))
  parley.on('relay', e => emit({ ev: 'relay', relay: e.relay, state: e.state }))
  parley.on('error', err => emit({ ev: 'error', ...errorFields(err) }))
  const who = await parley.whoami()
  emit({ ev: 'ready', peerId: who.peerId, ...(who.phone != null ? { phone: who.phone } : {}), pendingWithoutOutbox: before, outbox: outboxCount })

  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      await parley.stop().catch(err => emit({ ev: 'error', ...errorFields(err) }))
      emit({ ev: 'stopped' })
      process.exit(0)
    })()
    await stopping
  }

  const handle = async (c: DriverCommand): Promise<void> => {
    switch (c.cmd) {
      case 'register':
        try {
          const r = await parley.register(c.phone)
          emit({ ev: 'code-requested', phone: r.phone, relay: r.relay })
        } catch (err) {
          emit({ ev: 'register-error', ...errorFields(err) })
        }
        break
      case 'verify':
        try {
          const r = await parley.verify(c.code)
          emit({ ev: 'registered', phone: r.phone, mailboxRelays: r.mailboxRelays })
        } catch (err) {
          emit({ ev: 'register-error', ...errorFields(err) })
        }
        break
      case 'send':
        emit({ ev: 'send-start', tid: c.tid })
        try {
          const m = await parley.send(c.to, c.text)
          emit({ ev: 'ack', tid: c.tid, id: m.id })
        } catch (err) {
          emit({ ev: 'send-error', tid: c.tid, ...errorFields(err) })
        }
        break
      case 'stop':
        await stop()
        break
    }
  }

  const lines = createInterface({ input: process.stdin })
  lines.on('line', line => {
    let c: DriverCommand
    try {
      c = JSON.parse(line) as DriverCommand
    } catch {
      emit({ ev: 'error', name: 'BadCommand', message: line.slice(0, 200) })
      return
    }
    handle(c).catch(err => emit({ ev: 'error', ...errorFields(err) }))
  })
  // the harness went away: do not linger
  lines.on('close', () => { stop().catch(() => process.exit(1)) })
}

try {
  const args = parseArgs(process.argv.slice(2))
  if (args.dump) {
    await dump(args.data)
    process.exit(0)
  } else {
    await run(args.data, args.bootstrap)
  }
} catch (err) {
  emit({ ev: 'fatal', ...errorFields(err) })
  process.exit(1)
}
