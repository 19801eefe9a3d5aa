/** Protocol id, sizes, windows and timeouts of the relays' blob store (/parley/blob/1.0.0). Knows nothing of files, keys or media: a blob is opaque ciphertext cut into chunks. */

export const BLOB_PROTOCOL = '/parley/blob/1.0.0'

/** The media cipher seals 256 KiB of plaintext per chunk (docs/blobs.md). */
export const BLOB_PLAINTEXT_CHUNK_BYTES = 256 * 1024

/** Each sealed chunk carries a 16-byte authentication tag. */
export const BLOB_CHUNK_OVERHEAD_BYTES = 16

/** Largest ciphertext chunk: one sealed 256 KiB plaintext chunk. Every chunk but the last is exactly the declared size; the last is 1..that size. */
export const MAX_BLOB_CHUNK_BYTES = BLOB_PLAINTEXT_CHUNK_BYTES + BLOB_CHUNK_OVERHEAD_BYTES

/** Issue 18: files up to 2 GiB of plaintext. */
export const MAX_BLOB_PLAINTEXT_BYTES = 2 * 1024 * 1024 * 1024

/**
 * Chunks of one blob: 2 GiB in 256 KiB chunks, plus one for a cipher that ends a plaintext of a whole number of
 * chunks with an empty final chunk. Bounds what a relay records per blob (32 bytes of hash per chunk: 256 KiB) and
 * stops a tiny declared chunk size from turning one blob into millions of chunks.
 */
export const MAX_BLOB_CHUNKS = MAX_BLOB_PLAINTEXT_BYTES / BLOB_PLAINTEXT_CHUNK_BYTES + 1

/** Largest blob (ciphertext): 2 GiB of plaintext plus a tag per chunk. */
export const MAX_BLOB_BYTES = MAX_BLOB_PLAINTEXT_BYTES + BLOB_CHUNK_OVERHEAD_BYTES * MAX_BLOB_CHUNKS

/** A blob id is a SHA-256 (blob-id.ts). */
export const BLOB_ID_BYTES = 32

/** An upload id is 16 random bytes the uploader picks, and gives again to resume. */
export const BLOB_UPLOAD_ID_BYTES = 16

/** A frame: one chunk plus its index, type and protobuf framing; every other frame is far smaller. */
export const MAX_BLOB_FRAME_BYTES = MAX_BLOB_CHUNK_BYTES + 1024

/**
 * The relay syncs an upload's file (and records the chunks) once this many bytes arrived since the last sync, and
 * after the last chunk: fsync per chunk would cap throughput at the disk's sync rate (a sync costs tens of ms on a
 * virtual disk), never syncing would make acks lies. 8 MiB is 32 chunks: what a connection cut on a fast link costs
 * again at most (a slow link commits every BLOB_COMMIT_INTERVAL_MS instead).
 */
export const BLOB_COMMIT_BYTES = 8 * 1024 * 1024

/** ...or once the oldest unsynced chunk is this old, so a slow uplink still sees progress and loses little on a cut. */
export const BLOB_COMMIT_INTERVAL_MS = 1000

/**
 * Chunk bytes an uploader may have sent beyond what the relay acknowledged as committed: four commit batches, so
 * the relay syncs one batch while the next ones arrive and no round trip is ever waited for per chunk (measured on
 * loopback: three batches of 4 MiB left the uploader waiting for acks a third of the time). It is also the relay's
 * bound on what it buffers for one upload stream (a client that sends more loses the stream).
 */
export const BLOB_UPLOAD_WINDOW_BYTES = 4 * BLOB_COMMIT_BYTES

/**
 * Chunk bytes a downloader lets the relay send ahead of what it has consumed (the relay sends no more): keeps the
 * pipe full on a fast link while a slow consumer holds at most this much in its buffer. At least one chunk.
 */
export const BLOB_DOWNLOAD_WINDOW_BYTES = 8 * 1024 * 1024

/**
 * ms either side waits for the other's next frame (a chunk, an ack, credit, an answer) before giving up. An idle
 * timeout, not a deadline: a 2 GiB transfer takes minutes and is never cut while it moves.
 */
export const BLOB_IDLE_TIMEOUT_MS = 30_000

/** Streams per connection: a device uploads or downloads a few files at once (an album, a chat's media). */
export const MAX_INBOUND_STREAMS = 8
export const MAX_OUTBOUND_STREAMS = 8
