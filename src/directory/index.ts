/** Public entry of the directory (docs/design.md §4): record format, DHT rules, publish/lookup, republishing and contact discovery; see docs/directory.md. */
export * from './errors.js'
export {
  DIRECTORY_NAMESPACE, RECORD_VERSION, MAX_VALUE_BYTES, MAX_DEVICES, MAX_REMOVED_DEVICES, MAX_RELAYS, MAX_RELAY_ADDR_LENGTH, MAX_ATTESTATIONS,
  MAX_RECORD_LIFETIME_MS, DEFAULT_RECORD_LIFETIME_MS, CLOCK_SKEW_MS, LOCK_WINDOW_MS, MAX_ATTESTATION_LIFETIME_MS,
  parseDirectoryKey, signEnvelope, decodeEnvelope, validateEnvelope, newestAttestation, oldestAttestation, isLocked, handedOverBy, replaces, checkRecordFields
} from './record.js'
export type { DirectoryDevice, DirectoryRecordFields, DirectoryRecord, DirectoryEnvelope, ValidEnvelope, ReplaceContext } from './record.js'
export { signHandover, verifyHandover, MAX_HANDOVER_AGE_MS } from './handover.js'
export type { Handover } from './handover.js'
export { DirectoryDatastore, MAX_STORED_RECORDS, FULL_STORE_SWEEP_INTERVAL_MS, DIRECTORY_SWEEP_INTERVAL_MS, DHT_RECORD_PREFIX, datastoreKeyOf, directoryRecordKeyOf } from './datastore.js'
export type { DirectoryDatastoreInit } from './datastore.js'
export { directoryDhtRules } from './validator.js'
export type { DirectoryDhtRules, DirectoryDhtRulesOptions } from './validator.js'
export {
  PARLEY_NETWORK_SALT, LOOKUP_TIMEOUT_MS, LOOKUP_QUORUM, PUBLISH_TIMEOUT_MS, MAX_CACHED_HASHES, DirectoryHashCache, defaultHashCache,
  directoryKeysFor, buildRecord, putRecord, publishRecord, publishRelease, lookup
} from './directory.js'
export type { DirectoryDht, PublishOptions, PublishResult, QueryStats, Registered, NotRegistered, LookupResult, LookupOptions } from './directory.js'
export { Republisher, REPUBLISH_INTERVAL_MS, REPUBLISH_RETRY_MS } from './republisher.js'
export type { RepublisherInit } from './republisher.js'
export {
  discoverContacts, DEFAULT_DISCOVERY_CONCURRENCY, MAX_DISCOVERY_CONCURRENCY, DEFAULT_DISCOVERY_MAX_AGE_MS, DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS
} from './discovery.js'
export type { ContactResult, ContactStatus, DiscoveryOptions, DiscoveryReport, LookupFn } from './discovery.js'
