/** 1:1 messaging: content, envelopes, delivery (direct and mailbox), reception, receipts. */
export { Messenger, MESSAGE_TTL_MS, RECEIPT_TTL_MS, TYPING_TTL_MS, PRESENCE_TTL_MS, PROFILE_TTL_MS } from './messenger.js'
export type { MessengerInit, MessengerEvents, IncomingMessage, SelfInfo } from './messenger.js'
export { encodeContent, decodeContent, assertTextFits, newMessageId, MAX_TEXT_LENGTH, MAX_RECEIPT_IDS, PADDING_BLOCK } from './content.js'
export type { Content, MessageBody, ReceiptType, ProfileContent, StateContent, SyncedStore } from './content.js'
export { PROFILE_SHARE_RECENT } from './profile-share.js'
export { MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES, profileProblem, photoType } from './profile-limits.js'
export { MalformedContentError, MessageTooLongError, NotOnParleyError, NotRegisteredError, UnprovenSenderError, UnverifiedNumberError, IdentityNotAcceptedError, DeliveryFailedError, UndecryptableEnvelopeError } from './errors.js'
export { Emitter } from './emitter.js'
