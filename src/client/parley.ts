/** The Parley client facade: one object per device that owns storage, identity and the libp2p node. The composition root; apps talk only to this. */
import { decodeAttestation, safetyNumber, systemRandom, type IdentityKeyPair, type RandomSource } from '../crypto/index.js'
import { loadOrCreateLocalIdentity, PreKeyManager, SessionManager, type LocalIdentity } from '../session/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { openLevel, toHex, type Storage, type Conversation, type HistoryOptions, type MessageStatus, type StoredMessage } from '../storage/index.js'
import { fromString as fromBase64 } from 'uint8arrays'
import { Messenger, NotRegisteredError, isDirectConversation, type IncomingMessage, type MessengerEvents, type SelfInfo, type StateContent, type SyncedStore } from '../messaging/index.js'
import type { DepositNode } from '../messaging/deposit-identity.js'
import { Emitter } from '../messaging/emitter.js'
import type { ClientNode, ParleyNodeInit } from '../net/options.js'
import { loadOrCreateDeviceKey } from './device-key.js'
import { RegistrationFlow, type Registration } from './registration.js'
import { DeviceMaintenance } from './maintenance.js'
import { Presence, type PresenceInfo } from './presence.js'
import { directoryDhtRules, lookup as directoryLookup, discoverContacts, publishRelease, type DirectoryDht, type DirectoryRecordFields, type LookupResult, type DiscoveryReport } from '../directory/index.js'
import { normalizePhone } from '../util/phone.js'
import { Contacts, type ContactInfo } from './contacts.js'
import { RelayList, effectiveRelays, parseRelayAddress, type RelayInfo } from './relays.js'
import { LastRelayError, MailboxRelayRefusedError } from './errors.js'
import { loadSettings, saveSettings, type Settings } from './settings.js'
import { loadProfile, saveProfile, shareableProfile, type Profile } from './profile.js'
import { ContactProfiles, type ContactProfile } from './contact-profiles.js'
import { exportBackup, importBackup, type BackupProgressOptions, type ImportBackupOptions } from './backup.js'
import { TrustRoots, type TrustRootsInfo } from './trust-roots.js'
import { ConnectionHealth, type NetworkChange, type NetworkStatus } from './connection-health.js'
import { openAppStore, type AppStore } from './app-store.js'
import { OwnDevices, checkDeviceName, type DeviceKind, type OwnDevice } from './own-devices.js'
import { approveLink, linkAsNewDevice, type LinkProgress } from './linking.js'
import { DeviceRemovedError, NotLinkableError } from './errors.js'
import { multiaddr as toMultiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { MAX_LINK_CODE_ADDRS } from '../protocols/link/index.js'
import { retirePreKeys } from '../protocols/prekeys/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import { GroupSessionManager } from '../session/index.js'
import { Groups } from '../groups/service/groups.js'
import { NotInGroupError, OnlyAdminsSendError } from '../groups/service/errors.js'
import { groupStorePort } from '../groups/service/store-adapter.js'
import { GroupTopics } from '../net/gossip/index.js'
import { groupPubsub, groupRelays } from './group-network.js'
import { mediaRelays } from './media-network.js'
import { callIceServers } from './call-network.js'
import { Media, type AutoDownload, type SendFileOptions } from '../media/media.js'
import { Calls, type Call, type CallMedia, type FrameKeys, type GroupCall } from '../calls/index.js'
import { noMediaFiles, type MediaFiles } from '../media/files.js'
import { Broadcasts } from './broadcasts.js'

export interface ParleyInit {
  /** folder for this device's LevelDB (Node); or pass `storage` */
  dataDir?: string
  storage?: Storage
  /** close `storage` on stop, as when the facade opened it (a browser entry opens it per profile) @default false when `storage` is given */
  closeStorage?: boolean
  /** relay multiaddrs */
  bootstrap: string[]
  listen?: string[]
  /**
   * The network's verifier public keys (trust roots): only numbers a record attested by one of them carries
   * are written to, and only they prove who a message is from. Relays never add any. When none is given the
   * device trusts the verifier that attested its own number at registration (see trustRoots()).
   */
  trustedVerifiers?: Uint8Array[]
  /** region for numbers typed without a country code, e.g. 'GB' */
  defaultRegion?: string
  random?: RandomSource
  now?: () => number
  /** builds the libp2p node; the Node and browser entries pass their factory */
  createNode: (init: ParleyNodeInit) => Promise<ClientNode>
  /**
   * builds a short-lived libp2p node with a fresh key that only dials relays: mailbox deposits leave from it
   * (sealed sender in fact: relays never see this device's peer id on a deposit). The Node and browser entries
   * pass their light factory (createDepositNodeNode / createDepositBrowserNode); without it a node from
   * `createNode` with a fresh key, listening on nothing, is used.
   */
  createDepositNode?: () => Promise<DepositNode>
  /**
   * Background upkeep of a registered device: directory republish and prekey rotation/top-up.
   * One-shot tools (a CLI lookup) may turn it off. @default true
   */
  maintenance?: boolean
  /** background work that failed and will be retried (a relay down, a publish that timed out) */
  onBackgroundError?: (err: unknown) => void
  /**
   * Take messages: serve the direct protocol and follow our mailbox relays. A one-shot `send` turns
   * it off so it does not consume mail meant for `receive`. @default true
   */
  receive?: boolean
  /** send read receipts @default true */
  readReceipts?: boolean
  /**
   * Keep connected, for a long-lived app (a browser tab): while no relay is connected, redial the relays with
   * backoff (RELAY_REDIAL_MS doubling up to RELAY_REDIAL_MAX_MS); when a peer connects anew, close its older
   * connections that cannot open a stream within STALE_PROBE_MS (a reloaded tab's WebRTC connection looks
   * open for 10-30 s). See network() and the 'network' event. @default false
   */
  keepConnected?: boolean
  /**
   * Share our presence (online / last seen) with the contacts of recent conversations, and see theirs
   * (only while we share ours). Used until the user chooses with `setSharePresence`, whose choice is
   * stored and wins from then on. @default false
   */
  sharePresence?: boolean
  /**
   * Where files sent and received are read and written (the media layer's port): `nodeMediaFiles(folder)` in Node,
   * the browser's private file system in a tab. Without it, sending and downloading files say this device has no
   * place for them.
   */
  mediaFiles?: MediaFiles
  /** which received files are downloaded at once @default DEFAULT_AUTO_DOWNLOAD (photos and voice notes; videos and documents up to 16 MiB) */
  autoDownload?: AutoDownload
  /**
   * WebRTC for calls: makes an RTCPeerConnection. In a browser the default is the page's own; in Node pass
   * `nodePeerConnection()` (from @roamhq/wrtc). Without one, calls are unavailable and rings are logged as missed.
   */
  peerConnection?: (config: RTCConfiguration) => RTCPeerConnection
  /** 'relay' sends every call through our relays' TURN (the peer never learns our address) @default 'all' */
  iceTransportPolicy?: RTCIceTransportPolicy
  /**
   * Group calls' end-to-end frame encryption: a new keyring with its RTCRtpScriptTransforms (the web client passes
   * its SFrame worker). Without it, group calls are unavailable on this device (1:1 calls still work).
   */
  callFrames?: () => FrameKeys
}

/** A message as apps get it: `reply` answers in the same conversation. */
export interface ReceivedMessage extends IncomingMessage {
  reply(text: string, options?: AbortOptions): Promise<StoredMessage>
}

export interface ParleyEvents {
  message: ReceivedMessage
  /** our message reached the recipient's device (delivered) or was read */
  receipt: { phone: string, id: string, status: 'delivered' | 'read' }
  /** any status change of our messages: pending (a retry), sent, delivered, read, failed */
  status: MessengerEvents['status']
  typing: MessengerEvents['typing']
  /** what a contact tells of its presence, while we share ours */
  presence: Omit<MessengerEvents['presence'], 'answer'>
  /** a contact's profile (display name, photo) newer than the one kept arrived; it is stored (see contactProfile) */
  profile: MessengerEvents['profile']
  relay: MessengerEvents['relay']
  /**
   * a contact's identity key differs from the one we knew: their safety number changed, verified is cleared.
   * `blocked`: the user had verified the contact, so nothing is sent to it (queued messages wait) until
   * acceptIdentity(phone)
   */
  'identity-changed': { phone: string, blocked: boolean }
  /**
   * the directory holds a record of another identity for OUR number (found when the device checks its own
   * record, at start and after each republish): someone tries to take the number over. `identityKey` is the
   * rival's (hex), `verified` whether a verifier we trust attested it (a SIM swap or an intercepted code)
   * rather than an unknown one. The device republishes its record at once.
   */
  'takeover-attempt': TakeoverAttempt
  /**
   * a message that can never be read was dropped (e.g. a contact wrote on a session this device, restored
   * from a backup, cannot follow); `phone` when the sender is known. The contact's next message after our
   * next send (a new session) arrives normally.
   */
  undecryptable: { phone?: string, reason: string }
  /** a connection of the device's node opened or closed, or its addresses changed: `network()` tells the state now */
  network: NetworkChange
  /** a text one of our other devices sent to `to` (a sent transcript): it is in history as sent */
  sent: MessengerEvents['sent']
  /** another of our devices changed the profile, settings, device names or verified marks: they are stored here too (read them again) */
  'account-state': MessengerEvents['account-state']
  /** one of our other devices read these messages of the chat with `phone`: marked read here too */
  'read-sync': MessengerEvents['read-sync']
  /** a contact linked or removed a device (not a new identity: its safety number is unchanged) */
  'contact-devices': MessengerEvents['contact-devices']
  /** the account's device list changed (a device linked, removed or renamed): `devices()` tells it now */
  devices: { reason: 'linked' | 'removed' | 'renamed' | 'synced' }
  /**
   * this device was removed from the account by another of its devices: its keys and the account's state are
   * wiped and it stopped; link it again to use it
   */
  'device-removed': DeviceRemovedError
  /** background problems that will be retried */
  error: unknown
}

export interface TakeoverAttempt { identityKey: string, verified: boolean, at: number }

/** The same rival is reported at most this often: the check after our own republish would repeat it at once. */
export const TAKEOVER_NOTICE_INTERVAL_MS = 60 * 60_000

export interface WhoAmI {
  registered: boolean
  phone?: string
  identityKey: string
  peerId: string
  deviceId: number
  /** ms since epoch until which our newest attestation proves the number (renewed by device upkeep before it ends) */
  verifiedUntil?: number
}

/** Messages kept for the first 'message' listener; a device nobody listens to (a one-shot command) keeps no more in memory (the rest are in history). */
export const MAX_HELD_MESSAGES = 1_000

export class Parley extends Emitter<ParleyEvents> {
  private readonly registration: RegistrationFlow
  private readonly maintenance: DeviceMaintenance
  // the SDK's own parts (with node, storage, local below): tests, benchmarks and chaos scripts reach them through src/client/internals.ts
  private readonly preKeys: PreKeyManager
  private readonly sessions: SessionManager
  private readonly messenger: Messenger
  /** groups: create, change, send and read group chats (events: 'group-message', 'group-status', 'group-update') */
  readonly groups: Groups
  /** broadcast lists: one text sent 1:1 to each contact of a list */
  readonly broadcasts: Broadcasts
  /** files: send (uploaded to our relay, resumable), download (verified as it streams, resumable), progress, auto-download */
  readonly media: Media
  /** calls: place and take 1:1 voice and video calls (events: 'incoming', 'record'), the call log */
  readonly calls: Calls
  private readonly groupTopics: GroupTopics
  private readonly health: ConnectionHealth
  private self?: SelfInfo
  private readonly presence: Presence
  private readonly contacts: Contacts
  private readonly relayList: RelayList
  private readonly contactProfiles: ContactProfiles
  /** our profile as shared, cached: send() asks for it on every text */
  private sharedProfile?: Promise<Profile & { updatedAt: number } | undefined>
  private currentSettings: Settings
  private readonly trust: TrustRoots
  /** rival identity (hex) → when it was last reported */
  private readonly rivalsReported = new Map<string, number>()
  /** the own-record check under way: a caller asking meanwhile shares it */
  private ownRecordCheck?: Promise<TakeoverAttempt[]>
  /** this identity's devices as this device knows them (linked devices) */
  private readonly ownDevices: OwnDevices

  private constructor (
    private readonly node: ClientNode,
    private readonly storage: Storage,
    private readonly local: LocalIdentity,
    protected readonly init: ParleyInit,
    /** the relays to start from (configured + user's changes), the stored settings and the trust roots */
    startup: { bootstrap: string[], settings: Settings, trust: TrustRoots }
  ) {
    super()
    // mail waiting at the relays arrives while create() runs: held for the first 'message' listener
    this.holdUntilListened('message', MAX_HELD_MESSAGES)
    // the start-up check of our own record may find a takeover attempt before the caller subscribed
    this.holdUntilListened('takeover-attempt', MAX_HELD_MESSAGES)
    // so may the start-up check find that this device was removed (and wipe it) before the app listens
    this.holdUntilListened('device-removed', 1)
    this.trust = startup.trust
    const now = init.now ?? Date.now
    const random = init.random ?? systemRandom
    this.currentSettings = startup.settings
    this.contacts = new Contacts({
      identities: storage.identity,
      meta: storage.kv('contact-meta'),
      blocks: storage.kv('contact-blocks'),
      localIdentityKey: local.identity.publicKey,
      lookup: async (e164, options) => await this.directoryLookup(e164, options),
      now,
      onIdentityChanged: (phone, blocked) => {
        // a reinstalled contact lost the profile we sent: the next text carries it again
        this.messenger.forgetProfileShared(phone).catch(err => this.background(err))
        // a new key seen in a message: a record of the old key cached for delivery is stale
        this.messenger.forgetRecipient(phone)
        this.emit('identity-changed', { phone, blocked })
      }
    })
    this.relayList = new RelayList({ store: storage.kv('relays'), node, configured: init.bootstrap, mailboxRelays: async options => await this.mailboxRelays(options) })
    this.preKeys = new PreKeyManager({ preKeys: storage.preKeys, meta: storage.kv('prekey-meta'), identity: local.identity, deviceId: local.deviceId, random, now })
    this.sessions = new SessionManager({ sessions: storage.sessions, replay: storage.replay, preKeys: this.preKeys, identity: local.identity, random, now })
    this.ownDevices = new OwnDevices(storage.kv('own-devices'), { deviceId: local.deviceId, peerId: node.peerId.toString(), now })
    this.maintenance = new DeviceMaintenance({
      node, local, preKeys: this.preKeys, now, onError: err => this.background(err),
      completeRecord: async (own, options) => await this.completeRecord(own, options),
      onAttestationsRenewed: async (attestations, options) => { await this.registration.setAttestations(attestations, options) }
    })
    this.registration = new RegistrationFlow(node, storage, local, this.preKeys, startup.bootstrap, now, this.trust)
    this.contactProfiles = new ContactProfiles(storage.kv('contact-profiles'))
    this.messenger = new Messenger({
      node,
      outbox: storage.outbox,
      messages: storage.messages,
      kv: name => storage.kv(`messaging-${name}`),
      sessions: this.sessions,
      identity: local.identity,
      deviceId: local.deviceId,
      lookup: async (e164, options) => await this.directoryLookup(e164, options),
      self: async options => await this.selfInfo(options),
      random,
      now,
      readReceipts: startup.settings.readReceipts,
      profile: async options => {
        const p = await this.ourSharedProfile(options)
        return p == null ? undefined : { kind: 'profile', ...(p.name != null ? { name: p.name } : {}), ...(p.photo != null ? { photo: p.photo } : {}), updatedAt: p.updatedAt }
      },
      onProfile: async (from, p, options) => await this.contactProfiles.offer(from, p, options),
      createDepositNode: init.createDepositNode ?? (async () => await init.createNode({ listen: [], dhtMode: 'client' })),
      linkedDevices: async options => ({ others: await this.ownDevices.count(options) > 1, recordSeq: await this.ownDevices.seq(options) }),
      onState: async (state, options) => { await this.takeAccountState(state, options) },
      accepted: async (to, identityKey, options) => { await this.contacts.assertAccepted(to, identityKey, options) },
      onGroup: async (from, sender, control, options) => await this.groups.takeControl(from, sender, control, options),
      // (this.calls is built below; a signal can only arrive once messaging starts)
      onCall: async (from, sender, signal, options) => await this.calls.takeSignal(from, sender, signal, options)
    })
    this.groupTopics = new GroupTopics(node.services.pubsub, { onError: err => this.background(err), now })
    this.groups = new Groups({
      self: async options => {
        const self = await this.selfInfo(options)
        return self == null ? undefined : { phone: self.phone, identity: local.identity, device: { identityKey: local.identity.publicKey, deviceId: local.deviceId }, mailboxRelays: self.mailboxRelays }
      },
      store: groupStorePort(storage.kv('groups'), now),
      kv: name => storage.kv(`groups-${name}`),
      messages: storage.messages,
      sessions: new GroupSessionManager({ senderKeys: storage.senderKeys, self: { identityKey: local.identity.publicKey, deviceId: local.deviceId }, random }),
      control: this.messenger,
      directory: {
        lookup: async (e164, options) => {
          const r = await this.directoryLookup(e164, options)
          // a number no verifier we trust attested is not made a member (as messaging does not write to it)
          return r.registered && r.verified ? { identityKey: r.identityKey, mailboxRelays: r.mailboxRelays, peers: r.devices.map(d => d.peerId), verified: true } : undefined
        }
      },
      pubsub: groupPubsub(this.groupTopics, node),
      relays: groupRelays({ node, identity: local.identity, deviceId: local.deviceId }),
      now,
      random,
      linkedDevices: async options => await this.ownDevices.count(options) > 1,
      normalize: phone => normalizePhone(phone, init.defaultRegion),
      // (this.media is built below; a group message can only arrive once messaging starts)
      onAttachment: m => { this.media.noteMessage(m) }
    })
    this.groups.on('error', err => this.background(err))
    this.broadcasts = new Broadcasts({
      store: storage.kv('broadcast-lists'),
      random,
      now,
      normalize: phone => normalizePhone(phone, init.defaultRegion),
      send: async (to, text, options) => await this.send(to, text, options)
    })
    this.media = new Media({
      self: async options => {
        const self = await this.selfInfo(options)
        return self == null ? undefined : { phone: self.phone, mailboxRelays: self.mailboxRelays }
      },
      relays: mediaRelays({ node, identity: local.identity, deviceId: local.deviceId }),
      files: init.mediaFiles ?? noMediaFiles,
      kv: storage.kv('media'),
      messages: storage.messages,
      sendDirect: async (to, text, options) => await this.messenger.send(to, text, options),
      sendGroup: async (group, text, options) => await this.groups.send(group, text, options),
      checkSend: async (to, options) => {
        if (!to.startsWith('group:')) return await this.messenger.checkRecipient(to, options)
        const info = await this.groups.info(to.slice('group:'.length), options)
        if (!info.active) throw new NotInGroupError()
        if (info.onlyAdminsSend && info.role !== 'admin') throw new OnlyAdminsSendError()
      },
      random,
      now,
      ...(init.autoDownload != null ? { autoDownload: init.autoDownload } : {})
    })
    this.media.on('error', err => this.background(err))
    const peerConnection = init.peerConnection ?? browserPeerConnection()
    this.calls = new Calls({
      send: async (to, signal, options) => await this.messenger.sendCallSignal(to, signal, options),
      kv: storage.kv('calls'),
      ...(peerConnection != null ? { peerConnection } : {}),
      iceServers: callIceServers({ node, identity: local.identity, deviceId: local.deviceId, relays: async options => await this.mailboxRelays(options), now, onError: err => this.background(err) }),
      iceTransportPolicy: startup.settings.relayCalls ? 'relay' : 'all',
      deviceId: local.deviceId,
      normalize: phone => normalizePhone(phone, init.defaultRegion),
      now,
      random,
      ...(init.callFrames != null ? { frames: init.callFrames } : {}),
      self: async options => (await this.selfInfo(options))?.phone,
      groups: {
        isMember: async (groupId, phone, identityKey, options) => {
          const info = await this.groups.info(groupId, options).catch(() => undefined)
          return info?.active === true && info.memberList.some(m => m.phone === phone && m.identityKey === toHex(identityKey))
        },
        others: async (groupId, options) => {
          const info = await this.groups.info(groupId, options).catch(() => undefined)
          return info?.active === true ? info.memberList.filter(m => !m.self).map(m => m.phone) : undefined
        }
      }
    })
    this.calls.on('error', err => this.background(err))
    // only members are in a group call: one removed from the group leaves its calls (group-update is not held for the app)
    this.groups.on('group-update', e => { this.calls.groupChanged(e.group, e.removed, e.active) })
    this.messenger.on('message', m => {
      if (m.attachment != null) this.media.noteMessage({ conversation: m.from, id: m.id, attachment: m.attachment })
      // the sender's key is proven for m.from: a new one is an identity change
      this.contacts.observe(m.from, m.sender.identityKey).catch(err => this.background(err))
      this.emit('message', { ...m, reply: async (text, options) => await this.send(m.from, text, options) })
    })
    // the messaging layer's events, forwarded as they are (one vocabulary: see MessengerEvents)
    this.messenger.on('status', e => {
      this.emit('status', e)
      if (e.status === 'delivered' || e.status === 'read') this.emit('receipt', { phone: e.phone, id: e.id, status: e.status })
    })
    this.messenger.on('typing', e => this.emit('typing', e))
    this.messenger.on('sent', e => {
      this.ownDevices.seen(e.sender.deviceId, now()).catch(err => this.background(err))
      this.emit('sent', e)
    })
    this.messenger.on('read-sync', e => this.emit('read-sync', e))
    this.messenger.on('account-state', e => {
      this.reloadAccountState().then(() => this.emit('account-state', e), err => this.background(err))
    })
    this.messenger.on('contact-devices', e => {
      // a contact's new device reads our group messages only once it has our sender keys
      this.groups.memberDevicesChanged(e.phone).catch(err => this.background(err))
      this.emit('contact-devices', e)
    })
    this.messenger.on('profile', e => this.emit('profile', e))
    this.presence = new Presence({
      store: storage.kv('presence'),
      defaultShare: init.sharePresence ?? false,
      now,
      recentContacts: async (limit, since, options) => (await this.messenger.conversations({ ...options, limit })).filter(c => c.updatedAt >= since && isDirectConversation(c.address)).map(c => c.address),
      send: async (to, online, lastSeen, options) => await this.messenger.sendPresence(to, online, { ...options, ...(lastSeen != null ? { lastSeen } : {}) }),
      onError: err => this.background(err)
    })
    this.messenger.on('presence', e => {
      const info = { online: e.online, ...(e.lastSeen != null ? { lastSeen: e.lastSeen } : {}) }
      if (this.presence.received(e.phone, info, e.answer === true)) this.emit('presence', { phone: e.phone, ...info })
    })
    this.health = new ConnectionHealth({ node, relays: startup.bootstrap, keepConnected: init.keepConnected === true, onChange: change => this.emit('network', change) })
    this.messenger.on('relay', e => this.emit('relay', e))
    this.messenger.on('error', err => this.background(err))
    this.messenger.on('undecryptable', e => {
      const known = e.sender == null ? Promise.resolve(undefined) : this.messenger.numberOf(e.sender.identityKey)
      known.then(phone => this.emit('undecryptable', { reason: e.reason, ...(phone != null ? { phone } : {}) }), err => this.background(err))
    })
  }

  /** Problems of background work (republish, prekey top-up, delivery retries) that will be retried; apps may listen. */
  private background (err: unknown): void {
    this.init.onBackgroundError?.(err)
    this.emit('error', err)
  }

  /** What every message we send says about us; undefined until registered. */
  private async selfInfo (options?: AbortOptions): Promise<SelfInfo | undefined> {
    if (this.self != null) return this.self
    const r = await this.registration.registration(options)
    if (r == null) return undefined
    this.self = {
      phone: r.phone,
      attestation: r.attestations.length > 0 ? fromBase64(r.attestations[0], 'base64') : new Uint8Array(0),
      certificate: this.maintenance.certificate,
      mailboxRelays: r.mailboxRelays,
      retiredMailboxRelays: this.registration.retiredMailboxRelays(r)
    }
    return this.self
  }

  /** Starts taking messages (direct protocol + mailboxes: the messenger serves both) and delivering the outbox. */
  private async startMessaging (options?: AbortOptions): Promise<void> {
    if (this.init.receive === false) {
      this.messenger.deliver()
      await this.groups.start({ ...options, follow: false })
      return
    }
    await this.messenger.start(options)
    await this.groups.start(options)
    await this.media.start(options)
    await this.calls.start(options)
    // presence goes out only from a registered device that takes messages (not from one-shot commands)
    if (await this.selfInfo(options) != null) this.presence.start()
  }

  /** Starts background upkeep of a registered device (republish, prekey rotation and top-up). No-op when not registered. */
  private async startMaintenance (options?: AbortOptions): Promise<void> {
    if (this.init.maintenance === false) return
    const state = await this.registration.deviceState(options)
    if (state == null) return
    await this.maintenance.start(state, result => {
      this.registration.published(result).catch(err => this.background(err))
      this.ownDevices.published(result.seq).catch(err => this.background(err))
      // we just published: a rival found now is reported, not answered with another publish
      this.checkOwnRecord({ republish: false }).catch(err => this.background(err))
    }, options)
    this.checkOwnRecord().catch(err => this.background(err))
  }

  /**
   * Looks our own number up: every record of another identity found (the directory's `rivals`, or a rival
   * that is even the best answer) is reported as 'takeover-attempt' (the same one at most every
   * TAKEOVER_NOTICE_INTERVAL_MS) and, unless `republish` is false, our record is published again at once so
   * it keeps winning. Runs at start and after every republish of a maintained device; resolves with what it found.
   * A call while a check runs shares that check.
   */
  async checkOwnRecord (options: AbortOptions & { republish?: boolean } = {}): Promise<TakeoverAttempt[]> {
    const running = this.ownRecordCheck ?? (this.ownRecordCheck = this.runOwnRecordCheck(options).finally(() => { this.ownRecordCheck = undefined }))
    return await running
  }

  private async runOwnRecordCheck (options: AbortOptions & { republish?: boolean }): Promise<TakeoverAttempt[]> {
    const self = await this.registration.registration(options)
    if (self == null) return []
    // the whole query (quorum 0), not the first closest peers: this runs twice a day and looks for records that lost
    const result = await directoryLookup(this.dht, self.phone, { trustedVerifiers: this.trust.current, quorum: 0, ...(options.signal != null ? { signal: options.signal } : {}) })
    if (!result.registered) return []
    const ours = toHex(this.local.identity.publicKey)
    if (toHex(result.identityKey) === ours) await this.observeOwnRecord(result, options)
    const at = (this.init.now ?? Date.now)()
    const found = new Map<string, TakeoverAttempt>()
    const add = (identityKey: Uint8Array, verified: boolean): void => {
      const hex = toHex(identityKey)
      if (hex !== ours && !found.has(hex)) found.set(hex, { identityKey: hex, verified, at })
    }
    add(result.identityKey, result.verified)
    // the directory's list of competing records (records of other identities than the answer's)
    for (const r of (result as { rivals?: Array<{ identityKey: Uint8Array, verified: boolean }> }).rivals ?? []) add(r.identityKey, r.verified)
    const attempts = [...found.values()]
    for (const a of attempts) {
      const last = this.rivalsReported.get(a.identityKey)
      if (last != null && at - last < TAKEOVER_NOTICE_INTERVAL_MS) continue
      this.rivalsReported.set(a.identityKey, at)
      this.emit('takeover-attempt', a)
    }
    if (attempts.length > 0 && options.republish !== false) {
      // a refused publish (a node holding the rival's record) is retried by the republish schedule
      await this.maintenance.publishNow(options).catch(err => this.background(err))
    }
    return attempts
  }

  /** Adopts our own record as the directory serves it: other devices linked or removed meanwhile; wipes this device when it was removed. */
  private async observeOwnRecord (record: { seq: number, devices: Array<{ deviceId: number, peerId: string, certificate: Uint8Array, prekeyBundle: Uint8Array }>, removedDevices: number[] }, options?: AbortOptions & { inPublish?: boolean }): Promise<void> {
    const outcome = await this.ownDevices.observe(record, options)
    if (outcome === 'adopted') {
      // a linked or removed device: whom our messages and transcripts go to changes now, not in minutes
      this.messenger.forgetRecipient((await this.registration.registration(options))?.phone ?? '')
      this.emit('devices', { reason: 'synced' })
    }
    if (outcome !== 'removed') return
    // inside a publish the wipe is not awaited: it stops the republisher, which waits for that very publish
    if (options?.inPublish === true) this.wipeRemoved().catch(err => this.background(err))
    else await this.wipeRemoved()
  }

  /** What this device publishes, completed with the other devices of the identity (looked up first when there are any). */
  private async completeRecord (own: DirectoryRecordFields, options: AbortOptions): Promise<{ fields: DirectoryRecordFields, minSeq: number }> {
    if (await this.ownDevices.removed(options)) throw new DeviceRemovedError()
    if (await this.ownDevices.count(options) > 1) {
      // another device may have linked or removed one since we last looked: publish on top of that, not over it
      // (a directory that cannot answer now does not stop the publish)
      await this.refreshOwnDevices({ ...options, inPublish: true }).catch(() => {})
      if (await this.ownDevices.removed(options)) throw new DeviceRemovedError()
    }
    return await this.ownDevices.recordFields(own, options)
  }

  /** Looks our own record up and adopts its device list (observeOwnRecord); nothing when not registered. */
  private async refreshOwnDevices (options: AbortOptions & { inPublish?: boolean }): Promise<void> {
    const self = await this.registration.registration(options)
    if (self == null) return
    const found = await directoryLookup(this.dht, self.phone, { trustedVerifiers: this.trust.current, ...(options.signal != null ? { signal: options.signal } : {}) })
    if (found.registered && toHex(found.identityKey) === toHex(this.local.identity.publicKey)) await this.observeOwnRecord(found, options)
  }

  /** This device was removed from its account: stop everything, wipe the storage (keys and the account's state), tell the app. */
  private async wipeRemoved (): Promise<void> {
    if (this.wiped) return
    this.wiped = true
    const err = new DeviceRemovedError()
    try {
      this.health.stop()
      await this.presence.stop()
      await this.messenger.stop()
      await this.maintenance.stop()
      await this.storage.replaceAll([])
    } catch (cause) {
      this.background(cause)
    }
    this.emit('device-removed', err)
  }

  private wiped = false

  /** Every device of this account (this one first): name, kind, peer id, last activity. `refresh`: look our record up first (devices linked or removed elsewhere). */
  async devices (options: AbortOptions & { refresh?: boolean } = {}): Promise<OwnDevice[]> {
    if (options.refresh === true) await this.refreshOwnDevices(options)
    if (await this.ownDevices.removed(options)) throw new DeviceRemovedError()
    return await this.ownDevices.list(options)
  }

  /**
   * Links the new device whose code `uri` is (a `parley-link:` URI it shows): hands it this account, sends it
   * the account's state (history, contacts, settings) with progress, and publishes it in our directory record.
   * DeviceLimitError past MAX_DEVICES; InvalidLinkCodeError, LinkBrokenError, LinkRefusedError as the link goes.
   */
  async approveLink (uri: string, options: AbortOptions & { name?: string, historyDays?: number, onProgress?: LinkProgress } = {}): Promise<{ deviceId: number, name: string, peerId: string }> {
    const self = await this.registration.registration(options)
    if (self == null) throw new NotRegisteredError()
    const linked = await approveLink(uri, {
      node: this.node,
      storage: this.storage,
      local: this.local,
      phone: self.phone,
      devices: this.ownDevices,
      publish: async o => await this.publishRecordNow(o),
      now: this.init.now ?? Date.now,
      ...(this.init.random != null ? { random: this.init.random } : {})
    }, options)
    this.messenger.forgetRecipient(self.phone)
    await this.announceDevices(await this.ownDevices.seq(options), options).catch(err => this.background(err))
    // the other devices learn the new device's name (and the list, from the record)
    await this.syncAccount(['device-names'], options).catch(err => this.background(err))
    // the new device gets every group's log and our sender keys
    await this.groups.ownDevicesChanged(options).catch(err => this.background(err))
    this.emit('devices', { reason: 'linked' })
    return linked
  }

  /** Removes another device of this account: it is dropped from our directory record at once, receives nothing sent after, and wipes itself when it learns. */
  async removeDevice (deviceId: number, options?: AbortOptions): Promise<void> {
    await this.ownDevices.remove(deviceId, options)
    const seq = await this.publishRecordNow(options)
    const self = await this.registration.registration(options)
    if (self != null) {
      this.messenger.forgetRecipient(self.phone)
      // its mailboxes take no more mail: a sender still holding the old list cannot reach it there (best effort per relay)
      await Promise.all(self.mailboxRelays.map(async relay => {
        await retirePreKeys(this.node, toMultiaddr(relay), { identity: this.local.identity, deviceId }, options).catch(err => this.background(err))
      }))
    }
    await this.announceDevices(seq, options).catch(err => this.background(err))
    this.emit('devices', { reason: 'removed' })
  }

  /** Sends our other devices these account stores as they are here (profile, settings, device names). */
  private async syncAccount (names: SyncedStore[], options?: AbortOptions): Promise<void> {
    const stores: StateContent['stores'] = []
    for (const name of names) {
      const entries: Array<{ key: string, value: Uint8Array }> = []
      if (name === 'device-names') {
        for (const [id, n] of Object.entries(await this.ownDevices.names(options))) entries.push({ key: id, value: new TextEncoder().encode(JSON.stringify(n)) })
      } else if (name === 'verified') {
        // the contacts whose safety number the user verified, each with the key it was verified for
        for await (const r of this.storage.identity.listRemoteIdentities(options)) if (r.verified) entries.push({ key: r.contactId, value: r.identityKey })
      } else {
        for await (const e of this.storage.kv(name).iterate({}, options)) entries.push({ key: e.key, value: e.value })
      }
      stores.push({ name, entries })
    }
    await this.messenger.syncState(stores, options)
  }

  /** Takes account stores another of our devices sent: its copy replaces ours (inside the persist step of its envelope). */
  private async takeAccountState (state: StateContent, options?: AbortOptions): Promise<void> {
    for (const store of state.stores) {
      if (store.name === 'device-names') {
        const names: Record<string, { name: string, kind?: DeviceKind }> = {}
        for (const e of store.entries) {
          try {
            const n = JSON.parse(new TextDecoder().decode(e.value)) as { name: string, kind?: DeviceKind }
            if (/^\d+$/.test(e.key) && typeof n.name === 'string') names[e.key] = { name: checkDeviceName(n.name), ...(n.kind != null ? { kind: n.kind } : {}) }
          } catch {
            // a name that does not parse is skipped, the others are taken
          }
        }
        await this.ownDevices.adoptNames(names, options)
        continue
      }
      if (store.name === 'verified') {
        // a mark counts only for the key it was made for: a contact whose key differs here stays as it is
        const marked = new Map(store.entries.map(e => [e.key, e.value]))
        for await (const r of this.storage.identity.listRemoteIdentities(options)) {
          const key = marked.get(r.contactId)
          const verified = key != null && constantTimeEqual(key, r.identityKey)
          if (verified !== r.verified && (verified || key == null)) await this.storage.identity.setVerified(r.contactId, verified, options)
        }
        continue
      }
      const kv = this.storage.kv(store.name)
      const keep = new Set(store.entries.map(e => e.key))
      const stale: string[] = []
      for await (const e of kv.iterate({}, options)) if (!keep.has(e.key)) stale.push(e.key)
      await kv.batch([...stale.map(key => ({ type: 'del' as const, key })), ...store.entries.map(e => ({ type: 'put' as const, key: e.key, value: e.value }))], { ...options, sync: true })
    }
  }

  /** Reads the stores another device may have changed again (settings, our shared profile). */
  private async reloadAccountState (options?: AbortOptions): Promise<void> {
    this.currentSettings = await loadSettings(this.storage.kv('settings'), defaultSettings(this.init), options)
    this.messenger.setReadReceipts(this.currentSettings.readReceipts)
    this.calls.setRelayOnly(this.currentSettings.relayCalls)
    this.sharedProfile = undefined
  }

  /** Publishes our record now (schedules running or not); resolves with its seq. */
  private async publishRecordNow (options: AbortOptions = {}): Promise<number> {
    if (this.maintenance.running) {
      const result = await this.maintenance.publishNow(options)
      if (result != null) {
        await this.ownDevices.published(result.seq, options)
        return result.seq
      }
    }
    const state = await this.registration.deviceState(options)
    if (state == null) throw new NotRegisteredError()
    const result = await this.maintenance.publishOnce(state, options)
    await this.registration.published(result, options)
    await this.ownDevices.published(result.seq, options)
    return result.seq
  }

  /** Contacts written with in the last DEVICE_NOTICE_RECENT_MS (at most DEVICE_NOTICE_MAX) hear that our device list changed. */
  private async announceDevices (seq: number, options?: AbortOptions): Promise<void> {
    const since = (this.init.now ?? Date.now)() - DEVICE_NOTICE_RECENT_MS
    const self = await this.registration.registration(options)
    const contacts = (await this.messenger.conversations({ ...options, limit: DEVICE_NOTICE_MAX })).filter(c => c.updatedAt >= since && c.address !== self?.phone && isDirectConversation(c.address)).map(c => c.address)
    await this.messenger.announceDevices(contacts, seq, options)
  }

  /** Names a device of this account (this one or another). */
  async renameDevice (deviceId: number, name: string, options?: AbortOptions): Promise<void> {
    await this.ownDevices.rename(deviceId, name, options)
    await this.syncAccount(['device-names'], options).catch(err => this.background(err))
    this.emit('devices', { reason: 'renamed' })
  }

  /**
   * Makes this (empty) device a linked device of an existing account: starts the node, shows a code through
   * `onCode` (a `parley-link:` URI for a QR code or to paste), waits until a device of the account approves it
   * and sends the account, then starts as that account's device. NotLinkableError when this device already has
   * an account. The code stays valid until the link succeeds or `signal` aborts.
   */
  static async link (init: ParleyInit, options: AbortOptions & { onCode: (uri: string) => void, onProgress?: LinkProgress, kind?: DeviceKind, name?: string }): Promise<{ parley: Parley, phone: string, deviceId: number }> {
    const storage = init.storage ?? await openLevel(storagePath(init), options)
    try {
      if (await storage.kv('registration').get('registered', options) != null) throw new NotLinkableError()
      const random = init.random ?? systemRandom
      const now = init.now ?? Date.now
      const privateKey = await loadOrCreateDeviceKey(storage.kv('device'), options)
      const bootstrap = await effectiveRelays(storage.kv('relays'), init.bootstrap, options)
      const node = await init.createNode({ privateKey, bootstrap, dht: directoryDhtRules({}), ...(init.listen != null ? { listen: init.listen } : {}) })
      let linked: { phone: string, deviceId: number }
      try {
        // a node told to listen on relay circuits (the defaults do) waits for its reservation: the code must reach across NATs
        const addrs = await reachableAddrs(node, bootstrap.length > 0 && (init.listen == null || init.listen.some(a => a.includes('/p2p-circuit'))), options)
        linked = await linkAsNewDevice({
          node,
          storage,
          addrs,
          lookup: async (e164, o) => await directoryLookup(node.services.dht as unknown as DirectoryDht, e164, o),
          kind: options.kind ?? 'node',
          suggestedName: options.name ?? defaultDeviceName(options.kind ?? 'node'),
          random,
          now
        }, options)
      } finally {
        await node.stop()
      }
      const parley = await Parley.create({ ...init, storage, closeStorage: init.storage == null || init.closeStorage === true }, options)
      // the relays keep mail only for devices that gave them prekeys: upload before anyone writes to this one
      const state = await parley.registration.deviceState(options)
      if (state != null) await parley.maintenance.uploadPreKeys(state.mailboxRelays, { batch: true }, options).catch(err => parley.background(err))
      return { parley, ...linked }
    } catch (err) {
      if (init.storage == null) await storage.close()
      throw err
    }
  }

  static async create (init: ParleyInit, options?: AbortOptions): Promise<Parley> {
    const storage = init.storage ?? await openLevel(storagePath(init), options)
    try {
      const random = init.random ?? systemRandom
      const now = init.now ?? Date.now
      const local = await loadOrCreateLocalIdentity(storage.identity, { random, now }, options)
      const privateKey = await loadOrCreateDeviceKey(storage.kv('device'), options)
      const bootstrap = await effectiveRelays(storage.kv('relays'), init.bootstrap, options)
      const settings = await loadSettings(storage.kv('settings'), defaultSettings(init), options)
      const trust = new TrustRoots(storage.kv('registration'), init.trustedVerifiers ?? [])
      await trust.load(options)
      // the DHT rules hold the trust roots' live array: a verifier learned at registration counts there too
      const node = await init.createNode({ privateKey, bootstrap, dht: directoryDhtRules({ trustedVerifiers: trust.current }), ...(init.listen != null ? { listen: init.listen } : {}) })
      const parley = new Parley(node, storage, local, init, { bootstrap, settings, trust })
      try {
        parley.health.start()
        await parley.presence.load(options)
        await parley.startMaintenance(options)
        await parley.startMessaging(options)
      } catch (err) {
        parley.health.stop()
        await node.stop()
        throw err
      }
      return parley
    } catch (err) {
      if (init.storage == null) await storage.close()
      throw err
    }
  }

  /**
   * Restores a device from a backup (see exportBackup) into `init.dataDir` (or `init.storage`), then starts it.
   * BackupPassphraseError / BackupCorruptError leave the folder untouched; BackupTargetNotEmptyError when it
   * already holds an identity, unless `replace`.
   */
  static async restore (init: ParleyInit, backup: Uint8Array, passphrase: string, options: ImportBackupOptions = {}): Promise<Parley> {
    if (init.storage != null) {
      await importBackup(init.storage, backup, passphrase, options)
    } else {
      const storage = await openLevel(storagePath(init), options)
      try {
        await importBackup(storage, backup, passphrase, options)
      } finally {
        await storage.close()
      }
    }
    return await Parley.create(init, options)
  }

  get identity (): IdentityKeyPair {
    return this.local.identity
  }

  /** Step 1 of registration: a verifier relay texts a code to `phone` (any common format; see defaultRegion). */
  async register (phone: string, options?: AbortOptions): Promise<{ phone: string, relay: string, expiresInMs: number }> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const { relay, expiresInMs } = await this.registration.request(e164, options)
    return { phone: e164, relay, expiresInMs }
  }

  /** Step 2: the code from the SMS; publishes this device in the directory. */
  async verify (code: string, options?: AbortOptions): Promise<Registration> {
    const registration = await this.registration.confirm(code.trim(), this.maintenance, options)
    this.self = undefined
    await this.startMaintenance(options)
    await this.startMessaging(options)
    return registration
  }

  /**
   * Gives the number up (changing number, wiping this device): publishes a release record signed by our
   * identity, which lifts the registration lock at once so a new identity may register the number, then
   * stops republishing and forgets the registration. NotRegisteredError when there is nothing to release;
   * PublishFailedError when no DHT peer took the release (then nothing changed here).
   */
  async releaseNumber (options?: AbortOptions): Promise<void> {
    const registration = await this.registration.registration(options)
    if (registration == null) throw new NotRegisteredError()
    await this.maintenance.stop()
    try {
      await publishRelease(this.dht, this.local.identity, registration.phone, options?.signal != null ? { signal: options.signal } : {})
    } catch (err) {
      await this.startMaintenance(options).catch(e => this.background(e))
      throw err
    }
    await this.registration.forget(options)
    this.self = undefined
  }

  /** Runs the prekey check now (rotation when due, top-up of relays running low); normally on a timer. */
  async maintainPreKeys (options?: AbortOptions): Promise<{ rotated: boolean, counts: Map<string, number> }> {
    const { rotated, report } = await this.maintenance.checkPreKeys(options)
    return { rotated, counts: report.counts }
  }

  /** Looks a number up in the directory; `{ registered: false }` when it is not on Parley. */
  async lookup (phone: string, options?: AbortOptions): Promise<LookupResult & { phone: string }> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const result = await this.directoryLookup(e164, options)
    return { ...result, phone: e164 }
  }

  /** Which of an address book's numbers are on Parley, in parallel, with progress. */
  async discover (numbers: string[], options: AbortOptions & { onProgress?: (done: number, total: number) => void, maxAge?: number } = {}): Promise<DiscoveryReport> {
    return await discoverContacts(async (e164, o) => await this.directoryLookup(e164, o), numbers, {
      cache: this.storage.kv('contacts'),
      ...(this.init.defaultRegion != null ? { defaultRegion: this.init.defaultRegion } : {}),
      ...(options.onProgress != null ? { onProgress: options.onProgress } : {}),
      ...(options.maxAge != null ? { maxAge: options.maxAge } : {}),
      ...(options.signal != null ? { signal: options.signal } : {})
    })
  }

  private get dht (): DirectoryDht {
    return this.node.services.dht as unknown as DirectoryDht
  }

  private async trustedVerifiers (_options?: AbortOptions): Promise<Uint8Array[]> {
    return [...this.trust.current]
  }

  /**
   * The verifier keys this device trusts (hex): `configured` (ParleyInit.trustedVerifiers) or, only when
   * nothing is configured, `learned` (the verifier that attested our own number at registration). Both
   * empty: no number can be written to or proven yet. Adding a relay never adds one.
   */
  trustRoots (): TrustRootsInfo {
    return this.trust.info()
  }

  /**
   * Who this device is. Cheap: it reads the stored registration. The safety-number seed is not part of it
   * (5,200 SHA-512 rounds, twice): ask `safetyNumberSeed()` where it is shown.
   */
  async whoami (options?: AbortOptions): Promise<WhoAmI> {
    const identityKey = this.local.identity.publicKey
    const registration = await this.registration.registration(options)
    const verifiedUntil = registration?.attestations.reduce((until, b64) => Math.max(until, decodeAttestation(fromBase64(b64, 'base64')).expiresAt), 0)
    return {
      registered: registration != null,
      ...(registration != null ? { phone: registration.phone } : {}),
      ...(verifiedUntil != null && verifiedUntil > 0 ? { verifiedUntil } : {}),
      identityKey: toHex(identityKey),
      peerId: this.node.peerId.toString(),
      deviceId: this.local.deviceId
    }
  }

  private seed: string | undefined

  /** This identity's 30-digit half of every safety number (the CLI's `whoami` prints it); computed on the first call, then kept. */
  safetyNumberSeed (): string {
    const identityKey = this.local.identity.publicKey
    this.seed ??= safetyNumber({ localIdentityKey: identityKey, remoteIdentityKey: identityKey }).digits.slice(0, 30)
    return this.seed
  }

  /**
   * Sends a text. Resolves once it is in history and the outbox (status 'pending'); 'status' events follow
   * (sent: a relay or the device has it; delivered; read; failed). NotOnParleyError for unregistered numbers.
   */
  async send (phone: string, text: string, options?: AbortOptions): Promise<StoredMessage> {
    return await this.messenger.send(normalizePhone(phone, this.init.defaultRegion), text, options)
  }

  /**
   * Sends a file (`source`: a path in Node, a ref from the browser's file store) to a number: checks the number is on
   * Parley, uploads the file to our relay (resumable; 'media-progress' events on `p.media`) and queues its message.
   * Resolves with the message once the relay holds the file and the message is queued. See `p.media.send`.
   */
  /**
   * Calls `phone`: every device of it rings for up to 45 s. `media` are our tracks (microphone, camera); `video`
   * starts it as a video call. See `p.calls` for incoming calls and the call log.
   */
  async call (phone: string, options: { media?: CallMedia, video?: boolean } = {}): Promise<Call> {
    return await this.calls.place(phone, options)
  }

  /** Starts a call in a group: every other member's devices ring; see `p.calls.startGroupCall`. */
  async groupCall (groupId: string, options: { media?: CallMedia, video?: boolean } = {}): Promise<GroupCall> {
    return await this.calls.startGroupCall(groupId, options)
  }

  async sendFile (phone: string, source: string, options?: SendFileOptions): Promise<StoredMessage> {
    // the number is looked up before anything is uploaded (Media's checkSend): "not on Parley" is said at once
    return await this.media.send(normalizePhone(phone, this.init.defaultRegion), source, options)
  }

  /** Sends a text that failed again (same id, a fresh 30 days to arrive); false when it is not one of ours that failed. */
  async retry (phone: string, id: string, options?: AbortOptions): Promise<boolean> {
    return await this.messenger.retry(normalizePhone(phone, this.init.defaultRegion), id, options)
  }

  /** Resolves when our message reaches one of `statuses` (e.g. ['sent', 'failed']). */
  async waitForStatus (phone: string, id: string, statuses: MessageStatus[], options?: AbortOptions): Promise<MessageStatus> {
    return await this.messenger.waitForStatus(normalizePhone(phone, this.init.defaultRegion), id, statuses, options)
  }

  /** Marks a conversation read (all, or up to a timestamp); sends read receipts unless turned off. Returns the ids marked. */
  async markRead (phone: string, upTo?: number, options?: AbortOptions): Promise<string[]> {
    return await this.messenger.markRead(normalizePhone(phone, this.init.defaultRegion), upTo, options)
  }

  /** Tells the contact we are (not) typing; ephemeral, best effort. */
  async typing (phone: string, typing: boolean, options?: AbortOptions): Promise<boolean> {
    return await this.messenger.sendTyping(normalizePhone(phone, this.init.defaultRegion), typing, options)
  }

  async conversations (options?: AbortOptions & { limit?: number }): Promise<Conversation[]> {
    return await this.messenger.conversations(options)
  }

  /** Whether we share our presence (the stored choice, else the `sharePresence` option). */
  get sharingPresence (): boolean {
    return this.presence.sharing
  }

  /**
   * Turns presence sharing on or off; the choice is stored and survives restarts. On: recent contacts hear
   * we are online. Off: those we told hear we are offline (without a time), and we stop seeing theirs.
   */
  async setSharePresence (on: boolean, options?: AbortOptions): Promise<void> {
    await this.presence.setShare(on, options)
  }

  /**
   * We are online (the app is in front) or not: when sharing, the contacts of recent conversations hear it
   * (ephemeral, straight to their reachable devices, never via relays). Resolves with how many took it.
   */
  async setPresence (online: boolean, options?: AbortOptions): Promise<number> {
    return await this.presence.setOnline(online, options)
  }

  /** What the contact last told us about its presence, while we share ours; undefined otherwise or when unknown. */
  presenceOf (phone: string): PresenceInfo | undefined {
    return this.presence.presenceOf(normalizePhone(phone, this.init.defaultRegion))
  }

  /** A page of a conversation, newest first. */
  async history (phone: string, options?: HistoryOptions): Promise<StoredMessage[]> {
    return await this.messenger.history(normalizePhone(phone, this.init.defaultRegion), options)
  }

  /** Our outgoing entries (texts, receipts, profiles) not yet taken by a device or relay. */
  async pendingCount (options?: AbortOptions): Promise<number> {
    return await this.messenger.pendingCount(options)
  }

  /**
   * Puts the delivered receipts still waiting out their short coalescing pause into the outbox now: a one-shot
   * command that waits for an empty outbox before it exits (see pendingCount) calls this first.
   */
  async flushReceipts (): Promise<void> {
    await this.groups.flushReceipts()
    await this.messenger.flushQueuedReceipts()
  }

  /** Resolves once our mailbox relays have handed over what they held when we connected. */
  async drained (options?: AbortOptions): Promise<void> {
    await this.messenger.drained(options)
  }

  /** One directory lookup; what it shows about the contact's key is recorded (identity-changed when new). */
  private async directoryLookup (e164: string, options?: AbortOptions & { expectedKey?: Uint8Array }): Promise<LookupResult> {
    const result = await directoryLookup(this.dht, e164, {
      trustedVerifiers: await this.trustedVerifiers(options),
      ...(options?.signal != null ? { signal: options.signal } : {}),
      ...(options?.expectedKey != null ? { expectedKey: options.expectedKey } : {})
    })
    await this.contacts.observeLookup(e164, result, options).catch(err => this.background(err))
    return result
  }

  // ---- contacts, profile, relays, settings, backup (thin: the logic is in contacts/profile/relays/settings/backup.ts)

  /** A contact's identity key, safety number (digits + QR payload) and trust state; NotOnParleyError when not registered. */
  async contact (phone: string, options?: AbortOptions & { refresh?: boolean }): Promise<ContactInfo> {
    return await this.contacts.contact(normalizePhone(phone, this.init.defaultRegion), options)
  }

  /** Marks the contact's current identity key verified (after comparing safety numbers) or not; a later key change clears it. */
  async markVerified (phone: string, verified: boolean, options?: AbortOptions): Promise<ContactInfo> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const info = await this.contacts.markVerified(e164, verified, options)
    // verifying the current key accepts it: messages held for it go out now
    if (verified) await this.messenger.release(e164, options)
    await this.syncAccount(['verified'], options).catch(err => this.background(err))
    return info
  }

  /**
   * The user accepts a contact's new identity key (after its safety number changed): sending resumes and
   * queued messages go out, encrypted to that key. Also clears the change notice.
   */
  async acceptIdentity (phone: string, options?: AbortOptions): Promise<ContactInfo> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const info = await this.contacts.acceptIdentity(e164, options)
    await this.messenger.release(e164, options)
    return info
  }

  /** The user has seen that the contact's safety number changed (a blocked contact stays blocked: see acceptIdentity). */
  async acknowledgeIdentityChange (phone: string, options?: AbortOptions): Promise<ContactInfo> {
    return await this.contacts.acknowledgeIdentityChange(normalizePhone(phone, this.init.defaultRegion), options)
  }

  /** Our display name and photo, and `updatedAt` (when it last changed: the version contacts compare). */
  async profile (options?: AbortOptions): Promise<Profile> {
    return await loadProfile(this.storage.kv('profile'), options)
  }

  /**
   * Changes the fields given (empty removes); InvalidProfileError for a name or photo out of bounds. When
   * something changed, the new version is queued (end-to-end encrypted, through the outbox) for the contacts
   * of the PROFILE_SHARE_RECENT most recent conversations we wrote to; others get it with our next text.
   */
  async setProfile (change: Profile, options?: AbortOptions): Promise<Profile> {
    const { profile, changed } = await saveProfile(this.storage.kv('profile'), change, this.init.now ?? Date.now, options)
    if (changed) {
      this.sharedProfile = undefined
      await this.messenger.shareProfile(options)
      await this.syncAccount(['profile'], options).catch(err => this.background(err))
    }
    return profile
  }

  /** What a contact last shared of its profile (newest version), or undefined when it never did. */
  async contactProfile (phone: string, options?: AbortOptions): Promise<ContactProfile | undefined> {
    return await this.contactProfiles.get(normalizePhone(phone, this.init.defaultRegion), options)
  }

  private async ourSharedProfile (options?: AbortOptions): Promise<Profile & { updatedAt: number } | undefined> {
    const loading = this.sharedProfile ??= shareableProfile(this.storage.kv('profile'), this.init.now ?? Date.now, options)
    try {
      return await loading
    } catch (err) {
      if (this.sharedProfile === loading) this.sharedProfile = undefined
      throw err
    }
  }

  /** Our relays with a fresh ping each. */
  async relays (options?: AbortOptions): Promise<RelayInfo[]> {
    return await this.relayList.list(options)
  }

  /**
   * Adds a relay to start from (persisted) and dials it now. With `mailbox` (registered devices) it also
   * takes our prekeys and the directory record is republished naming it as one of our mailbox relays
   * (MailboxRelayRefusedError when it does not take them).
   */
  async addRelay (addr: string, options: AbortOptions & { mailbox?: boolean } = {}): Promise<RelayInfo> {
    const info = await this.relayList.add(addr, options)
    this.health.setRelays(await this.relayList.addrs(options))
    if (options.mailbox !== true || await this.registration.registration(options) == null) return info
    const mailboxes = await this.mailboxRelays(options)
    if (!mailboxes.includes(info.addr)) {
      const { accepted } = await this.maintenance.uploadPreKeys([info.addr], { batch: true }, options)
      if (accepted.length === 0) throw new MailboxRelayRefusedError()
      await this.setMailboxRelays([...mailboxes, info.addr], options)
    }
    return (await this.relayList.list(options)).find(r => r.addr === info.addr) ?? info
  }

  /**
   * Removes a relay from the start list (persisted); LastRelayError for the last one. When it is one of our
   * mailbox relays the directory record is republished without it (LastRelayError for the last mailbox relay).
   */
  async removeRelay (addr: string, options?: AbortOptions): Promise<void> {
    const canonical = parseRelayAddress(addr).ma.toString()
    const mailboxes = await this.mailboxRelays(options)
    const isMailbox = mailboxes.includes(canonical)
    if (isMailbox && mailboxes.length <= 1) throw new LastRelayError('cannot remove your only mailbox relay: add another with { mailbox: true } first')
    await this.relayList.remove(canonical, options)
    this.health.setRelays(await this.relayList.addrs(options))
    if (isMailbox) await this.setMailboxRelays(mailboxes.filter(m => m !== canonical), options)
  }

  /** Our mailbox relays from the registration, in canonical multiaddr form. */
  private async mailboxRelays (options?: AbortOptions): Promise<string[]> {
    return ((await this.registration.registration(options))?.mailboxRelays ?? []).map(a => { try { return parseRelayAddress(a).ma.toString() } catch { return a } })
  }

  /** Stores the new mailbox relays, republishes the record (when maintenance runs) and follows the new mailboxes. */
  private async setMailboxRelays (mailboxes: string[], options?: AbortOptions): Promise<void> {
    const published = await this.maintenance.setMailboxRelays(mailboxes, options)
    await this.registration.setMailboxRelays(mailboxes, published, options)
    this.self = undefined
    await this.startMessaging(options)
  }

  settings (): Settings {
    return { ...this.currentSettings }
  }

  /** Turns read receipts on or off (persisted, effective at once). */
  async setReadReceipts (on: boolean, options?: AbortOptions): Promise<Settings> {
    this.currentSettings = await saveSettings(this.storage.kv('settings'), defaultSettings(this.init), { readReceipts: on }, options)
    this.messenger.setReadReceipts(on)
    await this.syncAccount(['settings'], options).catch(err => this.background(err))
    return this.settings()
  }

  /**
   * Sends every call through a TURN relay of ours (`true`: the other side never learns this device's address, at
   * some cost in quality) or lets calls take direct paths (persisted, synced to our other devices, effective for
   * the next call).
   */
  async setRelayCalls (on: boolean, options?: AbortOptions): Promise<Settings> {
    this.currentSettings = await saveSettings(this.storage.kv('settings'), defaultSettings(this.init), { relayCalls: on }, options)
    this.calls.setRelayOnly(on)
    await this.syncAccount(['settings'], options).catch(err => this.background(err))
    return this.settings()
  }

  /**
   * What the device's node is connected to now: our relays (online when one is), whether other devices can
   * reach us through a relay reservation, our addresses and open connections. Changes come as 'network' events.
   */
  network (): NetworkStatus {
    return this.health.status()
  }

  /**
   * An app's own settings, a small key-value area of this device's storage (`name`: 1-64 letters, digits, -
   * or _; InvalidAppStoreNameError otherwise), apart from the SDK's own data and included in backups.
   */
  appStore (name: string): AppStore {
    return openAppStore(area => this.storage.kv(area), name)
  }

  /** Decrypts and checks a backup against this device's storage kind, writing nothing (BackupPassphraseError, BackupCorruptError). */
  async checkBackup (backup: Uint8Array, passphrase: string, options: ImportBackupOptions = {}): Promise<void> {
    await importBackup(this.storage, backup, passphrase, { ...options, replace: true, dryRun: true })
  }

  /** The whole device (identity, keys, sessions, history, settings) encrypted under `passphrase`; restore with Parley.restore. */
  async exportBackup (passphrase: string, options?: BackupProgressOptions): Promise<Uint8Array> {
    return await exportBackup(this.storage, passphrase, options)
  }

  async stop (): Promise<void> {
    this.health.stop()
    await this.calls.stop()
    await this.media.stop()
    await this.presence.stop()
    await this.groups.stop()
    this.groupTopics.stop()
    await this.messenger.stop()
    await this.maintenance.stop()
    await this.node.stop()
    if (this.init.storage == null || this.init.closeStorage === true) await this.storage.close()
  }
}

/** Contacts told of a device list change: those written with in the last 90 days (others look us up afresh anyway: lookups are cached for minutes). */
const DEVICE_NOTICE_RECENT_MS = 90 * 24 * 3600_000
/** At most this many contacts are told at once (one small outbox entry each). */
const DEVICE_NOTICE_MAX = 500

/** A name for a newly linked device until someone renames it. */
function defaultDeviceName (kind: DeviceKind): string {
  return kind === 'browser' ? 'Web browser' : kind === 'cli' ? 'Terminal' : 'Parley device'
}

/** How long a new device waits for a relay reservation before it shows its code with what addresses it has. */
const LINK_RESERVATION_WAIT_MS = 15_000

/** The addresses a link code carries: relay circuits first (reachable from anywhere), then direct ones; waits (bounded) for a circuit when relays are configured. */
async function reachableAddrs (node: ClientNode, expectCircuit: boolean, options?: AbortOptions): Promise<Multiaddr[]> {
  const circuit = (a: Multiaddr): boolean => a.toString().includes('/p2p-circuit')
  if (expectCircuit && !node.getMultiaddrs().some(circuit)) {
    await new Promise<void>(resolve => {
      const done = (): void => {
        clearTimeout(timer)
        node.removeEventListener('self:peer:update', check)
        options?.signal?.removeEventListener('abort', done)
        resolve()
      }
      const check = (): void => { if (node.getMultiaddrs().some(circuit)) done() }
      const timer = setTimeout(done, LINK_RESERVATION_WAIT_MS)
      node.addEventListener('self:peer:update', check)
      options?.signal?.addEventListener('abort', done, { once: true })
      check()
    })
    options?.signal?.throwIfAborted()
  }
  const all = node.getMultiaddrs()
  return [...all.filter(circuit), ...all.filter(a => !circuit(a))].slice(0, MAX_LINK_CODE_ADDRS).map(a => toMultiaddr(a.toString()))
}

/** Where the device's LevelDB lives: a plain '/' join, because in browsers the folder names an IndexedDB database. */
function storagePath (init: ParleyInit): string {
  return `${(init.dataDir ?? '.parley/client').replace(/\/+$/, '')}/db`
}

/** Settings before the user chose: the app's init. */
function defaultSettings (init: ParleyInit): Settings {
  return { readReceipts: init.readReceipts ?? true, relayCalls: init.iceTransportPolicy === 'relay' }
}

/** The page's RTCPeerConnection where there is one (browsers); undefined in Node. */
function browserPeerConnection (): ((config: RTCConfiguration) => RTCPeerConnection) | undefined {
  const Ctor = (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection
  return Ctor == null ? undefined : config => new Ctor(config)
}
