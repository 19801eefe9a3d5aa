// The call log as the page shows it: the "Chats | Calls" switch above the list pane (with the count of missed calls not seen yet), the Calls list (who, or which group and who started it; which way, voice or video, when, how long; a tap calls back, the chat button opens the chat), and a call's entry in a chat's or group's timeline. Knows nothing of how calls run.
import { useEffect } from 'preact/hooks'
import type { CallRecord } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { ContactAvatar, GroupAvatar } from './contact-avatar.js'
import { formatClock, formatListTime, formatPhone } from './format.js'
import { callDirectionWord, callLine, isMissed } from './call-text.js'
import { ChatIcon, IncomingIcon, OutgoingIcon, PhoneIcon, VideoIcon } from './call-icons.js'
import { cannotCall, cannotCallGroup } from './call-buttons.js'

/** The switch between the chat list and the call log, at the top of the list pane. */
export function ListTabs ({ model }: { model: AppModel }) {
  const onCalls = model.route.name === 'calls'
  const missed = model.calls.missedUnseen()
  return (
    <nav class="list-tabs" aria-label="Chats and calls">
      <button type="button" class={onCalls ? '' : 'current'} data-testid="tab-chats" aria-current={onCalls ? undefined : 'page'} onClick={() => model.go({ name: 'list' })}>Chats</button>
      <button type="button" class={onCalls ? 'current' : ''} data-testid="tab-calls" aria-current={onCalls ? 'page' : undefined} onClick={() => model.go({ name: 'calls' })}>
        Calls
        {missed > 0 && <span class="badge missed" data-testid="missed-badge" aria-label={`${missed} missed`}>{missed}</span>}
      </button>
    </nav>
  )
}

/** The mark of a call: an arrow in (red when missed) or out, and the kind. */
function CallMark ({ r }: { r: CallRecord }) {
  return (
    <span class={`call-mark ${isMissed(r) ? 'missed' : r.direction}`} aria-hidden="true">
      {r.direction === 'incoming' ? <IncomingIcon /> : <OutgoingIcon />}
    </span>
  )
}

export function CallHistory ({ model }: { model: AppModel }) {
  const records = model.calls.records
  // on screen: its missed calls are seen (the badge goes), also those that come while it is open
  useEffect(() => { model.calls.markSeen() }, [records])
  return (
    <section class="chat-list call-history" aria-labelledby="calls-title" data-testid="call-history">
      <header class="pane-header">
        <h1 id="calls-title">Calls</h1>
        <div class="actions">
          <button type="button" class="icon" data-testid="open-settings" onClick={() => model.go({ name: 'settings' })} aria-label="Settings" title="Settings">⚙</button>
        </div>
      </header>
      <ListTabs model={model} />
      {records.length === 0
        ? <p class="empty" data-testid="calls-empty">No calls yet. Call someone from a chat.</p>
        : (
          <ul class="conversations" role="list">
            {records.map(r => {
              const call = callBack(model, r)
              const line = callLine(r)
              const when = formatListTime(r.at)
              const group = r.group
              // a group call: the group, and who started it when it was not us
              const starter = group != null && r.direction === 'incoming' ? model.displayName(r.peer) : undefined
              return (
                <li key={r.id} class="call-row-item">
                  <button type="button" class={`conversation-row call-row${isMissed(r) ? ' missed' : ''}`} data-testid="call-row" data-id={r.id} data-phone={r.peer} data-group={group}
                    data-outcome={r.outcome} data-direction={r.direction} data-video={String(r.video)} disabled={call.why != null} title={call.why ?? call.label}
                    onClick={call.run}>
                    {group != null ? <GroupAvatar name={call.name} photoUrl={model.groups.photoUrl(group)} /> : <ContactAvatar model={model} phone={r.peer} />}
                    <span class="row-main">
                      <span class="row-top">
                        <span class="row-title">
                          <span class="row-name" data-testid="call-row-name">{call.name}</span>
                          {group == null && model.contactName(r.peer) != null && <span class="row-number">{formatPhone(r.peer)}</span>}
                          {starter != null && <span class="row-number" data-testid="call-row-starter">{starter}</span>}
                        </span>
                        <time class="row-time" dateTime={new Date(r.at).toISOString()}>{when}</time>
                      </span>
                      <span class="row-bottom">
                        <span class="row-last" data-testid="call-row-line">
                          <CallMark r={r} />{!isMissed(r) && <span class="visually-hidden">{callDirectionWord(r)}: </span>} {line}
                        </span>
                        <span class="call-kind-mark" aria-hidden="true">{r.video ? <VideoIcon /> : <PhoneIcon />}</span>
                        {/* the row's name ends with what a press does */}
                        <span class="visually-hidden">. {call.label}</span>
                      </span>
                    </span>
                  </button>
                  <button type="button" class="icon call-row-chat" data-testid="call-row-chat" aria-label={`Chat with ${call.name}`} title={`Chat with ${call.name}`}
                    onClick={() => model.go(group != null ? { name: 'group', id: group } : { name: 'chat', phone: r.peer })}>
                    <ChatIcon />
                  </button>
                </li>
              )
            })}
          </ul>
          )}
    </section>
  )
}

/** What a press on a call log entry does: a 1:1 call back to the number, or a new call in the group (same kind); why not, when it cannot. */
function callBack (model: AppModel, r: CallRecord): { name: string, label: string, why: string | undefined, run: () => void } {
  const group = r.group
  if (group != null) {
    return {
      name: model.groups.name(group),
      label: 'Call the group',
      why: cannotCallGroup(model, model.groups.summaries.get(group)?.active === true),
      run: () => { void model.calls.placeGroup(group, r.video) }
    }
  }
  return { name: model.displayName(r.peer), label: 'Call back', why: cannotCall(model), run: () => { void model.calls.place(r.peer, r.video) } }
}

/** A call in a chat's timeline: "Missed voice call", "Video call · 3:12", "Group video call · 3:12", with the time; a tap calls back (a group call: calls the group). */
export function CallEntry ({ model, r }: { model: AppModel, r: CallRecord }) {
  const line = callLine(r)
  const call = callBack(model, r)
  // in a group's timeline, who started a call that came to us
  const starter = r.group != null && r.direction === 'incoming' ? model.displayName(r.peer) : undefined
  return (
    <div class={`call-entry ${r.direction}${isMissed(r) ? ' missed' : ''}`} data-testid="call-entry" data-id={r.id} data-outcome={r.outcome} data-video={String(r.video)} data-group={r.group}>
      <button type="button" disabled={call.why != null} title={call.why ?? call.label} onClick={call.run}>
        <CallMark r={r} />
        <span class="call-entry-line" data-testid="call-entry-line">{line}</span>
        {starter != null && <span class="call-entry-starter" data-testid="call-entry-starter">{starter}</span>}
        <time dateTime={new Date(r.at).toISOString()}>{formatClock(r.at)}</time>
        <span class="visually-hidden">. {call.label}</span>
      </button>
    </div>
  )
}
