/** Group limits and format constants, each with its reason (docs/groups.md); knows no state, change or crypto. */

/** Group ids are 32 random bytes: unguessable, and within the sender keys' MAX_GROUP_ID_LENGTH. */
export const GROUP_ID_LENGTH = 32
/** Version of the change format; a decoder refuses others so a future format is never misread. */
export const GROUP_CHANGE_FORMAT = 1
/** Longest group name in characters (Unicode code points): WhatsApp's subject limit. */
export const MAX_GROUP_NAME_LENGTH = 100
/** Longest group description in characters (Unicode code points). */
export const MAX_GROUP_DESCRIPTION_LENGTH = 512
/**
 * Largest photo reference, in bytes. The photo itself will travel as an encrypted blob (docs/design.md §8);
 * its reference (blob id, key, hash, size) is about 100 bytes, so 256 leaves room and keeps changes small.
 */
export const MAX_GROUP_PHOTO_REF_BYTES = 256
/** Most members of one group (WhatsApp's limit). Every member holds the whole member list and fans sender keys out to each. */
export const MAX_GROUP_MEMBERS = 1024
/** Invite link secrets are 32 random bytes. */
export const GROUP_INVITE_SECRET_LENGTH = 32
/** A join proof is an HMAC-SHA256. */
export const GROUP_JOIN_PROOF_LENGTH = 32
/** A phone number in E.164 is at most 16 characters ('+' and 15 digits). */
export const MAX_E164_LENGTH = 16
/** Change hashes are SHA-256. */
export const GROUP_CHANGE_HASH_LENGTH = 32
/**
 * Most parents one change names. A member merges every head it knows; heads only pile up when many
 * changes were made concurrently, and a later change merges what is left. Bounds the change's size.
 */
export const MAX_CHANGE_PARENTS = 16
/**
 * Largest encoded change. The largest legal change is a creation (or an addition) with MAX_GROUP_MEMBERS
 * members, 58,196 bytes with the longest numbers, name, description and photo reference
 * (test/groups/change.test.ts builds it); well under the 256 KiB frames of the dm and mailbox protocols.
 */
export const MAX_GROUP_CHANGE_BYTES = 64 * 1024
/**
 * Changes held while their parents are unknown. Honest changes arrive a few at a time; the bound keeps
 * a flood of unplaceable changes from growing memory. A refused change can be fetched again later.
 */
export const MAX_PENDING_GROUP_CHANGES = 256
/**
 * A change is out of date when the log holds a change at least this many versions above it, itself not out of
 * date, that does not descend from it: the others went that far without it (it was made offline, or held back).
 * 64 versions is far more than members who are online together ever make concurrently, and bounds how far back a
 * change can be slipped into the history (docs/groups.md, "Out of date").
 */
export const GROUP_OUT_OF_DATE_VERSIONS = 64
