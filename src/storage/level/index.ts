// LevelDB implementations of the stores and the openLevel entry point.
export { openLevel } from './db.js'
export type { LevelStorage, RootLevel } from './db.js'
export { LevelKeyValueStore } from './key-value-store.js'
export { LevelIdentityStore } from './identity-store.js'
export { LevelPreKeyStore } from './prekey-store.js'
export { LevelSessionStore } from './session-store.js'
export { LevelSenderKeyStore } from './sender-key-store.js'
export { LevelReplayStore } from './replay-store.js'
