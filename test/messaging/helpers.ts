/** Test helpers for messaging: relay processes with the log SMS gateway and registered Parley devices on real LevelDB folders. */
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess, type RelayProcessInit } from '../../scripts/relay-process.js'
import { Parley, createNodeNode, createDepositNodeNode, type ParleyInit, type ReceivedMessage } from '../../src/index.js'
import { smsInbox } from '../helpers/sms.js'
import { retryUntil } from '../helpers/wait.js'
import { tempDir } from '../helpers/tmp.js'
import { internals } from '../../src/client/internals.js'

type TempDir = Awaited<ReturnType<typeof tempDir>>

export interface TestRelay { relay: RelayProcess, sms: ReturnType<typeof smsInbox>, dataDir: string }

export async function startTestRelay (dataDir: string, bootstrap: string[] = [], args: string[] = [], init: Pick<RelayProcessInit, 'env' | 'onLog'> = {}): Promise<TestRelay> {
  const sms = smsInbox()
  const relay = await startRelayProcess({
    ...init,
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
    createDepositNode: createDepositNodeNode,
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

/**
 * A conversation both ways: sessions exist on both sides and each is the other's recent contact. Resolves
 * once both delivered receipts came back and both outboxes are empty, so later counts show only what the
 * test itself queued.
 */
export async function converse (a: { device: Parley, phone: string }, b: { device: Parley, phone: string }): Promise<void> {
  const atB = collect<ReceivedMessage>(push => b.device.on('message', push))
  const deliveredAtA = collect<{ id: string }>(push => a.device.on('receipt', e => { if (e.status === 'delivered') push(e) }))
  await a.device.send(b.phone, 'hi')
  await atB.until(1, 30_000, 'first message')
  const atA = collect<ReceivedMessage>(push => a.device.on('message', push))
  const deliveredAtB = collect<{ id: string }>(push => b.device.on('receipt', e => { if (e.status === 'delivered') push(e) }))
  await b.device.send(a.phone, 'hello')
  await atA.until(1, 30_000, 'answer')
  await deliveredAtA.until(1, 30_000, 'delivered receipt of the first message')
  await deliveredAtB.until(1, 30_000, 'delivered receipt of the answer')
  await retryUntil(async () => (await internals(a.device).messenger.pendingCount()) + (await internals(b.device).messenger.pendingCount()) === 0 || Promise.reject(new Error('receipts pending')), { timeout: 30_000, interval: 50, what: 'empty outboxes' })
}

/** A relay process and two devices registered through it, in a new temporary folder. */
export async function startPair (alicePhone: string, bobPhone: string): Promise<{ dir: TempDir, relay: TestRelay, alice: Parley, bob: Parley }> {
  const dir = await tempDir()
  const relay = await startTestRelay(`${dir.path}/relay`)
  const alice = await registeredDevice(dir.path, 'alice', alicePhone, [relay])
  const bob = await registeredDevice(dir.path, 'bob', bobPhone, [relay])
  return { dir, relay, alice, bob }
}

/** Stops devices (those still set), then the relay, then removes the folder. */
export async function stopAll (dir: TempDir | undefined, relay: TestRelay | undefined, devices: Array<Parley | undefined>): Promise<void> {
  for (const d of devices) await d?.stop()
  await relay?.relay.stop()
  await dir?.remove()
}
