// A link through a relay that tampers with the exchange fails: the approver's connection to the new device runs through a proxy that flips bits once the handshake is done; the link breaks with a clear error, nothing is half-linked, and the same code still works on an honest path.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { Parley, createNodeNode, createDepositNodeNode } from '../../src/index.js'
import { decodeLinkCode, encodeLinkCode } from '../../src/protocols/link/index.js'
import { internals } from '../../src/client/internals.js'
import { tempDir } from '../helpers/tmp.js'
import { registeredDevice, startTestRelay, type TestRelay } from '../messaging/helpers.js'

const ALICE = '+15550630001'
/** Bytes passed on untouched in the approver's direction: the noise handshake and the first frames. */
const UNTOUCHED_BYTES = 2048

/** A loopback TCP proxy to `port` that flips one bit in every chunk the dialler sends past the first UNTOUCHED_BYTES. */
async function tamperingProxy (port: number): Promise<{ port: number, tampered: () => number, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let tampered = 0
  const server: Server = createServer(inbound => {
    const outbound = connect(port, '127.0.0.1')
    for (const s of [inbound, outbound]) { sockets.add(s); s.on('error', () => {}) }
    let passed = 0
    inbound.on('data', (d: Buffer) => {
      const chunk = Buffer.from(d)
      if (passed >= UNTOUCHED_BYTES) {
        chunk[chunk.length - 1] ^= 0x01
        tampered++
      }
      passed += chunk.length
      outbound.write(chunk)
    })
    outbound.on('data', d => inbound.write(d))
    inbound.on('close', () => outbound.destroy())
    outbound.on('close', () => inbound.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('no proxy port')
  return {
    port: address.port,
    tampered: () => tampered,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

describe('a tampering relay in the link path', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let laptop: Parley | undefined

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
  }, 120_000)

  afterAll(async () => {
    await laptop?.stop()
    await alice?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('breaks the link with a clear error, links nothing, and the code still works on an honest path', async () => {
    let shown!: (uri: string) => void
    const code = new Promise<string>(resolve => { shown = resolve })
    const linked = Parley.link({ dataDir: join(dir.path, 'laptop'), bootstrap: [relay.relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, createDepositNode: createDepositNodeNode }, { onCode: shown, kind: 'cli' })
    const uri = await code
    const real = decodeLinkCode(uri)
    const tcp = real.addrs.map(a => a.toString()).find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
    if (tcp == null) throw new Error(`no loopback TCP address in ${real.addrs.join(' ')}`)
    const proxy = await tamperingProxy(Number(tcp.split('/')[4]))
    try {
      // the code as a relay in the path would make it look: every address leads through it
      const throughProxy = encodeLinkCode({ ...real, addrs: [multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}`)] })
      // the approver has no other connection to the new device to reuse
      await internals(alice).node.hangUp(real.peerId)
      await expect(alice.approveLink(throughProxy, { name: 'Laptop', signal: AbortSignal.timeout(60_000) })).rejects.toMatchObject({ name: 'LinkBrokenError' })
      expect(proxy.tampered()).toBeGreaterThan(0)
      // nothing half-linked: the account still has one device
      expect((await alice.devices()).map(d => d.deviceId)).toEqual([1])
    } finally {
      await proxy.close()
    }

    // the same code over an honest path: linked
    await internals(alice).node.hangUp(real.peerId)
    const approved = await alice.approveLink(uri, { name: 'Laptop', signal: AbortSignal.timeout(60_000) })
    laptop = (await linked).parley
    expect(approved.deviceId).toBe(2)
    expect((await laptop.whoami()).phone).toBe(ALICE)
    expect((await alice.devices()).map(d => d.deviceId)).toEqual([1, 2])
  }, 180_000)
})
