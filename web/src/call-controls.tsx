// The controls at the bottom of a call screen, 1:1 or group: mute, camera on/off, switch camera, the speaker list, hang up (leave); once the call ended, "Call again" when nobody took it, and Close. Knows nothing of how a call runs: everything goes through `model.calls`.
import type { AppModel } from './model.js'
import type { CallScreen } from './calls-model.js'
import { HangupIcon, MicOffIcon, PhoneIcon, SpeakerIcon, SwitchCameraIcon, VideoIcon, VideoOffIcon } from './call-icons.js'
import { MicIcon } from './media-icons.js'

export interface CallControlsProps {
  model: AppModel
  screen: CallScreen
  ended: boolean
  /** the controls work (the call is taken and no microphone or camera change is under way) */
  live: boolean
  muted: boolean
  /** the hang-up button's name: "Hang up", "Cancel the call", "Leave the call" */
  hangupLabel: string
  /** ended: offer "Call again" */
  callAgain: boolean
}

export function CallControls ({ model, screen, ended, live, muted, hangupLabel, callAgain }: CallControlsProps) {
  const calls = model.calls
  const cameraOn = screen.camera != null
  const speakerValue = calls.sinkId !== '' ? calls.sinkId : (calls.speakers.find(d => d.deviceId === 'default')?.deviceId ?? calls.speakers[0]?.deviceId ?? '')
  return (
    <div class="call-controls" role="group" aria-label="Call controls">
      {!ended
        ? (
          <>
            <button type="button" class="call-control" data-testid="call-mute" aria-label="Mute" aria-pressed={muted} title={muted ? 'Unmute' : 'Mute'} disabled={!live} onClick={() => calls.toggleMute()}>
              {muted ? <MicOffIcon /> : <MicIcon />}
            </button>
            <button type="button" class="call-control" data-testid="call-camera" aria-label="Camera" aria-pressed={cameraOn} title={cameraOn ? 'Turn the camera off' : 'Turn the camera on'} disabled={!live} onClick={() => { void calls.toggleCamera() }}>
              {cameraOn ? <VideoIcon /> : <VideoOffIcon />}
            </button>
            {cameraOn && calls.cameras.length >= 2 && (
              <button type="button" class="call-control" data-testid="call-switch-camera" aria-label="Switch camera" title="Switch camera" disabled={!live} onClick={() => { void calls.switchCamera() }}>
                <SwitchCameraIcon />
              </button>
            )}
            {calls.speakerChoice && calls.speakers.length >= 2 && (
              <span class="call-speaker">
                <SpeakerIcon />
                <label for="call-speaker" class="visually-hidden">Speaker</label>
                <select id="call-speaker" data-testid="call-speaker" value={speakerValue} onChange={e => calls.setSpeaker((e.target as HTMLSelectElement).value)}>
                  {calls.speakers.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label !== '' ? d.label : `Speaker ${i + 1}`}</option>)}
                </select>
              </span>
            )}
            <button type="button" class="call-control call-end" data-testid="call-hangup" aria-label={hangupLabel} title={hangupLabel === 'Leave the call' ? hangupLabel : 'Hang up'} onClick={() => calls.hangup()}>
              <HangupIcon />
            </button>
          </>
          )
        : (
          <>
            {callAgain && (
              <button type="button" class="call-accept" data-testid="call-again" onClick={() => { void calls.callAgain() }}>
                {screen.video ? <VideoIcon /> : <PhoneIcon />}<span>Call again</span>
              </button>
            )}
            <button type="button" class="secondary call-secondary" data-testid="call-close" onClick={() => calls.hangup()}>Close</button>
          </>
          )}
    </div>
  )
}
