/** Time-ordered ids of a relay store (mailbox envelope ids, group message positions): 12 hex digits of ms since the epoch ‖ 4 of a sequence, so they sort by time as strings; the last one handed out is read back after a restart. Knows nothing of what they name. */
import type { KeyValueStore } from '../../src/storage/index.js'

/** An id: 16 lowercase hex digits. */
export const TIME_ID_PATTERN = /^[0-9a-f]{16}$/
/** The key under which a store keeps the last id it handed out (it writes it in its own batches). */
export const LAST_TIME_ID_KEY = 'l'

export const timeIdOf = (ms: number, seq: number): string => ms.toString(16).padStart(12, '0') + seq.toString(16).padStart(4, '0')
export const timeOfId = (id: string): number => parseInt(id.slice(0, 12), 16)

const decoder = new TextDecoder()

/** The next id after the last one: strictly increasing, also across restarts and within one millisecond (65,536 a millisecond, then the next one's). */
export class TimeIds {
  private lastMs = -1
  private seq = 0
  private loaded: Promise<void> | undefined

  constructor (private readonly kv: KeyValueStore, private readonly now: () => number) {}

  /** Reads the last id back (once); a missing or damaged one starts from the clock. */
  async load (): Promise<void> {
    this.loaded ??= (async () => {
      const raw = await this.kv.get(LAST_TIME_ID_KEY)
      if (raw == null) return
      const last = decoder.decode(raw)
      if (!TIME_ID_PATTERN.test(last)) return
      this.lastMs = timeOfId(last)
      this.seq = parseInt(last.slice(12), 16)
    })()
    await this.loaded
  }

  next (): string {
    const now = this.now()
    if (now > this.lastMs) {
      this.lastMs = now
      this.seq = 0
    } else if (++this.seq > 0xffff) {
      this.lastMs++
      this.seq = 0
    }
    return timeIdOf(this.lastMs, this.seq)
  }
}
