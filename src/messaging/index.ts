/** 1:1 messaging: content, envelopes, delivery (direct and mailbox), reception, receipts. */
export { Messenger, MESSAGE_TTL_MS, RECEIPT_TTL_MS, TYPING_TTL_MS, PRESENCE_TTL_MS } from './messenger.js'
export type { MessengerInit, MessengerEvents, IncomingMessage, SelfInfo } from './messenger.js'
export { encodeContent, decodeContent, newMessageId, MAX_TEXT_LENGTH, MAX_RECEIPT_IDS, PADDING_BLOCK } from './content.js'
export type { Content, MessageBody, ReceiptType } from './content.js'
export { MalformedContentError, NotOnParleyError, NotRegisteredError, UnprovenSenderError, DeliveryFailedError, UndecryptableEnvelopeError } from './errors.js'
export { Emitter } from './emitter.js'
