/** Drives the web client for browser tests and the web benchmark: a relay process (verifier, log SMS gateway), the web server, Chromium with one context, and onboarding through the UI. Knows nothing of what a test asserts. */
import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { multiaddr } from '@multiformats/multiaddr'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { startWebServer } from '../../scripts/web-server.js'
import type { Parley } from '../../src/index.js'
import type { ParleyInternals } from '../../src/client/internals.js'
import { tempDir } from './tmp.js'
import { launchChromium } from './chromium.js'
import { smsInbox } from './sms.js'
import { retryUntil } from './wait.js'

declare global {
  // what the page exposes (web/src/main.tsx)
  var parley: { parley: Parley, multiaddr: typeof multiaddr } | undefined
}

/** A profile of the web client and the number it registers (national format, in `region`). */
export interface WebPerson {
  profile: string
  national: string
  e164: string
  name: string
  /** the country picked at onboarding @default 'GB' */
  region?: string
}

export interface WebRig {
  /** the web server's base URL */
  url: string
  /** the running relay (replaced by `startRelay`) */
  relay: RelayProcess
  inbox: ReturnType<typeof smsInbox>
  browser: Browser
  context: BrowserContext
  /** uncaught page errors and Content-Security-Policy violations of every page opened with `open`, prefixed by profile */
  pageErrors: string[]
  /** A new page of the context at `?profile=NAME` plus `hash`. */
  open(who: WebPerson, hash?: string): Promise<Page>
  /** Onboards a fresh profile through the UI (number, code from the relay's log gateway, name) until the app is ready. */
  onboard(page: Page, who: WebPerson, hooks?: OnboardHooks): Promise<void>
  /** Kills the relay (SIGKILL); `startRelay` brings it back on the same addresses and data. */
  killRelay(): Promise<void>
  startRelay(): Promise<void>
  /** Dials `to`'s tab from `from`'s through the relay (circuit, upgraded to WebRTC), retrying until it works. */
  connect(from: Page, to: Page): Promise<void>
  stop(): Promise<void>
}

export interface OnboardHooks {
  /** submit each step with Enter in its field instead of clicking its button (keyboard use) @default false */
  keyboard?: boolean
  /** runs with the code typed in, before "Verify" */
  atCode?(page: Page): Promise<void>
  /** runs when the name step shows */
  atName?(page: Page): Promise<void>
}

export interface WebRigInit {
  /** @default { width: 1100, height: 720 } */
  viewport?: { width: number, height: number }
  /** more Chromium flags for this rig (e.g. FAKE_MEDIA_ARGS) @default none */
  chromiumArgs?: string[]
  /** more flags for the relay process (e.g. --turn) @default none */
  relayArgs?: string[]
}

/** Bound on one UI step of onboarding (a page start, a registration round trip). */
const STEP_MS = 30_000

export function testid (page: Page, id: string, attrs = ''): Locator {
  return page.locator(`[data-testid="${id}"]${attrs}`)
}

/** Waits until the tab holds a relay reservation (a /p2p-circuit address), so another tab can dial it. */
export async function waitForReservation (page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(() => globalThis.parley?.parley.network().reachable === true, null, { timeout })
}

/** What the page's node says about its connections and a fresh dial of `relay` (for failure messages). */
async function nodeState (page: Page, relay: string): Promise<string> {
  return await page.evaluate(async relay => {
    const { parley, multiaddr } = globalThis.parley!
    // dials and node state are not SDK API: the test seam's view of the page's Parley
    const node = (parley as unknown as ParleyInternals).node
    const conns = node.getConnections().map(c => `${c.remoteAddr.toString()} ${c.status} ${c.direction}`)
    let dial: string
    const started = Date.now()
    try {
      await node.dial(multiaddr(relay), { signal: AbortSignal.timeout(10_000) })
      dial = `ok after ${Date.now() - started} ms`
    } catch (e) {
      dial = `${(e as Error).name}: ${(e as Error).message} after ${Date.now() - started} ms`
    }
    return JSON.stringify({ status: node.status, conns, dial, peers: node.getPeers().length })
  }, relay)
}

export async function startWebRig (init: WebRigInit = {}): Promise<WebRig> {
  const dir = await tempDir('parley-web-')
  const inbox = smsInbox()
  const pageErrors: string[] = []
  let relay: RelayProcess | undefined
  let web: Awaited<ReturnType<typeof startWebServer>> | undefined
  let browser: Browser | undefined
  const stop = async (): Promise<void> => {
    await browser?.close()
    await web?.close()
    await relay?.stop()
    await dir.remove()
  }
  const runRelay = async (listen: string[]): Promise<RelayProcess> => await startRelayProcess({
    dataDir: join(dir.path, 'relay'),
    listen,
    args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', ...(init.relayArgs ?? [])],
    onEvent: inbox.onEvent
  })
  try {
    relay = await runRelay(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])
    // pinned like `npm start` does: the tabs trust the relay's verifier, nothing else
    web = await startWebServer({ port: 0, config: { bootstrap: [relay.addr('ws')], trustedVerifiers: [String(relay.listening.verifierKey)] } })
    browser = await launchChromium({ args: init.chromiumArgs ?? [] })
    const context = await browser.newContext({ viewport: init.viewport ?? { width: 1100, height: 720 } })
    const url = web.url
    const relayWs = relay.addr('ws')

    const listenAgain = relay.multiaddrs.map(a => a.replace(/\/p2p\/[^/]+$/, ''))
    const rig: WebRig = {
      url,
      relay,
      inbox,
      browser,
      context,
      pageErrors,
      stop,
      async open (who, hash = '') {
        const page = await context.newPage()
        page.on('pageerror', err => pageErrors.push(`${who.profile}: ${err.message}`))
        // the server's Content-Security-Policy must not block anything the client does (Chromium reports it on the console)
        page.on('console', msg => { if (msg.type() === 'error' && msg.text().includes('Content Security Policy')) pageErrors.push(`${who.profile}: ${msg.text()}`) })
        await page.goto(`${url}/?profile=${who.profile}${hash}`)
        return page
      },
      async onboard (page, who, hooks = {}) {
        await testid(page, 'onboarding', '[data-state="phone"]').waitFor({ timeout: STEP_MS })
        // registration needs a relay: wait until the page says it is connected
        await testid(page, 'onboarding-offline').waitFor({ state: 'detached', timeout: STEP_MS }).catch(async (err: Error) => {
          throw new Error(`${err.message}\nthe page's node: ${await nodeState(page, relayWs).catch((e: Error) => e.message)}`)
        })
        // and reachable through it (a relay reservation), so the other tab can dial this one directly
        await waitForReservation(page, STEP_MS)
        await testid(page, 'country').selectOption(who.region ?? 'GB')
        await testid(page, 'phone').fill(who.national)
        const after = inbox.count
        await (hooks.keyboard === true ? testid(page, 'phone').press('Enter') : testid(page, 'send-code').click())
        const code = await inbox.next(who.e164, after)
        await testid(page, 'onboarding', '[data-state="code"]').waitFor({ timeout: STEP_MS })
        await testid(page, 'code').fill(code)
        await hooks.atCode?.(page)
        await (hooks.keyboard === true ? testid(page, 'code').press('Enter') : testid(page, 'verify').click())
        await testid(page, 'onboarding', '[data-state="name"]').waitFor({ timeout: STEP_MS })
        await hooks.atName?.(page)
        await testid(page, 'name').fill(who.name)
        await (hooks.keyboard === true ? testid(page, 'name').press('Enter') : testid(page, 'save-name').click())
        await testid(page, 'app', '[data-state="ready"]').waitFor({ timeout: STEP_MS })
      },
      async killRelay () {
        await rig.relay.kill()
      },
      async startRelay () {
        relay = await runRelay(listenAgain)
        rig.relay = relay
      },
      async connect (from, to) {
        const id = await to.evaluate(() => globalThis.parley!.parley.network().peerId)
        const circuit = `${relayWs}/p2p-circuit/webrtc/p2p/${id}`
        await retryUntil(async signal => {
          await from.evaluate(async ({ addr, ms }) => { await (globalThis.parley!.parley as unknown as ParleyInternals).node.dial(globalThis.parley!.multiaddr(addr), { signal: AbortSignal.timeout(ms) }) }, { addr: circuit, ms: 10_000 })
          if (signal.aborted) throw new Error('too late')
        }, { timeout: 40_000, interval: 500, what: 'tab dials tab' })
      }
    }
    return rig
  } catch (err) {
    await stop()
    throw err
  }
}
