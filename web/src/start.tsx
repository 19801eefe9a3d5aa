// The app's start, loaded by the entry (main.tsx) after the shell is painted: checks the profile name and the one-tab lock, starts Parley for this tab, renders the app over the shell.
import { render } from 'preact'
import { createParley, multiaddr, PROFILE_NAME, type Parley } from '../../src/browser.js'
import { AppModel } from './model.js'
import { App } from './app.js'
import { fatal, setReadyHint } from './shell.js'
import { mark } from './perf.js'
import { registerEmojiFont } from './emoji-font.js'
import { sframeAvailable, sframeKeys } from './calls/sframe.js'

export interface PageConfig {
  /** relay multiaddrs reachable from a browser (WebSockets), handed out by the server */
  bootstrap: string[]
  /** the network's verifier keys (hex): the tab's trust roots; none: it trusts the verifier of its own number */
  trustedVerifiers?: string[]
}

/** Hex verifier keys from the server's configuration; anything else is a configuration error. */
function verifierKeys (hex: string[] | undefined): Uint8Array[] | undefined {
  if (hex == null || hex.length === 0) return undefined
  return hex.map(h => {
    if (!/^[0-9a-fA-F]{64}$/.test(h)) throw new Error('the server\'s configuration has a malformed verifier key')
    return Uint8Array.from(h.match(/../g) ?? [], b => parseInt(b, 16))
  })
}

declare global {
  // Exposed for diagnostics in the console and for the browser tests.
  var parley: { app: AppModel, parley: Parley, multiaddr: typeof multiaddr } | undefined
}

/**
 * One tab per profile: two tabs on one IndexedDB database would run two nodes with the same
 * keys. A Web Lock named after the profile is held for the tab's life (released when it closes).
 */
async function holdProfileLock (profile: string): Promise<boolean> {
  if (navigator.locks == null) return true
  return await new Promise<boolean>(resolve => {
    void navigator.locks.request(`parley-profile-${profile}`, { ifAvailable: true }, async lock => {
      resolve(lock != null)
      if (lock != null) await new Promise<never>(() => {})
    })
  })
}

async function run (root: HTMLElement, profile: string, pageConfig: Promise<PageConfig>): Promise<void> {
  registerEmojiFont()
  if (!PROFILE_NAME.test(profile)) {
    fatal(root, 'The profile name in the address may have only letters, digits, - and _.')
    return
  }
  if (!await holdProfileLock(profile)) {
    fatal(root, `The profile "${profile}" is open in another tab of this browser. Use that tab, or open another profile with ?profile=NAME.`)
    return
  }
  const config = await pageConfig
  mark('config')
  const trustedVerifiers = verifierKeys(config.trustedVerifiers)
  // a tab lives long: the SDK redials the relays while none is connected and drops contacts' stale connections
  const init = { bootstrap: config.bootstrap, keepConnected: true, ...(trustedVerifiers != null ? { trustedVerifiers } : {}) }
  // group calls: every frame end-to-end encrypted (SFrame in a worker) where the browser can transform frames
  const parley = await createParley({ profile, ...init, ...(sframeAvailable() ? { callFrames: sframeKeys } : {}) })
  mark('node')
  const app = new AppModel(parley, profile, init)
  await app.start()
  mark('model')
  globalThis.parley = { app, parley, multiaddr }
  window.addEventListener('pagehide', () => { void app.stop() })
  // the next load's shell paints the screen this profile will open on (written when it changes)
  let ready: boolean | undefined
  const hint = (): void => {
    if (ready === (app.registered && app.me != null)) return
    ready = app.registered && app.me != null
    setReadyHint(profile, ready)
  }
  hint()
  app.subscribe(hint)
  // replaces the shell (Preact unmounts it: another component)
  render(<App model={app} />, root)
  mark('rendered')
}

/** Starts the app over the shell in `root`; a failure is shown on the page as one line for the person. */
export async function start (root: HTMLElement, profile: string, pageConfig: Promise<PageConfig>): Promise<void> {
  await run(root, profile, pageConfig).catch(err => {
    console.error(err)
    const name = (err as Error).name
    fatal(root, name === 'StoreLockedError'
      ? 'This profile is open in another tab. Close it, or open another profile with ?profile=NAME.'
      : `Could not start: ${(err as Error).message}`)
  })
}
