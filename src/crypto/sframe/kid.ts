/** Parley's KID layout for calls: generation ‖ participant slot (4 bits), so a KID names both the sender and which of its keys; knows no call state. */
import { UnsupportedParameterError } from '../errors.js'

/** Bits of the participant slot at the bottom of a KID. */
export const SFRAME_PARTICIPANT_BITS = 4
/** Slots in a call: 0 … 15. A mesh call is limited far lower by bandwidth and CPU; 16 leaves the call layer room. */
export const SFRAME_MAX_PARTICIPANTS = 1 << SFRAME_PARTICIPANT_BITS
/**
 * Highest key generation of a sender: 2^32 - 1. A sender moves to the next generation at every new sending key
 * (every join and leave, and when a counter runs out), so this is never reached; the bound keeps a KID below 2^36,
 * at most 5 bytes in the header.
 */
export const SFRAME_MAX_GENERATION = 2 ** 32 - 1

/** The KID of a participant's sending key: `generation << 4 | participant`. */
export function parleySFrameKid (participant: number, generation: number): bigint {
  if (!Number.isInteger(participant) || participant < 0 || participant >= SFRAME_MAX_PARTICIPANTS) {
    throw new UnsupportedParameterError(`SFrame participant slot must be an integer in 0 … ${SFRAME_MAX_PARTICIPANTS - 1}`)
  }
  if (!Number.isInteger(generation) || generation < 0 || generation > SFRAME_MAX_GENERATION) {
    throw new UnsupportedParameterError('SFrame key generation must be an integer in 0 … 2^32 - 1')
  }
  return (BigInt(generation) << BigInt(SFRAME_PARTICIPANT_BITS)) | BigInt(participant)
}

/** The participant slot and key generation of a KID; UnsupportedParameterError for a KID outside the layout. */
export function parseParleySFrameKid (kid: bigint): { participant: number, generation: number } {
  if (typeof kid !== 'bigint' || kid < 0n || kid >> BigInt(SFRAME_PARTICIPANT_BITS) > BigInt(SFRAME_MAX_GENERATION)) {
    throw new UnsupportedParameterError('Not a Parley SFrame KID')
  }
  return {
    participant: Number(kid & BigInt(SFRAME_MAX_PARTICIPANTS - 1)),
    generation: Number(kid >> BigInt(SFRAME_PARTICIPANT_BITS))
  }
}
