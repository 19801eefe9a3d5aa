/** Errors the client facade raises, each with a static name and a message fit for a person. */

export class NoPendingRegistrationError extends Error {
  static name = 'NoPendingRegistrationError'
  constructor (message = 'no verification code was requested: run register with your phone number first') {
    super(message)
    this.name = 'NoPendingRegistrationError'
  }
}

export class NoRelayError extends Error {
  static name = 'NoRelayError'
  constructor (message = 'no relay reachable: check --bootstrap addresses and your network') {
    super(message)
    this.name = 'NoRelayError'
  }
}

export class NoVerifierError extends Error {
  static name = 'NoVerifierError'
  constructor (message = 'none of the reachable relays verifies phone numbers') {
    super(message)
    this.name = 'NoVerifierError'
  }
}

/** The passphrase does not open this backup. */
export class BackupPassphraseError extends Error {
  static name = 'BackupPassphraseError'
  constructor (message = 'wrong passphrase for this backup') {
    super(message)
    this.name = 'BackupPassphraseError'
  }
}

/** A new backup's passphrase is shorter than MIN_BACKUP_PASSPHRASE_CHARS (restoring an older backup has no minimum). */
export class BackupPassphraseTooShortError extends Error {
  static name = 'BackupPassphraseTooShortError'
  constructor (readonly minChars: number) {
    super(`the backup passphrase is too short: use at least ${minChars} characters`)
    this.name = 'BackupPassphraseTooShortError'
  }
}

/** The bytes are not a whole Parley backup: truncated, altered, another file, or a version this build cannot read. */
export class BackupCorruptError extends Error {
  static name = 'BackupCorruptError'
  constructor (message = 'the backup file is damaged or not a Parley backup') {
    super(message)
    this.name = 'BackupCorruptError'
  }
}

/** A restore would overwrite a device that already has an identity; pass `{ replace: true }` to do so. */
export class BackupTargetNotEmptyError extends Error {
  static name = 'BackupTargetNotEmptyError'
  constructor (message = 'this data folder already holds a Parley identity: restore into an empty folder, or replace it explicitly') {
    super(message)
    this.name = 'BackupTargetNotEmptyError'
  }
}

/** Removing this relay would leave the device with none to start from. */
export class LastRelayError extends Error {
  static name = 'LastRelayError'
  constructor (message = 'cannot remove the last relay: add another one first') {
    super(message)
    this.name = 'LastRelayError'
  }
}

/** A relay address that is not a dialable multiaddr with a peer id. */
export class InvalidRelayAddressError extends Error {
  static name = 'InvalidRelayAddressError'
  constructor (message = 'not a relay address: expected a multiaddr ending in /p2p/<peer id>') {
    super(message)
    this.name = 'InvalidRelayAddressError'
  }
}

/** A profile field out of bounds (name too long, photo too large or not a JPEG/PNG). */
export class InvalidProfileError extends Error {
  static name = 'InvalidProfileError'
  constructor (message = 'invalid profile') {
    super(message)
    this.name = 'InvalidProfileError'
  }
}

/** The relay did not take our prekeys, so it cannot keep our mail (down, or runs no mailbox service). */
export class MailboxRelayRefusedError extends Error {
  static name = 'MailboxRelayRefusedError'
  constructor (message = 'the relay did not accept our prekeys: it cannot be a mailbox relay now') {
    super(message)
    this.name = 'MailboxRelayRefusedError'
  }
}
