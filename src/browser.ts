/** Public entry of the Parley SDK for browsers: the browser node factory and `createParley`, the facade on IndexedDB. Knows nothing of the page. */
import { createBrowserNode, createDepositBrowserNode } from './net/browser.js'
import { openLevel } from './storage/index.js'
import { Parley, type ParleyInit } from './client/parley.js'
import type { DeviceKind } from './client/own-devices.js'
import type { LinkProgress } from './client/linking.js'
import type { AbortOptions } from '@libp2p/interface'
import { importBackup, type ImportBackupOptions } from './client/backup.js'

export { createBrowserNode, createDepositBrowserNode, BROWSER_DEFAULT_LISTEN, BROWSER_PING_INTERVAL_MS, type BrowserNode } from './net/browser.js'
export { type ParleyNodeInit, type ClientNode } from './net/options.js'
export { AGENT_VERSION, DHT_PROTOCOL } from './net/constants.js'
export { multiaddr } from '@multiformats/multiaddr'
export { Parley, type ParleyInit, type WhoAmI, type ParleyEvents, type ReceivedMessage, type TakeoverAttempt } from './client/parley.js'
export type { TrustRootsInfo } from './client/trust-roots.js'
export { RELAY_REDIAL_MS, RELAY_REDIAL_MAX_MS, STALE_PROBE_MS, type NetworkStatus, type NetworkChange, type NetworkConnection } from './client/connection-health.js'
export { InvalidAppStoreNameError, type AppStore } from './client/app-store.js'
export { NotOnParleyError, NotRegisteredError, MessageTooLongError, UnverifiedNumberError, IdentityNotAcceptedError, MAX_TEXT_LENGTH } from './messaging/index.js'
export type { StoredMessage, Conversation, MessageStatus, HistoryCursor, KeyValueStore } from './storage/index.js'
export { NoPendingRegistrationError, NoRelayError, NoVerifierError, BackupPassphraseError, BackupPassphraseTooShortError, BackupCorruptError, LastRelayError, InvalidRelayAddressError, MailboxRelayRefusedError, InvalidDeviceNameError, UnknownDeviceError, DeviceLimitError, DeviceRemovedError, NotLinkableError } from './client/errors.js'
export { MAX_DEVICE_NAME_CHARS, type OwnDevice, type DeviceKind } from './client/own-devices.js'
export { DEFAULT_LINK_HISTORY_DAYS, type LinkProgress } from './client/linking.js'
export { MAX_DEVICES } from './directory/index.js'
export { InvalidLinkCodeError, LinkBrokenError, LinkRefusedError, LINK_URI_SCHEME } from './protocols/link/index.js'
export { InvalidProfileError as InvalidProfileFieldError } from './client/errors.js'
export { RateLimitedError } from './protocols/errors.js'
export type { ContactInfo } from './client/contacts.js'
export { parseRelayAddress, type RelayInfo } from './client/relays.js'
export type { Settings } from './client/settings.js'
export { MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES, type Profile } from './client/profile.js'
export type { ContactProfile } from './client/contact-profiles.js'
export { photoType } from './messaging/index.js'
export type { PresenceInfo } from './client/presence.js'
export type { BackupProgressOptions, ImportBackupOptions } from './client/backup.js'
export { MIN_BACKUP_PASSPHRASE_CHARS } from './client/backup.js'
export { normalizePhone, InvalidPhoneNumberError } from './util/phone.js'
export { Groups, groupConversation, parseGroupId, parseInviteLink, INVITE_SCHEME as GROUP_INVITE_SCHEME, MEMBER_GOSSIP_RATE, type GroupsInit, type GroupEvents, type GroupSummary, type GroupInfo, type GroupMemberInfo, type GroupMessageEvent } from './groups/service/groups.js'
export { UnknownGroupError, NotInGroupError, OnlyAdminsSendError, MemberNotFoundError, InvalidInviteLinkError } from './groups/service/errors.js'
export { ROTATE_AFTER_MESSAGES, ROTATE_AFTER_MS } from './groups/service/keys.js'
export { GROUP_DEPOSIT_TTL_MS } from './groups/service/deposits.js'
export { MAX_HELD_MESSAGES as MAX_HELD_GROUP_MESSAGES, MAX_HELD_KEYS as MAX_HELD_GROUP_KEYS } from './groups/service/held.js'
export { GroupError, InvalidGroupPhotoError, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_LENGTH, MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_PHOTO_BYTES } from './groups/index.js'
export { Broadcasts, MAX_BROADCAST_RECIPIENTS, MAX_BROADCAST_NAME_LENGTH, MAX_BROADCAST_LISTS, type BroadcastList } from './client/broadcasts.js'
export { BroadcastListError } from './client/errors.js'
export { backoff, type BackoffOptions } from './util/backoff.js'
export { Calls, Call, GroupCall, CallError, CallsUnavailableError, CallStateError, InvalidCallSignalError, UnboundDescriptionError, RING_TIMEOUT_MS, MAX_GROUP_CALL_PARTICIPANTS, type FrameKeys, type GroupCallState, type GroupParticipant, type CallState, type CallDirection, type CallMedia, type CallStats, type CallRecord, type CallOutcome, type HangupReason } from './calls/index.js'
export type { LookupResult, DiscoveryReport } from './directory/index.js'

/** Profile names become part of an IndexedDB name: short, and only letters, digits, '-' and '_'. */
export const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/

export class InvalidProfileNameError extends Error {
  static name = 'InvalidProfileNameError'
  constructor (message = 'a profile name is 1-64 letters, digits, - or _') {
    super(message)
    this.name = 'InvalidProfileNameError'
  }
}

export interface BrowserParleyInit extends Omit<ParleyInit, 'createNode' | 'dataDir' | 'storage' | 'closeStorage'> {
  /** which identity of this browser: each profile has its own IndexedDB database `parley-<profile>` and so its own keys @default 'default' */
  profile?: string
}

/** The IndexedDB database name of a profile. */
export function profileDatabase (profile: string): string {
  if (!PROFILE_NAME.test(profile)) throw new InvalidProfileNameError()
  return `parley-${profile}`
}

import { opfsMediaFiles as makeOpfsMediaFiles, type BrowserMediaFiles } from './media/opfs-files.js'

/** A profile's files (sent and received media) in the origin private file system: folder `parley-media-<profile>`. */
export function profileMediaFiles (profile: string): BrowserMediaFiles {
  return makeOpfsMediaFiles(`${profileDatabase(profile).replace(/^parley-/, 'parley-media-')}`)
}

/** Parley.create for a browser tab: the browser libp2p node and LevelDB over IndexedDB, one database per profile; files in the profile's private folder. */
export async function createParley (init: BrowserParleyInit, options?: AbortOptions): Promise<Parley> {
  const { profile = 'default', ...rest } = init
  const storage = await openLevel(profileDatabase(profile), options)
  try {
    return await Parley.create({ mediaFiles: profileMediaFiles(profile), ...rest, storage, closeStorage: true, createNode: createBrowserNode, createDepositNode: createDepositBrowserNode }, options)
  } catch (err) {
    await storage.close()
    throw err
  }
}

export interface BrowserLinkOptions extends AbortOptions {
  /** shows the `parley-link:` code (a QR code, copyable text) to the person, who gives it to a device of the account */
  onCode: (uri: string) => void
  /** the account's state arriving: entries so far of `total` */
  onProgress?: LinkProgress
  /** @default 'browser' */
  kind?: DeviceKind
  /** the name this device suggests for itself (the approving device may give another) */
  name?: string
}

/**
 * Parley.link for a browser tab: makes the profile's (empty) database a linked device of an existing account,
 * with the browser libp2p node. Stop the profile's running Parley first: the link node uses the profile's key.
 * NotLinkableError when the profile already has an account; the abort `signal` cancels (the profile stays empty).
 */
export async function linkParley (init: BrowserParleyInit, options: BrowserLinkOptions): Promise<{ parley: Parley, phone: string, deviceId: number }> {
  const { profile = 'default', ...rest } = init
  const storage = await openLevel(profileDatabase(profile), options)
  try {
    return await Parley.link({ ...rest, storage, closeStorage: true, createNode: createBrowserNode, createDepositNode: createDepositBrowserNode }, { kind: 'browser', ...options })
  } catch (err) {
    await storage.close()
    throw err
  }
}

/** browser-level names its IndexedDB database `level-js-<location>` (its default prefix). */
const IDB_PREFIX = 'level-js-'

/**
 * Deletes a profile's IndexedDB database: its identity, keys and history are gone for good. Stop the
 * profile's Parley first (an open connection blocks the deletion until it closes).
 */
export async function wipeProfile (profile: string): Promise<void> {
  const name = IDB_PREFIX + profileDatabase(profile)
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`))
  })
}

/**
 * Writes a backup into a profile's database, replacing what it holds, without starting it (reload the page
 * to start the restored device). Stop the profile's Parley first. BackupPassphraseError / BackupCorruptError
 * leave the database untouched. To test a passphrase while the device still runs, call
 * `parley.checkBackup(bytes, passphrase)` (or `checkBackup` below).
 */
export async function restoreProfile (profile: string, backup: Uint8Array, passphrase: string, options: ImportBackupOptions = {}): Promise<void> {
  const storage = await openLevel(profileDatabase(profile), options)
  try {
    await importBackup(storage, backup, passphrase, { ...options, replace: true })
  } finally {
    await storage.close()
  }
}

/** Decrypts and checks a backup against a running device's storage kind, writing nothing (BackupPassphraseError, BackupCorruptError). */
export async function checkBackup (parley: Parley, backup: Uint8Array, passphrase: string, options: ImportBackupOptions = {}): Promise<void> {
  await parley.checkBackup(backup, passphrase, options)
}
export { Media, DEFAULT_AUTO_DOWNLOAD, NO_AUTO_DOWNLOAD, MAX_PARALLEL_DOWNLOADS, type AutoDownload, type SendFileOptions, type MediaEvents, type MediaProgress } from './media/media.js'
export type { AttachmentInfo, AttachmentKind, AttachmentPreview } from './media/attachment.js'
export { MAX_FILE_BYTES, MAX_THUMBNAIL_BYTES, MAX_PLACEHOLDER_BYTES, MAX_WAVEFORM_BYTES } from './media/constants.js'
export { MediaError, FileTooLargeError, FileChangedError, MalformedAttachmentError, InvalidAttachmentError, FileExpiredError, FileIntegrityError, MediaQuotaError, NoAttachmentError, TransferCancelledError } from './media/errors.js'
export { MediaFileMissingError } from './media/files.js'
export { opfsMediaFiles, type BrowserMediaFiles } from './media/opfs-files.js'
// calls: SFrame (RFC 9605) frame encryption for RTCRtpScriptTransform (docs/sframe.md)
export {
  SFrameSender, SFrameKeyring, protectMediaFrame, unprotectMediaFrame, sframeClearBytes, sframeSupportsCodec, parleySFrameKid, parseParleySFrameKid,
  newSFrameBaseKey, encodeSFrameHeader, decodeSFrameHeader, sframeSuite, PARLEY_SFRAME_SUITE, SFRAME_AES_128_CTR_HMAC_SHA256_80, SFRAME_AES_128_CTR_HMAC_SHA256_64,
  SFRAME_AES_128_CTR_HMAC_SHA256_32, SFRAME_AES_128_GCM_SHA256_128, SFRAME_AES_256_GCM_SHA512_128, SFRAME_MAX_CTR, SFRAME_MAX_KEYS, SFRAME_REPLAY_WINDOW,
  SFRAME_PARTICIPANT_BITS, SFRAME_MAX_PARTICIPANTS, SFRAME_MAX_GENERATION, SFRAME_BASE_KEY_BYTES, VP8_KEY_FRAME_CLEAR_BYTES, VP8_DELTA_FRAME_CLEAR_BYTES,
  SFrameError, SFrameHeaderError, SFrameDecryptError, SFrameUnknownKeyError, SFrameReplayError, SFrameCounterExhaustedError, SFrameKeyringFullError,
  SFrameKeyReuseError, SFrameUnsupportedCodecError, type SFrameSenderInit, type SFrameKeyringInit, type SFrameDecrypted, type SFrameCipherSuite, type SFrameHeader
} from './crypto/sframe.js'
