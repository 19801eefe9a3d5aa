// A 20-member group on the real network (network-rig.ts): 3 relay processes, each the mailbox relay of a third of the members, 20 Parley devices on loopback TCP. The group reaches everyone with one state; 200 messages from random members reach every member exactly once; 5 members offline for the second half catch up from their relays, each sender's messages in the order it sent them, once; every member ends with the same history; a message that missed a member on gossip and at its relay (down) is found by the next message's causal history and fetched from another relay.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { GroupNet, GOSSIP_FORGETS_AFTER_HEARTBEATS, counts, heartbeats, keysHeld, pendingDeposits, tapValidator, until, type Member } from './network-rig.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { retryUntil } from '../helpers/wait.js'
import { fromHex } from '../../src/crypto/bytes.js'
import { internals } from '../../src/client/internals.js'
import { getGroupMessagesByRef } from '../../src/protocols/group-mailbox/index.js'
import { groupDepositKey, groupMessageRef, groupTopic } from '../../src/groups/topic.js'

const MEMBERS = 20
const RELAYS = 3
const MESSAGES = 200
/** members stopped for the second half of the traffic: spread over the three relays */
const OFFLINE = [3, 4, 5, 10, 17]
const PHONE = (i: number): string => `+1555073${String(i).padStart(4, '0')}`
/** the causal history's grace before a gap is asked for (history.ts REPAIR_GRACE_MS), and a second more */
const PAST_REPAIR_GRACE_MS = 31_000

describe('a 20-member group over 3 relays', () => {
  let net: GroupNet
  let ms: Member[]
  let group: string
  /** every message sent, in sending order */
  const sent: Array<{ id: string, from: Member }> = []

  /** the ids of `sender`'s messages, in the order it sent them */
  const sentBy = (sender: Member): string[] => sent.filter(s => s.from === sender).map(s => s.id)
  /** what `m` must have received: every message sent so far that is not its own */
  const owed = (m: Member): string[] => sent.filter(s => s.from !== m).map(s => s.id)
  const hasAll = (m: Member): boolean => { const c = counts(m, group); return owed(m).every(id => c.has(id)) }
  const missingAt = (list: Member[]) => () => `missing: ${list.map(m => `${m.name} ${owed(m).filter(id => !counts(m, group).has(id)).length}`).join(', ')}`

  async function send (from: Member, text: string): Promise<string> {
    const m = await from.parley.groups.send(group, text)
    sent.push({ id: m.id, from })
    return m.id
  }

  beforeAll(async () => {
    net = await GroupNet.start(RELAYS)
    // registered five at a time (each through its own relay, the verifier that attests its number)
    for (let b = 0; b < MEMBERS; b += 5) {
      await Promise.all(Array.from({ length: 5 }, async (_, j) => await net.add(`m${b + j}`, PHONE(b + j), (b + j) % RELAYS)))
    }
    ms = [...net.members].sort((a, b) => Number(a.name.slice(1)) - Number(b.name.slice(1)))
  }, 120_000)

  afterAll(async () => {
    await net?.close()
  })

  it('one member creates the group with the other 19: all are in with one state, and every member holds every other\'s sender key', async () => {
    const info = await ms[0].parley.groups.create('Twenty', ms.slice(1).map(m => m.phone))
    group = info.groupId
    expect(info.members).toBe(MEMBERS)
    await until(() => ms.slice(1).every(m => m.updates.some(u => u.group === group && u.active)), 90_000, () => `in: ${ms.filter(m => m.updates.length > 0).length}`)
    const infos = await Promise.all(ms.map(async m => await m.parley.groups.info(group)))
    expect(new Set(infos.map(i => i.stateHash)).size).toBe(1)
    expect(infos.every(i => i.members === MEMBERS && i.active)).toBe(true)
    expect(infos[7].memberList.find(m => m.self)?.phone).toBe(ms[7].phone)
    // the keys travel over the 1:1 sessions (380 of them); no event says a key arrived, the storage does
    await retryUntil(async () => {
      const held = await Promise.all(ms.map(async m => await keysHeld(m, group)))
      if (held.some(n => n < MEMBERS - 1)) throw new Error(`keys held: ${held.join(',')}`)
    }, { timeout: 90_000, interval: 250, what: 'every member holds the 19 other sender keys' })
  }, 200_000)

  it('200 messages from random members reach every member exactly once; 5 members offline for the second half catch up from their relays, each sender in its order, once', async () => {
    const rng = new SeededRandom('groups-network-200')
    const offline = OFFLINE.map(i => ms[i])
    const online = ms.filter(m => !offline.includes(m))

    for (let i = 0; i < MESSAGES / 2; i++) await send(ms[rng.int(MEMBERS)], `first half ${i}`)
    await until(() => ms.every(hasAll), 60_000, missingAt(ms))

    for (const m of offline) await net.stop(m)
    const firstHalf = sent.length
    for (let i = 0; i < MESSAGES / 2; i++) await send(online[rng.int(online.length)], `second half ${i}`)
    await until(() => online.every(hasAll), 60_000, missingAt(online))
    const secondHalf = sent.slice(firstHalf).map(s => s.id)
    for (const m of offline) expect(secondHalf.filter(id => counts(m, group).has(id))).toEqual([])

    // what they missed comes from their relays only: gossip no longer offers any of it
    await heartbeats(online, GOSSIP_FORGETS_AFTER_HEARTBEATS, 30_000)
    for (const m of offline) await net.restart(m)
    await until(() => offline.every(hasAll), 60_000, missingAt(offline))

    // nothing more is coming: each member asks its relay again, and gets nothing new
    for (const m of ms) await m.parley.groups.catchUp(fromHex(group))
    for (const m of ms) {
      const c = counts(m, group)
      expect([...c.keys()].sort()).toEqual(owed(m).sort())
      expect([...c.values()].every(n => n === 1)).toBe(true)
    }
    // in order: what each returning member fetched from its relay came, sender by sender, in the order sent
    for (const m of offline) {
      const away = m.messages.filter(e => e.group === group).slice(-secondHalf.length)
      for (const sender of online) {
        const fetched = away.filter(e => e.from === sender.phone).map(e => e.id)
        expect(fetched).toEqual(sentBy(sender).filter(id => secondHalf.includes(id)))
      }
    }
    // and every member's history holds the 200 in one order, each sender's in the order it sent them
    const histories = await Promise.all(ms.map(async m => (await m.parley.groups.history(group, { limit: 500 })).map(h => h.id).reverse()))
    expect(histories[0]).toHaveLength(MESSAGES)
    for (const h of histories) expect(h).toEqual(histories[0])
    for (const sender of ms) expect(histories[0].filter(id => sentBy(sender).includes(id))).toEqual(sentBy(sender))
    // every member's delivered receipt came back to each sender (also to those that were away when they came)
    await retryUntil(async () => {
      for (const m of ms) {
        const mine = (await m.parley.groups.history(group, { limit: 500 })).filter(h => h.direction === 'out')
        const short = mine.filter(h => h.status !== 'delivered')
        if (short.length > 0) throw new Error(`${m.name}: ${short.length} of ${mine.length} not delivered`)
      }
    }, { timeout: 60_000, interval: 500, what: 'every message delivered to every member' })
  }, 240_000)

  it('a message that missed a member on gossip and at its relay (down) is found by the next message\'s causal history and fetched from another relay, once', async () => {
    // m2 keeps its mail at relay 2; m0 (relay 0) writes while both are down, m1 (relay 1) writes next
    const [writer, next, away] = [ms[0], ms[1], ms[2]]
    const gid = fromHex(group)
    await net.stop(away)
    await net.stopRelay(2)
    const atNext = tapValidator(next, gid)
    const lost = await send(writer, 'while relay 2 is down')
    await until(() => writer.statuses.some(s => s.id === lost && s.status === 'sent'), 30_000, 'a relay holds it')
    const others = ms.filter(m => m.online && m !== writer)
    await until(() => others.every(m => counts(m, group).has(lost)), 30_000, 'the others have it')
    const forgotten = heartbeats(others, GOSSIP_FORGETS_AFTER_HEARTBEATS, 30_000)
    // the writer goes offline before its retries reach relay 2
    expect(await pendingDeposits(writer)).toBe(1)
    await net.stop(writer)
    await net.restartRelay(2)
    await forgotten
    await net.restart(away)
    await away.parley.groups.drained()
    expect(counts(away, group).has(lost)).toBe(false)
    // relay 2 never got it; relays 0 and 1 hold it
    const ref = groupMessageRef(atNext.find(v => v.result === TopicValidatorResult.Accept)!.data)
    const held = async (relay: number): Promise<number> => (await getGroupMessagesByRef(internals(away.parley).node, net.relays[relay].relay.addr('tcp'), { topic: groupTopic(gid), depositKey: groupDepositKey(gid), refs: [ref] })).length
    expect([await held(0), await held(1), await held(2)]).toEqual([1, 1, 0])

    const naming = await send(next, 'names the lost one in its history')
    await until(() => counts(away, group).has(naming), 30_000, 'the next message at m2')
    expect(counts(away, group).has(lost)).toBe(false)
    // the gap is due after the grace period: m2's clock moves past it and the repair asks the group's relays
    away.skew = PAST_REPAIR_GRACE_MS
    await away.parley.groups.repair()
    await until(() => counts(away, group).has(lost), 30_000, 'the repaired message at m2')
    expect(away.messages.find(e => e.id === lost)).toMatchObject({ from: writer.phone, text: 'while relay 2 is down' })

    // the writer comes back and its outbox puts the message at relay 2 after all: m2 does not take it twice
    await net.restart(writer)
    await retryUntil(async () => { if (await pendingDeposits(writer) > 0) throw new Error('still pending') }, { timeout: 60_000, interval: 250, what: 'the writer\'s deposit at relay 2' })
    expect(await held(2)).toBe(1)
    await away.parley.groups.catchUp(gid)
    expect(counts(away, group).get(lost)).toBe(1)
    for (const m of ms) if (m !== writer) expect(counts(m, group).get(lost)).toBe(1)
  }, 180_000)
})
