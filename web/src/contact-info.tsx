// Contact info screen: the contact's photo, name and number, voice and video call buttons, the way to the chat's media, verification state, the safety number (12 groups of 5 digits) and its QR code, mark verified / clear. Knows nothing of messages.
import { useEffect, useState } from 'preact/hooks'
import { renderSVG } from 'uqr'
import type { ContactInfo as Contact } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { formatPhone } from './format.js'
import { describe } from './errors.js'
import { ContactAvatar } from './contact-avatar.js'
import { CallButtons } from './call-buttons.js'

/** How long the screen waits for the directory when the contact's key is not known yet. */
export const CONTACT_LOOKUP_MS = 20_000

/** 60 digits as 12 groups of 5, the way both people read them out. */
export function safetyGroups (digits: string): string[] {
  return digits.match(/\d{5}/g) ?? []
}

export function ContactInfo ({ model, phone }: { model: AppModel, phone: string }) {
  const [contact, setContact] = useState<Contact | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    setContact(undefined)
    setError(undefined)
    model.parley.contact(phone, { signal: AbortSignal.timeout(CONTACT_LOOKUP_MS) }).then(c => {
      if (!live) return
      setContact(c)
      model.setContactTrust(c)
    }, err => { if (live) setError(describe(err)) })
    return () => { live = false }
  }, [phone])

  const update = (work: () => Promise<Contact>): void => {
    setBusy(true)
    setError(undefined)
    work().then(c => {
      setContact(c)
      model.setContactTrust(c)
    }, err => setError(describe(err))).finally(() => setBusy(false))
  }

  const name = model.contactName(phone)
  const groups = contact != null ? safetyGroups(contact.safetyNumber.digits) : []
  const state = contact == null ? (error != null ? 'error' : 'loading') : contact.verified ? 'verified' : 'unverified'

  return (
    <section class="contact-info" aria-labelledby="contact-title" data-testid="contact-info" data-phone={phone} data-state={state}>
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="contact-back" aria-label="Back to the chat" onClick={() => model.go({ name: 'chat', phone })}>←</button>
        <h1 id="contact-title" data-testid="contact-title">{model.displayName(phone)}</h1>
      </header>
      <div class="pane-body contact-body">
        <div class="contact-card">
          <ContactAvatar model={model} phone={phone} size="large" />
          <div>
            {name != null && <p class="contact-name" data-testid="contact-name">{name}</p>}
            <p class="contact-number" data-testid="contact-number">{formatPhone(phone)}</p>
            {name != null && <p class="note">The name and photo are the contact's own choice; the number and the safety number identify them.</p>}
          </div>
        </div>
        <CallButtons model={model} phone={phone} words />
        <button type="button" class="secondary media-link" data-testid="open-media" onClick={() => model.go({ name: 'media', address: phone })}>Media and files</button>
        {contact == null && error == null && <p data-testid="contact-loading"><span class="spinner" aria-hidden="true" />Looking up the contact's keys…</p>}
        {error != null && <p class="error" role="alert" data-testid="contact-error">{error}</p>}
        {contact != null && (
          <>
            <p class="verified-state" data-testid="verified-state" data-state={contact.verified ? 'verified' : 'unverified'}>
              {contact.verified ? '✔ Verified: you compared safety numbers with this contact.' : 'Not verified yet.'}
              {contact.attested && <span class="note"> The number was confirmed by SMS to a relay you trust.</span>}
            </p>
            {contact.identityChanged && (
              <p class="security-banner" role="alert" data-testid="contact-identity-changed">
                This contact's security code changed. Compare the new safety number before you trust it again.
                <button type="button" class="secondary" data-testid="contact-acknowledge" disabled={busy}
                  onClick={() => update(async () => await model.parley.acknowledgeIdentityChange(phone))}>OK</button>
              </p>
            )}
            <h2>Safety number</h2>
            <p class="note">Compare these numbers with {model.nameWithNumber(phone)} in person or on a call, or scan the code. If they match, your chat is end-to-end encrypted with the right person.</p>
            <div class="safety-number" data-testid="safety-number" aria-label={`Safety number: ${groups.join(' ')}`}>
              {groups.map((g, i) => <span key={i} data-testid="safety-group">{g}</span>)}
            </div>
            <div class="qr" data-testid="safety-qr" role="img" aria-label="Safety number as a QR code"
              // uqr builds the SVG from the bytes alone: no user text reaches this markup
              dangerouslySetInnerHTML={{ __html: renderSVG([...contact.safetyNumber.qr], { ecc: 'M', border: 2 }) }} />
            <div class="row">
              {contact.verified
                ? <button type="button" class="secondary" data-testid="clear-verified" disabled={busy} onClick={() => update(async () => await model.parley.markVerified(phone, false))}>Clear verification</button>
                : <button type="button" data-testid="mark-verified" disabled={busy} onClick={() => update(async () => await model.parley.markVerified(phone, true))}>Mark as verified</button>}
            </div>
          </>
        )}
      </div>
    </section>
  )
}
