// The group service end to end in one process (service-harness.ts): creating a group, messages over gossip reaching every member once, statuses from the relays and per-member receipts, offline members catching up from their relays in order, gaps repaired, removal (the removed member reads nothing after and cannot write in), non-members and only-admins groups, sender-key rotation every 100 messages, members added later, forged changes, a restart.
import { afterEach, describe, expect, it } from 'vitest'
import { GroupWorld, fromHexId, type Device } from './service-harness.js'
import { encodeGroupContent, encodeGroupWire, encodeGroupControl, decodeGroupWire } from '../../src/groups/message.js'
import { signChange } from '../../src/groups/change.js'
import { MEMBER_GOSSIP_RATE } from '../../src/groups/service/groups.js'
import { ROTATE_AFTER_MESSAGES } from '../../src/groups/service/keys.js'
import { NotInGroupError, OnlyAdminsSendError, MemberNotFoundError, InvalidInviteLinkError } from '../../src/groups/service/errors.js'
import { SyncGroup } from '../../src/storage/index.js'

const ALICE = '+15550100001'
const BOB = '+15550100002'
const CAROL = '+15550100003'
const DAVE = '+15550100004'
const EVE = '+15550100005'

let world: GroupWorld | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

async function trio (seed: number, relays: [string[], string[], string[]] = [['relay-a'], ['relay-b'], ['relay-c']]): Promise<{ w: GroupWorld, alice: Device, bob: Device, carol: Device, group: string }> {
  const w = world = new GroupWorld(seed)
  const alice = await w.add('alice', ALICE, relays[0])
  const bob = await w.add('bob', BOB, relays[1])
  const carol = await w.add('carol', CAROL, relays[2])
  const info = await alice.groups.create('Climbing', [BOB, CAROL])
  await w.settle()
  return { w, alice, bob, carol, group: info.groupId }
}

const texts = (d: Device, group: string): string[] => d.events['group-message'].filter(e => e.group === group).map(e => e.text)

describe('groups over the service', () => {
  it('a new group reaches every member with one state; a message reaches each once, then sent, delivered and read', async () => {
    const { w, alice, bob, carol, group } = await trio(1)
    const infos = await Promise.all([alice, bob, carol].map(async d => await d.groups.info(group)))
    expect(new Set(infos.map(i => i.stateHash)).size).toBe(1)
    expect(infos[1].memberList.map(m => [m.phone, m.role])).toEqual([[ALICE, 'admin'], [BOB, 'member'], [CAROL, 'member']])
    expect(bob.events['group-update'].at(-1)).toMatchObject({ group, name: 'Climbing', active: true })

    const m = await alice.groups.send(group, 'hello climbers')
    expect(m.status).toBe('pending')
    await w.settle()
    expect(texts(bob, group)).toEqual(['hello climbers'])
    expect(texts(carol, group)).toEqual(['hello climbers'])
    expect(bob.events['group-message'][0]).toMatchObject({ from: ALICE, id: m.id })
    // held at every member's relay; delivered once both receipts came back
    for (const relay of ['relay-a', 'relay-b', 'relay-c']) expect([...w.relayStores.get(relay)!.values()][0].messages).toHaveLength(1)
    expect(alice.events['group-status'].filter(s => s.id === m.id).map(s => s.status)).toEqual(['sent', 'delivered'])
    expect(await alice.groups.receipts(group, m.id)).toMatchObject({ members: 2, delivered: 2, read: 0 })

    await bob.groups.markRead(group)
    await w.settle()
    expect((await alice.groups.receipts(group, m.id)).read).toBe(1)
    await carol.groups.markRead(group)
    await w.settle()
    expect(alice.events['group-status'].filter(s => s.id === m.id).map(s => s.status)).toEqual(['sent', 'delivered', 'read'])
    expect((await alice.groups.history(group))[0]).toMatchObject({ id: m.id, status: 'read', direction: 'out' })
    expect((await bob.groups.history(group))[0]).toMatchObject({ id: m.id, sender: ALICE, direction: 'in', text: 'hello climbers' })
  })

  it('a member offline for a while catches up from its relay, in order, once', async () => {
    const { w, alice, bob, carol, group } = await trio(2)
    await w.setOnline(carol, false)
    for (let i = 0; i < 5; i++) {
      await (i % 2 === 0 ? alice : bob).groups.send(group, `while away ${i}`)
      w.clock.advance(10)
    }
    await w.settle()
    expect(texts(carol, group)).toEqual([])
    await w.setOnline(carol, true)
    await w.settle()
    expect(texts(carol, group)).toEqual([0, 1, 2, 3, 4].map(i => `while away ${i}`))
    // a second catch-up finds nothing new (cursor moved), and gossip of the same message is ignored
    expect(await carol.groups.catchUp(fromHexId(group))).toBe(0)
    expect(texts(carol, group)).toHaveLength(5)
  })

  it('a message lost in gossip is found by the next message\'s causal history and fetched from a relay', async () => {
    const { w, alice, bob, group } = await trio(3)
    let drop = true
    w.gossipFilter = (to, data) => (to === bob && drop ? undefined : data)
    await alice.groups.send(group, 'lost on the way')
    await w.settle()
    drop = false
    expect(texts(bob, group)).toEqual([])
    await alice.groups.send(group, 'names the lost one')
    await w.settle()
    expect(texts(bob, group)).toEqual(['names the lost one'])
    // the gap is due after the grace period; the repair asks the relays by ref
    w.clock.advance(60_000)
    await bob.groups.repair()
    await w.settle()
    expect(texts(bob, group).sort()).toEqual(['lost on the way', 'names the lost one'])
  })

  it('a removed member reads nothing sent after and cannot write into the group', async () => {
    const { w, alice, bob, carol, group } = await trio(4)
    await alice.groups.send(group, 'before')
    await w.settle()
    // carol keeps what she could send, and a copy of every wire alice sends from now on
    const carolsOwn = await carol.party.groups.encrypt(fromHexId(group), encodeGroupContent({ kind: 'text', id: new Uint8Array(16).fill(7), timestamp: w.clock.now(), lamport: w.clock.now(), history: [], stateHash: new Uint8Array(32), text: 'still here?', mentions: [] }))
    const seen: Uint8Array[] = []
    w.gossipFilter = (_to, data) => { seen.push(data); return data }
    // and a copy of the sender key of alice's she holds now (a removed member may keep what it had)
    const aliceKeyName = { groupId: group, sender: alice.party.address, distributionId: 'chains-v1' }
    const kept = await carol.party.storage.senderKeys.loadSenderKey(aliceKeyName)
    expect(kept).toBeDefined()

    await alice.groups.remove(group, CAROL)
    await w.settle()
    expect(carol.events['group-update'].at(-1)).toMatchObject({ group, active: false })
    expect((await carol.groups.list())[0].active).toBe(false)
    await expect(carol.groups.send(group, 'let me in')).rejects.toThrow(NotInGroupError)
    expect((await bob.groups.info(group)).memberList.map(m => m.phone)).toEqual([ALICE, BOB])

    await alice.groups.send(group, 'after')
    await w.settle()
    expect(texts(bob, group)).toEqual(['before', 'after'])
    expect(texts(carol, group)).toEqual(['before'])
    // the wire of 'after', handed to carol by a peer: the key she kept cannot open it (alice's key was replaced)
    const after = seen.at(-1)!
    await carol.party.storage.senderKeys.storeSenderKey(aliceKeyName, kept!)
    await expect(carol.party.groups.decrypt(fromHexId(group), alice.party.address, decodeGroupWire(after).ciphertext)).rejects.toHaveProperty('name', 'NoSenderKeyError')
    expect(await carol.groups.receiveWire(fromHexId(group), after)).toBe('ignore')

    // carol's message on her old key: bob's validator does not accept it, nothing is shown
    const verdict = await bob.groups.receiveWire(fromHexId(group), encodeGroupWire(carolsOwn))
    expect(verdict).not.toBe('accept')
    expect(texts(bob, group)).toEqual(['before', 'after'])
  })

  it('a stranger\'s message and a forged membership change change nothing', async () => {
    const { w, alice, bob, group } = await trio(5)
    const dave = await w.add('dave', DAVE, ['relay-d'])
    const daveKey = await dave.party.groups.distribution(fromHexId(group))
    // dave sends his key to bob as if he were a member: held (a member's add may be on its way), never used while he is not one
    const sync = new SyncGroup()
    expect((await bob.groups.takeControl(DAVE, dave.party.address, encodeGroupControl({ kind: 'sender-key', groupId: fromHexId(group), distribution: daveKey }), { syncGroup: sync })).taken).toBe(true)
    await sync.flush()
    const wire = encodeGroupWire(await dave.party.groups.encrypt(fromHexId(group), encodeGroupContent({ kind: 'text', id: new Uint8Array(16).fill(1), timestamp: 1, lamport: 1, history: [], stateHash: new Uint8Array(32), text: 'spam', mentions: [] })))
    expect(await bob.groups.receiveWire(fromHexId(group), wire)).not.toBe('accept')
    expect(texts(bob, group)).toEqual([])

    // bob (a plain member) signs an "add dave" change and sends it to alice: refused, state unchanged
    const before = (await alice.groups.info(group)).stateHash
    const log = await (alice.groups as unknown as { me: () => Promise<{ memberships: { log: (g: Uint8Array) => Promise<{ next: () => { parents: Uint8Array[], version: number } }> } }> }).me()
    const next = (await log.memberships.log(fromHexId(group))).next()
    const forged = signChange(bob.party.local.identity, { groupId: fromHexId(group), ...next, createdAt: w.clock.now(), action: { type: 'add', members: [{ identityKey: dave.party.local.identity.publicKey, e164: DAVE }] } })
    const taken = await alice.groups.takeControl(BOB, bob.party.address, encodeGroupControl({ kind: 'changes', groupId: fromHexId(group), changes: [forged.bytes] }), { syncGroup: new SyncGroup() })
    expect(taken.taken).toBe(false)
    expect((await alice.groups.info(group)).stateHash).toBe(before)
    // a replayed real change is not news either
    await alice.groups.editInfo(group, { name: 'Bouldering' })
    await w.settle()
    expect((await bob.groups.info(group)).name).toBe('Bouldering')
  })

  it('only admins send when the group says so: a member is refused at home and its message is rejected by the others', async () => {
    const { w, alice, bob, carol, group } = await trio(6)
    await alice.groups.settings(group, { onlyAdminsSend: true })
    await w.settle()
    await expect(bob.groups.send(group, 'may I?')).rejects.toThrow(OnlyAdminsSendError)
    // bob's key is known to carol; a message written with it is refused by the rule, not shown
    const wire = encodeGroupWire(await bob.party.groups.encrypt(fromHexId(group), encodeGroupContent({ kind: 'text', id: new Uint8Array(16).fill(2), timestamp: 1, lamport: w.clock.now(), history: [], stateHash: new Uint8Array(32), text: 'sneaky', mentions: [] })))
    expect(await carol.groups.receiveWire(fromHexId(group), wire)).toBe('reject')
    expect(texts(carol, group)).toEqual([])
    await alice.groups.send(group, 'admins only')
    await w.settle()
    expect(texts(carol, group)).toEqual(['admins only'])
  })

  it('rotates its sender key after 100 messages; members read across the rotation', async () => {
    const { w, alice, bob, group } = await trio(7)
    const chain = async (): Promise<number | undefined> => (await (alice.groups as unknown as { init: { store: { ownChain: (g: Uint8Array) => Promise<{ chainId: number } | undefined> } } }).init.store.ownChain(fromHexId(group)))?.chainId
    await alice.groups.send(group, 'm0')
    const first = await chain()
    for (let i = 1; i <= 100; i++) {
      // five a second, as a person (or a polite bot) writes
      w.clock.advance(200)
      await alice.groups.send(group, `m${i}`)
      await w.settle()
    }
    expect(await chain()).not.toBe(first)
    expect(texts(bob, group)).toHaveLength(101)
  })

  it('a member added later gets the whole log and reads from then on; unknown numbers are refused', async () => {
    const { w, alice, bob, group } = await trio(8)
    await alice.groups.send(group, 'before dave')
    await w.settle()
    const dave = await w.add('dave', DAVE, ['relay-d'])
    await expect(alice.groups.add(group, ['+15559999999'])).rejects.toThrow(MemberNotFoundError)
    await alice.groups.add(group, [DAVE])
    await w.settle()
    const hashes = await Promise.all([alice, bob, dave].map(async d => (await d.groups.info(group)).stateHash))
    expect(new Set(hashes).size).toBe(1)
    await bob.groups.send(group, 'welcome dave')
    await w.settle()
    expect(texts(dave, group)).toEqual(['welcome dave'])
  })

  it('after a restart a member still reads the group, its history and new messages', async () => {
    const { w, alice, bob, group } = await trio(9)
    await alice.groups.send(group, 'one')
    await w.settle()
    await w.restart(bob)
    expect((await bob.groups.info(group)).memberList).toHaveLength(3)
    expect((await bob.groups.history(group)).map(m => m.text)).toEqual(['one'])
    await alice.groups.send(group, 'two')
    await w.settle()
    expect(texts(bob, group)).toEqual(['one', 'two'])
    await bob.groups.send(group, 'back')
    await w.settle()
    expect(texts(alice, group)).toEqual(['back'])
  })

  it('an invite link lets someone join: the member it names hands over the log, the joiner signs its join; revoked, it lets nobody in', async () => {
    const { w, alice, bob, group } = await trio(10)
    const dave = await w.add('dave', DAVE, ['relay-d'])
    const eve = await w.add('eve', EVE, ['relay-e'])
    await expect(bob.groups.inviteLink(group)).rejects.toThrow('admin')
    const link = await alice.groups.inviteLink(group)
    expect(link).toMatch(new RegExp(`^parley-group:${group}\\?s=[0-9a-f]{64}&m=%2B15550100001$`))
    expect(await alice.groups.inviteLink(group)).toBe(link)
    await w.settle()
    await expect(dave.groups.join('parley-group:nope')).rejects.toThrow(InvalidInviteLinkError)
    expect(await dave.groups.join(link)).toEqual({ groupId: group })
    await w.settle()
    const hashes = await Promise.all([alice, bob, dave].map(async d => (await d.groups.info(group)).stateHash))
    expect(new Set(hashes).size).toBe(1)
    expect((await bob.groups.info(group)).memberList.map(m => m.phone)).toContain(DAVE)
    await bob.groups.send(group, 'welcome, dave')
    await dave.groups.send(group, 'thanks')
    await w.settle()
    expect(texts(dave, group)).toEqual(['welcome, dave'])
    expect(texts(alice, group)).toEqual(['welcome, dave', 'thanks'])

    // a link with a made-up secret gets nothing; after a revoke the real one gets nothing either
    await eve.groups.join(link.replace(/s=[0-9a-f]{64}/, `s=${'00'.repeat(32)}`))
    await w.settle()
    await expect(eve.groups.info(group)).rejects.toThrow()
    await alice.groups.revokeInviteLink(group)
    await w.settle()
    await eve.groups.join(link)
    await w.settle()
    await expect(eve.groups.info(group)).rejects.toThrow()
    expect((await alice.groups.info(group)).memberList.map(m => m.phone)).not.toContain(EVE)
  })

  it('a member sending faster than the per-member rate: gossip takes a burst, the rest is not stored from gossip but comes from the relays', async () => {
    const { w, alice, bob, group } = await trio(11)
    for (let i = 0; i < 100; i++) await alice.groups.send(group, `burst ${i}`)
    await w.settle()
    const fromGossip = texts(bob, group).length
    expect(fromGossip).toBe(MEMBER_GOSSIP_RATE.burst)
    expect(bob.verdicts.filter(v => v === 'ignore')).toHaveLength(100 - MEMBER_GOSSIP_RATE.burst)
    // nothing was lost: the relay kept every message and a catch-up brings the rest, once each
    await bob.groups.catchUp(fromHexId(group))
    expect(texts(bob, group)).toHaveLength(100)
    expect(new Set(texts(bob, group)).size).toBe(100)
  })

  it('a member\'s newly linked device gets the group and the keys and reads from then on; so does our own', async () => {
    const { w, alice, bob, group } = await trio(12)
    await alice.groups.send(group, 'before the laptop')
    await w.settle()
    const bobLaptop = await w.link('bob-laptop', bob)
    // bob's account tells its contacts (messaging's device news) and its own devices
    await bob.groups.ownDevicesChanged()
    await alice.groups.memberDevicesChanged(BOB)
    await w.settle()
    expect((await bobLaptop.groups.info(group)).stateHash).toBe((await alice.groups.info(group)).stateHash)
    await alice.groups.send(group, 'hello, laptop')
    await w.settle()
    expect(texts(bobLaptop, group)).toEqual(['hello, laptop'])
    // and what the laptop writes reaches alice, and bob's phone as his own message
    await bobLaptop.groups.send(group, 'typed on the laptop')
    await w.settle()
    expect(texts(alice, group)).toEqual(['typed on the laptop'])
    // (the others' receipts go to bob's number, so his phone sees it delivered too)
    expect((await bob.groups.history(group)).find(m => m.text === 'typed on the laptop')).toMatchObject({ direction: 'out', sender: BOB, status: 'delivered' })
  })

  it('a reply keeps what it answers and a mention names the member: stored on both sides, the mentioned one told', async () => {
    const { w, alice, bob, carol, group } = await trio(13)
    const first = await alice.groups.send(group, 'who climbs on sunday?')
    await w.settle()
    const reply = await bob.groups.send(group, 'me! @carol?', { quoteId: first.id, mentions: [CAROL] })
    expect(reply).toMatchObject({ quoteId: first.id, mentions: [CAROL] })
    await w.settle()
    const atCarol = carol.events['group-message'].find(e => e.id === reply.id)
    expect(atCarol).toMatchObject({ from: BOB, quoteId: first.id, mentions: [CAROL], mentioned: true })
    expect(alice.events['group-message'].find(e => e.id === reply.id)).toMatchObject({ mentioned: false })
    expect((await alice.groups.history(group)).find(m => m.id === reply.id)).toMatchObject({ quoteId: first.id, mentions: [CAROL], sender: BOB })
  })

  it('a file\'s attachment descriptor goes with its caption (or none), under the id the media layer chose; members store it', async () => {
    const { w, alice, bob, group } = await trio(18)
    const id = 'ab'.repeat(16)
    const m = await alice.groups.send(group, '', { attachment: Uint8Array.of(1, 2, 3), id })
    expect(m).toMatchObject({ id, text: '', attachment: 'AQID' })
    await w.settle()
    expect(bob.events['group-message']).toEqual([expect.objectContaining({ id, text: '', attachment: 'AQID', from: ALICE })])
    expect((await bob.groups.history(group))[0]).toMatchObject({ id, attachment: 'AQID', direction: 'in' })
    await expect(alice.groups.send(group, 'x', { id: 'not an id' })).rejects.toThrow('a message id is 32 lowercase hex characters')
    await expect(alice.groups.send(group, '')).rejects.toThrow('a text says something')
  })

  it('a new member\'s key that overtakes the change adding it is held, and taken once the change comes', async () => {
    const { w, alice, bob, group } = await trio(14)
    const dave = await w.add('dave', DAVE, ['relay-d'])
    await w.setOnline(bob, false)
    await alice.groups.add(group, [DAVE])
    await w.settle()
    // dave is in and sent his key to everyone; bob gets dave's key before alice's change that adds him
    const forBob = w.mail.filter(m => m.to === bob)
    w.mail.splice(0, w.mail.length, ...w.mail.filter(m => m.to !== bob), ...forBob.filter(m => m.from === DAVE), ...forBob.filter(m => m.from !== DAVE))
    expect(forBob.findIndex(m => m.from === DAVE)).toBeGreaterThan(forBob.findIndex(m => m.from === ALICE))
    await w.setOnline(bob, true)
    await dave.groups.send(group, 'hi all, dave here')
    await w.settle()
    expect(texts(bob, group)).toEqual(['hi all, dave here'])
  })

  it('a member offline while a sender replaced its key many times still reads everything when it comes back', async () => {
    const { w, alice, bob, group } = await trio(15)
    await w.setOnline(bob, false)
    // 7 rotations (one every ROTATE_AFTER_MESSAGES): bob takes the new keys (1:1 mail) before the relay's backlog
    const n = 7 * ROTATE_AFTER_MESSAGES + 10
    for (let i = 0; i < n; i++) {
      w.clock.advance(10)
      await alice.groups.send(group, `while away ${i}`)
    }
    await w.settle()
    await w.setOnline(bob, true)
    await w.settle()
    expect(texts(bob, group)).toHaveLength(n)
  })

  it('a reply from a member whose clock is behind is shown after what it answers, and a clock set ahead shows nothing in the future', async () => {
    const { w, alice, bob, carol, group } = await trio(16)
    carol.skew = -60_000
    alice.skew = 3_600_000
    const question = await bob.groups.send(group, 'who climbs on sunday?')
    await w.settle()
    w.clock.advance(1_000)
    await carol.groups.send(group, 'me', { quoteId: question.id })
    await w.settle()
    w.clock.advance(1_000)
    await alice.groups.send(group, 'from the future')
    await w.settle()
    const history = (await bob.groups.history(group)).reverse()
    expect(history.map(m => m.text)).toEqual(['who climbs on sunday?', 'me', 'from the future'])
    expect(history.every(m => m.timestamp <= w.clock.now())).toBe(true)
  })

  it('what gossip brings that nobody can read is held in memory only, never on disk', async () => {
    const { w, bob, group } = await trio(17)
    const dave = await w.add('dave', DAVE, ['relay-d'])
    const stranger = fromHexId(group)
    await dave.party.groups.distribution(stranger)
    for (let i = 0; i < 5; i++) {
      const wire = encodeGroupWire(await dave.party.groups.encrypt(stranger, encodeGroupContent({ kind: 'text', id: new Uint8Array(16).fill(i + 1), timestamp: 1, lamport: 1, history: [], stateHash: new Uint8Array(32), text: `junk ${i}`, mentions: [] })))
      expect(await bob.groups.receiveWire(stranger, wire, { via: 'gossip' })).toBe('ignore')
    }
    let onDisk = 0
    for await (const _ of bob.party.storage.kv('group-held').iterate({})) onDisk++
    expect(onDisk).toBe(0)
    expect(texts(bob, group)).toEqual([])
  })
})
