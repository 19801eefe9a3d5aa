// The short-lived deposit identity: one node per lifetime, a new one (fresh key) after it, the old one stopped once its last deposit is done, all stopped on stop().
import { describe, it, expect } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { DepositIdentity, type DepositNode } from '../../src/messaging/deposit-identity.js'

interface FakeNode extends DepositNode { stopped: Promise<void>, isStopped: boolean }

async function fakeNode (): Promise<FakeNode> {
  let done!: () => void
  const stopped = new Promise<void>(resolve => { done = resolve })
  const node: FakeNode = {
    peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')),
    dialProtocol: async () => { throw new Error('not in this test') },
    stopped,
    isStopped: false,
    stop: async () => { node.isStopped = true; done() }
  }
  return node
}

describe('DepositIdentity', () => {
  it('uses one identity within its lifetime, a new one after it, and stops the old one only after its last use', async () => {
    let now = 1_000
    const made: FakeNode[] = []
    const identity = new DepositIdentity({ create: async () => { const n = await fakeNode(); made.push(n); return n }, now: () => now, lifetimeMs: 60_000 })
    const first = await identity.use(async n => n)
    expect(await identity.use(async n => n)).toBe(first)
    // a deposit still running on the old identity when its lifetime ends
    let finish!: () => void
    const running = identity.use(async n => { await new Promise<void>(resolve => { finish = resolve }); return n })
    now += 60_000
    const second = await identity.use(async n => n)
    expect(second).not.toBe(first)
    expect(second.peerId.equals(first.peerId)).toBe(false)
    expect(made[0].isStopped).toBe(false)
    finish()
    expect(await running).toBe(first)
    await made[0].stopped
    expect(identity.made).toBe(2)
    await identity.stop()
    expect(made[1].isStopped).toBe(true)
    await expect(identity.use(async n => n)).rejects.toThrow()
  })

  it('stops an idle identity at the end of its lifetime (with its connections)', async () => {
    const made: FakeNode[] = []
    const identity = new DepositIdentity({ create: async () => { const n = await fakeNode(); made.push(n); return n }, now: Date.now, lifetimeMs: 50 })
    await identity.use(async () => {})
    await Promise.race([made[0].stopped, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('not stopped within 5 s')), 5000))])
    expect(await identity.peerId()).toBeUndefined()
    await identity.stop()
  })

  it('a failed node creation fails the use and the next use tries again', async () => {
    let fail = true
    const identity = new DepositIdentity({ create: async () => { if (fail) throw new Error('no transport'); return await fakeNode() }, now: Date.now })
    await expect(identity.use(async n => n)).rejects.toThrow('no transport')
    fail = false
    expect((await identity.use(async n => n)).peerId).toBeDefined()
    await identity.stop()
  })
})
