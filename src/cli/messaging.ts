/** The `parley` messaging commands: send, receive, chat, trust. Talks only to the Parley facade; knows nothing of protocols. */
import { createInterface } from 'node:readline'
import { UnverifiedNumberError, type Parley, type ParleyEvents, type ReceivedMessage } from '../index.js'
import { NotFoundError } from '../storage/index.js'
import { UsageError, type CliArgs } from './args.js'
import { spinner } from './progress.js'
import { groupMessageJson } from './groups.js'
import { sleep } from '../util/abort.js'
import { resolve } from 'node:path'
import { attachmentJson, sendFile, showProgress } from './media.js'
import type { StoredMessage } from '../index.js'

/**
 * How long a one-shot command waits at exit for the outbox to shrink before it gives up and leaves the rest queued
 * for its next run: a delivery pass that reaches anyone takes well under a second, one that makes no progress this
 * long is retrying with backoff. Receipts still coalescing are put into the outbox first (Parley.flushReceipts):
 * without that a one-shot `receive` found the outbox empty, exited, and the sender's tick stayed at ✓ until the next
 * run (issue 14, fault 6).
 */
export const FLUSH_IDLE_MS = 5_000
/**
 * The longest a command waits at exit while the outbox still shrinks. A fixed 5 s once cut a group photo (sent right
 * after the change that names it) off on a loaded machine: members got the change and not the image until the
 * sender's next run.
 */
export const FLUSH_MAX_MS = 60_000

function out (line: string): void {
  process.stdout.write(line + '\n')
}

const messageJson = (m: ReceivedMessage, attachment?: Record<string, unknown>): string => JSON.stringify({ type: 'message', id: m.id, from: m.from, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt, ...(attachment != null ? { attachment } : {}) })
const time = (ms: number): string => new Date(ms).toTimeString().slice(0, 5)
/** A contact's shared profile as a JSON line: the photo as its size only (the bytes stay in the device's store). */
export const profileJson = (e: ParleyEvents['profile']): Record<string, unknown> =>
  ({ phone: e.phone, ...(e.name != null ? { name: e.name } : {}), photoBytes: e.photo?.length ?? 0, updatedAt: e.updatedAt })
/** "+15550001111 now shares the name "Alice" and a photo": one line for a contact's new profile. */
const profileLine = (e: ParleyEvents['profile']): string =>
  `${e.phone} now shares ${e.name != null && e.name !== '' ? `the name "${e.name}"` : 'no name'}${e.photo != null ? ' and a photo' : ''}`
/** A rival record for our own number, for a person: no number (it is ours), the rival's key abbreviated. */
const takeoverLine = (e: ParleyEvents['takeover-attempt']): string =>
  `⚠ someone tried to register your number with another key (${e.identityKey.slice(0, 16)}…, ${e.verified ? 'confirmed by a verifier you trust: your SIM or SMS may be compromised' : 'from a verifier you do not trust'}); your device published its record again`
const identityLine = (e: ParleyEvents['identity-changed']): string =>
  e.blocked ? `⚠ ${e.phone}'s safety number changed after you verified it: nothing is sent to it until you compare and run: parley trust ${e.phone}` : `${e.phone}'s safety number changed`
/** "Alice (+15550001111)" when the contact shared a name, else the number. */
const label = (phone: string, name: string | undefined): string => name != null && name !== '' ? `${name} (${phone})` : phone

/** Waits at exit until the outbox is empty, as long as it keeps shrinking (FLUSH_IDLE_MS without progress, FLUSH_MAX_MS in all). */
export async function flushOutbox (parley: Parley): Promise<void> {
  const end = Date.now() + FLUSH_MAX_MS
  // receipts for what just arrived may still be coalescing, not yet in the outbox
  await parley.flushReceipts()
  let left = await parley.pendingCount()
  let idleEnd = Date.now() + FLUSH_IDLE_MS
  while (left > 0 && Date.now() < Math.min(idleEnd, end)) {
    await new Promise<void>(resolve => {
      const done = (): void => { clearTimeout(t); parley.off('status', done); resolve() }
      const t = setTimeout(done, 200)
      parley.on('status', done)
    })
    const now = await parley.pendingCount()
    if (now < left) idleEnd = Date.now() + FLUSH_IDLE_MS
    left = now
  }
}

/**
 * How long `send` waits for a relay or the recipient's device to take the message before it says the message is
 * queued and exits (EXIT_QUEUED): a delivery pass that reaches anyone takes well under a second; one that waits
 * this long is retrying with backoff (no relay up, recipient offline without reachable relays).
 */
export const SEND_WAIT_MS = 10_000
/** Exit code of `send` when the message is stored and queued but nobody took it yet (it goes out at the next run). */
export const EXIT_QUEUED = 3

/** The message is in history and the outbox, not yet at any relay or device. */
export class MessageQueuedError extends Error {
  static name = 'MessageQueuedError'
  readonly exitCode = EXIT_QUEUED
  constructor (message = 'no relay or device could take the message yet; it is saved and goes out the next time parley runs (send, receive, chat or daemon)') {
    super(message)
    this.name = 'MessageQueuedError'
  }
}

/** `send PHONE TEXT...`: exits 0 once a device or a relay acknowledged the message, EXIT_QUEUED when it is only queued. */
export async function sendCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  if (args.file != null ? args.rest.length !== 1 : args.rest.length < 2) throw new UsageError(args.file != null ? 'send --file takes one phone number (the caption goes in --caption)' : 'send takes a phone number and the text')
  const [to, ...words] = args.rest
  const text = words.join(' ')
  // a file: uploaded first (progress on stderr); its message is then waited for like a text's
  const m = args.file != null ? await sendFile(args, parley, to, signal) : undefined
  const wait = spinner('Sending…')
  try {
    if (m == null) return await sendText(args, parley, await parley.send(to, text, { signal }), signal, wait)
    return await sendText(args, parley, m, signal, wait)
  } finally {
    wait.stop()
  }
}

/** Waits for the message to reach a relay or device and prints its id (exit EXIT_QUEUED when only queued). */
async function sendText (args: CliArgs, parley: Parley, m: StoredMessage, signal: AbortSignal, wait: { stop: (message?: string) => void }): Promise<void> {
  const to = m.conversation
  const attachment = parley.media.info(m)
  const line = (status: string): string => JSON.stringify({ id: m.id, to: m.conversation, status, timestamp: m.timestamp, ...(attachment != null ? { attachment: attachmentJson(attachment) } : {}) })
  const waited = AbortSignal.any([signal, AbortSignal.timeout(SEND_WAIT_MS)])
  const status = await parley.waitForStatus(to, m.id, ['sent', 'delivered', 'read', 'failed'], { signal: waited }).catch(err => {
    if (signal.aborted || !waited.aborted) throw err
    return 'pending' as const
  })
  if (status === 'failed') throw new Error('the message could not be delivered')
  if (status === 'pending') {
    wait.stop()
    if (args.json) out(line(status))
    else out(`${m.id} 🕓 queued`)
    throw new MessageQueuedError()
  }
  wait.stop()
  if (args.json) out(line(status))
  else out(`${m.id} ✓ ${status}`)
  // our other devices' transcript of it (linked devices) goes out too before we leave (bounded)
  await flushOutbox(parley)
}

/** `receive`: prints messages as they arrive (they are stored and acknowledged); ends when drained or after --timeout. */
export async function receiveCommand (args: CliArgs, parley: Parley, signal: AbortSignal, listenMs?: number): Promise<void> {
  // a message with a file: with --download its file is saved first, and the line says where
  const saving: Array<Promise<void>> = []
  const withFile = (conversation: string, id: string, attachment: string | undefined, print: (file?: Record<string, unknown>) => void): void => {
    const info = attachment != null ? parley.media.info({ attachment }) : undefined
    if (info == null) return print()
    if (args.download == null) return print(attachmentJson(info))
    const done = showProgress(parley, 'Downloading', x => x === id, args.json)
    saving.push(parley.media.download(conversation, id, { dir: resolve(args.download), signal }).then(path => {
      done()
      print(attachmentJson(info, path))
    }, err => {
      done()
      print({ ...attachmentJson(info), error: (err as Error).message })
    }))
  }
  parley.on('message', m => {
    withFile(m.from, m.id, m.attachment, file => { out(args.json ? messageJson(m, file) : `[${time(m.timestamp)}] ${m.from}: ${m.text}${file != null ? `  📎 ${String(file.path ?? file.name)}` : ''}`) })
  })
  parley.groups.on('group-message', m => {
    withFile(`group:${m.group}`, m.id, m.attachment, file => { out(args.json ? JSON.stringify({ ...groupMessageJson(m), ...(file != null ? { attachment: file } : {}) }) : `[${time(m.timestamp)}] ${m.from} in ${m.group.slice(0, 8)}…: ${m.text}${file != null ? `  📎 ${String(file.path ?? file.name)}` : ''}`) })
  })
  parley.groups.on('group-update', u => { if (args.json) out(JSON.stringify({ type: 'group', group: u.group, name: u.name, active: u.active, added: u.added, removed: u.removed })) })
  parley.on('receipt', r => { if (args.json) out(JSON.stringify({ type: 'receipt', phone: r.phone, id: r.id, status: r.status })) })
  // texts sent from another device of this account (linked devices)
  parley.on('sent', s => { out(args.json ? JSON.stringify({ type: 'sent', to: s.to, id: s.id, text: s.text, timestamp: s.timestamp, deviceId: s.sender.deviceId }) : `[${time(s.timestamp)}] you → ${s.to} (device ${s.sender.deviceId}): ${s.text}`) })
  parley.on('read-sync', r => { if (args.json) out(JSON.stringify({ type: 'read', phone: r.phone, ids: r.ids })) })
  parley.on('profile', e => { out(args.json ? JSON.stringify({ type: 'profile', ...profileJson(e) }) : profileLine(e)) })
  parley.on('takeover-attempt', e => { out(args.json ? JSON.stringify({ type: 'takeover-attempt', ...e }) : takeoverLine(e)) })
  parley.on('identity-changed', e => { out(args.json ? JSON.stringify({ type: 'identity-changed', ...e }) : identityLine(e)) })
  // the device checks its own record at start: receive reports what that check finds before it ends
  const ownRecord = parley.checkOwnRecord({ signal }).catch(() => {})
  if (listenMs != null) {
    // ^C ends the listening early, not the command: what arrived is still flushed below
    await sleep(listenMs, { signal }).catch(() => {})
  } else {
    await parley.drained({ signal })
    await parley.groups.drained()
  }
  await ownRecord
  await Promise.all(saving)
  await flushOutbox(parley)
}

/** `trust PHONE`: accepts a verified contact's new identity key; held messages then go out (for up to 5 s here, the rest at the next run). */
export async function trustCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  if (args.rest.length !== 1) throw new UsageError('trust takes one phone number')
  const c = await parley.acceptIdentity(args.rest[0], { signal }).catch(err => {
    throw err instanceof NotFoundError ? new Error(`you have no safety number for ${args.rest[0]} yet: nothing to accept`) : err
  })
  if (args.json) out(JSON.stringify({ phone: c.phone, identityKey: c.identityKey, safetyNumber: c.safetyNumber.digits, blocked: c.blocked }))
  else out(`✓ accepted the safety number ${c.safetyNumber.digits.replace(/(\d{5})(?=\d)/g, '$1 ')} for ${c.phone}; messages to it go out again`)
  await flushOutbox(parley)
}

/** `chat PHONE`: an interactive conversation; lines typed are sent; ticks show progress (⏱ pending, ✓ sent, ✓✓ delivered, ✓✓ read). */
export async function chatCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  if (args.rest.length !== 1) throw new UsageError('chat takes one phone number')
  const lookup = await parley.lookup(args.rest[0], { signal })
  if (!lookup.registered) throw new Error(`${lookup.phone} is not on Parley`)
  if (!lookup.verified) throw new UnverifiedNumberError()
  const peer = lookup.phone
  let name = (await parley.contactProfile(peer, { signal }))?.name
  const ticks: Record<string, string> = { pending: '⏱', sent: '✓', delivered: '✓✓', read: '✓✓ read', failed: '✗ failed' }
  for (const m of (await parley.history(peer, { limit: 20 })).reverse()) {
    out(`[${time(m.timestamp)}] ${m.direction === 'out' ? 'you' : name ?? peer}: ${m.text}${m.direction === 'out' ? `  ${ticks[m.status]}` : ''}`)
  }
  await parley.markRead(peer)
  out(`— chatting with ${label(peer, name)}; type a message and press Enter; Ctrl-D to leave —`)
  const mine = new Map<string, string>()
  parley.on('message', m => {
    if (m.from !== peer) return
    out(`[${time(m.timestamp)}] ${name ?? peer}: ${m.text}`)
    parley.markRead(peer).catch(() => {})
  })
  parley.on('status', e => {
    const text = mine.get(e.id)
    if (e.phone === peer && text != null) out(`  ${ticks[e.status]}  ${text.length > 40 ? text.slice(0, 39) + '…' : text}`)
  })
  parley.on('typing', e => { if (e.phone === peer && e.typing) out(`  ${name ?? peer} is typing…`) })
  parley.on('profile', e => {
    if (e.phone !== peer || e.name === name) return
    name = e.name
    out(`  ${profileLine(e)}`)
  })
  const rl = createInterface({ input: process.stdin })
  signal.addEventListener('abort', () => rl.close(), { once: true })
  for await (const line of rl) {
    const text = line.trim()
    if (text === '') continue
    const m = await parley.send(peer, text)
    mine.set(m.id, text)
    out(`[${time(m.timestamp)}] you: ${text}  ${ticks.pending}`)
  }
  await flushOutbox(parley)
}
