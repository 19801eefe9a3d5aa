// Settings screen: profile, privacy switches (read receipts, online status), notifications, storage (auto-download, space per chat), relays, trusted verifiers, backup/restore/wipe, and the Network panel. Each section is its own module.
import { useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { NetworkPanel } from './network.js'
import { askNotificationPermission, notificationsSupported } from './notifications.js'
import { ProfileSettings } from './profile-settings.js'
import { RelaySettings } from './relay-settings.js'
import { TrustSettings } from './trust-settings.js'
import { BackupSettings } from './backup-settings.js'
import { LinkedDevices } from './devices.js'
import { describe } from './errors.js'
import { StorageSettings } from './storage-settings.js'

/** A labelled on/off switch (a checkbox with role=switch): Space toggles it, the state is in data-state. */
export function Switch ({ id, label, help, checked, busy, onChange }: { id: string, label: string, help: string, checked: boolean, busy: boolean, onChange: (on: boolean) => void }) {
  return (
    <div class="switch-row">
      <div>
        <label for={id} class="switch-label">{label}</label>
        <p class="note" id={`${id}-help`}>{help}</p>
      </div>
      <input id={id} type="checkbox" role="switch" class="switch" data-testid={id} data-state={checked ? 'on' : 'off'} checked={checked} disabled={busy}
        aria-describedby={`${id}-help`} onChange={e => onChange((e.target as HTMLInputElement).checked)} />
    </div>
  )
}

/** What the browser's notification permission means for the person. */
const NOTIFICATION_STATUS: Record<string, string> = {
  default: 'Desktop notifications are off.',
  granted: 'Desktop notifications are on: a message that arrives while this tab is in the background shows one.',
  denied: 'Desktop notifications are blocked for this site. To get them, allow notifications in the browser\'s site settings, then reload.',
  unsupported: 'This browser cannot show desktop notifications.'
}

function PrivacySettings ({ model }: { model: AppModel }) {
  const parley = model.parley
  const [receipts, setReceipts] = useState(parley.settings().readReceipts)
  const [presence, setPresence] = useState(parley.sharingPresence)
  const [relayCalls, setRelayCalls] = useState(parley.settings().relayCalls)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [permission, setPermission] = useState<string>(notificationsSupported() ? Notification.permission : 'unsupported')

  const change = (work: () => Promise<void>): void => {
    setBusy(true)
    setError(undefined)
    work().catch(err => setError(describe(err))).finally(() => setBusy(false))
  }

  return (
    <section class="settings-section" aria-labelledby="privacy-title" data-testid="privacy-settings">
      <h2 id="privacy-title">Privacy and notifications</h2>
      <Switch id="read-receipts" label="Read receipts" checked={receipts} busy={busy}
        help="Contacts see blue ticks when you have read their messages. Off: their ticks stop at delivered."
        onChange={on => change(async () => { setReceipts((await parley.setReadReceipts(on)).readReceipts) })} />
      <Switch id="share-presence" label="Share online status" checked={presence} busy={busy}
        help="Recent contacts see when you are online or last seen. Off: you do not see theirs either."
        onChange={on => change(async () => { await model.setSharePresence(on); setPresence(parley.sharingPresence) })} />
      <Switch id="relay-calls" label="Protect your address in calls" checked={relayCalls} busy={busy}
        help="Calls go through your relay, so the other side never learns your network address. Calls may sound a little worse."
        onChange={on => change(async () => { setRelayCalls((await parley.setRelayCalls(on)).relayCalls) })} />
      <p class="notifications-row">
        <span data-testid="notification-permission" data-state={permission}>{NOTIFICATION_STATUS[permission] ?? NOTIFICATION_STATUS.default}</span>{' '}
        {permission === 'default' && (
          <button type="button" class="secondary" data-testid="enable-notifications" aria-label="Turn on desktop notifications" onClick={() => { void askNotificationPermission().then(setPermission) }}>Turn on</button>
        )}
      </p>
      {error != null && <p class="error" role="alert" data-testid="privacy-error">{error}</p>}
    </section>
  )
}

export function Settings ({ model }: { model: AppModel }) {
  return (
    <section class="settings" aria-labelledby="settings-title" data-testid="settings">
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="settings-back" aria-label="Back" onClick={() => model.go({ name: 'list' })}>←</button>
        <h1 id="settings-title">Settings</h1>
      </header>
      <div class="pane-body settings-body">
        <ProfileSettings model={model} />
        {model.registered && <LinkedDevices model={model} />}
        <PrivacySettings model={model} />
        {model.registered && <StorageSettings model={model} />}
        <RelaySettings model={model} />
        <TrustSettings model={model} />
        <BackupSettings model={model} />
        <details class="settings-section" data-testid="network-details" open>
          <summary>Network (diagnostics)</summary>
          <NetworkPanel model={model} />
        </details>
      </div>
    </section>
  )
}
