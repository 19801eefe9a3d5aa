// The status mark of an outgoing message: a clock (pending, an SVG: no font needed), ✓ sent, ✓✓ delivered, blue ✓✓ read, ! failed; in a group ✓ is at a relay, ✓✓ every member has it, blue ✓✓ every member read it.
import type { ComponentChild } from 'preact'
import type { MessageStatus } from '../../src/browser.js'

const LABEL: Record<MessageStatus, string> = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent'
}

/** A clock face drawn in the text colour, the size of the text. */
function Clock () {
  return (
    <svg class="tick-clock" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}

/** A group message is delivered and read when every member has it, has read it. */
const GROUP_LABEL: Record<MessageStatus, string> = {
  ...LABEL,
  delivered: 'Delivered to every member',
  read: 'Read by every member'
}

const GLYPH: Record<MessageStatus, () => ComponentChild> = {
  pending: () => <Clock />,
  sent: () => '✓',
  delivered: () => '✓✓',
  read: () => '✓✓',
  failed: () => '!'
}

export function Ticks ({ status, group = false }: { status: MessageStatus, group?: boolean }) {
  const label = (group ? GROUP_LABEL : LABEL)[status]
  return (
    <span class={`ticks ticks-${status}`} data-testid="ticks" data-state={status} role="img" aria-label={label} title={label}>
      {GLYPH[status]()}
    </span>
  )
}
