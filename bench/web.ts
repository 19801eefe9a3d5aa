/** Web client benchmarks: the size a browser downloads for the app, Lighthouse's performance score of the first load (desktop and mobile), and the time from opening a registered profile's page to its first message being delivered to another tab (Chromium, real relay process). Knows nothing of how the page works inside beyond its test ids and `parley:*` performance marks. */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { PROJECT_ROOT, WEB_DIST } from '../scripts/paths.js'
import { startRelayProcess } from '../scripts/relay-process.js'
import { startWebServer } from '../scripts/web-server.js'
import { tempDir } from '../test/helpers/tmp.js'
import { startWebRig, testid, type WebPerson, type WebRig } from '../test/helpers/web-app.js'
import type { ParleyInternals } from '../src/client/internals.js'
import { median, percentile, type Figure, type Suite } from './harness.js'
import { runLighthouse, type FormFactor, type LighthouseRun } from './lighthouse.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900301', e164: '+447700900301', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900302', e164: '+447700900302', name: 'Bob' }
/** Fresh page loads timed: enough for a median and a max, short enough for the two-minute aim. */
const RUNS = 5
/** Bound on one UI wait (a page start, a delivery): nothing should come near it. */
const WAIT_MS = 60_000
/** gzip level of the size figure: what a server that pre-compresses its static files would serve. */
const GZIP_LEVEL = 9
/** Milestones the page marks (web/src/perf.ts), in the order they usually happen. */
const MARKS = ['boot', 'shell', 'config', 'node', 'model', 'rendered', 'relay', 'reservation', 'send', 'queued', 'peer-connection', 'sent', 'received', 'delivered']

/** Lighthouse runs per form factor: its score moves by several points from run to run on a shared machine, so the figure is the median of these. */
const LIGHTHOUSE_RUNS = 3

const kib = (bytes: number): number => bytes / 1024

/** Newest modification time (ms) of the files under `dir`. */
async function newest (dir: string): Promise<number> {
  let latest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    latest = Math.max(latest, (await stat(join(entry.parentPath, entry.name))).mtimeMs)
  }
  return latest
}

/** Builds dist/web with Vite when it is missing or older than web/ or src/ (the bundle's sources). */
async function ensureBuilt (): Promise<void> {
  const built = await stat(join(WEB_DIST, 'index.html')).then(s => s.mtimeMs, () => 0)
  const sources = Math.max(await newest(join(PROJECT_ROOT, 'web')), await newest(join(PROJECT_ROOT, 'src')))
  if (built >= sources) return
  process.stderr.write(`  web: dist/web is ${built === 0 ? 'missing' : 'older than web/ or src/'}: building it with Vite\n`)
  const { build } = await import('vite')
  await build({ configFile: join(PROJECT_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' })
}

/**
 * What a browser downloads for the app: index.html, then every file of dist/web (not source maps)
 * named by a file already in the set (script and stylesheet links, chunk imports), transitively.
 * `direct`: only index.html and the files it names itself (what the first paint, the shell, waits for).
 */
async function bundleFiles (direct = false): Promise<string[]> {
  const all = (await readdir(WEB_DIST, { recursive: true }))
    .map(f => join(WEB_DIST, f))
    .filter(f => /\.(js|css)$/.test(f))
  const files = [join(WEB_DIST, 'index.html')]
  for (let i = 0; i < (direct ? 1 : files.length); i++) {
    const text = await readFile(files[i], 'utf8')
    for (const f of all) {
      if (!files.includes(f) && text.includes(basename(f))) files.push(f)
    }
  }
  return files
}

/** Bytes of a file as the web server sends it to a browser that takes brotli: its .br copy when the build made one. */
async function servedBrotli (file: string): Promise<number> {
  return await stat(`${file}.br`).then(s => s.size, async () => (await stat(file)).size)
}

async function bundleSize (): Promise<{ raw: number, gzip: number, br: number, shellBr: number, files: string[], shellFiles: string[] }> {
  let raw = 0
  let gzip = 0
  let br = 0
  let shellBr = 0
  const files = await bundleFiles()
  const shellFiles = await bundleFiles(true)
  for (const f of files) {
    const body = await readFile(f)
    raw += body.length
    gzip += gzipSync(body, { level: GZIP_LEVEL }).length
    br += await servedBrotli(f)
  }
  for (const f of shellFiles) shellBr += await servedBrotli(f)
  return { raw, gzip, br, shellBr, files: files.map(f => relative(WEB_DIST, f)), shellFiles: shellFiles.map(f => relative(WEB_DIST, f)) }
}

interface Run {
  /** ms from opening the page to the delivered tick */
  total: number
  /** ms after opening the page at which each `parley:*` mark (and `navigation`, the page's time origin) happened */
  marks: Record<string, number>
}

/** Opens the sender's page fresh, opens the chat with `to`, sends `text`; resolves when the sender sees ✓✓ (or read). */
/** Records, in the receiving tab, when each text arrives (epoch ms), to split the time into there and back. */
async function recordArrivals (page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { arrivals: Record<string, number> }
    g.arrivals = {}
    globalThis.parley!.parley.on('message', m => { g.arrivals[m.text] = Date.now() })
  })
}

async function firstMessage (rig: WebRig, from: WebPerson, to: WebPerson, toPage: Page, text: string, requests?: Set<string>): Promise<{ page: Page, run: Run }> {
  const openedAt = Date.now()
  const start = performance.now()
  const page = await rig.context.newPage()
  page.on('pageerror', err => rig.pageErrors.push(`${from.profile}: ${err.message}`))
  if (requests != null) page.on('request', r => { if (['document', 'script', 'stylesheet'].includes(r.resourceType())) requests.add(new URL(r.url()).pathname) })
  await page.goto(`${rig.url}/?profile=${from.profile}`)
  await testid(page, 'chat-row', `[data-phone="${to.e164}"]`).click({ timeout: WAIT_MS })
  await testid(page, 'conversation', `[data-phone="${to.e164}"][data-state="ready"]`).waitFor({ timeout: WAIT_MS })
  await testid(page, 'composer').fill(text)
  await testid(page, 'composer').press('Enter')
  await page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: text })
    .locator('[data-testid="ticks"][data-state="delivered"], [data-testid="ticks"][data-state="read"]')
    .waitFor({ timeout: WAIT_MS })
  const total = performance.now() - start
  const seen = await page.evaluate(() => ({
    origin: performance.timeOrigin,
    marks: performance.getEntriesByType('mark').filter(m => m.name.startsWith('parley:')).map(m => [m.name.slice('parley:'.length), m.startTime] as const)
  }))
  const navigation = seen.origin - openedAt
  const marks: Record<string, number> = { navigation }
  for (const [name, at] of seen.marks) marks[name] = navigation + at
  const arrived = await toPage.evaluate(t => (globalThis as unknown as { arrivals: Record<string, number> }).arrivals[t], text)
  if (arrived != null) marks.received = arrived - openedAt
  return { page, run: { total, marks } }
}

function phases (runs: Run[]): string {
  const names = ['navigation', ...MARKS, ...new Set(runs.flatMap(r => Object.keys(r.marks)))].filter((n, i, a) => a.indexOf(n) === i)
  return names.flatMap(n => {
    const at = runs.map(r => r.marks[n]).filter((v): v is number => v != null)
    return at.length === 0 ? [] : [`${n} ${(median(at) / 1000).toFixed(2)}${at.length < runs.length ? ` (${at.length}/${runs.length} runs)` : ''}`]
  }).join(', ')
}

/**
 * Lighthouse on the first load of a fresh profile (the onboarding screen), as a person opening the link
 * meets it: the built client from the real web server, a real relay process at /config.json, a fresh
 * Chromium (empty cache and IndexedDB) per run. Reports the median performance score per form factor.
 */
async function lighthouseFigures (report: (figure: Figure) => void, forms: FormFactor[]): Promise<void> {
  const dir = await tempDir('parley-bench-lh-')
  const relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0/ws'], args: ['--verifier', '--sms-gateway', 'log'] })
  const web = await startWebServer({ port: 0, config: { bootstrap: [relay.addr('ws')], trustedVerifiers: [String(relay.listening.verifierKey)] } })
  try {
    for (const form of forms) {
      const runs: LighthouseRun[] = []
      for (let i = 0; i < LIGHTHOUSE_RUNS; i++) runs.push(await runLighthouse(`${web.url}/?profile=lighthouse${i}`, form))
      report({ name: `web.lighthouse.${form}`, value: median(runs.map(r => r.performance)), unit: 'score' })
      const m = (pick: (r: LighthouseRun) => number): number => median(runs.map(pick))
      process.stderr.write(`  web: lighthouse ${form}: performance ${runs.map(r => r.performance).join(', ')}; medians: FCP ${(m(r => r.fcp) / 1000).toFixed(2)} s, LCP ${(m(r => r.lcp) / 1000).toFixed(2)} s, ` +
        `TBT ${m(r => r.tbt).toFixed(0)} ms, SI ${(m(r => r.si) / 1000).toFixed(2)} s, CLS ${m(r => r.cls).toFixed(3)}, transfer ${m(r => r.transferKiB).toFixed(0)} KiB, ` +
        `unused JS ${m(r => r.unusedJsKiB).toFixed(0)} KiB; accessibility ${m(r => r.accessibility)}, best practices ${m(r => r.bestPractices)}; benchmarkIndex ${m(r => r.benchmarkIndex).toFixed(0)}\n`)
    }
  } finally {
    await web.close()
    await relay.stop()
    await dir.remove()
  }
}

export const suite: Suite = {
  prefix: 'web.',
  names: ['web.bundle.gzip', 'web.bundle.raw', 'web.bundle.br', 'web.bundle.shell.br', 'web.lighthouse.desktop', 'web.lighthouse.mobile', 'web.first-message', 'web.first-message.max', 'web.first-message.ready', 'web.first-message.deliver'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    await ensureBuilt()
    const bundle = await bundleSize()
    if (filter('web.bundle.gzip')) report({ name: 'web.bundle.gzip', value: kib(bundle.gzip), unit: 'KiB' })
    if (filter('web.bundle.raw')) report({ name: 'web.bundle.raw', value: kib(bundle.raw), unit: 'KiB' })
    if (filter('web.bundle.br')) report({ name: 'web.bundle.br', value: kib(bundle.br), unit: 'KiB' })
    if (filter('web.bundle.shell.br')) report({ name: 'web.bundle.shell.br', value: kib(bundle.shellBr), unit: 'KiB' })
    process.stderr.write(`  web: bundle ${bundle.files.join(', ')} (gzip level ${GZIP_LEVEL}); the shell's: ${bundle.shellFiles.join(', ')}\n`)
    const forms = (['desktop', 'mobile'] as const).filter(f => filter(`web.lighthouse.${f}`))
    if (forms.length > 0) await lighthouseFigures(report, forms)
    if (!this.names.filter(n => n.startsWith('web.first-message')).some(filter)) return

    const rig = await startWebRig()
    try {
      let alice = await rig.open(ALICE)
      const bob = await rig.open(BOB)
      await Promise.all([rig.onboard(alice, ALICE), rig.onboard(bob, BOB)])
      // the conversation exists before the timed runs: Alice starts it from "New chat" (not timed)
      await testid(alice, 'new-chat').click()
      await testid(alice, 'new-chat-dialog').locator('[data-testid="country"]').selectOption('GB')
      await testid(alice, 'new-chat-phone').fill(BOB.national)
      await testid(alice, 'new-chat-start').click()
      await testid(alice, 'conversation', `[data-phone="${BOB.e164}"][data-state="ready"]`).waitFor({ timeout: WAIT_MS })
      await testid(alice, 'composer').fill('Hello Bob')
      await testid(alice, 'composer').press('Enter')
      await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="delivered"]').waitFor({ timeout: WAIT_MS })
      // Bob's tab stays open on the chat list (so nothing is marked read); Alice's is reopened for every run
      await recordArrivals(bob)
      const runs: Run[] = []
      const requests = new Set<string>()
      for (let i = 0; i < RUNS; i++) {
        // one tab per profile (a Web Lock): the old page goes first
        await alice.close()
        if (process.env.BENCH_DEBUG != null) {
          const conns = await bob.evaluate(() => (globalThis.parley!.parley as unknown as ParleyInternals).node.getConnections().map(c => `${c.remotePeer.toString().slice(-6)} ${c.status} ${c.remoteAddr.toString().replace(/\/p2p\/\w+/g, '/p2p/…')}`))
          process.stderr.write(`  web: bob's connections: ${conns.join('; ')}\n`)
        }
        const result = await firstMessage(rig, ALICE, BOB, bob, `Run ${i + 1}: see you at the station at 7`, i === 0 ? requests : undefined)
        alice = result.page
        runs.push(result.run)
        if (process.env.BENCH_DEBUG != null) process.stderr.write(`  web: run ${i + 1} ${(result.run.total / 1000).toFixed(2)} s: ${phases([result.run])}\n`)
      }
      const loaded = [...requests].filter(p => p !== '/' && p !== '/config.json').map(p => p.replace(/^\//, ''))
      const missing = loaded.filter(p => !bundle.files.includes(p))
      if (missing.length > 0) process.stderr.write(`  web: warning: the page loaded files the bundle figure does not count: ${missing.join(', ')}\n`)
      if (rig.pageErrors.length > 0) process.stderr.write(`  web: warning: page errors: ${rig.pageErrors.join('; ')}\n`)

      const totals = runs.map(r => r.total / 1000)
      const at = (name: string): number[] => runs.map(r => r.marks[name]).filter((v): v is number => v != null)
      const deliver = runs.filter(r => r.marks.send != null && r.marks.delivered != null).map(r => (r.marks.delivered - r.marks.send) / 1000)
      if (filter('web.first-message')) report({ name: 'web.first-message', value: median(totals), unit: 's' })
      if (filter('web.first-message.max')) report({ name: 'web.first-message.max', value: percentile(totals, 100), unit: 's' })
      if (filter('web.first-message.ready') && at('rendered').length > 0) report({ name: 'web.first-message.ready', value: median(at('rendered')) / 1000, unit: 's' })
      if (filter('web.first-message.deliver') && deliver.length > 0) report({ name: 'web.first-message.deliver', value: median(deliver), unit: 's' })
      process.stderr.write(`  web: runs ${totals.map(t => t.toFixed(2)).join(', ')} s; medians in s after opening the page: ${phases(runs)}\n`)
    } finally {
      await rig.stop()
    }
  }
}
