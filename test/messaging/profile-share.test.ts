// Which contacts got which version of our profile: one claim per version and contact (also under concurrency), none without a profile, a failed delivery or a contact's new identity makes the next text carry it again; marks persist.
import { describe, it, expect } from 'vitest'
import { ProfileShare } from '../../src/messaging/profile-share.js'
import type { ProfileContent } from '../../src/messaging/index.js'
import { createMemoryStorage } from '../../src/storage/index.js'

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
