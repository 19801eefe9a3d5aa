// Desktop notifications for messages that arrive while the tab is hidden (a muted group's only when they mention us) and for a call that rings while it is hidden, and the unread count in the tab title. Knows nothing of the SDK.

const TITLE = 'Parley'
/** Notification bodies are cut here: a preview, not the message. */
const PREVIEW_CHARS = 120

/** "(3) Parley", or "Parley" when nothing is unread. */
export function setUnreadTitle (unread: number): void {
  document.title = unread > 0 ? `(${unread}) ${TITLE}` : TITLE
}

export function notificationsSupported (): boolean {
  return typeof Notification !== 'undefined'
}

/** Asks for permission; call only from a user gesture (a click), browsers ignore it otherwise. */
export async function askNotificationPermission (): Promise<NotificationPermission | 'unsupported'> {
  if (!notificationsSupported()) return 'unsupported'
  if (Notification.permission !== 'default') return Notification.permission
  return await Notification.requestPermission()
}

/**
 * One desktop notification per message, only when the tab is hidden and permission was given; clicking it
 * opens the chat. `title`: the contact's name when it shared one, else its number.
 */
export function notifyIncoming (from: string, title: string, text: string, open: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return
  const body = text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) + '…' : text
  const n = new Notification(title, { body, tag: `parley-${from}` })
  n.onclick = () => {
    window.focus()
    open()
    n.close()
  }
}

/**
 * A group message's notification, as notifyIncoming: none while the group is muted, unless the message mentions
 * us (a mention always notifies, and says so). `title`: "Bob @ Climbing".
 */
export function notifyGroupMessage (group: string, title: string, text: string, { muted, mentioned }: { muted: boolean, mentioned: boolean }, open: () => void): void {
  if (muted && !mentioned) return
  notifyIncoming(`group-${group}`, title, mentioned ? `Mentioned you: ${text}` : text, open)
}

/**
 * A ringing call's notification, only when the tab is hidden and permission was given: it stays until the ring ends
 * (`requireInteraction`), and a click brings the tab forward (where the incoming-call screen is). Returns what closes
 * it when the ring ends (answered, declined, missed), or undefined when none was shown.
 */
export function notifyCall (id: string, title: string, body: string): (() => void) | undefined {
  if (!notificationsSupported() || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return undefined
  const n = new Notification(title, { body, tag: `parley-call-${id}`, requireInteraction: true })
  n.onclick = () => {
    window.focus()
    n.close()
  }
  return () => { n.close() }
}
