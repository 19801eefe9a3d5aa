// A browser tab (Debian Chromium) runs its own node, reserves a slot on a relay, and a Node node reaches it over WebRTC.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeNode, type ParleyNode } from '../../src/index.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { startWebServer } from '../../scripts/web-server.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium } from '../helpers/chromium.js'
import { retryUntil } from '../helpers/wait.js'

describe('browser node', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  let web: Awaited<ReturnType<typeof startWebServer>>
  let browser: Browser
  let page: Page
  let node: ParleyNode | undefined
  const pageErrors: string[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] })
    web = await startWebServer({ port: 0, config: { bootstrap: [relay.addr('ws')] } })
    browser = await launchChromium()
    page = await browser.newPage()
    page.on('pageerror', err => pageErrors.push(err.message))
  })

  afterAll(async () => {
    await node?.stop()
    await browser?.close()
    await web?.close()
    await relay?.stop()
    await dir?.remove()
  })

  it('connects to the relay named by the server and shows its status', async () => {
    // the Network panel lives in Settings, reachable before onboarding
    await page.goto(`${web.url}/?profile=net#/settings`)
    await page.locator('[data-testid="status"][data-state="connected"]').waitFor({ timeout: 20_000 })
    const peerId = await page.getByTestId('peer-id').textContent()
    expect(peerId).toMatch(/^12D3Koo/)
    expect(await page.getByTestId('relay').textContent()).toContain(relay.peerId)
    // the tab holds a reservation: it advertises a circuit address through the relay
    await page.waitForFunction(() => document.querySelector('[data-testid="addrs"]')?.textContent?.includes('/p2p-circuit/webrtc'), null, { timeout: 20_000 })
    await page.screenshot({ path: join(dir.path, 'start.png') })
    expect(pageErrors).toEqual([])
  })

  it('a Node node dials the tab through the relay, the connection upgrades to WebRTC, and ping works over it', async () => {
    const browserPeer = await page.getByTestId('peer-id').textContent()
    node = await createNodeNode({ bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit', '/webrtc'] })

    const target = multiaddr(`${relay.addr('tcp')}/p2p-circuit/webrtc/p2p/${browserPeer}`)
    // one WebRTC dial is bounded by libp2p's per-address timeout (6 s): on a loaded machine the first can run
    // out (seen once in CI), and the messaging layer then tries again too (docs/network.md)
    const dialler = node
    const connection = await retryUntil(async signal => await dialler.dial(target, { signal }), { timeout: 40_000, interval: 500, what: 'a WebRTC connection to the tab' })
    expect(connection.remotePeer.toString()).toBe(browserPeer)
    const names = connection.remoteAddr.getComponents().map(c => c.name)
    expect(names).toContain('webrtc')
    // a relayed connection carries limits; the WebRTC one is direct and has none
    expect(connection.limits).toBeUndefined()
    expect(connection.status).toBe('open')

    const rtt = await node.services.ping.ping(connection.remoteAddr, { signal: AbortSignal.timeout(10_000) })
    expect(rtt).toBeGreaterThanOrEqual(0)

    // the tab sees the connection as WebRTC (when a first dial ran out on this side after the tab had accepted
    // it, the tab lists two WebRTC connections to the node until the stale one closes: seen once in CI)
    const ourId = node.peerId.toString()
    await page.locator(`[data-testid="connections"] li[data-peer="${ourId}"][data-transport="webrtc"]`).first().waitFor({ timeout: 10_000 })
    expect(pageErrors).toEqual([])
  })
})
