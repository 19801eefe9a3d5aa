/** How the SDK gets WebRTC in Node: @roamhq/wrtc, a native module, loaded on first use only, with a clear error when it (or its binary for this platform) is missing. Knows no call, no signalling and nothing of browsers (they pass their own RTCPeerConnection). */
import type { AbortOptions } from '@libp2p/interface'
import { raceSignal } from '../../util/abort.js'

/** The constructor the call layer takes as its port: the browser's own, or @roamhq/wrtc's in Node. */
export type PeerConnectionConstructor = typeof RTCPeerConnection

/** What a 10 ms block of audio looks like to @roamhq/wrtc's nonstandard source and sink. */
export interface RTCAudioData {
  samples: Int16Array
  sampleRate: number
  bitsPerSample?: number
  channelCount?: number
  numberOfFrames?: number
}

/** An I420 video frame for @roamhq/wrtc's nonstandard video source. */
export interface RTCVideoFrame {
  width: number
  height: number
  data: Uint8ClampedArray | Uint8Array
}

/** @roamhq/wrtc's nonstandard media: where Node's calls get and put raw audio and video (browsers have microphones and elements instead). */
export interface NodeMediaApi {
  RTCAudioSource: new () => { createTrack: () => MediaStreamTrack, onData: (data: RTCAudioData) => void }
  RTCAudioSink: new (track: MediaStreamTrack) => { stop: () => void, readonly stopped: boolean, ondata: ((data: RTCAudioData) => void) | null }
  RTCVideoSource: new (init?: { isScreencast?: boolean }) => { createTrack: () => MediaStreamTrack, onFrame: (frame: RTCVideoFrame) => void }
  RTCVideoSink: new (track: MediaStreamTrack) => { stop: () => void, readonly stopped: boolean, onframe: ((event: { frame: RTCVideoFrame }) => void) | null }
}

/** WebRTC for Node: the standard classes calls use, and the nonstandard media. */
export interface NodeWebRtc {
  RTCPeerConnection: PeerConnectionConstructor
  MediaStream: typeof MediaStream
  nonstandard: NodeMediaApi
}

/** The package that provides WebRTC with media in Node (chosen by measurement: docs/calls-node.md). */
export const NODE_WEBRTC_PACKAGE = '@roamhq/wrtc'

/** Node's WebRTC could not be loaded: the package is not installed, or has no binary for this platform. Calls from Node need it; nothing else does. */
export class NodeWebRtcUnavailableError extends Error {
  static name = 'NodeWebRtcUnavailableError'
  constructor (specifier: string, cause: unknown) {
    super(`WebRTC for Node (${specifier}) could not be loaded: install it (npm install ${specifier}) on a platform it has a binary for (Linux, macOS, Windows on x64; macOS and Linux on arm64)`, { cause })
    this.name = 'NodeWebRtcUnavailableError'
  }
}

export interface LoadNodeWebRtcOptions extends AbortOptions {
  /** The package to load; default NODE_WEBRTC_PACKAGE (tests name one that is missing). */
  specifier?: string
}

let loaded: Promise<NodeWebRtc> | undefined

async function load (specifier: string): Promise<NodeWebRtc> {
  let mod: { default?: unknown }
  try {
    mod = await import(specifier) as { default?: unknown }
  } catch (err) {
    throw new NodeWebRtcUnavailableError(specifier, err)
  }
  const api = (mod.default ?? mod) as Partial<NodeWebRtc>
  if (typeof api.RTCPeerConnection !== 'function' || typeof api.nonstandard?.RTCAudioSource !== 'function') {
    throw new NodeWebRtcUnavailableError(specifier, new TypeError('the module has no RTCPeerConnection or nonstandard RTCAudioSource'))
  }
  return api as NodeWebRtc
}

/**
 * Loads Node's WebRTC on first use (later calls share the loaded module; a failed load is tried again next time).
 * Rejects with NodeWebRtcUnavailableError when it cannot be loaded, with the signal's reason when aborted.
 *
 * A process that has created a nonstandard source (an audio player, a test pattern) should end with `process.exit()`:
 * @roamhq/wrtc 0.10 crashes in its finalizers when Node tears the environment down after a natural exit (docs/calls-node.md).
 */
export async function loadNodeWebRtc (options: LoadNodeWebRtcOptions = {}): Promise<NodeWebRtc> {
  options.signal?.throwIfAborted()
  const specifier = options.specifier ?? NODE_WEBRTC_PACKAGE
  if (specifier !== NODE_WEBRTC_PACKAGE) return await raceSignal(load(specifier), options.signal)
  const attempt = loaded ?? load(specifier)
  loaded = attempt
  attempt.catch(() => { if (loaded === attempt) loaded = undefined })
  return await raceSignal(attempt, options.signal)
}

/** The RTCPeerConnection constructor for calls in Node (the port the call layer takes; a browser passes `globalThis.RTCPeerConnection`). */
export async function nodePeerConnection (options: LoadNodeWebRtcOptions = {}): Promise<PeerConnectionConstructor> {
  return (await loadNodeWebRtc(options)).RTCPeerConnection
}
