// Recipients' edges: what the shared directory lookup is given (its own abort signal, the caller's expected key), a forget() while a caller waits on a verified answer, and the untrusted mark on wall-clock times and its clearing by a verified answer.
import { describe, expect, it } from 'vitest'
import { UnverifiedNumberError } from '../../src/messaging/index.js'
import { RECIPIENT_CACHE_MS, Recipients, type RecipientLookupOptions } from '../../src/messaging/recipients.js'
import type { LookupResult, Registered } from '../../src/directory/index.js'

const BOB = '+15550950002'
const T0 = 1_700_000_000_000
const stats = { peersQueried: 0, hops: 0, endedEarly: false }

function record (identity: number, fields: Partial<Registered> = {}): Registered {
  return {
    registered: true,
    identityKey: new Uint8Array(32).fill(identity),
    devices: [{ deviceId: 1, peerId: 'not-a-peer-id', certificate: new Uint8Array(0), prekeyBundle: new Uint8Array(0) }],
    mailboxRelays: ['/ip4/10.9.5.1/tcp/4001'],
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

/** A directory whose answers the test releases one by one, noting what each lookup was given. */
function gatedDirectory () {
  const calls: Array<{ e164: string, options?: RecipientLookupOptions, answer: (r: LookupResult) => void }> = []
  const lookup = async (e164: string, options?: RecipientLookupOptions): Promise<LookupResult> => await new Promise(resolve => { calls.push({ e164, options, answer: resolve }) })
  return { calls, lookup }
}

describe('Recipients lookups', () => {
  it('the shared lookup runs on its own abort signal (not the caller\'s) and gets the expected key a caller names', async () => {
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => T0)
    const impatient = new AbortController()
    const a = r.resolve(BOB, { signal: impatient.signal })
    const signal = dir.calls[0].options?.signal
    expect(signal).toBeInstanceOf(AbortSignal)
    expect(dir.calls[0].options?.expectedKey).toBeUndefined()
    impatient.abort(new Error('gave up'))
    await expect(a).rejects.toThrow('gave up')
    expect(signal?.aborted).toBe(false)
    dir.calls[0].answer(record(1))

    const key = new Uint8Array(32).fill(9)
    const b = r.lookup('+15550950003', { expectedKey: key })
    expect(dir.calls[1].options?.expectedKey).toBe(key)
    expect(dir.calls[1].options?.signal).toBeInstanceOf(AbortSignal)
    dir.calls[1].answer(record(9))
    expect(await b).toMatchObject({ registered: true })
  })

  it('a forget() between the verified answer and the waiting caller still gives that caller the recipient', async () => {
    const dir = gatedDirectory()
    // the answer is cached (now() is read for it) and forgotten right after, before the caller resumes
    const r: Recipients = new Recipients(dir.lookup, () => { queueMicrotask(() => { r.forget(BOB) }); return T0 })
    const a = r.resolve(BOB)
    dir.calls[0].answer(record(3))
    const recipient = await a
    expect(recipient).toMatchObject({ e164: BOB, identityKey: new Uint8Array(32).fill(3), mailboxRelays: ['/ip4/10.9.5.1/tcp/4001'] })
    expect(recipient.devices).toHaveLength(1)
    expect(r.recent(BOB)).toBeUndefined()
  })

  it('on wall-clock times, a number is known untrusted for RECIPIENT_CACHE_MS after an unattested answer, and no longer once a verified one came', async () => {
    let now = T0
    const dir = gatedDirectory()
    const r = new Recipients(dir.lookup, () => now)
    const unattested = r.resolve(BOB)
    dir.calls[0].answer(record(4, { verified: false }))
    await expect(unattested).rejects.toBeInstanceOf(UnverifiedNumberError)
    expect(r.knownUntrusted(BOB)).toBe(true)
    now += RECIPIENT_CACHE_MS - 1
    expect(r.knownUntrusted(BOB)).toBe(true)
    now += 1
    expect(r.knownUntrusted(BOB)).toBe(false)

    now = T0
    const again = r.resolve(BOB)
    dir.calls[1].answer(record(4, { verified: false }))
    await expect(again).rejects.toBeInstanceOf(UnverifiedNumberError)
    expect(r.knownUntrusted(BOB)).toBe(true)
    // attested a minute later, well within the mark's time
    now += 60_000
    const attested = r.resolve(BOB)
    dir.calls[2].answer(record(4))
    await attested
    expect(r.knownUntrusted(BOB)).toBe(false)
  })
})
