// Entry of the web client, kept small (no SDK): paints the shell at once, asks the server for the relay list, and after that first paint loads the app and its node (start.tsx, a chunk of its own).
import { render } from 'preact'
import { Shell, fatal } from './shell.js'
import { mark } from './perf.js'
import type { PageConfig } from './start.js'
import './style.css'

mark('boot')
const root = document.getElementById('app')!
const profile = new URLSearchParams(location.search).get('profile') ?? 'default'

// asked now, so the answer is there when the app's code is
const config: Promise<PageConfig> = fetch('/config.json', { cache: 'no-store' }).then(async response => {
  if (!response.ok) throw new Error(`the server gave no configuration (${response.status})`)
  return await response.json() as PageConfig
})
config.catch(() => {}) // read (and reported) by start()

// Preact keeps nodes it did not render: drop index.html's "Starting Parley…" line first
root.replaceChildren()
render(<Shell profile={profile} />, root)
mark('shell')

/** Resolves once the browser has painted the shell; at once when the tab is hidden (a hidden tab paints no frames). */
async function afterPaint (): Promise<void> {
  await new Promise<void>(resolve => {
    if (document.visibilityState === 'hidden') resolve()
    document.addEventListener('visibilitychange', () => resolve(), { once: true })
    requestAnimationFrame(() => setTimeout(resolve, 0))
  })
}

afterPaint()
  .then(async () => await import('./start.js'))
  .then(async ({ start }) => { await start(root, profile, config) })
  .catch(err => {
    console.error(err)
    fatal(root, `Could not load Parley: ${(err as Error).message}. Check the connection and reload the page.`)
  })
