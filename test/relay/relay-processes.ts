// What the relay-process tests share: a temp folder, relay processes started in it and libp2p nodes to talk to them, all stopped after the file's tests (registered with vitest's beforeAll/afterAll by the caller's describe).
import { afterAll, beforeAll } from 'vitest'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { startNode } from '../protocols/nodes.js'
import { tempDir } from '../helpers/tmp.js'

const LISTEN = ['/ip4/127.0.0.1/tcp/0']

export interface RelayProcesses {
  /** a relay process with its data in the folder's `name` (killed after the tests) */
  relay: (name: string, args?: string[]) => Promise<RelayProcess>
  /** a libp2p node on loopback (stopped after the tests) */
  node: () => Promise<Libp2p>
  /** the temp folder (valid inside the tests) */
  path: () => string
}

/** Call inside a describe: the folder is made before its tests and removed, with every relay and node, after them. */
export function relayProcesses (): RelayProcesses {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined
  const relays: RelayProcess[] = []
  const nodes: Libp2p[] = []
  beforeAll(async () => { dir = await tempDir() })
  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await Promise.all(relays.map(async r => await r.kill()))
    await dir?.remove()
  })
  return {
    relay: async (name, args = []) => {
      const r = await startRelayProcess({ dataDir: join(dir!.path, name), listen: LISTEN, args })
      relays.push(r)
      return r
    },
    node: async () => {
      const n = await startNode()
      nodes.push(n)
      return n
    },
    path: () => dir!.path
  }
}
