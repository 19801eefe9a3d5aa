// How Node gets WebRTC (src/calls/node/peer-connection.ts): @roamhq/wrtc loads on first use and once, gives a working RTCPeerConnection constructor and the nonstandard media; a missing package is a NodeWebRtcUnavailableError that says what to install; an aborted signal wins.
import { describe, expect, it } from 'vitest'
import { loadNodeWebRtc, nodePeerConnection, NodeWebRtcUnavailableError, NODE_WEBRTC_PACKAGE } from '../../src/calls/node/peer-connection.js'

describe('Node WebRTC loading', () => {
  it('loads @roamhq/wrtc once: the same module each time, with a constructor that makes an offer', async () => {
    const [one, two] = await Promise.all([loadNodeWebRtc(), loadNodeWebRtc()])
    expect(one).toBe(two)
    expect(typeof one.nonstandard.RTCAudioSource).toBe('function')
    expect(typeof one.nonstandard.RTCAudioSink).toBe('function')
    expect(typeof one.nonstandard.RTCVideoSource).toBe('function')
    const Ctor = await nodePeerConnection()
    expect(Ctor).toBe(one.RTCPeerConnection)
    const pc = new Ctor({ iceServers: [] })
    try {
      pc.addTransceiver('audio')
      const offer = await pc.createOffer()
      expect(offer.type).toBe('offer')
      expect(offer.sdp).toMatch(/m=audio .* UDP\/TLS\/RTP\/SAVPF/)
      expect(offer.sdp).toMatch(/a=rtpmap:\d+ opus\/48000\/2/)
      expect(offer.sdp).toMatch(/a=fingerprint:sha-256 /)
    } finally {
      pc.close()
    }
  })

  it('a package that is not installed is a NodeWebRtcUnavailableError naming what to install, with the cause', async () => {
    const err = await loadNodeWebRtc({ specifier: '@parley-test/no-such-webrtc' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NodeWebRtcUnavailableError)
    expect((err as Error).message).toContain('npm install @parley-test/no-such-webrtc')
    expect((err as Error).cause).toBeInstanceOf(Error)
    // a module that loads but is not a WebRTC is refused the same way
    await expect(loadNodeWebRtc({ specifier: 'node:path' })).rejects.toBeInstanceOf(NodeWebRtcUnavailableError)
    // and the real one still loads afterwards
    expect(typeof (await loadNodeWebRtc()).RTCPeerConnection).toBe('function')
    expect(NODE_WEBRTC_PACKAGE).toBe('@roamhq/wrtc')
  })

  it('an aborted signal rejects with its reason', async () => {
    const signal = AbortSignal.abort(new Error('not now'))
    await expect(loadNodeWebRtc({ signal })).rejects.toThrow('not now')
    await expect(nodePeerConnection({ signal })).rejects.toThrow('not now')
  })
})
