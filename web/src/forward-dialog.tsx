// Forwards a message's file to chats picked here (our groups, and people from the contact picker): the SDK sends the same file again without uploading it. Knows nothing of the chat it came from.
import { useState } from 'preact/hooks'
import type { StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { Dialog } from './dialog.js'
import { ContactPicker } from './contact-picker.js'
import { GroupAvatar } from './contact-avatar.js'
import { groupAddress, groupIdOf } from './groups-model.js'
import { describe } from './errors.js'

export function ForwardDialog ({ model, message, onClose }: { model: AppModel, message: StoredMessage, onClose: () => void }) {
  const [phones, setPhones] = useState<string[]>([])
  const [groups, setGroups] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const active = [...model.groups.summaries.values()].filter(g => g.active)
  const targets = [...phones, ...groups]
  const info = model.parley.media.info(message)
  const what = info?.kind === 'photo' ? 'photo' : info?.kind === 'video' ? 'video' : info?.kind === 'voice' ? 'voice message' : 'file'

  const forward = (): void => {
    setBusy(true)
    setError(undefined)
    void model.media.forward(message, targets).then(({ sent, error }) => {
      setBusy(false)
      if (error != null) {
        setError(sent > 0 ? `Forwarded to ${sent} of ${targets.length} chats. ${describe(error)}` : describe(error))
        return
      }
      onClose()
      // one chat: it opens, as it does after sending
      if (targets.length === 1) {
        const group = groupIdOf(targets[0])
        model.go(group != null ? { name: 'group', id: group } : { name: 'chat', phone: targets[0] })
      }
    })
  }

  return (
    <Dialog title={`Forward the ${what}`} testid="forward-dialog" onClose={onClose}>
      <p class="note">It is sent again as it is: nothing is uploaded a second time.</p>
      {active.length > 0 && (
        <fieldset class="contact-picker" data-testid="forward-groups">
          <legend>Groups</legend>
          <ul class="pick-list" role="list">
            {active.map(g => (
              <li key={g.groupId}>
                <label class="pick-row" for={`forward-group-${g.groupId}`}>
                  <input type="checkbox" id={`forward-group-${g.groupId}`} data-testid="forward-group" data-group={g.groupId} checked={groups.includes(groupAddress(g.groupId))}
                    onChange={e => {
                      const on = (e.target as HTMLInputElement).checked
                      const address = groupAddress(g.groupId)
                      setGroups(list => on ? [...list.filter(x => x !== address), address] : list.filter(x => x !== address))
                    }} />
                  <GroupAvatar name={g.name} photoUrl={model.groups.photoUrl(g.groupId)} />
                  <span class="row-name">{g.name}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <ContactPicker model={model} idPrefix="forward" legend="People" selected={phones} onChange={setPhones} />
      {error != null && <p class="error" role="alert" data-testid="forward-error">{error}</p>}
      <div class="row">
        <button type="button" data-testid="forward-send" disabled={busy || targets.length === 0} aria-busy={busy} onClick={forward}>
          {busy && <span class="spinner" aria-hidden="true" />}Forward{targets.length > 1 ? ` to ${targets.length} chats` : ''}
        </button>
      </div>
    </Dialog>
  )
}
