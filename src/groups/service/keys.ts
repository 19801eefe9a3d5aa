/** Our sender key in each group and everyone else's: created on first use, sent to every member's devices over the 1:1 sessions, rotated when someone leaves and every ROTATE_AFTER_MESSAGES messages or ROTATE_AFTER_MS; others' keys taken from members only and found again by chain id. Knows no gossip and no relays. */
import { toHex } from '../../crypto/bytes.js'
import { parseSenderKeyDistribution, senderKeyMessageChainId } from '../../crypto/sender-key.js'
import type { GroupSessionManager } from '../../session/group-session-manager.js'
import type { DeviceAddress, StoreOptions } from '../../storage/index.js'
import type { GroupMember } from '../state.js'

/** Messages sent on one sender key before it is replaced (Megolm's default rotation is 100 messages; WhatsApp never rotates on count). */
export const ROTATE_AFTER_MESSAGES = 100
/** Age of a sender key after which it is replaced before the next message (Megolm's default: a week). */
export const ROTATE_AFTER_MS = 7 * 24 * 60 * 60_000

/** Our own chain in a group: which one, since when, how many messages it sent, which members have it. */
export interface OwnChain {
  chainId: number
  createdAt: number
  sent: number
  /** members (memberKey) the current chain was sent to */
  distributedTo: string[]
}

/** The facts about sender keys the group store keeps. */
export interface SenderKeyFacts {
  ownChain: (groupId: Uint8Array, options?: StoreOptions) => Promise<OwnChain | undefined>
  /** a new own chain: `sent` 0, distributed to nobody */
  setOwnChain: (groupId: Uint8Array, chain: { chainId: number, createdAt: number }, options?: StoreOptions) => Promise<void>
  /** one more message on our current chain; resolves with the new count */
  countSent: (groupId: Uint8Array, options?: StoreOptions) => Promise<number>
  markDistributed: (groupId: Uint8Array, members: string[], options?: StoreOptions) => Promise<void>
  /** these members' devices changed: our current chain is to be sent to them again */
  forgetDistributed: (groupId: Uint8Array, members: string[], options?: StoreOptions) => Promise<void>
  indexChain: (groupId: Uint8Array, chainId: number, sender: DeviceAddress, options?: StoreOptions) => Promise<void>
  sendersOfChain: (groupId: Uint8Array, chainId: number, options?: StoreOptions) => Promise<DeviceAddress[]>
  forgetSender: (groupId: Uint8Array, identityKey: Uint8Array, options?: StoreOptions) => Promise<void>
}

/** A member account as distribution tracks it: identity and number (a new identity on the same number is a new member). */
export const memberKey = (m: Pick<GroupMember, 'identityKey' | 'e164'>): string => `${toHex(m.identityKey)}:${m.e164}`

export interface SenderKeysInit {
  sessions: GroupSessionManager
  facts: SenderKeyFacts
  /** sends our distribution to every device of a number (our own number: our other devices) */
  send: (to: string, groupId: Uint8Array, distribution: Uint8Array, options?: StoreOptions) => Promise<void>
  now: () => number
}

export class SenderKeys {
  constructor (private readonly init: SenderKeysInit) {}

  /** Our distribution for the group, making our key on first use. */
  async own (groupId: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    const distribution = await this.init.sessions.distribution(groupId, options)
    const { chainId } = parseSenderKeyDistribution(distribution)
    const facts = await this.init.facts.ownChain(groupId, options)
    if (facts?.chainId !== chainId) await this.init.facts.setOwnChain(groupId, { chainId, createdAt: this.init.now() }, options)
    return distribution
  }

  /** Replaces our key: nothing sent from now on is readable with the old one. Distribute afterwards. */
  async rotate (groupId: Uint8Array, options?: StoreOptions): Promise<void> {
    const distribution = await this.init.sessions.rotate(groupId, options)
    await this.init.facts.setOwnChain(groupId, { chainId: parseSenderKeyDistribution(distribution).chainId, createdAt: this.init.now() }, options)
  }

  /**
   * Sends our current key to every one of `members` that does not have it yet (our own account among them when we
   * have other devices: `sendGroupControl` to our own number reaches those). Resolves with how many accounts it
   * was sent to.
   */
  async distribute (groupId: Uint8Array, members: Array<Pick<GroupMember, 'identityKey' | 'e164'>>, options?: StoreOptions): Promise<number> {
    const distribution = await this.own(groupId, options)
    const have = new Set((await this.init.facts.ownChain(groupId, options))?.distributedTo ?? [])
    const to = members.filter(m => !have.has(memberKey(m)))
    for (const m of to) {
      await this.init.send(m.e164, groupId, distribution, options)
      await this.init.facts.markDistributed(groupId, [memberKey(m)], options)
    }
    return to.length
  }

  /** A member linked or removed a device: our current key goes to all its devices again at the next distribute(). */
  async redistribute (groupId: Uint8Array, member: Pick<GroupMember, 'identityKey' | 'e164'>, options?: StoreOptions): Promise<void> {
    await this.init.facts.forgetDistributed(groupId, [memberKey(member)], options)
  }

  /** Before each message: a key that sent ROTATE_AFTER_MESSAGES messages or is older than ROTATE_AFTER_MS is replaced. Resolves true when it rotated. */
  async beforeSend (groupId: Uint8Array, options?: StoreOptions): Promise<boolean> {
    const facts = await this.init.facts.ownChain(groupId, options)
    if (facts == null) {
      await this.own(groupId, options)
      return false
    }
    if (facts.sent < ROTATE_AFTER_MESSAGES && this.init.now() - facts.createdAt < ROTATE_AFTER_MS) return false
    await this.rotate(groupId, options)
    return true
  }

  /** Encrypts one group message with our key and counts it. */
  async encrypt (groupId: Uint8Array, plaintext: Uint8Array, options?: StoreOptions): Promise<Uint8Array> {
    await this.own(groupId, options)
    const message = await this.init.sessions.encrypt(groupId, plaintext, options)
    await this.init.facts.countSent(groupId, options)
    return message
  }

  /** A member's device sent its key (over its 1:1 session): stored, and found by its chain id from now on. */
  async take (groupId: Uint8Array, sender: DeviceAddress, distribution: Uint8Array, options?: StoreOptions): Promise<number> {
    await this.init.sessions.processDistribution(groupId, sender, distribution, options)
    const { chainId } = parseSenderKeyDistribution(distribution)
    await this.init.facts.indexChain(groupId, chainId, sender, options)
    return chainId
  }

  /**
   * Decrypts a group message: the chain id names the candidate senders (two devices may, rarely, pick the same
   * 32-bit id), `allowed` says which of them may write now, and the first whose key decrypts and verifies wins.
   * Resolves undefined when no candidate's key is known (the distribution may still be on its way); throws the
   * crypto error when the known keys refuse it (a forgery, a replay).
   */
  async decrypt (groupId: Uint8Array, message: Uint8Array, allowed: (sender: DeviceAddress) => boolean, options?: StoreOptions): Promise<{ sender: DeviceAddress, plaintext: Uint8Array, chainId: number } | undefined> {
    const chainId = senderKeyMessageChainId(message)
    const candidates = (await this.init.facts.sendersOfChain(groupId, chainId, options)).filter(allowed)
    let failure: unknown
    for (const sender of candidates) {
      try {
        return { sender, plaintext: await this.init.sessions.decrypt(groupId, sender, message, options), chainId }
      } catch (err) {
        failure = err
      }
    }
    if (failure != null) throw failure
    return undefined
  }

  /** A member left or was removed: its keys are forgotten, so nothing it sends is read. */
  async forget (groupId: Uint8Array, identityKey: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.init.sessions.forgetSender(groupId, identityKey, options)
    await this.init.facts.forgetSender(groupId, identityKey, options)
  }

  /** We left: every key of the group goes. */
  async leave (groupId: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.init.sessions.leave(groupId, options)
  }
}
