// A contact's avatar: the photo it shared, else the initials of its name, else the last two digits of its number; a group's: its photo, else the initials of its name, on a square. Knows nothing of where it is shown.
import type { AppModel } from './model.js'
import { initials } from './format.js'

export function ContactAvatar ({ model, phone, size = 'small' }: { model: AppModel, phone: string, size?: 'small' | 'medium' | 'large' }) {
  model.loadContact(phone)
  const name = model.contactName(phone)
  const url = model.contactPhotoUrl(phone)
  if (url != null) {
    return <img class={`avatar ${size}`} src={url} alt={`Photo of ${model.displayName(phone)}`} data-testid="contact-avatar" data-phone={phone} data-state="photo" />
  }
  const letters = initials(name)
  // the text next to it names the contact: the placeholder is decoration
  return (
    <span class={`avatar ${size}`} aria-hidden="true" data-testid="contact-avatar" data-phone={phone} data-state={letters != null ? 'initials' : 'placeholder'}>
      {letters ?? phone.slice(-2)}
    </span>
  )
}

/** A group's avatar: its photo, else the initials of its name, on a rounded square so it reads as a group. */
export function GroupAvatar ({ name, photoUrl, size = 'small' }: { name: string, photoUrl?: string, size?: 'small' | 'medium' | 'large' }) {
  if (photoUrl != null) return <img class={`avatar group ${size}`} src={photoUrl} alt={`Photo of the group ${name}`} data-testid="group-avatar" data-state="photo" />
  // the group's name is next to it: decoration
  return <span class={`avatar group ${size}`} aria-hidden="true" data-testid="group-avatar" data-state="initials">{initials(name) ?? '#'}</span>
}
