// Settings → Relays: the relays this device uses with live health (connected, round trip), add by multiaddr, remove with confirmation. Knows nothing of the other settings.
import { useEffect, useState } from 'preact/hooks'
import { parseRelayAddress, type RelayInfo } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { describe } from './errors.js'

/** How often the list is pinged again while the screen is open. */
export const RELAY_REFRESH_MS = 5_000

export function RelaySettings ({ model }: { model: AppModel }) {
  const [relays, setRelays] = useState<RelayInfo[] | undefined>()
  const [addr, setAddr] = useState('')
  const [adding, setAdding] = useState(false)
  const [confirm, setConfirm] = useState<string | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const refresh = async (): Promise<void> => {
      try {
        const list = await model.parley.relays({ signal: AbortSignal.timeout(RELAY_REFRESH_MS * 2) })
        if (live) setRelays(list)
      } catch {
        // keep the last list; the next round tries again
      } finally {
        if (live) timer = setTimeout(() => { void refresh() }, RELAY_REFRESH_MS)
      }
    }
    void refresh()
    return () => {
      live = false
      if (timer != null) clearTimeout(timer)
    }
  }, [model, version])

  const trimmed = addr.trim()
  let invalid: string | undefined
  if (trimmed !== '') {
    try {
      parseRelayAddress(trimmed)
    } catch (err) {
      invalid = describe(err)
    }
  }

  const add = (e: Event): void => {
    e.preventDefault()
    if (trimmed === '' || invalid != null) return
    setAdding(true)
    setError(undefined)
    model.parley.addRelay(trimmed).then(() => {
      setAddr('')
      setVersion(v => v + 1)
    }, err => setError(describe(err))).finally(() => setAdding(false))
  }

  const remove = (relay: string): void => {
    setConfirm(undefined)
    setError(undefined)
    model.parley.removeRelay(relay).then(() => setVersion(v => v + 1), err => setError(describe(err)))
  }

  return (
    <section class="settings-section" aria-labelledby="relays-title" data-testid="relay-settings">
      <h2 id="relays-title">Relays</h2>
      <p class="note">Relays carry your messages while contacts are offline and help tabs find each other. They cannot read anything.</p>
      {relays == null
        ? <p data-testid="relays-loading"><span class="spinner" aria-hidden="true" />Checking relays…</p>
        : (
          <ul class="relay-list" data-testid="relays">
            {relays.map(r => (
              <li key={r.addr} data-testid="relay-row" data-addr={r.addr} data-state={r.connected ? 'connected' : 'disconnected'}>
                <span class={`health ${r.connected ? 'ok' : 'down'}`} aria-hidden="true" />
                <span class="relay-main">
                  <code class="relay-addr">{r.addr}</code>
                  <span class="note" data-testid="relay-health">
                    {r.connected ? 'Connected' : 'Not connected'}{r.rttMs != null ? ` · ${Math.round(r.rttMs)} ms` : ''}{r.mailbox ? ' · your mailbox' : ''}
                  </span>
                </span>
                {confirm === r.addr
                  ? (
                    <span class="confirm" role="group" aria-label="Confirm removal">
                      <button type="button" class="danger" data-testid="relay-remove-confirm" onClick={() => remove(r.addr)}>Remove</button>
                      <button type="button" class="secondary" data-testid="relay-remove-cancel" onClick={() => setConfirm(undefined)}>Keep</button>
                    </span>
                    )
                  : <button type="button" class="secondary" data-testid="relay-remove" aria-label={`Remove relay ${r.addr}`} onClick={() => setConfirm(r.addr)}>Remove</button>}
              </li>
            ))}
          </ul>
          )}
      <form class="inline-form" onSubmit={add}>
        <label for="relay-addr">Add a relay (multiaddr with /p2p/ peer id)</label>
        <div class="input-row">
          <input id="relay-addr" data-testid="relay-addr" class="mono" placeholder="/dns4/relay.example/tcp/443/wss/p2p/12D3Koo…" value={addr}
            aria-invalid={invalid != null} aria-describedby="relay-addr-error" onInput={e => setAddr((e.target as HTMLInputElement).value)} />
          <button type="submit" data-testid="relay-add" disabled={adding || trimmed === '' || invalid != null} aria-busy={adding}>
            {adding && <span class="spinner" aria-hidden="true" />}{adding ? 'Adding…' : 'Add'}
          </button>
        </div>
        {invalid != null && <p id="relay-addr-error" class="error" data-testid="relay-addr-invalid">{invalid}</p>}
      </form>
      {error != null && <p class="error" role="alert" data-testid="relay-error">{error}</p>}
    </section>
  )
}
