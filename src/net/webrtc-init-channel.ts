/** Works around a race in @libp2p/webrtc's dialler (6.0.33): the 'init' data channel's `open` and `close` are made sticky, so a listener added after one fired still hears it. Knows nothing of libp2p beyond the channel's label. */

/**
 * The label @libp2p/webrtc gives the data channel it opens before the SDP offer (libp2p WebRTC spec: it
 * only makes the offer carry an SCTP section). The recipient closes it as soon as its side is up.
 */
export const INIT_CHANNEL_LABEL = 'init'
/** The events the dialler waits for on that channel, in that order, after the peer connection reports 'connected'. */
const STICKY_EVENTS = ['open', 'close'] as const
/** Marks a patched prototype, so installing twice (two nodes in one tab) wraps once. */
const PATCHED = Symbol.for('parley.webrtc.sticky-init-channel')

/** What is patched: RTCPeerConnection.prototype in a browser (anything that creates channels which are EventTargets). */
export interface DataChannelFactory {
  createDataChannel(label: string, init?: RTCDataChannelInit): EventTarget
}

/**
 * The dialler checks `channel.readyState !== 'open'` once the peer connection is connected and then waits for
 * the channel's `open` event, then closes it and waits for `close`. Chromium sometimes delivers the channel's
 * open, closing and close (the recipient closes the channel at once) *before* the peer connection's
 * 'connected' state change; the dialler then waits for an `open` that already happened until its dial is
 * aborted (DIRECT_DIAL_TIMEOUT_MS for a text), and the message goes to the mailboxes. Seen in ~1 of 12 fresh
 * page loads of the web bench (docs/benchmarks.md). On init channels only, a listener for `open` or `close`
 * added after that event fired is called with it on the next microtask, as if it had been waiting.
 */
export function stickyInitChannelEvents (proto: DataChannelFactory): void {
  const marked = proto as DataChannelFactory & { [PATCHED]?: true }
  if (marked[PATCHED] === true) return
  const create = proto.createDataChannel
  Object.defineProperty(proto, 'createDataChannel', {
    configurable: true,
    writable: true,
    value: function (this: unknown, label: string, init?: RTCDataChannelInit): EventTarget {
      const channel = create.call(this, label, init)
      if (label === INIT_CHANNEL_LABEL) makeSticky(channel)
      return channel
    }
  })
  Object.defineProperty(proto, PATCHED, { value: true })
}

function makeSticky (channel: EventTarget): void {
  const fired = new Map<string, Event>()
  const add = channel.addEventListener.bind(channel)
  for (const type of STICKY_EVENTS) add(type, e => { fired.set(type, e) }, { once: true })
  Object.defineProperty(channel, 'addEventListener', {
    configurable: true,
    writable: true,
    value: (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void => {
      const past = fired.get(type)
      if (past == null || listener == null) {
        add(type, listener, options)
        return
      }
      const signal = typeof options === 'object' ? options.signal : undefined
      queueMicrotask(() => {
        if (signal?.aborted === true) return
        if (typeof listener === 'function') listener.call(channel, past)
        else listener.handleEvent(past)
      })
    }
  })
}
