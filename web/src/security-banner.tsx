// The banners about identity: in a conversation, the contact's security code changed ("View" opens contact info, "OK" acknowledges) or, for a contact the user had verified, a blocking banner whose "Accept" lets messages go out again; app-wide, someone tried to register our own number. Knows nothing of safety number digits.
import { useEffect, useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { describe } from './errors.js'

/** Bound on the contact() check when a conversation opens (it may ask the directory). */
const CHECK_MS = 15_000

export function SecurityBanner ({ model, phone }: { model: AppModel, phone: string }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    model.parley.contact(phone, { signal: AbortSignal.timeout(CHECK_MS) })
      .then(c => { if (live) model.setContactTrust(c) }, () => {})
    return () => { live = false }
  }, [phone])

  const act = (work: () => Promise<void>): void => {
    setBusy(true)
    setError(undefined)
    work().catch(err => setError(describe(err))).finally(() => setBusy(false))
  }
  if (model.identityBlocked.has(phone)) {
    return (
      <div class="security-banner blocking" role="alert" data-testid="identity-blocked-banner">
        <span>
          Your security code with {model.nameWithNumber(phone)} changed after you verified it. Messages to them are held until
          you accept the new code. Compare it with them first: someone else may be using their number.
        </span>
        <span class="banner-actions">
          <button type="button" class="secondary" data-testid="identity-blocked-view" onClick={() => model.go({ name: 'contact', phone })}>View</button>
          <button type="button" data-testid="identity-blocked-accept" disabled={busy}
            onClick={() => act(async () => model.setContactTrust(await model.parley.acceptIdentity(phone)))}>Accept</button>
        </span>
        {error != null && <span class="error" data-testid="identity-blocked-error">{error}</span>}
      </div>
    )
  }
  if (!model.identityChanged.has(phone)) return null
  return (
    <div class="security-banner" role="alert" data-testid="identity-changed-banner">
      <span>Your security code with {model.nameWithNumber(phone)} changed. This happens when they reinstall Parley or use a new device.</span>
      <span class="banner-actions">
        <button type="button" class="secondary" data-testid="identity-changed-view" onClick={() => model.go({ name: 'contact', phone })}>View</button>
        <button type="button" data-testid="identity-changed-ok" disabled={busy}
          onClick={() => act(async () => model.setContactTrust(await model.parley.acknowledgeIdentityChange(phone)))}>OK</button>
      </span>
    </div>
  )
}

/** App-wide: another key was found registered for our own number (the device already republished its record). */
export function TakeoverBanner ({ model }: { model: AppModel }) {
  const t = model.takeover
  if (t == null) return null
  return (
    <div class="security-banner takeover-banner" role="alert" data-testid="takeover-banner">
      <span>
        Someone tried to register your number on another device{t.verified ? ' and passed SMS verification: your SIM or text messages may be compromised. Contact your carrier' : ''}.
        {' '}Your device has published its registration again; keep Parley open so it stays yours.
      </span>
      <span class="banner-actions">
        <button type="button" data-testid="takeover-dismiss" onClick={() => model.dismissTakeover()}>OK</button>
      </span>
    </div>
  )
}
