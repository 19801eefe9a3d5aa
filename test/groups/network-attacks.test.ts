// Groups against attackers on the real network (network-rig.ts, network-attacker.ts): 3 relay processes, 5 members and a stranger, Parley devices on loopback TCP. A removed member keeps its device's keys and stays on the topic: it opens nothing sent after, and what it writes with its old key dies at the first honest hop. A member's forged "add", a stranger's replay of an old removal and a stranger's key and message change nothing anywhere. Two admins removing each other at once end in one state on every member. A member flooding the topic straight through its gossipsub is graylisted by its neighbours, the group keeps working, and what of the flood was stored reached each member at most once.
import { describe, it, expect, beforeAll, afterAll, onTestFinished } from 'vitest'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { GroupNet, counts, keysHeld, tapValidator, until, type Member, type Validation } from './network-rig.js'
import { addressOf, deviceSessions, forge, keepKeys, keptSessions, listenOnTopic, logOf, publishRaw, refOf, sendControl, sendToPeer, textWire } from './network-attacker.js'
import { retryUntil } from '../helpers/wait.js'
import { internals } from '../../src/client/internals.js'
import { constantTimeEqual, fromHex } from '../../src/crypto/bytes.js'
import { decodeGroupContent, decodeGroupWire } from '../../src/groups/message.js'
import { decodeChange } from '../../src/groups/change.js'
import { groupTopic } from '../../src/groups/topic.js'
import { MEMBER_GOSSIP_RATE } from '../../src/groups/service/groups.js'
import { GROUP_MESSAGES_PER_PEER, SCORE_THRESHOLDS } from '../../src/net/gossip/index.js'

const PHONE = (i: number): string => `+1555074${String(i).padStart(4, '0')}`
/** messages the flooder puts on the topic back to back: well past a neighbour's per-peer burst (100) */
const FLOOD = 400

describe('groups against attackers, over 3 relays', () => {
  let net: GroupNet
  let alice: Member, bob: Member, carol: Member, dave: Member, erin: Member, mallory: Member
  let group: string
  let gid: Uint8Array

  const peerIdOf = (m: Member): string => internals(m.parley).node.peerId.toString()
  const infos = async (list: Member[]) => await Promise.all(list.map(async m => await m.parley.groups.info(group)))
  const phones = async (m: Member): Promise<string[]> => (await m.parley.groups.info(group)).memberList.map(x => x.phone)
  /** resolves once every member of `list` shows one state hash, which `check` accepts */
  const converged = async (list: Member[], check: (phones: string[]) => boolean, what: string): Promise<string> => await retryUntil(async () => {
    const all = await infos(list)
    if (new Set(all.map(i => i.stateHash)).size !== 1 || !check(all[0].memberList.map(x => x.phone))) throw new Error(`not one state: ${all.map(i => i.stateHash.slice(0, 8)).join(',')}`)
    return all[0].stateHash
  }, { timeout: 60_000, interval: 250, what })

  /**
   * `from` sends each of `to` a 1:1 text after whatever it sent them before: the outbox keeps a recipient's
   * order and a device takes a session's messages in order, so once the text is in, so is what came before it.
   */
  let markers = 0
  async function marker (from: Member, to: Member[]): Promise<void> {
    const text = `marker ${++markers}`
    for (const m of to) await from.parley.send(m.phone, text)
    await until(() => to.every(m => m.texts.some(t => t.from === from.phone && t.text === text)), 60_000, `${text} from ${from.name}`)
  }

  /** Waits until `n` honest nodes validated the message `ref`, and returns those validations. */
  async function validationsOf (taps: Validation[][], ref: string, n: number): Promise<Validation[]> {
    return await retryUntil(async () => {
      const found = taps.flat().filter(v => v.ref === ref)
      if (found.length < n) throw new Error(`${found.length} of ${n} validations`)
      return found
    }, { timeout: 30_000, interval: 100, what: 'the honest nodes\' verdicts' })
  }

  beforeAll(async () => {
    net = await GroupNet.start(3)
    ;[alice, bob, carol, dave, erin, mallory] = await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'].map(async (name, i) => await net.add(name, PHONE(i), i % 3)))
    const info = await alice.parley.groups.create('Guarded', [bob, carol, dave, erin].map(m => m.phone))
    group = info.groupId
    gid = fromHex(group)
    const members = [alice, bob, carol, dave, erin]
    await until(() => members.slice(1).every(m => m.updates.some(u => u.group === group && u.active)), 60_000, 'members in')
    await retryUntil(async () => {
      const held = await Promise.all(members.map(async m => await keysHeld(m, group)))
      if (held.some(n => n < 4)) throw new Error(`keys held: ${held.join(',')}`)
    }, { timeout: 60_000, interval: 250, what: 'sender keys everywhere' })
  }, 120_000)

  afterAll(async () => {
    await net?.close()
  })

  it('a removed member that kept its device\'s keys opens nothing sent after, and what it writes with its old key dies at the first honest hop', async () => {
    // carol's device, as a thief would keep it: every sender key it holds now
    const kept = await keepKeys(carol, group)
    const carolTap = tapValidator(carol, gid)
    const before = await alice.parley.groups.send(group, 'before')
    const beforeWire = await retryUntil(async () => carolTap.find(v => v.result === TopicValidatorResult.Accept)?.data ?? await Promise.reject(new Error('not yet')), { timeout: 30_000, interval: 50, what: 'before at carol' })
    expect(counts(carol, group).get(before.id)).toBe(1)
    const thief = await keptSessions(addressOf(carol), group, kept)
    // what she kept opens what was sent before her removal
    expect(decodeGroupContent(await thief.decrypt(gid, addressOf(alice), decodeGroupWire(beforeWire).ciphertext))).toMatchObject({ text: 'before' })

    await alice.parley.groups.remove(group, carol.phone)
    const rest = [alice, bob, dave, erin]
    await until(() => carol.updates.some(u => u.group === group && !u.active) && rest.slice(1).every(m => m.updates.some(u => u.removed.includes(carol.phone))), 60_000, 'the removal everywhere')
    await expect(carol.parley.groups.send(group, 'let me in')).rejects.toThrow(/no longer a member/)

    // she stays on the topic to listen: the others' gossip reaches her node
    const captured = await listenOnTopic(carol, gid)
    onTestFinished(() => { internals(carol.parley).groupTopics.leave(groupTopic(gid)) })
    await retryUntil(async () => { if (!rest.every(m => internals(m.parley).groupTopics.peers(groupTopic(gid)).some(p => p.toString() === peerIdOf(carol)))) throw new Error('not yet') }, { timeout: 30_000, interval: 100, what: 'carol seen on the topic' })
    const after: Array<{ id: string, from: Member }> = []
    for (const m of rest) after.push({ id: (await m.parley.groups.send(group, `after, from ${m.name}`)).id, from: m })
    await until(() => rest.every(m => after.every(a => a.from === m || counts(m, group).has(a.id))), 60_000, 'the messages after at the members')
    await retryUntil(async () => { if (captured.length < rest.length) throw new Error(`${captured.length} captured`) }, { timeout: 30_000, interval: 100, what: 'carol\'s copies' })
    // none opens with any key she kept
    for (const wire of captured) {
      const { ciphertext } = decodeGroupWire(wire)
      for (const k of kept) {
        if (constantTimeEqual(k.sender.identityKey, carol.parley.identity.publicKey)) continue
        await expect(thief.decrypt(gid, k.sender, ciphertext)).rejects.toThrow()
      }
    }
    expect(carol.messages.filter(e => after.some(a => a.id === e.id))).toEqual([])

    // she writes with her old key, straight onto the topic, to one honest member: bob's validator does not
    // accept it, so bob forwards it to nobody and no other member ever sees it
    const taps = rest.map(m => tapValidator(m, gid))
    const forged = await textWire(thief, gid, 'still here')
    expect(sendToPeer(carol, bob, gid, forged.wire)).toBe(true)
    const [judged] = await validationsOf(taps, refOf(forged.wire), 1)
    expect(taps[1]).toContain(judged)
    expect(judged.from).toBe(peerIdOf(carol))
    expect(judged.result).not.toBe(TopicValidatorResult.Accept)
    // a message written afterwards reaches everyone; carol's reached nobody past bob
    const check = await dave.parley.groups.send(group, 'check')
    await until(() => [alice, bob, erin].every(m => counts(m, group).has(check.id)), 30_000, 'the check message')
    expect(taps.flat().filter(v => v.ref === refOf(forged.wire))).toEqual([judged])
    for (const m of rest) expect(counts(m, group).has(forged.id)).toBe(false)
  }, 180_000)

  it('a member\'s forged "add", a stranger\'s replay of an old removal and a stranger\'s key and message change nothing on any member', async () => {
    const rest = [alice, bob, dave, erin]
    const start = await converged(rest, p => !p.includes(carol.phone), 'one state before')

    // bob (not an admin) signs "add mallory" on his heads and sends it to every member over the 1:1 sessions
    const add = await forge(bob, gid, { type: 'add', members: [{ identityKey: mallory.parley.identity.publicKey, e164: mallory.phone }] })
    for (const m of [alice, dave, erin]) await sendControl(bob, m.phone, { kind: 'changes', groupId: gid, changes: [add.bytes] })
    await marker(bob, [alice, dave, erin])
    expect((await infos(rest)).map(i => i.stateHash)).toEqual(rest.map(() => start))
    expect(mallory.updates).toEqual([])

    // carol is added back; her old removal, taken off her device, is replayed by mallory to everyone
    await alice.parley.groups.add(group, [carol.phone])
    const members = [alice, bob, carol, dave, erin]
    const readded = await converged(members, p => p.includes(carol.phone), 'carol back everywhere')
    const removal = (await logOf(carol, gid)).changes().find(bytes => {
      const a = decodeChange(bytes).action
      return a.type === 'remove' && constantTimeEqual(a.member, carol.parley.identity.publicKey)
    })
    expect(removal).toBeDefined()
    for (const m of members) await sendControl(mallory, m.phone, { kind: 'changes', groupId: gid, changes: [removal!] })
    await marker(mallory, members)
    expect((await infos(members)).map(i => i.stateHash)).toEqual(members.map(() => readded))
    for (const m of members) expect(await phones(m)).toContain(carol.phone)

    // mallory asks a member for the group's log, without a link's proof: she is sent nothing
    await sendControl(mallory, alice.phone, { kind: 'want', groupId: gid, all: true, hashes: [] })
    await marker(mallory, [alice])
    await marker(alice, [mallory])
    await expect(logOf(mallory, gid)).rejects.toThrow('no creation stored')

    // mallory hands her sender key to every member: nobody takes it
    const own = await keptSessions(addressOf(mallory), group, [])
    const distribution = await own.distribution(gid)
    for (const m of members) await sendControl(mallory, m.phone, { kind: 'sender-key', groupId: gid, distribution })
    await marker(mallory, members)
    for (const m of members) {
      const senders = (await internals(m.parley).storage.senderKeys.listSenderKeys(group)).map(n => n.sender.identityKey)
      expect(senders.some(k => constantTimeEqual(k, mallory.parley.identity.publicKey))).toBe(false)
    }
    // and writes on the topic: nobody accepts it, nobody forwards it
    await listenOnTopic(mallory, gid)
    onTestFinished(() => { internals(mallory.parley).groupTopics.leave(groupTopic(gid)) })
    await retryUntil(async () => { if (!members.some(m => internals(m.parley).groupTopics.peers(groupTopic(gid)).some(p => p.toString() === peerIdOf(mallory)))) throw new Error('not yet') }, { timeout: 30_000, interval: 100, what: 'mallory seen on the topic' })
    const taps = members.map(m => tapValidator(m, gid))
    const spam = await textWire(own, gid, 'buy now')
    const recipients = await publishRaw(mallory, gid, spam.wire)
    expect(recipients).toBeGreaterThanOrEqual(1)
    const judged = await validationsOf(taps, refOf(spam.wire), recipients)
    expect(judged.every(v => v.result !== TopicValidatorResult.Accept && v.from === peerIdOf(mallory))).toBe(true)
    for (const m of members) expect(counts(m, group).has(spam.id)).toBe(false)
  }, 180_000)

  it('two admins removing each other at once: every member ends in one state, the senior admin stays, and the group goes on', async () => {
    const members = [alice, bob, carol, dave, erin]
    await alice.parley.groups.promote(group, bob.phone)
    await converged(members, () => true, 'bob an admin everywhere')
    expect((await bob.parley.groups.info(group)).role).toBe('admin')
    // each proposes on its own heads before the other's change can arrive: concurrent
    await Promise.all([alice.parley.groups.remove(group, bob.phone), bob.parley.groups.remove(group, alice.phone)])
    await converged(members, p => p.includes(alice.phone) && !p.includes(bob.phone), 'one state, alice in, bob out')
    expect((await bob.parley.groups.list()).find(g => g.groupId === group)?.active).toBe(false)
    const on = await alice.parley.groups.send(group, 'carrying on')
    await until(() => [carol, dave, erin].every(m => counts(m, group).get(on.id) === 1), 30_000, 'the next message')
  }, 120_000)

  it('a member flooding the topic through its gossipsub is graylisted by its neighbours; the group keeps working; what of the flood was stored reached each member at most once', async () => {
    const honest = [alice, carol, erin]
    // dave's current key is with everyone
    const warm = await dave.parley.groups.send(group, 'about to flood')
    await until(() => honest.every(m => counts(m, group).has(warm.id)), 30_000, 'dave\'s key everywhere')
    const neighbours = honest.filter(m => internals(dave.parley).groupTopics.peers(groupTopic(gid)).some(p => p.toString() === peerIdOf(m)))
    expect(neighbours.length).toBeGreaterThan(0)

    // dave's own sender key, straight from his storage: valid messages, too many, too fast
    const sessions = deviceSessions(dave)
    const flood: string[] = []
    const wires: Uint8Array[] = []
    for (let i = 0; i < FLOOD; i++) {
      const { wire, id } = await textWire(sessions, gid, `flood ${i}`)
      wires.push(wire)
      flood.push(id)
    }
    const started = Date.now()
    for (const wire of wires) await publishRaw(dave, gid, wire)
    expect(FLOOD).toBeGreaterThan(GROUP_MESSAGES_PER_PEER.burst)
    await retryUntil(async () => {
      const scores = neighbours.map(m => internals(m.parley).groupTopics.score(internals(dave.parley).node.peerId))
      if (scores.some(s => s >= SCORE_THRESHOLDS.graylistThreshold)) throw new Error(`scores ${scores.join(',')}`)
    }, { timeout: 30_000, interval: 100, what: 'dave graylisted by every neighbour' })

    const still = await erin.parley.groups.send(group, 'still working')
    await until(() => [alice, carol].every(m => counts(m, group).has(still.id)), 30_000, 'a message after the flood')
    const elapsed = (Date.now() - started) / 1000
    // the honest members that forwarded some of the flood lost nothing with each other
    for (const a of honest) for (const b of honest) if (a !== b) expect(internals(a.parley).groupTopics.score(internals(b.parley).node.peerId)).toBeGreaterThanOrEqual(SCORE_THRESHOLDS.gossipThreshold)
    for (const m of honest) {
      const c = counts(m, group)
      expect(c.get(still.id) ?? 1).toBe(1)
      const stored = flood.filter(id => c.has(id))
      expect(stored.every(id => c.get(id) === 1)).toBe(true)
      // the member rate: a burst, then a trickle
      expect(stored.length).toBeLessThanOrEqual(MEMBER_GOSSIP_RATE.burst + MEMBER_GOSSIP_RATE.perSecond * elapsed)
    }
  }, 120_000)
})
