// The TURN protocol's refusal classes (name, the message a person sees, the wire status both ways), the closed-stream error, the service factory's registration, and the ICE server checks both ends apply, at each limit.
import { describe, it, expect } from 'vitest'
import {
  TurnServiceError, MalformedTurnFrameError, TurnAuthError, TurnUnknownDeviceError, TurnNotOfferedError, TurnInternalError, TurnStreamClosedError,
  RateLimitedError, TurnServer, turnServer, checkIceServers, urlHost, TURN_PROTOCOL, MAX_ICE_SERVERS, MAX_ICE_URLS, MAX_ICE_URL_CHARS,
  MAX_TURN_USERNAME_CHARS, MAX_TURN_CREDENTIAL_CHARS, type IceServer, type TurnBackend
} from '../../src/protocols/turn/index.js'
import { errorFrame, frameError } from '../../src/protocols/turn/errors.js'
import { TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'
import { newPeerId, recordingLogger } from './mailbox-harness.js'
import { recordingRegistrar } from './protocol-fakes.js'

const S = TurnRelayFrame.Status

describe('turn errors', () => {
  it('each class: its name, its default message and its status', () => {
    const rows: Array<[TurnServiceError, string, string, TurnRelayFrame.Status]> = [
      [new MalformedTurnFrameError(), 'MalformedTurnFrameError', 'malformed TURN request', S.MALFORMED],
      [new TurnAuthError(), 'TurnAuthError', 'TURN authentication failed', S.AUTH_FAILED],
      [new TurnUnknownDeviceError(), 'TurnUnknownDeviceError', 'this device is not registered at this relay (no prekeys here)', S.UNKNOWN_DEVICE],
      [new TurnNotOfferedError(), 'TurnNotOfferedError', 'this relay offers no TURN server', S.NOT_OFFERED],
      [new TurnInternalError(), 'TurnInternalError', 'the relay failed; try again later', S.INTERNAL],
      [new TurnServiceError('something'), 'TurnServiceError', 'something', S.INTERNAL]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err.name, name).toBe(name)
      expect(err.message, name).toBe(message)
      expect(err.status, name).toBe(status)
      expect(err).toBeInstanceOf(TurnServiceError)
      expect(String(err), name).toBe(`${name}: ${message}`)
    }
    expect(new TurnUnknownDeviceError()).toBeInstanceOf(TurnAuthError)
    const closed = new TurnStreamClosedError()
    expect(closed).not.toBeInstanceOf(TurnServiceError)
    expect(String(closed)).toBe('TurnStreamClosedError: the relay closed the stream before it answered')
  })

  it('a refusal frame without a message gives the default message on the client; an unknown status is internal', () => {
    const frame = (fields: Partial<TurnRelayFrame>): TurnRelayFrame => ({ ...TurnRelayFrame.decode(TurnRelayFrame.encode({ type: TurnRelayFrame.Type.RESULT })), ...fields })
    const defaults: Array<[TurnRelayFrame.Status, string, string]> = [
      [S.MALFORMED, 'MalformedTurnFrameError', 'malformed TURN request'],
      [S.AUTH_FAILED, 'TurnAuthError', 'TURN authentication failed'],
      [S.UNKNOWN_DEVICE, 'TurnUnknownDeviceError', 'this device is not registered at this relay (no prekeys here)'],
      [S.NOT_OFFERED, 'TurnNotOfferedError', 'this relay offers no TURN server'],
      [S.INTERNAL, 'TurnInternalError', 'the relay failed; try again later'],
      [99 as unknown as TurnRelayFrame.Status, 'TurnInternalError', 'the relay failed; try again later']
    ]
    for (const [status, name, message] of defaults) expect(frameError(frame({ status })), name).toMatchObject({ name, message })
    expect(frameError(frame({ status: S.RATE_LIMITED, retryAfterMs: 1500 }))).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1500 })
    expect(frameError(frame({ status: S.AUTH_FAILED, message: 'stale clock' }))).toMatchObject({ name: 'TurnAuthError', message: 'stale clock' })
  })

  it('the server answers each refusal with its status and message; anything else is INTERNAL with the default message', () => {
    expect(errorFrame(new TurnUnknownDeviceError())).toEqual({ type: TurnRelayFrame.Type.RESULT, status: S.UNKNOWN_DEVICE, message: 'this device is not registered at this relay (no prekeys here)' })
    expect(errorFrame(new RateLimitedError(1000))).toEqual({ type: TurnRelayFrame.Type.RESULT, status: S.RATE_LIMITED, retryAfterMs: 1000, message: 'rate limited; retry in 1 s' })
    expect(errorFrame(new TurnServiceError('base'))).toEqual({ type: TurnRelayFrame.Type.RESULT, status: S.INTERNAL, message: 'base' })
    expect(errorFrame(new Error('coturn said /etc/secret'))).toEqual({ type: TurnRelayFrame.Type.RESULT, status: S.INTERNAL, message: 'the relay failed; try again later' })
  })
})

describe('turn server: registration', () => {
  it('registers its protocol and name with the stream limits of Init, or the defaults', async () => {
    const backend: TurnBackend = { issue: async () => [] }
    for (const [init, inbound, outbound] of [[{}, 4, 4], [{ maxInboundStreams: 1, maxOutboundStreams: 2 }, 1, 2]] as const) {
      const { registrar, handlers } = recordingRegistrar()
      const logger = recordingLogger()
      const server = turnServer({ backend, ...init })({ peerId: await newPeerId(), logger, registrar })
      expect(server).toBeInstanceOf(TurnServer)
      await server.start()
      expect([...handlers.keys()]).toEqual([TURN_PROTOCOL])
      expect(handlers.get(TURN_PROTOCOL)?.options).toEqual({ maxInboundStreams: inbound, maxOutboundStreams: outbound, runOnLimitedConnection: false })
      expect(logger.components).toEqual(['parley:turn'])
      expect(Object.prototype.toString.call(server)).toBe('[object @parley/turn]')
      await server.stop()
      expect(handlers.size).toBe(0)
    }
  })
})

describe('ICE servers', () => {
  const good: IceServer = { urls: ['stun:relay.example:3478', 'turn:relay.example:3478?transport=udp'], username: '1700000000:abc', credential: 'c2VjcmV0', expiresAt: 1_700_000_000_000 }
  /** checkIceServers' reason, or 'ok'. */
  const reason = (servers: IceServer[]): string => {
    try {
      checkIceServers(servers, r => new Error(r))
      return 'ok'
    } catch (err) {
      return (err as Error).message
    }
  }
  const one = (over: Partial<IceServer>): string => reason([{ ...good, ...over }])

  it('takes 1..MAX_ICE_SERVERS servers of 1..MAX_ICE_URLS urls each', () => {
    expect(reason([good])).toBe('ok')
    expect(reason(Array(MAX_ICE_SERVERS).fill(good))).toBe('ok')
    expect(reason([])).toBe(`1..${MAX_ICE_SERVERS} ICE servers`)
    expect(reason(Array(MAX_ICE_SERVERS + 1).fill(good))).toBe(`1..${MAX_ICE_SERVERS} ICE servers`)
    expect(one({ urls: Array(MAX_ICE_URLS).fill('stun:a') })).toBe('ok')
    expect(one({ urls: [] })).toBe(`an ICE server has 1..${MAX_ICE_URLS} urls`)
    expect(one({ urls: Array(MAX_ICE_URLS + 1).fill('stun:a') })).toBe(`an ICE server has 1..${MAX_ICE_URLS} urls`)
    // the first server that breaks a rule is the one named, whatever comes after
    expect(reason([good, { ...good, urls: [] }, { ...good, username: '' }])).toBe(`an ICE server has 1..${MAX_ICE_URLS} urls`)
  })

  it('takes stun:, stuns:, turn: and turns: urls with a host, an optional port up to 65535 and an optional transport', () => {
    for (const url of ['stun:relay.example', 'stuns:relay.example:5349', 'turn:10.0.0.1:3478?transport=tcp', 'turns:[2001:db8::1]:443?transport=udp', 'turn:relay.example:65535', 'turn:relay.example:0']) {
      expect(one({ urls: [url] }), url).toBe('ok')
    }
    for (const url of ['http://relay.example/', 'turn:', 'turn:relay.example:123456', 'turn:relay.example?transport=sctp', 'javascript:alert(1)', ' stun:relay.example']) {
      expect(one({ urls: [url] }), url).toBe(`not a stun: or turn: url: '${url}'`)
    }
    expect(one({ urls: ['turn:relay.example:65536'] })).toBe('port out of range in \'turn:relay.example:65536\'')
    expect(one({ urls: ['turn:relay.example:99999?transport=udp'] })).toBe('port out of range in \'turn:relay.example:99999?transport=udp\'')
    // a url is quoted in a reason by its first 64 characters only
    const host = 'a'.repeat(100)
    expect(one({ urls: [`turn:${host}:70000`] })).toBe(`port out of range in '${`turn:${host}:70000`.slice(0, 64)}'`)
    expect(one({ urls: [`ftp:${host}`] })).toBe(`not a stun: or turn: url: 'ftp:${host.slice(0, 60)}'`)
  })

  it('takes urls of up to MAX_ICE_URL_CHARS characters', () => {
    const url = (n: number): string => `turn:${'a'.repeat(n - 'turn:'.length - ':3478'.length)}:3478`
    expect(url(MAX_ICE_URL_CHARS)).toHaveLength(MAX_ICE_URL_CHARS)
    expect(one({ urls: [url(MAX_ICE_URL_CHARS)] })).toBe('ok')
    expect(one({ urls: [url(MAX_ICE_URL_CHARS + 1)] })).toBe(`an ICE url has at most ${MAX_ICE_URL_CHARS} characters`)
  })

  it('takes a username and a credential of 1..their maximum characters, and a positive whole expiry', () => {
    expect(one({ username: 'u'.repeat(MAX_TURN_USERNAME_CHARS) })).toBe('ok')
    for (const username of ['', 'u'.repeat(MAX_TURN_USERNAME_CHARS + 1)]) expect(one({ username })).toBe(`a TURN username has 1..${MAX_TURN_USERNAME_CHARS} characters`)
    expect(one({ credential: 'c'.repeat(MAX_TURN_CREDENTIAL_CHARS) })).toBe('ok')
    for (const credential of ['', 'c'.repeat(MAX_TURN_CREDENTIAL_CHARS + 1)]) expect(one({ credential })).toBe(`a TURN credential has 1..${MAX_TURN_CREDENTIAL_CHARS} characters`)
    expect(one({ expiresAt: 1 })).toBe('ok')
    for (const expiresAt of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) expect(one({ expiresAt }), String(expiresAt)).toBe('an ICE server expires at a positive time')
  })

  it('writes an IPv6 host in brackets for a url, and leaves other hosts alone', () => {
    expect(urlHost('2001:db8::1')).toBe('[2001:db8::1]')
    expect(urlHost('::1')).toBe('[::1]')
    expect(urlHost('[2001:db8::1]')).toBe('[2001:db8::1]')
    expect(urlHost('198.51.100.7')).toBe('198.51.100.7')
    expect(urlHost('relay.example')).toBe('relay.example')
  })
})
