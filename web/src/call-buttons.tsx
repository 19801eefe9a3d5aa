// The voice and video call buttons of a 1:1 chat's header (icons) and of contact info (with words), and of a group chat's header (a group call): disabled, with the reason as a tooltip, where this browser cannot call, while a call is on, or in a group we are no longer in. Knows nothing of how a call runs.
import type { AppModel } from './model.js'
import { PhoneIcon, VideoIcon } from './call-icons.js'

/** Why calling is not possible now, or undefined when it is. */
export function cannotCall (model: AppModel): string | undefined {
  if (!model.calls.available) return 'Calls are not available in this browser.'
  if (model.calls.inCall) return 'You are already in a call.'
  return undefined
}

export function CallButtons ({ model, phone, words = false }: { model: AppModel, phone: string, words?: boolean }) {
  const why = cannotCall(model)
  const name = model.displayName(phone)
  const button = (video: boolean) => {
    const label = `${video ? 'Video' : 'Voice'} call${words ? '' : ` with ${name}`}`
    return (
      <button type="button" class={words ? 'secondary call-button' : 'icon call-button'} data-testid={video ? 'call-video' : 'call-voice'}
        aria-label={words ? undefined : label} title={why ?? label} disabled={why != null}
        onClick={() => { void model.calls.place(phone, video) }}>
        {video ? <VideoIcon /> : <PhoneIcon />}{words && <span>{label}</span>}
      </button>
    )
  }
  return (
    <div class={`call-buttons${words ? ' with-words' : ''}`}>
      {button(false)}
      {button(true)}
      {why != null && words && <p class="note" data-testid="call-unavailable">{why}</p>}
    </div>
  )
}

/** Why a call in a group is not possible now (`active`: we are a member), or undefined when it is. */
export function cannotCallGroup (model: AppModel, active: boolean): string | undefined {
  if (!model.calls.groupAvailable) return 'Group calls are not available in this browser.'
  if (model.calls.inCall) return 'You are already in a call.'
  if (!active) return 'You are no longer a member of this group.'
  return undefined
}

/** A group chat's header: a group voice call and a group video call (every other member's devices ring). */
export function GroupCallButtons ({ model, groupId, active }: { model: AppModel, groupId: string, active: boolean }) {
  const why = cannotCallGroup(model, active)
  const button = (video: boolean) => {
    const label = `Group ${video ? 'video' : 'voice'} call`
    return (
      <button type="button" class="icon call-button" data-testid={video ? 'group-call-video' : 'group-call-voice'}
        aria-label={label} title={why ?? label} disabled={why != null}
        onClick={() => { void model.calls.placeGroup(groupId, video) }}>
        {video ? <VideoIcon /> : <PhoneIcon />}
      </button>
    )
  }
  return (
    <div class="call-buttons">
      {button(false)}
      {button(true)}
    </div>
  )
}
