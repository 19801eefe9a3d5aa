/** Protocol id, frame and page sizes, and timeouts of relay mailboxes (/parley/mailbox/1.0.0). */

export const PROTOCOL_PREFIX = 'parley'
export const PROTOCOL_NAME = 'mailbox'
export const PROTOCOL_VERSION = '1.0.0'
export const MAILBOX_PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/**
 * Largest envelope a relay stores. Envelopes are sealed-sender ciphertexts of messages, receipts
 * and key distributions (text, attachment pointers with thumbnails, a PQXDH first message with its
 * 1 KB ML-KEM ciphertext); media travels through the blob store, not here. 256 KiB holds any of
 * them with a large margin and bounds what one deposit costs a relay in memory and disk.
 */
export const MAX_ENVELOPE_BYTES = 256 * 1024

/** A client frame is one envelope (or an ACK of at most MAX_ACK_IDS ids) plus its framing. */
export const MAX_CLIENT_FRAME_BYTES = MAX_ENVELOPE_BYTES + 1024

/** Envelopes per ENVELOPES frame during the drain: large pages amortise framing, small ones keep memory flat. */
export const MAX_PAGE_ENVELOPES = 100

/** A page stops growing once it holds this many envelope bytes (so one page is at most this plus one envelope). */
export const MAX_PAGE_BYTES = 1024 * 1024

/** A relay frame: a full page plus one more envelope and framing; below the byte stream's 4 MiB read buffer. */
export const MAX_RELAY_FRAME_BYTES = MAX_PAGE_BYTES + MAX_ENVELOPE_BYTES + 64 * 1024

/** Ids in one ACK frame: a client acks what it has persisted, page by page. */
export const MAX_ACK_IDS = 1000

/** Deposits a relay processes at once per stream before it stops reading (flow control: 32 × 256 KiB = 8 MiB at worst). */
export const MAX_PIPELINED_DEPOSITS = 32

/** The auth clock skew and challenge size are the shared owner-auth scheme's. */
export { MAX_CLOCK_SKEW_MS, NONCE_BYTES } from '../owner-auth.js'

/** A deposit stream, or an owner session before it is authenticated, may be idle this long @default */
export const TIMEOUT = 10_000

/** How often a relay sends KEEPALIVE to a subscribed session (TCP sockets close after 2 idle minutes). */
export const KEEPALIVE_INTERVAL_MS = 30_000

/** A sender deposits to several owners at once; an owner holds a session per relay and may reconnect. */
export const MAX_INBOUND_STREAMS = 16
export const MAX_OUTBOUND_STREAMS = 16
