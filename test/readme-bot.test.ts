// The README's bot, exactly as written there, installed the way the README says (the package linked into the bot's node_modules, as `npm install /path/to/the/clone` does) and registered with the `parley` command: a CLI user writes to it and gets its answer, and the bot logs the delivered receipt.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { spawn, type ChildProcess } from 'node:child_process'
import { PROJECT_ROOT } from '../scripts/paths.js'
import { tempDir } from './helpers/tmp.js'
import { runToExit } from './helpers/process.js'
import { retryUntil } from './helpers/wait.js'
import { startTestRelay, type TestRelay } from './messaging/helpers.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const BOT = '+15550009999'
const USER = '+15550009998'

/** The TypeScript block of the README's "A bot in ten lines" section. */
async function readmeBot (): Promise<string> {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### A bot in ten lines'))
  const block = /```ts\n([\s\S]*?)```/.exec(section)
  if (block == null) throw new Error('the README has no bot code block')
  return block[1]
}

describe('the README\'s bot', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let verifier: string
  let bot: ChildProcess | undefined
  let botOut = ''

  const parley = async (data: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, ['--data', data, '--bootstrap', relay.relay.addr('tcp'), '--trusted-verifier', verifier, ...args], { timeout: 90_000 })
  async function register (data: string, phone: string): Promise<void> {
    const before = relay.sms.count
    expect((await parley(data, ['register', phone])).code).toBe(0)
    const ok = await parley(data, ['verify', await relay.sms.next(phone, before)])
    expect(ok.code, ok.stderr).toBe(0)
  }

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
    verifier = relay.relay.listening.verifierKey as string
  }, 60_000)

  afterAll(async () => {
    if (bot != null && bot.exitCode == null) {
      const exited = new Promise(resolve => bot!.once('exit', resolve))
      bot.kill('SIGTERM')
      await exited
    }
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('imports only the package entry (never a deep path such as the src/client/internals test seam)', async () => {
    const imports = [...(await readmeBot()).matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g)].map(m => m[1] ?? m[2])
    expect(imports).toEqual(['parley-messenger'])
  })

  it('answers a message and logs the delivered receipt of its answer', async () => {
    // the bot's folder: the package installed as `npm install /path/to/the/clone` leaves it (a link)
    const folder = join(dir.path, 'my-bot')
    await mkdir(join(folder, 'node_modules'), { recursive: true })
    await symlink(PROJECT_ROOT, join(folder, 'node_modules', 'parley-messenger'), 'dir')
    await writeFile(join(folder, 'bot.ts'), await readmeBot())
    await register(join(folder, 'bot-data'), BOT)

    bot = spawn(process.execPath, ['bot.ts'], { cwd: folder, env: { ...process.env, RELAY: relay.relay.addr('tcp'), VERIFIER: verifier }, stdio: ['ignore', 'pipe', 'pipe'] })
    let botErr = ''
    bot.stdout!.on('data', d => { botOut += String(d) })
    bot.stderr!.on('data', d => { botErr += String(d) })

    const user = join(dir.path, 'user')
    await register(user, USER)
    const sent = await parley(user, ['send', BOT, 'hello bot'])
    expect(sent.code, sent.stderr).toBe(0)

    const answer = await retryUntil(async () => {
      if (bot?.exitCode != null) throw new Error(`the bot exited with ${bot.exitCode}: ${botErr}`)
      const got = await parley(user, ['receive', '--json'])
      const line = got.stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>)
        .find(l => l.type === 'message' && l.from === BOT)
      if (line == null) throw new Error('no answer yet')
      return line
    }, { timeout: 60_000, interval: 500, what: 'the bot\'s answer' })
    expect(answer.text).toBe('you said: hello bot')

    // the user's receive acknowledged the answer: the bot's receipt handler prints "<id> delivered"
    await retryUntil(async () => {
      if (!botOut.includes(`${answer.id as string} delivered`)) throw new Error(`bot printed: ${botOut} ${botErr}`)
    }, { timeout: 30_000, interval: 100, what: 'the bot logging the delivered receipt' })
  }, 180_000)
})
