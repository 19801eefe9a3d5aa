/** Chooses the provider: node:crypto where it exists, otherwise noble; knows nothing else. */
import { loadNativeProvider } from './provider-native.js'
import { nobleProvider } from './provider-noble.js'
import type { CryptoProvider } from './provider.js'

let cachedDefault: CryptoProvider | undefined

/** node:crypto when running in Node (loaded without a static import), otherwise the pure-JS noble provider. */
export function defaultProvider (): CryptoProvider {
  cachedDefault ??= loadNativeProvider() ?? nobleProvider
  return cachedDefault
}

/** The native provider, or undefined where node:crypto is not available (browsers). */
export function nativeProvider (): CryptoProvider | undefined {
  return loadNativeProvider()
}

export { nobleProvider }
