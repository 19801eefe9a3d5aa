// Settings → Backup: export the device as an encrypted file, restore from one (the tab reloads into it), wipe this profile. Knows nothing of the backup format.
import { useState } from 'preact/hooks'
import { BackupCorruptError, BackupPassphraseError, MIN_BACKUP_PASSPHRASE_CHARS, NotRegisteredError, checkBackup, restoreProfile, wipeProfile } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { clearPendingNumber } from './onboarding.js'
import { describe } from './errors.js'

/** Shortest passphrase accepted for an export: the SDK's, the same as the CLI's (exportBackup refuses shorter ones). */
export const MIN_PASSPHRASE_CHARS = MIN_BACKUP_PASSPHRASE_CHARS

/** How long a wipe waits to release the number before asking whether to wipe anyway. */
const RELEASE_TIMEOUT_MS = 20_000

/** `parley-backup-2026-11-22.parley` (the local date). */
export function backupFileName (now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `parley-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.parley`
}

function backupError (err: unknown): string {
  if (err instanceof BackupPassphraseError) return 'Wrong passphrase: this backup was made with another one.'
  if (err instanceof BackupCorruptError) return `This file is not a Parley backup or it is damaged (${err.message}).`
  return describe(err)
}

/** Back to the start of this profile: no hash, so a restored or wiped profile opens on its list or onboarding. */
function reloadProfile (): void {
  location.replace(`${location.pathname}${location.search}`)
}

export function BackupSettings ({ model }: { model: AppModel }) {
  const [pass, setPass] = useState('')
  const [pass2, setPass2] = useState('')
  const [exportState, setExportState] = useState<{ busy: boolean, progress: number, error?: string, done?: string }>({ busy: false, progress: 0 })
  const [file, setFile] = useState<File | undefined>()
  const [restorePass, setRestorePass] = useState('')
  const [restoreState, setRestoreState] = useState<{ busy: boolean, progress: number, error?: string, step?: string }>({ busy: false, progress: 0 })
  const [wipeConfirm, setWipeConfirm] = useState(false)
  const [wiping, setWiping] = useState(false)

  const exportProblem = pass.length > 0 && pass.length < MIN_PASSPHRASE_CHARS
    ? `Use at least ${MIN_PASSPHRASE_CHARS} characters.`
    : pass2.length > 0 && pass !== pass2 ? 'The two passphrases differ.' : undefined

  const doExport = (e: Event): void => {
    e.preventDefault()
    if (pass.length < MIN_PASSPHRASE_CHARS || pass !== pass2) return
    setExportState({ busy: true, progress: 0 })
    model.parley.exportBackup(pass, { onProgress: done => setExportState(s => ({ ...s, progress: done })) }).then(bytes => {
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
      const a = document.createElement('a')
      a.href = url
      a.download = backupFileName()
      a.dataset.testid = 'backup-download'
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      setPass('')
      setPass2('')
      setExportState({ busy: false, progress: 100, done: `Saved ${a.download} (${Math.ceil(bytes.length / 1024)} KiB). Keep it and the passphrase somewhere safe.` })
    }, err => setExportState({ busy: false, progress: 0, error: backupError(err) }))
  }

  const doRestore = (e: Event): void => {
    e.preventDefault()
    if (file == null || restorePass === '') return
    if (model.registered && !window.confirm('Restoring replaces the identity and the history of this profile with the backup. Continue?')) return
    setRestoreState({ busy: true, progress: 0, step: 'Checking the passphrase…' })
    void (async () => {
      const bytes = new Uint8Array(await file.arrayBuffer())
      // test the passphrase while this device still runs: a wrong one leaves everything as it was
      await checkBackup(model.parley, bytes, restorePass, { onProgress: done => setRestoreState(s => ({ ...s, progress: done / 2 })) })
      setRestoreState(s => ({ ...s, step: 'Restoring…' }))
      await model.stop()
      await restoreProfile(model.profile, bytes, restorePass, { onProgress: done => setRestoreState(s => ({ ...s, progress: 50 + done / 2 })) })
      clearPendingNumber(model.profile)
      setRestoreState(s => ({ ...s, progress: 100, step: 'Restored. Starting…' }))
      reloadProfile()
    })().catch(err => setRestoreState({ busy: false, progress: 0, error: backupError(err) }))
  }

  const doWipe = (): void => {
    setWiping(true)
    void (async () => {
      // give the number up first: otherwise the registration lock keeps it on this profile's key for 7 days
      try {
        await model.parley.releaseNumber({ signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS) })
      } catch (err) {
        if (!(err instanceof NotRegisteredError) &&
          !window.confirm('Your number could not be released (no connection to the network). Until it is, it stays tied to this profile for 7 days and cannot be registered on another device. Wipe anyway?')) {
          setWiping(false)
          return
        }
      }
      await model.stop()
      await wipeProfile(model.profile)
      clearPendingNumber(model.profile)
      reloadProfile()
    })().catch(err => {
      setWiping(false)
      window.alert(`Could not wipe: ${describe(err)}`)
    })
  }

  return (
    <>
      <section class="settings-section" aria-labelledby="backup-title" data-testid="backup-settings">
        <h2 id="backup-title">Backup</h2>
        <form class="inline-form" onSubmit={doExport} data-testid="export-form">
          <h3>Export encrypted backup</h3>
          <p class="note">One file with your identity, keys and history, encrypted with a passphrase. Anyone with the file and the passphrase can be you.</p>
          <label for="backup-pass">Passphrase</label>
          <input id="backup-pass" type="password" autocomplete="new-password" data-testid="backup-pass" value={pass} onInput={e => setPass((e.target as HTMLInputElement).value)} />
          <label for="backup-pass2">Passphrase again</label>
          <input id="backup-pass2" type="password" autocomplete="new-password" data-testid="backup-pass2" value={pass2} onInput={e => setPass2((e.target as HTMLInputElement).value)} />
          {exportProblem != null && <p class="error" data-testid="backup-pass-problem">{exportProblem}</p>}
          <button type="submit" data-testid="backup-export" disabled={exportState.busy || pass.length < MIN_PASSPHRASE_CHARS || pass !== pass2} aria-busy={exportState.busy}>
            {exportState.busy && <span class="spinner" aria-hidden="true" />}{exportState.busy ? 'Encrypting…' : 'Export encrypted backup'}
          </button>
          {exportState.busy && <progress data-testid="backup-progress" max={100} value={exportState.progress} aria-label="Backup progress" />}
          {exportState.done != null && <p class="note" role="status" data-testid="backup-done">{exportState.done}</p>}
          {exportState.error != null && <p class="error" role="alert" data-testid="backup-error">{exportState.error}</p>}
        </form>

        <form class="inline-form" onSubmit={doRestore} data-testid="restore-form">
          <h3>Restore from backup</h3>
          <p class="note">Brings back the identity and history of a backup in this profile. This tab reloads into it.</p>
          <label for="restore-file">Backup file</label>
          <input id="restore-file" type="file" accept=".parley,application/octet-stream" data-testid="restore-file" onChange={e => setFile((e.target as HTMLInputElement).files?.[0])} />
          <label for="restore-pass">Passphrase</label>
          <input id="restore-pass" type="password" autocomplete="current-password" data-testid="restore-pass" value={restorePass} onInput={e => setRestorePass((e.target as HTMLInputElement).value)} />
          <button type="submit" data-testid="restore" disabled={restoreState.busy || file == null || restorePass === ''} aria-busy={restoreState.busy}>
            {restoreState.busy && <span class="spinner" aria-hidden="true" />}{restoreState.busy ? (restoreState.step ?? 'Restoring…') : 'Restore from backup'}
          </button>
          {restoreState.busy && <progress data-testid="restore-progress" max={100} value={restoreState.progress} aria-label="Restore progress" />}
          {restoreState.error != null && <p class="error" role="alert" data-testid="restore-error">{restoreState.error}</p>}
        </form>
      </section>

      <section class="settings-section danger-zone" aria-labelledby="wipe-title" data-testid="wipe-settings">
        <h2 id="wipe-title">Wipe this profile</h2>
        <p class="note">Deletes this profile's identity, keys and history from this browser. Without a backup they are gone for good. Your number is released, so it can be registered again on another device at once.</p>
        {wipeConfirm
          ? (
            <div class="row" role="group" aria-label="Confirm wipe">
              <button type="button" class="secondary" data-testid="wipe-cancel" onClick={() => setWipeConfirm(false)} disabled={wiping}>Keep it</button>
              <button type="button" class="danger" data-testid="wipe-confirm" onClick={doWipe} disabled={wiping} aria-busy={wiping}>
                {wiping && <span class="spinner" aria-hidden="true" />}{wiping ? 'Releasing your number and wiping…' : 'Wipe everything'}
              </button>
            </div>
            )
          : <button type="button" class="danger" data-testid="wipe" onClick={() => setWipeConfirm(true)}>Wipe this profile…</button>}
      </section>
    </>
  )
}
