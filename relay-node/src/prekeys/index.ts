/** The relay's one-time prekey service: store and limits. */
export { RelayPreKeyStore, type RelayPreKeyStoreInit } from './store.js'
export * from './limits.js'
