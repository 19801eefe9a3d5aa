// "Find contacts": a pasted list of numbers or a .vcf file, checked against the directory with a progress bar; lists who is on Parley, with the name and photo of those who shared them with us.
import { useState } from 'preact/hooks'
import type { DiscoveryReport } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { describe } from './onboarding.js'
import { formatPhone, numbersFromText, numbersFromVcf } from './format.js'
import { ContactAvatar } from './contact-avatar.js'

/** An address book bigger than this is cut: one discovery run should finish in a minute or two. */
const MAX_NUMBERS = 2_000

export function FindContacts ({ model, onClose }: { model: AppModel, onClose: () => void }) {
  const [text, setText] = useState('')
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
    const numbers = numbersFromText(text).slice(0, MAX_NUMBERS)
    setReport(undefined)
    setError(undefined)
    setProgress({ done: 0, total: numbers.length })
    model.parley.discover(numbers, { onProgress: (done, total) => setProgress({ done, total }) })
      .then(setReport, err => setError(describe(err)))
  }

  const found = report?.contacts.filter(c => c.status === 'registered' && c.e164 != null) ?? []
  const seen = new Set<string>()
  const unique = found.filter(c => !seen.has(c.e164!) && seen.add(c.e164!))

  return (
    <Dialog title="Find contacts" testid="find-dialog" onClose={onClose}>
      <form onSubmit={run}>
        <label for="find-numbers">Phone numbers, one per line</label>
        <textarea id="find-numbers" data-testid="find-numbers" rows={5} value={text} onInput={e => setText((e.target as HTMLTextAreaElement).value)} />
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
            {unique.map(c => (
              <li key={c.e164} data-testid="find-result" data-phone={c.e164}>
                <span class="found-contact">
                  <ContactAvatar model={model} phone={c.e164!} />
                  <span>
                    {model.contactName(c.e164!) != null && <span class="row-name">{model.contactName(c.e164!)} </span>}
                    <span class={model.contactName(c.e164!) != null ? 'row-number' : ''}>{formatPhone(c.e164!)}</span>{c.verified === true ? ' ✔' : ''}
                  </span>
                </span>
                <button type="button" data-testid="find-message" aria-label={`Message ${model.displayName(c.e164!)}`} onClick={() => { onClose(); model.go({ name: 'chat', phone: c.e164! }) }}>Message</button>
              </li>
            ))}
          </ul>
          {report.invalid > 0 && <p class="note">{report.invalid} entries are not phone numbers.</p>}
          {report.failed > 0 && <p class="note">{report.failed} could not be checked (try again later).</p>}
        </div>
      )}
    </Dialog>
  )
}
