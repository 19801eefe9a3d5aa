/** Protocol id, sizes, timeouts and limits of direct messages (/parley/dm/1.0.0). */

export const PROTOCOL_PREFIX = 'parley'
export const PROTOCOL_NAME = 'dm'
export const PROTOCOL_VERSION = '1.0.0'
export const DM_PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/**
 * Largest envelope: a text message is a few KiB sealed; 256 KiB leaves room for long texts,
 * previews and group-key distributions while media goes as blobs by reference (docs/design.md §8).
 */
export const MAX_ENVELOPE_BYTES = 256 * 1024

/**
 * Largest request frame: an envelope plus protobuf overhead (tag + length ≤ 6 bytes) and
 * slack, so an envelope a little too large gets a TOO_LARGE answer while anything beyond
 * this aborts the stream before it is buffered.
 */
export const MAX_REQUEST_FRAME_BYTES = MAX_ENVELOPE_BYTES + 1024

/** Largest response frame: a status, a short reason and a number. */
export const MAX_RESPONSE_FRAME_BYTES = 1024

/**
 * Bytes the receiver buffers for one stream before aborting it: the sender keeps at most
 * MAX_IN_FLIGHT_BYTES unanswered, so a well-behaved sender never gets near this.
 */
export const MAX_INBOUND_BUFFER_BYTES = 4 * 1024 * 1024

/** How long an inbound stream may sit without a new frame before the receiver aborts it. */
export const IDLE_TIMEOUT_MS = 60_000

/**
 * How long the backend may take to persist one envelope; a synced LevelDB write takes
 * milliseconds, a busy phone disk maybe a second. Past this the frame is answered REFUSED
 * (the sender falls back to a mailbox; a late copy is deduplicated by (sender, id)).
 */
export const RECEIVE_TIMEOUT_MS = 10_000

/**
 * Most frames the receiver takes from what is already buffered on a stream and persists together
 * (one synced write, then all answers): a sender never has more than MAX_IN_FLIGHT_FRAMES
 * unanswered, so a larger window could not fill; one window's work stays well under RECEIVE_TIMEOUT_MS.
 */
export const MAX_RECEIVE_WINDOW = 64

/**
 * Frames one stream carries before the receiver closes it: bounds what one stream can hold
 * a receiver busy with; a sender opens a new stream for more (sendDirect does so itself).
 */
export const MAX_FRAMES_PER_STREAM = 10_000

/** Concurrent inbound dm streams per connection: a peer needs one, a few cover reconnect overlap. */
export const MAX_INBOUND_STREAMS = 4
/** Concurrent outbound dm streams per connection. */
export const MAX_OUTBOUND_STREAMS = 4

/** Concurrent inbound dm streams over all connections; more are aborted at once (a device talks to dozens of peers, not thousands). */
export const MAX_CONCURRENT_STREAMS = 64

/** Frames a sender keeps unanswered on one stream: enough to hide a round trip, few enough to bound receiver buffering. */
export const MAX_IN_FLIGHT_FRAMES = 64
/** Bytes a sender keeps unanswered on one stream (one frame may always go, whatever its size). */
export const MAX_IN_FLIGHT_BYTES = 1024 * 1024

/**
 * How long the sender tries to reach a recipient device directly before giving up: the
 * caller then deposits at mailboxes, so waiting long only delays the message.
 */
export const DIRECT_DIAL_TIMEOUT_MS = 5_000

/** How long the sender waits for the answer to one frame once written. */
export const SEND_TIMEOUT_MS = 30_000
