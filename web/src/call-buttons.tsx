// The voice and video call buttons of a 1:1 chat's header (icons) and of contact info (with words): disabled, with the reason as a tooltip, where this browser cannot call or while a call is on. Knows nothing of how a call runs.
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
