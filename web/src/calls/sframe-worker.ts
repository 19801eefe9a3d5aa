/** The SFrame worker of a call: encrypts every outgoing encoded frame and decrypts every incoming one of the RTCRtpScriptTransforms attached to it, with keys the page posts; counts and drops what fails. Knows no peers, signalling or key distribution. */
import {
  SFrameKeyring, SFrameSender, SFrameError, SFrameUnknownKeyError, SFrameDecryptError, SFrameReplayError, SFrameHeaderError,
  SFrameUnsupportedCodecError, SFrameCounterExhaustedError, SFrameKeyReuseError, PARLEY_SFRAME_SUITE, protectMediaFrame,
  unprotectMediaFrame, parseParleySFrameKid
} from '../../../src/browser.js'
import { SFRAME_STATS_PUSH_MS } from './sframe-protocol.js'
import type { SFrameCommand, SFrameFailure, SFrameReply, SFrameRequest, SFrameStats, SFrameStatsPush, SFrameStreamStats, SFrameTransformOptions, SFrameUnsent } from './sframe-protocol.js'

type EncodedFrame = RTCEncodedVideoFrame | RTCEncodedAudioFrame

/** The worker side of RTCRtpScriptTransform (lib.webworker's types; this file is compiled against the DOM library). */
interface Transformer {
  readonly options: unknown
  readonly readable: ReadableStream<EncodedFrame>
  readonly writable: WritableStream<EncodedFrame>
  /** asks the remote sender for a key frame (receivers; Chromium has it, generateKeyFrame for senders it lacks) */
  sendKeyFrameRequest?: () => Promise<void>
}

interface TransformEvent extends Event {
  readonly transformer: Transformer
}

interface WorkerScope {
  onrtctransform: ((event: TransformEvent) => void) | null
  onmessage: ((event: MessageEvent<SFrameRequest>) => void) | null
  postMessage: (message: SFrameReply | SFrameStatsPush) => void
}

const scope = self as unknown as WorkerScope

let suite: number = PARLEY_SFRAME_SUITE
let keyring = new SFrameKeyring({ suite })
let sender: SFrameSender | undefined
/**
 * Every KID this worker has encrypted under. A new sender starts its counter at zero, so a KID is never taken twice
 * (its nonces would repeat), and is never also a receive key (RFC 9605 §4.4.1: a key encrypts or decrypts, never both).
 */
const sentKids = new Set<bigint>()
/** whether a key was set: the suite is fixed from then on */
let started = false
/** the receiving transformers, asked for a key frame when a receive key arrives */
const receivers = new Set<Transformer>()

const emptyStream = (): SFrameStreamStats => ({ encrypted: 0, decrypted: 0, failed: 0, unsent: 0 })
const stats: Omit<SFrameStats, 'receiveKids' | 'sendKid'> = {
  ...emptyStream(),
  failures: { 'unknown-key': 0, decrypt: 0, replay: 0, header: 0, codec: 0, sender: 0, other: 0 },
  unsentReasons: { 'no-key': 0, codec: 0, exhausted: 0, other: 0 },
  streams: {}
}

function snapshot (): SFrameStats {
  return structuredClone({ ...stats, sendKid: sender?.kid, receiveKids: keyring.kids() })
}

let pushTimer: ReturnType<typeof setTimeout> | undefined
/** Pushes the stats once within SFRAME_STATS_PUSH_MS of a change, so the page can show them without asking. */
function changed (): void {
  if (pushTimer !== undefined) return
  pushTimer = setTimeout(() => {
    pushTimer = undefined
    scope.postMessage({ type: 'stats', stats: snapshot() })
  }, SFRAME_STATS_PUSH_MS)
}

function streamStats (name: string): SFrameStreamStats {
  stats.streams[name] ??= emptyStream()
  return stats.streams[name]
}

function failureOf (err: unknown): SFrameFailure {
  if (err instanceof SFrameUnknownKeyError) return 'unknown-key'
  if (err instanceof SFrameDecryptError) return 'decrypt'
  if (err instanceof SFrameReplayError) return 'replay'
  if (err instanceof SFrameHeaderError) return 'header'
  if (err instanceof SFrameUnsupportedCodecError) return 'codec'
  return 'other'
}

function unsentOf (err: unknown): SFrameUnsent {
  if (err instanceof SFrameUnsupportedCodecError) return 'codec'
  if (err instanceof SFrameCounterExhaustedError) return 'exhausted'
  return 'other'
}

/** The frame's bytes as an ArrayBuffer of exactly their length. */
function buffer (bytes: Uint8Array): ArrayBuffer {
  return (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer
}

function options (raw: unknown): SFrameTransformOptions {
  const o = (raw ?? {}) as Partial<SFrameTransformOptions>
  if (o.role !== 'encrypt' && o.role !== 'decrypt') throw new SFrameError('SFrame transform needs role encrypt or decrypt')
  return { role: o.role, stream: typeof o.stream === 'string' ? o.stream : o.role, participant: o.participant }
}

/** Outgoing: encrypt under the current send key, or drop (never send a frame in clear). Empty frames carry nothing and pass. */
async function encryptFrame (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>, counts: SFrameStreamStats): Promise<void> {
  const data = new Uint8Array(frame.data)
  if (data.length === 0) { controller.enqueue(frame); return }
  const current = sender
  let reason: SFrameUnsent = 'no-key'
  if (current !== undefined) {
    try {
      frame.data = buffer(await protectMediaFrame(current, frame.getMetadata().mimeType ?? '', data))
      controller.enqueue(frame)
      stats.encrypted++
      counts.encrypted++
      changed()
      return
    } catch (err) {
      reason = unsentOf(err)
    }
  }
  stats.unsent++
  stats.unsentReasons[reason]++
  counts.unsent++
  changed()
}

/** Incoming: decrypt with the keyring, or drop (the decoder never sees a frame that did not authenticate). */
async function decryptFrame (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>, counts: SFrameStreamStats, participant: number | undefined): Promise<void> {
  const data = new Uint8Array(frame.data)
  if (data.length === 0) { controller.enqueue(frame); return }
  let reason: SFrameFailure
  try {
    const out = await unprotectMediaFrame(keyring, frame.getMetadata().mimeType ?? '', data)
    if (participant === undefined || parseParleySFrameKid(out.kid).participant === participant) {
      frame.data = buffer(out.frame)
      controller.enqueue(frame)
      stats.decrypted++
      counts.decrypted++
      changed()
      return
    }
    reason = 'sender'
  } catch (err) {
    reason = failureOf(err)
  }
  stats.failed++
  stats.failures[reason]++
  counts.failed++
  changed()
}

scope.onrtctransform = (event) => {
  const { transformer } = event
  let o: SFrameTransformOptions
  try {
    o = options(transformer.options)
  } catch {
    // no role: nothing may pass unencrypted or undecrypted, so the transform carries nothing
    void transformer.readable.cancel()
    return
  }
  const counts = streamStats(o.stream)
  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    transform: o.role === 'encrypt'
      ? async (frame, controller) => { await encryptFrame(frame, controller, counts) }
      : async (frame, controller) => { await decryptFrame(frame, controller, counts, o.participant) }
  })
  if (o.role === 'decrypt') receivers.add(transformer)
  // the pipe ends when the sender or receiver goes away; nothing to report then
  transformer.readable.pipeThrough(transform).pipeTo(transformer.writable).catch(() => {}).finally(() => { receivers.delete(transformer) })
}

/**
 * Asks every sender we receive from for a key frame (RTCP PLI): video sent under a key this worker just learned can
 * only be decoded from the next key frame (RFC 9605 §6.2); without asking, the decoder waits for its own request
 * after a freeze. Audio receivers refuse the request, which is ignored.
 */
function requestKeyFrames (): void {
  for (const transformer of receivers) transformer.sendKeyFrameRequest?.().catch(() => {})
}

async function run (command: SFrameCommand): Promise<void> {
  switch (command.op) {
    case 'configure':
      if (started) throw new SFrameError('SFrame suite can only be set before the first key')
      keyring = new SFrameKeyring({ suite: command.suite })
      suite = command.suite
      return
    case 'set-send-key': {
      if (sentKids.has(command.kid) || keyring.hasKey(command.kid)) throw new SFrameKeyReuseError()
      started = true
      sender = await SFrameSender.create({ suite, kid: command.kid, baseKey: command.key })
      sentKids.add(command.kid)
      return
    }
    case 'clear-send-key':
      sender = undefined
      return
    case 'add-key':
      if (sentKids.has(command.kid)) throw new SFrameKeyReuseError('An SFrame KID used for sending cannot also decrypt')
      started = true
      await keyring.addKey(command.kid, command.key)
      requestKeyFrames()
      return
    case 'remove-key':
      keyring.removeKey(command.kid)
      return
    case 'stats':
      return
    default:
      throw new SFrameError('Unknown SFrame worker request')
  }
}

// requests run one at a time in arrival order, so a remove posted after an add is applied after it
let queue: Promise<void> = Promise.resolve()
scope.onmessage = (event) => {
  const { id, command } = event.data
  queue = queue.then(async () => {
    try {
      await run(command)
      scope.postMessage({ id, ok: true, stats: snapshot() })
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      scope.postMessage({ id, ok: false, error: e.name, message: e.message })
    }
  })
}
