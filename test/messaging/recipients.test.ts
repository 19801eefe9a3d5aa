// Recipients: one shared directory lookup per number at a time, verified answers cached for RECIPIENT_CACHE_MS and forgotten on demand, unregistered and unattested numbers refused, a caller's abort leaving the others' lookup alone.
import { describe, expect, it } from 'vitest'
import { NotOnParleyError, UnverifiedNumberError } from '../../src/messaging/index.js'
import { RECIPIENT_CACHE_MS, Recipients } from '../../src/messaging/recipients.js'
import { addressToString } from '../../src/session/index.js'
import type { LookupResult, Registered } from '../../src/directory/index.js'

const BOB = '+15550930002'
const stats = { peersQueried: 0, hops: 0, endedEarly: false }
const PEER = '12D3KooWGRUVh4tNpfuv6pbkwF8QdCnTtEcDMo5NjxHbZdGaRtFa'

function record (identity: number, fields: Partial<Registered> = {}): Registered {
  return {
    registered: true,
    identityKey: new Uint8Array(32).fill(identity),
    devices: [{ deviceId: 1, peerId: PEER, certificate: new Uint8Array(0), prekeyBundle: new Uint8Array([1, 2, 3]) }, { deviceId: 2, peerId: 'not-a-peer-id', certificate: new Uint8Array(0), prekeyBundle: new Uint8Array(0) }],
    mailboxRelays: ['/ip4/10.9.3.1/tcp/4001'],
    removedDevices: [],
    verified: true,
    seq: 1,
    issuedAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
    rivals: [],
    stats,
    ...fields
  }
}

/** A directory whose answers the test releases one by one. */
function gatedDirectory () {
  const calls: Array<{ e164: string, answer: (r: LookupResult) => void, fail: (err: Error) => void }> = []
  const lookup = async (e164: string): Promise<LookupResult> => await new Promise((resolve, reject) => { calls.push({ e164, answer: resolve, fail: reject }) })
  return { calls, lookup }
}

describe('Recipients', () => {
  it('callers asking at once share one lookup; the verified answer is reused until RECIPIENT_CACHE_MS, then asked again', async () => {
    let now = 1_000_000
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => now)
    const a = r.resolve(BOB)
    const b = r.resolve(BOB)
    const c = r.lookup(BOB)
    expect(dir.calls).toHaveLength(1)
    dir.calls[0].answer(record(7))
    const [ra, rb, rc] = await Promise.all([a, b, c])
    expect(ra).toBe(rb)
    expect(rc).toMatchObject({ registered: true, verified: true })
    expect(ra).toMatchObject({ e164: BOB, identityKey: new Uint8Array(32).fill(7), mailboxRelays: ['/ip4/10.9.3.1/tcp/4001'] })
    expect(ra.devices[0].prekeyBundle).toEqual(new Uint8Array([1, 2, 3]))
    // devices: the outbox's per-device key, and a peer id only when the record's parses
    expect(ra.devices.map(d => [d.key, d.peerId?.toString()])).toEqual([
      [addressToString({ identityKey: ra.identityKey, deviceId: 1 }), PEER],
      [`${'07'.repeat(32)}.2`, undefined]
    ])
    expect(r.recent(BOB)).toMatchObject({ identityKey: new Uint8Array(32).fill(7) })

    now += RECIPIENT_CACHE_MS - 1
    expect(await r.resolve(BOB)).toBe(ra)
    expect(dir.calls).toHaveLength(1)
    now += 1
    expect(r.recent(BOB)).toBeUndefined()
    const again = r.resolve(BOB)
    expect(dir.calls).toHaveLength(2)
    dir.calls[1].answer(record(8))
    expect((await again).identityKey).toEqual(new Uint8Array(32).fill(8))
  })

  it('forget() makes the next resolve ask the directory again', async () => {
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => 0)
    const first = r.resolve(BOB)
    dir.calls[0].answer(record(1))
    await first
    r.forget(BOB)
    const second = r.resolve(BOB)
    expect(dir.calls).toHaveLength(2)
    dir.calls[1].answer(record(2))
    expect((await second).identityKey).toEqual(new Uint8Array(32).fill(2))
  })

  it('refuses a number not on Parley and one whose record no trusted verifier attested; the latter is known untrusted for RECIPIENT_CACHE_MS', async () => {
    let now = 0
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => now)
    const missing = r.resolve(BOB)
    dir.calls[0].answer({ registered: false, stats })
    await expect(missing).rejects.toBeInstanceOf(NotOnParleyError)
    expect(r.knownUntrusted(BOB)).toBe(false)

    const unattested = r.resolve(BOB)
    expect(dir.calls).toHaveLength(2)
    dir.calls[1].answer(record(3, { verified: false }))
    await expect(unattested).rejects.toBeInstanceOf(UnverifiedNumberError)
    // nothing is cached from it: the next resolve asks again
    expect(r.recent(BOB)).toBeUndefined()
    expect(r.knownUntrusted(BOB)).toBe(true)
    now += RECIPIENT_CACHE_MS
    expect(r.knownUntrusted(BOB)).toBe(false)

    // a verified answer later clears it
    now = 0
    const attested = r.resolve(BOB)
    dir.calls[2].answer(record(3))
    await attested
    expect(r.knownUntrusted(BOB)).toBe(false)
  })

  it("one caller giving up does not fail the others' shared lookup", async () => {
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => 0)
    const impatient = new AbortController()
    const a = r.resolve(BOB, { signal: impatient.signal })
    const b = r.resolve(BOB)
    impatient.abort(new Error('gave up'))
    dir.calls[0].answer(record(4))
    await expect(a).rejects.toThrow('gave up')
    expect((await b).identityKey).toEqual(new Uint8Array(32).fill(4))
    expect(dir.calls).toHaveLength(1)
  })

  it('a failed lookup is not kept: the next caller asks again', async () => {
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => 0)
    const a = r.resolve(BOB)
    dir.calls[0].fail(Object.assign(new Error('no peers'), { name: 'DirectoryUnavailableError' }))
    await expect(a).rejects.toMatchObject({ name: 'DirectoryUnavailableError' })
    const b = r.resolve(BOB)
    expect(dir.calls).toHaveLength(2)
    dir.calls[1].answer(record(5))
    expect((await b).identityKey).toEqual(new Uint8Array(32).fill(5))
  })
})
