// The banner in a conversation when the contact's security code changed: "View" opens contact info, "OK" acknowledges. Knows nothing of safety number digits.
import { useEffect, useState } from 'preact/hooks'
import type { AppModel } from './model.js'

/** Bound on the contact() check when a conversation opens (it may ask the directory). */
const CHECK_MS = 15_000

export function SecurityBanner ({ model, phone }: { model: AppModel, phone: string }) {
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let live = true
    model.parley.contact(phone, { signal: AbortSignal.timeout(CHECK_MS) })
      .then(c => { if (live) model.setIdentityChanged(phone, c.identityChanged) }, () => {})
    return () => { live = false }
  }, [phone])

  if (!model.identityChanged.has(phone)) return null
  const acknowledge = (): void => {
    setBusy(true)
    model.parley.acknowledgeIdentityChange(phone)
      .then(c => model.setIdentityChanged(phone, c.identityChanged), () => {})
      .finally(() => setBusy(false))
  }
  return (
    <div class="security-banner" role="alert" data-testid="identity-changed-banner">
      <span>Your security code with {model.nameWithNumber(phone)} changed. This happens when they reinstall Parley or use a new device.</span>
      <span class="banner-actions">
        <button type="button" class="secondary" data-testid="identity-changed-view" onClick={() => model.go({ name: 'contact', phone })}>View</button>
        <button type="button" data-testid="identity-changed-ok" disabled={busy} onClick={acknowledge}>OK</button>
      </span>
    </div>
  )
}
