/** The call layer's public surface: the Calls service, a Call, the call log's records, errors and limits. */
export { Calls, type CallsInit, type CallsEvents, type SignalSender, type CallGroups } from './calls.js'
export { GroupCall, type FrameKeys, type GroupCallState, type GroupParticipant, type GroupCallEvents } from './group-call.js'
export { Call, type CallState, type CallDirection, type CallMedia, type CallStats, type CallEvents } from './call.js'
export type { CallRecord, CallOutcome } from './log.js'
export type { HangupReason } from './signal.js'
export { CallError, CallsUnavailableError, CallStateError, InvalidCallSignalError, UnboundDescriptionError } from './errors.js'
export { RING_TIMEOUT_MS, MAX_GROUP_CALL_PARTICIPANTS } from './constants.js'
export { dtlsFingerprint } from './sdp.js'
