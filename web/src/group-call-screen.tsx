// A group call on screen: the group's name, the clock (or "Calling…", "Connecting…") and how many are in it; a grid of tiles, ours first (our camera mirrored, or our photo) and one per participant as they join and go (their camera, or their photo or initials; their name, a muted mark, "Connecting…"), each playing its own sound; the controls; how it ended. Knows nothing of signalling or frame encryption: it reads the SDK's GroupCall through `model.calls`.
import { useRef } from 'preact/hooks'
import type { GroupParticipant } from '../../src/browser.js'
import type { AppModel } from './model.js'
import type { CallScreen } from './calls-model.js'
import { ContactAvatar, GroupAvatar } from './contact-avatar.js'
import { Avatar } from './profile-settings.js'
import { formatDuration } from './format.js'
import { endText, gridColumns, groupStateText, offersCallAgain, participantsText } from './call-text.js'
import { MicOffIcon } from './call-icons.js'
import { useSpeaker, useTicking, useTrack } from './call-hooks.js'
import { CallControls } from './call-controls.js'

/** A tile's mark that the person is muted, named for screen readers. */
function Muted ({ who }: { who: string }) {
  return <span class="tile-muted" data-testid="tile-muted" role="img" aria-label={`${who} muted`} title={`${who} muted`}><MicOffIcon /></span>
}

/** One participant: its camera (when on), else its photo or initials; its sound; its name, muted mark and "Connecting…". */
function ParticipantTile ({ model, p }: { model: AppModel, p: GroupParticipant }) {
  const video = useRef<HTMLVideoElement>(null)
  const audio = useRef<HTMLAudioElement>(null)
  const videoTrack = p.tracks.filter(t => t.kind === 'video').at(-1)
  const audioTrack = p.tracks.filter(t => t.kind === 'audio').at(-1)
  const on = p.remote.camera && videoTrack != null
  useTrack(video, videoTrack)
  useTrack(audio, audioTrack)
  useSpeaker(audio, model.calls, audioTrack)
  const name = model.displayName(p.phone)
  return (
    <li class={`call-tile${on ? ' has-video' : ''}`} data-testid="call-tile" data-phone={p.phone} data-device={p.device} data-state={p.state}
      data-video={on ? 'on' : 'off'} data-muted={String(p.remote.muted)}>
      <video ref={video} class="tile-video" data-testid="tile-video" hidden={!on} autoplay playsInline muted aria-label={`${name}'s camera`} />
      <audio ref={audio} data-testid="tile-audio" autoplay />
      {!on && <ContactAvatar model={model} phone={p.phone} size="large" />}
      <span class="tile-name">
        {p.remote.muted && <Muted who={name} />}
        <span data-testid="tile-name">{name}</span>
      </span>
      {p.state === 'connecting' && <span class="tile-state" data-testid="tile-connecting">Connecting…</span>}
    </li>
  )
}

/** Our own tile: our camera as in a mirror, else our photo or initial. */
function SelfTile ({ model, camera, muted }: { model: AppModel, camera: MediaStreamTrack | undefined, muted: boolean }) {
  const video = useRef<HTMLVideoElement>(null)
  useTrack(video, camera)
  return (
    <li class={`call-tile self${camera != null ? ' has-video' : ''}`} data-testid="call-tile-self" data-video={camera != null ? 'on' : 'off'} data-muted={String(muted)}>
      {camera != null
        ? <video ref={video} class="tile-video mirrored" data-testid="local-video" autoplay playsInline muted aria-label="Your camera" />
        : <Avatar model={model} />}
      <span class="tile-name">{muted && <Muted who="You are" />}<span>You</span></span>
    </li>
  )
}

export function GroupInCall ({ model, screen, group }: { model: AppModel, screen: CallScreen, group: string }) {
  const call = screen.groupCall
  const ended = screen.phase === 'ended'
  const others = ended || call == null ? [] : call.participants()
  const connectedAt = call?.connectedAt
  useTicking(!ended && connectedAt != null, 1_000)

  const name = model.groups.name(group)
  let status: string
  if (ended) {
    status = endText(screen.endReason ?? 'normal', screen.direction, screen.connected)
    if (screen.connected && connectedAt != null && call?.endedAt != null) status += ` · ${formatDuration(call.endedAt - connectedAt)}`
  } else if (connectedAt != null) {
    status = formatDuration(Date.now() - connectedAt)
  } else {
    status = screen.phase === 'starting' ? 'Calling…' : groupStateText(screen.direction, others.length)
  }
  // what a screen reader hears: the state's changes and the count, not the clock's every second
  const count = others.length + 1
  const spoken = ended ? status : `${connectedAt != null ? 'Connected' : status} ${participantsText(count)}`
  const callAgain = ended && offersCallAgain(screen.endReason ?? 'normal', screen.direction, screen.connected)
  const live = !ended && screen.phase === 'call' && call != null && !screen.working
  const muted = call?.muted === true

  return (
    <div class="call-screen group-call" data-testid="group-call-screen" data-group={group} data-state={ended ? 'ended' : connectedAt != null ? 'connected' : 'connecting'}
      data-end={screen.endReason} data-count={count} data-video={String(screen.video)}>
      <div class="group-call-top">
        <h2 id="call-name" tabIndex={-1} data-testid="call-peer-name">{name}</h2>
        <p class="call-status">
          <span data-testid="call-status">{status}</span>
          {!ended && <> · <span data-testid="group-call-count">{participantsText(count)}</span></>}
        </p>
        <span class="visually-hidden" aria-live="polite" data-testid="call-spoken">{spoken}</span>
      </div>
      {ended
        ? <div class="call-peer"><GroupAvatar name={name} photoUrl={model.groups.photoUrl(group)} size="large" /></div>
        : (
          <ul class="call-grid" role="list" aria-label="Participants" data-testid="call-grid" data-cols={gridColumns(count)}>
            <SelfTile model={model} camera={screen.camera} muted={muted} />
            {others.map(p => <ParticipantTile key={`${p.phone}/${p.device}`} model={model} p={p} />)}
          </ul>
          )}
      <CallControls model={model} screen={screen} ended={ended} live={live} muted={muted} hangupLabel="Leave the call" callAgain={callAgain} />
    </div>
  )
}
