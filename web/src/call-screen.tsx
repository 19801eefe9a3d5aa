// The call screens over whatever route is open: the incoming call (caller's photo and name, or the group's and who started it; voice or video, Accept / Accept as voice / Decline, Join for a group) and the 1:1 call itself (the other side's video full size, our camera small and mirrored, the state or the clock, the quality bars, mute, camera, switch camera, speaker, hang up; how it ended, with "Call again" when nobody took it; a group call's grid is group-call-screen.tsx), and a notice when the microphone or camera could not be used. Knows nothing of signalling: everything goes through `model.calls`.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Call, CallStats } from '../../src/browser.js'
import type { AppModel } from './model.js'
import type { CallScreen } from './calls-model.js'
import { ContactAvatar, GroupAvatar } from './contact-avatar.js'
import { formatDuration, formatPhone } from './format.js'
import { callKind, callStateText, endText, offersCallAgain, qualityBars, qualityText } from './call-text.js'
import { HangupIcon, MicOffIcon, PhoneIcon, VideoIcon, VideoOffIcon } from './call-icons.js'
import { useSpeaker, useTicking, useTrack } from './call-hooks.js'
import { CallControls } from './call-controls.js'
import { GroupInCall } from './group-call-screen.js'

/** The quality indicator reads the connection's figures this often. */
export const STATS_EVERY_MS = 2_000

/** What the notice says, with OK to put it away. */
function Notice ({ model }: { model: AppModel }) {
  const text = model.calls.notice
  if (text == null) return null
  return (
    <div class="call-notice" role="alert" data-testid="call-notice">
      <span>{text}</span>
      <button type="button" class="secondary" data-testid="call-notice-ok" onClick={() => model.calls.setNotice(undefined)}>OK</button>
    </div>
  )
}

/**
 * The call screens and the notice. The screens are a modal <dialog>: in the top layer, above any other dialog open
 * when a call rings, with the app behind it inert. Esc does not end a call: the dialog's cancel is refused, and if
 * the browser closes it anyway (Chromium does on a second Esc without a click between) it opens again.
 */
export function CallLayer ({ model }: { model: AppModel }) {
  const screen = model.calls.screen
  if (screen == null) return <div class="call-toast"><Notice model={model} /></div>
  // another call is another dialog (its own focus and state)
  return <CallDialog key={screen.id} model={model} screen={screen} />
}

function CallDialog ({ model, screen }: { model: AppModel, screen: CallScreen }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d == null) return
    if (!d.open) d.showModal()
    return () => { if (d.open) d.close() }
  }, [])
  // the focus goes to the name, not a button: a key pressed as the call comes in (Enter in the composer) answers
  // nothing; again when the screen changes (taken, ended), whose old controls are gone
  useEffect(() => { ref.current?.querySelector<HTMLElement>('#call-name')?.focus() }, [screen.phase])
  const reopen = (): void => {
    const d = ref.current
    if (d != null && !d.open && model.calls.screen != null) d.showModal()
  }
  return (
    <dialog ref={ref} class="call-dialog" aria-labelledby="call-name" data-testid="call-dialog"
      onCancel={e => { e.preventDefault() }} onClose={reopen}>
      <Notice model={model} />
      {screen.phase === 'incoming'
        ? <IncomingCall model={model} screen={screen} />
        : screen.group != null ? <GroupInCall model={model} screen={screen} group={screen.group} /> : <InCall model={model} screen={screen} />}
    </dialog>
  )
}

function PeerName ({ model, phone }: { model: AppModel, phone: string }) {
  return (
    <>
      <h2 id="call-name" tabIndex={-1} data-testid="call-peer-name">{model.displayName(phone)}</h2>
      {model.contactName(phone) != null && <p class="call-number" data-testid="call-peer-number">{formatPhone(phone)}</p>}
    </>
  )
}

/** The group's photo and name, and who started the call. */
function GroupName ({ model, group, starter }: { model: AppModel, group: string, starter: string }) {
  const name = model.groups.name(group)
  return (
    <>
      <GroupAvatar name={name} photoUrl={model.groups.photoUrl(group)} size="large" />
      <h2 id="call-name" tabIndex={-1} data-testid="call-peer-name">{name}</h2>
      <p class="call-number" data-testid="call-starter">{model.displayName(starter)} is calling</p>
    </>
  )
}

/** A call ringing here: 1:1 (Accept) or in a group (Join); a video call can be taken as voice. */
function IncomingCall ({ model, screen }: { model: AppModel, screen: CallScreen }) {
  const calls = model.calls
  const group = screen.group
  const take = group != null ? 'Join' : 'Accept'
  return (
    <div class="call-incoming" data-testid="incoming-call" data-video={String(screen.video)} data-tone={calls.tone.playing ?? 'off'} data-group={group}>
      <div class="call-peer">
        {group != null
          ? <GroupName model={model} group={group} starter={screen.peer} />
          : <><ContactAvatar model={model} phone={screen.peer} size="large" /><PeerName model={model} phone={screen.peer} /></>}
        <p class="call-kind" data-testid="incoming-kind">{callKind(screen.video, group != null)}</p>
      </div>
      <div class="call-actions">
        <button type="button" class="call-end" data-testid="call-decline" disabled={screen.working} onClick={() => calls.decline()}>
          <HangupIcon /><span>Decline</span>
        </button>
        {screen.video && (
          <button type="button" class="secondary call-secondary" data-testid="call-accept-voice" disabled={screen.working} onClick={() => { void calls.accept(false) }}>
            <PhoneIcon /><span>{group != null ? 'Join without video' : 'Accept as voice'}</span>
          </button>
        )}
        <button type="button" class="call-accept" data-testid="call-accept" disabled={screen.working} onClick={() => { void calls.accept(screen.video) }}>
          {screen.video ? <VideoIcon /> : <PhoneIcon />}<span>{screen.video ? `${take} with video` : take}</span>
        </button>
      </div>
    </div>
  )
}

function Quality ({ call }: { call: Call }) {
  const [stats, setStats] = useState<CallStats | undefined>()
  useEffect(() => {
    let live = true
    const read = (): void => { call.stats().then(s => { if (live) setStats(s) }, () => {}) }
    read()
    const timer = setInterval(read, STATS_EVERY_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [call])
  const quality = stats?.quality ?? 'unknown'
  const bars = qualityBars(quality)
  const text = qualityText(quality, stats?.relayed)
  return (
    <span class="call-quality" data-testid="call-quality" data-quality={quality} data-relayed={String(stats?.relayed === true)} role="img" aria-label={text} title={text}>
      {[1, 2, 3].map(i => <span key={i} class={`bar bar-${i}${i <= bars ? ' on' : ''}`} />)}
      {stats?.relayed === true && <span class="via-relay" aria-hidden="true">via relay</span>}
    </span>
  )
}

function InCall ({ model, screen }: { model: AppModel, screen: CallScreen }) {
  const calls = model.calls
  const call = screen.call
  const ended = screen.phase === 'ended'
  const state = screen.phase === 'starting' || call == null ? 'starting' : call.state
  const remoteVideo = useRef<HTMLVideoElement>(null)
  const remoteAudio = useRef<HTMLAudioElement>(null)
  const localVideo = useRef<HTMLVideoElement>(null)
  const videoTrack = call?.remoteTracks.filter(t => t.kind === 'video').at(-1)
  const audioTrack = call?.remoteTracks.filter(t => t.kind === 'audio').at(-1)
  const remoteCamera = !ended && call?.remote.camera === true && videoTrack != null
  const connected = state === 'connected' || state === 'reconnecting'
  useTrack(remoteVideo, videoTrack)
  useTrack(remoteAudio, ended ? undefined : audioTrack)
  useTrack(localVideo, screen.camera)
  useTicking(state === 'connected' && !ended, 1_000)

  // the speaker picked (where the browser lets a page pick one)
  useSpeaker(remoteAudio, calls, audioTrack)

  const name = model.displayName(screen.peer)
  let status: string
  if (ended) {
    const reason = screen.endReason ?? 'normal'
    status = endText(reason, screen.direction, screen.connected)
    if (screen.connected && call?.connectedAt != null && call.endedAt != null) status += ` · ${formatDuration(call.endedAt - call.connectedAt)}`
  } else if (state === 'connected' && call?.connectedAt != null) {
    status = formatDuration(Date.now() - call.connectedAt)
  } else {
    status = callStateText(state, call?.peerRinging === true)
  }
  // what a screen reader hears: the state's changes, not the clock's every second
  const spoken = ended ? status : state === 'connected' ? 'Connected' : status
  const callAgain = ended && offersCallAgain(screen.endReason ?? 'normal', screen.direction, screen.connected)
  const live = !ended && screen.phase === 'call' && call != null && !screen.working
  const muted = call?.muted === true
  const cameraOn = screen.camera != null

  return (
    <div class={`call-screen${remoteCamera ? ' has-video' : ''}`} data-testid="call-screen" data-state={ended ? 'ended' : state} data-end={screen.endReason}
      data-video={String(screen.video)}>
      <video ref={remoteVideo} class="remote-video" data-testid="remote-video" data-state={remoteCamera ? 'on' : 'off'} hidden={!remoteCamera}
        autoplay playsInline muted aria-label={`${name}'s camera`} />
      <audio ref={remoteAudio} data-testid="remote-audio" autoplay />
      {!remoteCamera && (
        <div class="call-peer">
          <ContactAvatar model={model} phone={screen.peer} size="large" />
        </div>
      )}
      <div class="call-top">
        <PeerName model={model} phone={screen.peer} />
        <p class="call-status" data-testid="call-status">{status}</p>
        <span class="visually-hidden" aria-live="polite" data-testid="call-spoken">{spoken}</span>
        <div class="call-flags">
          {connected && call != null && !ended && <Quality call={call} />}
          {!ended && call?.remote.muted === true && <span class="call-flag" data-testid="remote-muted"><MicOffIcon /> {name} is muted</span>}
          {!ended && connected && call?.remote.camera !== true && screen.video && <span class="call-flag" data-testid="remote-camera-off"><VideoOffIcon /> {name}'s camera is off</span>}
        </div>
      </div>
      {cameraOn && !ended && <video ref={localVideo} class="local-preview" data-testid="local-video" autoplay playsInline muted aria-label="Your camera" />}
      <CallControls model={model} screen={screen} ended={ended} live={live} muted={muted}
        hangupLabel={state === 'starting' || state === 'calling' ? 'Cancel the call' : 'Hang up'} callAgain={callAgain} />
    </div>
  )
}
