// Group info: the group's photo, name and description (editable by admins, or by everyone while "only admins edit info" is off), the way to its media, its members with their roles and "You", an admin's actions per member (make admin, dismiss as admin, remove, confirmed), adding members, the settings (only admins send, only admins edit info), muting, and leaving (confirmed). A member who is not an admin sees no admin action.
import { useEffect, useState } from 'preact/hooks'
import { MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_NAME_LENGTH, type GroupInfo, type GroupMemberInfo } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { ContactAvatar, GroupAvatar } from './contact-avatar.js'
import { ContactPicker } from './contact-picker.js'
import { Switch } from './settings.js'
import { describe } from './errors.js'
import { formatPhone } from './format.js'
import { avatarFromFile } from './photo.js'
import { groupAddress } from './groups-model.js'

/** Adding members looks each up in the directory and sends them the group's history of changes. */
const CHANGE_TIMEOUT_MS = 60_000

/** Us first, then the admins, then everyone else by name. */
function byRole (model: AppModel): (a: GroupMemberInfo, b: GroupMemberInfo) => number {
  const rank = (m: GroupMemberInfo): number => m.self ? 0 : m.role === 'admin' ? 1 : 2
  return (a, b) => rank(a) - rank(b) || model.displayName(a.phone).localeCompare(model.displayName(b.phone))
}

export function GroupInfoView ({ model, id }: { model: AppModel, id: string }) {
  const groups = model.parley.groups
  const [info, setInfo] = useState<GroupInfo | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  /** the member whose removal waits for a confirmation, or 'leave' */
  const [confirm, setConfirm] = useState<string | undefined>()
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [adding, setAdding] = useState(false)
  const [toAdd, setToAdd] = useState<string[]>([])
  const [, setMuteVersion] = useState(0)

  useEffect(() => {
    let live = true
    setInfo(undefined)
    setError(undefined)
    setEditing(false)
    setAdding(false)
    setConfirm(undefined)
    const load = (): void => {
      groups.info(id).then(i => {
        if (!live) return
        setInfo(i)
        for (const m of i.memberList) if (!m.self) model.loadContact(m.phone)
      }, err => { if (live) setError(describe(err)) })
    }
    load()
    const onUpdate = (e: { group: string }): void => { if (e.group === id) load() }
    groups.on('group-update', onUpdate)
    return () => {
      live = false
      groups.off('group-update', onUpdate)
    }
  }, [id])

  /** Runs one change; the screen shows the group as the change left it. */
  const act = (work: () => Promise<GroupInfo | undefined>, after?: () => void): void => {
    setBusy(true)
    setError(undefined)
    work().then(async i => {
      setInfo(i ?? await groups.info(id))
      setConfirm(undefined)
      after?.()
      await model.groups.refresh()
    }).catch(err => setError(describe(err))).finally(() => setBusy(false))
  }
  const bounded = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(CHANGE_TIMEOUT_MS) })

  const title = info?.name ?? model.groups.name(id)
  const isAdmin = info != null && info.active && info.role === 'admin'
  const canEdit = info != null && info.active && (isAdmin || !info.onlyAdminsEditInfo)
  const members = info != null ? [...info.memberList].sort(byRole(model)) : []

  const pickPhoto = (e: Event): void => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (file == null) return
    // shrunk to a square JPEG avatar here, then sent to every member
    act(async () => await groups.editInfo(id, { photo: await avatarFromFile(file) }, bounded()))
  }

  const startEdit = (): void => {
    setName(info?.name ?? '')
    setDescription(info?.description ?? '')
    setEditing(true)
  }

  const saveEdit = (e: Event): void => {
    e.preventDefault()
    if (info == null) return
    const edit = { ...(name.trim() !== info.name ? { name: name.trim() } : {}), ...(description.trim() !== info.description ? { description: description.trim() } : {}) }
    if (Object.keys(edit).length === 0) {
      setEditing(false)
      return
    }
    act(async () => await groups.editInfo(id, edit, bounded()), () => setEditing(false))
  }

  return (
    <section class="contact-info group-info" aria-labelledby="group-info-title" data-testid="group-info" data-group={id}
      data-state={info != null ? 'ready' : error != null ? 'error' : 'loading'} data-role={info?.active === true ? info.role : 'none'}>
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="group-info-back" aria-label="Back to the group" onClick={() => model.go({ name: 'group', id })}>←</button>
        <h1 id="group-info-title" data-testid="group-info-title">{title}</h1>
      </header>
      <div class="pane-body contact-body">
        <div class="contact-card">
          <GroupAvatar name={title} photoUrl={model.groups.photoUrl(id)} size="large" />
          <div>
            <p class="contact-name" data-testid="group-info-name">{title}</p>
            {info != null && <p class="note" data-testid="group-info-count">Group · {info.members} member{info.members === 1 ? '' : 's'}</p>}
            {info != null && info.description !== '' && <p class="group-description" data-testid="group-info-description">{info.description}</p>}
          </div>
        </div>
        <button type="button" class="secondary media-link" data-testid="open-media" onClick={() => model.go({ name: 'media', address: groupAddress(id) })}>Media and files</button>
        {info == null && error == null && <p><span class="spinner" aria-hidden="true" />Loading the group…</p>}
        {info != null && !info.active && <p class="composer-note" role="status" data-testid="group-info-ended">You are no longer a member of this group.</p>}
        {canEdit && (
          <div class="row photo-actions">
            <label class="button secondary file-button" for="group-photo-input" aria-busy={busy}>
              {busy && <span class="spinner" aria-hidden="true" />}{info?.photo === true ? 'Change group photo' : 'Add group photo'}
            </label>
            <input id="group-photo-input" class="visually-hidden" type="file" accept="image/*" data-testid="group-photo-input" onChange={pickPhoto} disabled={busy} />
            {info?.photo === true && <button type="button" class="secondary" data-testid="group-photo-remove" disabled={busy}
              onClick={() => act(async () => await groups.editInfo(id, { photo: null }, bounded()))}>Remove group photo</button>}
          </div>
        )}
        {canEdit && !editing && <button type="button" class="secondary" data-testid="group-edit" onClick={startEdit}>Edit name and description</button>}
        {editing && (
          <form class="inline-form" data-testid="group-edit-form" onSubmit={saveEdit}>
            <label for="group-edit-name">Group name</label>
            <input id="group-edit-name" data-testid="group-edit-name" required maxLength={MAX_GROUP_NAME_LENGTH} value={name} onInput={e => setName((e.target as HTMLInputElement).value)} />
            <label for="group-edit-description">Description</label>
            <textarea id="group-edit-description" data-testid="group-edit-description" rows={3} maxLength={MAX_GROUP_DESCRIPTION_LENGTH} value={description}
              onInput={e => setDescription((e.target as HTMLTextAreaElement).value)} />
            <div class="row">
              <button type="submit" data-testid="group-edit-save" disabled={busy || name.trim() === ''}>Save</button>
              <button type="button" class="secondary" data-testid="group-edit-cancel" onClick={() => setEditing(false)}>Cancel</button>
            </div>
          </form>
        )}

        {info != null && (
          <section class="settings-section" aria-labelledby="group-settings-title">
            <h2 id="group-settings-title">Settings</h2>
            <Switch id="mute-group" label="Mute notifications" checked={model.groups.isMuted(id)} busy={false}
              help="No desktop notifications for this group, except for messages that mention you."
              onChange={on => { model.groups.setMuted(id, on); setMuteVersion(v => v + 1) }} />
            {isAdmin && (
              <>
                <Switch id="only-admins-send" label="Only admins send messages" checked={info.onlyAdminsSend} busy={busy}
                  help="Members who are not admins can read the group but not write in it."
                  onChange={on => act(async () => await groups.settings(id, { onlyAdminsSend: on }, bounded()))} />
                <Switch id="only-admins-edit-info" label="Only admins edit the group's info" checked={info.onlyAdminsEditInfo} busy={busy}
                  help="Off: every member can change the group's photo, name and description."
                  onChange={on => act(async () => await groups.settings(id, { onlyAdminsEditInfo: on }, bounded()))} />
              </>
            )}
          </section>
        )}

        {info != null && (
          <section class="settings-section" aria-labelledby="group-members-title">
            <h2 id="group-members-title" data-testid="group-members-title">{info.members} member{info.members === 1 ? '' : 's'}</h2>
            {isAdmin && !adding && <button type="button" class="secondary" data-testid="group-add-open" onClick={() => { setToAdd([]); setAdding(true) }}>Add members</button>}
            {isAdmin && adding && (
              <div class="add-members" data-testid="group-add">
                <ContactPicker model={model} idPrefix="group-add" selected={toAdd} onChange={setToAdd} exclude={info.memberList.map(m => m.phone)} />
                <div class="row">
                  <button type="button" data-testid="group-add-submit" disabled={busy || toAdd.length === 0} aria-busy={busy}
                    onClick={() => act(async () => await groups.add(id, toAdd, bounded()), () => setAdding(false))}>
                    {busy && <span class="spinner" aria-hidden="true" />}Add {toAdd.length > 0 ? toAdd.length : ''} to the group
                  </button>
                  <button type="button" class="secondary" data-testid="group-add-cancel" onClick={() => setAdding(false)}>Cancel</button>
                </div>
              </div>
            )}
            <ul class="member-list" role="list">
              {members.map(m => (
                <li key={m.phone} data-testid="member-row" data-phone={m.phone} data-role={m.role} data-self={m.self ? 'true' : undefined}>
                  <ContactAvatar model={model} phone={m.phone} />
                  <span class="member-main">
                    <span class="row-name" data-testid="member-name">{m.self ? 'You' : model.displayName(m.phone)}</span>
                    {(m.self || model.contactName(m.phone) != null) && <span class="row-number">{formatPhone(m.phone)}</span>}
                  </span>
                  {m.role === 'admin' && <span class="tag" data-testid="member-admin">Admin</span>}
                  {isAdmin && !m.self && (
                    confirm === m.phone
                      ? (
                        <span class="confirm" role="group" aria-label={`Remove ${model.displayName(m.phone)} from the group?`}>
                          <button type="button" class="danger" data-testid="member-remove-confirm" disabled={busy}
                            onClick={() => act(async () => await groups.remove(id, m.phone, bounded()))}>Remove</button>
                          <button type="button" class="secondary" data-testid="member-remove-cancel" onClick={() => setConfirm(undefined)}>Keep</button>
                        </span>
                        )
                      : (
                        <span class="member-actions">
                          {m.role === 'admin'
                            ? <button type="button" class="secondary" data-testid="member-demote" disabled={busy}
                                onClick={() => act(async () => await groups.demote(id, m.phone, bounded()))}>Dismiss as admin<span class="visually-hidden">: {model.displayName(m.phone)}</span></button>
                            : <button type="button" class="secondary" data-testid="member-promote" disabled={busy}
                                onClick={() => act(async () => await groups.promote(id, m.phone, bounded()))}>Make admin<span class="visually-hidden">: {model.displayName(m.phone)}</span></button>}
                          <button type="button" class="secondary" data-testid="member-remove" disabled={busy}
                            onClick={() => setConfirm(m.phone)}>Remove<span class="visually-hidden"> {model.displayName(m.phone)}</span></button>
                        </span>
                        )
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}

        {info?.active === true && (
          <section class="settings-section danger-zone" aria-labelledby="group-leave-title">
            <h2 id="group-leave-title">Leave the group</h2>
            <p class="note">You keep its history on this device, but get no more of its messages. An admin must add you to come back.</p>
            {confirm === 'leave'
              ? (
                <span class="confirm" role="group" aria-label="Leave the group?">
                  <button type="button" class="danger" data-testid="leave-confirm" disabled={busy}
                    onClick={() => {
                      // before: the SDK announces the change while leave() runs
                      model.groups.markLeaving(id)
                      act(async () => {
                        await groups.leave(id, bounded()).catch(async err => {
                          await model.groups.refresh() // still a member: forgets the mark
                          throw err
                        })
                        return undefined
                      })
                    }}>Leave {title}</button>
                  <button type="button" class="secondary" data-testid="leave-cancel" onClick={() => setConfirm(undefined)}>Stay</button>
                </span>
                )
              : <button type="button" class="danger" data-testid="leave-group" onClick={() => setConfirm('leave')}>Leave group</button>}
          </section>
        )}
        {error != null && <p class="error" role="alert" data-testid="group-info-error">{error}</p>}
      </div>
    </section>
  )
}
