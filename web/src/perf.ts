// Performance marks (`parley:NAME`, each at most once per page) at the start-up and first-message milestones, read by the web benchmark (bench/web.ts) and visible in DevTools. Knows nothing of the app's state.

const marked = new Set<string>()
/** id of the first message sent from this page: only its status changes are marked */
let firstMessage: string | undefined

/** Marks `parley:NAME` the first time it is called with NAME on this page. */
export function mark (name: string): void {
  if (marked.has(name)) return
  marked.add(name)
  performance.mark(`parley:${name}`)
}

/** The first message of the page is in history and the outbox (`send()` resolved). */
export function markQueued (id: string): void {
  firstMessage ??= id
  mark('queued')
}

/** A status change of a message: marks `parley:sent`, `parley:delivered`, … for the page's first message. */
export function markStatus (id: string, status: string): void {
  if (id === firstMessage) mark(status)
}
