// Group photos over the group service (service-harness.ts): set at creation and by an admin, replaced and removed, carried to members after the change that names it, to members added later, joiners and our own linked devices; a photo lost on the way is asked for; an image that is not the one the signed state names, a non-member's photo or request, a non-admin's edit and a bad image change nothing.
import { afterEach, describe, expect, it } from 'vitest'
import { GroupWorld, fromHexId, type Device } from './service-harness.js'
import { encodeGroupControl, decodeGroupControl } from '../../src/groups/message.js'
import { InvalidGroupPhotoError, GroupNotAdminError } from '../../src/groups/errors.js'
import { groupPhotoRef, photoMatchesRef, checkGroupPhoto, GROUP_PHOTO_REF_INLINE, GROUP_PHOTO_REF_LENGTH, MAX_GROUP_PHOTO_BYTES } from '../../src/groups/photo.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { PHOTO_GRACE_MS, PHOTO_ASK_RETRY_MS, MAX_PHOTO_ASKS } from '../../src/groups/service/photos.js'
import { SyncGroup } from '../../src/storage/index.js'

const ALICE = '+15550100001'
const BOB = '+15550100002'
const CAROL = '+15550100003'
const DAVE = '+15550100004'
const EVE = '+15550100005'

/** A JPEG as far as Parley checks one (its magic bytes), with a body that makes each distinct. */
const jpeg = (n: number, size = 64): Uint8Array => { const b = new Uint8Array(size).fill(n); b.set([0xff, 0xd8, 0xff, 0xe0]); return b }
const png = (n: number): Uint8Array => { const b = new Uint8Array(64).fill(n); b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); return b }

let world: GroupWorld | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

async function trio (seed: number, photo?: Uint8Array): Promise<{ w: GroupWorld, alice: Device, bob: Device, carol: Device, group: string }> {
  const w = world = new GroupWorld(seed)
  const alice = await w.add('alice', ALICE, ['relay-a'])
  const bob = await w.add('bob', BOB, ['relay-b'])
  const carol = await w.add('carol', CAROL, ['relay-c'])
  const info = await alice.groups.create('Climbing', [BOB, CAROL], photo != null ? { photo } : {})
  await w.settle()
  return { w, alice, bob, carol, group: info.groupId }
}

/** How many photo images went out in 1:1 control mail so far (counted as the harness hands them over). */
function countPhotos (w: GroupWorld): () => number {
  let n = 0
  const mail = w.mail
  const push = mail.push.bind(mail)
  mail.push = (...items) => {
    for (const m of items) if (decodeGroupControl(m.bytes).kind === 'photo') n++
    return push(...items)
  }
  return () => n
}

/** Hands `to` a control payload as `from`'s device would send it; resolves whether it was taken. */
async function control (to: Device, from: Device, bytes: Uint8Array): Promise<boolean> {
  const sync = new SyncGroup()
  const taken = await to.groups.takeControl(from.phone, from.party.address, bytes, { syncGroup: sync })
  await sync.flush()
  taken.after?.()
  return taken.taken
}

describe('group photo references', () => {
  it('name an allowed image by kind and SHA-256; another image, another kind or a bad image never matches', () => {
    const ref = groupPhotoRef(jpeg(1))
    expect(ref).toHaveLength(GROUP_PHOTO_REF_LENGTH)
    expect(ref[0]).toBe(GROUP_PHOTO_REF_INLINE)
    expect(ref.subarray(1)).toEqual(sha256(jpeg(1)))
    expect(photoMatchesRef(ref, jpeg(1))).toBe(true)
    expect(photoMatchesRef(ref, jpeg(2))).toBe(false)
    const otherKind = Uint8Array.from(ref)
    otherKind[0] = 2
    expect(photoMatchesRef(otherKind, jpeg(1))).toBe(false)
    expect(photoMatchesRef(ref.subarray(0, 32), jpeg(1))).toBe(false)
    expect(photoMatchesRef(new Uint8Array(0), jpeg(1))).toBe(false)
    // a "photo" that is not an image matches nothing, even by its own hash
    const notImage = new Uint8Array(40).fill(7)
    expect(photoMatchesRef(Uint8Array.of(GROUP_PHOTO_REF_INLINE, ...sha256(notImage)), notImage)).toBe(false)
    expect(() => groupPhotoRef(notImage)).toThrow(InvalidGroupPhotoError)
    expect(() => checkGroupPhoto(jpeg(1, MAX_GROUP_PHOTO_BYTES))).not.toThrow()
    expect(() => checkGroupPhoto(png(1))).not.toThrow()
  })
})

describe('group photos', () => {
  it('a photo set at creation reaches every member; an admin replaces it and removes it', async () => {
    const { w, alice, bob, carol, group } = await trio(1, jpeg(1))
    for (const d of [alice, bob, carol]) {
      expect(await d.groups.photo(group)).toEqual(jpeg(1))
      expect((await d.groups.info(group)).photo).toBe(true)
    }
    // the image came after the change: bob's screen heard of it
    expect(bob.events['group-update'].length).toBeGreaterThanOrEqual(2)

    await alice.groups.editInfo(group, { photo: png(2) })
    await w.settle()
    for (const d of [alice, bob, carol]) expect(await d.groups.photo(group)).toEqual(png(2))
    expect(new Set(await Promise.all([alice, bob, carol].map(async d => (await d.groups.info(group)).stateHash))).size).toBe(1)

    await alice.groups.editInfo(group, { photo: null })
    await w.settle()
    for (const d of [alice, bob, carol]) {
      expect(await d.groups.photo(group)).toBeUndefined()
      expect((await d.groups.info(group)).photo).toBe(false)
      // the image is gone from the store, not just hidden
      let kept = 0
      for await (const e of d.party.storage.kv('groups').iterate({})) if (e.key.endsWith('/f')) kept++
      expect(kept).toBe(0)
    }
  })

  it('a name change does not send the photo again; members added later, joiners and our own new device get it', async () => {
    const { w, alice, bob, group } = await trio(2, jpeg(3))
    const sent = countPhotos(w)
    await alice.groups.editInfo(group, { name: 'Bouldering' })
    await w.settle()
    expect(sent()).toBe(0)

    const dave = await w.add('dave', DAVE, ['relay-d'])
    await alice.groups.add(group, [DAVE])
    await w.settle()
    expect(await dave.groups.photo(group)).toEqual(jpeg(3))
    expect(sent()).toBe(1)

    const eve = await w.add('eve', EVE, ['relay-e'])
    await eve.groups.join(await alice.groups.inviteLink(group))
    await w.settle()
    expect(await eve.groups.photo(group)).toEqual(jpeg(3))

    const bobLaptop = await w.link('bob-laptop', bob)
    await bob.groups.ownDevicesChanged()
    await w.settle()
    expect(await bobLaptop.groups.photo(group)).toEqual(jpeg(3))
  })

  it('a photo lost on the way is asked for after a grace period (also after a restart), from a member who has it', async () => {
    const { w, alice, bob, carol, group } = await trio(3)
    // the image to carol is lost (its change arrives)
    await alice.groups.editInfo(group, { photo: jpeg(4) })
    const lost = w.mail.filter(m => m.to === carol && decodeGroupControl(m.bytes).kind === 'photo')
    expect(lost).toHaveLength(1)
    w.mail.splice(w.mail.indexOf(lost[0]), 1)
    await w.settle()
    expect(await bob.groups.photo(group)).toEqual(jpeg(4))
    expect(await carol.groups.photo(group)).toBeUndefined()
    expect((await carol.groups.info(group)).photo).toBe(true)
    // not asked within the grace (the image normally follows its change)
    await carol.groups.repair()
    expect(w.mail.filter(m => m.from === CAROL && decodeGroupControl(m.bytes).kind === 'want-photo')).toHaveLength(0)
    // what is missing is found again from the state after a restart (nothing of it is kept in memory only)
    await w.restart(carol)
    w.clock.advance(PHOTO_GRACE_MS)
    await carol.groups.repair()
    await w.settle()
    expect(await carol.groups.photo(group)).toEqual(jpeg(4))
  })

  it('a missing photo its sender does not answer for is asked of another member after a while', async () => {
    const { w, alice, bob, carol, group } = await trio(4)
    await alice.groups.editInfo(group, { photo: jpeg(5) })
    w.mail.splice(0, w.mail.length, ...w.mail.filter(m => !(m.to === carol && decodeGroupControl(m.bytes).kind === 'photo')))
    await w.settle()
    // alice, who sent the change, is offline: carol asks her, nothing comes; later she asks another member
    await w.setOnline(alice, false)
    w.clock.advance(PHOTO_GRACE_MS)
    await carol.groups.repair()
    await w.settle()
    expect(await carol.groups.photo(group)).toBeUndefined()
    expect(w.mail.filter(m => m.to === alice && decodeGroupControl(m.bytes).kind === 'want-photo')).toHaveLength(1)
    // not again before the retry time
    await carol.groups.repair()
    expect(w.mail.filter(m => m.from === CAROL && decodeGroupControl(m.bytes).kind === 'want-photo')).toHaveLength(1)
    w.clock.advance(PHOTO_ASK_RETRY_MS)
    await carol.groups.repair()
    await w.settle()
    expect(await carol.groups.photo(group)).toEqual(jpeg(5))
    expect(await bob.groups.photo(group)).toEqual(jpeg(5))
  })

  it('a photo nobody can give is asked for at most MAX_PHOTO_ASKS times per run', async () => {
    const { w, alice, bob, carol, group } = await trio(7)
    await alice.groups.editInfo(group, { photo: jpeg(5) })
    w.mail.splice(0, w.mail.length, ...w.mail.filter(m => !(m.to === carol && decodeGroupControl(m.bytes).kind === 'photo')))
    await w.settle()
    await w.setOnline(alice, false)
    await w.setOnline(bob, false)
    const asks = (): number => w.mail.filter(m => m.from === CAROL && decodeGroupControl(m.bytes).kind === 'want-photo').length
    w.clock.advance(PHOTO_GRACE_MS)
    for (let i = 0; i < MAX_PHOTO_ASKS + 3; i++) {
      await carol.groups.repair()
      w.clock.advance(PHOTO_ASK_RETRY_MS)
    }
    expect(asks()).toBe(MAX_PHOTO_ASKS)
  })

  it('an image other than the one the signed state names is not taken, from a member or anyone', async () => {
    const { w, alice, bob, group } = await trio(5, jpeg(6))
    const dave = await w.add('dave', DAVE, ['relay-d'])
    const id = fromHexId(group)
    // bob (a member) sends alice and carol another image: not the state's, not taken
    expect(await control(alice, bob, encodeGroupControl({ kind: 'photo', groupId: id, image: jpeg(66) }))).toBe(false)
    expect(await alice.groups.photo(group)).toEqual(jpeg(6))
    // a stranger with the right image is not listened to either
    const fresh = await alice.groups.create('Quiet', [BOB], { photo: jpeg(7) })
    await w.settle()
    await bob.party.storage.kv('groups').scope('store').del(`g/${fresh.groupId}/f`)
    expect(await bob.groups.photo(fresh.groupId)).toBeUndefined()
    expect(await control(bob, dave, encodeGroupControl({ kind: 'photo', groupId: fromHexId(fresh.groupId), image: jpeg(7) }))).toBe(false)
    expect(await bob.groups.photo(fresh.groupId)).toBeUndefined()
    // nor is a stranger's request for a photo answered
    expect(await control(alice, dave, encodeGroupControl({ kind: 'want-photo', groupId: id, ref: groupPhotoRef(jpeg(6)) }))).toBe(false)
    expect(w.mail.filter(m => m.to === dave)).toHaveLength(0)
    // a member asking for a reference that is not the state's gets nothing
    expect(await control(alice, bob, encodeGroupControl({ kind: 'want-photo', groupId: id, ref: groupPhotoRef(jpeg(8)) }))).toBe(false)
  })

  it('a non-admin cannot change the photo when only admins edit info; a bad image is refused before anything changes', async () => {
    const { w, alice, bob, group } = await trio(6)
    await alice.groups.settings(group, { onlyAdminsEditInfo: true })
    await w.settle()
    const before = (await alice.groups.info(group)).stateHash
    await expect(bob.groups.editInfo(group, { photo: jpeg(9) })).rejects.toBeInstanceOf(GroupNotAdminError)
    expect(await bob.groups.photo(group)).toBeUndefined()
    let kept = 0
    for await (const e of bob.party.storage.kv('groups').iterate({})) if (e.key.endsWith('/f')) kept++
    expect(kept).toBe(0)
    await w.settle()
    expect((await alice.groups.info(group)).stateHash).toBe(before)

    for (const bad of [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), jpeg(1, MAX_GROUP_PHOTO_BYTES + 1), new Uint8Array(0)]) {
      await expect(alice.groups.editInfo(group, { photo: bad })).rejects.toBeInstanceOf(InvalidGroupPhotoError)
      await expect(alice.groups.create('Bad', [BOB], { photo: bad })).rejects.toBeInstanceOf(InvalidGroupPhotoError)
    }
    expect((await alice.groups.info(group)).stateHash).toBe(before)
    expect(await alice.groups.list()).toHaveLength(1)
    // the person sees why
    await expect(alice.groups.editInfo(group, { photo: new Uint8Array(9) })).rejects.toThrow('The group photo must be a JPEG or PNG image of at most 64 KiB.')
  })
})
