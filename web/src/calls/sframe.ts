/** The page side of SFrame in a call: starts the call's SFrame worker, attaches RTCRtpScriptTransforms to senders and receivers, and posts keys to the worker. Knows no signalling or who holds which KID. */
import {
  SFrameError, SFrameHeaderError, SFrameDecryptError, SFrameUnknownKeyError, SFrameReplayError, SFrameCounterExhaustedError,
  SFrameKeyringFullError, SFrameKeyReuseError, SFrameUnsupportedCodecError, PARLEY_SFRAME_SUITE, sframeSupportsCodec, sframeSuite
} from '../../../src/browser.js'
import type { FrameKeys } from '../../../src/browser.js'
import type { SFrameCommand, SFrameReply, SFrameRequest, SFrameStats, SFrameStatsPush, SFrameTransformOptions } from './sframe-protocol.js'

export type { SFrameStats, SFrameStreamStats, SFrameFailure, SFrameUnsent } from './sframe-protocol.js'

/** Bound on one answer from the worker: it does a key derivation at most, so a longer wait means the worker is gone. */
export const SFRAME_WORKER_REPLY_MS = 5000

/** The worker's errors come back as names; these are rebuilt as their classes (anything else as SFrameError). */
const ERRORS: Record<string, new (message?: string) => SFrameError> = {
  SFrameError, SFrameHeaderError, SFrameDecryptError, SFrameUnknownKeyError, SFrameReplayError, SFrameCounterExhaustedError,
  SFrameKeyringFullError, SFrameKeyReuseError, SFrameUnsupportedCodecError
}

export interface SFrameCallInit {
  /** the suite of every key of this call @default PARLEY_SFRAME_SUITE */
  suite?: number
  /** stats pushed by the worker about once a second while frames flow */
  onStats?: (stats: SFrameStats) => void
}

export interface SFrameRequestOptions {
  signal?: AbortSignal
}

/** Whether this browser can run SFrame transforms (it has RTCRtpScriptTransform and workers). */
export function sframeAvailable (): boolean {
  return typeof RTCRtpScriptTransform === 'function' && typeof Worker === 'function'
}

/**
 * Limits a video transceiver to the codecs SFrame framing supports (VP8 first, then VP9, with their repair formats):
 * H.264's and AV1's packetizers read the frame and cannot carry an encrypted one (docs/sframe.md). Call before
 * creating the offer or answer. Audio transceivers are left alone (every audio codec is supported).
 */
export function preferSFrameCodecs (transceiver: RTCRtpTransceiver): void {
  const kind = transceiver.receiver.track.kind
  if (kind !== 'video') return
  const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? []
  const media = (c: RTCRtpCodec): boolean => !['video/rtx', 'video/red', 'video/ulpfec', 'video/flexfec-03'].includes(c.mimeType.toLowerCase())
  const rank = (c: RTCRtpCodec): number => c.mimeType.toLowerCase() === 'video/vp8' ? 0 : 1
  const usable = codecs.filter(c => !media(c) || sframeSupportsCodec(c.mimeType))
  transceiver.setCodecPreferences([...usable.filter(media).sort((a, b) => rank(a) - rank(b)), ...usable.filter(c => !media(c))])
}

/**
 * A call's SFrame: one worker for all its senders and receivers. Keys are copied to the worker (the caller keeps and
 * wipes its own). Attach a sender's transform before the connection is negotiated, so that no frame leaves before
 * encryption; until `setSendKey`, outgoing frames are dropped, never sent in clear.
 */
export class SFrameCall {
  private readonly worker: Worker
  private readonly pending = new Map<number, { resolve: (stats: SFrameStats) => void, reject: (err: Error) => void }>()
  private nextId = 0
  private closed = false

  /** SFrameError for a suite RFC 9605 does not define. */
  constructor (init: SFrameCallInit = {}) {
    const suite = init.suite ?? PARLEY_SFRAME_SUITE
    if (sframeSuite(suite) === undefined) throw new SFrameError('Unknown SFrame cipher suite')
    this.worker = new Worker(new URL('./sframe-worker.ts', import.meta.url), { type: 'module', name: 'sframe' })
    this.worker.onmessage = (event: MessageEvent<SFrameReply | SFrameStatsPush>) => {
      const message = event.data
      if ('type' in message) {
        init.onStats?.(message.stats)
        return
      }
      const waiter = this.pending.get(message.id)
      if (waiter === undefined) return
      this.pending.delete(message.id)
      if (message.ok) waiter.resolve(message.stats)
      else waiter.reject(new (ERRORS[message.error] ?? SFrameError)(message.message))
    }
    this.worker.onerror = () => { this.fail(new SFrameError('SFrame worker failed')) }
    // the worker runs requests in order, so every key below is set after this (it cannot fail: no key was set yet)
    if (suite !== PARLEY_SFRAME_SUITE) this.request({ op: 'configure', suite }).catch(() => {})
  }

  /** Encrypt from now on under `kid` (Parley layout: parleySFrameKid) with base key `key`; SFrameKeyReuseError for a KID used before. */
  async setSendKey (kid: bigint, key: Uint8Array, options: SFrameRequestOptions = {}): Promise<void> {
    await this.request({ op: 'set-send-key', kid, key }, options)
  }

  /** Stop sending: outgoing frames are dropped until the next setSendKey. */
  async clearSendKey (options: SFrameRequestOptions = {}): Promise<void> {
    await this.request({ op: 'clear-send-key' }, options)
  }

  /** Decrypt frames under `kid` with base key `key` (replacing the KID's key); SFrameKeyringFullError at SFRAME_MAX_KEYS keys. */
  async addReceiveKey (kid: bigint, key: Uint8Array, options: SFrameRequestOptions = {}): Promise<void> {
    await this.request({ op: 'add-key', kid, key }, options)
  }

  /** Forget the key of `kid`: its frames are dropped from the moment this resolves. */
  async removeReceiveKey (kid: bigint, options: SFrameRequestOptions = {}): Promise<void> {
    await this.request({ op: 'remove-key', kid }, options)
  }

  /** The worker's counters now. */
  async stats (options: SFrameRequestOptions = {}): Promise<SFrameStats> {
    return await this.request({ op: 'stats' }, options)
  }

  /** Encrypts everything `sender` sends; `stream` names it in the stats (default: the track's kind). */
  encrypt (sender: RTCRtpSender, stream = sender.track?.kind ?? 'send'): void {
    this.attach(sender, { role: 'encrypt', stream })
  }

  /** Decrypts everything `receiver` receives, dropping frames that fail; with `participant`, also frames whose KID names another participant slot. */
  decrypt (receiver: RTCRtpReceiver, options: { stream?: string, participant?: number } = {}): void {
    const transform: SFrameTransformOptions = { role: 'decrypt', stream: options.stream ?? receiver.track.kind }
    if (options.participant !== undefined) transform.participant = options.participant
    this.attach(receiver, transform)
  }

  /** Stops the worker: attached senders and receivers carry no more frames. */
  close (): void {
    this.fail(new SFrameError('SFrame call closed'))
    this.worker.terminate()
  }

  private attach (target: RTCRtpSender | RTCRtpReceiver, options: SFrameTransformOptions): void {
    if (this.closed) throw new SFrameError('SFrame call closed')
    target.transform = new RTCRtpScriptTransform(this.worker, options)
  }

  private fail (err: Error): void {
    this.closed = true
    for (const waiter of this.pending.values()) waiter.reject(err)
    this.pending.clear()
  }

  private async request (command: SFrameCommand, options: SFrameRequestOptions = {}): Promise<SFrameStats> {
    if (this.closed) throw new SFrameError('SFrame call closed')
    options.signal?.throwIfAborted()
    const id = this.nextId++
    const signal = options.signal === undefined ? AbortSignal.timeout(SFRAME_WORKER_REPLY_MS) : AbortSignal.any([options.signal, AbortSignal.timeout(SFRAME_WORKER_REPLY_MS)])
    return await new Promise<SFrameStats>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id)
        reject(signal.reason instanceof Error ? signal.reason : new SFrameError('SFrame worker did not answer'))
      }
      const done = (): void => { signal.removeEventListener('abort', onAbort) }
      this.pending.set(id, {
        resolve: stats => { done(); resolve(stats) },
        reject: err => { done(); reject(err) }
      })
      signal.addEventListener('abort', onAbort, { once: true })
      this.worker.postMessage({ id, command } satisfies SFrameRequest)
    })
  }
}

/**
 * Each sender's kind, from its transceiver as `prepare` sees it. A sender has no track yet when its transform is
 * attached, and the call prepares a transceiver through the link's keyring but encrypts through its sending keyring:
 * kept here for all keyrings, so that the stats count audio and video apart (as they do for receivers).
 */
const senderKinds = new WeakMap<RTCRtpSender, string>()

/**
 * One keyring of a group call as the SDK's FrameKeys port wants it (`callFrames` of createParley): an SFrameCall
 * (its own worker), with video limited to the codecs SFrame framing carries. The SDK makes one for our sending key
 * and one per other participant, so a participant's frames open only with that participant's keys.
 */
export function sframeKeys (): FrameKeys & { stats: () => Promise<SFrameStats> } {
  const call = new SFrameCall()
  return {
    prepare: t => {
      senderKinds.set(t.sender, t.receiver.track.kind)
      preferSFrameCodecs(t)
    },
    encrypt: sender => { call.encrypt(sender, senderKinds.get(sender) ?? sender.track?.kind ?? 'send') },
    decrypt: receiver => { call.decrypt(receiver) },
    setSendKey: async (kid, key) => { await call.setSendKey(kid, key) },
    addReceiveKey: async (kid, key) => { await call.addReceiveKey(kid, key) },
    removeReceiveKey: async kid => { await call.removeReceiveKey(kid) },
    stats: async () => await call.stats(),
    close: () => { call.close() }
  }
}
