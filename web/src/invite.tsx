// "Invite" for a number that is not on Parley: an sms: link addressed to it with a short text and this page's address, and the Web Share API (or a copy to the clipboard where there is none) for any other app.
import { useState } from 'preact/hooks'
import { formatPhone } from './format.js'

/** This page's address without the query (the profile name is this browser's business) and without the route. */
export function inviteUrl (): string {
  return `${location.origin}${location.pathname}`
}

export function inviteText (): string {
  return `Let's chat on Parley, a messenger with no central server. Open ${inviteUrl()} in your browser to join.`
}

/** `sms:<number>?body=<text>`, the sms: URI form; phones open their messaging app addressed to the number. */
export function smsHref (e164: string): string {
  return `sms:${e164}?body=${encodeURIComponent(inviteText())}`
}

export function Invite ({ phone, compact = false }: { phone: string, compact?: boolean }) {
  const [copied, setCopied] = useState<'copied' | 'failed' | undefined>()
  const canShare = typeof navigator.share === 'function'
  const who = formatPhone(phone)

  const share = (): void => {
    if (canShare) {
      // the person may cancel the share sheet (AbortError): nothing to say then
      navigator.share({ title: 'Parley', text: inviteText(), url: inviteUrl() }).catch(() => {})
      return
    }
    // no clipboard outside secure contexts (a page served over plain http from another host)
    if (navigator.clipboard == null) {
      setCopied('failed')
      return
    }
    navigator.clipboard.writeText(inviteText()).then(() => setCopied('copied'), () => setCopied('failed'))
  }

  return (
    <span class="invite" data-testid="invite" data-phone={phone}>
      <a class="button secondary" href={smsHref(phone)} data-testid="invite-sms" aria-label={`Invite ${who} by SMS`}>{compact ? 'Invite' : 'Invite by SMS'}</a>
      <button type="button" class="secondary" data-testid="invite-share" aria-label={canShare ? `Share an invite for ${who}` : 'Copy the invite text'} onClick={share}>
        {canShare ? 'Share…' : 'Copy invite'}
      </button>
      {copied === 'copied' && <span class="note" role="status" data-testid="invite-copied">Invite copied. Paste it in any app.</span>}
      {copied === 'failed' && <span class="note" role="status">This browser did not allow copying.</span>}
    </span>
  )
}
