// The verifier in a real relay process: --verifier with the log and webhook SMS gateways, the verifierKey in the listening line, code expiry, and SMS-pumping limits against a hostile client with fresh peer ids.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { RELAY_BIN } from '../../scripts/paths.js'
import { requestVerificationCode, confirmVerificationCode } from '../../src/protocols/verify/index.js'
import { IdentityKeyPair, systemRandom, decodeAttestation, directoryHash, directoryDhtKey } from '../../src/crypto/index.js'
import { toHex } from '../../src/crypto/bytes.js'
import { PARLEY_NETWORK_SALT } from '../../src/crypto/directory-salt.js'
import { startNode } from '../protocols/nodes.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { runToExit } from '../helpers/process.js'
import { smsInbox } from '../helpers/sms.js'
import { REQUESTS_PER_IP, REQUESTS_PER_PREFIX } from '../../relay-node/src/verifier/index.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

async function runRelay (args: string[]): Promise<{ code: number | null, stderr: string }> {
  return await runToExit(RELAY_BIN, args)
}

describe('parley-relay --verifier', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  const relays: RelayProcess[] = []
  const nodes: Libp2p[] = []
  const node = async (): Promise<Libp2p> => {
    const n = await startNode()
    nodes.push(n)
    return n
  }

  beforeAll(async () => { dir = await tempDir() })
  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await Promise.all(relays.map(async r => await r.stop()))
    await dir.remove()
  })

  it('prints verifierKey; the code arrives as an sms line on stdout and buys an attestation signed by that key', async () => {
    const inbox = smsInbox()
    const logs: string[] = []
    const dataDir = join(dir.path, 'log')
    const relay = await startRelayProcess({ dataDir, listen: LOOPBACK, args: ['--verifier', '--sms-gateway', 'log'], onEvent: inbox.onEvent, onLog: l => logs.push(l) })
    relays.push(relay)
    const verifierKey = relay.listening.verifierKey as string
    expect(verifierKey).toMatch(/^[0-9a-f]{64}$/)

    const client = await node()
    const identity = IdentityKeyPair.generate(systemRandom)
    const before = inbox.count
    await requestVerificationCode(client, relay.addr('tcp'), '+1 555 000 1111')
    const code = await inbox.next('+15550001111', before)

    // a wrong try first: refused with the tries left, the right code still works
    await expect(confirmVerificationCode(client, relay.addr('tcp'), '+15550001111', code === '000000' ? '111111' : '000000', identity.publicKey))
      .rejects.toMatchObject({ name: 'WrongCodeError', triesLeft: 4 })
    const a = decodeAttestation(await confirmVerificationCode(client, relay.addr('tcp'), '+15550001111', code, identity.publicKey))
    expect(toHex(a.verifierKey)).toBe(verifierKey)
    expect(toHex(a.identityKey)).toBe(toHex(identity.publicKey))
    expect(`/parley-phone/${toHex(a.directoryKey)}`).toBe(directoryDhtKey(await directoryHash('+15550001111', PARLEY_NETWORK_SALT)))

    // never a number or a code on stderr
    expect(logs.join('\n')).not.toContain('5550001111')
    expect(logs.join('\n')).not.toContain(code)

    // the same data dir keeps the verifier key
    await relay.stop()
    relays.splice(relays.indexOf(relay), 1)
    const again = await startRelayProcess({ dataDir, listen: LOOPBACK, args: ['--verifier', '--sms-gateway', 'log'] })
    relays.push(again)
    expect(again.listening.verifierKey).toBe(verifierKey)
  })

  it('a relay without --verifier prints no verifierKey and does not speak the protocol', async () => {
    const relay = await startRelayProcess({ dataDir: join(dir.path, 'plain'), listen: LOOPBACK })
    relays.push(relay)
    expect(relay.listening.verifierKey).toBeUndefined()
    await expect(requestVerificationCode(await node(), relay.addr('tcp'), '+15550001111')).rejects.toThrow()
  })

  it('codes expire (--verify-code-ttl 1000)', async () => {
    const inbox = smsInbox()
    const relay = await startRelayProcess({ dataDir: join(dir.path, 'ttl'), listen: LOOPBACK, args: ['--verifier', '--sms-gateway=log', '--verify-code-ttl', '1000'], onEvent: inbox.onEvent })
    relays.push(relay)
    const client = await node()
    const identity = IdentityKeyPair.generate(systemRandom)
    const before = inbox.count
    const { expiresInMs } = await requestVerificationCode(client, relay.addr('tcp'), '+15550002222')
    expect(expiresInMs).toBe(1000)
    const code = await inbox.next('+15550002222', before)
    const err = await retryUntil(async () => {
      const e = await confirmVerificationCode(client, relay.addr('tcp'), '+15550002222', code === '000000' ? '111111' : '000000', identity.publicKey).catch(x => x)
      if (e.name !== 'CodeExpiredError') throw new Error(`still ${e.name}`)
      return e
    }, { timeout: 10_000, interval: 250, what: 'code expiry' })
    expect(err.name).toBe('CodeExpiredError')
    // the right code is refused too once expired
    await expect(confirmVerificationCode(client, relay.addr('tcp'), '+15550002222', code, identity.publicKey)).rejects.toMatchObject({ name: 'CodeExpiredError' })
  })

  describe('webhook gateway', () => {
    let server: Server
    let port: number
    let fail = false
    const posts: Array<{ contentType?: string, body: { to: string, text: string } }> = []

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let body = ''
        req.on('data', d => { body += String(d) })
        req.on('end', () => {
          if (fail) {
            res.writeHead(503).end()
            return
          }
          posts.push({ contentType: req.headers['content-type'], body: JSON.parse(body) })
          res.writeHead(200).end('{}')
        })
      })
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as { port: number }).port
    })
    afterAll(async () => { await new Promise(resolve => server.close(resolve)) })

    it('POSTs {to, text} as JSON; failures give SmsFailedError and a clear log line', async () => {
      const logs: string[] = []
      const relay = await startRelayProcess({ dataDir: join(dir.path, 'webhook'), listen: LOOPBACK, args: ['--verifier', '--sms-gateway', `webhook=http://127.0.0.1:${port}/sms?key=SECRETKEY`], onLog: l => logs.push(l) })
      relays.push(relay)
      const client = await node()
      const identity = IdentityKeyPair.generate(systemRandom)

      await requestVerificationCode(client, relay.addr('tcp'), '+447700900123')
      expect(posts).toHaveLength(1)
      expect(posts[0].contentType).toBe('application/json')
      expect(posts[0].body.to).toBe('+447700900123')
      const code = /(\d{6})/.exec(posts[0].body.text)![1]
      const a = decodeAttestation(await confirmVerificationCode(client, relay.addr('tcp'), '+447700900123', code, identity.publicKey))
      expect(toHex(a.verifierKey)).toBe(relay.listening.verifierKey)

      fail = true
      try {
        await expect(requestVerificationCode(client, relay.addr('tcp'), '+447700900124')).rejects.toMatchObject({ name: 'SmsFailedError' })
      } finally {
        fail = false
      }
      const line = await retryUntil(async () => {
        const l = logs.find(x => x.includes('SMS webhook'))
        if (l == null) throw new Error('no log line yet')
        return l
      }, { timeout: 5000, what: 'webhook failure log' })
      expect(line).toContain(`SMS webhook http://127.0.0.1:${port} failed after 3 tries: HTTP 503`)
      expect(line).not.toContain('SECRETKEY')
      expect(line).not.toContain('447700900124')
    })
  })

  it('refuses bad verifier configuration with exit code 2', async () => {
    const base = ['--data', join(dir.path, 'bad'), '--listen', '/ip4/127.0.0.1/tcp/0']
    const missing = await runRelay([...base, '--verifier'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--verifier needs --sms-gateway')
    const bogus = await runRelay([...base, '--verifier', '--sms-gateway', 'carrier-pigeon'])
    expect(bogus.code).toBe(2)
    expect(bogus.stderr).toContain("expected 'log' or 'webhook=URL'")
    const badUrl = await runRelay([...base, '--verifier', '--sms-gateway', 'webhook=ftp://x'])
    expect(badUrl.code).toBe(2)
  })

  describe('SMS pumping: a hostile client with a fresh peer id for every request', () => {
    // libp2p's own flood protection (5 connections a second per host) would refuse the burst of fresh peers first
    const FLOOD_ARGS = ['--inbound-per-host', '100000']

    /** One code request from a brand-new peer (what a pumper does to dodge the per-peer limit); the peer is stopped after. */
    async function fromFreshPeer (relay: RelayProcess, phone: string): Promise<unknown> {
      const peer = await startNode()
      try {
        return await requestVerificationCode(peer, relay.addr('tcp'), phone).then(() => undefined, err => err)
      } finally {
        await peer.stop()
      }
    }

    it('bounds codes per number prefix and per IP, whatever the peer id; refusals say why and when to retry, and send nothing', async () => {
      const inbox = smsInbox()
      const relay = await startRelayProcess({ dataDir: join(dir.path, 'pump'), listen: LOOPBACK, args: ['--verifier', '--sms-gateway', 'log', ...FLOOD_ARGS], onEvent: inbox.onEvent })
      relays.push(relay)
      const perPrefix = REQUESTS_PER_PREFIX[0].max
      const perIp = REQUESTS_PER_IP[0].max
      // a premium block: +44 77009 followed by any five digits
      for (let i = 0; i < perPrefix; i++) expect(await fromFreshPeer(relay, `+44770090${String(i).padStart(4, '0')}`)).toBeUndefined()
      const sent = inbox.count
      const prefixRefusal = await fromFreshPeer(relay, '+447700909999') as { name: string, retryAfterMs: number, message: string }
      expect(prefixRefusal.name).toBe('RateLimitedError')
      expect(prefixRefusal.message).toMatch(/^too many codes were sent to numbers close to this one; try again in \d+ min$/)
      expect(prefixRefusal.retryAfterMs).toBeGreaterThan(0)
      expect(prefixRefusal.retryAfterMs).toBeLessThanOrEqual(60 * 60_000)
      expect(inbox.count).toBe(sent)

      // other blocks are still served from this address, until the address has spent its own allowance
      let used = perPrefix
      for (let block = 0; used < perIp; block++, used++) {
        expect(await fromFreshPeer(relay, `+1555${block}00${String(block).padStart(4, '0')}`)).toBeUndefined()
      }
      const ipRefusal = await fromFreshPeer(relay, '+12125550100') as { name: string, message: string }
      expect(ipRefusal.name).toBe('RateLimitedError')
      expect(ipRefusal.message).toMatch(/^too many code requests from your network; try again in \d+ min$/)
      expect(inbox.count).toBe(sent + perIp - perPrefix)
    }, 120_000)

    it('bounds the SMS a verifier sends per hour in all (--verify-sms-per-hour), and tells the operator once', async () => {
      const inbox = smsInbox()
      const logs: string[] = []
      const relay = await startRelayProcess({ dataDir: join(dir.path, 'budget'), listen: LOOPBACK, args: ['--verifier', '--sms-gateway', 'log', '--verify-sms-per-hour', '3', ...FLOOD_ARGS], onEvent: inbox.onEvent, onLog: l => logs.push(l) })
      relays.push(relay)
      const numbers = ['+442079460958', '+12125550100', '+4930123456', '+33142685300', '+81312345678']
      for (const n of numbers.slice(0, 3)) expect(await fromFreshPeer(relay, n)).toBeUndefined()
      for (const n of numbers.slice(3)) {
        const refusal = await fromFreshPeer(relay, n) as { name: string, message: string }
        expect(refusal.name).toBe('RateLimitedError')
        expect(refusal.message).toMatch(/^this verifier has sent all the codes it may send this hour; try again in \d+ min or use another verifier$/)
      }
      expect(inbox.count).toBe(3)
      await retryUntil(async () => { if (!logs.some(l => l.includes('SMS budget of 3 per hour reached'))) throw new Error('no log line yet') }, { timeout: 5_000, what: 'budget log line' })
      expect(logs.filter(l => l.includes('SMS budget')).length).toBe(1)
      expect(logs.join('\n')).not.toMatch(/2079460958|5550100|123456/)
    }, 60_000)
  })
})
