/** Protocol id, sizes, frame and page bounds, and timeouts of the relays' group message store (/parley/group-mailbox/1.0.0). Knows nothing of groups: topics, keys and messages are opaque bytes. */
import { MAX_ENVELOPE_BYTES } from '../mailbox/constants.js'

export const GROUP_MAILBOX_PROTOCOL = '/parley/group-mailbox/1.0.0'

/**
 * Largest group message a relay stores: a group message is sealed content like a 1:1 envelope (text, attachment
 * pointers with thumbnails), so it has the dm/mailbox frame bound; media travels through the blob store.
 */
export const MAX_GROUP_MESSAGE_BYTES = MAX_ENVELOPE_BYTES

/** A topic is 32 opaque bytes (members derive it from the group id; the relay never learns the id). */
export const GROUP_TOPIC_BYTES = 32

/** A deposit key is 32 bytes (members derive it from the group id); the relay stores only its SHA-256, the deposit check. */
export const GROUP_DEPOSIT_KEY_BYTES = 32
export const GROUP_DEPOSIT_CHECK_BYTES = 32

/** A message's ref: SHA-256 truncated to 16 bytes, collision-free for any number of messages a topic holds (2^64 work for a birthday collision). */
export const GROUP_MESSAGE_REF_BYTES = 16

/** Refs in one GET: a member repairs the gaps its causal history shows, a handful at a time; bounds one answer (64 × 256 KiB = 16 MiB at worst, sent in pages). */
export const MAX_REFS_PER_GET = 64

/** Topics in one REGISTER or UNREGISTER frame: the default per-device quota, so a device registers all its groups at once (~40 KiB). */
export const MAX_TOPICS_PER_REQUEST = 512

/** A client frame: one message with its topic and deposit key, or a REGISTER of MAX_TOPICS_PER_REQUEST topics (~37 KiB), plus framing. */
export const MAX_GROUP_CLIENT_FRAME_BYTES = MAX_GROUP_MESSAGE_BYTES + 1024

/** Messages per MESSAGES frame: large pages amortise framing and round trips, small ones keep memory flat (the mailbox's page). */
export const MAX_GROUP_PAGE_MESSAGES = 100

/** A page stops growing once it holds this many message bytes (so one page is at most this plus one message). */
export const MAX_GROUP_PAGE_BYTES = 1024 * 1024

/** A relay frame: a full page plus one more message and framing; below the byte stream's 4 MiB read buffer. */
export const MAX_GROUP_RELAY_FRAME_BYTES = MAX_GROUP_PAGE_BYTES + MAX_GROUP_MESSAGE_BYTES + 64 * 1024

/** Positions are the backend's time-ordered ids: short printable strings (the relay's are 16 hex digits). */
export const MAX_POSITION_LENGTH = 64

/** A deposit or GET stream, or a session before it is authenticated, may wait this long for its next frame @default */
export const GROUP_MAILBOX_TIMEOUT = 10_000

/** An authenticated session is closed after this much silence between requests (a fetching member acks page by page). */
export const GROUP_SESSION_IDLE_MS = 60_000

/** A member deposits to a few relays at once and holds a session per relay while it catches up. */
export const MAX_INBOUND_STREAMS = 16
export const MAX_OUTBOUND_STREAMS = 16
