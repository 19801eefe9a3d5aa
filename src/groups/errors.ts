/** Group error classes, each with a static `name` to match on; messages are fixed strings and never carry numbers, keys or group contents. */

/** Base class of every group error. */
export class GroupError extends Error {
  static name = 'GroupError'
  constructor (message = 'group change refused', options?: ErrorOptions) {
    super(message, options)
    this.name = GroupError.name
  }
}

/** The bytes are not a change: they do not decode, are not canonically encoded, or a field has the wrong shape. */
export class MalformedGroupChangeError extends GroupError {
  static name = 'MalformedGroupChangeError'
  constructor (message = 'group change is malformed') {
    super(message)
    this.name = MalformedGroupChangeError.name
  }
}

/** A field or the whole change is beyond a limit of src/groups/constants.ts (size, count or length). */
export class GroupLimitError extends GroupError {
  static name = 'GroupLimitError'
  constructor (message = 'group change breaks a limit') {
    super(message)
    this.name = GroupLimitError.name
  }
}

/** The change's signature does not verify under its author's identity key (forged, or a field changed after signing). */
export class GroupSignatureError extends GroupError {
  static name = 'GroupSignatureError'
  constructor (message = 'group change signature does not verify') {
    super(message)
    this.name = GroupSignatureError.name
  }
}

/** The change belongs to another group, or is a second creation of this one. */
export class WrongGroupError extends GroupError {
  static name = 'WrongGroupError'
  constructor (message = 'group change is for another group') {
    super(message)
    this.name = WrongGroupError.name
  }
}

/** The change is already known (same hash), recorded or pending: adding it again changes nothing. */
export class ReplayedGroupChangeError extends GroupError {
  static name = 'ReplayedGroupChangeError'
  constructor (message = 'group change is already known') {
    super(message)
    this.name = ReplayedGroupChangeError.name
  }
}

/** The change needs an admin and its author is not one (or was demoted by a concurrent change of a more senior admin). */
export class GroupNotAdminError extends GroupError {
  static name = 'GroupNotAdminError'
  constructor (message = 'only an admin may make this group change') {
    super(message)
    this.name = GroupNotAdminError.name
  }
}

/** The author is not a member (never was, left, or was removed, also by a concurrent change of an admin). */
export class GroupNotMemberError extends GroupError {
  static name = 'GroupNotMemberError'
  constructor (message = 'only a member may make this group change') {
    super(message)
    this.name = GroupNotMemberError.name
  }
}

/** The change makes no sense in the group's state (adding a member twice, removing a stranger, demoting the last admin…). */
export class InvalidGroupChangeError extends GroupError {
  static name = 'InvalidGroupChangeError'
  constructor (message = 'group change does not apply to the group as it is') {
    super(message)
    this.name = InvalidGroupChangeError.name
  }
}

/** A join by invite link while the group has no link, or whose proof is not made with the current link secret. */
export class GroupInviteError extends GroupError {
  static name = 'GroupInviteError'
  constructor (message = 'invite link is revoked or the join proof does not match it') {
    super(message)
    this.name = GroupInviteError.name
  }
}

/** The change builds on a part of the history that the log has gone GROUP_OUT_OF_DATE_VERSIONS versions past without it. */
export class OutOfDateGroupChangeError extends GroupError {
  static name = 'OutOfDateGroupChangeError'
  constructor (message = 'group change is out of date') {
    super(message)
    this.name = OutOfDateGroupChangeError.name
  }
}

/** MAX_PENDING_GROUP_CHANGES changes already wait for their parents; this one is not kept (fetch it again later). */
export class GroupPendingFullError extends GroupError {
  static name = 'GroupPendingFullError'
  constructor (message = 'too many group changes wait for their parents') {
    super(message)
    this.name = GroupPendingFullError.name
  }
}

/** The bytes are not a group message (wire, plaintext or control): they do not decode, are not canonically encoded, or a field has the wrong shape. */
export class MalformedGroupMessageError extends GroupError {
  static name = 'MalformedGroupMessageError'
  constructor (message = 'group message is malformed') {
    super(message)
    this.name = MalformedGroupMessageError.name
  }
}

/** A group message (wire, plaintext or control) or one of its fields is beyond a limit of src/groups/constants.ts. */
export class GroupMessageLimitError extends GroupError {
  static name = 'GroupMessageLimitError'
  constructor (message = 'group message breaks a limit') {
    super(message)
    this.name = GroupMessageLimitError.name
  }
}

/** A group message's Lamport timestamp is further ahead of our clock than MAX_LAMPORT_LEAD_MS: it is not taken in (hold it and try later, or drop it). */
export class FutureGroupMessageError extends GroupError {
  static name = 'FutureGroupMessageError'
  constructor (message = 'group message is too far ahead of our clock') {
    super(message)
    this.name = FutureGroupMessageError.name
  }
}

/** Exported causal-history state that does not decode or breaks its own rules (a limit, a ref's length, an order). */
export class MalformedCausalHistoryError extends GroupError {
  static name = 'MalformedCausalHistoryError'
  constructor (message = 'causal history state is malformed') {
    super(message)
    this.name = MalformedCausalHistoryError.name
  }
}

/** A group photo that is not a JPEG or PNG image of at most MAX_GROUP_PHOTO_BYTES (its message is for the person who chose it). */
export class InvalidGroupPhotoError extends GroupError {
  static name = 'InvalidGroupPhotoError'
  constructor (message = 'The group photo must be a JPEG or PNG image of at most 64 KiB.') {
    super(message)
    this.name = InvalidGroupPhotoError.name
  }
}
