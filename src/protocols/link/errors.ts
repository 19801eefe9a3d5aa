/** Device-link errors, each with a static `name` and a message for the person linking. */

/** The text is not a Parley link code (wrong scheme, damaged, or from a newer version). */
export class InvalidLinkCodeError extends Error {
  static name = 'InvalidLinkCodeError'
  constructor (message = 'this is not a Parley link code: copy the whole parley-link: text from the new device') {
    super(message)
    this.name = 'InvalidLinkCodeError'
  }
}

/** The other side gave up on the link, with its reason. */
export class LinkRefusedError extends Error {
  static name = 'LinkRefusedError'
  constructor (message = 'the other device cancelled the link') {
    super(message)
    this.name = 'LinkRefusedError'
  }
}

/** The link exchange broke: the other side left, sent something unexpected, or someone in between altered it. */
export class LinkBrokenError extends Error {
  static name = 'LinkBrokenError'
  constructor (message = 'the link did not complete: show a new code on the new device and try again') {
    super(message)
    this.name = 'LinkBrokenError'
  }
}
