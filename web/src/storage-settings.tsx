// Settings › Storage: which received files download by themselves (photos, voice notes, videos and documents up to a size), the space each chat's files take on this device with "Free space" (confirmed), and what the browser allows. Knows nothing of how files travel.
import { useEffect, useState } from 'preact/hooks'
import type { AutoDownload } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Switch } from './settings.js'
import { formatBytes } from './format.js'
import { describe } from './errors.js'
import { groupIdOf } from './groups-model.js'

const MB = 1024 * 1024
/** The size limits offered for videos and documents (0: never by themselves); 16 MB is the SDK's default. */
export const SIZE_CHOICES = [0, 1 * MB, 16 * MB, 100 * MB]

function SizeSelect ({ id, label, value, busy, onChange }: { id: string, label: string, value: number, busy: boolean, onChange: (bytes: number) => void }) {
  // a value set elsewhere (the SDK, another build) that is not offered shows as itself
  const choices = SIZE_CHOICES.includes(value) ? SIZE_CHOICES : [...SIZE_CHOICES, value].sort((a, b) => a - b)
  return (
    <div class="switch-row">
      <label for={id} class="switch-label">{label}</label>
      <select id={id} class="size-select" data-testid={id} value={String(value)} disabled={busy} onChange={e => onChange(Number((e.target as HTMLSelectElement).value))}>
        {choices.map(c => <option key={c} value={String(c)}>{c === 0 ? 'Never' : `Up to ${formatBytes(c)}`}</option>)}
      </select>
    </div>
  )
}

interface ChatUsage { address: string, files: number, bytes: number }

export function StorageSettings ({ model }: { model: AppModel }) {
  const media = model.parley.media
  const [auto, setAuto] = useState<AutoDownload>({ ...media.autoDownload })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [usage, setUsage] = useState<ChatUsage[] | undefined>()
  const [quota, setQuota] = useState<{ usage: number, quota: number } | undefined>()
  const [confirm, setConfirm] = useState<string | undefined>()
  const [freed, setFreed] = useState<string | undefined>()

  const load = async (): Promise<void> => {
    const rows: ChatUsage[] = []
    for (const c of await model.parley.conversations()) {
      const u = await media.usage(c.address)
      if (u.files > 0) rows.push({ address: c.address, ...u })
    }
    setUsage(rows.sort((a, b) => b.bytes - a.bytes))
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined)
    if (estimate?.quota != null) setQuota({ usage: estimate.usage ?? 0, quota: estimate.quota })
  }
  useEffect(() => { load().catch(err => setError(describe(err))) }, [])

  const change = (next: AutoDownload): void => {
    setBusy(true)
    setError(undefined)
    media.setAutoDownload(next).then(() => setAuto({ ...media.autoDownload }), err => setError(describe(err))).finally(() => setBusy(false))
  }

  const free = (address: string): void => {
    setBusy(true)
    setError(undefined)
    model.media.free(address).then(async r => {
      setConfirm(undefined)
      setFreed(`${formatBytes(r.bytes)} freed from ${name(address)}. The messages stay; their files can be downloaded again.`)
      await load()
    }, err => setError(describe(err))).finally(() => setBusy(false))
  }

  const name = (address: string): string => {
    const group = groupIdOf(address)
    return group != null ? model.groups.name(group) : model.displayName(address)
  }
  const total = (usage ?? []).reduce((n, u) => n + u.bytes, 0)

  return (
    <section class="settings-section" aria-labelledby="storage-title" data-testid="storage-settings">
      <h2 id="storage-title">Storage</h2>
      <h3>Download by themselves</h3>
      <Switch id="auto-photos" label="Photos" checked={auto.photo} busy={busy}
        help="Received photos download at once. Off: a blurred preview shows until you tap it."
        onChange={on => change({ ...auto, photo: on })} />
      <Switch id="auto-voice" label="Voice messages" checked={auto.voice} busy={busy}
        help="Received voice messages download at once, ready to play."
        onChange={on => change({ ...auto, voice: on })} />
      <SizeSelect id="auto-videos" label="Videos" value={auto.videoBytes} busy={busy} onChange={bytes => change({ ...auto, videoBytes: bytes })} />
      <SizeSelect id="auto-documents" label="Documents" value={auto.documentBytes} busy={busy} onChange={bytes => change({ ...auto, documentBytes: bytes })} />

      <h3>Space used on this device</h3>
      {usage == null && error == null && <p><span class="spinner" aria-hidden="true" />Counting…</p>}
      {usage != null && (
        <p class="note" data-testid="storage-total">
          Files of your chats: {formatBytes(total)}.{quota != null ? ` This browser lets Parley use up to ${formatBytes(quota.quota)} (${formatBytes(quota.usage)} used, with messages).` : ''}
        </p>
      )}
      {usage != null && usage.length === 0 && <p class="note" data-testid="storage-empty">No files are kept on this device.</p>}
      {usage != null && usage.length > 0 && (
        <ul class="relay-list" role="list" data-testid="storage-chats">
          {usage.map(u => (
            <li key={u.address} data-testid="storage-chat" data-address={u.address} data-bytes={u.bytes}>
              <span class="relay-main">
                <span class="row-name">{name(u.address)}</span>
                <span class="note">{u.files} file{u.files === 1 ? '' : 's'} · {formatBytes(u.bytes)}</span>
              </span>
              {confirm === u.address
                ? (
                  <span class="confirm" role="group" aria-label={`Delete the files of ${name(u.address)} from this device?`}>
                    <button type="button" class="danger" data-testid="storage-free-confirm" disabled={busy} onClick={() => free(u.address)}>Delete files</button>
                    <button type="button" class="secondary" data-testid="storage-free-cancel" onClick={() => setConfirm(undefined)}>Keep</button>
                  </span>
                  )
                : <button type="button" class="secondary" data-testid="storage-free" onClick={() => { setFreed(undefined); setConfirm(u.address) }}>Free space<span class="visually-hidden"> of {name(u.address)}</span></button>}
            </li>
          ))}
        </ul>
      )}
      {freed != null && <p class="note" role="status" data-testid="storage-freed">{freed}</p>}
      {error != null && <p class="error" role="alert" data-testid="storage-error">{error}</p>}
    </section>
  )
}
