/** Public entry of the Parley SDK for browsers. */
export { createBrowserNode, BROWSER_DEFAULT_LISTEN, type BrowserNode } from './net/browser.js'
export { type ParleyNodeInit } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL } from './net/constants.js'
export { multiaddr } from '@multiformats/multiaddr'
