/** The relay's optional verifier service: backend, SMS gateways, keys and limits. */
export { PhoneVerifier, smsText, numberPrefix, retryText, type PhoneVerifierInit } from './backend.js'
export { logGateway, webhookGateway, SmsGatewayError, WEBHOOK_DEFAULTS, type SmsGateway, type WebhookInit } from './sms.js'
export { loadOrCreateVerifierKey, loadOrCreateVerifierSecret, VERIFIER_KEY_FILE, VERIFIER_SECRET_FILE } from './keys.js'
export * from './limits.js'
