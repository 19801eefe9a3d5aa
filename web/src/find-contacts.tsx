// "Find contacts": a pasted list of numbers or a .vcf file (national formats read in the chosen country, as in "New chat"), checked against the directory with a progress bar; lists who is on Parley, with the name and photo of those who shared them with us, and offers to invite the others.
import { useState } from 'preact/hooks'
import type { DiscoveryReport } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { describe } from './errors.js'
import { formatPhone, guessRegion, numbersFromText, numbersFromVcf } from './format.js'
import { ContactAvatar } from './contact-avatar.js'
import { CountrySelect } from './onboarding.js'
import { typedNumber } from './new-chat.js'
import { Invite } from './invite.js'

/** An address book bigger than this is cut: one discovery run should finish in a minute or two. */
const MAX_NUMBERS = 2_000
/** Numbers not on Parley listed with "Invite" at most: the rest are counted. */
const MAX_INVITES_SHOWN = 50

/** Distinct numbers of the report with `status`, in input order. */
function distinct (report: DiscoveryReport | undefined, status: 'registered' | 'not-registered'): string[] {
  const seen = new Set<string>()
  for (const c of report?.contacts ?? []) if (c.status === status && c.e164 != null) seen.add(c.e164)
  return [...seen]
}

export function FindContacts ({ model, onClose }: { model: AppModel, onClose: () => void }) {
  const [text, setText] = useState('')
  const [region, setRegion] = useState<string>(model.me?.region ?? guessRegion())
  const [progress, setProgress] = useState<{ done: number, total: number } | undefined>()
  const [report, setReport] = useState<DiscoveryReport | undefined>()
  const [error, setError] = useState<string | undefined>()
  const running = progress != null && report == null && error == null

  const loadFile = (e: Event): void => {
    const file = (e.target as HTMLInputElement).files?.[0]
    if (file == null) return
    void file.text().then(t => setText(numbersFromVcf(t).join('\n')))
  }

  const run = (e: Event): void => {
    e.preventDefault()
    // national formats ("(555) 010-2002", "07700 900123") are read as "New chat" reads them; anything else goes as typed and is counted as not a number
    const numbers = numbersFromText(text).slice(0, MAX_NUMBERS).map(n => typedNumber(n, region) ?? n)
    setReport(undefined)
    setError(undefined)
    setProgress({ done: 0, total: numbers.length })
    model.parley.discover(numbers, { onProgress: (done, total) => setProgress({ done, total }) })
      .then(setReport, err => setError(describe(err)))
  }

  const verified = new Set((report?.contacts ?? []).filter(c => c.verified === true && c.e164 != null).map(c => c.e164!))
  const unique = distinct(report, 'registered')
  const absent = distinct(report, 'not-registered')

  return (
    <Dialog title="Find contacts" testid="find-dialog" onClose={onClose}>
      <form onSubmit={run}>
        <label for="find-numbers">Phone numbers, one per line</label>
        <textarea id="find-numbers" data-testid="find-numbers" rows={5} value={text} onInput={e => setText((e.target as HTMLTextAreaElement).value)} />
        <label for="find-country">Country of numbers written without + and a country code</label>
        <CountrySelect id="find-country" value={region} onChange={setRegion} />
        <label for="find-vcf">…or import a contacts file (.vcf)</label>
        <input id="find-vcf" data-testid="find-vcf" type="file" accept=".vcf,text/vcard,text/x-vcard" onChange={loadFile} />
        <button type="submit" data-testid="find-run" disabled={running || text.trim() === ''}>Check who is on Parley</button>
      </form>
      {progress != null && (
        <div class="progress-row">
          <progress data-testid="find-progress" max={Math.max(progress.total, 1)} value={progress.done} aria-label="Checked numbers" />
          <span>{progress.done} / {progress.total}</span>
        </div>
      )}
      {error != null && <p class="error" role="alert">{error}</p>}
      {report != null && (
        <div data-testid="find-results" data-state="done">
          <p role="status">{unique.length === 0 ? 'None of these numbers is on Parley yet.' : `${unique.length} on Parley:`}</p>
          <ul class="found" role="list">
            {unique.map(phone => phone === model.phone
              ? (
                <li key={phone} data-testid="find-result" data-phone={phone} data-self="true">
                  <span class="found-contact">
                    <ContactAvatar model={model} phone={phone} />
                    <span>
                      <span class="row-name">You</span>
                      <span class="row-number">{formatPhone(phone)}</span>
                    </span>
                  </span>
                </li>
                )
              : (
                <li key={phone} data-testid="find-result" data-phone={phone}>
                  <span class="found-contact">
                    <ContactAvatar model={model} phone={phone} />
                    <span>
                      {model.contactName(phone) != null && <span class="row-name">{model.contactName(phone)} </span>}
                      <span class={model.contactName(phone) != null ? 'row-number' : ''}>{formatPhone(phone)}</span>{verified.has(phone) ? ' ✔' : ''}
                    </span>
                  </span>
                  <button type="button" data-testid="find-message" aria-label={`Message ${model.displayName(phone)}`} onClick={() => { onClose(); model.go({ name: 'chat', phone }) }}>Message</button>
                </li>
                ))}
          </ul>
          {absent.length > 0 && (
            <>
              <p data-testid="find-absent-title">Not on Parley yet: invite them.</p>
              <ul class="found" role="list">
                {absent.slice(0, MAX_INVITES_SHOWN).map(phone => (
                  <li key={phone} data-testid="find-absent" data-phone={phone}>
                    <span>{formatPhone(phone)}</span>
                    <Invite phone={phone} compact />
                  </li>
                ))}
              </ul>
              {absent.length > MAX_INVITES_SHOWN && <p class="note">…and {absent.length - MAX_INVITES_SHOWN} more.</p>}
            </>
          )}
          {report.invalid > 0 && <p class="note" data-testid="find-invalid">{report.invalid === 1 ? '1 entry is not a phone number.' : `${report.invalid} entries are not phone numbers.`}</p>}
          {report.failed > 0 && <p class="note">{report.failed} could not be checked (try again later).</p>}
        </div>
      )}
    </Dialog>
  )
}
