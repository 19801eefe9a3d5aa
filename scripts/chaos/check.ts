/**
 * The chaos run's invariants, checked after the fact from what the device drivers printed (every lifetime of
 * every device) and what their stores held once stopped (`device.js --dump`). Pure: no processes, no I/O.
 */
import type { DriverEvent, StoreDump } from './protocol.js'
import { tidOf } from './protocol.js'

/** One text the harness asked a device to send. */
export interface TextRecord {
  tid: string
  from: string
  to: string
  /** when the harness gave the command */
  issuedAt: number
  /** the driver's `send-start` */
  startAt?: number
  /** the driver's `ack` (send() resolved) and the message id */
  ackAt?: number
  id?: string
  error?: { name: string, message: string }
}

export interface DeviceRecord {
  name: string
  phone: string
  /** every event of every lifetime, in order */
  events: DriverEvent[]
  /** the store after the run (absent when the dump failed) */
  dump?: StoreDump
}

export interface KillRecord { at: number, kind: 'relay' | 'device', name: string }

export interface Example { [key: string]: unknown }

export interface CheckResult {
  texts: {
    /** send commands given */
    sent: number
    /** send() resolved */
    acked: number
    /** send() rejected, by error name */
    sendErrors: Record<string, number>
    /** never answered (the sender died first) */
    unanswered: number
    /** texts announced by a `message` event at their recipient (distinct) */
    delivered: number
    /** of those, texts whose send() never resolved (the sender died after storing it) */
    deliveredUnacked: number
    /** acknowledged texts never announced at their recipient */
    undelivered: number
    /** texts announced more than once (any device, any lifetime) */
    duplicates: number
    /** announced at a device other than the recipient, or from another number than the sender */
    misdelivered: number
    /** outgoing texts in the sender's history with status 'pending' and no outbox entry */
    stuck: number
    /** acknowledged texts missing from the sender's history */
    lostFromHistory: number
    /** incoming texts in a device's history never announced by a `message` event there */
    unannounced: number
    /** `undecryptable` events (there is no backup restore in a chaos run: each is a copy of something or a loss) */
    undecryptable: number
    /** delivered texts whose status in the sender's store is not 'delivered' or 'read' */
    receiptsMissing: number
    /** delivered texts whose sender's store says delivered but that no `status` event announced */
    receiptEventsMissing: number
    /** outbox entries left in the stores after quiescence, by kind */
    outboxLeft: Record<string, number>
  }
  latencyMs: {
    /** send() called → announced at the recipient, acknowledged texts */
    n: number, p50?: number, p99?: number, max?: number
    /** only texts during whose flight nothing was killed */
    undisturbed: { n: number, p50?: number, p99?: number, max?: number }
  }
  /** one sentence per violated invariant */
  violations: string[]
  /** a few cases of each violation, for the report */
  examples: Record<string, Example[]>
  /** what the devices saw right after restarts: distinct pending texts without an outbox entry (a kill left them; a later receipt may have moved some on) */
  atStartup: { pendingWithoutOutbox: number }
}

const EXAMPLES = 5

export function percentile (sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]
}

function stats (values: number[]): { n: number, p50?: number, p99?: number, max?: number } {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return { n: 0 }
  return { n: sorted.length, p50: percentile(sorted, 50)!, p99: percentile(sorted, 99)!, max: sorted[sorted.length - 1] }
}

export function checkRun (texts: TextRecord[], devices: DeviceRecord[], kills: KillRecord[]): CheckResult {
  const examples: Record<string, Example[]> = {}
  const example = (kind: string, e: Example): void => {
    const list = examples[kind] ??= []
    if (list.length < EXAMPLES) list.push(e)
  }
  const byTid = new Map(texts.map(t => [t.tid, t]))
  const byId = new Map(texts.filter(t => t.id != null).map(t => [t.id!, t]))
  const deviceOf = new Map(devices.map(d => [d.phone, d]))

  // announcements
  const announced = new Map<string, Array<{ device: string, phone: string, from: string, id: string, at: number }>>()
  const announcedIds = new Map<string, Set<string>>()
  for (const d of devices) {
    const ids = new Set<string>()
    announcedIds.set(d.name, ids)
    for (const e of d.events) {
      if (e.ev !== 'message') continue
      ids.add(e.id)
      const tid = tidOf(e.text)
      if (tid == null) continue
      const list = announced.get(tid) ?? []
      list.push({ device: d.name, phone: d.phone, from: e.from, id: e.id, at: e.at })
      announced.set(tid, list)
    }
  }
  // ids the sender's history gives texts whose send() never resolved
  for (const d of devices) {
    for (const m of d.dump?.history ?? []) {
      const tid = m.direction === 'out' ? tidOf(m.text) : undefined
      const t = tid == null ? undefined : byTid.get(tid)
      if (t != null && t.id == null && t.from === d.phone) { t.id = m.id; byId.set(m.id, t) }
    }
  }

  const sendErrors: Record<string, number> = {}
  let acked = 0
  let unanswered = 0
  let undelivered = 0
  let duplicates = 0
  let misdelivered = 0
  let delivered = 0
  let deliveredUnacked = 0
  let lostFromHistory = 0
  let receiptsMissing = 0
  let receiptEventsMissing = 0
  const latencies: number[] = []
  const undisturbed: number[] = []
  const killTimes = kills.map(k => k.at).sort((a, b) => a - b)
  const killedWithin = (from: number, to: number): boolean => killTimes.some(t => t >= from && t <= to)

  for (const t of texts) {
    if (t.ackAt != null) acked++
    else if (t.error != null) sendErrors[t.error.name] = (sendErrors[t.error.name] ?? 0) + 1
    else unanswered++
    const got = announced.get(t.tid) ?? []
    const sender = deviceOf.get(t.from)
    const inSenderHistory = t.id == null ? undefined : sender?.dump?.history.find(m => m.id === t.id && m.direction === 'out')
    if (t.ackAt != null && sender?.dump != null && inSenderHistory == null) {
      lostFromHistory++
      example('lostFromHistory', { tid: t.tid, id: t.id, from: t.from, to: t.to, ackAt: t.ackAt })
    }
    if (got.length === 0) {
      if (t.ackAt != null) {
        undelivered++
        const recipient = deviceOf.get(t.to)
        example('undelivered', {
          tid: t.tid, id: t.id, from: t.from, to: t.to, startAt: t.startAt, ackAt: t.ackAt,
          senderStatus: inSenderHistory?.status,
          inSenderOutbox: sender?.dump?.outbox.some(o => o.id === t.id),
          inRecipientHistory: recipient?.dump?.history.some(m => m.id === t.id)
        })
      }
      continue
    }
    delivered++
    if (t.ackAt == null) deliveredUnacked++
    if (got.length > 1) {
      duplicates++
      example('duplicates', { tid: t.tid, id: t.id, from: t.from, to: t.to, announcements: got.map(g => ({ device: g.device, at: g.at, id: g.id })) })
    }
    const wrong = got.filter(g => g.phone !== t.to || g.from !== t.from)
    if (wrong.length > 0) {
      misdelivered++
      example('misdelivered', { tid: t.tid, from: t.from, to: t.to, announcements: wrong })
    }
    const first = Math.min(...got.map(g => g.at))
    if (t.ackAt != null && t.startAt != null) {
      latencies.push(first - t.startAt)
      if (!killedWithin(t.startAt, first)) undisturbed.push(first - t.startAt)
    }
    // the receipt: the sender's store must say delivered (or read)
    const id = t.id ?? got[0].id
    const status = sender?.dump?.history.find(m => m.id === id && m.direction === 'out')?.status
    if (sender?.dump != null && status !== 'delivered' && status !== 'read') {
      receiptsMissing++
      example('receiptsMissing', { tid: t.tid, id, from: t.from, to: t.to, senderStatus: status ?? 'not in history', deliveredAt: first, acked: t.ackAt != null })
    } else if (sender != null && !sender.events.some(e => e.ev === 'status' && e.id === id && (e.status === 'delivered' || e.status === 'read'))) {
      receiptEventsMissing++
      example('receiptEventsMissing', { tid: t.tid, id, from: t.from, to: t.to })
    }
  }

  // announced texts the harness never sent (a bug in the harness or a phantom)
  for (const [tid, got] of announced) {
    if (!byTid.has(tid)) {
      misdelivered++
      example('misdelivered', { tid, unknown: true, announcements: got })
    }
  }

  let stuck = 0
  let unannounced = 0
  let undecryptable = 0
  const atStartup = new Set<string>()
  const outboxLeft: Record<string, number> = {}
  for (const d of devices) {
    for (const e of d.events) {
      if (e.ev === 'undecryptable') {
        undecryptable++
        example('undecryptable', { device: d.name, phone: e.phone, reason: e.reason, at: e.at })
      }
      if (e.ev === 'ready') for (const p of e.pendingWithoutOutbox) atStartup.add(`${d.name}/${p.id}`)
    }
    if (d.dump == null) continue
    const outboxIds = new Set(d.dump.outbox.map(o => o.id))
    for (const o of d.dump.outbox) outboxLeft[o.kind] = (outboxLeft[o.kind] ?? 0) + 1
    const ids = announcedIds.get(d.name)!
    for (const m of d.dump.history) {
      const tid = tidOf(m.text)
      if (m.direction === 'out' && m.status === 'pending' && !outboxIds.has(m.id)) {
        stuck++
        const t = tid == null ? undefined : byTid.get(tid)
        example('stuck', { device: d.name, tid, id: m.id, to: m.conversation, timestamp: m.timestamp, acked: t?.ackAt != null, deliveredAnyway: tid != null && announced.has(tid) })
      }
      if (m.direction === 'in' && !ids.has(m.id)) {
        unannounced++
        example('unannounced', { device: d.name, tid, id: m.id, from: m.sender, receivedAt: m.receivedAt })
      }
    }
  }

  const violations: string[] = []
  const must = (n: number, what: string): void => { if (n > 0) violations.push(`${n} ${what}`) }
  must(undelivered, 'acknowledged text(s) never delivered')
  must(duplicates, 'text(s) delivered more than once')
  must(misdelivered, 'text(s) announced at the wrong device or from the wrong number')
  must(stuck, "text(s) left 'pending' in history without an outbox entry")
  must(lostFromHistory, "acknowledged text(s) missing from the sender's history")
  must(unannounced, 'stored text(s) never announced by a message event')
  must(undecryptable, "'undecryptable' event(s)")
  must(receiptsMissing, "delivered text(s) whose receipt never reached the sender's store")

  return {
    texts: { sent: texts.length, acked, sendErrors, unanswered, delivered, deliveredUnacked, undelivered, duplicates, misdelivered, stuck, lostFromHistory, unannounced, undecryptable, receiptsMissing, receiptEventsMissing, outboxLeft },
    latencyMs: { ...stats(latencies), undisturbed: stats(undisturbed) },
    violations,
    examples,
    atStartup: { pendingWithoutOutbox: atStartup.size }
  }
}
