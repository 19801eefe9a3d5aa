/** The mailbox service's limits, each with its reason (docs/mailbox.md lists them). */
import type { RateWindow } from '../rate-limit.js'

/** docs/design.md §6: what nobody fetched in 30 days expires (the sender's client reports it undelivered). */
export const MAILBOX_TTL_MS = 30 * 24 * 60 * 60_000

/**
 * Envelopes held per mailbox (one owner device). A busy user offline for weeks receives a few
 * thousand messages and receipts; 10,000 covers that, and bounds a mailbox an attacker fills.
 */
export const MAX_ENVELOPES_PER_MAILBOX = 10_000

/** Bytes held per mailbox: 10,000 typical envelopes are a few MB; 64 MiB leaves room for large ones (up to 256 KiB each) while bounding disk per owner. */
export const MAX_BYTES_PER_MAILBOX = 64 * 1024 * 1024

/**
 * Envelopes held per mailbox from senders without the owner's delivery token (strangers, and a new contact's
 * first messages before it learnt the token), all such senders together. A person gets a handful of first
 * messages from new contacts a day; 100 hold weeks of those, and a stranger who floods the mailbox fills only
 * this share, never the contacts' full quota.
 */
const MAX_UNTOKENED_ENVELOPES_PER_MAILBOX = 100

/** Bytes of untokened envelopes per mailbox: 100 first messages of a few KiB (a PQXDH first message is ~2 KiB) with room for a profile photo or two. */
const MAX_UNTOKENED_BYTES_PER_MAILBOX = 1024 * 1024

/**
 * Deposits by one peer (to any mailboxes): a message to a 100-member group is 100+ deposits at
 * once; a person never sustains more than a few per second. The long window stops a flood that
 * paces itself under the short one.
 */
const DEPOSITS_PER_PEER: RateWindow[] = [{ max: 300, windowMs: 10_000 }, { max: 3000, windowMs: 10 * 60_000 }]

/** Deposits committed in one synced write (group commit): bounds one batch's memory and latency. */
export const MAX_GROUP_COMMIT = 256

/** How often expired envelopes and idle rate records are swept. */
export const SWEEP_INTERVAL_MS = 10 * 60_000

export interface MailboxLimits {
  ttlMs: number
  maxEnvelopesPerMailbox: number
  maxBytesPerMailbox: number
  maxUntokenedEnvelopesPerMailbox: number
  maxUntokenedBytesPerMailbox: number
  depositsPerPeer: RateWindow[]
}

export const DEFAULT_MAILBOX_LIMITS: MailboxLimits = {
  ttlMs: MAILBOX_TTL_MS,
  maxEnvelopesPerMailbox: MAX_ENVELOPES_PER_MAILBOX,
  maxBytesPerMailbox: MAX_BYTES_PER_MAILBOX,
  maxUntokenedEnvelopesPerMailbox: MAX_UNTOKENED_ENVELOPES_PER_MAILBOX,
  maxUntokenedBytesPerMailbox: MAX_UNTOKENED_BYTES_PER_MAILBOX,
  depositsPerPeer: DEPOSITS_PER_PEER
}
