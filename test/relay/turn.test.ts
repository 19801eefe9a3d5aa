// TURN in real relay processes, with the embedded server (--turn) and with coturn (--turn-coturn): a registered device gets credentials over /parley/turn/1.0.0 and two Node WebRTC peer connections forced through TURN pass data both ways over a relay candidate pair (and take the direct path when allowed to); a stranger gets none; wrong and expired credentials open no relay path; /metrics counts it; coturn without --turn-allow-loopback refuses the relay machine's loopback and private peers, keeps an allocation past its credential's expiry, never prints the secret and ends with the relay (even a killed one); a relay without --turn offers none; a missing turnserver and a taken port fail with one clear line.
import { describe, it, expect } from 'vitest'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { relayProcesses } from './relay-processes.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { RELAY_BIN } from '../../scripts/paths.js'
import { runToExit } from '../helpers/process.js'
import { retryUntil } from '../helpers/wait.js'
import { uploadPreKeys } from '../../src/protocols/prekeys/index.js'
import { requestTurnCredentials, TurnNotOfferedError, TurnUnknownDeviceError, type IceServer } from '../../src/protocols/turn/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, publicSignedPreKey, publicKemPreKey, systemRandom } from '../../src/crypto/index.js'
import { turnPassword, TURN_SECRET_FILE } from '../../relay-node/src/turn/credentials.js'
import { COTURN_CONFIG_FILE, COTURN_PID_FILE } from '../../relay-node/src/turn/coturn.js'
import { gatherRelayCandidates, dataChannelCall, freeTurnPort } from './webrtc-relay.js'
import { TurnTestClient } from './turn-client.js'

/** A device becomes an owner at a relay by uploading its prekeys there. */
async function register (node: Libp2p, relay: RelayProcess, identity: IdentityKeyPair): Promise<void> {
  await uploadPreKeys(node, relay.addr('tcp'), {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, Date.now(), systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 100, Date.now(), true, systemRandom))
  })
}

async function freeTcpPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  return port
}

async function metricsOf (port: number): Promise<string> {
  return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
}

/** A credential made with the relay's own secret (read from its data directory) that expires at `seconds` (unix time). */
async function credentialOf (dataDir: string, urls: string[], seconds: number): Promise<IceServer> {
  const secret = Buffer.from(await readFile(join(dataDir, TURN_SECRET_FILE))).toString('hex')
  const username = `${seconds}:madebythetest`
  return { urls, username, credential: turnPassword(secret, username), expiresAt: seconds * 1000 }
}

/** Resolves once the wall clock is past `time` (ms): another process's clock decides an expiry, so real time must pass. */
async function clockPast (time: number): Promise<void> {
  while (Date.now() <= time) await new Promise(resolve => setTimeout(resolve, time - Date.now() + 1))
}

/**
 * Relayed ports apart from the OS's ephemeral range (where the tests' TURN ports come from, and which the default
 * relayed range overlaps): the relay refuses a TURN port inside its relayed range.
 */
const RELAYED = ['--turn-min-port', '20000', '--turn-max-port', '29999']

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }

describe('parley-relay TURN', () => {
  const { relay, node, path } = relayProcesses()

  for (const kind of ['embedded', 'coturn'] as const) {
    it(`${kind}: a registered device's credentials carry data both ways between relay-only peer connections; a stranger gets none; wrong and expired credentials open no relay path`, async () => {
      const port = await freeTurnPort()
      const metrics = await freeTcpPort()
      const r = await relay(kind, [kind === 'coturn' ? '--turn-coturn' : '--turn', '--turn-port', String(port), '--turn-allow-loopback', '--metrics-port', String(metrics), ...RELAYED])
      const urls = [`stun:127.0.0.1:${port}`, `turn:127.0.0.1:${port}?transport=udp`, ...(kind === 'coturn' ? [`turn:127.0.0.1:${port}?transport=tcp`] : [])]
      expect(r.listening.turn).toEqual({ kind, urls })
      const device = await node()
      const owner = IdentityKeyPair.generate(systemRandom)
      await expect(requestTurnCredentials(device, r.addr('tcp'), { identity: owner, deviceId: 1 })).rejects.toBeInstanceOf(TurnUnknownDeviceError)
      await register(device, r, owner)
      const servers = await requestTurnCredentials(device, r.addr('tcp'), { identity: owner, deviceId: 1 })
      expect(servers).toHaveLength(1)
      expect(servers[0].urls).toEqual(urls)

      const call = await dataChannelCall(servers)
      expect(call).toEqual({ bGot: 'ping from a', aGot: 'pong from b', local: 'relay', remote: 'relay' })
      // given the same servers without the relay-only policy, ICE prefers the direct path
      expect(await dataChannelCall(servers, 'all')).toMatchObject({ local: 'host', remote: 'host' })

      // the same gathering with the issued credential finds a relay candidate; a changed or expired one finds none
      expect((await gatherRelayCandidates(servers)).some(c => c.includes(' typ relay '))).toBe(true)
      // coturn takes TURN over TCP too (for networks that block UDP): a TCP url alone still yields a relay candidate
      if (kind === 'coturn') expect((await gatherRelayCandidates([{ ...servers[0], urls: [urls[2]] }])).some(c => c.includes(' typ relay '))).toBe(true)
      const wrong = { ...servers[0], credential: servers[0].credential.replace(/^./, c => c === 'A' ? 'B' : 'A') }
      expect(await gatherRelayCandidates([wrong])).toEqual([])
      expect(await gatherRelayCandidates([await credentialOf(join(path(), kind), urls, Math.floor(Date.now() / 1000) - 60)])).toEqual([])

      const text = await metricsOf(metrics)
      expect(text).toContain(`parley_turn_up{server="${kind}"} 1`)
      expect(text).toContain('parley_turn_credentials_issued_total 1')
      expect(text).toContain('parley_turn_refusals_total{reason="unknown_device"} 1')
      expect(text).toContain('parley_turn_refusals_total{reason="auth"} 0')
      if (kind === 'embedded') expect(text).toMatch(/parley_turn_credentials 1\n/)
    })
  }

  it('coturn without --turn-allow-loopback refuses the relay machine\'s loopback and private peers, checks expiry only when allocating, keeps its secret out of every output, and ends with the relay', async () => {
    const port = await freeTurnPort()
    const dataDir = join(path(), 'strict')
    const output: string[] = []
    const r = await startRelayProcess({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--turn-coturn', '--turn-port', String(port), ...RELAYED], onLog: line => output.push(line), onEvent: e => output.push(JSON.stringify(e)) })
    const client = await TurnTestClient.open('127.0.0.1', port)
    try {
      const device = await node()
      const owner = IdentityKeyPair.generate(systemRandom)
      await register(device, r, owner)
      const [server] = await requestTurnCredentials(device, r.addr('tcp'), { identity: owner, deviceId: 1 })
      expect((await client.allocate(server.username, server.credential)).ok).toBe(true)
      for (const peer of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '169.254.169.254']) expect((await client.createPermission(peer)).code, peer).toBe(403)
      expect(await client.createPermission('8.8.8.8')).toEqual({ ok: true })

      // coturn checks a credential's expiry when an allocation is made, not after: a call set up before keeps its relay
      const soon = await credentialOf(dataDir, [], Math.floor(Date.now() / 1000) + 2)
      const early = await TurnTestClient.open('127.0.0.1', port)
      const late = await TurnTestClient.open('127.0.0.1', port)
      try {
        expect((await early.allocate(soon.username, soon.credential)).ok).toBe(true)
        // coturn compares whole seconds with a clock its event loop updates about once a second
        await clockPast(soon.expiresAt + 2500)
        expect(await late.allocate(soon.username, soon.credential)).toEqual({ ok: false, code: 401 })
        expect(await early.refresh()).toMatchObject({ ok: true, lifetime: 600 })
        expect(await early.createPermission('8.8.4.4')).toEqual({ ok: true })
      } finally {
        await early.close()
        await late.close()
      }

      const config = join(dataDir, 'turn', COTURN_CONFIG_FILE)
      expect((await stat(config)).mode & 0o777).toBe(0o600)
      const pid = Number((await readFile(join(dataDir, 'turn', COTURN_PID_FILE), 'utf8')).trim())
      expect(alive(pid)).toBe(true)
      expect(await r.stop()).toBe(0)
      // another process's exit announces itself to no one here: poll for it, bounded
      await retryUntil(async () => { if (alive(pid)) throw new Error(`turnserver ${pid} still runs`) }, { timeout: 10_000, interval: 100, what: 'turnserver to exit with the relay' })
      const secret = Buffer.from(await readFile(join(dataDir, TURN_SECRET_FILE))).toString('hex')
      expect(output.join('\n')).not.toContain(secret)
      expect(output.join('\n')).not.toContain(server.credential)
    } finally {
      await client.close()
      await r.kill()
    }
  })

  it('coturn ends even when the relay is killed with SIGKILL', async () => {
    const dataDir = join(path(), 'killed')
    const r = await startRelayProcess({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--turn-coturn', '--turn-port', String(await freeTurnPort()), ...RELAYED] })
    const pid = Number((await readFile(join(dataDir, 'turn', COTURN_PID_FILE), 'utf8')).trim())
    expect(alive(pid)).toBe(true)
    await r.kill()
    await retryUntil(async () => { if (alive(pid)) throw new Error(`turnserver ${pid} still runs`) }, { timeout: 10_000, interval: 100, what: 'turnserver to exit after its relay was killed' })
  })

  it('a relay without --turn offers no TURN', async () => {
    const r = await relay('plain')
    const device = await node()
    const owner = IdentityKeyPair.generate(systemRandom)
    await register(device, r, owner)
    await expect(requestTurnCredentials(device, r.addr('tcp'), { identity: owner, deviceId: 1 })).rejects.toBeInstanceOf(TurnNotOfferedError)
    expect(r.listening.turn).toBeUndefined()
  })

  it('fails with one clear line when turnserver is not installed, or the TURN port is taken', async () => {
    const missing = await runToExit(RELAY_BIN, ['--data', join(path(), 'missing'), '--listen', '/ip4/127.0.0.1/tcp/0', '--turn-coturn', '--turn-port', String(await freeTurnPort()), ...RELAYED], { env: { PATH: '/nonexistent' } })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('--turn-coturn: turnserver is not installed (Debian and Ubuntu: apt-get install coturn)')
    const taken = createSocket('udp4')
    await new Promise<void>(resolve => { taken.bind(0, '127.0.0.1', resolve) })
    try {
      const port = taken.address().port
      for (const flag of ['--turn', '--turn-coturn']) {
        const run = await runToExit(RELAY_BIN, ['--data', join(path(), `taken${flag}`), '--listen', '/ip4/127.0.0.1/tcp/0', flag, '--turn-port', String(port), ...RELAYED])
        expect(run.code, flag).toBe(1)
        expect(run.stderr, flag).toMatch(new RegExp(`--turn-port ${port}: cannot listen on 127\\.0\\.0\\.1 \\((address already in use|UDP: EADDRINUSE)\\)`))
      }
    } finally {
      taken.close()
    }
  })
})
