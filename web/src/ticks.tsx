// The status mark of an outgoing message: clock (pending), ✓ sent, ✓✓ delivered, blue ✓✓ read, ! failed.
import type { MessageStatus } from '../../src/browser.js'

const LABEL: Record<MessageStatus, string> = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent'
}

const GLYPH: Record<MessageStatus, string> = {
  pending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!'
}

export function Ticks ({ status }: { status: MessageStatus }) {
  return (
    <span class={`ticks ticks-${status}`} data-testid="ticks" data-state={status} role="img" aria-label={LABEL[status]} title={LABEL[status]}>
      {GLYPH[status]}
    </span>
  )
}
