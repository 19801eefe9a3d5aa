/** The relay's group message store (topics, per-device cursors, quotas, expiry) and its limits. */
export { RelayGroupMailboxStore, type RelayGroupMailboxStoreInit, type GroupMailboxStats } from './store.js'
export * from './limits.js'
