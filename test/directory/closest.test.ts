// ClosestPeers (Kademlia's end of a lookup) alone: `done` turns true exactly when the `quorum` closest live peers
// have answered, whatever order peers are heard and answer in; failed peers drop out; bad quorums never end a walk.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { createHash } from 'node:crypto'
import { ClosestPeers } from '../../src/directory/closest.js'

const KEY = new TextEncoder().encode('/parley-phone/' + 'ab'.repeat(32))

/** `peers` sorted by XOR distance of sha256(multihash) to sha256(KEY), closest first (computed here independently). */
function byDistance (peers: PeerId[]): PeerId[] {
  const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()
  const target = sha(KEY)
  const dist = (id: PeerId): Buffer => Buffer.from(sha(id.toMultihash().bytes).map((b, i) => b ^ target[i]))
  return [...peers].sort((a, b) => Buffer.compare(dist(a), dist(b)))
}

describe('ClosestPeers', () => {
  /** 8 peers, closest to KEY first */
  let peers: PeerId[]

  beforeAll(async () => {
    peers = byDistance(await Promise.all(Array.from({ length: 8 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))))
  })

  /** Hears every peer in `heardOrder`, then answers in `answerOrder`; returns after how many answers `done` first held. */
  function answersUntilDone (quorum: number, heardOrder: PeerId[], answerOrder: PeerId[]): number {
    const c = new ClosestPeers(KEY, quorum)
    for (const p of heardOrder) c.heard(p)
    expect(c.done).toBe(false)
    for (let i = 0; i < answerOrder.length; i++) {
      c.answered(answerOrder[i])
      if (c.done) return i + 1
    }
    return -1
  }

  it('is done exactly when the quorum closest have answered, in any order of hearing and answering', () => {
    const farFirst = [...peers].reverse()
    const orders: PeerId[][] = [peers, farFirst, [peers[4], peers[1], peers[7], peers[0], peers[5], peers[2], peers[6], peers[3]]]
    for (const heard of orders) {
      // farthest answer first: done only with the last of the 3 closest
      expect(answersUntilDone(3, heard, farFirst)).toBe(8)
      // the 3 closest answer first
      expect(answersUntilDone(3, heard, [peers[2], peers[0], peers[1], ...farFirst.slice(0, 5)])).toBe(3)
      expect(answersUntilDone(1, heard, [peers[3], peers[1], peers[0]])).toBe(3)
      expect(answersUntilDone(8, heard, farFirst)).toBe(8)
    }
  })

  it('compares distances byte by byte from the most significant, as kad-dht does', () => {
    // all 8 peers: whatever the hearing order, only the truly closest peer answering ends a quorum-1 walk
    for (let skip = 0; skip < peers.length; skip++) {
      const c = new ClosestPeers(KEY, 1)
      for (const p of [...peers.slice(skip), ...peers.slice(0, skip)]) c.heard(p)
      for (const p of peers.slice(1)) c.answered(p)
      expect(c.done).toBe(false)
      c.answered(peers[0])
      expect(c.done).toBe(true)
    }
  })

  it('never ends with fewer live candidates than the quorum, nor with a quorum that is not a positive finite number', () => {
    const c = new ClosestPeers(KEY, 3)
    c.answered(peers[0])
    c.answered(peers[1])
    expect(c.done).toBe(false)
    c.answered(peers[2])
    expect(c.done).toBe(true)
    for (const quorum of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const q = new ClosestPeers(KEY, quorum)
      for (const p of peers) q.answered(p)
      expect(q.done, String(quorum)).toBe(false)
    }
  })

  it('failed peers drop out and the next closest must answer in their place; an answer is never undone by a failure', () => {
    const c = new ClosestPeers(KEY, 2)
    for (const p of peers) c.heard(p)
    c.failed(peers[0])
    c.answered(peers[1])
    expect(c.done).toBe(false)
    c.answered(peers[2])
    expect(c.done).toBe(true)

    const d = new ClosestPeers(KEY, 1)
    d.heard(peers[1])
    d.answered(peers[0])
    d.failed(peers[0])
    expect(d.done).toBe(true)

    // failing peers do not count towards the candidates either
    const e = new ClosestPeers(KEY, 2)
    e.failed(peers[0])
    e.answered(peers[1])
    expect(e.done).toBe(false)
    e.failed(peers[2])
    expect(e.done).toBe(false)
    e.answered(peers[3])
    expect(e.done).toBe(true)
  })

  it('a peer named by its string form is the same peer', () => {
    const c = new ClosestPeers(KEY, 1)
    c.heard(peers[0], peers[0].toString())
    c.heard(peers[1])
    c.answered(peers[0])
    expect(c.done).toBe(true)
  })
})
