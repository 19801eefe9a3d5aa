// The marks of the media controls (attach, camera, microphone, play, pause, download, forward, close, a file), drawn as SVG in the text colour so no font has to have them. Decoration only: every control that shows one is named by its own label.

export function Icon ({ d, fill = false, size = '1em', transform }: { d: string, fill?: boolean, size?: string, transform?: string }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <path d={d} transform={transform} fill={fill ? 'currentColor' : 'none'} stroke={fill ? 'none' : 'currentColor'} stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}

export const AttachIcon = () => <Icon d="M20.5 11.5 12 20a5.5 5.5 0 0 1-7.8-7.8l8.9-8.9a3.7 3.7 0 0 1 5.2 5.2l-8.9 8.9a1.8 1.8 0 0 1-2.6-2.6L15 6.6" />
export const MicIcon = () => <Icon d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21" />
export const PlayIcon = () => <Icon fill d="M7 4.5v15a1 1 0 0 0 1.5.9l12-7.5a1 1 0 0 0 0-1.8l-12-7.5A1 1 0 0 0 7 4.5z" />
export const PauseIcon = () => <Icon fill d="M6 4h4v16H6zM14 4h4v16h-4z" />
export const DownloadIcon = () => <Icon d="M12 4v11m-5-5 5 5 5-5M5 20h14" />
export const UploadIcon = () => <Icon d="M12 20V9m-5 5 5-5 5 5M5 4h14" />
export const ForwardIcon = () => <Icon d="M14 5l6 6-6 6M20 11H10a6 6 0 0 0-6 6v1" />
export const CloseIcon = () => <Icon d="M6 6l12 12M18 6 6 18" />
export const TrashIcon = () => <Icon d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />
export const SendIcon = () => <Icon fill d="M3 20.5 21.5 12 3 3.5 3 10l12 2-12 2z" />
export const ChevronLeft = () => <Icon d="M15 5l-7 7 7 7" />
export const ChevronRight = () => <Icon d="M9 5l7 7-7 7" />
export const RetryIcon = () => <Icon d="M4 12a8 8 0 1 0 2.3-5.7M4 4v4h4" />
export const CameraIcon = () => <Icon d="M4 8h3l2-3h6l2 3h3v11H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z" />
export const PhotoIcon = () => <Icon d="M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 9.5h.01" />
export const DocIcon = () => <Icon d="M6 3h8l5 5v13H6zM14 3v5h5" />
