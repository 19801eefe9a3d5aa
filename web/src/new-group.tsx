// "New group": a name, an optional photo and description, and the members (contacts of our chats, or numbers typed in and looked up); creates the group with us as its admin and opens it. Says clearly why it could not (a number not on Parley).
import { useState } from 'preact/hooks'
import { MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_NAME_LENGTH } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { ContactPicker } from './contact-picker.js'
import { describe } from './errors.js'
import { avatarFromFile } from './photo.js'

/** Creating a group looks every member up in the directory and sends each the group: bounded like a lookup, per member. */
const CREATE_TIMEOUT_MS = 60_000

export function NewGroup ({ model, onClose }: { model: AppModel, onClose: () => void }) {
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [members, setMembers] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  /** the photo picked, shrunk to an avatar, and its preview URL */
  const [photo, setPhoto] = useState<{ image: Uint8Array, url: string } | undefined>()

  const pickPhoto = (e: Event): void => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (file == null) return
    setError(undefined)
    avatarFromFile(file).then(image => {
      setPhoto(old => {
        if (old != null) URL.revokeObjectURL(old.url)
        return { image, url: URL.createObjectURL(new Blob([image as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })) }
      })
    }, err => setError(describe(err)))
  }

  const submit = (e: Event): void => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    const trimmed = description.trim()
    model.parley.groups.create(name.trim(), members, { ...(trimmed !== '' ? { description: trimmed } : {}), ...(photo != null ? { photo: photo.image } : {}), signal: AbortSignal.timeout(CREATE_TIMEOUT_MS) }).then(async info => {
      await model.groups.refresh()
      onClose()
      model.go({ name: 'group', id: info.groupId })
    }, err => {
      setError(describe(err))
      setBusy(false)
    })
  }

  return (
    <Dialog title="New group" testid="new-group-dialog" onClose={onClose}>
      <form onSubmit={submit} data-testid="new-group-form" data-state={busy ? 'creating' : 'idle'}>
        <label for="new-group-name">Group name</label>
        <input id="new-group-name" data-testid="new-group-name" required autoFocus maxLength={MAX_GROUP_NAME_LENGTH} value={name}
          onInput={e => setName((e.target as HTMLInputElement).value)} />
        <div class="row photo-actions">
          {photo != null && <img class="avatar group medium" src={photo.url} alt="The group's photo" data-testid="new-group-photo-preview" />}
          <label class="button secondary file-button" for="new-group-photo">{photo != null ? 'Change photo' : 'Add a photo (optional)'}</label>
          <input id="new-group-photo" class="visually-hidden" type="file" accept="image/*" data-testid="new-group-photo" onChange={pickPhoto} disabled={busy} />
          {photo != null && <button type="button" class="secondary" data-testid="new-group-photo-remove" onClick={() => { URL.revokeObjectURL(photo.url); setPhoto(undefined) }}>Remove photo</button>}
        </div>
        <label for="new-group-description">Description (optional)</label>
        <textarea id="new-group-description" data-testid="new-group-description" rows={2} maxLength={MAX_GROUP_DESCRIPTION_LENGTH} value={description}
          onInput={e => setDescription((e.target as HTMLTextAreaElement).value)} />
        <ContactPicker model={model} idPrefix="new-group" selected={members} onChange={setMembers} />
        <p class="note" data-testid="new-group-count">{members.length === 0 ? 'Pick at least one member.' : `${members.length} member${members.length === 1 ? '' : 's'} and you. You will be the group's admin.`}</p>
        <button type="submit" data-testid="new-group-create" disabled={busy || name.trim() === '' || members.length === 0} aria-busy={busy}>
          {busy && <span class="spinner" aria-hidden="true" />}{busy ? 'Creating…' : 'Create group'}
        </button>
        {error != null && <p class="error" role="alert" data-testid="new-group-error">{error}</p>}
      </form>
    </Dialog>
  )
}
