// Giving a number up: while the owner's record is locked a new identity cannot register the number (its publish is refused everywhere); after `releaseNumber` (or `parley release`) it can at once, lookups find the new key, and the old device stops republishing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Parley } from '../../src/index.js'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { retryUntil } from '../helpers/wait.js'
import { openDevice, registeredDevice, startTestRelay, type TestRelay } from '../messaging/helpers.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const NUMBER = '+15550810001'
const OTHER = '+15550810002'

describe('releasing a number', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  const devices: Parley[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(devices.map(async d => await d.stop()))
    await relay?.relay.stop()
    await dir?.remove()
  })

  const trustedVerifiers = (): Uint8Array[] => [Buffer.from(relay.relay.listening.verifierKey as string, 'hex')]

  it('a new identity is refused while the number is locked, and gets it right after the owner releases it', async () => {
    const old = await registeredDevice(dir.path, 'old', NUMBER, [relay], { trustedVerifiers: trustedVerifiers() })
    devices.push(old)
    const oldKey = (await old.whoami()).identityKey

    const fresh = await openDevice(dir.path, 'new', [relay], { trustedVerifiers: trustedVerifiers() })
    devices.push(fresh)
    let before = relay.sms.count
    await fresh.register(NUMBER)
    await expect(fresh.verify(await relay.sms.next(NUMBER, before))).rejects.toMatchObject({ name: 'PublishFailedError' })
    expect((await fresh.whoami()).registered).toBe(false)

    await old.releaseNumber()
    expect((await old.whoami()).registered).toBe(false)
    await expect(old.releaseNumber()).rejects.toMatchObject({ name: 'NotRegisteredError' })

    before = relay.sms.count
    await fresh.register(NUMBER)
    await fresh.verify(await relay.sms.next(NUMBER, before))
    const newKey = (await fresh.whoami()).identityKey
    expect(newKey).not.toBe(oldKey)

    const looker = await openDevice(dir.path, 'looker', [relay], { trustedVerifiers: trustedVerifiers() })
    devices.push(looker)
    const found = await retryUntil(async signal => {
      const r = await looker.lookup(NUMBER, { signal })
      if (!r.registered || Buffer.from(r.identityKey).toString('hex') !== newKey) throw new Error('new key not found yet')
      return r
    }, { timeout: 30_000, what: 'the new identity in the directory' })
    expect(found).toMatchObject({ registered: true, verified: true })
  }, 120_000)

  it('parley release: one line, then the number is free', async () => {
    const common = ['--data', join(dir.path, 'cli'), '--bootstrap', relay.relay.addr('tcp'), '--trusted-verifier', relay.relay.listening.verifierKey as string]
    const before = relay.sms.count
    expect((await runToExit(CLI, [...common, 'register', OTHER], { timeout: 60_000 })).code).toBe(0)
    expect((await runToExit(CLI, [...common, 'verify', await relay.sms.next(OTHER, before)], { timeout: 60_000 })).code).toBe(0)
    const released = await runToExit(CLI, [...common, 'release', '--json'], { timeout: 60_000 })
    expect(released.stderr).toBe('')
    expect(released.code).toBe(0)
    expect(JSON.parse(released.stdout)).toEqual({ phone: OTHER, released: true })
    const who = await runToExit(CLI, [...common, 'whoami', '--json'], { timeout: 60_000 })
    expect(JSON.parse(who.stdout)).toMatchObject({ registered: false })
    const again = await runToExit(CLI, [...common, 'release'], { timeout: 60_000 })
    expect(again.code).not.toBe(0)
    expect(again.stderr.trim()).toMatch(/^parley: this device is not registered/)
  }, 120_000)
})
