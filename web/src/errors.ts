// What the page says when something fails: SDK errors named for a person by their class (each has a static name), never the SDK's developer-facing message.

/** "in 45 seconds", "in 1 minute", "in 10 minutes", "in 2 hours": when a limit lifts. */
export function inTime (ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000))
  if (s < 60) return `in ${s} second${s === 1 ? '' : 's'}`
  const m = Math.ceil(s / 60)
  if (m < 120) return `in ${m} minute${m === 1 ? '' : 's'}`
  return `in ${Math.ceil(m / 60)} hours`
}

/** Texts by error class name. Classes that are thrown with a person-fit message of their own are passed through below. */
const TEXTS: Record<string, (err: Error & Record<string, unknown>) => string> = {
  TimeoutError: () => 'That took too long. Check the connection and try again.',
  AbortError: () => 'That took too long. Check the connection and try again.',
  // phone numbers: typed (normalizePhone) or refused by the verifier
  InvalidPhoneNumberError: () => 'That doesn\'t look like a phone number. Check the number, or start it with + and the country code.',
  InvalidNumberError: () => 'That doesn\'t look like a phone number. Check the number, or start it with + and the country code.',
  // registration
  RateLimitedError: e => typeof e.retryAfterMs === 'number'
    ? `Too many codes were asked for. You can ask for a new one ${inTime(e.retryAfterMs)}.`
    : 'Too many codes were asked for. Wait a few minutes, then ask for a new one.',
  WrongCodeError: e => typeof e.triesLeft === 'number' && e.triesLeft > 0
    ? `That code is not right. Check the SMS and try again (${e.triesLeft} ${e.triesLeft === 1 ? 'try' : 'tries'} left).`
    : 'That code is not right. Ask for a new code.',
  CodeExpiredError: () => 'That code has expired. Ask for a new code.',
  TooManyTriesError: () => 'Too many wrong codes. Ask for a new code.',
  NoPendingCodeError: () => 'No code is waiting for this number any more. Ask for a new code.',
  NoPendingRegistrationError: () => 'No code was asked for on this device. Start again with your phone number.',
  SmsFailedError: () => 'The code could not be sent by SMS. Try again in a few minutes.',
  NoVerifierError: () => 'None of the relays you reach can send codes. Try again later, or ask your community for a relay that can.',
  NoRelayError: () => 'No relay could be reached. Check the connection and try again.',
  VerifierInternalError: () => 'The relay that sends codes had a problem. Try again in a few minutes.',
  InvalidVerifyRequestError: () => 'The relay that sends codes did not accept the request. Try again, or reload the page.',
  RegistrationLockedError: () => 'This number is in use on another device. To move it here, release it there (Settings → Wipe this profile) or restore a backup of it.',
  PublishFailedError: () => 'Your number could not be published in the directory. Check the connection and try again.',
  DirectoryUnavailableError: () => 'The directory could not be reached. Check the connection and try again.',
  // sending
  MessageTooLongError: () => 'This message is too long. Split it into shorter messages.',
  NotOnParleyError: () => 'This number is not on Parley.',
  UnverifiedNumberError: () => 'This number\'s registration isn\'t confirmed by a verifier you trust, so Parley doesn\'t send to it.',
  IdentityNotAcceptedError: () => 'This contact\'s safety number changed after you verified it. Compare the new safety number in the contact\'s info and accept it before sending.',
  NotRegisteredError: () => 'This device isn\'t registered. Register your phone number first.',
  // files: the browser's storage for this site is full (copying a picked file into the profile's files)
  QuotaExceededError: () => 'This browser has no room left for the file. Free space in Settings › Storage, then try again.',
  // settings
  LastRelayError: () => 'You can\'t remove your last relay. Add another one first.',
  InvalidRelayAddressError: () => 'That isn\'t a relay address. Ask the relay\'s operator for its full address: it ends in /p2p/ and the relay\'s id.',
  MailboxRelayRefusedError: () => 'That relay can\'t keep your messages now (it is down, or it keeps no mail). Try another relay.',
  BackupPassphraseError: () => 'Wrong passphrase: this backup was made with another one.',
  BackupPassphraseTooShortError: e => `The passphrase is too short. Use at least ${typeof e.minChars === 'number' ? e.minChars : 'more'} characters.`,
  BackupCorruptError: () => 'This file is not a Parley backup, or it is damaged.',
  StoreLockedError: () => 'This profile is open in another tab. Close it, or open another profile with ?profile=NAME.',
  // groups: the core's refusals (their own messages are for developers)
  GroupNotAdminError: () => 'Only the group\'s admins can do this.',
  GroupNotMemberError: () => 'You are no longer a member of this group.',
  // calls
  CallsUnavailableError: () => 'Calls are not available in this browser.'
}

/** Errors whose message was written for a person: the page's own (PhotoError, MediaPrepareError, CallMediaError), the media layer's, the call layer's, profile limits ("the name must be at most 64 characters") and the linked-device errors. */
const READABLE = new Set(['PhotoError', 'InvalidProfileError', 'InvalidProfileNameError',
  // linked devices: the SDK's messages say what to do ("copy the whole parley-link: text from the new device")
  'InvalidLinkCodeError', 'LinkBrokenError', 'LinkRefusedError', 'DeviceLimitError', 'InvalidDeviceNameError', 'UnknownDeviceError', 'DeviceRemovedError', 'NotLinkableError',
  // groups and broadcast lists: "One of these numbers is not on Parley…", "Only admins can send messages to this group", "the last admin cannot be demoted", "A list name is 1 to 100 characters"
  'UnknownGroupError', 'NotInGroupError', 'OnlyAdminsSendError', 'MemberNotFoundError', 'InvalidGroupChangeError', 'GroupLimitError', 'InvalidGroupPhotoError', 'BroadcastListError',
  // media: "Files can be at most 2 GB.", "Your relay has no room for this file now…", "This file is no longer available…", and the page's own MediaPrepareError
  'MediaError', 'FileTooLargeError', 'MediaQuotaError', 'FileExpiredError', 'FileIntegrityError', 'InvalidAttachmentError', 'MalformedAttachmentError', 'TransferCancelledError',
  'MediaFileMissingError', 'FileChangedError', 'NoAttachmentError', 'MediaPrepareError',
  // calls: "You are already in a call.", "The call has already ended.", "The call could not be secured.", and the page's own CallMediaError ("Parley may not use the microphone…")
  'CallError', 'CallStateError', 'UnboundDescriptionError', 'CallMediaError'])

/** A sentence for a person about `err`. Anything not known here gets a generic line (and the console the details). */
export function describe (err: unknown): string {
  const e = (err ?? {}) as Error & Record<string, unknown>
  const name = typeof e.name === 'string' ? e.name : ''
  const text = TEXTS[name]
  if (text != null) return text(e)
  if (READABLE.has(name) && typeof e.message === 'string' && e.message !== '') return e.message[0].toUpperCase() + e.message.slice(1).replace(/([^.])$/, '$1.')
  console.warn('parley: no text for this error', err)
  return 'Something went wrong. Please try again.'
}
