/** The relay's mailbox service: store (group-committed synced writes, quotas, expiry, live notification) and limits. */
export { RelayMailboxStore, mailboxKey, type RelayMailboxStoreInit, type MailboxStats } from './store.js'
export * from './limits.js'
