/** The SDK's groups (`p.groups`): create and change groups, send and receive group messages (sender keys, gossipsub, the relays' group store), receipts per member; membership changes and sender keys travel over the 1:1 sessions. Knows no libp2p node: the network comes in through the ports. */
import { toHex, fromHex } from '../../crypto/bytes.js'
import { toString as toBase64 } from 'uint8arrays'
import { Emitter } from '../../messaging/emitter.js'
import type { GroupControlTaken } from '../../messaging/inbound.js'
import { SyncGroup, type KeyValueStore, type MessageStatus, type MessageStore, type StoredMessage, type StoreOptions, type HistoryOptions, type DeviceAddress } from '../../storage/index.js'
import type { GroupSessionManager } from '../../session/group-session-manager.js'
import { KeyedMutex } from '../../util/keyed-mutex.js'
import { TokenBuckets, type TokenRate } from '../../util/token-buckets.js'
import { CryptoError, DuplicateMessageError } from '../../crypto/errors.js'
import { findMember, stateHash, type GroupAction, type GroupMember, type GroupRole, type GroupState, type NewMember } from '../state.js'
import { GroupError } from '../errors.js'
import { decodeChange } from '../change.js'
import { checkJoinProof, joinProof } from '../invite.js'
import { GROUP_INVITE_SECRET_LENGTH } from '../constants.js'
import { senderKeyMessageChainId } from '../../crypto/sender-key.js'
import { decodeGroupControl, decodeGroupContent, decodeGroupWire, encodeGroupContent, encodeGroupControl, encodeGroupWire, groupChangeBatches, type GroupControl } from '../message.js'
import { groupDepositCheck, groupDepositKey, groupMessageRef, groupTopic } from '../topic.js'
import { CausalHistory } from '../history.js'
import { Memberships, type MembershipEffects } from './membership.js'
import { SenderKeys, memberKey } from './keys.js'
import { GroupDeposits } from './deposits.js'
import { HeldKeys, HeldMessages } from './held.js'
import { GroupPhotos } from './photos.js'
import { checkGroupPhoto, groupPhotoRef } from '../photo.js'
import { InvalidInviteLinkError, MemberNotFoundError, NotInGroupError, OnlyAdminsSendError, UnknownGroupError } from './errors.js'
import type { ControlChannel, GossipVerdict, GroupPubsub, GroupRelays, GroupSelf, MemberDirectory, MemberRecord } from './ports.js'
import type { GroupStorePort } from './store-port.js'

/** Group message ids are 16 random bytes, like 1:1 message ids. */
const MESSAGE_ID_BYTES = 16
/** Receipts to one member are gathered this long, so a burst of messages costs one 1:1 message. */
const RECEIPT_COALESCE_MS = 200
/** How often the gaps the causal history found are looked for at the relays. */
const REPAIR_INTERVAL_MS = 15_000
/**
 * How often our relays are asked for a group's messages while gossip gives us nobody on its topic (the other
 * members are offline, or not reachable directly): messages then arrive at most this late.
 */
const POLL_ALONE_MS = 5_000
/**
 * The same while gossip has peers on the topic: a safety net for what the mesh lost, and the way messages of members
 * who are not in the mesh (a one-shot CLI `group send`) arrive: within this long.
 */
const POLL_MESHED_MS = 20_000
/** A member's relays and devices are looked up again after this long (new relays, new devices). */
const MEMBER_LOOKUP_TTL_MS = 10 * 60_000
/**
 * Messages one member may have accepted here per second from gossip (after a burst): a person types far slower, a
 * bot posting more is flooding. Over it a message is ignored (not stored, not forwarded), without penalising the
 * peer that forwarded it: that peer may be honest. The flooder's own neighbours score it out by gossip's per-peer
 * limit (docs/gossip.md). What relays hand over after an absence is not limited (a busy day is a burst by nature).
 */
export const MEMBER_GOSSIP_RATE: TokenRate = { burst: 60, perSecond: 10 }
/**
 * Gossip messages held in memory per group until their key comes. A rotation's first messages often overtake the key;
 * more than this are read from the relays once it is in. Memory only: anyone on the topic can send unreadable bytes.
 */
const MAX_HELD_GOSSIP = 100
/** Members whose rate is tracked at once, least recently active forgotten (a forgotten one starts with a full bucket). */
const MAX_RATE_TRACKED_MEMBERS = 4_096
/** Group messages that arrive before the app listens (mail at the relays read at start) are held for its first listener, up to this many. */
const MAX_HELD_EVENTS = 1_000
/** Most member lookups at once when a group's relays are gathered: a 1,024-member group does not flood the DHT. */
const MAX_PARALLEL_LOOKUPS = 8

/** The conversation key of a group's history in the message store (numbers start with '+', so they never collide). */
export const groupConversation = (groupId: Uint8Array): string => `group:${toHex(groupId)}`

/** A group as a list shows it. */
export interface GroupSummary {
  /** 64 lowercase hex characters */
  groupId: string
  name: string
  members: number
  /** false once we left or were removed */
  active: boolean
  role?: GroupRole
  /** the group has a photo (`photo()` gives its image once it is here) */
  photo: boolean
}

export interface GroupMemberInfo {
  phone: string
  role: GroupRole
  identityKey: string
  /** this is us */
  self: boolean
}

/** A group as its info screen shows it. */
export interface GroupInfo extends GroupSummary {
  description: string
  members: number
  memberList: GroupMemberInfo[]
  onlyAdminsSend: boolean
  onlyAdminsEditInfo: boolean
  /** hex of the state hash: two members holding the same changes show the same */
  stateHash: string
  version: number
}

export interface GroupMessageEvent {
  group: string
  id: string
  from: string
  text: string
  timestamp: number
  receivedAt: number
  mentions: string[]
  /** our number is among the mentions */
  mentioned: boolean
  quoteId?: string
  /** the media layer's attachment descriptor (base64) of a file the text is the caption of */
  attachment?: string
}

export interface GroupEvents {
  'group-message': GroupMessageEvent
  /** one of our group messages changed status: sent (a relay holds it), delivered (every member has it), read (every member read it), failed */
  'group-status': { group: string, id: string, status: MessageStatus }
  /** a group was created, we joined or left, or its members, roles, info or settings changed */
  'group-update': { group: string, name: string, active: boolean, added: string[], removed: string[] }
  error: unknown
}

export interface GroupsInit {
  self: (options?: StoreOptions) => Promise<GroupSelf | undefined>
  store: GroupStorePort
  /** key-value areas for the group outbox and what waits for a key */
  kv: (name: string) => KeyValueStore
  messages: MessageStore
  sessions: GroupSessionManager
  control: ControlChannel
  directory: MemberDirectory
  pubsub?: GroupPubsub
  relays: GroupRelays
  now: () => number
  random: (n: number) => Uint8Array
  /** whether our account has other devices (they get our changes and sender keys too) */
  linkedDevices?: (options?: StoreOptions) => Promise<boolean>
  /** a phone number as a person typed it, in E.164 (throws for one that is not a number) @default as given */
  normalize?: (phone: string) => string
  /**
   * A member's message with a file was stored (the media layer fetches it when its settings say so). A hook rather than
   * a listener: 'group-message' waits for the app's first listener, which a listener of ours would take the place of.
   */
  onAttachment?: (m: { conversation: string, id: string, attachment: string }) => void
}

export class Groups extends Emitter<GroupEvents> {
  private readonly keys: SenderKeys
  private readonly deposits: GroupDeposits
  private readonly heldMessages: HeldMessages
  private readonly heldKeys: HeldKeys
  private readonly photos: GroupPhotos
  /** invite links we asked to join with, by group: the secret until the group's log arrives */
  private readonly joins: KeyValueStore
  private readonly lock = new KeyedMutex()
  /** gossip messages whose key has not come yet, per group (memory only, MAX_HELD_GOSSIP each) */
  private readonly heldGossip = new Map<string, Array<{ chainId: number, wire: Uint8Array }>>()
  /** per (group, author) gossip rate */
  private readonly rates = new TokenBuckets(MEMBER_GOSSIP_RATE, MAX_RATE_TRACKED_MEMBERS)
  private readonly histories = new Map<string, CausalHistory>()
  private readonly lookups = new Map<string, { at: number, record?: MemberRecord }>()
  private readonly receiptQueue = new Map<string, { group: Uint8Array, to: string, type: 'delivered' | 'read', ids: Uint8Array[] }>()
  private receiptTimer?: ReturnType<typeof setTimeout>
  private repairTimer?: ReturnType<typeof setInterval>
  private pollTimer?: ReturnType<typeof setInterval>
  /** when each group's relays were last asked (ms) */
  private readonly polled = new Map<string, number>()
  private polling = false
  private started = false
  /** start()'s first look at every group's relays */
  private resumed: Promise<void> = Promise.resolve()
  private membershipsOf?: { identity: Uint8Array, memberships: Memberships }

  constructor (private readonly init: GroupsInit) {
    super()
    this.holdUntilListened('group-message', MAX_HELD_EVENTS)
    this.keys = new SenderKeys({
      sessions: init.sessions,
      facts: init.store,
      now: init.now,
      send: async (to, groupId, distribution, options) => {
        await init.control.sendGroupControl(to, encodeGroupControl({ kind: 'sender-key', groupId, distribution }), options)
      }
    })
    this.deposits = new GroupDeposits({
      store: init.kv('group-deposits'),
      relays: init.relays,
      now: init.now,
      onSent: async (groupId, id) => { await this.setStatus(groupId, id, 'sent') },
      onFailed: async (groupId, id) => { await this.setStatus(groupId, id, 'failed') },
      onError: err => this.emit('error', err)
    })
    this.heldMessages = new HeldMessages(init.kv('group-held'))
    this.heldKeys = new HeldKeys(init.kv('group-held-keys'))
    this.photos = new GroupPhotos({ store: init.store, control: init.control, now: init.now })
    this.joins = init.kv('group-joins')
  }

  // ---------------------------------------------------------------------------------------------------------
  // set-up

  private async me (options?: StoreOptions): Promise<{ self: GroupSelf, memberships: Memberships }> {
    const self = await this.init.self(options)
    if (self == null) throw new NotInGroupError('Register this device before using groups')
    if (this.membershipsOf == null || toHex(this.membershipsOf.identity) !== toHex(self.identity.publicKey)) {
      this.membershipsOf = { identity: self.identity.publicKey, memberships: new Memberships(this.init.store, self.identity, this.init.now) }
    }
    return { self, memberships: this.membershipsOf.memberships }
  }

  /**
   * Joins every group's topic, registers them at our relays, sends our keys where they are missing, fetches what
   * we missed, and from then on polls the relays and repairs gaps. With `follow: false` (a one-shot command that
   * takes no messages) only our group outbox runs. No-op before registration.
   */
  async start (options?: StoreOptions & { follow?: boolean }): Promise<void> {
    if (this.started) return
    const self = await this.init.self(options)
    if (self == null) return
    this.deposits.start()
    if (options?.follow === false) return
    this.started = true
    this.repairTimer = setInterval(() => { this.repair().catch(err => this.emit('error', err)) }, REPAIR_INTERVAL_MS)
    this.pollTimer = setInterval(() => { this.poll().catch(err => this.emit('error', err)) }, POLL_ALONE_MS)
    const resumed: Array<Promise<void>> = []
    for (const record of await this.init.store.listGroups(options)) {
      if (record.leftAt != null) continue
      resumed.push(this.resume(record.id).catch(err => this.emit('error', err)))
    }
    this.resumed = Promise.all(resumed).then(() => {})
  }

  /** Resolves once start() has fetched what our relays kept for every group (a one-shot `receive` ends after it). */
  async drained (): Promise<void> {
    await this.resumed
  }

  /** One group back in step: topic joined, relays registered, keys distributed, relays caught up. */
  private async resume (groupId: Uint8Array, options?: StoreOptions): Promise<void> {
    const { self, memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null || findMember(state, self.identity.publicKey) == null) return
    await this.follow(groupId, self, options)
    await this.distributeKey(groupId, state, self, options)
    // a photo we lack (its image lost on the way) is asked for by the repair timer
    await this.photos.reconcile(state, undefined, options)
    await this.catchUp(groupId, options)
  }

  async stop (): Promise<void> {
    this.started = false
    clearInterval(this.repairTimer)
    clearInterval(this.pollTimer)
    clearTimeout(this.receiptTimer)
    await this.flushReceipts().catch(err => this.emit('error', err))
    await this.deposits.stop()
  }

  /** Resolves when no group message waits for a relay (tests, shutdown). */
  async idle (): Promise<void> {
    await this.deposits.idle()
  }

  // ---------------------------------------------------------------------------------------------------------
  // reading

  async list (options?: StoreOptions): Promise<GroupSummary[]> {
    const { self, memberships } = await this.me(options)
    const out: GroupSummary[] = []
    for (const record of await this.init.store.listGroups(options)) {
      const state = await memberships.state(record.id, options)
      if (state == null) continue
      out.push(this.summary(state, self, record.leftAt == null))
    }
    return out
  }

  async info (group: string | Uint8Array, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    const { self, memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    const record = await this.init.store.getGroup(groupId, options)
    if (state == null || record == null) throw new UnknownGroupError()
    return {
      ...this.summary(state, self, record.leftAt == null),
      description: state.description,
      memberList: state.members.map(m => ({ phone: m.e164, role: m.role, identityKey: toHex(m.identityKey), self: toHex(m.identityKey) === toHex(self.identity.publicKey) })),
      onlyAdminsSend: state.onlyAdminsSend,
      onlyAdminsEditInfo: state.onlyAdminsEditInfo,
      stateHash: toHex(stateHash(state)),
      version: state.version
    }
  }

  private summary (state: GroupState, self: GroupSelf, active: boolean): GroupSummary {
    const me = findMember(state, self.identity.publicKey)
    return { groupId: toHex(state.groupId), name: state.name, members: state.members.length, active: active && me != null, ...(me != null ? { role: me.role } : {}), photo: state.photo.length > 0 }
  }

  /** The image of the group's photo (a JPEG or PNG), or undefined: the group has none, or its image is still on its way. */
  async photo (group: string | Uint8Array, options?: StoreOptions): Promise<Uint8Array | undefined> {
    const groupId = parseGroupId(group)
    const { memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null) throw new UnknownGroupError()
    return await this.photos.image(state, options)
  }

  async history (group: string | Uint8Array, options?: HistoryOptions): Promise<StoredMessage[]> {
    return await this.init.messages.history(groupConversation(parseGroupId(group)), options)
  }

  /** Per-member receipts of one of our messages from the group's current members, and the counts ("delivered to 4 of 5"). */
  async receipts (group: string | Uint8Array, id: string, options?: StoreOptions): Promise<{ members: number, delivered: number, read: number, list: Array<{ phone: string, deliveredAt?: number, readAt?: number }> }> {
    const groupId = parseGroupId(group)
    const { self, memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null) throw new UnknownGroupError()
    // current members only (as statusFromReceipts counts): a member removed since keeps no place in "N of M"
    const others = new Set(state.members.filter(m => m.e164 !== self.phone).map(m => m.e164))
    const list = (await this.init.store.receipts(groupId, id, options)).filter(r => others.has(r.member))
    return {
      members: others.size,
      delivered: list.filter(r => r.deliveredAt != null).length,
      read: list.filter(r => r.readAt != null).length,
      list: list.map(r => ({ phone: r.member, ...(r.deliveredAt != null ? { deliveredAt: r.deliveredAt } : {}), ...(r.readAt != null ? { readAt: r.readAt } : {}) }))
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // membership

  /** Looks the numbers up and makes them members-to-be (MemberNotFoundError for a number not on Parley). */
  private async newMembers (phones: string[], self: GroupSelf, options?: StoreOptions): Promise<NewMember[]> {
    const out: NewMember[] = []
    const seen = new Set<string>([self.phone])
    for (const typed of phones) {
      const phone = this.e164(typed)
      if (seen.has(phone)) continue
      seen.add(phone)
      const record = await this.member(phone, { ...options, fresh: true })
      if (record == null) throw new MemberNotFoundError('One of these numbers is not on Parley, or no verifier you trust confirmed it')
      out.push({ identityKey: record.identityKey, e164: phone })
    }
    return out
  }

  /** Creates a group with these numbers as members; we are its first admin. */
  async create (name: string, phones: string[], options: StoreOptions & { description?: string, photo?: Uint8Array, onlyAdminsSend?: boolean, onlyAdminsEditInfo?: boolean } = {}): Promise<GroupInfo> {
    if (options.photo != null) checkGroupPhoto(options.photo)
    const { self, memberships } = await this.me(options)
    const members = await this.newMembers(phones, self, options)
    const { creation, effects } = await memberships.create({
      e164: self.phone,
      name,
      ...(options.description != null ? { description: options.description } : {}),
      ...(options.photo != null ? { photo: groupPhotoRef(options.photo) } : {}),
      members,
      ...(options.onlyAdminsSend != null ? { onlyAdminsSend: options.onlyAdminsSend } : {}),
      ...(options.onlyAdminsEditInfo != null ? { onlyAdminsEditInfo: options.onlyAdminsEditInfo } : {}),
      random: this.init.random
    }, options)
    const groupId = effects.groupId
    await this.init.store.putGroup({ id: groupId, name: effects.after.name, joinedAt: this.init.now() }, options)
    if (options.photo != null) await this.photos.keep(groupId, options.photo, options)
    await this.sendChanges(groupId, effects.after.members, self, [creation], options)
    if (options.photo != null) await this.photos.send(effects.after, await this.photoRecipients(effects.after.members, self, options), options)
    await this.follow(groupId, self, options)
    await this.distributeKey(groupId, effects.after, self, options)
    this.emitUpdate(effects, true)
    return await this.info(groupId, options)
  }

  /** Adds members (admins only). New members get the whole log; the others the change. */
  async add (group: string | Uint8Array, phones: string[], options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    const { self } = await this.me(options)
    const members = await this.newMembers(phones, self, options)
    if (members.length === 0) return await this.info(groupId, options)
    await this.change(groupId, { type: 'add', members }, options)
    return await this.info(groupId, options)
  }

  async remove (group: string | Uint8Array, phone: string, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    await this.change(groupId, { type: 'remove', member: await this.memberKeyOf(groupId, phone, options) }, options)
    return await this.info(groupId, options)
  }

  async promote (group: string | Uint8Array, phone: string, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    await this.change(groupId, { type: 'promote', member: await this.memberKeyOf(groupId, phone, options) }, options)
    return await this.info(groupId, options)
  }

  async demote (group: string | Uint8Array, phone: string, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    await this.change(groupId, { type: 'demote', member: await this.memberKeyOf(groupId, phone, options) }, options)
    return await this.info(groupId, options)
  }

  /**
   * Changes the group's name, description or photo (admins, or every member unless "only admins can edit info").
   * `photo`: a JPEG or PNG of at most MAX_GROUP_PHOTO_BYTES (InvalidGroupPhotoError otherwise), or null to remove it.
   */
  async editInfo (group: string | Uint8Array, edit: { name?: string, description?: string, photo?: Uint8Array | null }, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    const { photo, ...text } = edit
    if (photo != null) checkGroupPhoto(photo)
    const action: GroupAction = { type: 'edit-info', ...text, ...(photo === null ? { photo: new Uint8Array(0) } : photo != null ? { photo: groupPhotoRef(photo) } : {}) }
    await this.change(groupId, action, options, photo ?? undefined)
    return await this.info(groupId, options)
  }

  async settings (group: string | Uint8Array, settings: { onlyAdminsSend?: boolean, onlyAdminsEditInfo?: boolean }, options?: StoreOptions): Promise<GroupInfo> {
    const groupId = parseGroupId(group)
    await this.change(groupId, { type: 'settings', ...settings }, options)
    return await this.info(groupId, options)
  }

  /**
   * The group's invite link (admins only): `parley-group:<group id>?s=<secret>&m=<our number>`. Anyone holding it can
   * join until an admin revokes or resets it; the link names us as the member who hands a joiner the group's log.
   * Makes a secret (an `invite` change) when the group has none, or a new one with `reset`.
   */
  async inviteLink (group: string | Uint8Array, options: StoreOptions & { reset?: boolean } = {}): Promise<string> {
    const groupId = parseGroupId(group)
    const { self, memberships } = await this.me(options)
    let state = await memberships.state(groupId, options)
    if (state == null) throw new UnknownGroupError()
    if (state.inviteSecret == null || options.reset === true) {
      await this.change(groupId, { type: 'invite', secret: this.init.random(GROUP_INVITE_SECRET_LENGTH) }, options)
      state = (await memberships.state(groupId, options))!
    }
    return `${INVITE_SCHEME}${toHex(groupId)}?s=${toHex(state.inviteSecret!)}&m=${encodeURIComponent(self.phone)}`
  }

  /** Revokes the group's invite link (admins only): nobody joins with it any more. */
  async revokeInviteLink (group: string | Uint8Array, options?: StoreOptions): Promise<void> {
    await this.change(parseGroupId(group), { type: 'invite' }, options)
  }

  /**
   * Asks to join a group with its invite link: the member the link names is asked (over the 1:1 session) for the
   * group's log, with a proof that we hold the link's secret; when the log arrives we sign our join and tell every
   * member. Resolves with the group id once asked ('group-update' says when we are in). InvalidInviteLinkError for
   * something that is not a link.
   */
  async join (link: string, options?: StoreOptions): Promise<{ groupId: string }> {
    const { groupId, secret, via } = parseInviteLink(link)
    const { self, memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state != null && findMember(state, self.identity.publicKey) != null) return { groupId: toHex(groupId) }
    await this.joins.put(toHex(groupId), secret, { ...options, sync: true })
    const proof = joinProof(secret, groupId, self.identity.publicKey, self.phone)
    await this.init.control.sendGroupControl(this.e164(via), encodeGroupControl({ kind: 'want', groupId, all: true, hashes: [], proof }), options)
    return { groupId: toHex(groupId) }
  }

  /**
   * A contact's account linked or removed a device (messaging's 'contact-devices'): in every group it is a member of,
   * our sender key goes to all its devices again, so a new device reads what we send from now on.
   */
  async memberDevicesChanged (typed: string, options?: StoreOptions): Promise<void> {
    const phone = this.e164(typed)
    const { self, memberships } = await this.me(options)
    for (const record of await this.init.store.listGroups(options)) {
      if (record.leftAt != null) continue
      await this.lock.run(toHex(record.id), async () => {
        const state = await memberships.state(record.id, options)
        const member = state?.members.find(m => m.e164 === phone)
        if (state == null || member == null || findMember(state, self.identity.publicKey) == null) return
        await this.keys.redistribute(record.id, member, options)
        await this.distributeKey(record.id, state, self, options)
      }, options)
    }
  }

  /**
   * Our own account linked a device: it gets every group's log and photo (and so joins each, and sends its own key
   * to the members) and our sender keys.
   */
  async ownDevicesChanged (options?: StoreOptions): Promise<void> {
    const { self, memberships } = await this.me(options)
    for (const record of await this.init.store.listGroups(options)) {
      if (record.leftAt != null) continue
      await this.lock.run(toHex(record.id), async () => {
        const log = await memberships.log(record.id, options)
        const me = log != null ? findMember(log.state, self.identity.publicKey) : undefined
        if (log == null || me == null) return
        for (const batch of groupChangeBatches(log.changes())) await this.init.control.sendGroupControl(self.phone, encodeGroupControl({ kind: 'changes', groupId: record.id, changes: batch }), options)
        await this.photos.send(log.state, [self.phone], options)
        await this.keys.redistribute(record.id, me, options)
        await this.distributeKey(record.id, log.state, self, options)
      }, options)
    }
  }

  /** Leaves the group: the others are told, our keys and the topic are dropped. */
  async leave (group: string | Uint8Array, options?: StoreOptions): Promise<void> {
    await this.change(parseGroupId(group), { type: 'leave' }, options)
  }

  private e164 (phone: string): string {
    return this.init.normalize != null ? this.init.normalize(phone) : phone
  }

  private async memberKeyOf (groupId: Uint8Array, typed: string, options?: StoreOptions): Promise<Uint8Array> {
    const phone = this.e164(typed)
    const { memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null) throw new UnknownGroupError()
    const m = state.members.find(x => x.e164 === phone)
    if (m == null) throw new MemberNotFoundError('This number is not a member of the group')
    return m.identityKey
  }

  /** Proposes our change, sends it to everyone concerned and acts on what it did. */
  /** Proposes our change and tells everyone; `photo`: the image the change names (kept before anyone can ask for it, sent right after the change). */
  private async change (groupId: Uint8Array, action: GroupAction, options?: StoreOptions, photo?: Uint8Array): Promise<void> {
    await this.lock.run(toHex(groupId), async () => {
      const { self, memberships } = await this.me(options)
      if (await memberships.state(groupId, options) == null) throw new UnknownGroupError()
      const { change, effects } = await memberships.propose(groupId, action, options)
      if (photo != null) await this.photos.keep(groupId, photo, options)
      const before = effects.before?.members ?? []
      // everyone who was or is a member hears of it: a removed member learns it was removed
      const told = [...new Map([...before, ...effects.after.members].map(m => [memberKey(m), m])).values()]
      await this.sendChanges(groupId, told, self, [change], options, effects.added)
      if (photo != null) await this.photos.send(effects.after, await this.photoRecipients(effects.after.members, self, options), options)
      await this.applyEffects(effects, self, options)
    }, options)
  }

  /** The numbers a photo goes to: the members but us, and our own other devices. */
  private async photoRecipients (members: GroupMember[], self: GroupSelf, options?: StoreOptions): Promise<string[]> {
    const others = members.filter(m => m.e164 !== self.phone).map(m => m.e164)
    return await this.init.linkedDevices?.(options) === true ? [...others, self.phone] : others
  }

  /** Sends changes to these members (new members get the whole log instead) and to our other devices. */
  private async sendChanges (groupId: Uint8Array, to: GroupMember[], self: GroupSelf, changes: Uint8Array[], options?: StoreOptions, added: GroupMember[] = []): Promise<void> {
    const { memberships } = await this.me(options)
    const fresh = new Set(added.map(memberKey))
    const whole = (await memberships.log(groupId, options))?.changes() ?? changes
    for (const m of to) {
      if (m.e164 === self.phone) continue
      const list = fresh.has(memberKey(m)) ? whole : changes
      for (const batch of groupChangeBatches(list)) {
        await this.init.control.sendGroupControl(m.e164, encodeGroupControl({ kind: 'changes', groupId, changes: batch }), options)
      }
    }
    if (await this.init.linkedDevices?.(options) === true) {
      for (const batch of groupChangeBatches(whole)) await this.init.control.sendGroupControl(self.phone, encodeGroupControl({ kind: 'changes', groupId, changes: batch }), options)
    }
    // new members get the photo after the log that names it
    const state = await memberships.state(groupId, options)
    const newcomers = to.filter(m => fresh.has(memberKey(m)) && m.e164 !== self.phone).map(m => m.e164)
    if (state != null && newcomers.length > 0) await this.photos.send(state, newcomers, options)
  }

  /** What a membership step means for us: keys of those who went are dropped and ours replaced, new members get ours, and we follow or drop the group. */
  private async applyEffects (effects: MembershipEffects, self: GroupSelf, options?: StoreOptions, from?: string): Promise<void> {
    const groupId = effects.groupId
    if (effects.left) {
      this.photos.forget(groupId)
      await this.init.store.markLeft(groupId, this.init.now(), options)
      await this.keys.leave(groupId, options)
      await this.heldMessages.forget(groupId, options)
      await this.unfollow(groupId, self)
      this.emitUpdate(effects, false)
      return
    }
    if (findMember(effects.after, self.identity.publicKey) == null) return
    if (effects.joined) {
      await this.init.store.putGroup({ id: groupId, name: effects.after.name, joinedAt: this.init.now() }, options)
      await this.follow(groupId, self, options)
      await this.takeHeldKeys(groupId, effects.after, options)
    } else if (effects.changed) {
      const record = await this.init.store.getGroup(groupId, options)
      if (record != null && record.name !== effects.after.name) await this.init.store.putGroup({ ...record, name: effects.after.name }, options)
    }
    if (!effects.joined && effects.added.length > 0) await this.takeHeldKeys(groupId, effects.after, options)
    for (const m of effects.removed) await this.keys.forget(groupId, m.identityKey, options)
    // a photo named by a change comes right after it from whoever sent the change (else the repair timer asks)
    await this.photos.reconcile(effects.after, from, options)
    // someone went: nothing we send from now on may be readable with the key they had
    if (effects.removed.length > 0) await this.keys.rotate(groupId, options)
    await this.distributeKey(groupId, effects.after, self, options)
    if (effects.joined || effects.changed || effects.added.length > 0 || effects.removed.length > 0) this.emitUpdate(effects, true)
  }

  private emitUpdate (effects: MembershipEffects, active: boolean): void {
    this.emit('group-update', { group: toHex(effects.groupId), name: effects.after.name, active, added: effects.added.map(m => m.e164), removed: effects.removed.map(m => m.e164) })
  }

  /** Our sender key to every member (and our other devices) that does not have the current one. */
  private async distributeKey (groupId: Uint8Array, state: GroupState, self: GroupSelf, options?: StoreOptions): Promise<void> {
    const others = state.members.filter(m => m.e164 !== self.phone)
    const linked = await this.init.linkedDevices?.(options) === true
    const me = findMember(state, self.identity.publicKey)
    await this.keys.distribute(groupId, [...others, ...(linked && me != null ? [me] : [])], options)
  }

  /** The topic joined and registered at our mailbox relays (idempotent). */
  private async follow (groupId: Uint8Array, self: GroupSelf, options?: StoreOptions): Promise<void> {
    const topic = groupTopic(groupId)
    await this.init.pubsub?.join(topic, { validate: async data => await this.receiveWire(groupId, data, { via: 'gossip' }) }, options)
    if (this.init.pubsub?.meet != null) this.meet(groupId, self).catch(err => this.emit('error', err))
    for (const relay of self.mailboxRelays) {
      try {
        await this.init.relays.register(relay, [{ topic, depositCheck: groupDepositCheck(groupId) }], options)
      } catch (err) {
        this.emit('error', err)
      }
    }
  }

  /** Dials some members' devices so the topic's mesh can form (in the background: gossip is a speed-up, the relays the guarantee). */
  private async meet (groupId: Uint8Array, self: GroupSelf): Promise<void> {
    const { memberships } = await this.me()
    const state = await memberships.state(groupId)
    if (state == null) return
    const peers: string[] = []
    for (const m of state.members) {
      if (m.e164 === self.phone) continue
      peers.push(...(await this.member(m.e164).catch(() => undefined))?.peers ?? [])
    }
    await this.init.pubsub?.meet?.(peers)
  }

  private async unfollow (groupId: Uint8Array, self: GroupSelf): Promise<void> {
    const topic = groupTopic(groupId)
    await this.init.pubsub?.leave(topic).catch(err => this.emit('error', err))
    for (const relay of self.mailboxRelays) await this.init.relays.unregister(relay, [topic]).catch(err => this.emit('error', err))
  }

  // ---------------------------------------------------------------------------------------------------------
  // control from other members (inside the persist step of its 1:1 envelope)

  /**
   * A group control payload from `from` (its number proven by messaging), sent by its device `sender`. Stores
   * what it must with `options` (the envelope's sync group) and returns what to do once that is durable.
   */
  async takeControl (from: string, sender: DeviceAddress, bytes: Uint8Array, options?: StoreOptions): Promise<GroupControlTaken> {
    let control: GroupControl
    try {
      control = decodeGroupControl(bytes)
    } catch (err) {
      if (err instanceof GroupError) return { taken: false }
      throw err
    }
    const groupId = control.groupId
    return await this.lock.run(toHex(groupId), async () => {
      const { self, memberships } = await this.me(options)
      switch (control.kind) {
        case 'changes': {
          let effects: MembershipEffects
          try {
            effects = await memberships.receive(groupId, control.changes, options)
          } catch (err) {
            if (err instanceof GroupError) return { taken: false }
            throw err
          }
          const news = effects.results.some(r => r.status === 'applied' || r.status === 'void' || r.status === 'pending')
          if (!news) return { taken: false }
          await this.applyEffects(effects, self, options, from)
          await this.completeJoin(groupId, effects, self, options)
          const missing = effects.missing
          return {
            taken: true,
            after: () => {
              if (missing.length > 0) this.init.control.sendGroupControl(from, encodeGroupControl({ kind: 'want', groupId, all: false, hashes: missing })).catch(err => this.emit('error', err))
            }
          }
        }
        case 'sender-key': {
          const state = await memberships.state(groupId, options)
          if (state == null) {
            // its creation may still be on its way (another member's key can overtake the admin's changes)
            await this.heldKeys.hold(groupId, from, sender, control.distribution, options)
            return { taken: true }
          }
          if (!isMemberAs(state, sender.identityKey, from)) {
            // a new member's key can overtake the change that adds it (they come from different members): held
            // until a membership step adds it, bounded (MAX_HELD_KEYS) so a stranger cannot fill the store
            await this.heldKeys.hold(groupId, from, sender, control.distribution, options)
            return { taken: true }
          }
          const chainId = await this.takeKey(groupId, from, sender, control.distribution, options)
          if (chainId == null) return { taken: false }
          return { taken: true, after: () => { this.releaseHeld(groupId, chainId).catch(err => this.emit('error', err)) } }
        }
        case 'want': {
          const state = await memberships.state(groupId, options)
          const log = await memberships.log(groupId, options)
          if (state == null || log == null || findMember(state, self.identity.publicKey) == null) return { taken: false }
          // a member may ask for anything; a stranger only for the whole log, with proof that it holds the current link
          const invited = control.proof != null && control.all && state.inviteSecret != null && checkJoinProof(control.proof, state.inviteSecret, groupId, sender.identityKey, from)
          if (!isMemberAs(state, sender.identityKey, from) && !invited) return { taken: false }
          const wanted = new Set(control.hashes.map(h => toHex(h)))
          const changes = control.all ? log.changes() : log.changes().filter(c => wanted.has(toHex(decodeChange(c).hash)))
          return {
            taken: true,
            after: () => {
              (async () => {
                for (const batch of groupChangeBatches(changes)) await this.init.control.sendGroupControl(from, encodeGroupControl({ kind: 'changes', groupId, changes: batch }))
                // the whole log (a new member, a joiner): the photo it names too
                if (control.all) await this.photos.send(state, [from])
              })().catch(err => this.emit('error', err))
            }
          }
        }
        case 'photo': {
          // checked against the signed state's reference: only the image the group's change named is kept
          const state = await memberships.state(groupId, options)
          if (state == null || !isMemberAs(state, sender.identityKey, from)) return { taken: false }
          if (!await this.photos.take(state, control.image, options)) return { taken: false }
          const active = findMember(state, self.identity.publicKey) != null
          return { taken: true, after: () => { this.emit('group-update', { group: toHex(groupId), name: state.name, active, added: [], removed: [] }) } }
        }
        case 'want-photo': {
          const state = await memberships.state(groupId, options)
          if (state == null || findMember(state, self.identity.publicKey) == null || !isMemberAs(state, sender.identityKey, from)) return { taken: false }
          const image = await this.photos.answer(state, control.ref, options)
          if (image == null) return { taken: false }
          return { taken: true, after: () => { this.photos.send(state, [from]).catch(err => this.emit('error', err)) } }
        }
        case 'receipt': {
          const state = await memberships.state(groupId, options)
          if (state == null || !isMemberAs(state, sender.identityKey, from) || from === self.phone) return { taken: false }
          const changed: Array<{ id: string, status: MessageStatus }> = []
          for (const raw of control.ids) {
            const id = toHex(raw)
            const m = await this.init.messages.get(groupConversation(groupId), id, options)
            if (m == null || m.direction !== 'out') continue
            await this.init.store.setReceipt(groupId, id, from, control.type, this.init.now(), options)
            const status = await this.statusFromReceipts(groupId, id, state, self, options)
            if (status != null) {
              const updated = await this.init.messages.updateStatus(groupConversation(groupId), id, status, options)
              if (updated != null) changed.push({ id, status: updated.status })
            }
          }
          return { taken: true, after: () => { for (const c of changed) this.emit('group-status', { group: toHex(groupId), id: c.id, status: c.status }) } }
        }
      }
    }, options)
  }

  /** The log of a group we asked to join arrived: we sign our join on it and tell every member (inside the caller's persist step). */
  private async completeJoin (groupId: Uint8Array, effects: MembershipEffects, self: GroupSelf, options?: StoreOptions): Promise<void> {
    if (findMember(effects.after, self.identity.publicKey) != null) {
      await this.joins.del(toHex(groupId), { ...options, sync: true })
      return
    }
    const secret = await this.joins.get(toHex(groupId), options)
    if (secret == null) return
    const { memberships } = await this.me(options)
    let joined: { change: Uint8Array, effects: MembershipEffects }
    try {
      joined = await memberships.propose(groupId, { type: 'join', e164: self.phone, proof: joinProof(secret, groupId, self.identity.publicKey, self.phone) }, options)
    } catch (err) {
      // the link was revoked or reset meanwhile, or the group ended: the request is over
      if (!(err instanceof GroupError)) throw err
      await this.joins.del(toHex(groupId), { ...options, sync: true })
      this.emit('error', err)
      return
    }
    await this.joins.del(toHex(groupId), { ...options, sync: true })
    await this.sendChanges(groupId, joined.effects.after.members, self, [joined.change], options)
    await this.applyEffects(joined.effects, self, options)
  }

  /** Keys held for the group: taken now from those who are members; the others held again (they may be added later). */
  private async takeHeldKeys (groupId: Uint8Array, state: GroupState, options?: StoreOptions): Promise<void> {
    for (const k of await this.heldKeys.release(groupId, options)) {
      if (!isMemberAs(state, k.sender.identityKey, k.from)) {
        await this.heldKeys.hold(groupId, k.from, k.sender, k.distribution, options)
        continue
      }
      const chainId = await this.takeKey(groupId, k.from, k.sender, k.distribution, options)
      if (chainId != null) this.releaseHeld(groupId, chainId).catch(err => this.emit('error', err))
    }
  }

  /** A member's sender key, if it comes from a device of a member under its number; resolves with its chain id (undefined: refused). */
  private async takeKey (groupId: Uint8Array, from: string, sender: DeviceAddress, distribution: Uint8Array, options?: StoreOptions): Promise<number | undefined> {
    const { memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null || !isMemberAs(state, sender.identityKey, from)) return undefined
    try {
      return await this.keys.take(groupId, sender, distribution, options)
    } catch (err) {
      if (err instanceof CryptoError || err instanceof GroupError) return undefined
      throw err
    }
  }

  private async statusFromReceipts (groupId: Uint8Array, id: string, state: GroupState, self: GroupSelf, options?: StoreOptions): Promise<MessageStatus | undefined> {
    const others = new Set(state.members.filter(m => m.e164 !== self.phone).map(m => m.e164))
    if (others.size === 0) return undefined
    const list = (await this.init.store.receipts(groupId, id, options)).filter(r => others.has(r.member))
    if (list.filter(r => r.readAt != null).length >= others.size) return 'read'
    if (list.filter(r => r.deliveredAt != null).length >= others.size) return 'delivered'
    return undefined
  }

  // ---------------------------------------------------------------------------------------------------------
  // messages

  /** Sends a text to the group. In history (pending) before this resolves; 'sent' once a relay holds it. */
  /**
   * Sends a text to the group; `attachment`: the media layer's descriptor of a file the text is the caption of (the
   * text may then be empty); `id`: the message id to use (32 hex; the media layer picks it before the upload).
   */
  async send (group: string | Uint8Array, text: string, options: StoreOptions & { quoteId?: string, mentions?: string[], attachment?: Uint8Array, id?: string } = {}): Promise<StoredMessage> {
    const groupId = parseGroupId(group)
    if (options.id != null && !/^[0-9a-f]{32}$/.test(options.id)) throw new GroupError('a message id is 32 lowercase hex characters')
    const { self, memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    if (state == null) throw new UnknownGroupError()
    const me = findMember(state, self.identity.publicKey)
    if (me == null) throw new NotInGroupError()
    if (state.onlyAdminsSend && me.role !== 'admin') throw new OnlyAdminsSendError()
    const relays = await this.groupRelays(state, self, options)
    const stored = await this.lock.run(toHex(groupId), async () => {
      if (await this.keys.beforeSend(groupId, options)) await this.distributeKey(groupId, state, self, options)
      const history = await this.history_(groupId, options)
      const { lamport, history: refs } = history.nextOutgoing()
      const id = options.id != null ? fromHex(options.id) : this.init.random(MESSAGE_ID_BYTES)
      const timestamp = this.init.now()
      const quote = options.quoteId != null ? await this.quoteOf(groupId, options.quoteId, self, options) : undefined
      const mentions = [...new Set((options.mentions ?? []).map(p => this.e164(p)))]
      const attachment = options.attachment
      const plaintext = encodeGroupContent({ kind: 'text', id, timestamp, lamport, history: refs, stateHash: stateHash(state), text, ...(quote != null ? { quote } : {}), mentions, ...(attachment != null ? { attachment } : {}) })
      const wire = encodeGroupWire(await this.keys.encrypt(groupId, plaintext, options))
      const ref = groupMessageRef(wire)
      const message: StoredMessage = {
        id: toHex(id), conversation: groupConversation(groupId), direction: 'out', sender: self.phone, text, timestamp, receivedAt: timestamp, status: 'pending',
        ...(quote != null ? { quoteId: toHex(quote.id) } : {}), ...(mentions.length > 0 ? { mentions } : {}),
        ...(attachment != null ? { attachment: toBase64(attachment, 'base64') } : {})
      }
      const sync = new SyncGroup()
      const grouped = { ...options, syncGroup: sync }
      await this.init.messages.addOutgoing(message, grouped)
      await this.init.store.markSeen(groupId, ref, timestamp, grouped)
      history.sent(ref, lamport)
      await this.init.store.saveHistory(groupId, history.export(), grouped)
      await this.deposits.add({ groupId, id: message.id, topic: groupTopic(groupId), depositKey: groupDepositKey(groupId), wire, relays, createdAt: timestamp }, grouped)
      await sync.flush(options)
      this.init.pubsub?.publish(groupTopic(groupId), wire).catch(err => this.emit('error', err))
      return message
    }, options)
    this.deposits.wake()
    return stored
  }

  private async quoteOf (groupId: Uint8Array, quoteId: string, self: GroupSelf, options?: StoreOptions): Promise<{ id: Uint8Array, author: Uint8Array } | undefined> {
    const m = await this.init.messages.get(groupConversation(groupId), quoteId, options)
    if (m == null) return undefined
    const { memberships } = await this.me(options)
    const state = await memberships.state(groupId, options)
    const author = m.direction === 'out' ? self.identity.publicKey : state?.members.find(x => x.e164 === m.sender)?.identityKey
    return author != null ? { id: fromHex(quoteId), author } : undefined
  }

  /** The group's causal history, loaded on first use. */
  private async history_ (groupId: Uint8Array, options?: StoreOptions): Promise<CausalHistory> {
    const key = toHex(groupId)
    let h = this.histories.get(key)
    if (h == null) {
      const bytes = await this.init.store.loadHistory(groupId, options)
      h = bytes != null ? CausalHistory.import(bytes, { now: this.init.now }) : new CausalHistory({ now: this.init.now })
      this.histories.set(key, h)
    }
    return h
  }

  /**
   * One group message from gossip, a relay or a repair: deduplicated, decrypted with its sender's key (held when
   * the key has not come yet), checked against the membership, stored with its dedupe mark, announced. The
   * answer is gossipsub's: accept (forward), reject (invalid: penalise the peer), ignore (duplicate, not yet readable).
   */
  async receiveWire (groupId: Uint8Array, wire: Uint8Array, options?: StoreOptions & { via?: 'gossip' | 'relay' }): Promise<GossipVerdict> {
    const ref = groupMessageRef(wire)
    if (await this.init.store.isSeen(groupId, ref, options)) return 'ignore'
    let ciphertext: Uint8Array
    try {
      ciphertext = decodeGroupWire(wire).ciphertext
    } catch {
      return 'reject'
    }
    return await this.lock.run(toHex(groupId), async () => {
      if (await this.init.store.isSeen(groupId, ref, options)) return 'ignore'
      const { self, memberships } = await this.me(options)
      const state = await memberships.state(groupId, options)
      if (state == null || findMember(state, self.identity.publicKey) == null) return 'ignore'
      let chainId: number
      try {
        chainId = senderKeyMessageChainId(ciphertext)
      } catch {
        return 'reject'
      }
      // a member's gossip rate, checked before its key is used: a message decrypted and then dropped could never be read again
      if (options?.via === 'gossip') {
        const authors = new Set((await this.init.store.sendersOfChain(groupId, chainId, options)).map(a => toHex(a.identityKey)))
        if (authors.size === 1 && !this.rates.tryTake(`${toHex(groupId)}/${[...authors][0]}`, this.init.now())) return 'ignore'
      }
      // the key's advance and the message are durable together (one sync at the end), or neither is
      const sync = new SyncGroup()
      const grouped = { ...options, syncGroup: sync }
      let opened: Awaited<ReturnType<SenderKeys['decrypt']>>
      try {
        opened = await this.keys.decrypt(groupId, ciphertext, s => findMember(state, s.identityKey) != null, grouped)
      } catch (err) {
        if (err instanceof DuplicateMessageError) return 'ignore'
        if (err instanceof CryptoError || err instanceof GroupError) return 'reject'
        throw err
      }
      if (opened == null) {
        // from gossip, held in memory only (anyone on the topic can send what nobody can read: it must not fill our
        // disk); what came from a relay (which took it with the group's deposit key) is held on disk
        if (options?.via === 'gossip') this.holdInMemory(groupId, chainId, wire)
        else await this.heldMessages.hold(groupId, chainId, ref, wire, options)
        return 'ignore'
      }
      const author = findMember(state, opened.sender.identityKey)!
      let content
      try {
        content = decodeGroupContent(opened.plaintext)
      } catch {
        return 'reject'
      }
      if (state.onlyAdminsSend && author.role !== 'admin') return 'reject'
      const history = await this.history_(groupId, options)
      // the refs its history names that we lack are now gaps: the repair timer asks the relays for them
      try {
        if (content.kind === 'heartbeat') history.receivedHeartbeat(content)
        else history.received(ref, content)
      } catch (err) {
        if (err instanceof GroupError) return 'reject'
        throw err
      }
      const mine = toHex(opened.sender.identityKey) === toHex(self.identity.publicKey)
      let event: GroupMessageEvent | undefined
      if (content.kind === 'text') {
        const id = toHex(content.id)
        const receivedAt = this.init.now()
        // shown at its Lamport time, never later than it reached us: after everything its sender had seen (a reply
        // below its question, whatever the sender's clock) and never in our future (a clock set ahead moves nothing)
        const shownAt = Math.min(content.lamport, receivedAt)
        const base = {
          id, conversation: groupConversation(groupId), text: content.text, timestamp: shownAt, receivedAt,
          ...(content.quote != null ? { quoteId: toHex(content.quote.id) } : {}), ...(content.mentions.length > 0 ? { mentions: content.mentions } : {}),
          ...(content.attachment != null ? { attachment: toBase64(content.attachment, 'base64') } : {})
        }
        if (mine) {
          // sent by another device of ours
          await this.init.messages.addOutgoing({ ...base, direction: 'out', sender: self.phone, status: 'sent' }, grouped)
        } else if (await this.init.messages.addIncoming({ ...base, direction: 'in', sender: author.e164, status: 'delivered' }, grouped)) {
          event = {
            group: toHex(groupId), id, from: author.e164, text: content.text, timestamp: shownAt, receivedAt, mentions: content.mentions, mentioned: content.mentions.includes(self.phone),
            ...(content.quote != null ? { quoteId: toHex(content.quote.id) } : {}), ...(base.attachment != null ? { attachment: base.attachment } : {})
          }
        }
      }
      await this.init.store.markSeen(groupId, ref, this.init.now(), grouped)
      await this.init.store.saveHistory(groupId, history.export(), grouped)
      await sync.flush(options)
      if (event != null) {
        if (event.attachment != null) this.init.onAttachment?.({ conversation: groupConversation(groupId), id: event.id, attachment: event.attachment })
        this.emit('group-message', event)
        this.queueReceipt(groupId, author.e164, 'delivered', content.id)
      }
      return 'accept'
    }, options)
  }

  private holdInMemory (groupId: Uint8Array, chainId: number, wire: Uint8Array): void {
    const key = toHex(groupId)
    const held = this.heldGossip.get(key) ?? []
    if (held.length >= MAX_HELD_GOSSIP) held.shift()
    held.push({ chainId, wire })
    this.heldGossip.set(key, held)
  }

  /** Messages held for a chain whose key just came: received again (as from a relay: they are not gossip's to judge any more). */
  private async releaseHeld (groupId: Uint8Array, chainId: number): Promise<void> {
    const key = toHex(groupId)
    const held = this.heldGossip.get(key) ?? []
    const now = held.filter(h => h.chainId === chainId)
    this.heldGossip.set(key, held.filter(h => h.chainId !== chainId))
    for (const h of now) await this.receiveWire(groupId, h.wire)
    for (const wire of await this.heldMessages.release(groupId, chainId)) await this.receiveWire(groupId, wire)
  }

  /** What our relays kept for us on the group's topic since we last looked. */
  async catchUp (groupId: Uint8Array, options?: StoreOptions): Promise<number> {
    const { self } = await this.me(options)
    let n = 0
    for (const relay of self.mailboxRelays) {
      try {
        const { messages, ack } = await this.init.relays.fetch(relay, groupTopic(groupId), options)
        for (const m of messages) {
          await this.receiveWire(groupId, m.message, options)
          n++
        }
        const last = messages.at(-1)
        if (last != null) await ack(last.position)
      } catch (err) {
        this.emit('error', err)
      }
    }
    return n
  }

  /** Asks our relays for each group's messages: every POLL_ALONE_MS while gossip has nobody on its topic, else every POLL_MESHED_MS. */
  private async poll (): Promise<void> {
    if (this.polling) return
    this.polling = true
    try {
      for (const record of await this.init.store.listGroups()) {
        if (record.leftAt != null || !this.started) continue
        const key = toHex(record.id)
        const alone = (this.init.pubsub?.peers?.(groupTopic(record.id)) ?? 0) === 0
        const last = this.polled.get(key) ?? 0
        if (this.init.now() - last < (alone ? POLL_ALONE_MS : POLL_MESHED_MS) - 100) continue
        this.polled.set(key, this.init.now())
        await this.catchUp(record.id)
      }
    } finally {
      this.polling = false
    }
  }

  /** Asks the group's relays for the messages the causal histories found missing. */
  async repair (options?: StoreOptions): Promise<void> {
    const { self, memberships } = await this.me(options)
    await this.photos.askMissing(async id => await memberships.state(id, options), self.phone, options)
    for (const [key, history] of this.histories) {
      const { due } = history.missing()
      if (due.length === 0) continue
      const groupId = fromHex(key)
      const state = await memberships.state(groupId, options)
      if (state == null) continue
      const relays = await this.groupRelays(state, self, options)
      for (const relay of [...new Set([...self.mailboxRelays, ...relays])]) {
        let found: Uint8Array[] = []
        try {
          found = await this.init.relays.byRef(relay, groupTopic(groupId), groupDepositKey(groupId), due, options)
        } catch {
          continue
        }
        for (const wire of found) await this.receiveWire(groupId, wire, options)
        if (due.every(r => history.has(r))) break
      }
    }
  }

  /** Marks the group's messages read and tells their senders. */
  async markRead (group: string | Uint8Array, options?: StoreOptions): Promise<string[]> {
    const groupId = parseGroupId(group)
    const conversation = groupConversation(groupId)
    const ids = await this.init.messages.markRead(conversation, undefined, options)
    for (const id of ids) {
      const m = await this.init.messages.get(conversation, id, options)
      if (m != null && m.direction === 'in') this.queueReceipt(groupId, m.sender, 'read', fromHex(id))
    }
    return ids
  }

  private queueReceipt (groupId: Uint8Array, to: string, type: 'delivered' | 'read', id: Uint8Array): void {
    const key = `${toHex(groupId)}|${to}|${type}`
    const q = this.receiptQueue.get(key) ?? { group: groupId, to, type, ids: [] }
    q.ids.push(id)
    this.receiptQueue.set(key, q)
    if (this.receiptTimer == null) this.receiptTimer = setTimeout(() => { this.flushReceipts().catch(err => this.emit('error', err)) }, RECEIPT_COALESCE_MS)
  }

  /** Sends the receipts gathered so far (one 1:1 message per member, group and kind). */
  async flushReceipts (): Promise<void> {
    clearTimeout(this.receiptTimer)
    this.receiptTimer = undefined
    const queued = [...this.receiptQueue.values()]
    this.receiptQueue.clear()
    for (const q of queued) {
      for (let i = 0; i < q.ids.length; i += 500) {
        await this.init.control.sendGroupControl(q.to, encodeGroupControl({ kind: 'receipt', groupId: q.group, type: q.type, ids: q.ids.slice(i, i + 500) }))
      }
    }
  }

  private async setStatus (groupId: Uint8Array, id: string, status: MessageStatus): Promise<void> {
    const updated = await this.init.messages.updateStatus(groupConversation(groupId), id, status)
    if (updated != null) this.emit('group-status', { group: toHex(groupId), id, status: updated.status })
  }

  // ---------------------------------------------------------------------------------------------------------
  // members' records

  /** A member's directory record, cached for MEMBER_LOOKUP_TTL_MS (`fresh`: ask the network). */
  private async member (phone: string, options?: StoreOptions & { fresh?: boolean }): Promise<MemberRecord | undefined> {
    const held = this.lookups.get(phone)
    if (options?.fresh !== true && held != null && this.init.now() - held.at < MEMBER_LOOKUP_TTL_MS) return held.record
    const record = await this.init.directory.lookup(phone, options)
    this.lookups.set(phone, { at: this.init.now(), ...(record != null ? { record } : {}) })
    return record
  }

  /** Every relay that is a mailbox relay of some member (ours included): where a group message must be held. */
  private async groupRelays (state: GroupState, self: GroupSelf, options?: StoreOptions): Promise<string[]> {
    const relays = new Set(self.mailboxRelays)
    const others = state.members.filter(m => m.e164 !== self.phone)
    for (let i = 0; i < others.length; i += MAX_PARALLEL_LOOKUPS) {
      const records = await Promise.all(others.slice(i, i + MAX_PARALLEL_LOOKUPS).map(async m => await this.member(m.e164, options).catch(() => undefined)))
      for (const r of records) for (const relay of r?.mailboxRelays ?? []) relays.add(relay)
    }
    return [...relays]
  }
}

/** Invite links start so. */
export const INVITE_SCHEME = 'parley-group:'

/** The parts of an invite link; InvalidInviteLinkError for anything else. */
export function parseInviteLink (link: string): { groupId: Uint8Array, secret: Uint8Array, via: string } {
  const m = /^parley-group:([0-9a-f]{64})\?s=([0-9a-f]{64})&m=([^&]{1,40})$/.exec(typeof link === 'string' ? link.trim() : '')
  if (m == null) throw new InvalidInviteLinkError()
  let via: string
  try {
    via = decodeURIComponent(m[3])
  } catch {
    throw new InvalidInviteLinkError()
  }
  return { groupId: fromHex(m[1]), secret: fromHex(m[2]), via }
}

/** A group id given as 64 hex characters or 32 bytes. */
export function parseGroupId (group: string | Uint8Array): Uint8Array {
  if (group instanceof Uint8Array) {
    if (group.length !== 32) throw new UnknownGroupError('A group id is 32 bytes')
    return group
  }
  if (!/^[0-9a-f]{64}$/.test(group)) throw new UnknownGroupError('A group id is 64 hex characters')
  return fromHex(group)
}

/** The identity is a member and the number is the one the group knows it by (a number proven for another key is not this member). */
function isMemberAs (state: GroupState, identityKey: Uint8Array, e164: string): boolean {
  const m = findMember(state, identityKey)
  return m != null && m.e164 === e164
}
