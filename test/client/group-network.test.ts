// The group service's gossip port on a scripted node: meet() dials at most 8 members' devices, picked at random (not the first 8 of the member list every member sees alike), counts devices already connected and skips bad ids and unreachable devices.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { groupPubsub } from '../../src/client/group-network.js'
import type { GroupTopics } from '../../src/net/gossip/index.js'

/** meet() dials at most this many (MAX_MESH_DIALS in group-network.ts). */
const MESH_DIALS = 8
const MEMBERS = 100

/** A node that records dials; `connected` peers count as already connected, `unreachable` ones fail to dial. */
function recorder (connected: string[] = [], unreachable: string[] = []): { node: Parameters<typeof groupPubsub>[1], dialled: string[] } {
  const dialled: string[] = []
  return {
    dialled,
    node: {
      dial: async (peer: PeerId) => {
        if (unreachable.includes(peer.toString())) throw new Error('unreachable')
        dialled.push(peer.toString())
      },
      getConnections: (peer?: PeerId) => connected.includes(peer?.toString() ?? '') ? [{}] : []
    }
  }
}

const meet = async (node: Parameters<typeof groupPubsub>[1], peers: string[]): Promise<void> => {
  await groupPubsub({} as GroupTopics, node).meet?.(peers)
}

describe('groupPubsub meet', () => {
  let members: string[] = []
  beforeAll(async () => {
    members = await Promise.all(Array.from({ length: MEMBERS }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
  })

  it('dials 8 devices, not the same first 8 of the member list for every member', async () => {
    const seen = new Set<string>()
    for (let round = 0; round < 10; round++) {
      const { node, dialled } = recorder()
      await meet(node, members)
      expect(dialled).toHaveLength(MESH_DIALS)
      expect(new Set(dialled).size).toBe(MESH_DIALS)
      for (const p of dialled) {
        expect(members).toContain(p)
        seen.add(p)
      }
    }
    // 10 members' picks of 8 of 100 at random cover ~57 devices; in list order they would always be the first 8
    expect(seen.size).toBeGreaterThan(30)
  })

  it('counts devices already connected among the 8 and does not dial them again', async () => {
    const { node, dialled } = recorder(members)
    await meet(node, members)
    expect(dialled).toEqual([])
    const few = members.slice(0, 3)
    const partly = recorder(few)
    await meet(partly.node, members.slice(0, MESH_DIALS))
    expect(partly.dialled.sort()).toEqual(members.slice(3, MESH_DIALS).sort())
  })

  it('skips ids that do not parse and devices that cannot be reached', async () => {
    const unreachable = members.slice(0, 50)
    const { node, dialled } = recorder([], unreachable)
    await meet(node, ['not a peer id', ...members.slice(0, 60)])
    expect(dialled).toHaveLength(MESH_DIALS)
    for (const p of dialled) expect(members.slice(50, 60)).toContain(p)
  })
})
