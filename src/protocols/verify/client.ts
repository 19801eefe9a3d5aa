/** The client side of /parley/verify/1.0.0: ask a verifier for an SMS code, trade the code for an attestation, renew an attestation before it expires. */
import { callOnce, type DialingNode, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { VERIFY_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT } from './constants.js'
import { responseError } from './errors.js'
import { VerifyRequest, VerifyResponse } from './pb/verify.js'
import type { AbortOptions } from '@libp2p/interface'

export interface VerifyCallOptions extends AbortOptions {
  /** ms for the whole exchange @default 30000 */
  timeout?: number
}

async function call (node: DialingNode, relay: RelayTarget, req: Partial<VerifyRequest>, options: VerifyCallOptions): Promise<VerifyResponse> {
  const res = await callOnce(node, relay, req, { protocol: VERIFY_PROTOCOL, request: VerifyRequest, response: VerifyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: options.timeout ?? TIMEOUT }, options)
  if (res.status !== VerifyResponse.Status.OK) throw responseError(res)
  return res
}

/** Asks the verifier to send a code to `phone`; resolves with the code's lifetime in ms. Throws the refusal's error class. */
export async function requestVerificationCode (node: DialingNode, relay: RelayTarget, phone: string, options: VerifyCallOptions = {}): Promise<{ expiresInMs: number }> {
  const res = await call(node, relay, { type: VerifyRequest.Type.REQUEST_CODE, phone }, options)
  return { expiresInMs: res.expiresInMs }
}

/** Trades the SMS code for an attestation binding the number's directory key to `identityKey`; resolves with the encoded attestation (decode with decodeAttestation). */
export async function confirmVerificationCode (node: DialingNode, relay: RelayTarget, phone: string, code: string, identityKey: Uint8Array, options: VerifyCallOptions = {}): Promise<Uint8Array> {
  const res = await call(node, relay, { type: VerifyRequest.Type.CONFIRM_CODE, phone, code, identityKey: Uint8Array.from(identityKey) }, options)
  if (res.attestation.length === 0) throw new ProtocolViolationError('verifier answered OK without an attestation')
  return res.attestation
}

/** Trades an unexpired attestation of this verifier for a fresh one (same number and identity, new validity); no SMS. */
export async function renewAttestation (node: DialingNode, relay: RelayTarget, attestation: Uint8Array, options: VerifyCallOptions = {}): Promise<Uint8Array> {
  const res = await call(node, relay, { type: VerifyRequest.Type.RENEW, attestation: Uint8Array.from(attestation) }, options)
  if (res.attestation.length === 0) throw new ProtocolViolationError('verifier answered OK without an attestation')
  return res.attestation
}

/** The verifier's public key (32 bytes), for clients that trust the verifiers of their bootstrap relays. */
export async function getVerifierKey (node: DialingNode, relay: RelayTarget, options: VerifyCallOptions = {}): Promise<Uint8Array> {
  const res = await call(node, relay, { type: VerifyRequest.Type.INFO }, options)
  if (res.verifierKey.length !== 32) throw new ProtocolViolationError('verifier answered INFO without a 32-byte key')
  return res.verifierKey
}
