/** Public entry of the Parley SDK for Node.js. */
export { createNodeNode, NODE_DEFAULT_LISTEN, type ParleyNode } from './net/node.js'
export { bootstrapDiscovery, commonServices, permissiveGater, type ParleyNodeInit, type DhtRecordRules } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL, DEFAULT_ICE_SERVERS, DIAL_TIMEOUT_MS } from './net/constants.js'
