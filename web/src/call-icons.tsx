// The marks of the call controls (phone, video, microphone off, camera off, switch camera, speaker, hang up, call directions, chat), drawn as SVG in the text colour like the media controls. Decoration only: every control that shows one is named by its own label.
import { Icon } from './media-icons.js'

const PHONE = 'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z'
const VIDEO = 'M3 7h12v10H3zM15 10.5l6-3.5v10l-6-3.5'

export const PhoneIcon = () => <Icon d={PHONE} />
export const VideoIcon = () => <Icon d={VIDEO} />
export const VideoOffIcon = () => <Icon d={`${VIDEO}M2 3l19 19`} />
export const MicOffIcon = () => <Icon d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M3 3l18 18" />
export const SwitchCameraIcon = () => <Icon d="M4 8h3l2-3h6l2 3h3v11H4zM9 13a3 3 0 0 1 5-2.2M15 13a3 3 0 0 1-5 2.2M14.5 8.5v2.5H12M9.5 17.5V15H12" />
export const SpeakerIcon = () => <Icon d="M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" />
/** The phone turned down: hang up, decline. */
export const HangupIcon = () => <Icon d={PHONE} transform="rotate(135 12 12)" />
/** An arrow into the call's corner: a call that came to us. */
export const IncomingIcon = () => <Icon d="M17 7 7 17M7 9v8h8" />
/** An arrow out of it: a call we placed. */
export const OutgoingIcon = () => <Icon d="M7 17 17 7M9 7h8v8" />
export const ChatIcon = () => <Icon d="M4 5h16v11H9l-5 4z" />
