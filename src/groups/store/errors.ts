/** Error classes of the client's group store, each with a static `name` to match on; messages are fixed strings and never carry ids, keys or numbers. */

/** Base class of the group store's errors. */
export class GroupStoreError extends Error {
  static name = 'GroupStoreError'
  constructor (message = 'group store refused the call', options?: ErrorOptions) {
    super(message, options)
    this.name = GroupStoreError.name
  }
}

/** An argument has the wrong type, length or range (a group id not 32 bytes, a ref not 16, a bad number…); nothing was written. */
export class GroupStoreInputError extends GroupStoreError {
  static name = 'GroupStoreInputError'
  constructor (message = 'group store input is malformed') {
    super(message)
    this.name = GroupStoreInputError.name
  }
}

/** The call would go beyond a limit of src/groups/store/constants.ts; nothing was written. */
export class GroupStoreLimitError extends GroupStoreError {
  static name = 'GroupStoreLimitError'
  constructor (message = 'group store limit reached') {
    super(message)
    this.name = GroupStoreLimitError.name
  }
}

/** The group has no record in the store (never put, or forgotten). */
export class GroupNotStoredError extends GroupStoreError {
  static name = 'GroupNotStoredError'
  constructor (message = 'group is not in the store') {
    super(message)
    this.name = GroupNotStoredError.name
  }
}

/** The group has no own sender-key chain yet (setOwnChain first): there is nothing to count or distribute. */
export class NoOwnSenderChainError extends GroupStoreError {
  static name = 'NoOwnSenderChainError'
  constructor (message = 'no own sender-key chain for this group') {
    super(message)
    this.name = NoOwnSenderChainError.name
  }
}

/** A fetch cursor for a relay the group is not registered at. */
export class RelayNotRegisteredError extends GroupStoreError {
  static name = 'RelayNotRegisteredError'
  constructor (message = 'the group is not registered at this relay') {
    super(message)
    this.name = RelayNotRegisteredError.name
  }
}
