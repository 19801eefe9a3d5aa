/** The `parley group …` and `parley broadcast …` commands: create and change groups, send to them, list and inspect them; broadcast lists. Talks only to the Parley facade. */
import { createHash } from 'node:crypto'
import type { Parley, GroupInfo, GroupMessageEvent, MessageStatus } from '../index.js'
import { UsageError, type CliArgs } from './args.js'
import { flushOutbox, MessageQueuedError, SEND_WAIT_MS } from './messaging.js'
import { spinner } from './progress.js'
import { readPhoto } from './profile.js'
import { attachmentJson, sendGroupFile } from './media.js'

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** A group message as a `receive --json` line (the contract: type, group, from, text). */
export const groupMessageJson = (m: GroupMessageEvent): Record<string, unknown> => ({
  type: 'message', group: m.group, id: m.id, from: m.from, text: m.text, timestamp: m.timestamp, receivedAt: m.receivedAt,
  ...(m.mentions.length > 0 ? { mentions: m.mentions } : {}), ...(m.mentioned ? { mentioned: true } : {}), ...(m.quoteId != null ? { quoteId: m.quoteId } : {})
})

/** `photoSha256`: the SHA-256 (hex) of the group photo's image once this device holds it (scripts compare it with the file they set). */
const infoJson = (g: GroupInfo, image?: Uint8Array): Record<string, unknown> => ({
  groupId: g.groupId, name: g.name, description: g.description, active: g.active, role: g.role ?? null,
  members: g.memberList.map(m => ({ phone: m.phone, role: m.role })), photo: g.photo, onlyAdminsSend: g.onlyAdminsSend, onlyAdminsEditInfo: g.onlyAdminsEditInfo,
  stateHash: g.stateHash, version: g.version, ...(image != null ? { photoSha256: createHash('sha256').update(image).digest('hex') } : {})
})

function printInfo (args: CliArgs, g: GroupInfo, image?: Uint8Array): void {
  if (args.json) {
    out(JSON.stringify(infoJson(g, image)))
    return
  }
  out(`${g.name}  (${g.groupId})${g.active ? '' : '  — you are not a member'}`)
  if (g.photo) out(`  photo: ${image != null ? `${(image.length / 1024).toFixed(1)} KiB` : 'on its way'}`)
  for (const m of g.memberList) out(`  ${m.phone.padEnd(16)} ${m.role}${m.self ? '  (you)' : ''}`)
}

/** Waits (bounded by SEND_WAIT_MS) until the group message is at a relay; MessageQueuedError when it is only queued. */
async function waitUntilSent (parley: Parley, group: string, id: string, signal: AbortSignal): Promise<MessageStatus> {
  const done: MessageStatus[] = ['sent', 'delivered', 'read', 'failed']
  const current = (await parley.groups.history(group, { limit: 50 })).find(m => m.id === id)?.status
  if (current != null && done.includes(current)) return current
  return await new Promise<MessageStatus>((resolve, reject) => {
    const finish = (status: MessageStatus): void => {
      clearTimeout(timer)
      parley.groups.off('group-status', listener)
      signal.removeEventListener('abort', aborted)
      resolve(status)
    }
    const listener = (e: { group: string, id: string, status: MessageStatus }): void => { if (e.group === group && e.id === id && done.includes(e.status)) finish(e.status) }
    const aborted = (): void => {
      clearTimeout(timer)
      parley.groups.off('group-status', listener)
      reject(signal.reason)
    }
    const timer = setTimeout(() => finish('pending'), SEND_WAIT_MS)
    parley.groups.on('group-status', listener)
    signal.addEventListener('abort', aborted, { once: true })
  })
}

export async function groupCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  const [sub, ...rest] = args.rest
  switch (sub) {
    case 'create': {
      if (rest.length < 1) throw new UsageError('group create takes a name and the members\' phone numbers')
      const [name, ...phones] = rest
      const wait = spinner('Creating the group…')
      const g = await parley.groups.create(name, phones, { signal }).finally(() => wait.stop())
      printInfo(args, g)
      await flushOutbox(parley)
      return
    }
    case 'send': {
      if (args.file != null ? rest.length !== 1 : rest.length < 2) throw new UsageError(args.file != null ? 'group send --file takes a group id (the caption goes in --caption)' : 'group send takes a group id and the text')
      const [group, ...words] = rest
      // a file: uploaded first (progress on stderr), then its message goes like a text
      const file = args.file != null ? await sendGroupFile(args, parley, group, signal) : undefined
      const wait = spinner('Sending…')
      try {
        const m = file ?? await parley.groups.send(group, words.join(' '), { signal })
        const status = await waitUntilSent(parley, group, m.id, signal)
        wait.stop()
        if (status === 'failed') throw new Error('no relay of the group could take the message')
        const attachment = parley.media.info(m)
        if (args.json) out(JSON.stringify({ id: m.id, group, status, timestamp: m.timestamp, ...(attachment != null ? { attachment: attachmentJson(attachment) } : {}) }))
        else out(`${m.id} ${status === 'pending' ? '🕓 queued' : `✓ ${status}`}`)
        if (status === 'pending') throw new MessageQueuedError()
        await flushOutbox(parley)
      } finally {
        wait.stop()
      }
      return
    }
    case 'add':
    case 'remove': {
      if (rest.length < 2) throw new UsageError(`group ${sub} takes a group id and one or more phone numbers`)
      const [group, ...phones] = rest
      let g: GroupInfo | undefined
      if (sub === 'add') g = await parley.groups.add(group, phones, { signal })
      else for (const phone of phones) g = await parley.groups.remove(group, phone, { signal })
      printInfo(args, g!)
      await flushOutbox(parley)
      return
    }
    case 'promote':
    case 'demote': {
      if (rest.length !== 2) throw new UsageError(`group ${sub} takes a group id and one phone number`)
      const g = sub === 'promote' ? await parley.groups.promote(rest[0], rest[1], { signal }) : await parley.groups.demote(rest[0], rest[1], { signal })
      printInfo(args, g)
      await flushOutbox(parley)
      return
    }
    case 'leave': {
      if (rest.length !== 1) throw new UsageError('group leave takes a group id')
      await parley.groups.leave(rest[0], { signal })
      if (args.json) out(JSON.stringify({ groupId: rest[0], left: true }))
      else out(`✓ you left the group ${rest[0]}`)
      await flushOutbox(parley)
      return
    }
    case 'photo': {
      // `group photo ID FILE` sets a JPEG or PNG (at most 64 KiB); `group photo ID` removes the photo
      if (rest.length < 1 || rest.length > 2) throw new UsageError('group photo takes a group id and a JPEG or PNG file (no file: remove the photo)')
      const photo = rest.length === 2 ? await readPhoto(rest[1], 'group photo') : null
      const g = await parley.groups.editInfo(rest[0], { photo }, { signal })
      printInfo(args, g, photo ?? undefined)
      await flushOutbox(parley)
      return
    }
    case 'invite': {
      if (rest.length !== 1) throw new UsageError('group invite takes a group id')
      const link = await parley.groups.inviteLink(rest[0], { signal })
      if (args.json) out(JSON.stringify({ groupId: rest[0], link }))
      else out(link)
      await flushOutbox(parley)
      return
    }
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('group revoke takes a group id')
      await parley.groups.revokeInviteLink(rest[0], { signal })
      if (args.json) out(JSON.stringify({ groupId: rest[0], link: null }))
      else out('✓ the invite link no longer works')
      await flushOutbox(parley)
      return
    }
    case 'join': {
      if (rest.length !== 1) throw new UsageError('group join takes an invite link')
      const { groupId } = await parley.groups.join(rest[0], { signal })
      if (args.json) out(JSON.stringify({ groupId, requested: true }))
      else out(`✓ asked to join ${groupId}; you are in once a member answers (parley receive)`)
      await flushOutbox(parley)
      return
    }
    case 'list': {
      if (rest.length !== 0) throw new UsageError('group list takes no arguments')
      const groups = await parley.groups.list({ signal })
      if (args.json) out(JSON.stringify(groups.map(g => ({ groupId: g.groupId, name: g.name, members: g.members, active: g.active, role: g.role ?? null }))))
      else if (groups.length === 0) out('no groups')
      else for (const g of groups) out(`${g.groupId}  ${g.name}  (${g.members} member${g.members === 1 ? '' : 's'}${g.active ? '' : ', left'})`)
      return
    }
    case 'info': {
      if (rest.length !== 1) throw new UsageError('group info takes a group id')
      const g = await parley.groups.info(rest[0], { signal })
      printInfo(args, g, g.photo ? await parley.groups.photo(rest[0], { signal }) : undefined)
      return
    }
    default:
      throw new UsageError('group create|send|add|remove|promote|demote|leave|photo|invite|revoke|join|list|info (see --help)')
  }
}

export async function broadcastCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  const [sub, ...rest] = args.rest
  switch (sub) {
    case 'create': {
      if (rest.length < 2) throw new UsageError('broadcast create takes a name and one or more phone numbers')
      const [name, ...phones] = rest
      const list = await parley.broadcasts.create(name, phones, { signal })
      if (args.json) out(JSON.stringify({ broadcastId: list.id, name: list.name, phones: list.phones }))
      else out(`${list.id}  ${list.name}  (${list.phones.length} contact${list.phones.length === 1 ? '' : 's'})`)
      return
    }
    case 'send': {
      if (rest.length < 2) throw new UsageError('broadcast send takes a list id and the text')
      const [id, ...words] = rest
      const sent = await parley.broadcasts.send(id, words.join(' '), { signal })
      if (args.json) out(JSON.stringify({ broadcastId: id, sent }))
      else for (const s of sent) out(`${s.phone}: ${s.id != null ? `${s.id} queued` : `✗ ${s.error ?? 'not sent'}`}`)
      await flushOutbox(parley)
      if (sent.every(s => s.id == null)) throw new Error('the message could not be sent to anyone on the list')
      return
    }
    case 'list': {
      const lists = await parley.broadcasts.list({ signal })
      if (args.json) out(JSON.stringify(lists.map(l => ({ broadcastId: l.id, name: l.name, phones: l.phones }))))
      else if (lists.length === 0) out('no broadcast lists')
      else for (const l of lists) out(`${l.id}  ${l.name}  (${l.phones.join(', ')})`)
      return
    }
    default:
      throw new UsageError('broadcast create|send|list (see --help)')
  }
}
