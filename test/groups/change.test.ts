// One change on the wire: signing and decoding round-trip, the hash, and everything the decode boundary refuses
// (forged or tampered signatures, malformed or non-canonical protobuf, fields beyond a limit, the size of the
// largest legal change), plus join proofs.
import { describe, it, expect } from 'vitest'
import { concat, utf8 } from '../../src/crypto/bytes.js'
import { defaultProvider } from '../../src/crypto/default-provider.js'
import {
  GROUP_CHANGE_FORMAT, MAX_CHANGE_PARENTS, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_LENGTH,
  MAX_GROUP_PHOTO_REF_BYTES, checkJoinProof, createGroup, decodeChange, joinProof, signChange, type ChangeFields
} from '../../src/groups/index.js'
import { GroupChangeBodyPb, SignedGroupChangePb } from '../../src/groups/pb/group.js'
import type { IdentityKeyPair } from '../../src/crypto/identity.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { T0, errorName, people, type Person } from './helpers.js'

const [alice, bob, carol] = people(3, 'change')
const GROUP = new Uint8Array(32).fill(7)
const hash = (b: number): Uint8Array => new Uint8Array(32).fill(b)
const SIGN_CONTEXT = utf8('Parley_GroupChange_v1')
const HASH_CONTEXT = utf8('Parley_GroupChangeHash_v1')

const removeBob: ChangeFields = { groupId: GROUP, parents: [hash(2), hash(1)], version: 5, createdAt: T0, action: { type: 'remove', member: bob.key } }

/** A body field by field, loosely typed: tests write what the format forbids. */
type Body = { [K in keyof GroupChangeBodyPb]?: unknown }
/** The body of a removal by `author`, field by field, for hand-made encodings. */
function body (author: Person, extra: Body = {}): Body {
  return { format: GROUP_CHANGE_FORMAT, groupId: GROUP, parents: [hash(1)], version: 2n, author: author.key, createdAt: BigInt(T0), remove: { identityKey: carol.key }, ...extra }
}

/** A change of `bodyBytes` signed by `signer` as the format says, bypassing signChange's checks. */
function signedRaw (signer: IdentityKeyPair, bodyBytes: Uint8Array): Uint8Array {
  return SignedGroupChangePb.encode({ body: bodyBytes as Uint8Array<ArrayBuffer>, signature: signer.sign(concat(SIGN_CONTEXT, bodyBytes)) as Uint8Array<ArrayBuffer> })
}
const raw = (signer: Person, b: Body): Uint8Array => signedRaw(signer.identity, GroupChangeBodyPb.encode(b as Partial<GroupChangeBodyPb>))
const decodeFails = (bytes: Uint8Array): string => errorName(() => decodeChange(bytes))

describe('signing and decoding', () => {
  it('round-trips every field; parents are signed in ascending order', () => {
    const c = signChange(alice.identity, removeBob)
    expect(c.parents).toEqual([hash(1), hash(2)])
    const d = decodeChange(c.bytes)
    expect(d).toEqual(c)
    expect(d).toMatchObject({ groupId: GROUP, version: 5, createdAt: T0, author: alice.key, action: { type: 'remove', member: bob.key } })
  })

  it('round-trips each kind of action as the rules read it', () => {
    const actions: ChangeFields['action'][] = [
      { type: 'add', members: [bob.as(), carol.as()] },
      { type: 'promote', member: bob.key },
      { type: 'demote', member: bob.key },
      { type: 'edit-info', name: 'Bouldering 🧗', photo: new Uint8Array(0) },
      { type: 'edit-info', description: '' },
      { type: 'settings', onlyAdminsSend: false },
      { type: 'settings', onlyAdminsSend: true, onlyAdminsEditInfo: false },
      { type: 'invite', secret: new Uint8Array(32).fill(5) },
      { type: 'invite' },
      { type: 'leave' },
      { type: 'join', e164: carol.e164, proof: new Uint8Array(32).fill(6) }
    ]
    for (const action of actions) {
      const c = signChange(alice.identity, { ...removeBob, action })
      expect(decodeChange(c.bytes).action).toEqual(action)
    }
  })

  it('a creation spells every member role out and keeps its settings and invite secret', () => {
    const c = createGroup(alice.identity, { e164: alice.e164, name: 'Climbing club', members: [bob.as(), carol.as('admin')], onlyAdminsEditInfo: true, inviteSecret: new Uint8Array(32).fill(3), createdAt: T0, random: new SeededRandom(1).random })
    expect(c.groupId).toHaveLength(32)
    expect(c).toMatchObject({ version: 0, parents: [], author: alice.key })
    expect(decodeChange(c.bytes).action).toEqual({
      type: 'create',
      name: 'Climbing club',
      description: '',
      photo: new Uint8Array(0),
      members: [alice.as('admin'), bob.as('member'), carol.as('admin')],
      onlyAdminsSend: false,
      onlyAdminsEditInfo: true,
      inviteSecret: new Uint8Array(32).fill(3)
    })
    expect(c.action).toEqual(decodeChange(c.bytes).action)
  })

  it('two groups get two random ids', () => {
    const g = { e164: alice.e164, name: 'x', createdAt: T0, random: new SeededRandom(2).random }
    expect(createGroup(alice.identity, g).groupId).not.toEqual(createGroup(alice.identity, g).groupId)
  })

  it('the hash is SHA-256 of the context and the signed body: it does not cover the signature', () => {
    const c = signChange(alice.identity, removeBob)
    const { body: b } = SignedGroupChangePb.decode(c.bytes)
    expect(c.hash).toEqual(defaultProvider().sha256(concat(HASH_CONTEXT, b)))
    expect(signChange(alice.identity, removeBob).hash).toEqual(c.hash)
    expect(signChange(alice.identity, { ...removeBob, createdAt: T0 + 1 }).hash).not.toEqual(c.hash)
  })

  it('signing refuses what a decoder would refuse', () => {
    expect(errorName(() => signChange(alice.identity, { ...removeBob, action: { type: 'edit-info', name: 'x'.repeat(MAX_GROUP_NAME_LENGTH + 1) } }))).toBe('GroupLimitError')
    expect(errorName(() => signChange(alice.identity, { ...removeBob, parents: Array.from({ length: MAX_CHANGE_PARENTS + 1 }, (_, i) => hash(i)) }))).toBe('GroupLimitError')
    expect(errorName(() => signChange(alice.identity, { ...removeBob, parents: [hash(1), hash(1)] }))).toBe('MalformedGroupChangeError')
    expect(errorName(() => signChange(alice.identity, { ...removeBob, parents: [] }))).toBe('MalformedGroupChangeError')
    expect(errorName(() => signChange(alice.identity, { ...removeBob, groupId: new Uint8Array(16) }))).toBe('MalformedGroupChangeError')
    expect(errorName(() => signChange(alice.identity, { ...removeBob, createdAt: -1 }))).toBe('MalformedGroupChangeError')
  })
})

describe('signatures', () => {
  it('a change signed by someone else than its author is GroupSignatureError (forged)', () => {
    expect(decodeFails(raw(bob, body(alice)))).toBe('GroupSignatureError')
  })

  it('a hand-made change signed as the format says decodes (the raw helper is faithful)', () => {
    expect(decodeChange(raw(alice, body(alice))).action).toEqual({ type: 'remove', member: carol.key })
  })

  const tampers: Array<[string, Body]> = [
    ['group id', { groupId: new Uint8Array(32).fill(8) }],
    ['parents', { parents: [hash(3)] }],
    ['version', { version: 3n }],
    ['author', { author: bob.key }],
    ['createdAt', { createdAt: BigInt(T0 + 1) }],
    ['target', { remove: { identityKey: bob.key } }],
    ['action', { remove: undefined, promote: { identityKey: carol.key } }]
  ]
  it.each(tampers)('a change whose %s is changed after signing is GroupSignatureError', (_, change) => {
    const original = SignedGroupChangePb.decode(raw(alice, body(alice)))
    const tampered = SignedGroupChangePb.encode({ body: GroupChangeBodyPb.encode({ ...body(alice), ...change } as GroupChangeBodyPb), signature: original.signature })
    expect(decodeFails(tampered)).toBe('GroupSignatureError')
  })

  it('a signature of the wrong length, zeroed, or missing is GroupSignatureError', () => {
    const good = SignedGroupChangePb.decode(raw(alice, body(alice)))
    for (const signature of [good.signature.subarray(1), new Uint8Array(64), new Uint8Array(0)]) {
      expect(decodeFails(SignedGroupChangePb.encode({ body: good.body, signature: signature as Uint8Array<ArrayBuffer> }))).toBe('GroupSignatureError')
    }
  })

  it('a signature over the body without the domain context is GroupSignatureError', () => {
    const b = GroupChangeBodyPb.encode(body(alice) as GroupChangeBodyPb)
    expect(decodeFails(SignedGroupChangePb.encode({ body: b, signature: alice.identity.sign(b) as Uint8Array<ArrayBuffer> }))).toBe('GroupSignatureError')
  })
})

describe('malformed changes', () => {
  it('bytes that are not a change are MalformedGroupChangeError', () => {
    const rng = new SeededRandom('garbage')
    expect(decodeFails(new Uint8Array(0))).toBe('MalformedGroupChangeError')
    expect(decodeFails(Uint8Array.of(0xff, 0xff, 0xff))).toBe('MalformedGroupChangeError')
    for (let i = 0; i < 20; i++) expect(decodeFails(rng.random(1 + rng.int(300)))).toBe('MalformedGroupChangeError')
    const good = raw(alice, body(alice))
    for (const cut of [1, 10, good.length - 1]) expect(decodeFails(good.subarray(0, cut))).toBe('MalformedGroupChangeError')
    expect(decodeFails('change' as unknown as Uint8Array)).toBe('MalformedGroupChangeError')
  })

  it('a non-canonical encoding (an unknown field, in the body or around it) is MalformedGroupChangeError, even signed', () => {
    const extra = Uint8Array.of(0xf8, 0x01, 0x01) // field 31, varint 1
    expect(decodeFails(signedRaw(alice.identity, concat(GroupChangeBodyPb.encode(body(alice) as GroupChangeBodyPb), extra)))).toBe('MalformedGroupChangeError')
    expect(decodeFails(concat(raw(alice, body(alice)), extra))).toBe('MalformedGroupChangeError')
  })

  it('no action, two actions, another format, or a version out of range is MalformedGroupChangeError', () => {
    expect(decodeFails(raw(alice, body(alice, { remove: undefined })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { leave: {} })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { format: 2 })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { version: 2n ** 60n })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { createdAt: 2n ** 60n })))).toBe('MalformedGroupChangeError')
  })

  it('only the creation has version 0 and no parents; parents are ascending, unique and 32 bytes', () => {
    expect(decodeFails(raw(alice, body(alice, { version: 0n })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { parents: [] })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { parents: [hash(2), hash(1)] })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { parents: [hash(1), hash(1)] })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { parents: [new Uint8Array(31)] })))).toBe('MalformedGroupChangeError')
    const creation = { remove: undefined, create: { name: 'x', description: '', photo: new Uint8Array(0), members: [{ identityKey: alice.key, e164: alice.e164, admin: true }], onlyAdminsSend: false, onlyAdminsEditInfo: false, inviteSecret: new Uint8Array(0) } }
    expect(decodeFails(raw(alice, body(alice, { ...creation, version: 0n, parents: [] })))).toBe('no error')
    expect(decodeFails(raw(alice, body(alice, creation)))).toBe('MalformedGroupChangeError')
  })

  it('a group id, author or target of the wrong length, or an author that is no valid key, is MalformedGroupChangeError', () => {
    expect(decodeFails(raw(alice, body(alice, { groupId: new Uint8Array(31) })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { author: alice.key.subarray(1) })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { author: new Uint8Array(32) })))).toBe('MalformedGroupChangeError')
    expect(decodeFails(raw(alice, body(alice, { remove: { identityKey: new Uint8Array(33) } })))).toBe('MalformedGroupChangeError')
  })
})

describe('limits at the decode boundary', () => {
  it(`a change larger than ${MAX_GROUP_CHANGE_BYTES} bytes is GroupLimitError before anything is decoded`, () => {
    expect(decodeFails(new Uint8Array(MAX_GROUP_CHANGE_BYTES + 1))).toBe('GroupLimitError')
  })

  it('oversize fields, signed by their author, are GroupLimitError', () => {
    const edit = (e: Body['editInfo']): Body => body(alice, { remove: undefined, editInfo: e })
    expect(decodeFails(raw(alice, edit({ name: 'x'.repeat(MAX_GROUP_NAME_LENGTH) })))).toBe('no error')
    expect(decodeFails(raw(alice, edit({ name: 'x'.repeat(MAX_GROUP_NAME_LENGTH + 1) })))).toBe('GroupLimitError')
    expect(decodeFails(raw(alice, edit({ description: 'x'.repeat(MAX_GROUP_DESCRIPTION_LENGTH + 1) })))).toBe('GroupLimitError')
    expect(decodeFails(raw(alice, edit({ photo: new Uint8Array(MAX_GROUP_PHOTO_REF_BYTES + 1) })))).toBe('GroupLimitError')
    const parents = Array.from({ length: MAX_CHANGE_PARENTS + 1 }, (_, i) => hash(i))
    expect(decodeFails(raw(alice, body(alice, { parents: parents.slice(0, MAX_CHANGE_PARENTS) })))).toBe('no error')
    expect(decodeFails(raw(alice, body(alice, { parents })))).toBe('GroupLimitError')
  })

  it(`more than ${MAX_GROUP_MEMBERS} members in one change is GroupLimitError`, () => {
    const member = { identityKey: carol.key, e164: carol.e164, admin: false }
    expect(decodeFails(raw(alice, body(alice, { remove: undefined, add: { members: Array(MAX_GROUP_MEMBERS + 1).fill(member) } })))).toBe('GroupLimitError')
  })

  it('the largest legal changes (a creation and an addition of the most members, longest fields) fit the size limit', () => {
    const everyone = people(MAX_GROUP_MEMBERS, 'many').map(p => ({ ...p.as(), e164: `+1${String(p.e164.slice(2)).padEnd(14, '9')}` }))
    const creation = createGroup(alice.identity, {
      e164: '+123456789012345',
      name: '🧗'.repeat(MAX_GROUP_NAME_LENGTH),
      description: '🧗'.repeat(MAX_GROUP_DESCRIPTION_LENGTH),
      photo: new Uint8Array(MAX_GROUP_PHOTO_REF_BYTES).fill(1),
      members: everyone.slice(1),
      inviteSecret: new Uint8Array(32).fill(1),
      createdAt: T0,
      random: new SeededRandom(3).random
    })
    expect(creation.bytes.length).toBeLessThanOrEqual(MAX_GROUP_CHANGE_BYTES)
    expect(decodeChange(creation.bytes).action).toMatchObject({ type: 'create' })
    const parents = Array.from({ length: MAX_CHANGE_PARENTS }, (_, i) => hash(i + 1))
    const addition = signChange(alice.identity, { groupId: GROUP, parents, version: Number.MAX_SAFE_INTEGER, createdAt: Number.MAX_SAFE_INTEGER, action: { type: 'add', members: everyone.slice(1) } })
    expect(addition.bytes.length).toBeLessThanOrEqual(MAX_GROUP_CHANGE_BYTES)
    expect(decodeChange(addition.bytes).action).toMatchObject({ type: 'add' })
  })
})

describe('join proofs', () => {
  const secret = new Uint8Array(32).fill(4)

  it('are 32 bytes, deterministic, and bound to the secret, the group, the identity and the number', () => {
    const p = joinProof(secret, GROUP, carol.key, carol.e164)
    expect(p).toHaveLength(32)
    expect(joinProof(secret, GROUP, carol.key, carol.e164)).toEqual(p)
    expect(checkJoinProof(p, secret, GROUP, carol.key, carol.e164)).toBe(true)
    expect(joinProof(new Uint8Array(32).fill(5), GROUP, carol.key, carol.e164)).not.toEqual(p)
    expect(joinProof(secret, hash(9), carol.key, carol.e164)).not.toEqual(p)
    expect(joinProof(secret, GROUP, bob.key, carol.e164)).not.toEqual(p)
    expect(joinProof(secret, GROUP, carol.key, bob.e164)).not.toEqual(p)
    expect(checkJoinProof(p.subarray(1), secret, GROUP, carol.key, carol.e164)).toBe(false)
  })

  it('need a 32-byte secret', () => {
    expect(errorName(() => joinProof(new Uint8Array(16), GROUP, carol.key, carol.e164))).toBe('GroupInviteError')
  })
})
