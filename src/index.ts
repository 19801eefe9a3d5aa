/** Public entry of the Parley SDK for Node.js. */
export { createNodeNode, NODE_DEFAULT_LISTEN, type ParleyNode } from './net/node.js'
export { bootstrapDiscovery, commonServices, permissiveGater, type ParleyNodeInit, type DhtRecordRules } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL, DEFAULT_ICE_SERVERS, DIAL_TIMEOUT_MS } from './net/constants.js'
export { Parley, type ParleyInit, type WhoAmI } from './client/parley.js'
export { NoPendingRegistrationError, NoRelayError, NoVerifierError } from './client/errors.js'
export { normalizePhone, InvalidPhoneNumberError } from './util/phone.js'
export { toHex as toHexString } from './storage/index.js'
