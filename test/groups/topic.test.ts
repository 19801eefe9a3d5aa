// Names derived from a group id: fixed vectors (computed independently with HMAC-SHA256 and SHA-256) that other
// code (relays, gossipsub message ids) can be checked against, both providers, and the input checks.
import { describe, it, expect } from 'vitest'
import { fromHex, toHex } from '../../src/crypto/bytes.js'
import { nativeProvider, nobleProvider } from '../../src/crypto/default-provider.js'
import {
  GROUP_ID_LENGTH, GROUP_MESSAGE_REF_LENGTH, GROUP_TOPIC_PREFIX, encodeGroupWire, groupDepositCheck, groupDepositKey, groupMessageRef,
  groupTopic, groupTopicString
} from '../../src/groups/index.js'
import { errorName } from './helpers.js'

/** The vectors' group id: bytes 0x00, 0x01, … 0x1f. */
const GROUP = Uint8Array.from({ length: GROUP_ID_LENGTH }, (_, i) => i)
const TOPIC = 'f7f5e821af94d20c48e4cae26fcdebe908de73d602d927a9add04fa93f56e00a'
const DEPOSIT_KEY = '56ed69c081b04554945b2727a33d056c7a690e5614a22bf5185e620add1da7df'
const DEPOSIT_CHECK = '3f149719e019ca0af48e698de6e6ece325cd1966bedda052d4c7f4dd448e0b85'
/** A wire message of format 1 carrying the ciphertext 03 aa bb (encodeGroupWire's bytes), and its ref. */
const WIRE = '0801120303aabb'
const WIRE_REF = '73184abd1d258eba31de83763401914b'
/** The ref of empty bytes: SHA-256 of the context alone, truncated. */
const EMPTY_REF = 'd588941305d876f4d23077e40f7ab791'

const providers = [['noble', nobleProvider], ['native', nativeProvider()]] as const

describe('test vectors', () => {
  for (const [name, provider] of providers) {
    it(`${name}: topic, deposit key and check, refs of a fixed group id and wire message`, () => {
      expect(provider).toBeDefined()
      expect(toHex(groupTopic(GROUP, provider))).toBe(TOPIC)
      expect(groupTopicString(GROUP, provider)).toBe(`/parley/g/${TOPIC}`)
      expect(toHex(groupDepositKey(GROUP, provider))).toBe(DEPOSIT_KEY)
      expect(toHex(groupDepositCheck(GROUP, provider))).toBe(DEPOSIT_CHECK)
      expect(toHex(groupMessageRef(fromHex(WIRE)))).toBe(WIRE_REF)
      expect(toHex(groupMessageRef(new Uint8Array(0)))).toBe(EMPTY_REF)
    })
  }

  it('the vector wire message is what encodeGroupWire makes of its ciphertext', () => {
    expect(toHex(encodeGroupWire(Uint8Array.of(3, 0xaa, 0xbb)))).toBe(WIRE)
  })

  it('with the default provider too', () => {
    expect(GROUP_TOPIC_PREFIX).toBe('/parley/g/')
    expect(groupTopicString(GROUP)).toBe(`/parley/g/${TOPIC}`)
    expect(toHex(groupDepositCheck(GROUP))).toBe(DEPOSIT_CHECK)
    expect(groupMessageRef(fromHex(WIRE))).toHaveLength(GROUP_MESSAGE_REF_LENGTH)
  })
})

describe('what the names reveal and separate', () => {
  const other = GROUP.map(x => x ^ 0xff)

  it('each group has its own topic, deposit key and check; none equals another or contains the id', () => {
    const names = [groupTopic(GROUP), groupTopic(other), groupDepositKey(GROUP), groupDepositKey(other), groupDepositCheck(GROUP), groupDepositCheck(other)].map(toHex)
    expect(new Set(names).size).toBe(names.length)
    for (const n of names) expect(n).not.toContain(toHex(GROUP))
    expect(groupTopicString(GROUP)).toMatch(/^\/parley\/g\/[0-9a-f]{64}$/)
  })

  it('a ref changes with any byte of the wire message', () => {
    const wire = fromHex(WIRE)
    for (let i = 0; i < wire.length; i++) {
      const changed = wire.slice()
      changed[i] ^= 1
      expect(toHex(groupMessageRef(changed))).not.toBe(WIRE_REF)
    }
  })

  it('the ref does not alias the hash: changing it changes nothing else', () => {
    const ref = groupMessageRef(fromHex(WIRE))
    expect(ref.buffer.byteLength).toBe(GROUP_MESSAGE_REF_LENGTH)
    ref.fill(0)
    expect(toHex(groupMessageRef(fromHex(WIRE)))).toBe(WIRE_REF)
  })
})

describe('input checks', () => {
  it('a group id is exactly 32 bytes', () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), [...GROUP] as unknown as Uint8Array, 'group' as unknown as Uint8Array]) {
      expect(errorName(() => groupTopic(bad))).toBe('MalformedGroupMessageError')
      expect(errorName(() => groupTopicString(bad))).toBe('MalformedGroupMessageError')
      expect(errorName(() => groupDepositKey(bad))).toBe('MalformedGroupMessageError')
      expect(errorName(() => groupDepositCheck(bad))).toBe('MalformedGroupMessageError')
    }
  })

  it('a ref is computed over bytes only', () => {
    expect(errorName(() => groupMessageRef('0801' as unknown as Uint8Array))).toBe('MalformedGroupMessageError')
    expect(errorName(() => groupMessageRef(undefined as unknown as Uint8Array))).toBe('MalformedGroupMessageError')
  })
})
