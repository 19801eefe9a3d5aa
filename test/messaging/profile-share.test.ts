// Which contacts got which version of our profile: one claim per version and contact (also under concurrency), none without a profile, a failed delivery or a contact's new identity makes the next text carry it again; marks persist, are read once per contact, written synced with the caller's group, and undone when their write fails.
import { describe, it, expect } from 'vitest'
import { ProfileShare } from '../../src/messaging/profile-share.js'
import type { ProfileContent } from '../../src/messaging/index.js'
import { createMemoryStorage, MemoryKeyValueStore, SyncGroup, type StoreOptions, type WriteOptions } from '../../src/storage/index.js'

const BOB = '+15550700002'

describe('profile share marks', () => {
  it('claims each version once per contact', async () => {
    const storage = createMemoryStorage()
    let current: ProfileContent | undefined
    const share = new ProfileShare({ store: storage.kv('messaging-profile-shared'), current: async () => current })
    expect(await share.shared(BOB)).toBe(-1)
    // no profile yet: nothing to send, but the contact is marked as written to
    expect(await share.claim(BOB)).toBeUndefined()
    expect(await share.shared(BOB)).toBe(0)

    current = { kind: 'profile', name: 'Alice', updatedAt: 10 }
    const claims = await Promise.all([share.claim(BOB), share.claim(BOB), share.claim(BOB)])
    expect(claims.filter(c => c != null)).toEqual([current])
    expect(await share.claim(BOB)).toBeUndefined()

    // a fresh instance on the same store (a restart) knows it too
    const again = new ProfileShare({ store: storage.kv('messaging-profile-shared'), current: async () => current })
    expect(await again.shared(BOB)).toBe(10)
    expect(await again.claim(BOB)).toBeUndefined()

    // a failed delivery of an older version changes nothing; of this one, the next claim sends it again
    await again.failed(BOB, 9)
    expect(await again.claim(BOB)).toBeUndefined()
    await again.failed(BOB, 10)
    expect(await again.claim(BOB)).toEqual(current)

    // the contact reinstalled: forget, and the next claim sends it again
    await again.forget(BOB)
    expect(await again.shared(BOB)).toBe(0)
    expect(await again.claim(BOB)).toEqual(current)

    // a claim whose send failed is undone
    current = { kind: 'profile', name: 'Alice', updatedAt: 11 }
    expect(await again.claim(BOB)).toEqual(current)
    again.unclaim(BOB)
    await storage.kv('messaging-profile-shared').put(BOB, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 10]))
    expect(await again.claim(BOB)).toEqual(current)
    await storage.close()
  })
})

class RecordingStore extends MemoryKeyValueStore {
  gets = 0
  puts: Array<WriteOptions | undefined> = []
  /** the next put throws this */
  failNext?: Error
  /** while set, reads wait for it (they answer what the store held when they were made) */
  gate?: Promise<void>
  override async get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined> {
    this.gets++
    const gate = this.gate
    const value = await super.get(key, options)
    if (gate != null) await gate
    return value
  }

  override async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.puts.push(options)
    const err = this.failNext
    this.failNext = undefined
    if (err != null) throw err
    await super.put(key, value, options)
  }
}

describe('profile share marks: the store', () => {
  const profile: ProfileContent = { kind: 'profile', name: 'Alice', updatedAt: 10 }

  it('reads each contact once; a mark of another length than 8 bytes counts as none', async () => {
    const store = new RecordingStore()
    await store.put('+15550700003', new Uint8Array(3))
    await store.put('+15550700004', new Uint8Array(9).fill(1))
    const share = new ProfileShare({ store, current: async () => profile })
    expect(await share.shared(BOB)).toBe(-1)
    expect(await share.shared(BOB)).toBe(-1)
    expect(store.gets).toBe(1)
    expect(await share.shared('+15550700003')).toBe(-1)
    expect(await share.shared('+15550700004')).toBe(-1)
  })

  it('a claim made while the store is read wins over what the store said before it', async () => {
    const store = new RecordingStore()
    const share = new ProfileShare({ store, current: async () => profile })
    let open!: () => void
    store.gate = new Promise(resolve => { open = resolve })
    const reading = share.shared(BOB)
    store.gate = undefined
    // a text to BOB claims the profile meanwhile (its own read answers first)
    expect(await share.claim(BOB)).toEqual(profile)
    open()
    expect(await reading).toBe(10)
    expect(await share.claim(BOB)).toBeUndefined()
  })

  it("claims, failed deliveries and forgets are written synced with the caller's group", async () => {
    const store = new RecordingStore()
    const share = new ProfileShare({ store, current: async () => profile })
    const syncGroup = new SyncGroup()
    expect(await share.claim(BOB, { syncGroup })).toEqual(profile)
    await share.failed(BOB, 10, { syncGroup })
    expect(await share.claim(BOB)).toEqual(profile)
    await share.forget(BOB, { syncGroup })
    expect(store.puts).toEqual([{ syncGroup, sync: true }, { syncGroup, sync: true }, { sync: true }, { syncGroup, sync: true }])
  })

  it('a claim whose write fails throws and is undone: the next claim sends the profile', async () => {
    const store = new RecordingStore()
    const share = new ProfileShare({ store, current: async () => profile })
    store.failNext = new Error('disk full')
    await expect(share.claim(BOB)).rejects.toThrow('disk full')
    expect(await share.shared(BOB)).toBe(-1)
    expect(await share.claim(BOB)).toEqual(profile)
    expect(await share.shared(BOB)).toBe(10)
  })

  it('forgetting a contact never written to, or written to without a profile, changes and writes nothing', async () => {
    const store = new RecordingStore()
    const our: { profile?: ProfileContent } = {}
    const share = new ProfileShare({ store, current: async () => our.profile })
    await share.forget(BOB)
    expect(await share.shared(BOB)).toBe(-1)
    expect(store.puts).toEqual([])
    // a contact never written to gets no profile on a resend request: the mark stays "never"
    expect(await new ProfileShare({ store, current: async () => our.profile }).shared(BOB)).toBe(-1)
    expect(await share.claim(BOB)).toBeUndefined()
    expect(store.puts).toHaveLength(1)
    await share.forget(BOB)
    expect(await share.shared(BOB)).toBe(0)
    expect(store.puts).toHaveLength(1)
    our.profile = profile
    expect(await share.claim(BOB)).toEqual(profile)
  })
})
