// Randomised interaction: seeded runs where both sides send bursts, lose, reorder and duplicate messages, restart and re-initiate; everything still in flight must decrypt.
import { describe, expect, it } from 'vitest'
import { MAX_SESSIONS_PER_ADDRESS } from '../../src/storage/index.js'
import { initiate, Party, TestClock, text, untext } from './party.js'
import { levelBackend, memoryBackend, type StorageBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** Most session initiations per run (both sides together): keeps every session within MAX_SESSIONS_PER_ADDRESS, so nothing in flight is evicted. */
const MAX_INITIATIONS = MAX_SESSIONS_PER_ADDRESS - 2
const STEPS = 40

interface InFlight {
  from: Party
  to: Party
  body: Uint8Array
  plaintext: string
}

interface Stats {
  sent: number
  delivered: number
  lost: number
  duplicates: number
  restarts: number
  initiations: number
  rotations: number
  outOfOrder: number
  concurrent: number
}

async function deliver (m: InFlight, stats: Stats): Promise<void> {
  const { plaintext } = await m.to.sessions.decrypt(m.from.address, m.body)
  expect(untext(plaintext)).toBe(m.plaintext)
  stats.delivered++
}

async function run (seed: number, backend: () => Promise<StorageBackend>, stats: Stats): Promise<void> {
  const rng = new SeededRandom(seed)
  const clock = new TestClock()
  // each party has its own generator, so concurrent steps stay deterministic whatever the I/O order
  const a = await Party.create('a', await backend(), new SeededRandom(seed * 3 + 1), clock, rng.int(4))
  const b = await Party.create('b', await backend(), new SeededRandom(seed * 3 + 2), clock, rng.int(4))
  const other = (p: Party): Party => p === a ? b : a
  let inFlight: InFlight[] = []
  const delivered: InFlight[] = []
  let initiations = 0
  let counter = 0

  const send = async (from: Party, n: number): Promise<void> => {
    const to = other(from)
    if (!(await from.sessions.hasSession(to.address))) {
      await initiate(from, to)
      initiations++
      stats.initiations++
    }
    for (let i = 0; i < n; i++) {
      const plaintext = `${from.name}${counter++}`
      const m = await from.sessions.encrypt(to.address, text(plaintext))
      inFlight.push({ from, to, body: m.body, plaintext })
      stats.sent++
    }
  }

  try {
    for (let step = 0; step < STEPS; step++) {
      const side = rng.chance(0.5) ? a : b
      const roll = rng.int(100)
      if (roll < 35) {
        if (rng.chance(0.2)) {
          // both sides send at once
          await Promise.all([send(a, 1 + rng.int(3)), send(b, 1 + rng.int(3))])
          stats.concurrent++
        } else {
          await send(side, 1 + rng.int(4))
        }
      } else if (roll < 65 && inFlight.length > 0) {
        // deliver a random subset in random order
        const picked = rng.shuffle(inFlight.slice()).slice(0, 1 + rng.int(inFlight.length))
        inFlight = inFlight.filter(m => !picked.includes(m))
        if (rng.chance(0.3)) {
          // all at once: the per-peer queue must keep them from interleaving
          await Promise.all(picked.map(async m => { await deliver(m, stats) }))
          stats.concurrent++
        } else {
          for (const m of picked) await deliver(m, stats)
        }
        delivered.push(...picked)
        stats.outOfOrder += picked.length > 1 ? 1 : 0
      } else if (roll < 72 && inFlight.length > 0) {
        inFlight.splice(rng.int(inFlight.length), 1)
        stats.lost++
      } else if (roll < 80) {
        await side.restart()
        stats.restarts++
      } else if (roll < 87 && initiations < MAX_INITIATIONS) {
        // re-initiate from a fresh bundle although a session exists
        await initiate(side, other(side))
        initiations++
        stats.initiations++
      } else if (roll < 94 && delivered.length > 0) {
        // a duplicate must fail and leave storage byte-identical
        const m = delivered[rng.int(delivered.length)]
        const before = await m.to.storage.sessions.loadSessions(m.from.address)
        await expect(m.to.sessions.decrypt(m.from.address, m.body)).rejects.toBeDefined()
        expect(await m.to.storage.sessions.loadSessions(m.from.address)).toEqual(before)
        stats.duplicates++
      } else {
        clock.advance(rng.int(2 * 3600 * 1000))
        if (rng.chance(0.5)) {
          await side.preKeys.rotateSignedPreKeys({ force: true })
          stats.rotations++
        }
      }
    }

    // everything still in flight decrypts, in any order, also after a restart
    if (rng.chance(0.5)) await a.restart()
    for (const m of rng.shuffle(inFlight)) await deliver(m, stats)
    inFlight = []

    // a final non-crossing exchange converges both sides on one session
    for (const [from, to] of [[a, b], [b, a], [a, b]] as const) {
      if (!(await from.sessions.hasSession(to.address))) await initiate(from, to)
      const m = await from.sessions.encrypt(to.address, text('final'))
      expect(untext((await to.sessions.decrypt(from.address, m.body)).plaintext)).toBe('final')
    }
    expect(await a.sessions.activeSessionId(b.address)).toEqual(await b.sessions.activeSessionId(a.address))
  } finally {
    await a.dispose()
    await b.dispose()
  }
}

function newStats (): Stats {
  return { sent: 0, delivered: 0, lost: 0, duplicates: 0, restarts: 0, initiations: 0, rotations: 0, outOfOrder: 0, concurrent: 0 }
}

describe('randomised interaction', () => {
  it('200 seeded runs with the memory store', async () => {
    const stats = newStats()
    for (let seed = 1; seed <= 200; seed++) {
      try {
        await run(seed, async () => memoryBackend(), stats)
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err })
      }
    }
    // the runs really exercised every behaviour
    for (const [k, v] of Object.entries(stats)) expect(v, k).toBeGreaterThan(50)
  })

  it('20 seeded runs with LevelDB', async () => {
    const stats = newStats()
    for (let seed = 1001; seed <= 1020; seed++) {
      try {
        await run(seed, levelBackend, stats)
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err })
      }
    }
    for (const [k, v] of Object.entries(stats)) expect(v, k).toBeGreaterThan(5)
  })
})
