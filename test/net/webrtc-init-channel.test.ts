// The sticky init-channel events (src/net/webrtc-init-channel.ts) on a stand-in peer connection: a listener added after `open`/`close` fired still hears them, on init channels only.
import { describe, it, expect } from 'vitest'
import { stickyInitChannelEvents, INIT_CHANNEL_LABEL } from '../../src/net/webrtc-init-channel.js'

/** Stands in for RTCDataChannel: an EventTarget whose test drives its state. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting'
  constructor (readonly label: string) { super() }
  fire (state: 'open' | 'closing' | 'closed'): void {
    this.readyState = state
    this.dispatchEvent(new Event(state === 'closed' ? 'close' : state))
  }
}

class FakePeerConnection {
  createDataChannel (label: string): FakeChannel {
    return new FakeChannel(label)
  }
}

/** Resolves with the event when `type` reaches a listener added now, or with 'not heard' once the queued tasks ran. */
async function hears (channel: EventTarget, type: string): Promise<Event | 'not heard'> {
  return await new Promise(resolve => {
    channel.addEventListener(type, e => { resolve(e) }, { once: true })
    setImmediate(() => { resolve('not heard') })
  })
}

/** What @libp2p/webrtc's dialler does once the peer connection is connected. */
async function dialler (channel: FakeChannel): Promise<string[]> {
  const seen: string[] = []
  if (channel.readyState !== 'open') seen.push(`open: ${(await hears(channel, 'open')) === 'not heard' ? 'hangs' : 'heard'}`)
  seen.push(`close: ${(await hears(channel, 'close')) === 'not heard' ? 'hangs' : 'heard'}`)
  return seen
}

describe('sticky init-channel events', () => {
  it('a dialler that looks after the recipient closed the init channel still hears open, then close', async () => {
    class PC extends FakePeerConnection {}
    stickyInitChannelEvents(PC.prototype)
    const channel = new PC().createDataChannel(INIT_CHANNEL_LABEL)
    // the order of the slow runs: open, closing, close, and only then the dialler's turn
    channel.fire('open')
    channel.fire('closing')
    channel.fire('closed')
    expect(await dialler(channel)).toEqual(['open: heard', 'close: heard'])
  })

  it('without it the same dialler waits for an open that already happened', async () => {
    const channel = new FakePeerConnection().createDataChannel(INIT_CHANNEL_LABEL)
    channel.fire('open')
    channel.fire('closed')
    expect(await dialler(channel)).toEqual(['open: hangs', 'close: hangs'])
  })

  it('the usual order is unchanged: a listener waiting before the event hears it once', async () => {
    class PC extends FakePeerConnection {}
    stickyInitChannelEvents(PC.prototype)
    const channel = new PC().createDataChannel(INIT_CHANNEL_LABEL)
    let opens = 0
    channel.addEventListener('open', () => { opens++ })
    channel.fire('open')
    await new Promise(resolve => setImmediate(resolve))
    expect(opens).toBe(1)
  })

  it('channels with another label (libp2p streams) are left alone', async () => {
    class PC extends FakePeerConnection {}
    stickyInitChannelEvents(PC.prototype)
    const channel = new PC().createDataChannel('')
    channel.fire('open')
    expect(await hears(channel, 'open')).toBe('not heard')
  })

  it('a late listener whose signal is aborted is not called', async () => {
    class PC extends FakePeerConnection {}
    stickyInitChannelEvents(PC.prototype)
    const channel = new PC().createDataChannel(INIT_CHANNEL_LABEL)
    channel.fire('open')
    const controller = new AbortController()
    let called = false
    channel.addEventListener('open', () => { called = true }, { signal: controller.signal })
    controller.abort()
    await new Promise(resolve => setImmediate(resolve))
    expect(called).toBe(false)
  })

  it('installing twice wraps once', () => {
    class PC extends FakePeerConnection {}
    stickyInitChannelEvents(PC.prototype)
    const once = PC.prototype.createDataChannel
    stickyInitChannelEvents(PC.prototype)
    expect(PC.prototype.createDataChannel).toBe(once)
  })
})
