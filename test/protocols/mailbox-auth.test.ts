// The mailbox's pure parts: the owner's signed challenge (auth.ts), delivery keys and deposit proofs (token.ts) against
// independent HMACs, and the refusal classes (errors.ts): names, the messages a person sees, wire statuses.
import { describe, it, expect } from 'vitest'
import { createHmac } from 'node:crypto'
import {
  signAuth, verifyAuth, authSignatureMessage, deliveryKey, depositProof, checkDepositProof,
  MailboxServiceError, InvalidMailboxRequestError, MailboxAuthError, MailboxFullError, EnvelopeTooLargeError,
  UnknownMailboxError, MailboxInternalError, MailboxClosedError, RateLimitedError, MAX_CLOCK_SKEW_MS,
  DELIVERY_TOKEN_BYTES, DELIVERY_KEY_BYTES, DEPOSIT_PROOF_BYTES, type AuthContext
} from '../../src/protocols/mailbox/index.js'
import { errorFrame, frameError } from '../../src/protocols/mailbox/errors.js'
import { MailboxAuthBody, RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { verifySignature } from '../../src/crypto/identity.js'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))
const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => Uint8Array.from(createHmac('sha256', key).update(cat(...parts)).digest())
const u32be = (n: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b }

const owner = IdentityKeyPair.generate(systemRandom)
const NOW = 1_700_000_000_000
const ctxFor = (over: Partial<AuthContext> = {}): AuthContext => ({
  nonce: new Uint8Array(32).fill(7),
  relayPeerId: '12D3KooWRelay',
  clientPeerId: '12D3KooWClient',
  identityKey: owner.publicKey,
  deviceId: 1,
  timestamp: NOW,
  ...over
})
/** the owner's signature over `ctx` as the client makes it */
const sign = (ctx: AuthContext, identity = owner): Uint8Array => signAuth(identity, { nonce: ctx.nonce, relayPeerId: ctx.relayPeerId, clientPeerId: ctx.clientPeerId, deviceId: ctx.deviceId, timestamp: ctx.timestamp })
const authError = (fn: () => void): Error => {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('did not throw')
}

describe('mailbox auth', () => {
  it('signs context ‖ body: "Parley_MailboxAuth_v1" then the protobuf body of every field', () => {
    const body = Uint8Array.from([1, 2, 3])
    expect(authSignatureMessage(body)).toEqual(cat(utf8('Parley_MailboxAuth_v1'), body))
    expect(authSignatureMessage(new Uint8Array(0))).toEqual(utf8('Parley_MailboxAuth_v1'))
    const ctx = ctxFor()
    const encoded = MailboxAuthBody.encode({ ...ctx, nonce: Uint8Array.from(ctx.nonce), identityKey: Uint8Array.from(ctx.identityKey), timestamp: BigInt(ctx.timestamp) })
    const signature = sign(ctx)
    expect(verifySignature(owner.publicKey, cat(utf8('Parley_MailboxAuth_v1'), encoded), signature)).toBe(true)
    // without the context the same body does not verify: the signature is good for nothing else
    expect(verifySignature(owner.publicKey, encoded, signature)).toBe(false)
  })

  it('accepts the owner\'s signature up to MAX_CLOCK_SKEW_MS either side of the relay\'s clock', () => {
    expect(MAX_CLOCK_SKEW_MS).toBe(300_000)
    for (const timestamp of [NOW, NOW - MAX_CLOCK_SKEW_MS, NOW + MAX_CLOCK_SKEW_MS]) {
      const ctx = ctxFor({ timestamp })
      expect(() => { verifyAuth(ctx, sign(ctx), NOW) }, `timestamp ${timestamp - NOW}`).not.toThrow()
    }
  })

  it('refuses a stale or future time, even with a good signature, saying how far off it may be', () => {
    for (const timestamp of [NOW - MAX_CLOCK_SKEW_MS - 1, NOW + MAX_CLOCK_SKEW_MS + 1, NOW - 10 * 60_000, 0]) {
      const ctx = ctxFor({ timestamp })
      const err = authError(() => { verifyAuth(ctx, sign(ctx), NOW) })
      expect(err, `timestamp ${timestamp - NOW}`).toBeInstanceOf(MailboxAuthError)
      expect(err.message).toBe("auth timestamp is more than 300 s from the relay's clock")
    }
    // a time that is not a safe integer (a uint64 off the wire) is refused before anything else
    const huge = ctxFor({ timestamp: 2 ** 60 })
    expect(authError(() => { verifyAuth(huge, new Uint8Array(64), 2 ** 60) }).message).toBe("auth timestamp is more than 300 s from the relay's clock")
  })

  it('refuses a nonce of any other length than 32 bytes, even when the signature covers it', () => {
    for (const n of [0, 31, 33]) {
      const ctx = ctxFor({ nonce: new Uint8Array(n).fill(7) })
      const err = authError(() => { verifyAuth(ctx, sign(ctx), NOW) })
      expect(err, `${n} bytes`).toBeInstanceOf(MailboxAuthError)
      expect(err.message).toBe('bad challenge')
    }
  })

  it('refuses a mailbox whose identity key is not a usable Ed25519 key before checking any signature', () => {
    // 31 bytes; a point of small order (y = 0, order 4); y = 2 is not on the curve
    const smallOrder = new Uint8Array(32)
    const offCurve = new Uint8Array(32)
    offCurve[0] = 2
    for (const identityKey of [new Uint8Array(31).fill(1), smallOrder, offCurve]) {
      const err = authError(() => { verifyAuth(ctxFor({ identityKey }), new Uint8Array(64), NOW) })
      expect(err).toBeInstanceOf(MailboxAuthError)
      expect(err.message).toBe('not a valid identity key')
    }
  })

  it('refuses a signature made for anything else: another key, relay, connection, challenge, device or time', () => {
    const good = ctxFor()
    const signature = sign(good)
    expect(() => { verifyAuth(good, signature, NOW) }).not.toThrow()
    const stranger = IdentityKeyPair.generate(systemRandom)
    const cases: Array<[string, AuthContext, Uint8Array]> = [
      ['a stranger signing for the owner\'s mailbox', good, sign(good, stranger)],
      ['the stranger\'s own key named', ctxFor({ identityKey: stranger.publicKey }), signature],
      ['another relay', ctxFor({ relayPeerId: '12D3KooWOther' }), signature],
      ['another connection', ctxFor({ clientPeerId: '12D3KooWOther' }), signature],
      ['another challenge', ctxFor({ nonce: new Uint8Array(32).fill(8) }), signature],
      // an auth signed for device 1 used to open device 2's mailbox
      ['another device of the same identity', ctxFor({ deviceId: 2 }), signature],
      ['another time within the skew', ctxFor({ timestamp: NOW + 1 }), signature],
      ['a truncated signature', good, signature.subarray(0, 63)],
      ['no signature', good, new Uint8Array(0)]
    ]
    for (const [what, ctx, sig] of cases) {
      const err = authError(() => { verifyAuth(ctx, sig, NOW) })
      expect(err, what).toBeInstanceOf(MailboxAuthError)
      expect(err.message, what).toBe('the challenge signature does not verify for this mailbox, relay and connection')
    }
  })
})

describe('delivery tokens', () => {
  const token = Uint8Array.from({ length: 32 }, (_, i) => i)
  const relayId = '12D3KooWRelayPeer'

  it('a delivery key is HMAC-SHA256(token, "Parley_DeliveryKey_v1" ‖ relay peer id)', () => {
    expect([DELIVERY_TOKEN_BYTES, DELIVERY_KEY_BYTES, DEPOSIT_PROOF_BYTES]).toEqual([32, 32, 32])
    expect(deliveryKey(token, relayId)).toEqual(hmac(token, utf8('Parley_DeliveryKey_v1'), utf8(relayId)))
    expect(deliveryKey(token, '')).toEqual(hmac(token, utf8('Parley_DeliveryKey_v1')))
    expect(deliveryKey(token, relayId)).not.toEqual(deliveryKey(token, `${relayId}x`))
  })

  it('a deposit proof is HMAC-SHA256(key, "Parley_DepositProof_v1" ‖ identity key ‖ device id (u32 BE) ‖ envelope)', () => {
    const key = deliveryKey(token, relayId)
    const envelope = utf8('sealed')
    for (const deviceId of [0, 1, 0xfffffffe, 0xffffffff]) {
      expect(depositProof(key, owner.publicKey, deviceId, envelope)).toEqual(hmac(key, utf8('Parley_DepositProof_v1'), owner.publicKey, u32be(deviceId), envelope))
    }
  })

  it('checks a proof only of 32 bytes under a key of 32 bytes', () => {
    const key = deliveryKey(token, relayId)
    const envelope = utf8('sealed')
    const proof = depositProof(key, owner.publicKey, 1, envelope)
    expect(checkDepositProof(key, owner.publicKey, 1, envelope, proof)).toBe(true)
    expect(checkDepositProof(key, owner.publicKey, 2, envelope, proof)).toBe(false)
    expect(checkDepositProof(key, owner.publicKey, 1, utf8('other'), proof)).toBe(false)
    // a proof made under a key of another length (HMAC takes any) is refused for the key's length alone
    for (const n of [16, 31, 33]) {
      const odd = new Uint8Array(n).fill(3)
      expect(checkDepositProof(odd, owner.publicKey, 1, envelope, depositProof(odd, owner.publicKey, 1, envelope)), `key of ${n} bytes`).toBe(false)
    }
    // proofs of other lengths, also the right proof with a byte more
    for (const p of [new Uint8Array(0), proof.subarray(0, 31), cat(proof, new Uint8Array(1))]) {
      expect(checkDepositProof(key, owner.publicKey, 1, envelope, p), `proof of ${p.length} bytes`).toBe(false)
    }
  })
})

describe('mailbox errors', () => {
  it('each refusal has its name, a default message a person can read, and its wire status', () => {
    const rows: Array<[Error & { status: RelayFrame.Status }, string, string, RelayFrame.Status]> = [
      [new InvalidMailboxRequestError(), 'InvalidMailboxRequestError', 'invalid mailbox request', RelayFrame.Status.INVALID_REQUEST],
      [new MailboxAuthError(), 'MailboxAuthError', 'mailbox authentication failed', RelayFrame.Status.AUTH_FAILED],
      [new MailboxFullError(), 'MailboxFullError', 'the mailbox is full', RelayFrame.Status.MAILBOX_FULL],
      [new EnvelopeTooLargeError(), 'EnvelopeTooLargeError', 'the envelope is too large', RelayFrame.Status.TOO_LARGE],
      [new UnknownMailboxError(), 'UnknownMailboxError', 'this relay keeps no mailbox for that owner', RelayFrame.Status.UNKNOWN_MAILBOX],
      [new MailboxInternalError(), 'MailboxInternalError', 'the relay failed; try again later', RelayFrame.Status.INTERNAL],
      [new MailboxServiceError('base'), 'MailboxServiceError', 'base', RelayFrame.Status.INTERNAL]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err, name).toBeInstanceOf(MailboxServiceError)
      expect(err.name).toBe(name)
      expect(err.message).toBe(message)
      expect(err.status, name).toBe(status)
      expect(String(err)).toBe(`${name}: ${message}`)
    }
    expect(new MailboxAuthError('why').message).toBe('why')
  })

  it('MailboxClosedError is not a refusal: no status, its own name and message', () => {
    const err = new MailboxClosedError()
    expect(err).not.toBeInstanceOf(MailboxServiceError)
    expect(err.name).toBe('MailboxClosedError')
    expect(err.message).toBe('the mailbox session is closed')
    expect(new MailboxClosedError('gone').message).toBe('gone')
    expect('status' in err).toBe(false)
  })

  it('a refusal goes over the wire with its status and message and comes back as the same class', () => {
    for (const err of [new MailboxFullError(), new UnknownMailboxError('nobody'), new MailboxAuthError()]) {
      const frame = errorFrame(err)
      expect(frame).toMatchObject({ type: RelayFrame.Type.RESULT, status: err.status, message: err.message })
      const back = frameError({ ...RelayFrame.decode(RelayFrame.encode(frame)) })
      expect(back.name).toBe(err.name)
      expect(back.message).toBe(err.message)
    }
    // an error the table does not know goes out as INTERNAL with the default text (its own may hold private details)
    expect(errorFrame(new Error('disk /var/x failed'))).toMatchObject({ status: RelayFrame.Status.INTERNAL, message: 'the relay failed; try again later' })
    const limited = frameError(RelayFrame.decode(RelayFrame.encode(errorFrame(new RateLimitedError(1500)))))
    expect(limited).toBeInstanceOf(RateLimitedError)
    expect((limited as RateLimitedError).retryAfterMs).toBe(1500)
  })
})
