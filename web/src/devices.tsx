// Settings → Linked devices: the account's devices (name, kind, this one, last active), rename, remove with a confirmation, and "Link a new device" (paste or scan the code the new device shows, a name, progress while the account is sent); and the screen of a tab whose device was removed. Knows nothing of the link exchange.
import { useEffect, useRef, useState } from 'preact/hooks'
import { LINK_URI_SCHEME, MAX_DEVICE_NAME_CHARS, MAX_DEVICES, wipeProfile, type DeviceKind, type OwnDevice } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { describe } from './errors.js'
import { formatClock } from './format.js'
import { clearPendingNumber } from './onboarding.js'
import { setReadyHint } from './shell.js'

/** How long approving a link may take in all (the new device's answer, the account's state, the directory publish). */
export const APPROVE_TIMEOUT_MS = 180_000

const KIND_LABEL: Record<DeviceKind, string> = { browser: 'Web browser', cli: 'Command line', node: 'App' }

/** "Active now", "Last active 5 minutes ago", "Last active yesterday at 14:02", "Not seen yet". */
export function formatLastActive (lastSeen: number | undefined, now = Date.now()): string {
  if (lastSeen == null) return 'Not seen yet'
  const ago = Math.max(0, now - lastSeen)
  if (ago < 60_000) return 'Active now'
  if (ago < 3_600_000) {
    const m = Math.floor(ago / 60_000)
    return `Last active ${m} minute${m === 1 ? '' : 's'} ago`
  }
  const day = (t: number): number => new Date(t).setHours(0, 0, 0, 0)
  const when = day(lastSeen) === day(now) ? 'today' : day(lastSeen) === day(now - 86_400_000) ? 'yesterday' : new Date(lastSeen).toLocaleDateString()
  return `Last active ${when} at ${formatClock(lastSeen)}`
}

/** Whether this browser can scan a QR code with a camera (BarcodeDetector with QR support and getUserMedia). */
function canScan (): boolean {
  return typeof (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector === 'function' && navigator.mediaDevices?.getUserMedia != null
}

interface Detector { detect: (source: HTMLVideoElement) => Promise<Array<{ rawValue: string }>> }

/** A camera view that resolves the first `parley-link:` QR code it sees. */
function Scanner ({ onCode, onClose }: { onCode: (uri: string) => void, onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    void (async () => {
      const Ctor = (globalThis as unknown as { BarcodeDetector: new (o: { formats: string[] }) => Detector }).BarcodeDetector
      const detector = new Ctor({ formats: ['qr_code'] })
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })
      if (!live || video.current == null) return
      video.current.srcObject = stream
      await video.current.play()
      const look = async (): Promise<void> => {
        if (!live || video.current == null) return
        const found = await detector.detect(video.current).catch(() => [])
        const code = found.map(f => f.rawValue).find(v => v.startsWith(LINK_URI_SCHEME))
        if (code != null) onCode(code)
        else timer = setTimeout(() => { void look() }, 250)
      }
      await look()
    })().catch(() => { if (live) setError('The camera could not be used. Paste the code instead.') })
    return () => {
      live = false
      if (timer != null) clearTimeout(timer)
      for (const t of stream?.getTracks() ?? []) t.stop()
    }
  }, [])
  return (
    <Dialog title="Scan the code" testid="link-scanner" onClose={onClose}>
      <p class="note">Point the camera at the QR code the new device shows.</p>
      <video ref={video} class="scanner-video" muted playsInline aria-label="Camera" />
      {error != null && <p class="error" role="alert" data-testid="link-scan-error">{error}</p>}
    </Dialog>
  )
}

function LinkNewDevice ({ model, full }: { model: AppModel, full: boolean }) {
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  const [state, setState] = useState<{ busy: boolean, step?: string, progress?: [number, number], error?: string, done?: string }>({ busy: false })
  const [scanning, setScanning] = useState(false)

  const link = (e: Event): void => {
    e.preventDefault()
    const uri = code.trim()
    if (uri === '') return
    setState({ busy: true, step: 'Connecting to the new device…' })
    const trimmed = name.trim()
    model.parley.approveLink(uri, {
      ...(trimmed !== '' ? { name: trimmed } : {}),
      signal: AbortSignal.timeout(APPROVE_TIMEOUT_MS),
      onProgress: (done, total) => setState(s => ({ ...s, step: 'Sending your account…', progress: [done, total] }))
    }).then(linked => {
      setCode('')
      setName('')
      setState({ busy: false, done: `“${linked.name}” is linked. It has your chats and gets your new messages.` })
    }, err => setState({ busy: false, error: describe(err) }))
  }

  return (
    <form class="inline-form" onSubmit={link} data-testid="link-form">
      <h3>Link a new device</h3>
      <p class="note">
        On the new device, open Parley and choose “Link to an existing account”. It shows a code: scan it, or copy it and paste it here.
        The new device gets your number, your chats and your contacts.
      </p>
      {full && <p class="note" data-testid="link-full">You have the most devices an account can have. Remove one to link another.</p>}
      <label for="link-code">Code from the new device</label>
      <div class="input-row">
        <input id="link-code" class="mono" data-testid="link-code" autocomplete="off" spellcheck={false} placeholder={`${LINK_URI_SCHEME}…`} value={code}
          onInput={e => setCode((e.target as HTMLInputElement).value)} disabled={state.busy} />
        {canScan() && <button type="button" class="secondary" data-testid="link-scan" onClick={() => setScanning(true)} disabled={state.busy}>Scan</button>}
      </div>
      <label for="link-name">Name for it (optional)</label>
      <input id="link-name" data-testid="link-name" maxLength={MAX_DEVICE_NAME_CHARS} placeholder="Work laptop" value={name}
        onInput={e => setName((e.target as HTMLInputElement).value)} disabled={state.busy} />
      <button type="submit" data-testid="link-approve" disabled={state.busy || code.trim() === ''} aria-busy={state.busy}>
        {state.busy && <span class="spinner" aria-hidden="true" />}{state.busy ? (state.step ?? 'Linking…') : 'Link device'}
      </button>
      {state.busy && state.progress != null && (
        <progress data-testid="link-progress" max={Math.max(1, state.progress[1])} value={state.progress[0]} aria-label="Sending your account" />
      )}
      {state.done != null && <p class="note" role="status" data-testid="link-done">{state.done}</p>}
      {state.error != null && <p class="error" role="alert" data-testid="link-error">{state.error}</p>}
      {scanning && <Scanner onClose={() => setScanning(false)} onCode={uri => { setCode(uri); setScanning(false) }} />}
    </form>
  )
}

function DeviceRow ({ model, device, onRemove }: { model: AppModel, device: OwnDevice, onRemove: (d: OwnDevice) => void }) {
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState(device.name)
  const [error, setError] = useState<string | undefined>()
  const rename = (e: Event): void => {
    e.preventDefault()
    setError(undefined)
    model.parley.renameDevice(device.deviceId, name).then(() => setEditing(false), err => setError(describe(err)))
  }
  // this device is a browser; another's kind is known when it said so when it was linked
  const kind = device.kind != null ? KIND_LABEL[device.kind] : device.current ? KIND_LABEL.browser : undefined
  return (
    <li data-testid="device-row" data-device-id={device.deviceId} data-current={device.current ? 'true' : 'false'}>
      {editing
        ? (
          <form class="device-rename" onSubmit={rename}>
            <label for={`device-name-${device.deviceId}`} class="visually-hidden">New name for {device.name}</label>
            <div class="input-row">
              <input id={`device-name-${device.deviceId}`} data-testid="device-name-input" maxLength={MAX_DEVICE_NAME_CHARS} value={name}
                onInput={e => setName((e.target as HTMLInputElement).value)} autoFocus />
              <button type="submit" data-testid="device-rename-save">Save</button>
              <button type="button" class="secondary" data-testid="device-rename-cancel" onClick={() => { setEditing(false); setName(device.name); setError(undefined) }}>Cancel</button>
            </div>
            {error != null && <p class="error" role="alert" data-testid="device-rename-error">{error}</p>}
          </form>
          )
        : (
          <>
            <span class="device-main">
              <span class="device-name" data-testid="device-name">{device.name}</span>
              <span class="note">
                {kind != null && <><span data-testid="device-kind">{kind}</span>{' · '}</>}
                {device.current ? <b data-testid="device-current">This device</b> : <span data-testid="device-last-seen">{formatLastActive(device.lastSeen)}</span>}
              </span>
            </span>
            <span class="confirm">
              <button type="button" class="secondary" data-testid="device-rename" aria-label={`Rename ${device.name}`} onClick={() => setEditing(true)}>Rename</button>
              {!device.current && <button type="button" class="secondary" data-testid="device-remove" aria-label={`Remove ${device.name}`} onClick={() => onRemove(device)}>Remove</button>}
            </span>
          </>
          )}
    </li>
  )
}

export function LinkedDevices ({ model }: { model: AppModel }) {
  const [devices, setDevices] = useState<OwnDevice[] | undefined>()
  const [removing, setRemoving] = useState<OwnDevice | undefined>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    let live = true
    const load = (refresh: boolean): void => {
      model.parley.devices(refresh ? { refresh: true, signal: AbortSignal.timeout(30_000) } : {}).then(list => { if (live) setDevices(list) }, () => {})
    }
    load(false)
    // devices linked or removed on another device show once our record is looked up again
    load(true)
    const onDevices = (): void => load(false)
    model.parley.on('devices', onDevices)
    return () => {
      live = false
      model.parley.off('devices', onDevices)
    }
  }, [model])

  const remove = (): void => {
    if (removing == null) return
    setBusy(true)
    setError(undefined)
    model.parley.removeDevice(removing.deviceId, { signal: AbortSignal.timeout(60_000) }).then(() => setRemoving(undefined), err => {
      setRemoving(undefined)
      setError(describe(err))
    }).finally(() => setBusy(false))
  }

  return (
    <section class="settings-section" aria-labelledby="devices-title" data-testid="linked-devices">
      <h2 id="devices-title">Linked devices</h2>
      <p class="note">Your account on up to {MAX_DEVICES} devices: each gets your messages and shows what you send from the others.</p>
      {devices == null
        ? <p data-testid="devices-loading"><span class="spinner" aria-hidden="true" />Loading your devices…</p>
        : (
          <ul class="device-list" data-testid="devices">
            {devices.map(d => <DeviceRow key={`${d.deviceId}-${d.name}`} model={model} device={d} onRemove={setRemoving} />)}
          </ul>
          )}
      {error != null && <p class="error" role="alert" data-testid="devices-error">{error}</p>}
      <LinkNewDevice model={model} full={(devices?.length ?? 0) >= MAX_DEVICES} />
      {removing != null && (
        <Dialog title={`Remove “${removing.name}”?`} testid="device-remove-dialog" onClose={() => { if (!busy) setRemoving(undefined) }}>
          <p>It will stop receiving messages and erase itself: your chats, contacts and keys on it are deleted. To use it again, link it again.</p>
          <div class="row">
            <button type="button" class="secondary" data-testid="device-remove-cancel" onClick={() => setRemoving(undefined)} disabled={busy}>Keep it</button>
            <button type="button" class="danger" data-testid="device-remove-confirm" onClick={remove} disabled={busy} aria-busy={busy}>
              {busy && <span class="spinner" aria-hidden="true" />}{busy ? 'Removing…' : 'Remove'}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  )
}

/** The whole screen of a tab whose device another device of the account removed: the SDK wiped it; start over (onboarding). */
export function RemovedScreen ({ model }: { model: AppModel }) {
  const [busy, setBusy] = useState(false)
  const startOver = (): void => {
    setBusy(true)
    void (async () => {
      await model.stop().catch(() => {})
      await wipeProfile(model.profile).catch(() => {})
      clearPendingNumber(model.profile)
      setReadyHint(model.profile, false)
      location.hash = ''
      location.reload()
    })()
  }
  return (
    <div class="app onboarding-shell" data-testid="app" data-state="removed">
      <main class="onboarding card" aria-labelledby="removed-title" data-testid="device-removed">
        <h1 id="removed-title">This device was removed from your account</h1>
        <p>Another of your devices removed this one. Your chats, contacts and keys were erased from this browser, and it no longer gets your messages.</p>
        <p class="note">To use Parley here again, register a number or link this browser to your account again.</p>
        <button type="button" data-testid="start-over" onClick={startOver} disabled={busy} aria-busy={busy}>
          {busy && <span class="spinner" aria-hidden="true" />}Start over
        </button>
      </main>
    </div>
  )
}
