/** Collects a relay's `sms` events (the log gateway's stdout lines) and hands out the code sent to a number. */
import { retryUntil } from './wait.js'

export function smsInbox () {
  const events: Array<{ to: string, text: string }> = []
  const waiters: Array<() => void> = []
  return {
    /** pass as `startRelayProcess({ onEvent })` */
    onEvent: (e: Record<string, unknown>) => {
      if (e.event === 'sms') {
        events.push({ to: e.to as string, text: e.text as string })
        waiters.splice(0).forEach(w => w())
      }
    },
    /** The 6-digit code of the first SMS to `to` after the first `after` events; waits for it (bounded). */
    async next (to: string, after: number): Promise<string> {
      return await retryUntil(async () => {
        const found = events.slice(after).find(e => e.to === to)
        if (found == null) {
          await new Promise<void>(resolve => { waiters.push(resolve); setTimeout(resolve, 200) })
          throw new Error('no sms yet')
        }
        return /(\d{6})/.exec(found.text)![1]
      }, { timeout: 10_000, interval: 10, what: 'sms' })
    },
    get count (): number { return events.length }
  }
}
