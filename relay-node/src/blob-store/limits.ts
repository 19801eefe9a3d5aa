/** The blob store's limits, each with its reason (docs/blobs.md lists them). Knows nothing of media. */
import type { RateWindow } from '../rate-limit.js'

/** Issue 18: a blob is kept 30 days after it was stored or last touched (forwarding a file touches it). */
export const BLOB_TTL_MS = 30 * 24 * 60 * 60_000

/**
 * Bytes one account (identity key) may hold here, complete blobs and uploads in progress together (an upload reserves
 * its whole declared size when it begins): two 2 GiB files at once, or hundreds of photos and voice notes a month.
 */
export const BLOB_QUOTA_BYTES = 4 * 1024 * 1024 * 1024

/** Bytes all blobs together may take on the relay's disk (a community relay's operator raises or lowers it with the flag). */
export const BLOB_MAX_TOTAL_BYTES = 50 * 1024 * 1024 * 1024

/** An upload that received no chunk for a day is given up and its disk freed; until then it counts toward the quota. A finished upload's answer is kept as long, for a client that lost it. */
export const BLOB_UPLOAD_IDLE_MS = 24 * 60 * 60_000

/**
 * Downloads opened by one peer: a device opening a chat fetches its photos and voice notes at once (tens), a gallery
 * scrolled through a few hundred; a peer asking faster only makes the relay read its disk for nothing.
 */
const BLOB_DOWNLOADS_PER_PEER: RateWindow[] = [{ max: 100, windowMs: 10_000 }, { max: 2000, windowMs: 10 * 60_000 }]

/** Touches by one peer: a forward touches one blob per attachment; an album forwarded to a few chats is tens. */
const BLOB_TOUCHES_PER_PEER: RateWindow[] = [{ max: 100, windowMs: 10_000 }, { max: 1000, windowMs: 10 * 60_000 }]

/** Expired blobs (and abandoned uploads) deleted per synced metadata write in a sweep: bounds one batch's size. */
export const BLOB_SWEEP_CHUNK = 500

/** How often expired blobs and abandoned uploads are swept; reads refuse an expired blob before that. */
export const BLOB_SWEEP_INTERVAL_MS = 10 * 60_000

export interface BlobStoreLimits {
  /** a blob expires this many ms after it was stored or last touched */
  ttlMs: number
  /** bytes per account, complete and in progress */
  quotaBytes: number
  /** bytes on the relay, complete and in progress */
  maxTotalBytes: number
  /** ms after its last chunk an unfinished upload is swept */
  uploadIdleMs: number
  downloadsPerPeer: RateWindow[]
  touchesPerPeer: RateWindow[]
}

export const DEFAULT_BLOB_STORE_LIMITS: BlobStoreLimits = {
  ttlMs: BLOB_TTL_MS,
  quotaBytes: BLOB_QUOTA_BYTES,
  maxTotalBytes: BLOB_MAX_TOTAL_BYTES,
  uploadIdleMs: BLOB_UPLOAD_IDLE_MS,
  downloadsPerPeer: BLOB_DOWNLOADS_PER_PEER,
  touchesPerPeer: BLOB_TOUCHES_PER_PEER
}
