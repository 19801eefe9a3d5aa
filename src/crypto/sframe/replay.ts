/** A sliding anti-replay window over one KID's counters (after RFC 3711 §3.3.2): the highest accepted CTR and a bitmap of the ones below it; knows no keys. */
import { UnsupportedParameterError } from '../errors.js'
import { SFrameReplayError } from './errors.js'

/**
 * Counters are checked before decryption (cheap refusal) and marked only after it succeeded, so a forged frame
 * cannot move the window. A counter above the highest is new; one within `size` below it is new unless its bit is
 * set; one further below is refused as too old.
 */
export class ReplayWindow {
  readonly size: number
  /** the highest counter accepted, -1 before the first */
  private top = -1n
  /** bit (ctr mod size) is set when ctr, within the window, was accepted */
  private readonly seen: Uint32Array

  constructor (size: number) {
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) throw new UnsupportedParameterError('Replay window must be a positive multiple of 32')
    this.size = size
    this.seen = new Uint32Array(size / 32)
  }

  /** SFrameReplayError when `ctr` was accepted before or is older than the window. */
  check (ctr: bigint): void {
    if (ctr > this.top) return
    if (this.top - ctr >= BigInt(this.size)) throw new SFrameReplayError('SFrame counter older than the replay window')
    if (this.has(ctr)) throw new SFrameReplayError('SFrame counter replayed')
  }

  /** Records `ctr` as accepted (call after a successful decryption, and after `check`). */
  accept (ctr: bigint): void {
    this.check(ctr)
    if (ctr > this.top) {
      const advance = this.top < 0n ? BigInt(this.size) : ctr - this.top
      if (advance >= BigInt(this.size)) {
        this.seen.fill(0)
      } else {
        // the slots of the counters skipped over now stand for new values: clear them
        for (let c = this.top + 1n; c < ctr; c++) this.flip(c, false)
      }
      this.top = ctr
    }
    this.flip(ctr, true)
  }

  private slot (ctr: bigint): number {
    return Number(ctr % BigInt(this.size))
  }

  private has (ctr: bigint): boolean {
    const i = this.slot(ctr)
    return (this.seen[i >>> 5] & (1 << (i & 31))) !== 0
  }

  private flip (ctr: bigint, on: boolean): void {
    const i = this.slot(ctr)
    if (on) this.seen[i >>> 5] |= 1 << (i & 31)
    else this.seen[i >>> 5] &= ~(1 << (i & 31))
  }
}
