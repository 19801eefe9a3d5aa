// What the CLI tests share: a relay process with a verifier, a temp folder per device, `parley` run to its exit with the relay and its verifier key, registration by SMS code.
import { expect } from 'vitest'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { startTestRelay, type TestRelay } from '../messaging/helpers.js'

export const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')

export interface CliRig {
  dir: Awaited<ReturnType<typeof tempDir>>
  relay: TestRelay
  /** `--data <folder of name> --bootstrap <relay> --trusted-verifier <its key>` */
  common: (name: string) => string[]
  /** runs `parley args…` to its exit (killed after `timeout` ms) */
  parley: (args: string[], timeout?: number) => Promise<{ code: number | null, stdout: string, stderr: string }>
  /** registers `phone` in `name`'s folder through the relay's verifier (exit codes and stderr checked) */
  register: (name: string, phone: string) => Promise<void>
  stop: () => Promise<void>
}

/** Starts the relay and registers each `[name, phone]` with the CLI. */
export async function startCliRig (people: Array<[string, string]>, defaultTimeout = 60_000): Promise<CliRig> {
  const dir = await tempDir()
  const relay = await startTestRelay(join(dir.path, 'relay'))
  const common = (name: string): string[] => ['--data', join(dir.path, name), '--bootstrap', relay.relay.addr('tcp'), '--trusted-verifier', String(relay.relay.listening.verifierKey)]
  const parley = async (args: string[], timeout = defaultTimeout): Promise<{ code: number | null, stdout: string, stderr: string }> => await runToExit(CLI, args, { timeout })
  const register = async (name: string, phone: string): Promise<void> => {
    const before = relay.sms.count
    expect((await parley([...common(name), 'register', phone])).code).toBe(0)
    const ok = await parley([...common(name), 'verify', await relay.sms.next(phone, before)])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
  }
  const stop = async (): Promise<void> => {
    await relay.relay.stop()
    await dir.remove()
  }
  try {
    for (const [name, phone] of people) await register(name, phone)
  } catch (err) {
    await stop()
    throw err
  }
  return { dir, relay, common, parley, register, stop }
}
