/** Test helpers for messaging: relay processes with the log SMS gateway and registered Parley devices on real LevelDB folders. */
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { Parley, createNodeNode, type ParleyInit } from '../../src/index.js'
import { smsInbox } from '../helpers/sms.js'

export interface TestRelay { relay: RelayProcess, sms: ReturnType<typeof smsInbox>, dataDir: string }

export async function startTestRelay (dataDir: string, bootstrap: string[] = [], args: string[] = []): Promise<TestRelay> {
  const sms = smsInbox()
  const relay = await startRelayProcess({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', ...(bootstrap.length > 0 ? ['--bootstrap', ...bootstrap] : []), ...args],
    onEvent: sms.onEvent
  })
  return { relay, sms, dataDir }
}

/** A relay restarted on the same data folder (same peer id) on the same TCP address. */
export async function restartTestRelay (r: TestRelay, args: string[] = []): Promise<TestRelay> {
  const sms = smsInbox()
  const relay = await startRelayProcess({
    dataDir: r.dataDir,
    listen: [r.relay.addr('tcp').replace(/\/p2p\/.*$/, '')],
    args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', ...args],
    onEvent: sms.onEvent
  })
  return { relay, sms, dataDir: r.dataDir }
}

export async function openDevice (dir: string, name: string, relays: TestRelay[], extra: Partial<ParleyInit> = {}): Promise<Parley> {
  return await Parley.create({
    dataDir: join(dir, name),
    bootstrap: relays.map(r => r.relay.addr('tcp')),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    createNode: createNodeNode,
    ...extra
  })
}

/** Registers `phone` on a new device through the first relay's verifier. */
export async function registeredDevice (dir: string, name: string, phone: string, relays: TestRelay[], extra: Partial<ParleyInit> = {}): Promise<Parley> {
  const device = await openDevice(dir, name, relays, extra)
  const before = relays[0].sms.count
  await device.register(phone)
  await device.verify(await relays[0].sms.next(phone, before))
  return device
}

/** Collects events into an array and resolves when `n` have arrived (bounded). */
export function collect<T> (subscribe: (push: (e: T) => void) => void) {
  const items: T[] = []
  const waiters: Array<{ n: number, resolve: () => void }> = []
  subscribe(e => {
    items.push(e)
    for (const w of waiters.splice(0)) {
      if (items.length >= w.n) w.resolve()
      else waiters.push(w)
    }
  })
  return {
    items,
    async until (n: number, timeout: number, what: string): Promise<T[]> {
      if (items.length >= n) return items
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${what}: ${items.length} of ${n} within ${timeout} ms`)), timeout)
        waiters.push({ n, resolve: () => { clearTimeout(t); resolve() } })
      })
      return items
    }
  }
}
