/** SMS gateway adapters: `log` (one JSON line on stdout, for development and tests) and `webhook` (HTTP POST of {to, text} with retries). */
import { TimeoutError, type AbortOptions } from '@libp2p/interface'
import { sleep, withTimeout } from '../../../src/util/abort.js'
import { backoff } from '../../../src/util/backoff.js'

export interface SmsGateway {
  readonly kind: 'log' | 'webhook' | 'custom'
  /** Sends `text` to the E.164 number `to`; rejects with SmsGatewayError when it cannot. */
  send(to: string, text: string, options?: AbortOptions): Promise<void>
}

/** The gateway could not deliver; the message names the gateway and the cause, never the number or the text. */
export class SmsGatewayError extends Error {
  static name = 'SmsGatewayError'
  constructor (message: string) {
    super(message)
    this.name = 'SmsGatewayError'
  }
}

/**
 * Development gateway: writes `{"event":"sms","to":E164,"text":…}` as one line to `write`
 * (the relay's stdout). This is the one place a number is printed: the line IS the SMS.
 */
export function logGateway (write: (line: string) => void): SmsGateway {
  return {
    kind: 'log',
    async send (to, text) {
      write(JSON.stringify({ event: 'sms', to, text }) + '\n')
    }
  }
}

export interface WebhookInit {
  /** attempts in all @default 3 */
  tries?: number
  /** wait before the second attempt, doubled for each later one, in ms @default 500 */
  backoffMs?: number
  /** per-attempt timeout in ms @default 5000 */
  timeoutMs?: number
}

export const WEBHOOK_DEFAULTS = { tries: 3, backoffMs: 500, timeoutMs: 5000 } as const

/** A failure worth another try: network errors, timeouts, 408, 429 and 5xx. */
function retryable (status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/**
 * Any HTTP SMS provider (directly or through a small adapter): POST `{"to","text"}` as JSON to
 * `url`; a 2xx answer means sent. Retries with exponential backoff; the final error names the
 * gateway by origin only (the path or query may carry an API key).
 */
export function webhookGateway (url: string, init: WebhookInit = {}): SmsGateway {
  const tries = init.tries ?? WEBHOOK_DEFAULTS.tries
  const backoffMs = init.backoffMs ?? WEBHOOK_DEFAULTS.backoffMs
  const timeoutMs = init.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs
  const origin = new URL(url).origin
  return {
    kind: 'webhook',
    async send (to, text, options = {}) {
      let cause = 'no attempt made'
      for (let attempt = 1; attempt <= tries; attempt++) {
        options.signal?.throwIfAborted()
        try {
          const res = await withTimeout(timeoutMs, options.signal, async signal => await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to, text }),
            signal
          }), () => new TimeoutError(`no answer within ${timeoutMs} ms`))
          await res.body?.cancel().catch(() => {})
          if (res.ok) return
          cause = `HTTP ${res.status}`
          if (!retryable(res.status)) break
        } catch (err) {
          // the caller's abort is thrown as the caller's reason (withTimeout)
          options.signal?.throwIfAborted()
          const e = err as Error & { cause?: { code?: string } }
          cause = err instanceof TimeoutError ? e.message : (e.cause?.code ?? e.message)
        }
        if (attempt < tries) await sleep(backoff(attempt - 1, { minMs: backoffMs }), options)
      }
      throw new SmsGatewayError(`SMS webhook ${origin} failed after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${cause}`)
    }
  }
}
