// Picks contacts for a group, a broadcast list or a forward: the people of our 1:1 chats as checkboxes, and numbers typed in (country + national format, as in "New chat") looked up in the directory first, so a number not on Parley is said at once. Knows nothing of what the picked numbers are for.
import { useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { CountrySelect } from './onboarding.js'
import { ContactAvatar } from './contact-avatar.js'
import { typedNumber } from './new-chat.js'
import { describe } from './errors.js'
import { examplePhone, formatPhone, guessRegion } from './format.js'

/** A directory lookup walks the DHT; give up after this long (as "New chat"). */
const LOOKUP_TIMEOUT_MS = 30_000

export function ContactPicker ({ model, idPrefix, selected, onChange, exclude = [], legend = 'Members' }: {
  model: AppModel
  /** what the picked people are, as the fieldset says it @default 'Members' */
  legend?: string
  /** makes the fields' ids unique on the page */
  idPrefix: string
  selected: string[]
  onChange: (phones: string[]) => void
  /** numbers not offered (a group's members) */
  exclude?: string[]
}) {
  const [region, setRegion] = useState<string>(model.me?.region ?? guessRegion())
  const [number, setNumber] = useState('')
  const [looking, setLooking] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const excluded = new Set(exclude)
  const known = model.knownContacts().filter(p => !excluded.has(p))
  const typedOnly = selected.filter(p => !known.includes(p))

  const toggle = (phone: string, on: boolean): void => {
    onChange(on ? [...selected.filter(p => p !== phone), phone] : selected.filter(p => p !== phone))
  }

  const add = (): void => {
    const phone = typedNumber(number, region)
    setError(undefined)
    if (phone == null) {
      setError(describe({ name: 'InvalidPhoneNumberError' }))
      return
    }
    if (phone === model.phone) {
      setError('That is your own number: you are in it already.')
      return
    }
    if (excluded.has(phone)) {
      setError(`${model.displayName(phone)} is a member already.`)
      return
    }
    setLooking(true)
    model.parley.lookup(phone, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) }).then(r => {
      if (!r.registered) setError(`${formatPhone(r.phone)} is not on Parley yet.`)
      // nothing is sent to a record no trusted verifier confirmed (as in "New chat")
      else if (!r.verified) setError(`${formatPhone(r.phone)} is registered, but not confirmed by a verifier you trust: Parley does not write to it.`)
      else {
        toggle(r.phone, true)
        setNumber('')
      }
    }, err => setError(describe(err))).finally(() => setLooking(false))
  }

  return (
    <fieldset class="contact-picker" data-testid="contact-picker">
      <legend>{legend}</legend>
      {known.length > 0 && (
        <ul class="pick-list" role="list">
          {known.map(phone => (
            <li key={phone}>
              <label class="pick-row" for={`${idPrefix}-pick-${phone}`}>
                <input type="checkbox" id={`${idPrefix}-pick-${phone}`} data-testid="pick-contact" data-phone={phone} checked={selected.includes(phone)}
                  onChange={e => toggle(phone, (e.target as HTMLInputElement).checked)} />
                <ContactAvatar model={model} phone={phone} />
                <span class="pick-name">
                  <span class="row-name">{model.displayName(phone)}</span>
                  {model.contactName(phone) != null && <span class="row-number">{formatPhone(phone)}</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {typedOnly.length > 0 && (
        <ul class="chips" role="list" aria-label="Added numbers">
          {typedOnly.map(phone => (
            <li key={phone} class="chip" data-testid="picked" data-phone={phone}>
              {model.displayName(phone)}
              <button type="button" class="icon" data-testid="picked-remove" aria-label={`Remove ${model.displayName(phone)}`} onClick={() => toggle(phone, false)}>✕</button>
            </li>
          ))}
        </ul>
      )}
      <label for={`${idPrefix}-country`}>Add a number: country</label>
      <CountrySelect id={`${idPrefix}-country`} value={region} onChange={setRegion} />
      <label for={`${idPrefix}-number`}>Phone number</label>
      <div class="input-row">
        <input id={`${idPrefix}-number`} data-testid="pick-number" type="tel" value={number} placeholder={examplePhone(region)}
          onInput={e => { setNumber((e.target as HTMLInputElement).value); setError(undefined) }}
          onKeyDown={e => { if (e.key === 'Enter') { e.preventDefault(); add() } }} />
        <button type="button" data-testid="pick-number-add" disabled={looking || number.trim() === ''} aria-busy={looking} onClick={add}>
          {looking && <span class="spinner" aria-hidden="true" />}{looking ? 'Looking up…' : 'Add'}
        </button>
      </div>
      {error != null && <p class="error" role="alert" data-testid="pick-error">{error}</p>}
    </fieldset>
  )
}
