// GroupSessionManager: sender key distribution, encrypt/decrypt out of order, commit on success, rotation, restart.
import { describe, expect, it } from 'vitest'
import { Party, TestClock, text, untext } from './party.js'
import { levelBackend, memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const groupId = new Uint8Array([0x67, 1, 2, 3])

describe('GroupSessionManager', () => {
  it('delivers group messages to members that processed the distribution, in any order', async () => {
    const rng = new SeededRandom(3)
    const clock = new TestClock()
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async n => await Party.create(n, memoryBackend(), rng, clock, 0)))
    await expect(alice.groups.encrypt(groupId, text('too early'))).rejects.toThrow(expect.objectContaining({ name: 'NoSessionError', message: 'No own sender key: call distribution() first' }))
    const dist = await alice.groups.distribution(groupId)
    expect(await alice.groups.distribution(groupId)).toEqual(dist)
    await bob.groups.processDistribution(groupId, alice.address, dist)
    await carol.groups.processDistribution(groupId, alice.address, dist)
    const msgs = [] as Uint8Array[]
    for (let i = 0; i < 5; i++) msgs.push(await alice.groups.encrypt(groupId, text(`g${i}`)))
    for (const i of [4, 0, 2, 1, 3]) expect(untext(await bob.groups.decrypt(groupId, alice.address, msgs[i]))).toBe(`g${i}`)
    for (const i of [0, 1, 2, 3, 4]) expect(untext(await carol.groups.decrypt(groupId, alice.address, msgs[i]))).toBe(`g${i}`)
    expect(await bob.groups.senders(groupId)).toEqual([alice.address])
    // our own sender key is no other member's
    await bob.groups.distribution(groupId)
    expect(await bob.groups.senders(groupId)).toEqual([alice.address])

    // failures leave the stored record unchanged
    const name = { groupId: '67010203', sender: alice.address, distributionId: 'chains-v1' }
    const before = await bob.storage.senderKeys.loadSenderKey(name)
    await expect(bob.groups.decrypt(groupId, alice.address, msgs[2])).rejects.toHaveProperty('name', 'DuplicateMessageError')
    const tampered = await alice.groups.encrypt(groupId, text('t'))
    tampered[tampered.length - 1] ^= 1
    await expect(bob.groups.decrypt(groupId, alice.address, tampered)).rejects.toHaveProperty('name', 'InvalidSignatureError')
    expect(await bob.storage.senderKeys.loadSenderKey(name)).toEqual(before)

    // a member without the distribution cannot read
    const dave = await Party.create('dave', memoryBackend(), rng, clock, 0)
    await expect(dave.groups.decrypt(groupId, alice.address, msgs[0])).rejects.toThrow(expect.objectContaining({ name: 'NoSessionError', message: 'No sender key from this member' }))
    await expect(dave.groups.processDistribution(new Uint8Array([9]), alice.address, dist)).rejects.toHaveProperty('name', 'GroupMismatchError')

    // rotation (carol removed): bob gets the new key, carol cannot read what follows
    const rotated = await alice.groups.rotate(groupId)
    await bob.groups.processDistribution(groupId, alice.address, rotated)
    const after = await alice.groups.encrypt(groupId, text('after'))
    expect(untext(await bob.groups.decrypt(groupId, alice.address, after))).toBe('after')
    await expect(carol.groups.decrypt(groupId, alice.address, after)).rejects.toHaveProperty('name', 'NoSenderKeyError')

    await bob.groups.leave(groupId)
    expect(await bob.groups.senders(groupId)).toEqual([])
    for (const p of [alice, bob, carol, dave]) await p.dispose()
  })

  it('forgetSender drops every device of one member and nobody else (not our own key)', async () => {
    const rng = new SeededRandom(4)
    const clock = new TestClock()
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async n => await Party.create(n, memoryBackend(), rng, clock, 0)))
    const aliceLaptop = await Party.companion('alice-laptop', alice, 2, memoryBackend(), rng, clock)
    for (const sender of [alice, aliceLaptop, carol]) await bob.groups.processDistribution(groupId, sender.address, await sender.groups.distribution(groupId))
    await bob.groups.distribution(groupId)
    const fromCarol = await carol.groups.encrypt(groupId, text('still here'))
    const fromLaptop = await aliceLaptop.groups.encrypt(groupId, text('gone'))
    await bob.groups.forgetSender(groupId, alice.address.identityKey)
    expect(await bob.groups.senders(groupId)).toEqual([carol.address])
    await expect(bob.groups.decrypt(groupId, aliceLaptop.address, fromLaptop)).rejects.toHaveProperty('name', 'NoSessionError')
    expect(untext(await bob.groups.decrypt(groupId, carol.address, fromCarol))).toBe('still here')
    // bob's own key stays: forgetting his own identity leaves his sending chain
    await bob.groups.forgetSender(groupId, bob.address.identityKey)
    await expect(bob.groups.encrypt(groupId, text('mine'))).resolves.toBeInstanceOf(Uint8Array)
    for (const p of [alice, aliceLaptop, bob, carol]) await p.dispose()
  })

  it('keeps sender keys across a LevelDB restart', async () => {
    const rng = new SeededRandom(5)
    const clock = new TestClock()
    const alice = await Party.create('alice', await levelBackend(), rng, clock, 0)
    const bob = await Party.create('bob', await levelBackend(), rng, clock, 0)
    await bob.groups.processDistribution(groupId, alice.address, await alice.groups.distribution(groupId))
    const m1 = await alice.groups.encrypt(groupId, text('one'))
    await alice.restart()
    await bob.restart()
    const m2 = await alice.groups.encrypt(groupId, text('two'))
    expect(untext(await bob.groups.decrypt(groupId, alice.address, m2))).toBe('two')
    await bob.restart()
    expect(untext(await bob.groups.decrypt(groupId, alice.address, m1))).toBe('one')
    await alice.dispose()
    await bob.dispose()
  })
})
