/** One device's ciphertext for another: ratchet-encrypt then seal the sender inside; and the reverse. Knows nothing of transports, numbers or storage layouts. */
import { openSealedSender, sealSender, type IdentityKeyPair, type RandomSource } from '../crypto/index.js'
import type { DeviceAddress, SessionManager } from '../session/index.js'
import type { StoreOptions } from '../storage/index.js'
import { UndecryptableEnvelopeError } from './errors.js'

/** sealed-sender content types: which kind of ratchet message is inside */
const CONTENT_MESSAGE = 1
const CONTENT_PREKEY = 2

export interface EnvelopeParty {
  identity: IdentityKeyPair
  /** our signed device certificate (createDeviceCertificate): travels inside the seal */
  certificate: Uint8Array
  sessions: SessionManager
  random: RandomSource
}

/** Encrypts `plaintext` for one recipient device (a session must exist) and seals our identity inside. */
export async function sealFor (me: EnvelopeParty, recipient: DeviceAddress, plaintext: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
  const message = await me.sessions.encrypt(recipient, plaintext, options)
  return sealSender({
    senderIdentity: me.identity,
    senderCertificate: me.certificate,
    recipientIdentityKey: recipient.identityKey,
    content: message.body,
    contentType: message.kind === 'prekey' ? CONTENT_PREKEY : CONTENT_MESSAGE
  }, { random: me.random })
}

export interface OpenedMessage {
  sender: DeviceAddress
  plaintext: Uint8Array
  newSession: boolean
}

/**
 * Opens the seal and decrypts. `beforeCommit` gets the plaintext before the session advances (persist there).
 * A seal that does not open is UndecryptableEnvelopeError; session errors (duplicate, no session) pass through with their names.
 * `onSender` learns the sender as soon as the seal opened (before the session decrypts).
 */
export async function openEnvelope (me: EnvelopeParty, envelope: Uint8Array, beforeCommit: (plaintext: Uint8Array, sender: DeviceAddress) => Promise<void>, options?: StoreOptions & { onSender?: (sender: DeviceAddress) => void }): Promise<OpenedMessage> {
  let opened
  try {
    opened = openSealedSender(me.identity, envelope)
  } catch {
    throw new UndecryptableEnvelopeError()
  }
  if (opened.contentType !== CONTENT_MESSAGE && opened.contentType !== CONTENT_PREKEY) throw new UndecryptableEnvelopeError('unknown content type')
  const sender: DeviceAddress = { identityKey: opened.senderIdentityKey, deviceId: opened.certificate.deviceId }
  // the seal opened: who sent it is known even if the session cannot decrypt what is inside
  options?.onSender?.(sender)
  const result = await me.sessions.decrypt(sender, opened.content, { ...options, beforeCommit: async plaintext => { await beforeCommit(plaintext, sender) } })
  return { sender, plaintext: result.plaintext, newSession: result.newSession }
}
