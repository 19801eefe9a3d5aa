/** Public entry of the client's group store (docs/group-store.md): the store, its records, limits and errors; knows no verification, crypto or transport. */
export { GroupStore } from './store.js'
export type { GroupStoreWriteOptions, StoredChange, MemberReceipt, ReceiptSummary, RelayRegistration } from './store.js'
export type { GroupRecord, OwnSenderChain, GroupReceipt } from './codec.js'
export * from './constants.js'
export * from './errors.js'
