// Per-member receipts count the group's current members only: a member removed after it got a message no longer counts, so "delivered to N of M" never has N above M.
import { afterEach, describe, expect, it } from 'vitest'
import { GroupWorld } from './service-harness.js'

const ALICE = '+15550100001'
const BOB = '+15550100002'
const CAROL = '+15550100003'

let world: GroupWorld | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

describe('group receipts after a removal', () => {
  it('counts and lists only current members: a removed member\'s receipts are dropped from the counts and the list', async () => {
    const w = world = new GroupWorld(41)
    const alice = await w.add('alice', ALICE, ['relay-a'])
    await w.add('bob', BOB, ['relay-b'])
    const carol = await w.add('carol', CAROL, ['relay-c'])
    const { groupId: group } = await alice.groups.create('Climbing', [BOB, CAROL])
    await w.settle()
    const m = await alice.groups.send(group, 'before the removal')
    await w.settle()
    await carol.groups.markRead(group)
    await w.settle()
    expect(await alice.groups.receipts(group, m.id)).toMatchObject({ members: 2, delivered: 2, read: 1 })

    await alice.groups.remove(group, CAROL)
    await w.settle()
    const after = await alice.groups.receipts(group, m.id)
    expect(after).toMatchObject({ members: 1, delivered: 1, read: 0 })
    expect(after.list.map(r => r.phone)).toEqual([BOB])
  })
})
