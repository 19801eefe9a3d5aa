// `parley` and trust: --trusted-verifier / PARLEY_TRUSTED_VERIFIERS parsing, the warning without a configured root, `trust PHONE`, and `receive --json` reporting a takeover attempt, against a real relay process.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { parseCliArgs, UsageError } from '../../src/cli/args.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { startTestRelay, openDevice, type TestRelay } from '../messaging/helpers.js'
import { attestFor, publishRival } from '../messaging/rivals.js'
import { toHex } from '../../src/storage/index.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const OWNER = '+15550530001'
const A = 'aa'.repeat(32)
const B = 'BB'.repeat(32)
const C = 'cc'.repeat(32)
const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], b => parseInt(b, 16))

describe('parley --trusted-verifier (parsing)', () => {
  it('is repeatable, takes PARLEY_TRUSTED_VERIFIERS comma- or space-separated, and flags replace the environment', () => {
    expect(parseCliArgs(['--trusted-verifier', A, '--trusted-verifier', B, 'whoami']).trustedVerifiers).toEqual([bytes(A), bytes(B)])
    expect(parseCliArgs(['whoami'], { PARLEY_TRUSTED_VERIFIERS: `${A}, ${B}` }).trustedVerifiers).toEqual([bytes(A), bytes(B)])
    expect(parseCliArgs(['whoami'], { PARLEY_TRUSTED_VERIFIERS: `${A} ${B}\n${C}` }).trustedVerifiers).toEqual([bytes(A), bytes(B), bytes(C)])
    expect(parseCliArgs(['--trusted-verifier', C, 'whoami'], { PARLEY_TRUSTED_VERIFIERS: A }).trustedVerifiers).toEqual([bytes(C)])
    expect(parseCliArgs(['whoami']).trustedVerifiers).toEqual([])
  })

  it('refuses anything but 64 hex digits, from the flag or the environment, naming where it came from', () => {
    for (const bad of ['abcd', A.slice(1) + 'g', A + '00', '']) {
      expect(() => parseCliArgs(['--trusted-verifier', bad, 'whoami'])).toThrow(UsageError)
    }
    expect(() => parseCliArgs(['--trusted-verifier', 'abcd', 'whoami'])).toThrow(/^--trusted-verifier: expected a verifier key of 64 hex digits, got 'abcd'$/)
    expect(() => parseCliArgs(['whoami'], { PARLEY_TRUSTED_VERIFIERS: `${A},xyz` })).toThrow(/^PARLEY_TRUSTED_VERIFIERS: expected a verifier key of 64 hex digits/)
    expect(() => parseCliArgs(['--trusted-verifier'])).toThrow(/--trusted-verifier needs a value/)
  })
})

describe('parley and trust (processes)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  const pin = (): string[] => ['--trusted-verifier', String(relay.relay.listening.verifierKey)]
  const at = (name: string): string[] => ['--data', join(dir.path, name), '--bootstrap', relay.relay.addr('tcp')]
  const parley = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, args, { timeout: 60_000, env })

  async function register (name: string, phone: string): Promise<string> {
    const before = relay.sms.count
    expect((await parley([...at(name), ...pin(), 'register', phone])).code).toBe(0)
    const ok = await parley([...at(name), ...pin(), 'verify', await relay.sms.next(phone, before)])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    return JSON.parse((await parley([...at(name), ...pin(), 'whoami', '--json'])).stdout).identityKey
  }

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
  }, 60_000)

  afterAll(async () => {
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('says on one stderr line when no root is configured; a bad key is one clear line and exit 2', async () => {
    const bare = await parley([...at('bare'), 'whoami', '--json'])
    expect(bare.code).toBe(0)
    expect(bare.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^parley: warning: no --trusted-verifier given and this device is not registered/)])
    const pinned = await parley([...at('bare'), 'whoami', '--json'], { PARLEY_TRUSTED_VERIFIERS: String(relay.relay.listening.verifierKey) })
    expect(pinned.stderr).toBe('')
    const bad = await parley([...at('bare'), '--trusted-verifier', 'not-hex', 'whoami'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('parley: --trusted-verifier: expected a verifier key of 64 hex digits, got \'not-hex\'')
  }, 60_000)

  it('receive --json reports a rival record for our number as a takeover-attempt line; trust PHONE needs a known contact', async () => {
    await register('owner', OWNER)
    // a relay that joined later and never held the owner's record
    const late = await startTestRelay(join(dir.path, 'late-relay'), [relay.relay.addr('tcp')])
    // a trusted verifier texts the owner's code to someone else (a SIM swap), who publishes a record with it
    const rival = await openDevice(dir.path, 'rival', [late])
    await publishRival(rival, OWNER, await attestFor(rival, OWNER, relay))
    const rivalKey = toHex(rival.identity.publicKey)
    const got = await parley(['--data', join(dir.path, 'owner'), '--bootstrap', relay.relay.addr('tcp'), late.relay.addr('tcp'), ...pin(), 'receive', '--json'])
      .finally(async () => { await rival.stop(); await late.relay.stop() })
    expect(got.code).toBe(0)
    const lines = got.stdout.trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
    expect(lines).toContainEqual({ type: 'takeover-attempt', identityKey: rivalKey, verified: true, at: expect.any(Number) })
    expect(got.stdout).not.toContain(OWNER)

    const unknown = await parley([...at('owner'), ...pin(), 'trust', '+15550539999'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('parley: you have no safety number for +15550539999 yet: nothing to accept')
  }, 120_000)
})
