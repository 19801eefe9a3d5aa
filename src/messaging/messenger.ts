/** 1:1 messaging for one device: send (outbox first), receive from direct streams and mailboxes, receipts, typing, profile sharing, history. Composes the messaging parts; knows nothing of the CLI or the page. */
import { SyncGroup, MAX_HISTORY_PAGE, encodeU64, decodeU64, type StoreOptions, type Conversation, type HistoryOptions, type KeyValueStore, type MessageStatus, type MessageStore, type OutboxEntry, type OutboxStore, type StoredMessage } from '../storage/index.js'
import { addressToString, type DeviceAddress, type SessionManager } from '../session/index.js'
import type { DialingNode } from '../protocols/request-response.js'
import type { AbortOptions } from '@libp2p/interface'
import type { MailboxNode } from '../protocols/mailbox/index.js'
import { DmServer, type DmComponents } from '../protocols/dm/index.js'
import type { LookupResult } from '../directory/index.js'
import { assertTextFits, isDirectConversation, decodeContent, encodeContent, newMessageId, MAX_RECEIPT_IDS, type Content, type MessageBody, type ProfileContent, type ReceiptType, type StateContent, type SyncedStore, type TextContent } from './content.js'
import type { EnvelopeParty } from './envelope.js'
import { NotOnParleyError, NotRegisteredError, UnverifiedNumberError } from './errors.js'
import { Inbound, type InboundInit, type InboundResult } from './inbound.js'
import { MailboxReceiver } from './mailbox-receiver.js'
import { Outbound } from './outbound.js'
import { Recipients, type RecipientLookupOptions } from './recipients.js'
import { SenderProof } from './sender-proof.js'
import { SeenEnvelopes } from './seen-envelopes.js'
import { ProfileShare, PROFILE_SHARE_RECENT } from './profile-share.js'
import { Emitter } from './emitter.js'
import { DeliveryTokens } from './delivery-token.js'
import { repairStuckTexts, type StuckTextsResult } from './stuck-texts.js'
import { OwedTexts } from './owed-texts.js'
import { DepositIdentity, type DepositNode } from './deposit-identity.js'
import { raceSignal } from '../util/abort.js'
import { knownAddresses, type AddressBookNode } from './relay-addresses.js'
import { fromString as fromBase64, toString as toBase64 } from 'uint8arrays'

/** A text not acknowledged by a device or relay within this time is marked failed (the mailbox TTL: a relay would drop it by then anyway). */
export const MESSAGE_TTL_MS = 30 * 24 * 60 * 60_000
/** A profile waits as long as a text (the mailbox TTL); one never delivered is queued again with the next text. */
export const PROFILE_TTL_MS = MESSAGE_TTL_MS
/** Receipts are worth less after a week. */
export const RECEIPT_TTL_MS = 7 * 24 * 60 * 60_000
/** A typing indicator is stale after this long (the sender repeats it while typing). */
export const TYPING_TTL_MS = 15_000
/**
 * A presence is stale after this long (dropped if it arrives later): it is only ever sent straight to a
 * reachable device, so it normally arrives within a second; the slack covers clock skew between devices.
 */
export const PRESENCE_TTL_MS = 60_000
/** Delivered receipts for messages that arrive together are sent as one receipt after this pause. */
const RECEIPT_COALESCE_MS = 50
/** How long send() waits for the directory before queueing anyway (the outbox retries the lookup). */
export const SEND_LOOKUP_TIMEOUT_MS = 15_000
/** At most one resend request per contact per hour: a contact whose envelopes keep failing to decrypt is not asked in a loop. */
const RESEND_REQUEST_INTERVAL_MS = 60 * 60_000
/** A contact's resend request is answered at most every 10 minutes: a hostile contact cannot make us re-send in a loop. */
const RESEND_ANSWER_INTERVAL_MS = 10 * 60_000
/** Most messages sent again for one request (a long outage on a busy chat), newest kept. */
const MAX_RESEND_MESSAGES = 500
/** Most history entries looked at for one request: bounds the work a request can cause. */
const RESEND_SCAN_LIMIT = 2_000

/** What this device says about itself in every message. */
export interface SelfInfo {
  phone: string
  /** our verifier attestation, so recipients can check our number without a lookup */
  attestation: Uint8Array
  /** our signed device certificate */
  certificate: Uint8Array
  mailboxRelays: string[]
  /** relays that were our mailboxes until recently: still collected from (senders may hold an old record), not waited for by drained() */
  retiredMailboxRelays?: string[]
}

export interface IncomingMessage {
  id: string
  from: string
  text: string
  timestamp: number
  receivedAt: number
  /** the sender's device */
  sender: DeviceAddress
  /** the media layer's attachment descriptor (base64), when the text is a file's caption */
  attachment?: string
}

/**
 * The event vocabulary of the SDK: the client facade forwards these under the same names and fields (a
 * contact is `phone`, the E.164 number; a message keeps `from`, its sender's number).
 */
export interface MessengerEvents {
  message: IncomingMessage
  /** one of our messages changed status */
  status: { phone: string, id: string, status: MessageStatus }
  typing: { phone: string, typing: boolean }
  /** `answer`: the contact's reply to our own announcement (not answered again) */
  presence: { phone: string, online: boolean, lastSeen?: number, answer?: boolean }
  /** a contact's profile newer than the one kept arrived (and is stored) */
  profile: { phone: string, name?: string, photo?: Uint8Array, updatedAt: number }
  relay: { relay: string, state: 'connected' | 'drained' | 'disconnected' }
  /**
   * an envelope that can never be read was dropped (acked, so it cannot block a mailbox): e.g. a contact
   * wrote on a session our restored backup cannot follow. `sender` when the seal opened; `reason` is the error name
   */
  undecryptable: { reason: string, sender?: DeviceAddress }
  /** a text one of our other devices sent (a sent transcript), now in history as sent */
  sent: { to: string, id: string, text: string, timestamp: number, sender: DeviceAddress, attachment?: string }
  /** one of our other devices read these messages of the chat with `phone` (marked read here too) */
  'read-sync': { phone: string, ids: string[] }
  /** another of our devices sent account state (profile, settings, device names, verified marks): it is stored */
  'account-state': { stores: SyncedStore[] }
  /** a contact's account linked or removed a device: it is looked up again before our next message */
  'contact-devices': { phone: string }
  error: unknown
}

/**
 * What the messenger needs of the libp2p node: dialing (delivery, mailboxes), its connections and peer store
 * (the addresses it knows for a relay), and, to serve the direct protocol, a registrar and logger.
 */
export type MessengerNode = DialingNode & MailboxNode & AddressBookNode & {
  handle: DmComponents['registrar']['handle']
  unhandle: DmComponents['registrar']['unhandle']
  logger: DmComponents['logger']
}

export interface MessengerInit {
  node: MessengerNode
  outbox: OutboxStore
  messages: MessageStore
  /** small key-value areas: sealed envelopes, proven senders */
  kv: (name: string) => KeyValueStore
  sessions: SessionManager
  identity: EnvelopeParty['identity']
  deviceId: number
  lookup: (e164: string, options?: RecipientLookupOptions) => Promise<LookupResult>
  self: (options?: StoreOptions) => Promise<SelfInfo | undefined>
  random: (n: number) => Uint8Array
  now: () => number
  /** send read receipts when messages are marked read @default true */
  readReceipts?: boolean
  /** our profile as contacts get it, or undefined while there is none (then nothing is shared) */
  profile?: (options?: StoreOptions) => Promise<ProfileContent | undefined>
  /**
   * stores a contact's profile inside the persist step of its envelope (options carry the sync group);
   * resolves false when it is not newer than the one kept. Without it contacts' profiles are dropped.
   */
  onProfile?: (from: string, profile: ProfileContent, options?: StoreOptions) => Promise<boolean>
  /** stores account state another of our devices sent (profile, settings, device names, verified marks) inside the persist step */
  onState?: (state: StateContent, options?: StoreOptions) => Promise<void>
  /**
   * makes a short-lived libp2p node with a fresh key that only dials (no listening, no services): mailbox
   * deposits leave from it, so relays never see our device's peer id on them. Absent: deposits leave from `node`.
   */
  createDepositNode?: () => Promise<DepositNode>
  /**
   * Rejects with IdentityNotAcceptedError while the user must accept the contact's new identity key first
   * (without `identityKey`: whether the contact is blocked at all). send() fails then, and queued entries
   * wait, not encrypted to the new key, until `release(to)`.
   */
  accepted?: (to: string, identityKey?: Uint8Array, options?: StoreOptions) => Promise<void>
  /**
   * Linked devices: whether our account has other devices (then texts we send and chats we read are told to
   * them: sent transcripts, read syncs), and the seq of our newest directory record (every message says it,
   * so contacts holding an older device list look again). Absent: one device, seq not said.
   */
  linkedDevices?: (options?: StoreOptions) => Promise<{ others: boolean, recordSeq: number }>
  /**
   * Groups: takes a group control payload from a proven sender inside the persist step of its envelope (see
   * InboundInit.onGroup). Absent: group control is dropped.
   */
  onGroup?: InboundInit['onGroup']
  /** Calls: takes a call signal from a proven sender inside the persist step of its envelope (see InboundInit.onCall). Absent: call signals are dropped. */
  onCall?: InboundInit['onCall']
  /** Groups: a control payload sent with sendGroupControl left the outbox: every device took it ('sent') or its TTL passed ('failed') */
  onGroupSettled?: (to: string, id: string, status: 'sent' | 'failed', options?: StoreOptions) => Promise<void>
}

/** What an outbox entry of the messenger carries (the outbox store's `kind`). */
type OutboxKind = 'message' | 'receipt' | 'resend' | 'profile' | 'sync' | 'devices' | 'group' | 'call'

/** The text content that carries a stored outgoing message (again, after a retry, a resend or a repair): its reply and attachment included. */
function textOf (m: StoredMessage): TextContent {
  return {
    kind: 'text', id: m.id, text: m.text, timestamp: m.timestamp,
    ...(m.quoteId != null ? { quoteId: m.quoteId } : {}),
    ...(m.attachment != null ? { attachment: fromBase64(m.attachment, 'base64') } : {})
  }
}

export class Messenger extends Emitter<MessengerEvents> {
  readonly outbound: Outbound
  private readonly inbound: Inbound
  private readonly receiver: MailboxReceiver
  private readonly recipients: Recipients
  private readonly proof: SenderProof
  private readonly seenEnvelopes: SeenEnvelopes
  /** texts stored whose event or delivered receipt is still owed */
  private readonly owed: OwedTexts
  /** texts announced by this process whose receipt is not queued yet ("from/id"): start-up's look at the marks skips them */
  private readonly announcedHere = new Set<string>()
  private readonly profiles: ProfileShare
  /** our mailbox delivery token and the ones contacts gave us */
  readonly deliveryTokens: DeliveryTokens
  /** the short-lived identity deposits leave from, when a factory was given */
  readonly depositIdentity?: DepositIdentity
  private lastCreatedAt = 0
  /** whether start() looked for stuck texts (once per process), and the look while it runs */
  private repaired = false
  private repairing?: Promise<void>
  private readonly receiptQueue = new Map<string, string[]>()
  /** when each contact's last resend request was answered (ms) */
  private readonly resendAnswered = new Map<string, number>()
  private receiptTimer?: ReturnType<typeof setTimeout>
  /** receipts being put into the outbox by the coalescing timer */
  private receiptFlush?: Promise<void>
  /** envelopes dropped as undecryptable since start (see the 'undecryptable' event) */
  undecryptable = 0
  /** the direct protocol's server, from the first start() on */
  private dm?: DmServer

  constructor (private readonly init: MessengerInit) {
    super()
    this.recipients = new Recipients(init.lookup, init.now)
    // a sender's proof and our deliveries to that number share the directory's answers (Recipients)
    this.proof = new SenderProof({ store: init.kv('senders'), lookup: async (e164, options) => await this.recipients.lookup(e164, options), recent: e164 => this.recipients.recent(e164) })
    this.profiles = new ProfileShare({ store: init.kv('profile-shared'), current: async options => await init.profile?.(options) })
    this.deliveryTokens = new DeliveryTokens({ own: init.kv('delivery-token'), contacts: init.kv('delivery-tokens'), random: init.random })
    if (init.createDepositNode != null) this.depositIdentity = new DepositIdentity({ create: init.createDepositNode, now: init.now, onError: err => this.emit('error', err) })
    const party = async (options?: StoreOptions): Promise<EnvelopeParty | undefined> => {
      const self = await init.self(options)
      return self == null ? undefined : { identity: init.identity, certificate: self.certificate, sessions: init.sessions, random: init.random }
    }
    this.outbound = new Outbound({
      node: init.node,
      outbox: init.outbox,
      sealed: init.kv('sealed'),
      sessions: init.sessions,
      recipients: this.recipients,
      party,
      self: { identityKey: init.identity.publicKey, deviceId: init.deviceId },
      now: init.now,
      onStatus: async (conversation, id, status, options) => { await this.setStatus(conversation, id, status, options) },
      onSettled: async (entry, status, options) => {
        if (entry.kind === 'group') {
          if (status === 'sent' || status === 'failed') await init.onGroupSettled?.(entry.to, entry.id, status, options)
          return
        }
        if (entry.kind !== 'profile' || status !== 'failed') return
        const body = decodeContent(entry.payload).body
        if (body.kind === 'profile') await this.profiles.failed(entry.to, body.updatedAt, options)
      },
      onError: err => this.emit('error', err),
      ...(this.depositIdentity != null ? { depositIdentity: this.depositIdentity } : {}),
      deliveryToken: async (identityKey, options) => await this.deliveryTokens.of(identityKey, options),
      // a deposit also tries the addresses our node knows for the relay (see OutboundInit.relayAddresses)
      relayAddresses: async (relay, options) => await knownAddresses(init.node, relay, options),
      ...(init.accepted != null ? { accepted: init.accepted } : {})
    })
    this.seenEnvelopes = new SeenEnvelopes(init.kv('seen-envelopes'), init.now)
    this.owed = new OwedTexts(init.kv('owed-texts'))
    this.inbound = new Inbound({
      owed: this.owed,
      party,
      messages: init.messages,
      proof: this.proof,
      seen: this.seenEnvelopes,
      now: init.now,
      onReceipt: async (from, body, options) => {
        for (const id of body.ids) await this.setStatus(from, id, body.type === 'read' ? 'read' : 'delivered', options)
      },
      onProfile: async (from, body, options) => await init.onProfile?.(from, body, options) ?? false,
      onState: async (body, options) => { await init.onState?.(body, options) },
      ...(init.onGroup != null ? { onGroup: init.onGroup } : {}),
      ...(init.onCall != null ? { onCall: init.onCall } : {}),
      onError: err => this.emit('error', err)
    })
    this.receiver = new MailboxReceiver({
      node: init.node,
      identity: init.identity,
      deviceId: init.deviceId,
      handle: async (envelope, options) => { await this.receive(envelope, options) },
      onState: (relay, state) => this.emit('relay', { relay, state }),
      onError: err => this.emit('error', err),
      deliveryToken: async options => await this.deliveryTokens.own(options)
    })
  }

  /**
   * Starts taking messages: serves the direct protocol (envelopes go straight to receiveBatch), and, when
   * registered, follows the mailbox relays; delivers the outbox. Safe to call again after registration.
   */
  async start (options?: StoreOptions): Promise<void> {
    if (this.dm == null) {
      const node = this.init.node
      this.dm = new DmServer({
        registrar: { handle: async (p, h, o) => { await node.handle(p, h, o) }, unhandle: async (p, o) => { await node.unhandle(p, o) } },
        logger: node.logger
      }, { backend: this })
      await this.dm.start()
    }
    const self = await this.init.self(options)
    if (self != null) await this.receiver.follow(self.mailboxRelays, self.retiredMailboxRelays ?? [])
    this.outbound.wake()
    // texts a crash left pending with no outbox entry (stores of older builds) are queued again, in the
    // background: start() returns at once, as events emitted before its caller listens would go unseen
    if (!this.repaired && self != null) {
      this.repaired = true
      this.repairing = (async () => {
        await this.payOwed()
        const r = await this.repairStuckTexts()
        if (r.queued > 0) this.outbound.wake()
      })().catch(err => this.emit('error', err))
    }
    // envelopes older than any relay keeps are forgotten, in the background
    this.seenEnvelopes.prune().catch(err => this.emit('error', err))
  }

  private async repairStuckTexts (options?: StoreOptions): Promise<StuckTextsResult> {
    return await repairStuckTexts({
      messages: this.init.messages,
      outbox: this.init.outbox,
      now: this.init.now,
      ttl: MESSAGE_TTL_MS,
      fail: async (m, options) => { await this.setStatus(m.conversation, m.id, 'failed', options) },
      entryFor: async (m, options) => {
        const self = await this.init.self(options)
        return self == null ? undefined : await this.outboxEntry(m.conversation, 'message', m.id, textOf(m), self, m.timestamp, MESSAGE_TTL_MS, options)
      }
    }, options)
  }

  /** Delivers the outbox only (a device that does not take messages: no start()). */
  deliver (): void {
    this.outbound.wake()
  }

  /** Resolves once every mailbox relay has delivered what it held when we connected. */
  async drained (options?: StoreOptions): Promise<void> {
    await this.receiver.drained(options)
  }

  /** One envelope from the direct protocol or a mailbox: resolves once it is persisted (or deliberately dropped). */
  async receive (envelope: Uint8Array, options?: StoreOptions): Promise<void> {
    const [error] = await this.receiveBatch([envelope], options)
    if (error != null) throw error
  }

  /**
   * Envelopes that arrived together (a window of pipelined dm frames): each is opened and stored as in
   * `receive`, in order, but all their writes (messages, sessions, statuses) become durable with ONE
   * sync at the end. Resolves with one entry per envelope: undefined = persisted or deliberately
   * dropped (ack it), an error = not stored (refuse it). Rejects when the final sync failed: ack none.
   * Events ('message', …) are emitted only after the sync. With `options.syncGroup` the caller owns the
   * sync (the mailbox receiver flushes once per ack batch): then events come before it.
   */
  async receiveBatch (envelopes: Uint8Array[], options?: StoreOptions): Promise<Array<Error | undefined>> {
    const group = options?.syncGroup ?? new SyncGroup()
    const results: Array<{ result?: InboundResult, error?: Error }> = []
    for (const envelope of envelopes) {
      try {
        results.push({ result: await this.inbound.receive(envelope, { ...options, syncGroup: group }) })
      } catch (err) {
        results.push({ error: err as Error })
      }
    }
    if (options?.syncGroup == null) await group.flush(options)
    for (const r of results) if (r.result != null) this.after(r.result)
    return results.map(r => r.error)
  }

  private after (result: InboundResult): void {
    if (result.kind === 'undecryptable') {
      this.undecryptable++
      this.emit('undecryptable', { reason: result.reason, ...(result.sender != null ? { sender: result.sender } : {}) })
      if (result.sender != null) this.requestResend(result.sender).catch(err => this.emit('error', err))
      return
    }
    if (result.kind !== 'new') return
    this.outbound.deviceSeen(addressToString(result.sender))
    // the token is bound to the identity that sealed the envelope: nobody can set another identity's token
    if (result.content.deliveryToken != null) this.deliveryTokens.learn(result.sender.identityKey, result.content.deliveryToken).catch(err => this.emit('error', err))
    const body = result.content.body
    const fresh = result.content.expiresAt == null || result.content.expiresAt > this.init.now()
    // the sender knows a newer device list of its account than the one we hold: look again before writing to it
    const known = this.recipients.recent(result.from)
    if (result.content.senderRecordSeq != null && known != null && known.seq < result.content.senderRecordSeq) this.recipients.forget(result.from)
    switch (body.kind) {
      case 'sent':
        if (result.stored == null) return
        this.emit('sent', { to: body.to, id: body.id, text: body.text, timestamp: body.timestamp, sender: result.sender, ...(result.stored.attachment != null ? { attachment: result.stored.attachment } : {}) })
        break
      case 'read-sync':
        this.emit('read-sync', { phone: body.chat, ids: body.ids })
        break
      case 'state':
        this.emit('account-state', { stores: body.stores.map(st => st.name) })
        break
      case 'devices':
        this.recipients.forget(result.from)
        this.emit('contact-devices', { phone: result.from })
        break
      case 'text':
        if (result.stored == null) return
        this.announce(result.stored, result.sender)
        break
      case 'typing':
        if (fresh) this.emit('typing', { phone: result.from, typing: body.typing })
        break
      case 'resend':
        this.answerResend(result.from).catch(err => this.emit('error', err))
        break
      case 'presence':
        if (fresh) this.emit('presence', { phone: result.from, online: body.online, ...(body.lastSeen != null ? { lastSeen: body.lastSeen } : {}), ...(body.answer === true ? { answer: true } : {}) })
        break
      case 'group':
      case 'call':
        result.after?.()
        break
      case 'profile':
        this.emit('profile', { phone: result.from, ...(body.name != null ? { name: body.name } : {}), ...(body.photo != null ? { photo: body.photo } : {}), updatedAt: body.updatedAt })
        break
    }
  }

  /** The 'message' event of a stored text, its mark moved on to "receipt owed", the receipt queued. */
  private announce (m: StoredMessage, sender: DeviceAddress): void {
    const k = `${m.conversation}/${m.id}`
    if (this.announcedHere.has(k)) return
    this.announcedHere.add(k)
    this.emit('message', { id: m.id, from: m.conversation, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt, sender, ...(m.attachment != null ? { attachment: m.attachment } : {}) })
    this.owed.announced(m.conversation, m.id, sender).catch(err => this.emit('error', err))
    this.queueReceipt(m.conversation, m.id)
  }

  /**
   * What a crash left owed: texts stored but never announced are announced now (the facade holds them for its
   * first listener), and every owed delivered receipt is queued (a receipt waiting out its coalescing pause,
   * or a text whose later copies were silent duplicates, left the sender at ✓ for ever).
   */
  private async payOwed (options?: StoreOptions): Promise<number> {
    let n = 0
    for await (const t of this.owed.list(options)) {
      n++
      // the list is a snapshot: a text announced and receipted by this process since is settled (no mark)
      const now = await this.owed.current(t.from, t.id, options)
      if (now == null) continue
      if (!now.announced) {
        const m = await this.init.messages.get(t.from, t.id, options)
        if (m != null && m.direction === 'in') {
          this.announce(m, t.sender)
          continue
        }
      }
      if (!this.announcedHere.has(`${t.from}/${t.id}`)) this.queueReceipt(t.from, t.id)
    }
    return n
  }

  private async setStatus (conversation: string, id: string, status: MessageStatus, options?: StoreOptions): Promise<void> {
    const updated = await this.init.messages.updateStatus(conversation, id, status, options)
    if (updated != null) this.emit('status', { phone: conversation, id, status: updated.status })
  }

  private async requireSelf (options?: StoreOptions): Promise<SelfInfo> {
    const self = await this.init.self(options)
    if (self == null) throw new NotRegisteredError()
    return self
  }

  /** Creation times strictly increase, so the outbox keeps the order messages were written in. */
  private stamp (): number {
    this.lastCreatedAt = Math.max(this.init.now(), this.lastCreatedAt + 1)
    return this.lastCreatedAt
  }

  private async enqueue (to: string, kind: OutboxKind, id: string, body: MessageBody, self: SelfInfo, createdAt: number, ttl: number, options?: StoreOptions): Promise<void> {
    await this.init.outbox.put(await this.outboxEntry(to, kind, id, body, self, createdAt, ttl, options), options)
  }

  private async outboxEntry (to: string, kind: OutboxKind, id: string, body: MessageBody, self: SelfInfo, createdAt: number, ttl: number, options?: StoreOptions): Promise<OutboxEntry> {
    // texts (and the profile queued before them) carry our delivery token: whom we write to may deposit at our
    // relays with the full quota. Receipts go to whoever wrote to us, so they never carry it
    const token = kind === 'message' || kind === 'profile' ? await this.deliveryTokens.own(options) : undefined
    const linked = await this.init.linkedDevices?.(options)
    const content: Content = { senderE164: self.phone, attestation: self.attestation, body, ...(token != null ? { deliveryToken: token } : {}), ...(linked != null && linked.recordSeq > 0 ? { senderRecordSeq: linked.recordSeq } : {}) }
    return { id, to, kind, payload: encodeContent(content), createdAt, expiresAt: createdAt + ttl, attempts: 0, nextAttemptAt: createdAt }
  }

  /**
   * The checks send() makes before it stores anything, for a caller that has work to do first (a file to upload):
   * NotOnParleyError, UnverifiedNumberError, IdentityNotAcceptedError. A directory that cannot answer now is not an
   * error (delivery looks the number up again), as for send().
   */
  async checkRecipient (to: string, options?: AbortOptions): Promise<void> {
    await this.requireSelf(options)
    await this.init.accepted?.(to, undefined, options)
    const known = await this.init.messages.conversation(to, options) != null
    if (known) {
      if (this.recipients.knownUntrusted(to)) throw new UnverifiedNumberError()
      return
    }
    try {
      await this.recipients.resolve(to, { signal: AbortSignal.any([AbortSignal.timeout(SEND_LOOKUP_TIMEOUT_MS), ...(options?.signal != null ? [options.signal] : [])]) })
    } catch (err) {
      if (err instanceof NotOnParleyError || err instanceof UnverifiedNumberError) throw err
      options?.signal?.throwIfAborted()
    }
  }

  /**
   * Sends a text to a number (E.164). The message is in history and the outbox before this resolves;
   * delivery goes on in the background ('status' events: sent, delivered, read, or failed).
   * NotOnParleyError when the directory says the number is not registered, UnverifiedNumberError when its
   * record has no attestation from a verifier we trust, IdentityNotAcceptedError when the user verified the
   * contact and its key changed since (nothing is stored then).
   */
  async send (to: string, text: string, options?: StoreOptions & { quoteId?: string, attachment?: Uint8Array, id?: string }): Promise<StoredMessage> {
    assertTextFits(text)
    const self = await this.requireSelf(options)
    await this.init.accepted?.(to, undefined, options)
    const lookup = this.recipients.resolve(to, { signal: AbortSignal.any([AbortSignal.timeout(SEND_LOOKUP_TIMEOUT_MS), ...(options?.signal != null ? [options.signal] : [])]) })
    // a number we have a conversation with is known to be on Parley: queue at once (delivery shares the lookup);
    // a new number waits for the directory, so "not on Parley" is said before anything is stored
    const known = await this.init.messages.conversation(to, options) != null
    // a known conversation does not wait for the directory, but an answer without a trusted attestation seen
    // within the cache time is said at once (the outbox holds what was queued before it)
    if (known && this.recipients.knownUntrusted(to)) {
      lookup.catch(() => {})
      throw new UnverifiedNumberError()
    }
    if (known) lookup.catch(() => {})
    else {
      try {
        await lookup
      } catch (err) {
        if (err instanceof NotOnParleyError || err instanceof UnverifiedNumberError) throw err
        options?.signal?.throwIfAborted()
        // the directory is unreachable now: queue it; delivery looks the number up again
      }
    }
    // the text's history and its outbox entry are one atomic write: a crash leaves both or neither (never a
    // pending text nobody sends, nor a delivery the user never saw); all writes become durable with one sync
    // (in log order) before send resolves
    const group = new SyncGroup()
    const grouped = { ...options, syncGroup: group }
    try {
      // a contact without our current profile gets it first (created earlier, so delivered before the text)
      await this.queueProfile(to, self, grouped)
      const createdAt = this.stamp()
      const id = options?.id ?? newMessageId(this.init.random)
      const message: StoredMessage = {
        id, conversation: to, direction: 'out', sender: self.phone, text, timestamp: createdAt, receivedAt: createdAt, status: 'pending',
        ...(options?.quoteId != null ? { quoteId: options.quoteId } : {}),
        ...(options?.attachment != null ? { attachment: toBase64(options.attachment, 'base64') } : {})
      }
      const body = textOf(message)
      const entry = await this.outboxEntry(to, 'message', id, body, self, createdAt, MESSAGE_TTL_MS, grouped)
      // our other devices get a transcript in the same write: the text shows there as sent, whatever happens here
      const transcript = (await this.init.linkedDevices?.(grouped))?.others === true
        ? await this.outboxEntry(self.phone, 'sync', newMessageId(this.init.random), { ...body, kind: 'sent', to }, self, createdAt, MESSAGE_TTL_MS, grouped)
        : undefined
      await this.init.messages.addOutgoing(message, { ...grouped, with: [this.init.outbox.prepareInsert(entry), ...(transcript != null ? [this.init.outbox.prepareInsert(transcript)] : [])] })
      await group.flush(options)
      this.outbound.wake()
      return message
    } catch (err) {
      this.profiles.unclaim(to)
      throw err
    }
  }

  /**
   * Sends a failed text again under its id, with a fresh time to live: it is 'pending' again (status event),
   * then sent, delivered… as usual. The status and the outbox entry change in one atomic write. Resolves
   * false when `id` is not one of our texts to `to` that failed (nothing changes then).
   */
  async retry (to: string, id: string, options?: StoreOptions): Promise<boolean> {
    const self = await this.requireSelf(options)
    const m = await this.init.messages.get(to, id, options)
    if (m == null || m.direction !== 'out' || m.status !== 'failed') return false
    const entry = await this.outboxEntry(to, 'message', id, textOf(m), self, this.stamp(), MESSAGE_TTL_MS, options)
    const group = new SyncGroup()
    const updated = await this.init.messages.updateStatus(to, id, 'pending', { ...options, syncGroup: group, with: [this.init.outbox.prepareInsert(entry)] })
    await group.flush(options)
    if (updated == null) return false
    this.emit('status', { phone: to, id, status: 'pending' })
    this.outbound.wake()
    return true
  }

  /** Queues our current profile for `to` unless that version is queued there already; true when queued. Writes with the options' sync group. */
  private async queueProfile (to: string, self: SelfInfo, options: StoreOptions): Promise<boolean> {
    const profile = await this.profiles.claim(to, options)
    if (profile == null) return false
    const createdAt = this.stamp()
    try {
      await this.enqueue(to, 'profile', newMessageId(this.init.random), profile, self, createdAt, PROFILE_TTL_MS, options)
    } catch (err) {
      // the claim's mark is in the store already (a sync group defers only its fsync): mark this version
      // undelivered there too, or it would never go to `to`
      await this.profiles.failed(to, profile.updatedAt, options).catch(() => {})
      this.profiles.unclaim(to)
      throw err
    }
    return true
  }

  /**
   * Our profile changed: queues it (through the outbox, like texts) for the contacts of the
   * PROFILE_SHARE_RECENT most recent conversations that we wrote to and that do not have this version.
   * Conversations where only the contact wrote do not get it until we answer. Resolves with how many were queued.
   */
  async shareProfile (options?: StoreOptions): Promise<number> {
    const self = await this.init.self(options)
    if (self == null) return 0
    const conversations = await this.init.messages.conversations({ ...options, limit: PROFILE_SHARE_RECENT })
    const group = new SyncGroup()
    const grouped = { ...options, syncGroup: group }
    const queued: string[] = []
    try {
      for (const c of conversations) {
        if (!isDirectConversation(c.address)) continue
        const wrote = await this.profiles.shared(c.address, options) >= 0 || c.lastMessage.direction === 'out'
        if (wrote && await this.queueProfile(c.address, self, grouped)) queued.push(c.address)
      }
      await group.flush(options)
    } catch (err) {
      for (const to of queued) this.profiles.unclaim(to)
      throw err
    }
    if (queued.length > 0) this.outbound.wake()
    return queued.length
  }

  /** The contact has a new identity key (a reinstalled device lost what we sent): our next text carries our profile again. */
  async forgetProfileShared (to: string, options?: StoreOptions): Promise<void> {
    await this.profiles.forget(to, options)
  }

  /** Resolves with the status once one of `statuses` is reached (or is already). */
  async waitForStatus (conversation: string, id: string, statuses: MessageStatus[], options?: StoreOptions): Promise<MessageStatus> {
    options?.signal?.throwIfAborted()
    let onStatus: ((e: MessengerEvents['status']) => void) | undefined
    try {
      return await raceSignal(new Promise<MessageStatus>((resolve, reject) => {
        onStatus = e => { if (e.phone === conversation && e.id === id && statuses.includes(e.status)) resolve(e.status) }
        this.on('status', onStatus)
        this.init.messages.get(conversation, id).then(m => { if (m != null && statuses.includes(m.status)) resolve(m.status) }, reject)
      }), options?.signal)
    } finally {
      if (onStatus != null) this.off('status', onStatus)
    }
  }

  private queueReceipt (to: string, id: string): void {
    this.receiptQueue.set(to, [...(this.receiptQueue.get(to) ?? []), id])
    this.receiptTimer ??= setTimeout(() => {
      this.receiptTimer = undefined
      this.receiptFlush = this.flushReceipts().catch(err => this.emit('error', err))
    }, RECEIPT_COALESCE_MS)
  }

  /**
   * Puts the delivered receipts still waiting out their RECEIPT_COALESCE_MS into the outbox now, and waits for
   * receipts already on their way there: after this, the outbox holds every receipt owed (a one-shot `receive`
   * that checked the outbox before used to exit with its receipts not yet queued).
   */
  async flushQueuedReceipts (): Promise<void> {
    if (this.receiptTimer != null) {
      clearTimeout(this.receiptTimer)
      this.receiptTimer = undefined
      this.receiptFlush = this.flushReceipts().catch(err => this.emit('error', err))
    }
    await this.receiptFlush
  }

  /** Queued delivered receipts into the outbox, each chunk in one write with the deletion of its texts' marks. */
  private async flushReceipts (): Promise<void> {
    const queued = [...this.receiptQueue.entries()]
    this.receiptQueue.clear()
    const self = await this.init.self()
    if (self == null) return
    for (const [to, ids] of queued) {
      for (let i = 0; i < ids.length; i += MAX_RECEIPT_IDS) {
        const chunk = ids.slice(i, i + MAX_RECEIPT_IDS)
        const createdAt = this.stamp()
        const entry = await this.outboxEntry(to, 'receipt', newMessageId(this.init.random), { kind: 'receipt', type: 'delivered', ids: chunk, timestamp: createdAt }, self, createdAt, RECEIPT_TTL_MS)
        await this.owed.settle(to, chunk, [this.init.outbox.prepareInsert(entry)])
        for (const id of chunk) this.announcedHere.delete(`${to}/${id}`)
      }
    }
    this.outbound.wake()
  }

  /** Queues a receipt for these message ids (chunked), delivered like a message. */
  async sendReceipt (to: string, type: ReceiptType, ids: string[], options?: StoreOptions): Promise<void> {
    const self = await this.init.self(options)
    if (self == null || ids.length === 0) return
    for (let i = 0; i < ids.length; i += MAX_RECEIPT_IDS) {
      const createdAt = this.stamp()
      await this.enqueue(to, 'receipt', newMessageId(this.init.random), { kind: 'receipt', type, ids: ids.slice(i, i + MAX_RECEIPT_IDS), timestamp: createdAt }, self, createdAt, RECEIPT_TTL_MS, options)
    }
    this.outbound.wake()
  }

  /**
   * A contact's envelope could not be decrypted (its session is one our restored backup cannot follow, or
   * broke): ask the contact, in a new session, to send again what we never confirmed as delivered.
   * Only for a device whose number we proved before; at most once per RESEND_REQUEST_INTERVAL_MS (persisted).
   */
  private async requestResend (sender: DeviceAddress, options?: StoreOptions): Promise<void> {
    const to = await this.proof.numberOf(sender.identityKey, options)
    const self = await this.init.self(options)
    if (to == null || self == null) return
    const asked = this.init.kv('resend-asked')
    const last = await asked.get(to, options)
    const now = this.init.now()
    if (last != null && last.length === 8 && now - decodeU64(last) < RESEND_REQUEST_INTERVAL_MS) return
    await asked.put(to, encodeU64(now), { ...options, sync: true })
    const createdAt = this.stamp()
    await this.enqueue(to, 'resend', newMessageId(this.init.random), { kind: 'resend', timestamp: createdAt }, self, createdAt, RECEIPT_TTL_MS, options)
    this.outbound.wake()
  }

  /**
   * A contact asked for our messages again: every text to it still 'sent' (stored by a device or relay but
   * never confirmed delivered) within MESSAGE_TTL_MS is queued again with its id, text and time (the
   * contact dedups by id); entries still in the outbox are re-encrypted, since their sealed copies use a
   * session the contact lost. At most every RESEND_ANSWER_INTERVAL_MS per contact.
   */
  private async answerResend (to: string, options?: StoreOptions): Promise<void> {
    const now = this.init.now()
    const last = this.resendAnswered.get(to)
    if (last != null && now - last < RESEND_ANSWER_INTERVAL_MS) return
    this.resendAnswered.set(to, now)
    const self = await this.init.self(options)
    if (self == null) return
    const unconfirmed: StoredMessage[] = []
    let before: { timestamp: number, id: string } | undefined
    for (let scanned = 0; scanned < RESEND_SCAN_LIMIT;) {
      const page = await this.init.messages.history(to, { ...options, limit: MAX_HISTORY_PAGE, ...(before != null ? { before } : {}) })
      if (page.length === 0) break
      scanned += page.length
      const oldest = page[page.length - 1]
      for (const m of page) if (m.direction === 'out' && m.status === 'sent' && m.timestamp + MESSAGE_TTL_MS > now) unconfirmed.push(m)
      if (oldest.timestamp + MESSAGE_TTL_MS <= now) break
      before = { timestamp: oldest.timestamp, id: oldest.id }
    }
    const queued = new Set(await this.outbound.reseal(to, options))
    const again = unconfirmed.filter(m => !queued.has(m.id)).sort((a, b) => a.timestamp - b.timestamp).slice(-MAX_RESEND_MESSAGES)
    const group = new SyncGroup()
    // what the contact could not read may have held our profile: one we had sent it goes again first (the same
    // version is no news to a contact that has it); a contact we never wrote to gets none
    if (await this.profiles.shared(to, options) > 0) {
      await this.profiles.forget(to, { ...options, syncGroup: group })
      await this.queueProfile(to, self, { ...options, syncGroup: group })
    }
    for (const m of again) {
      await this.enqueue(to, 'message', m.id, textOf(m), self, this.stamp(), MESSAGE_TTL_MS, { ...options, syncGroup: group })
    }
    await group.flush(options)
    this.outbound.wake()
  }

  /** The contact's key changed: the next delivery looks the number up again instead of using a cached record of the old key. */
  forgetRecipient (to: string): void {
    this.recipients.forget(to)
  }

  /** The user accepted the contact's new key: its held entries go out now (encrypted to that key). */
  async release (to: string, options?: StoreOptions): Promise<void> {
    await this.outbound.release(to, options)
  }

  /** Tells our other devices that these messages of `conversation` were read here (no-op with one device). */
  private async syncRead (conversation: string, ids: string[], options?: StoreOptions): Promise<void> {
    if ((await this.init.linkedDevices?.(options))?.others !== true) return
    const self = await this.requireSelf(options)
    const createdAt = this.stamp()
    for (let i = 0; i < ids.length; i += MAX_RECEIPT_IDS) {
      await this.enqueue(self.phone, 'sync', newMessageId(this.init.random), { kind: 'read-sync', chat: conversation, ids: ids.slice(i, i + MAX_RECEIPT_IDS) }, self, createdAt, RECEIPT_TTL_MS, options)
    }
    this.outbound.wake()
  }

  /**
   * Tells these contacts that our account's device list changed (a device linked or removed; our record's seq
   * is now `seq`): they look us up again before they next write, so a new device gets their messages and a
   * removed one nothing more. Reliable like a receipt (outbox, relays).
   */
  async announceDevices (contacts: string[], seq: number, options?: StoreOptions): Promise<void> {
    const self = await this.requireSelf(options)
    const createdAt = this.stamp()
    for (const to of contacts) await this.enqueue(to, 'devices', newMessageId(this.init.random), { kind: 'devices', seq }, self, createdAt, RECEIPT_TTL_MS, options)
    this.outbound.wake()
  }

  /**
   * Groups: sends a control payload (the group layer's bytes) to every device of `to` (our own number: our other
   * devices), reliably like a text (outbox, direct path, relays, retries until `ttlMs`). Resolves with the outbox
   * entry's id once it is queued (durable, or, with `options.syncGroup`, durable at that group's flush);
   * `onGroupSettled` tells when it left the outbox.
   */
  async sendGroupControl (to: string, control: Uint8Array, options?: StoreOptions & { ttlMs?: number }): Promise<string> {
    const self = await this.requireSelf(options)
    const id = newMessageId(this.init.random)
    await this.enqueue(to, 'group', id, { kind: 'group', control }, self, this.stamp(), options?.ttlMs ?? MESSAGE_TTL_MS, options)
    this.outbound.wake()
    return id
  }

  /**
   * Calls: sends a call signal (the call layer's bytes) to every device of `to`, reliably like a text (outbox,
   * direct path first, then the mailbox relays, so a ring reaches a device that is offline now) until `ttlMs`.
   * Signals to one number leave in the order they were queued. Resolves with the outbox entry's id once queued.
   */
  async sendCallSignal (to: string, signal: Uint8Array, options: StoreOptions & { ttlMs: number }): Promise<string> {
    const self = await this.requireSelf(options)
    const id = newMessageId(this.init.random)
    await this.enqueue(to, 'call', id, { kind: 'call', signal }, self, this.stamp(), options.ttlMs, options)
    this.outbound.wake()
    return id
  }

  /** Sends our other devices the whole of these account stores as they are here (no-op with one device). */
  async syncState (stores: StateContent['stores'], options?: StoreOptions): Promise<void> {
    if ((await this.init.linkedDevices?.(options))?.others !== true) return
    const self = await this.requireSelf(options)
    await this.enqueue(self.phone, 'sync', newMessageId(this.init.random), { kind: 'state', stores }, self, this.stamp(), MESSAGE_TTL_MS, options)
    this.outbound.wake()
  }

  /** Turns read receipts on or off from now on (a user setting). */
  setReadReceipts (on: boolean): void {
    this.init.readReceipts = on
  }

  /** Marks a conversation's incoming messages read (all, or up to a timestamp) and tells the sender unless read receipts are off. */
  async markRead (conversation: string, upTo?: number, options?: StoreOptions): Promise<string[]> {
    const ids = await this.init.messages.markRead(conversation, upTo, options)
    if (ids.length > 0 && this.init.readReceipts !== false) await this.sendReceipt(conversation, 'read', ids, options)
    if (ids.length > 0) await this.syncRead(conversation, ids, options)
    return ids
  }

  /** Tells a contact we are (not) typing. Ephemeral: sent only straight to a reachable device, never stored at relays. Resolves true when a device took it. */
  async sendTyping (to: string, typing: boolean, options?: StoreOptions): Promise<boolean> {
    const self = await this.requireSelf(options)
    const now = this.init.now()
    const payload = encodeContent({ senderE164: self.phone, attestation: self.attestation, body: { kind: 'typing', typing, timestamp: now }, expiresAt: now + TYPING_TTL_MS })
    return await this.outbound.sendEphemeral(to, payload, options)
  }

  /**
   * Tells a contact we are online, or offline since `lastSeen`. Ephemeral like typing: only straight to a
   * reachable device we have a session with, never stored at relays. Resolves true when a device took it.
   * `answer` marks the reply to a contact's announcement, which the contact does not answer again.
   */
  async sendPresence (to: string, online: boolean, options?: StoreOptions & { lastSeen?: number, answer?: boolean }): Promise<boolean> {
    const self = await this.requireSelf(options)
    const now = this.init.now()
    const body: MessageBody = { kind: 'presence', online, ...(!online && options?.lastSeen != null ? { lastSeen: options.lastSeen } : {}), ...(options?.answer === true ? { answer: true } : {}) }
    const payload = encodeContent({ senderE164: self.phone, attestation: self.attestation, body, expiresAt: now + PRESENCE_TTL_MS })
    return await this.outbound.sendEphemeral(to, payload, options)
  }

  async history (conversation: string, options?: HistoryOptions): Promise<StoredMessage[]> {
    return await this.init.messages.history(conversation, options)
  }

  async conversations (options?: StoreOptions & { limit?: number }): Promise<Conversation[]> {
    return await this.init.messages.conversations(options)
  }

  /** The number a peer's identity key was proven to belong to, if any. */
  async numberOf (identityKey: Uint8Array, options?: StoreOptions): Promise<string | undefined> {
    return await this.proof.numberOf(identityKey, options)
  }

  /** Outgoing entries not yet acknowledged. */
  async pendingCount (options?: StoreOptions): Promise<number> {
    return await this.init.outbox.count(options)
  }

  async stop (): Promise<void> {
    if (this.receiptTimer != null) {
      clearTimeout(this.receiptTimer)
      this.receiptTimer = undefined
      await this.flushReceipts().catch(() => {})
    }
    await this.repairing
    await this.receiver.stop()
    await this.outbound.stop()
    await this.dm?.stop()
  }
}

