/** Public entry of groups (docs/design.md §7, docs/groups.md, docs/group-messages.md): limits, errors, the state and its rules, signed changes, the change log, group message formats, topic names and causal history, the client's persistent group store. */
export * from './constants.js'
export * from './errors.js'
export {
  applyChange, createState, checkAction, compareSeniority, findMember, isAdmin, admins, outranks, encodeState, stateHash
} from './state.js'
export type { GroupRole, Seniority, GroupMember, NewMember, GroupAction, ChangeFacts, GroupState, ApplyOptions } from './state.js'
export { signChange, decodeChange, createGroup } from './change.js'
export type { ChangeFields, GroupChange, NewGroup } from './change.js'
export { joinProof, checkJoinProof } from './invite.js'
export { GroupLog } from './log.js'
export type { ChangeStatus, AddResult, AddOutcome, GroupLogOptions } from './log.js'
export * from './store/index.js'
export { groupTopic, groupTopicString, groupDepositKey, groupDepositCheck, groupMessageRef, GROUP_TOPIC_PREFIX, GROUP_DEPOSIT_KEY_LENGTH } from './topic.js'
export { encodeGroupWire, decodeGroupWire, encodeGroupContent, decodeGroupContent, encodeGroupControl, decodeGroupControl, groupChangeBatches } from './message.js'
export type {
  GroupQuote, GroupContentHeader, GroupTextContent, GroupHeartbeatContent, GroupContent, NewGroupContent, GroupReceiptType,
  GroupChangesControl, GroupSenderKeyControl, GroupWantControl, GroupReceiptControl, GroupPhotoControl, GroupPhotoWantControl, GroupControl
} from './message.js'
export { MAX_GROUP_PHOTO_BYTES, GROUP_PHOTO_REF_INLINE, GROUP_PHOTO_REF_LENGTH, checkGroupPhoto, groupPhotoRef, photoMatchesRef } from './photo.js'
export {
  CausalHistory, compareGroupMessages, REPAIR_GRACE_MS, REPAIR_RETRY_MS, MAX_REPAIR_ATTEMPTS, MAX_MISSING_REFS, MAX_KNOWN_REFS, MAX_SETTLED_REFS,
  MAX_LAMPORT_LEAD_MS
} from './history.js'
export type { CausalMeta, Outgoing, ReceivedOutcome, RepairSweep, Gap, CausalHistoryOptions } from './history.js'
