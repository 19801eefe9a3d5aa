/** Public entry of the Parley SDK for Node.js. */
export { createNodeNode, createDepositNodeNode, NODE_DEFAULT_LISTEN, type ParleyNode } from './net/node.js'
export { bootstrapDiscovery, commonServices, nodeDatastore, permissiveGater, type ParleyNodeInit, type DhtRecordRules } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL, DEFAULT_ICE_SERVERS, DIAL_TIMEOUT_MS } from './net/constants.js'
export { Parley, TAKEOVER_NOTICE_INTERVAL_MS, type ParleyInit, type WhoAmI, type ParleyEvents, type ReceivedMessage, type TakeoverAttempt } from './client/parley.js'
export type { TrustRootsInfo } from './client/trust-roots.js'
export { RELAY_REDIAL_MS, RELAY_REDIAL_MAX_MS, STALE_PROBE_MS, type NetworkStatus, type NetworkChange, type NetworkConnection } from './client/connection-health.js'
export { InvalidAppStoreNameError, type AppStore } from './client/app-store.js'
export { NotOnParleyError, NotRegisteredError, MalformedContentError, MessageTooLongError, UnverifiedNumberError, IdentityNotAcceptedError, MAX_TEXT_LENGTH } from './messaging/index.js'
export type { StoredMessage, Conversation, MessageStatus } from './storage/index.js'
export { NoPendingRegistrationError, NoRelayError, NoVerifierError, BackupPassphraseError, BackupPassphraseTooShortError, BackupCorruptError, BackupTargetNotEmptyError, LastRelayError, InvalidRelayAddressError, InvalidProfileError, InvalidDeviceNameError, UnknownDeviceError, DeviceLimitError, DeviceRemovedError, NotLinkableError } from './client/errors.js'
export { MAX_DEVICE_NAME_CHARS, type OwnDevice, type DeviceKind } from './client/own-devices.js'
export { DEFAULT_LINK_HISTORY_DAYS, type LinkProgress } from './client/linking.js'
export { InvalidLinkCodeError, LinkBrokenError, LinkRefusedError, LINK_URI_SCHEME } from './protocols/link/index.js'
export { MAX_DEVICES } from './directory/index.js'
export { exportBackup, importBackup, BACKUP_SCRYPT_LOG_N, MIN_BACKUP_PASSPHRASE_CHARS, type BackupInfo, type BackupProgressOptions, type ExportBackupOptions, type ImportBackupOptions } from './client/backup.js'
export { CONTACT_LOOKUP_CACHE_MS, type ContactInfo } from './client/contacts.js'
export { RELAY_PING_TIMEOUT_MS, type RelayInfo } from './client/relays.js'
export { MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES, type Profile } from './client/profile.js'
export type { ContactProfile } from './client/contact-profiles.js'
export { PROFILE_SHARE_RECENT } from './messaging/index.js'
export type { Settings } from './client/settings.js'
export { normalizePhone, InvalidPhoneNumberError } from './util/phone.js'
export { Groups, groupConversation, parseGroupId, parseInviteLink, INVITE_SCHEME as GROUP_INVITE_SCHEME, MEMBER_GOSSIP_RATE, type GroupsInit, type GroupEvents, type GroupSummary, type GroupInfo, type GroupMemberInfo, type GroupMessageEvent } from './groups/service/groups.js'
export { UnknownGroupError, NotInGroupError, OnlyAdminsSendError, MemberNotFoundError, InvalidInviteLinkError } from './groups/service/errors.js'
export { ROTATE_AFTER_MESSAGES, ROTATE_AFTER_MS } from './groups/service/keys.js'
export { GROUP_DEPOSIT_TTL_MS } from './groups/service/deposits.js'
export { MAX_HELD_MESSAGES as MAX_HELD_GROUP_MESSAGES, MAX_HELD_KEYS as MAX_HELD_GROUP_KEYS } from './groups/service/held.js'
export { GroupError, InvalidGroupPhotoError, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_LENGTH, MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_PHOTO_BYTES } from './groups/index.js'
export { Broadcasts, MAX_BROADCAST_RECIPIENTS, MAX_BROADCAST_NAME_LENGTH, MAX_BROADCAST_LISTS, type BroadcastList } from './client/broadcasts.js'
export { BroadcastListError } from './client/errors.js'
export { toHex as toHexString } from './storage/index.js'
export { Media, DEFAULT_AUTO_DOWNLOAD, NO_AUTO_DOWNLOAD, MAX_TRANSFER_ATTEMPTS, MAX_PARALLEL_DOWNLOADS, DOWNLOAD_SYNC_BYTES, type AutoDownload, type SendFileOptions, type MediaEvents, type MediaProgress } from './media/media.js'
export type { AttachmentInfo, AttachmentKind, AttachmentPreview } from './media/attachment.js'
export { MAX_FILE_BYTES, MAX_THUMBNAIL_BYTES, MAX_PLACEHOLDER_BYTES, MAX_WAVEFORM_BYTES } from './media/constants.js'
export { MediaError, FileTooLargeError, FileChangedError, MalformedAttachmentError, InvalidAttachmentError, FileExpiredError, FileIntegrityError, MediaQuotaError, NoAttachmentError, TransferCancelledError } from './media/errors.js'
export { MediaFileMissingError, type MediaFiles, type MediaReader, type MediaWriter } from './media/files.js'
export { nodeMediaFiles } from './media/node/files.js'
export { Calls, Call, GroupCall, CallError, CallsUnavailableError, CallStateError, InvalidCallSignalError, UnboundDescriptionError, RING_TIMEOUT_MS, MAX_GROUP_CALL_PARTICIPANTS, type FrameKeys, type GroupCallState, type GroupParticipant, type CallState, type CallDirection, type CallMedia, type CallStats, type CallRecord, type CallOutcome, type HangupReason } from './calls/index.js'
// calls: SFrame (RFC 9605) frame encryption for RTCRtpScriptTransform (docs/sframe.md)
export {
  SFrameSender, SFrameKeyring, protectMediaFrame, unprotectMediaFrame, sframeClearBytes, sframeSupportsCodec, parleySFrameKid, parseParleySFrameKid,
  newSFrameBaseKey, encodeSFrameHeader, decodeSFrameHeader, sframeSuite, PARLEY_SFRAME_SUITE, SFRAME_AES_128_CTR_HMAC_SHA256_80, SFRAME_AES_128_CTR_HMAC_SHA256_64,
  SFRAME_AES_128_CTR_HMAC_SHA256_32, SFRAME_AES_128_GCM_SHA256_128, SFRAME_AES_256_GCM_SHA512_128, SFRAME_MAX_CTR, SFRAME_MAX_KEYS, SFRAME_REPLAY_WINDOW,
  SFRAME_PARTICIPANT_BITS, SFRAME_MAX_PARTICIPANTS, SFRAME_MAX_GENERATION, SFRAME_BASE_KEY_BYTES, VP8_KEY_FRAME_CLEAR_BYTES, VP8_DELTA_FRAME_CLEAR_BYTES,
  SFrameError, SFrameHeaderError, SFrameDecryptError, SFrameUnknownKeyError, SFrameReplayError, SFrameCounterExhaustedError, SFrameKeyringFullError,
  SFrameKeyReuseError, SFrameUnsupportedCodecError, type SFrameSenderInit, type SFrameKeyringInit, type SFrameDecrypted, type SFrameCipherSuite, type SFrameHeader
} from './crypto/sframe.js'
