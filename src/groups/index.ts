/** Public entry of groups (docs/design.md §7, docs/groups.md): limits, errors, the state and its rules, signed changes, the change log; the client's persistent group store; knows no transport yet. */
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
