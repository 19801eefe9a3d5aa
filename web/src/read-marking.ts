// Read marking shared by the 1:1 and group chat screens: while the chat is on screen and the tab has focus, its incoming messages are shown read and the SDK is told (the senders get read receipts). Knows nothing of which chat it is.
import { useEffect } from 'preact/hooks'
import type { StoredMessage } from '../../src/browser.js'

function visibleAndFocused (): boolean {
  return document.visibilityState === 'visible' && document.hasFocus()
}

/**
 * Marks `messages` read now and whenever the tab comes back into view or focus, while some incoming one is unread:
 * `setMessages` shows them read at once, `markRead` tells the SDK. `chat` names the chat (a new chat starts afresh).
 */
export function useReadMarking<M extends StoredMessage> (chat: string, messages: M[], setMessages: (update: (list: M[]) => M[]) => void, markRead: () => Promise<unknown>): void {
  const unreadIn = messages.some(m => m.direction === 'in' && m.status !== 'read')
  useEffect(() => {
    const mark = (): void => {
      if (!visibleAndFocused()) return
      if (!messages.some(m => m.direction === 'in' && m.status !== 'read')) return
      setMessages(list => list.map(m => m.direction === 'in' ? { ...m, status: 'read' } : m))
      void markRead().catch(() => {})
    }
    mark()
    window.addEventListener('focus', mark)
    document.addEventListener('visibilitychange', mark)
    return () => {
      window.removeEventListener('focus', mark)
      document.removeEventListener('visibilitychange', mark)
    }
  }, [chat, unreadIn, messages.length])
}
