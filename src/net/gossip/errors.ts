/** Error classes of Parley's gossipsub layer (group topics), each with a static `name`; messages are fixed strings and never carry data or topics. */

/** Base class of every gossip error. */
export class GossipError extends Error {
  static name = 'GossipError'
  constructor (message = 'gossip refused', options?: ErrorOptions) {
    super(message, options)
    this.name = GossipError.name
  }
}

/** A topic is not 32 bytes (the SHA-256 the group layer computes). */
export class InvalidGroupTopicError extends GossipError {
  static name = 'InvalidGroupTopicError'
  constructor (message = 'a group topic is 32 bytes') {
    super(message)
    this.name = InvalidGroupTopicError.name
  }
}

/** A group message is larger than MAX_GROUP_MESSAGE_BYTES. */
export class GossipMessageTooLargeError extends GossipError {
  static name = 'GossipMessageTooLargeError'
  constructor (message = 'group message is too large') {
    super(message)
    this.name = GossipMessageTooLargeError.name
  }
}

/** Publishing on, or leaving, a topic this node has not joined (inbound: a message on a topic nobody here joined). */
export class GroupTopicNotJoinedError extends GossipError {
  static name = 'GroupTopicNotJoinedError'
  constructor (message = 'group topic not joined') {
    super(message)
    this.name = GroupTopicNotJoinedError.name
  }
}

/** Joining a topic that already has handlers on this node. */
export class GroupTopicAlreadyJoinedError extends GossipError {
  static name = 'GroupTopicAlreadyJoinedError'
  constructor (message = 'group topic already joined') {
    super(message)
    this.name = GroupTopicAlreadyJoinedError.name
  }
}

/** The same bytes were published or received within gossipsub's seen window (2 minutes): the network will not take them again. */
export class DuplicateGroupMessageError extends GossipError {
  static name = 'DuplicateGroupMessageError'
  constructor (message = 'this group message was already published') {
    super(message)
    this.name = DuplicateGroupMessageError.name
  }
}

/** The node's gossipsub service is not running (the node was stopped, or not started yet), or the GroupTopics was stopped. */
export class GossipStoppedError extends GossipError {
  static name = 'GossipStoppedError'
  constructor (message = 'gossip is not running') {
    super(message)
    this.name = GossipStoppedError.name
  }
}

/** The pubsub service is not the one `parleyGossipsub` builds (wrong signature policy, or a gossipsub without the members this layer needs). */
export class GossipServiceError extends GossipError {
  static name = 'GossipServiceError'
  constructor (message = 'the pubsub service is not parleyGossipsub') {
    super(message)
    this.name = GossipServiceError.name
  }
}
