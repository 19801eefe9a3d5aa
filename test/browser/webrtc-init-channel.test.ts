// A tab dials another tab over WebRTC while its own view of the handshake lags (a busy page): the remote closes the 'init' data channel before the dialler looks at it, and the dial must still finish (src/net/webrtc-init-channel.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import type { ParleyInternals } from '../../src/client/internals.js'
import { startWebRig, waitForReservation, type WebRig, type WebPerson } from '../helpers/web-app.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900011', e164: '+447700900011', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900012', e164: '+447700900012', name: 'Bob' }
/**
 * How late Alice's page sees what the relay sends and the peer connection's state changes once the lag is on.
 * The WebRTC path itself is not slowed, so Bob's tab (which closes the init channel as soon as its side is up)
 * has closed it long before Alice's dialler gets to it: the ordering of the slow bench runs, made certain.
 */
const LAG_MS = 800
/** The dial's bound: without the fix the dialler waits for an 'open' that already happened until this aborts it. */
const DIAL_MS = 12_000

/** Page script: when `globalThis.lagMs` is set, WebSocket messages and peer-connection state changes reach their listeners that much later (order kept). */
function installLag (): void {
  const g = globalThis as unknown as { lagMs: number }
  g.lagMs = 0
  const late = <T extends unknown[]>(fn: (...args: T) => void) => function (this: unknown, ...args: T): void {
    if (g.lagMs > 0) setTimeout(() => { fn.apply(this, args) }, g.lagMs)
    else fn.apply(this, args)
  }
  const add = WebSocket.prototype.addEventListener
  WebSocket.prototype.addEventListener = function (this: WebSocket, type: string, listener: unknown, options?: unknown) {
    const wrapped = type === 'message' && typeof listener === 'function' ? late(listener as (e: Event) => void) : listener
    add.call(this, type, wrapped as EventListener, options as AddEventListenerOptions)
  } as typeof WebSocket.prototype.addEventListener
  const handler = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'onconnectionstatechange')!
  Object.defineProperty(RTCPeerConnection.prototype, 'onconnectionstatechange', {
    configurable: true,
    get (this: RTCPeerConnection) { return handler.get!.call(this) },
    set (this: RTCPeerConnection, fn: ((e: Event) => void) | null) { handler.set!.call(this, fn == null ? fn : late(fn)) }
  })
}

describe('WebRTC dial with a late view of the handshake', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page

  beforeAll(async () => {
    rig = await startWebRig()
    alice = await rig.context.newPage()
    alice.on('pageerror', err => rig.pageErrors.push(`alice: ${err.message}`))
    await alice.addInitScript(installLag)
    await alice.goto(`${rig.url}/?profile=${ALICE.profile}`)
    bob = await rig.open(BOB)
    await Promise.all([waitForReservation(alice), waitForReservation(bob)])
  })

  afterAll(async () => {
    await rig?.stop()
  })

  it('finishes although the init channel opened and closed before the dialler looked', async () => {
    const bobId = await bob.evaluate(() => globalThis.parley!.parley.network().peerId)
    const circuit = `${rig.relay.addr('ws')}/p2p-circuit/p2p/${bobId}`
    const addr = `${rig.relay.addr('ws')}/p2p-circuit/webrtc/p2p/${bobId}`
    const result = await alice.evaluate(async ({ circuit, addr, lag, ms }) => {
      const node = (globalThis.parley!.parley as unknown as ParleyInternals).node
      // the relayed connection first, at full speed: the WebRTC dial signals over it, with the lag on
      await node.dial(globalThis.parley!.multiaddr(circuit), { signal: AbortSignal.timeout(ms) })
      ;(globalThis as unknown as { lagMs: number }).lagMs = lag
      const started = performance.now()
      try {
        const connection = await node.dial(globalThis.parley!.multiaddr(addr), { signal: AbortSignal.timeout(ms) })
        return { ok: true, ms: performance.now() - started, addr: connection.remoteAddr.toString(), limited: connection.limits != null }
      } catch (err) {
        return { ok: false, ms: performance.now() - started, error: `${(err as Error).name}: ${(err as Error).message}` }
      } finally {
        (globalThis as unknown as { lagMs: number }).lagMs = 0
      }
    }, { circuit, addr, lag: LAG_MS, ms: DIAL_MS })
    expect(result).toMatchObject({ ok: true, limited: false })
    expect(result.addr).toContain('/webrtc/')
    // the connection carries streams both ways: Bob pings Alice over it
    const aliceId = await alice.evaluate(() => globalThis.parley!.parley.network().peerId)
    const rtt = await bob.evaluate(async id => {
      const node = (globalThis.parley!.parley as unknown as ParleyInternals).node
      const conn = node.getConnections().find(c => c.remotePeer.toString() === id && c.limits == null)
      if (conn == null) throw new Error('no direct connection to Alice')
      return await node.services.ping.ping(conn.remoteAddr, { signal: AbortSignal.timeout(10_000) })
    }, aliceId)
    expect(rtt).toBeGreaterThanOrEqual(0)
    expect(rig.pageErrors).toEqual([])
  })
})
