// Settings → Trust: the verifier keys this device trusts (pinned by the page's configuration, else learned from our own registration), with a warning when nothing is pinned. Knows nothing of how keys are checked.
import type { AppModel } from './model.js'

/** "ab12cd34 ef56…": a key short enough to read, long enough to compare with what the network publishes. */
const short = (hex: string): string => `${hex.slice(0, 8)} ${hex.slice(8, 16)}…`

export function TrustSettings ({ model }: { model: AppModel }) {
  const { configured, learned } = model.parley.trustRoots()
  const keys = configured.length > 0 ? configured : learned
  return (
    <section class="settings-section" aria-labelledby="trust-title" data-testid="trust-settings">
      <h2 id="trust-title">Trusted verifiers</h2>
      <p class="note">
        Parley writes only to numbers confirmed by these verifiers, and shows a message as from a number only when they confirm it.
        Adding a relay does not change this list.
      </p>
      {keys.length > 0 && (
        <ul class="trust-roots" data-testid="trust-roots">
          {keys.map(k => <li key={k} title={k}><code data-testid="trust-root">{short(k)}</code></li>)}
        </ul>
      )}
      {configured.length > 0
        ? <p class="note" data-testid="trust-source">Pinned by this network's configuration.</p>
        : (
          <p class="warning" role="status" data-testid="trust-warning">
            {learned.length > 0
              ? 'No verifier is pinned for this network: Parley trusts only the verifier that confirmed your own number.'
              : 'No verifier is pinned for this network and you are not registered yet: no number can be trusted until you register.'}
          </p>
          )}
    </section>
  )
}
