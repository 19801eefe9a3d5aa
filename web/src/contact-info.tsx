// Contact info screen: a placeholder for now (another part of the project fills it in: safety number, verification).
import type { AppModel } from './model.js'
import { formatPhone } from './format.js'

export function ContactInfo ({ model, phone }: { model: AppModel, phone: string }) {
  return (
    <section class="contact-info" aria-labelledby="contact-title" data-testid="contact-info" data-phone={phone}>
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="contact-back" aria-label="Back to the chat" onClick={() => model.go({ name: 'chat', phone })}>←</button>
        <h1 id="contact-title">{formatPhone(phone)}</h1>
      </header>
      <div class="pane-body"><p>Contact details will appear here.</p></div>
    </section>
  )
}
