/** Takes one envelope from any path (direct or mailbox), opens and decrypts it, checks who sent it, stores what it says before the session advances, and reports it. Resolving means "persisted or deliberately dropped": the caller may ack. Knows nothing of transports. */
import { constantTimeEqual } from '../crypto/bytes.js'
import type { StoreOptions, MessageStore, StoredMessage } from '../storage/index.js'
import { SessionError, type DeviceAddress } from '../session/index.js'
import { CryptoError, DuplicateMessageError, ReplayedMessageError } from '../crypto/errors.js'
import { decodeContent, type Content, type MessageBody } from './content.js'
import { openEnvelope, type EnvelopeParty } from './envelope.js'
import { MalformedContentError, NotRegisteredError, UndecryptableEnvelopeError, UnprovenSenderError } from './errors.js'
import { toString as toBase64 } from 'uint8arrays'
import type { SenderProof } from './sender-proof.js'
import type { SeenEnvelopes } from './seen-envelopes.js'
import type { OwedTexts } from './owed-texts.js'

/** Errors that mean "we have this already": acked without effect. */
const already = (err: unknown): boolean => err instanceof DuplicateMessageError || err instanceof ReplayedMessageError
/**
 * Errors that mean "this envelope can never be read": it is dropped (acked) so it cannot block a mailbox. Any
 * failure of the crypto or session layer on an envelope (a broken seal, a signature, a key, a session that cannot
 * decrypt it) and the messaging layer's own two; anything else (storage, abort) is thrown and the envelope kept.
 */
const unreadable = (err: unknown): err is Error =>
  err instanceof CryptoError || err instanceof SessionError || err instanceof UndecryptableEnvelopeError || err instanceof MalformedContentError

export type InboundResult =
  | { kind: 'new', sender: DeviceAddress, from: string, content: Content, stored?: StoredMessage, after?: () => void }
  | { kind: 'duplicate' }
  | { kind: 'dropped', reason: string }
  /** could never be read (a session that cannot decrypt it, a broken seal): dropped and reported */
  | { kind: 'undecryptable', reason: string, sender?: DeviceAddress }

export interface InboundInit {
  party: () => Promise<EnvelopeParty | undefined>
  messages: MessageStore
  proof: SenderProof
  /** envelopes taken before: a copy is a duplicate without decrypting (its ratchet chain may be gone) */
  seen?: SeenEnvelopes
  now: () => number
  /** marks written with each new text (its announcement and receipt are owed until done) */
  owed?: OwedTexts
  /** called inside the persist step for receipts: move our message's status forward */
  onReceipt: (from: string, body: Extract<MessageBody, { kind: 'receipt' }>, options?: StoreOptions) => Promise<void>
  /** called inside the persist step for a contact's profile: store it; false when it is not newer than the one kept (then it is a duplicate) */
  onProfile?: (from: string, body: Extract<MessageBody, { kind: 'profile' }>, options?: StoreOptions) => Promise<boolean>
  /** called inside the persist step for account state from another of our devices: take it */
  onState?: (body: Extract<MessageBody, { kind: 'state' }>, options?: StoreOptions) => Promise<void>
  /**
   * called inside the persist step for a group control payload from a proven sender: the group layer takes it
   * (stores what it must); `taken: false` makes it a duplicate; `after` runs once the envelope's writes are durable.
   * Without it group control is dropped.
   */
  onGroup?: (from: string, sender: DeviceAddress, control: Uint8Array, options?: StoreOptions) => Promise<GroupControlTaken>
  /**
   * called inside the persist step for a call signal from a proven sender: the call layer takes it (records a
   * missed call, say); `taken: false` makes it a duplicate; `after` runs once the envelope's writes are durable
   * (ring, answer). Without it call signals are dropped.
   */
  onCall?: (from: string, sender: DeviceAddress, signal: Uint8Array, options?: StoreOptions) => Promise<GroupControlTaken>
  onError?: (err: unknown) => void
}

/** What the group layer did with a control payload (see InboundInit.onGroup). */
export interface GroupControlTaken {
  taken: boolean
  after?: () => void
}

export class Inbound {
  constructor (private readonly init: InboundInit) {}

  /** Processes one envelope. Throws only when it could not be persisted (storage failure, not registered yet): then do not ack. */
  async receive (envelope: Uint8Array, options?: StoreOptions): Promise<InboundResult> {
    const party = await this.init.party()
    if (party == null) throw new NotRegisteredError()
    let result: InboundResult = { kind: 'dropped', reason: 'empty' }
    let from: DeviceAddress | undefined
    // the caller's signal (a stream's, a timeout) may stop the work up to the persist step's first write, never
    // after it: a text in history whose session commit was aborted was never announced, and the sender's retry
    // then counted as a duplicate (issue 14, fault 2)
    const caller = options?.signal
    const work = new AbortController()
    let writing = false
    const follow = (): void => { if (!writing) work.abort(caller?.reason) }
    if (caller?.aborted === true) follow()
    else caller?.addEventListener('abort', follow, { once: true })
    const local = { ...options, signal: work.signal }
    const startWriting = (): void => {
      work.signal.throwIfAborted()
      writing = true
    }
    try {
      // a second relay's copy may arrive after the ratchet dropped its chain: known here, it stays silent
      // instead of failing to decrypt and asking the sender to resend (issue 14, fault 3)
      if (await this.init.seen?.has(envelope, local) === true) return { kind: 'duplicate' }
      await openEnvelope(party, envelope, async (plaintext, sender) => {
        result = await this.persist(plaintext, sender, local, startWriting, constantTimeEqual(sender.identityKey, party.identity.publicKey))
        if (writing) await this.init.seen?.add(envelope, local)
      }, { ...local, onSender: sender => { from = sender } })
    } catch (err) {
      if (already(err)) return { kind: 'duplicate' }
      if (unreadable(err)) {
        this.init.onError?.(err)
        return { kind: 'undecryptable', reason: err.name, ...(from != null ? { sender: from } : {}) }
      }
      throw err
    } finally {
      caller?.removeEventListener('abort', follow)
    }
    return result
  }

  /**
   * Runs before the session commits: a throw here leaves the envelope readable again later. `startWriting` is
   * called right before the first write; from then on the caller's abort no longer reaches this receive.
   */
  private async persist (plaintext: Uint8Array, sender: DeviceAddress, options: StoreOptions, startWriting: () => void, fromOwnDevice: boolean): Promise<InboundResult> {
    let content: Content
    try {
      content = decodeContent(plaintext)
    } catch (err) {
      if (err instanceof MalformedContentError) return { kind: 'dropped', reason: err.name }
      throw err
    }
    if (!await this.init.proof.confirm(content.senderE164, sender.identityKey, { ...options, attestation: content.attestation })) {
      return { kind: 'dropped', reason: UnprovenSenderError.name }
    }
    const from = content.senderE164
    const body = content.body
    // transcripts and read syncs come only from another device of our own account: anyone else's are dropped
    if ((body.kind === 'sent' || body.kind === 'read-sync' || body.kind === 'state') && !fromOwnDevice) return { kind: 'dropped', reason: 'sync from another account' }
    startWriting()
    if (body.kind === 'sent') {
      const stored: StoredMessage = {
        id: body.id, conversation: body.to, direction: 'out', sender: from, text: body.text, timestamp: body.timestamp, receivedAt: this.init.now(), status: 'sent',
        ...(body.quoteId != null ? { quoteId: body.quoteId } : {}),
        ...(body.attachment != null ? { attachment: toBase64(body.attachment, 'base64') } : {})
      }
      const fresh = await this.init.messages.addOutgoing(stored, options)
      return fresh ? { kind: 'new', sender, from, content, stored } : { kind: 'duplicate' }
    }
    if (body.kind === 'state') {
      await this.init.onState?.(body, options)
      return { kind: 'new', sender, from, content }
    }
    if (body.kind === 'read-sync') {
      let upTo = -1
      for (const id of body.ids) upTo = Math.max(upTo, (await this.init.messages.get(body.chat, id, options))?.timestamp ?? -1)
      if (upTo >= 0) await this.init.messages.markRead(body.chat, upTo, options)
      return { kind: 'new', sender, from, content }
    }
    if (body.kind === 'text') {
      const stored: StoredMessage = {
        id: body.id,
        conversation: from,
        direction: 'in',
        sender: from,
        text: body.text,
        timestamp: body.timestamp,
        receivedAt: this.init.now(),
        status: 'delivered',
        ...(body.quoteId != null ? { quoteId: body.quoteId } : {}),
        ...(body.attachment != null ? { attachment: toBase64(body.attachment, 'base64') } : {})
      }
      const owed = this.init.owed?.prepare(from, body.id, sender)
      const fresh = await this.init.messages.addIncoming(stored, { ...options, ...(owed != null ? { with: [owed] } : {}) })
      return fresh ? { kind: 'new', sender, from, content, stored } : { kind: 'duplicate' }
    }
    if (body.kind === 'group') {
      if (this.init.onGroup == null) return { kind: 'dropped', reason: 'no group layer' }
      const done = await this.init.onGroup(from, sender, body.control, options)
      if (!done.taken) return { kind: 'duplicate' }
      return { kind: 'new', sender, from, content, ...(done.after != null ? { after: done.after } : {}) }
    }
    if (body.kind === 'call') {
      if (this.init.onCall == null) return { kind: 'dropped', reason: 'no call layer' }
      const done = await this.init.onCall(from, sender, body.signal, options)
      if (!done.taken) return { kind: 'duplicate' }
      return { kind: 'new', sender, from, content, ...(done.after != null ? { after: done.after } : {}) }
    }
    if (body.kind === 'receipt') await this.init.onReceipt(from, body, options)
    if (body.kind === 'profile' && await this.init.onProfile?.(from, body, options) !== true) return { kind: 'duplicate' }
    return { kind: 'new', sender, from, content }
  }
}

