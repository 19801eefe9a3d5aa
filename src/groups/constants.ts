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

// Group traffic (docs/group-messages.md)

/** Version of the wire message (GroupWirePb); a decoder refuses others so a future format is never misread. */
export const GROUP_WIRE_FORMAT = 1
/** Version of the plaintext inside the sender-key encryption (GroupContentPb); a decoder refuses others. */
export const GROUP_CONTENT_FORMAT = 1
/**
 * A message ref is SHA-256 truncated to 16 bytes: no two messages of the whole network collide by chance (a
 * collision takes about 2^64 messages), and 16 bytes keep a causal history and a relay's index small.
 */
export const GROUP_MESSAGE_REF_LENGTH = 16
/** Message ids are random 128-bit values, as in 1:1 messages. */
export const GROUP_MESSAGE_ID_LENGTH = 16
/** A membership state hash (stateHash) is SHA-256. */
export const GROUP_STATE_HASH_LENGTH = 32
/** Longest text in one group message, in UTF-16 code units: as 1:1 (WhatsApp allows 65,536 characters). */
export const MAX_GROUP_TEXT_LENGTH = 65_536
/**
 * Members one text mentions. Mentioning everybody in a large group is what @all would be for; 64 names keep the
 * plaintext's overhead under 1.3 KB, and a client shows no more anyway.
 */
export const MAX_GROUP_MENTIONS = 64
/**
 * Refs a message names as its causal history. Each costs 18 bytes in every message; 8 fit in one padding block
 * and let a receiver see a run of up to 8 lost messages from the next one it gets, or 8 messages sent at once by
 * others. The model's recommendation is 2 or 3 for very large groups; long gaps (a member offline) are the relay
 * store's job, not the history's (docs/group-messages.md, "Causal history").
 */
export const MAX_CAUSAL_HISTORY = 8
/** Plaintexts are padded to a multiple of this, as 1:1 content (Signal uses 160): ciphertext lengths reveal a bucket, not the text. */
export const GROUP_PADDING_BLOCK = 160
/** Largest attachment descriptor with a group text: the 1:1 content's bound (a file's address, key, hashes, name and a small thumbnail). */
export const MAX_GROUP_ATTACHMENT_BYTES = 24 * 1024
/**
 * Largest padded plaintext: the longest text in UTF-8 (at most 3 bytes per UTF-16 code unit), the largest attachment
 * descriptor, plus 4 KiB for the rest (id, times, history, state hash, quote and 64 mentions take under 2 KiB). The
 * same bound as 1:1 content.
 */
export const MAX_GROUP_CONTENT_BYTES = MAX_GROUP_TEXT_LENGTH * 3 + MAX_GROUP_ATTACHMENT_BYTES + 4096
/**
 * Largest wire message: 256 KiB, the frame size of the dm and mailbox protocols, so relays hold a group message
 * like a 1:1 one. The largest plaintext sender-key encrypted (about 100 bytes of framing and signature) fits
 * (test/groups/message.test.ts builds it).
 */
export const MAX_GROUP_WIRE_BYTES = 256 * 1024
/**
 * Largest control message. It travels in a 1:1 content, whose padded plaintext is at most 200,704 bytes; 192 KiB
 * leaves 4 KiB for the content's own fields (sender, attestation, token) and its padding. Two changes of the
 * largest size (MAX_GROUP_CHANGE_BYTES, 64 KiB) fit, or hundreds of ordinary ones (a few hundred bytes each).
 */
export const MAX_GROUP_CONTROL_BYTES = 192 * 1024
/**
 * Changes in one control message (and within MAX_GROUP_CONTROL_BYTES): as many as a receiver holds waiting for
 * their parents (MAX_PENDING_GROUP_CHANGES), so a batch whose first parent the receiver lacks still fits there.
 */
export const MAX_GROUP_CONTROL_CHANGES = 256
/** Change hashes one want names: what a receiver can have waiting (MAX_PENDING_GROUP_CHANGES); more are asked in a second want. */
export const MAX_GROUP_WANT_HASHES = 256
/** Message ids per group receipt: as 1:1 receipts (a reader catching up sends a few receipts, not one per message). */
export const MAX_GROUP_RECEIPT_IDS = 500
/** Largest sender-key distribution message; one is at most 114 bytes with a 32-byte group id (chain id, iteration, two 32-byte keys). */
export const MAX_GROUP_DISTRIBUTION_BYTES = 256
