// First run of a profile: phone number (country + national format), the SMS code (with "Resend code" after a countdown), then a display name. Knows nothing of chats.
import { useEffect, useState } from 'preact/hooks'
import { normalizePhone, RateLimitedError } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { countryList, guessRegion, formatPhone, examplePhone } from './format.js'
import { describe } from './errors.js'
import { PhoneIntro, Welcome, pendingKey } from './shell.js'
import { LinkDevice, defaultDeviceName } from './link-device.js'

/** What `npm start` prints when the local relay "texts" a code (see scripts/start.ts). */
export const LOCAL_CODE_HINT = 'SMS code 123456 for …0123'

type Step = 'phone' | 'code' | 'name' | 'link'

/**
 * "Resend code" waits this long after a code was sent: an SMS can take a minute to arrive, and the verifier
 * sends at most 3 codes per number in 10 minutes (relay-node/src/verifier/limits.ts), so a second code
 * asked for at once would only spend one of them.
 */
export const RESEND_AFTER_MS = 60_000

/** "0:59", "9:41" */
export function formatCountdown (ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function clearPendingNumber (profile: string): void {
  sessionStorage.removeItem(pendingKey(profile))
  sessionStorage.removeItem(`${pendingKey(profile)}-region`)
  sessionStorage.removeItem(`${pendingKey(profile)}-resend-at`)
}

/** When "Resend code" may be pressed (ms since the epoch), kept with the pending number so a reload keeps the countdown. */
function storedResendAt (profile: string): number {
  const at = Number(sessionStorage.getItem(`${pendingKey(profile)}-resend-at`))
  return Number.isFinite(at) ? at : 0
}

function storeResendAt (profile: string, at: number): void {
  sessionStorage.setItem(`${pendingKey(profile)}-resend-at`, String(at))
}

/** The current time, updated every second while `until` is in the future (a countdown's clock). */
function useNowUntil (until: number): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (until <= Date.now()) return
    const timer = setInterval(() => {
      const t = Date.now()
      setNow(t)
      if (t >= until) clearInterval(timer)
    }, 1000)
    setNow(Date.now())
    return () => clearInterval(timer)
  }, [until])
  return now
}

/** Gives this device the name of its browser (the SDK calls an unnamed one "This device"). */
async function nameThisDevice (model: AppModel): Promise<void> {
  const self = (await model.parley.devices()).find(d => d.current)
  if (self != null) await model.parley.renameDevice(self.deviceId, defaultDeviceName())
}

export function CountrySelect ({ value, onChange, id }: { value: string, onChange: (code: string) => void, id: string }) {
  return (
    <select id={id} data-testid="country" value={value} onChange={e => onChange((e.target as HTMLSelectElement).value)}>
      {countryList().map(c => <option key={c.code} value={c.code}>{c.name} (+{c.dial})</option>)}
    </select>
  )
}

export function Onboarding ({ model }: { model: AppModel }) {
  const pending = model.registered ? undefined : sessionStorage.getItem(pendingKey(model.profile)) ?? undefined
  const initial: Step = model.registered ? 'name' : pending != null ? 'code' : 'phone'
  const [step, setStep] = useState<Step>(initial)
  const [region, setRegion] = useState<string>(model.me?.region ?? sessionStorage.getItem(`${pendingKey(model.profile)}-region`) ?? guessRegion())
  const [number, setNumber] = useState('')
  const [e164, setE164] = useState<string | undefined>(model.phone ?? pending)
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [resendAt, setResendAt] = useState(() => storedResendAt(model.profile))
  const [resent, setResent] = useState(false)
  const now = useNowUntil(resendAt)

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (err) {
      setError(describe(err))
    } finally {
      setBusy(false)
    }
  }

  const sendCode = (e: Event): void => {
    e.preventDefault()
    void run(async () => {
      const phone = normalizePhone(number, region)
      const r = await model.parley.register(phone, { signal: AbortSignal.timeout(30_000) })
      setE164(r.phone)
      sessionStorage.setItem(pendingKey(model.profile), r.phone)
      sessionStorage.setItem(`${pendingKey(model.profile)}-region`, region)
      waitBeforeResend(Date.now() + RESEND_AFTER_MS)
      setResent(false)
      setStep('code')
    })
  }

  const waitBeforeResend = (at: number): void => {
    storeResendAt(model.profile, at)
    setResendAt(at)
  }

  const resend = (): void => {
    if (e164 == null) return
    setResent(false)
    void run(async () => {
      try {
        await model.parley.register(e164, { signal: AbortSignal.timeout(30_000) })
      } catch (err) {
        // the verifier's limit says when the next code may be asked for: the countdown shows it
        if (err instanceof RateLimitedError) waitBeforeResend(Date.now() + err.retryAfterMs)
        throw err
      }
      waitBeforeResend(Date.now() + RESEND_AFTER_MS)
      setCode('')
      setResent(true)
    })
  }

  const verify = (e: Event): void => {
    e.preventDefault()
    void run(async () => {
      const r = await model.parley.verify(code, { signal: AbortSignal.timeout(60_000) })
      // the account's first device is named after its browser ("Chrome on Linux"): devices linked later list it so
      await nameThisDevice(model).catch(() => {})
      await model.registeredAs(r.phone)
      clearPendingNumber(model.profile)
      setStep('name')
    })
  }

  const saveName = (e: Event): void => {
    e.preventDefault()
    const trimmed = name.trim()
    if (trimmed === '') {
      setError('Please enter a name')
      return
    }
    void run(async () => { await model.saveProfile({ name: trimmed, region }) })
  }

  return (
    <main class="onboarding card" aria-labelledby="onboarding-title" data-testid="onboarding" data-state={step}>
      <Welcome profile={model.profile} />
      {!model.online && step !== 'link' && <p class="note" data-testid="onboarding-offline" role="status">Connecting to a relay…</p>}

      {step === 'phone' && (
        <form onSubmit={sendCode} aria-describedby="phone-help">
          <PhoneIntro />
          <label for="country">Country</label>
          <CountrySelect id="country" value={region} onChange={setRegion} />
          <label for="phone">Phone number</label>
          <input id="phone" data-testid="phone" type="tel" autocomplete="tel-national" inputMode="tel" required value={number}
            onInput={e => setNumber((e.target as HTMLInputElement).value)} placeholder={examplePhone(region)} autoFocus />
          <button type="submit" data-testid="send-code" disabled={busy || number.trim() === ''} aria-busy={busy}>
            {busy && <span class="spinner" aria-hidden="true" />}{busy ? 'Sending code…' : 'Send code'}
          </button>
        </form>
      )}

      {step === 'phone' && (
        <div class="link-option">
          <p>Already use Parley on another device?</p>
          <button type="button" class="secondary" data-testid="link-existing" onClick={() => { setError(undefined); setStep('link') }} disabled={busy}>Link to an existing account</button>
        </div>
      )}

      {step === 'link' && <LinkDevice model={model} />}

      {step === 'code' && (
        <form onSubmit={verify}>
          <h2>Enter the code</h2>
          <p>We sent a 6-digit code to <b data-testid="code-phone">{formatPhone(e164 ?? '')}</b>.</p>
          {resent && <p class="note" role="status" data-testid="code-resent">We sent a new code. The one before it no longer works.</p>}
          <p class="note" data-testid="local-code-hint">
            On a local network started with <code>npm start</code> no real SMS is sent: the code is printed in the terminal
            where <code>npm start</code> runs, as a line like <code>{LOCAL_CODE_HINT}</code> (the last digits of your number).
          </p>
          <label for="code">Code</label>
          <input id="code" data-testid="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code}
            onInput={e => setCode((e.target as HTMLInputElement).value.replace(/\D/g, ''))} autoFocus />
          <button type="submit" data-testid="verify" disabled={busy || code.length !== 6} aria-busy={busy}>
            {busy && <span class="spinner" aria-hidden="true" />}{busy ? 'Checking…' : 'Verify'}
          </button>
          <div class="row">
            <button type="button" class="secondary" data-testid="change-number" onClick={() => { clearPendingNumber(model.profile); setStep('phone'); setCode(''); setError(undefined) }} disabled={busy}>Change number</button>
            <button type="button" class="secondary" data-testid="resend-code" onClick={resend} disabled={busy || now < resendAt}
              data-state={now < resendAt ? 'waiting' : 'ready'}>
              {now < resendAt ? <>Resend code in <span data-testid="resend-countdown">{formatCountdown(resendAt - now)}</span></> : 'Resend code'}
            </button>
          </div>
        </form>
      )}

      {step === 'name' && (
        <form onSubmit={saveName}>
          <h2>Your name</h2>
          <p>Registered as <b data-testid="registered-phone">{formatPhone(model.phone ?? e164 ?? '')}</b>. How should people see you?</p>
          <label for="name">Display name</label>
          <input id="name" data-testid="name" autocomplete="name" maxLength={64} required value={name}
            onInput={e => setName((e.target as HTMLInputElement).value)} autoFocus />
          <button type="submit" data-testid="save-name" disabled={busy}>Start chatting</button>
        </form>
      )}

      {error != null && <p class="error" role="alert" data-testid="onboarding-error">{error}</p>}
    </main>
  )
}
