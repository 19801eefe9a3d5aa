// Onboarding → "Link to an existing account": this tab becomes another device of an account. Shows the link code (QR and text), waits for a device of the account to approve it, shows the account arriving, then reloads as that account. Cancel aborts.
import { useEffect, useRef, useState } from 'preact/hooks'
import { renderSVG } from 'uqr'
import { linkParley } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { describe } from './errors.js'
import { formatPhone } from './format.js'
import { clearPendingNumber } from './onboarding.js'

/** "Chrome on Linux", "Firefox on Windows", "Safari on iPhone"; "Web browser" when the user agent says nothing we know. */
export function defaultDeviceName (ua = navigator.userAgent): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /(Chrome|Chromium|CriOS)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua) ? 'Safari' : undefined
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone/.test(ua)
      ? 'iPhone'
      : /iPad/.test(ua)
        ? 'iPad'
        : /CrOS/.test(ua)
          ? 'ChromeOS'
          : /Windows/.test(ua)
            ? 'Windows'
            : /Mac OS X|Macintosh/.test(ua)
              ? 'macOS'
              : /Linux/.test(ua) ? 'Linux' : undefined
  if (browser == null) return 'Web browser'
  return os != null ? `${browser} on ${os}` : browser
}

type Phase =
  | { name: 'starting' }
  | { name: 'code', uri: string }
  | { name: 'receiving', uri: string, done: number, total: number }
  | { name: 'linked', phone: string }
  | { name: 'failed', error: string }

/** Reload the page on the list route: the profile starts again (as the linked account, or empty after a cancel). */
function restart (): void {
  location.hash = ''
  location.reload()
}

export function LinkDevice ({ model }: { model: AppModel }) {
  const [phase, setPhase] = useState<Phase>({ name: 'starting' })
  const [attempt, setAttempt] = useState(0)
  const [copied, setCopied] = useState(false)
  const [cancelling, setCancelling] = useState(false)
  const abort = useRef<AbortController | undefined>(undefined)
  const name = defaultDeviceName()

  useEffect(() => {
    const controller = new AbortController()
    abort.current = controller
    setPhase({ name: 'starting' })
    void (async () => {
      // the link runs its own node with this profile's key: the tab's node stops first
      await model.stop()
      clearPendingNumber(model.profile)
      const { parley, phone } = await linkParley({ profile: model.profile, ...model.startInit }, {
        signal: controller.signal,
        kind: 'browser',
        name,
        onCode: uri => setPhase({ name: 'code', uri }),
        onProgress: (done, total) => setPhase(p => ({ name: 'receiving', uri: p.name === 'code' || p.name === 'receiving' ? p.uri : '', done, total }))
      })
      setPhase({ name: 'linked', phone })
      await parley.stop()
      restart()
    })().catch(err => {
      if (controller.signal.aborted) restart()
      else setPhase({ name: 'failed', error: describe(err) })
    })
    return () => { controller.abort() }
  }, [attempt])

  const cancel = (): void => {
    setCancelling(true)
    if (phase.name === 'failed') restart()
    else abort.current?.abort()
  }

  const copy = (uri: string): void => {
    navigator.clipboard.writeText(uri).then(() => setCopied(true), () => {
      // no clipboard (an insecure origin): select the text so the person can copy it
      const field = document.getElementById('link-uri') as HTMLTextAreaElement | null
      field?.select()
    })
  }

  const uri = phase.name === 'code' || phase.name === 'receiving' ? phase.uri : undefined
  return (
    <section aria-labelledby="link-title" data-testid="link-device" data-state={phase.name}>
      <h2 id="link-title">Link to an existing account</h2>
      {phase.name === 'starting' && <p role="status"><span class="spinner" aria-hidden="true" />Preparing a code…</p>}
      {phase.name === 'code' && (
        <ol class="link-steps">
          <li>On a device where you already use Parley, open <b>Settings → Linked devices</b>.</li>
          <li>Scan this code, or copy the text below and paste it there.</li>
        </ol>
      )}
      {phase.name === 'code' && uri != null && (
        <>
          <div class="qr" data-testid="link-qr" role="img" aria-label="Link code as a QR code"
            // uqr builds the SVG from the code alone (base64url text the SDK made): no user text reaches this markup
            dangerouslySetInnerHTML={{ __html: renderSVG(uri, { ecc: 'L', border: 2 }) }} />
          <label for="link-uri">Link code</label>
          <textarea id="link-uri" class="mono link-uri" data-testid="link-uri" readOnly rows={3} value={uri} onFocus={e => (e.target as HTMLTextAreaElement).select()} />
          <div class="row">
            <button type="button" class="secondary" data-testid="link-copy" onClick={() => copy(uri)}>{copied ? 'Copied' : 'Copy code'}</button>
          </div>
          <p class="note" role="status" data-testid="link-waiting"><span class="spinner" aria-hidden="true" />Waiting for approval… This browser will be called “{name}”.</p>
        </>
      )}
      {phase.name === 'receiving' && (
        <>
          <p role="status" data-testid="link-receiving">Approved. Receiving your account…</p>
          <progress data-testid="link-receive-progress" class="link-progress" max={Math.max(1, phase.total)} value={phase.done} aria-label="Receiving your account" />
        </>
      )}
      {phase.name === 'linked' && <p role="status" data-testid="link-linked"><span class="spinner" aria-hidden="true" />Linked to {formatPhone(phase.phone)}. Starting…</p>}
      {phase.name === 'failed' && (
        <>
          <p class="error" role="alert" data-testid="link-failed">{phase.error}</p>
          <button type="button" data-testid="link-retry" onClick={() => setAttempt(a => a + 1)}>Show a new code</button>
        </>
      )}
      {phase.name !== 'linked' && (
        <div class="row">
          <button type="button" class="secondary" data-testid="link-cancel" onClick={cancel} disabled={cancelling} aria-busy={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
    </section>
  )
}
