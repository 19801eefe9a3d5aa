// The group mailbox flags, and group mailboxes in a real relay process: only owners (devices with prekeys here) register topics, a stranger holding the key deposits, messages and cursors survive a restart, the metrics count them, and --group-mailbox-ttl expires them.
import { describe, it, expect } from 'vitest'
import { relayProcesses } from './relay-processes.js'
import { createServer } from 'node:net'
import type { Libp2p } from 'libp2p'
import type { RelayProcess } from '../../scripts/relay-process.js'
import { uploadPreKeys } from '../../src/protocols/prekeys/index.js'
import {
  depositGroupMessages, registerGroupTopics, fetchGroupMessages, getGroupMessagesByRef, groupDepositCheck, type GroupMessageEntry
} from '../../src/protocols/group-mailbox/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, publicSignedPreKey, publicKemPreKey, systemRandom } from '../../src/crypto/index.js'
import { retryUntil } from '../helpers/wait.js'
import { parseRelayConfig, usage } from '../../relay-node/src/config.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const untext = (b: Uint8Array): string => new TextDecoder().decode(b)

/** A device becomes an owner at a relay by uploading its prekeys there. */
async function uploadKeys (node: Libp2p, relay: RelayProcess, identity: IdentityKeyPair): Promise<void> {
  await uploadPreKeys(node, relay.addr('tcp'), {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, Date.now(), systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 100, Date.now(), true, systemRandom))
  })
}

async function fetchAll (node: Libp2p, relay: RelayProcess, identity: IdentityKeyPair, topic: Uint8Array, ack = false): Promise<GroupMessageEntry[]> {
  const fetch = await fetchGroupMessages(node, relay.addr('tcp'), { identity, topic })
  try {
    const out: GroupMessageEntry[] = []
    for await (const m of fetch) out.push(m)
    if (ack && out.length > 0) await fetch.ack(out[out.length - 1].position)
    return out
  } finally {
    await fetch.close()
  }
}

describe('parley-relay group mailboxes', () => {
  const { relay, node } = relayProcesses()
  const topic = systemRandom(32)
  const depositKey = systemRandom(32)


  it('lets only owners register, takes a stranger\'s deposits with the key, and keeps messages and cursors across a restart', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    const sender = await node()
    const probe = createServer()
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise<void>(resolve => probe.close(() => resolve()))
    let r = await relay('restart', ['--metrics-port', String(port)])
    const reg = { identity: owner, topics: [{ topic, depositCheck: groupDepositCheck(depositKey) }] }
    await expect(registerGroupTopics(device, r.addr('tcp'), reg)).rejects.toMatchObject({ name: 'GroupMailboxAuthError' })
    await uploadKeys(device, r, owner)
    await registerGroupTopics(device, r.addr('tcp'), reg)
    const [wrong] = await depositGroupMessages(sender, r.addr('tcp'), [{ topic, depositKey: systemRandom(32), message: text('spam') }])
    expect(wrong).toMatchObject({ name: 'UnknownGroupTopicError' })
    const receipts = await depositGroupMessages(sender, r.addr('tcp'), ['one', 'two', 'three'].map(m => ({ topic, depositKey, message: text(m) })))
    expect(receipts.every(x => !(x instanceof Error))).toBe(true)
    const first = await fetchGroupMessages(device, r.addr('tcp'), { identity: owner, topic })
    const seen: GroupMessageEntry[] = []
    for await (const m of first) seen.push(m)
    await first.ack(seen[0].position)
    await first.close()
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    expect(metrics).toMatch(/^parley_group_mailbox_deposits_total 3$/m)
    expect(metrics).toMatch(/^parley_group_mailbox_refusals_total 1$/m)
    expect(metrics).toMatch(/^parley_group_mailbox_delivered_total 3$/m)
    expect(metrics).toMatch(/^parley_group_mailbox_acked_total 1$/m)
    // a member repairs a gap by ref, without authenticating
    const refs = receipts.map(x => (x as { ref: Uint8Array }).ref)
    expect((await getGroupMessagesByRef(await node(), r.addr('tcp'), { topic, depositKey, refs })).map(m => untext(m.message))).toEqual(['two', 'three'])
    expect(await r.stop()).toBe(0)
    r = await relay('restart')
    expect((await fetchAll(device, r, owner, topic, true)).map(m => untext(m.message))).toEqual(['two', 'three'])
    expect(await fetchAll(device, r, owner, topic)).toEqual([])
    // everything acked by the only device is gone
    expect(await getGroupMessagesByRef(await node(), r.addr('tcp'), { topic, depositKey, refs })).toEqual([])
  })

  it('expires group messages after --group-mailbox-ttl', async () => {
    const owner = IdentityKeyPair.generate(systemRandom)
    const device = await node()
    const r = await relay('ttl', ['--group-mailbox-ttl', '1500'])
    await uploadKeys(device, r, owner)
    await registerGroupTopics(device, r.addr('tcp'), { identity: owner, topics: [{ topic, depositCheck: groupDepositCheck(depositKey) }] })
    const [ok] = await depositGroupMessages(await node(), r.addr('tcp'), [{ topic, depositKey, message: text('short-lived') }])
    expect(ok).not.toBeInstanceOf(Error)
    expect(await fetchAll(device, r, owner, topic)).toHaveLength(1)
    await retryUntil(async () => { if ((await fetchAll(device, r, owner, topic)).length !== 0) throw new Error('still there') }, { timeout: 10_000, interval: 250, what: 'expiry' })
  })
})

describe('group mailbox flags', () => {
  const parse = (argv: string[], env: Record<string, string> = {}): Record<string, unknown> => {
    const r = parseRelayConfig(['--data', '/tmp/x', ...argv], env)
    if (r.help) throw new Error('help')
    return r.config as unknown as Record<string, unknown>
  }

  it('has the documented defaults, takes flags and PARLEY_* variables (flags win), and refuses values out of range', () => {
    expect(parse([])).toMatchObject({ groupMailboxTtlMs: 30 * 24 * 3600 * 1000, groupMailboxMaxMessages: 100_000, groupMailboxMaxBytes: 512 * 1024 * 1024, groupMailboxMaxTopics: 512 })
    expect(parse(['--group-mailbox-ttl', '1500', '--group-mailbox-max-messages', '7', '--group-mailbox-max-bytes', '2048', '--group-mailbox-max-topics', '3']))
      .toMatchObject({ groupMailboxTtlMs: 1500, groupMailboxMaxMessages: 7, groupMailboxMaxBytes: 2048, groupMailboxMaxTopics: 3 })
    expect(parse(['--group-mailbox-max-topics', '9'], { PARLEY_GROUP_MAILBOX_MAX_TOPICS: '4', PARLEY_GROUP_MAILBOX_TTL: '5000' })).toMatchObject({ groupMailboxMaxTopics: 9, groupMailboxTtlMs: 5000 })
    expect(() => parse(['--group-mailbox-ttl', '999'])).toThrow('--group-mailbox-ttl: 999 is out of range')
    expect(() => parse(['--group-mailbox-max-topics', '0'])).toThrow('--group-mailbox-max-topics: 0 is out of range')
    expect(() => parse(['--group-mailbox-max-bytes', '1023'])).toThrow('--group-mailbox-max-bytes: 1023 is out of range')
    expect(usage()).toContain('--group-mailbox-max-messages')
  })
})
