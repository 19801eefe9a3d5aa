/** Verification benchmark: full registrations (request a code, confirm it, get an attestation) per second against one in-process verifier over libp2p on loopback, LevelDB storage. */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { verifierServer, requestVerificationCode, confirmVerificationCode } from '../src/protocols/verify/index.js'
import { IdentityKeyPair, systemRandom, directoryHash } from '../src/crypto/index.js'
import { PARLEY_NETWORK_SALT } from '../src/crypto/directory-salt.js'
import { openLevel } from '../src/storage/index.js'
import { PhoneVerifier, type SmsGateway } from '../relay-node/src/verifier/index.js'
import type { Suite } from './harness.js'

/** Registrations in flight at once (scrypt runs in libuv's thread pool, 4 threads by default). */
const CONCURRENCY = 8
const REGISTRATIONS = 64

async function node (services: Record<string, unknown> = {}): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: Number.MAX_SAFE_INTEGER },
    services: services as never
  })
}

async function inParallel (n: number, width: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++)
  }))
  return n / ((performance.now() - start) / 1000)
}

export const suite: Suite = {
  prefix: 'dir.verify.',
  names: ['dir.verify.rate'],
  async run (report, filter) {
    if (!filter('dir.verify.rate')) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-verify-'))
    const storage = await openLevel(join(dir, 'db'))
    const codes = new Map<string, string>()
    const gateway: SmsGateway = { kind: 'custom', async send (to, text) { codes.set(to, /(\d{6})/.exec(text)![1]) } }
    const unlimited = [{ max: Number.MAX_SAFE_INTEGER, windowMs: 60_000 }]
    const backend = new PhoneVerifier({
      kv: storage.kv('verifier'),
      verifierKey: IdentityKeyPair.generate(systemRandom),
      secret: systemRandom(32),
      gateway,
      limits: { requestsPerPeer: unlimited, requestsPerNumber: unlimited, requestsPerIp: unlimited, requestsPerPrefix: unlimited, smsPerHour: Number.MAX_SAFE_INTEGER }
    })
    const server = await node({ verifier: verifierServer({ backend }) })
    const clients = await Promise.all(Array.from({ length: CONCURRENCY }, async () => await node()))
    const addr = server.getMultiaddrs()
    try {
      await Promise.all(clients.map(async c => await c.dial(addr)))
      const identity = IdentityKeyPair.generate(systemRandom)
      const phone = (i: number): string => `+1555${String(2_000_000 + i).padStart(7, '0')}`
      // warm-up: one registration
      await requestVerificationCode(clients[0], addr, phone(9_999))
      await confirmVerificationCode(clients[0], addr, phone(9_999), codes.get(phone(9_999))!, identity.publicKey)

      const rate = await inParallel(REGISTRATIONS, CONCURRENCY, async i => {
        const c = clients[i % CONCURRENCY]
        await requestVerificationCode(c, addr, phone(i))
        await confirmVerificationCode(c, addr, phone(i), codes.get(phone(i))!, identity.publicKey)
      })
      // the floor of the cost: the directory hash alone (scrypt N=2^15), at the same concurrency
      const scryptOnly = await inParallel(REGISTRATIONS, CONCURRENCY, async i => { await directoryHash(phone(100_000 + i), PARLEY_NETWORK_SALT) })
      report({ name: 'dir.verify.rate', value: rate, unit: 'registrations/s', baseline: scryptOnly })
    } finally {
      await Promise.all([server, ...clients].map(async n => await n.stop()))
      await storage.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
