// Settings screen: a placeholder for now (another part of the project fills it in), holding the Network panel and the notification switch.
import { useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { NetworkPanel } from './network.js'
import { askNotificationPermission, notificationsSupported } from './notifications.js'
import { formatPhone } from './format.js'

export function Settings ({ model }: { model: AppModel }) {
  const [permission, setPermission] = useState<string>(notificationsSupported() ? Notification.permission : 'unsupported')
  return (
    <section class="settings" aria-labelledby="settings-title" data-testid="settings">
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="settings-back" aria-label="Back" onClick={() => model.go({ name: 'list' })}>←</button>
        <h1 id="settings-title">Settings</h1>
      </header>
      <div class="pane-body">
        {model.me != null && <p>{model.me.name} · {formatPhone(model.phone ?? '')} · profile <b>{model.profile}</b></p>}
        <p>
          Desktop notifications: <span data-testid="notification-permission">{permission}</span>{' '}
          {permission === 'default' && (
            <button type="button" data-testid="enable-notifications" onClick={() => { void askNotificationPermission().then(setPermission) }}>Enable</button>
          )}
        </p>
        <NetworkPanel model={model} />
      </div>
    </section>
  )
}
