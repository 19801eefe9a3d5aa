// "New chat": a number (country + national format) looked up in the directory; opens the chat, or says clearly that the number is not on Parley and offers to invite it. A number we already know shows its name and photo as it is typed. Leads to "New group" and to the broadcast lists.
import { useState } from 'preact/hooks'
import { normalizePhone } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { CountrySelect } from './onboarding.js'
import { describe } from './errors.js'
import { examplePhone, formatPhone, guessRegion } from './format.js'
import { Invite } from './invite.js'
import { ContactAvatar } from './contact-avatar.js'

/** The E.164 form of what is typed (national format of `region`, or + and the country code), or undefined while it is not a number yet. */
export function typedNumber (number: string, region: string): string | undefined {
  try {
    return normalizePhone(number, region)
  } catch {
    return undefined
  }
}

/** A directory lookup walks the DHT; give up after this long. */
const LOOKUP_TIMEOUT_MS = 30_000

export function NewChat ({ model, onClose, onNewGroup }: { model: AppModel, onClose: () => void, onNewGroup: () => void }) {
  const [region, setRegion] = useState<string>(model.me?.region ?? guessRegion())
  const [number, setNumber] = useState('')
  const [state, setState] = useState<'idle' | 'looking' | 'not-registered' | 'error'>('idle')
  const [message, setMessage] = useState('')
  const [absent, setAbsent] = useState<string | undefined>()

  const typed = typedNumber(number, region)
  const known = typed != null && (model.contactName(typed) != null || model.conversations.some(c => c.address === typed)) ? typed : undefined
  if (typed != null) model.loadContact(typed)

  const submit = (e: Event): void => {
    e.preventDefault()
    void (async () => {
      setState('looking')
      try {
        const phone = normalizePhone(number, region)
        const r = await model.parley.lookup(phone, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) })
        if (r.registered && !r.verified) {
          // nothing is sent to a record no trusted verifier confirmed (docs/messaging.md)
          setMessage(`${formatPhone(r.phone)} is registered, but not confirmed by a verifier you trust: Parley does not write to it.`)
          setState('error')
        } else if (r.registered) {
          onClose()
          model.go({ name: 'chat', phone: r.phone })
        } else {
          setMessage(`${formatPhone(r.phone)} is not on Parley yet.`)
          setAbsent(r.phone)
          setState('not-registered')
        }
      } catch (err) {
        setMessage(describe(err))
        setState('error')
      }
    })()
  }

  return (
    <Dialog title="New chat" testid="new-chat-dialog" onClose={onClose}>
      <div class="new-chat-options">
        <button type="button" class="secondary" data-testid="new-group" aria-haspopup="dialog" onClick={onNewGroup}>New group</button>
        <button type="button" class="secondary" data-testid="open-broadcasts" onClick={() => { onClose(); model.go({ name: 'broadcasts' }) }}>Broadcast lists</button>
      </div>
      <form onSubmit={submit} data-state={state} data-testid="new-chat-form">
        <label for="new-country">Country</label>
        <CountrySelect id="new-country" value={region} onChange={setRegion} />
        <label for="new-phone">Phone number</label>
        <input id="new-phone" data-testid="new-chat-phone" type="tel" required autoFocus value={number} placeholder={examplePhone(region)} onInput={e => { setNumber((e.target as HTMLInputElement).value); setState('idle') }} />
        {known != null && (
          <p class="known-contact" data-testid="new-chat-known" data-phone={known}>
            <ContactAvatar model={model} phone={known} />
            <span>
              <span class="row-name">{model.displayName(known)}</span>
              {model.contactName(known) != null && <span class="row-number">{formatPhone(known)}</span>}
            </span>
          </p>
        )}
        <button type="submit" data-testid="new-chat-start" disabled={state === 'looking' || number.trim() === ''} aria-busy={state === 'looking'}>
          {state === 'looking' && <span class="spinner" aria-hidden="true" />}{state === 'looking' ? 'Looking up…' : 'Start chat'}
        </button>
        {(state === 'not-registered' || state === 'error') && (
          <p class={state === 'error' ? 'error' : 'not-on-parley'} role="alert" data-testid="new-chat-result">{message}</p>
        )}
        {state === 'not-registered' && absent != null && (
          <div class="invite-row">
            <p class="note">Invite them: they open Parley in a browser and register their number.</p>
            <Invite phone={absent} />
          </div>
        )}
      </form>
    </Dialog>
  )
}
