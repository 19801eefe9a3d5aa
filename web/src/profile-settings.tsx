// Settings → Profile: display name and photo (picked, downscaled in a canvas, shown as the avatar; the facade shares them with the people we write to). Knows nothing of relays or backups.
import { useState } from 'preact/hooks'
import { MAX_PROFILE_NAME_CHARS } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { formatPhone } from './format.js'
import { avatarFromFile } from './photo.js'
import { describe } from './errors.js'

export function Avatar ({ model, size = 'large' }: { model: AppModel, size?: 'large' | 'small' }) {
  const initial = (model.me?.name ?? '?').slice(0, 1).toUpperCase()
  return model.avatarUrl != null
    ? <img class={`avatar ${size}`} src={model.avatarUrl} alt="Your photo" data-testid="my-avatar" data-state="photo" />
    : <span class={`avatar ${size}`} aria-hidden="true" data-testid="my-avatar" data-state="initial">{initial}</span>
}

export function ProfileSettings ({ model }: { model: AppModel }) {
  const [name, setName] = useState(model.me?.name ?? '')
  const [busy, setBusy] = useState<'name' | 'photo' | undefined>()
  const [message, setMessage] = useState<{ error: boolean, text: string } | undefined>()

  const run = async (what: 'name' | 'photo', work: () => Promise<string>): Promise<void> => {
    setBusy(what)
    setMessage(undefined)
    try {
      setMessage({ error: false, text: await work() })
    } catch (err) {
      setMessage({ error: true, text: describe(err) })
    } finally {
      setBusy(undefined)
    }
  }

  const saveName = (e: Event): void => {
    e.preventDefault()
    const trimmed = name.trim()
    if (trimmed === '') {
      setMessage({ error: true, text: 'Please enter a name.' })
      return
    }
    void run('name', async () => {
      await model.saveProfile({ name: trimmed, region: model.me?.region ?? 'US' })
      return 'Name saved.'
    })
  }

  const pickPhoto = (e: Event): void => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (file == null) return
    void run('photo', async () => {
      await model.parley.setProfile({ photo: await avatarFromFile(file) })
      await model.loadAvatar()
      return 'Photo saved.'
    })
  }

  const removePhoto = (): void => {
    void run('photo', async () => {
      await model.parley.setProfile({ photo: new Uint8Array(0) })
      await model.loadAvatar()
      return 'Photo removed.'
    })
  }

  return (
    <section class="settings-section" aria-labelledby="profile-title" data-testid="profile-settings">
      <h2 id="profile-title">Profile</h2>
      <div class="profile-row">
        <Avatar model={model} />
        <div>
          <p class="profile-phone" data-testid="my-phone">{model.phone != null ? formatPhone(model.phone) : 'Not registered yet'}</p>
          <p class="note">Profile <b>{model.profile}</b> of this browser. Your name and photo go, end-to-end encrypted, to the people you write to.</p>
          <label class="button secondary file-button" for="photo-input" aria-busy={busy === 'photo'}>
            {busy === 'photo' && <span class="spinner" aria-hidden="true" />}{model.avatarUrl != null ? 'Change photo' : 'Add photo'}
          </label>
          <input id="photo-input" class="visually-hidden" type="file" accept="image/*" data-testid="photo-input" onChange={pickPhoto} disabled={busy != null} />
          {model.avatarUrl != null && <button type="button" class="secondary" data-testid="photo-remove" onClick={removePhoto} disabled={busy != null}>Remove photo</button>}
        </div>
      </div>
      {model.me != null && (
        <form class="inline-form" onSubmit={saveName}>
          <label for="profile-name">Display name</label>
          <div class="input-row">
            <input id="profile-name" data-testid="profile-name" maxLength={MAX_PROFILE_NAME_CHARS} value={name} onInput={e => setName((e.target as HTMLInputElement).value)} />
            <button type="submit" data-testid="profile-name-save" disabled={busy != null || name.trim() === (model.me?.name ?? '')}>Save</button>
          </div>
        </form>
      )}
      {message != null && <p class={message.error ? 'error' : 'note'} role={message.error ? 'alert' : 'status'} data-testid="profile-message">{message.text}</p>}
    </section>
  )
}
