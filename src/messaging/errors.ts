/** Errors of the messaging layer, each with a static name and a message fit for a person (no numbers, no text, no keys). */
import { MAX_TEXT_BYTES } from '../storage/index.js'

function named (name: string, defaultMessage: string) {
  return class extends Error {
    static name = name
    constructor (message = defaultMessage) {
      super(message)
      this.name = name
    }
  }
}

/** A decrypted plaintext that is not a well-formed Content. */
export class MalformedContentError extends named('MalformedContentError', 'malformed message content') {}
/** The number is not on Parley (no directory record). */
export class NotOnParleyError extends named('NotOnParleyError', 'that number is not on Parley') {}
/** The number's directory record carries no attestation from a verifier this device trusts: nothing is sent to it. */
export class UnverifiedNumberError extends named('UnverifiedNumberError', 'this number\'s registration isn\'t confirmed by a verifier you trust, so nothing is sent to it') {}
/**
 * A contact the user marked verified shows a new identity key: nothing is sent to it (queued messages wait)
 * until the user accepts the new key (acceptIdentity).
 */
export class IdentityNotAcceptedError extends named('IdentityNotAcceptedError', 'this contact\'s safety number changed after you verified it: compare the new safety number and accept it before sending') {}
/** A text longer than a message may be (MAX_TEXT_BYTES in UTF-8, which also keeps it within MAX_TEXT_LENGTH): nothing was stored or sent. */
export class MessageTooLongError extends named('MessageTooLongError', `the text is too long for one message: at most ${MAX_TEXT_BYTES} bytes in UTF-8`) {}
/** Sending needs a registered device (the recipient must learn who we are). */
export class NotRegisteredError extends named('NotRegisteredError', 'this device is not registered: register and verify a phone number first') {}
/** A sender's claimed number could not be tied to its identity key (no trusted attestation, and the directory disagrees). */
export class UnprovenSenderError extends named('UnprovenSenderError', 'the sender\'s number could not be confirmed') {}
/** Nothing acknowledged the message within its time to live. */
export class DeliveryFailedError extends named('DeliveryFailedError', 'the message could not be delivered in time') {}
/** An envelope that is not for this device or does not open. */
export class UndecryptableEnvelopeError extends named('UndecryptableEnvelopeError', 'an envelope could not be opened') {}
