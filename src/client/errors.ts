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

/** A device name that is empty or longer than allowed. */
export class InvalidDeviceNameError extends Error {
  static name = 'InvalidDeviceNameError'
  constructor (readonly maxChars: number) {
    super(`a device name needs 1 to ${maxChars} characters`)
    this.name = 'InvalidDeviceNameError'
  }
}

/** No such other device of this identity (or the id is this device's own, which cannot be removed from here). */
export class UnknownDeviceError extends Error {
  static name = 'UnknownDeviceError'
  constructor (message = 'no such device among your linked devices') {
    super(message)
    this.name = 'UnknownDeviceError'
  }
}

/** The identity already has the most linked devices allowed. */
export class DeviceLimitError extends Error {
  static name = 'DeviceLimitError'
  constructor (readonly maxCompanions: number) {
    super(`you already have ${maxCompanions} linked devices: remove one first`)
    this.name = 'DeviceLimitError'
  }
}

/** This device was removed from its account by another of the account's devices; its keys are wiped. */
export class DeviceRemovedError extends Error {
  static name = 'DeviceRemovedError'
  constructor (message = 'this device was removed from your account on another device: link it again to use it') {
    super(message)
    this.name = 'DeviceRemovedError'
  }
}

/** `link` on a device that already has an account: linking would replace it. */
export class NotLinkableError extends Error {
  static name = 'NotLinkableError'
  constructor (message = 'this device already has an account: link from an empty data folder (or browser profile)') {
    super(message)
    this.name = 'NotLinkableError'
  }
}

/** A broadcast list that does not exist, or a list that breaks a limit (name, contacts, lists). */
export class BroadcastListError extends Error {
  static name = 'BroadcastListError'
  constructor (message = 'There is no such broadcast list') {
    super(message)
    this.name = 'BroadcastListError'
  }
}
