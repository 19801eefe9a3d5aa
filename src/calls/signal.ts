/** A call signal as the call layer uses it, and its wire form (pb/call.proto) with every bound checked on the way in and out. Knows no peer connection, store or network. */
import { CallSignal as CallSignalPb } from './pb/call.js'
import { CALL_ID_BYTES, GROUP_ID_BYTES, MAX_CANDIDATES, MAX_CANDIDATE_LENGTH, MAX_GROUP_CALL_PARTICIPANTS, MAX_SDP_BYTES, MAX_UPDATES, SFRAME_KEY_MAX_BYTES, SFRAME_KEY_MIN_BYTES } from './constants.js'
import { InvalidCallSignalError } from './errors.js'

export type SignalType = 'offer' | 'answer' | 'ice' | 'hangup' | 'ringing' | 'update' | 'update-answer' | 'media' | 'group-ring' | 'key' | 'group-state'
export type HangupReason = 'normal' | 'declined' | 'busy' | 'no-answer' | 'answered-elsewhere' | 'declined-elsewhere' | 'failed' | 'cancelled'

export interface Candidate {
  candidate: string
  sdpMid: string
  sdpMLineIndex: number
}

/** A participant of a group call: one device of a number. */
export interface ParticipantRef {
  phone: string
  device: number
}

export interface CallSignal {
  callId: Uint8Array
  type: SignalType
  /** the caller's clock when the call began (ms) */
  startedAt: number
  video: boolean
  sdp?: string
  candidates: Candidate[]
  reason: HangupReason
  /** the recipient's device this is for; 0 = all */
  toDevice: number
  /** ANSWERED_ELSEWHERE: the device that took the call */
  device: number
  seq: number
  muted: boolean
  camera: boolean
  /** group call: the group's 32-byte id (absent for a 1:1 call) */
  groupId?: Uint8Array
  participants: ParticipantRef[]
  /** KEY: the SFrame key id and base key */
  kid: number
  key?: Uint8Array
}

const TYPE_PB: Record<SignalType, CallSignalPb.Type> = {
  offer: CallSignalPb.Type.OFFER,
  answer: CallSignalPb.Type.ANSWER,
  ice: CallSignalPb.Type.ICE,
  hangup: CallSignalPb.Type.HANGUP,
  ringing: CallSignalPb.Type.RINGING,
  update: CallSignalPb.Type.UPDATE,
  'update-answer': CallSignalPb.Type.UPDATE_ANSWER,
  media: CallSignalPb.Type.MEDIA,
  'group-ring': CallSignalPb.Type.GROUP_RING,
  key: CallSignalPb.Type.KEY,
  'group-state': CallSignalPb.Type.GROUP_STATE
}
const REASON_PB: Record<HangupReason, CallSignalPb.Reason> = {
  normal: CallSignalPb.Reason.NORMAL,
  declined: CallSignalPb.Reason.DECLINED,
  busy: CallSignalPb.Reason.BUSY,
  'no-answer': CallSignalPb.Reason.NO_ANSWER,
  'answered-elsewhere': CallSignalPb.Reason.ANSWERED_ELSEWHERE,
  'declined-elsewhere': CallSignalPb.Reason.DECLINED_ELSEWHERE,
  failed: CallSignalPb.Reason.FAILED,
  cancelled: CallSignalPb.Reason.CANCELLED
}
const TYPE_OF = new Map(Object.entries(TYPE_PB).map(([k, v]) => [v, k as SignalType]))
const REASON_OF = new Map(Object.entries(REASON_PB).map(([k, v]) => [v, k as HangupReason]))
/** Signals that carry a session description. */
const WITH_SDP = new Set<SignalType>(['offer', 'answer', 'update', 'update-answer'])
const encoder = new TextEncoder()
/** Signals that exist only in a group call. */
const GROUP_ONLY = new Set<SignalType>(['group-ring', 'key', 'group-state'])
const E164 = /^\+[1-9]\d{6,14}$/

/** A signal with every optional field at its default. */
export function signal (callId: Uint8Array, type: SignalType, fields: Partial<Omit<CallSignal, 'callId' | 'type'>> = {}): CallSignal {
  return { callId, type, startedAt: 0, video: false, candidates: [], reason: 'normal', toDevice: 0, device: 0, seq: 0, muted: false, camera: false, participants: [], kid: 0, ...fields }
}

function check (s: CallSignal): void {
  if (s.callId.length !== CALL_ID_BYTES) throw new InvalidCallSignalError('A call message names no call.')
  if (WITH_SDP.has(s.type) !== (s.sdp != null && s.sdp !== '')) throw new InvalidCallSignalError('A call message has a description where none belongs, or lacks one.')
  if (s.sdp != null && encoder.encode(s.sdp).length > MAX_SDP_BYTES) throw new InvalidCallSignalError('A call description is too large.')
  if (s.candidates.length > MAX_CANDIDATES) throw new InvalidCallSignalError('A call message lists too many network paths.')
  for (const c of s.candidates) {
    if (c.candidate.length > MAX_CANDIDATE_LENGTH || c.sdpMid.length > MAX_CANDIDATE_LENGTH || !Number.isInteger(c.sdpMLineIndex) || c.sdpMLineIndex < 0 || c.sdpMLineIndex > 0xffff) {
      throw new InvalidCallSignalError('A call message has a damaged network path.')
    }
  }
  if (!Number.isSafeInteger(s.startedAt) || s.startedAt < 0) throw new InvalidCallSignalError('A call message has a bad time.')
  if (s.type === 'offer' && s.startedAt === 0) throw new InvalidCallSignalError('A call offer has no start time.')
  if (s.seq > MAX_UPDATES) throw new InvalidCallSignalError('A call was renegotiated too often.')
  if (s.groupId != null && s.groupId.length !== GROUP_ID_BYTES) throw new InvalidCallSignalError('A group call names no group.')
  if (GROUP_ONLY.has(s.type) && s.groupId == null) throw new InvalidCallSignalError('A group call message names no group.')
  if (s.participants.length > MAX_GROUP_CALL_PARTICIPANTS) throw new InvalidCallSignalError('A group call lists too many participants.')
  for (const p of s.participants) {
    if (!E164.test(p.phone) || !Number.isInteger(p.device) || p.device < 1 || p.device > 0xffffffff) throw new InvalidCallSignalError('A group call lists a damaged participant.')
  }
  if ((s.type === 'key') !== (s.key != null)) throw new InvalidCallSignalError('A call key message is damaged.')
  if (s.key != null && (s.key.length < SFRAME_KEY_MIN_BYTES || s.key.length > SFRAME_KEY_MAX_BYTES || !Number.isSafeInteger(s.kid) || s.kid < 0)) throw new InvalidCallSignalError('A call key is damaged.')
}

export function encodeSignal (s: CallSignal): Uint8Array {
  check(s)
  return CallSignalPb.encode({
    callId: Uint8Array.from(s.callId),
    type: TYPE_PB[s.type],
    startedAt: s.startedAt,
    video: s.video,
    sdp: s.sdp ?? '',
    candidates: s.candidates,
    reason: REASON_PB[s.reason],
    toDevice: s.toDevice,
    device: s.device,
    seq: s.seq,
    muted: s.muted,
    camera: s.camera,
    groupId: s.groupId != null ? Uint8Array.from(s.groupId) : new Uint8Array(0),
    participants: s.participants,
    kid: s.kid,
    key: s.key != null ? Uint8Array.from(s.key) : new Uint8Array(0)
  })
}

/** Decodes a peer's signal; anything out of shape is InvalidCallSignalError. */
export function decodeSignal (bytes: Uint8Array): CallSignal {
  let pb: CallSignalPb
  try {
    pb = CallSignalPb.decode(bytes, { limits: { candidates: MAX_CANDIDATES, participants: MAX_GROUP_CALL_PARTICIPANTS } } as never)
  } catch {
    throw new InvalidCallSignalError()
  }
  const type = TYPE_OF.get(pb.type)
  const reason = REASON_OF.get(pb.reason)
  if (type == null || reason == null) throw new InvalidCallSignalError('A call message is of a kind this version does not know.')
  const s: CallSignal = {
    callId: pb.callId,
    type,
    startedAt: pb.startedAt,
    video: pb.video,
    ...(pb.sdp !== '' ? { sdp: pb.sdp } : {}),
    candidates: pb.candidates.map(c => ({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex })),
    reason,
    toDevice: pb.toDevice,
    device: pb.device,
    seq: pb.seq,
    muted: pb.muted,
    camera: pb.camera,
    ...(pb.groupId.length > 0 ? { groupId: pb.groupId } : {}),
    participants: pb.participants.map(p => ({ phone: p.phone, device: p.device })),
    kid: pb.kid,
    ...(pb.key.length > 0 ? { key: pb.key } : {})
  }
  check(s)
  return s
}
