// DepositIdentity's edges: lifetimes on wall-clock times, a creation that fails after a newer identity took over, an identity shared by uses still running when it retires, a failed stop, the lifetime timer (unref'd where timers have unref, left alone where they are numbers) and stop() leaving no timer behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { DepositIdentity, type DepositNode } from '../../src/messaging/deposit-identity.js'

const T0 = 1_700_000_000_000
const LIFETIME = 60_000

interface FakeNode extends DepositNode { stops: number }

async function fakeNode (stop: () => Promise<void> = async () => {}): Promise<FakeNode> {
  const node: FakeNode = {
    peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')),
    dialProtocol: async () => { throw new Error('not in this test') },
    stops: 0,
    stop: async () => { node.stops++; await stop() }
  }
  return node
}

/** A creation the test settles. */
function pending (): { node: Promise<DepositNode>, resolve: (n: DepositNode) => void, reject: (err: Error) => void } {
  let resolve!: (n: DepositNode) => void
  let reject!: (err: Error) => void
  const node = new Promise<DepositNode>((res, rej) => { resolve = res; reject = rej })
  return { node, resolve, reject }
}

/** Microtasks and I/O callbacks that are due run (setImmediate: not faked here). */
async function turns (n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
}

let identity: DepositIdentity | undefined

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})

afterEach(async () => {
  vi.restoreAllMocks()
  await identity?.stop()
  identity = undefined
  vi.useRealTimers()
})

describe('DepositIdentity lifecycle', () => {
  it('on wall-clock times, uses within the lifetime share one identity; peerId() names it', async () => {
    identity = new DepositIdentity({ create: async () => await fakeNode(), now: Date.now, lifetimeMs: LIFETIME })
    expect(await identity.peerId()).toBeUndefined()
    const first = await identity.use(async n => n)
    vi.setSystemTime(T0 + LIFETIME - 1)
    expect(await identity.use(async n => n)).toBe(first)
    expect(identity.made).toBe(1)
    expect((await identity.peerId())?.equals(first.peerId)).toBe(true)
    vi.setSystemTime(T0 + LIFETIME)
    const second = await identity.use(async n => n)
    expect(second).not.toBe(first)
    expect((await identity.peerId())?.equals(second.peerId)).toBe(true)
  })

  it("refuses every use after stop() with 'deposit identity stopped'", async () => {
    identity = new DepositIdentity({ create: async () => await fakeNode(), now: Date.now })
    await identity.stop()
    await expect(identity.use(async n => n)).rejects.toThrow('deposit identity stopped')
  })

  it('a creation that fails after a newer identity took over leaves the newer one in use', async () => {
    const creations = [pending(), pending()]
    let made = 0
    identity = new DepositIdentity({ create: async () => await creations[made++].node, now: Date.now, lifetimeMs: LIFETIME })
    const slow = identity.use(async n => n)
    vi.setSystemTime(T0 + LIFETIME)
    const newer = identity.use(async n => n)
    const node = await fakeNode()
    creations[1].resolve(node)
    expect(await newer).toBe(node)
    creations[0].reject(new Error('no transport'))
    await expect(slow).rejects.toThrow('no transport')
    expect(await identity.use(async n => n)).toBe(node)
    expect(identity.made).toBe(2)
  })

  it('an identity retired while several uses run on it is stopped after the last of them', async () => {
    const nodes: FakeNode[] = []
    identity = new DepositIdentity({ create: async () => { const n = await fakeNode(); nodes.push(n); return n }, now: Date.now, lifetimeMs: LIFETIME })
    const finish: Array<() => void> = []
    const running = [0, 1].map(async () => await identity!.use(async n => { await new Promise<void>(resolve => { finish.push(resolve) }); return n }))
    await turns()
    expect(finish).toHaveLength(2)
    vi.setSystemTime(T0 + LIFETIME)
    await identity.use(async n => n)
    finish[0]()
    await running[0]
    await turns()
    expect(nodes[0].stops).toBe(0)
    finish[1]()
    await running[1]
    await turns()
    expect(nodes[0].stops).toBe(1)
  })

  it('a failed stop of a retired identity is reported, and without onError it is dropped quietly', async () => {
    const errors: unknown[] = []
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => { unhandled.push(err) }
    process.on('unhandledRejection', onUnhandled)
    try {
      identity = new DepositIdentity({ create: async () => await fakeNode(async () => { throw new Error('stuck') }), now: Date.now, lifetimeMs: LIFETIME, onError: err => errors.push(err) })
      await identity.use(async n => n)
      await vi.advanceTimersByTimeAsync(LIFETIME)
      await turns()
      expect(errors).toEqual([new Error('stuck')])

      const quiet = new DepositIdentity({ create: async () => await fakeNode(async () => { throw new Error('stuck') }), now: Date.now, lifetimeMs: LIFETIME })
      await quiet.use(async n => n)
      await vi.advanceTimersByTimeAsync(LIFETIME)
      await turns()
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it("the lifetime timer of a creation that failed does nothing when it fires; the next identity's replaces it", async () => {
    const errors: unknown[] = []
    let fail = true
    identity = new DepositIdentity({ create: async () => { if (fail) throw new Error('no transport'); return await fakeNode() }, now: Date.now, lifetimeMs: LIFETIME, onError: err => errors.push(err) })
    await expect(identity.use(async n => n)).rejects.toThrow('no transport')
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(LIFETIME)
    await turns()
    expect(errors).toEqual([])

    await expect(identity.use(async n => n)).rejects.toThrow('no transport')
    fail = false
    await identity.use(async n => n)
    expect(vi.getTimerCount()).toBe(1)
    await identity.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  describe('the lifetime timer', () => {
    it('is unref\'d where timers have unref (it must not keep a process alive)', async () => {
      const handle = { unref: vi.fn() }
      vi.spyOn(globalThis, 'setTimeout').mockReturnValue(handle as never)
      vi.spyOn(globalThis, 'clearTimeout').mockImplementation(() => {})
      identity = new DepositIdentity({ create: async () => await fakeNode(), now: Date.now })
      await identity.use(async n => n)
      expect(handle.unref).toHaveBeenCalledTimes(1)
    })

    it('is left alone where timers are numbers (browsers) or objects without unref', async () => {
      for (const handle of [42, {}]) {
        vi.spyOn(globalThis, 'setTimeout').mockReturnValue(handle as never)
        vi.spyOn(globalThis, 'clearTimeout').mockImplementation(() => {})
        const browser = new DepositIdentity({ create: async () => await fakeNode(), now: Date.now })
        await expect(browser.use(async () => 'done')).resolves.toBe('done')
        vi.restoreAllMocks()
      }
    })
  })
})
