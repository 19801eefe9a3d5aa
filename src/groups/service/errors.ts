/** Errors of the group service, as a person using groups meets them; each class's static name is unique in the project. Knows no transport. */
import { GroupError } from '../errors.js'

/** We hold nothing of this group (never in it, or it was deleted here). */
export class UnknownGroupError extends GroupError {
  static name = 'UnknownGroupError'
  constructor (message = 'There is no such group on this device') {
    super(message)
    this.name = UnknownGroupError.name
  }
}

/** We are not (or no longer) a member of the group, so we cannot write in it or change it. */
export class NotInGroupError extends GroupError {
  static name = 'NotInGroupError'
  constructor (message = 'You are no longer a member of this group') {
    super(message)
    this.name = NotInGroupError.name
  }
}

/** The group lets only admins send, and we are not one. */
export class OnlyAdminsSendError extends GroupError {
  static name = 'OnlyAdminsSendError'
  constructor (message = 'Only admins can send messages to this group') {
    super(message)
    this.name = OnlyAdminsSendError.name
  }
}

/** A number given for a group is not on Parley (or not verified), so it cannot be a member. */
export class MemberNotFoundError extends GroupError {
  static name = 'MemberNotFoundError'
  constructor (message = 'This number is not on Parley') {
    super(message)
    this.name = MemberNotFoundError.name
  }
}

/** Not a Parley group invite link (or one damaged in copying). */
export class InvalidInviteLinkError extends GroupError {
  static name = 'InvalidInviteLinkError'
  constructor (message = 'This is not a Parley group invite link') {
    super(message)
    this.name = InvalidInviteLinkError.name
  }
}
