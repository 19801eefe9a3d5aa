// The chaos run's invariant checker on hand-made logs and store dumps: each violation is seen, a clean run has none.
import { describe, it, expect } from 'vitest'
import { checkRun, percentile, type DeviceRecord, type TextRecord } from '../../scripts/chaos/check.js'
import type { DriverEvent, StoreDump } from '../../scripts/chaos/protocol.js'
import type { StoredMessage } from '../../src/index.js'

const A = '+15550770000'
const B = '+15550770001'
const id = (n: number): string => n.toString(16).padStart(32, '0')

function out (n: number, status: StoredMessage['status'], to = B): StoredMessage {
  return { id: id(n), conversation: to, direction: 'out', sender: A, text: `chaos t${n} x`, timestamp: 1000 + n, receivedAt: 1000 + n, status }
}
function incoming (n: number, from = A): StoredMessage {
  return { id: id(n), conversation: from, direction: 'in', sender: from, text: `chaos t${n} x`, timestamp: 1000 + n, receivedAt: 1100 + n, status: 'delivered' }
}
const message = (n: number, at: number, from = A): DriverEvent => ({ ev: 'message', id: id(n), from, text: `chaos t${n} x`, timestamp: 1000 + n, at })
const delivered = (n: number, at: number): DriverEvent => ({ ev: 'status', phone: B, id: id(n), status: 'delivered', at })
const text = (n: number, acked = true): TextRecord => ({ tid: `t${n}`, from: A, to: B, issuedAt: 1000 + n, startAt: 1000 + n, ...(acked ? { ackAt: 1001 + n, id: id(n) } : {}) })
const dump = (history: StoredMessage[], outbox: StoreDump['outbox'] = []): StoreDump => ({ ev: 'dump', history, outbox })

/** A clean exchange of texts 1 and 2 from A to B. */
function clean (): { texts: TextRecord[], devices: DeviceRecord[] } {
  return {
    texts: [text(1), text(2)],
    devices: [
      { name: 'a', phone: A, events: [delivered(1, 1200), delivered(2, 1300)], dump: dump([out(1, 'delivered'), out(2, 'delivered')]) },
      { name: 'b', phone: B, events: [message(1, 1101), message(2, 1202)], dump: dump([incoming(1), incoming(2)]) }
    ]
  }
}

describe('chaos invariant check', () => {
  it('a clean run violates nothing and measures latency from send() to the message event', () => {
    const { texts, devices } = clean()
    const r = checkRun(texts, devices, [])
    expect(r.violations).toEqual([])
    expect(r.texts).toMatchObject({ sent: 2, acked: 2, delivered: 2, undelivered: 0, duplicates: 0, stuck: 0, unannounced: 0, receiptsMissing: 0 })
    expect(r.latencyMs).toMatchObject({ n: 2, p50: 100, max: 200, undisturbed: { n: 2 } })
    // a kill during the second text's flight: it no longer counts as undisturbed
    expect(checkRun(texts, devices, [{ at: 1150, kind: 'relay', name: 'r' }]).latencyMs.undisturbed.n).toBe(1)
  })

  it('an acknowledged text never announced, and a duplicate announcement', () => {
    const { texts, devices } = clean()
    devices[1].events = [message(1, 1101), message(1, 1500)]
    devices[1].dump = dump([incoming(1)])
    devices[0].dump = dump([out(1, 'delivered'), out(2, 'sent')])
    const r = checkRun(texts, devices, [])
    expect(r.texts.undelivered).toBe(1)
    expect(r.texts.duplicates).toBe(1)
    expect(r.examples.undelivered[0]).toMatchObject({ tid: 't2', senderStatus: 'sent', inSenderOutbox: false, inRecipientHistory: false })
    expect(r.violations).toHaveLength(2)
  })

  it("a pending text without an outbox entry is stuck (acknowledged or not); with one it is not", () => {
    const { texts, devices } = clean()
    texts.push(text(3, false))
    devices[0].dump = dump([out(1, 'delivered'), out(2, 'delivered'), out(3, 'pending'), out(4, 'pending')], [{ id: id(4), to: B, kind: 'message', attempts: 1, createdAt: 1004, nextAttemptAt: 2000 }])
    const r = checkRun(texts, devices, [])
    expect(r.texts.stuck).toBe(1)
    expect(r.examples.stuck[0]).toMatchObject({ tid: 't3', acked: false, deliveredAnyway: false })
    expect(r.texts.outboxLeft).toEqual({ message: 1 })
    expect(r.texts.unanswered).toBe(1)
  })

  it('what the devices found at start-up is counted once per text, however many restarts saw it', () => {
    const { texts, devices } = clean()
    const ready = (at: number): DriverEvent => ({ ev: 'ready', peerId: 'p', phone: A, outbox: 0, pendingWithoutOutbox: [{ id: id(1), to: B, text: 'chaos t1 x', timestamp: 1001 }], at })
    devices[0].events.unshift(ready(900), ready(950))
    const r = checkRun(texts, devices, [])
    expect(r.atStartup.pendingWithoutOutbox).toBe(1)
    expect(r.violations).toEqual([])
  })

  it('a stored text never announced, a missing receipt, undecryptable events, a text lost from history', () => {
    const { texts, devices } = clean()
    devices[1].events = [message(1, 1101), { ev: 'undecryptable', phone: A, reason: 'DecryptionError', at: 1400 }]
    devices[0].dump = dump([out(1, 'sent')])
    const r = checkRun(texts, devices, [])
    expect(r.texts).toMatchObject({ unannounced: 1, receiptsMissing: 1, undecryptable: 1, lostFromHistory: 1, undelivered: 1 })
    expect(r.examples.unannounced[0]).toMatchObject({ device: 'b', tid: 't2' })
    expect(r.violations).toHaveLength(5)
  })

  it('a text announced at the wrong device or from the wrong number', () => {
    const { texts, devices } = clean()
    devices[1].events = [message(1, 1101, '+15550779999'), message(2, 1202)]
    expect(checkRun(texts, devices, []).texts.misdelivered).toBe(1)
  })

  it('a receipt stored but never announced is reported, not a violation', () => {
    const { texts, devices } = clean()
    devices[0].events = [delivered(1, 1200)]
    const r = checkRun(texts, devices, [])
    expect(r.texts.receiptEventsMissing).toBe(1)
    expect(r.violations).toEqual([])
  })

  it('percentiles by nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(v, 50)).toBe(50)
    expect(percentile(v, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeUndefined()
  })
})
