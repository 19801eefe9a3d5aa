// Test party: one device with its storage, identity, prekeys and session managers, and a restart that rebuilds everything from storage.
import type { DeviceAddress, Storage } from '../../src/storage/index.js'
import { encodeLocalIdentity, GroupSessionManager, loadOrCreateLocalIdentity, PreKeyManager, SessionManager } from '../../src/session/index.js'
import type { LocalIdentity } from '../../src/session/index.js'
import type { SeededRandom } from '../helpers/seeded-random.js'
import type { StorageBackend } from '../helpers/storage.js'

/** A manual clock: tests advance it explicitly. */
export class TestClock {
  constructor (public time = 1_700_000_000_000) {}
  now = (): number => this.time
  advance (ms: number): void { this.time += ms }
}

export class Party {
  storage!: Storage
  local!: LocalIdentity
  preKeys!: PreKeyManager
  sessions!: SessionManager
  groups!: GroupSessionManager

  private constructor (readonly name: string, readonly backend: StorageBackend, readonly rng: SeededRandom, readonly clock: TestClock) {}

  static async create (name: string, backend: StorageBackend, rng: SeededRandom, clock: TestClock, oneTimeKeys = 5): Promise<Party> {
    const p = new Party(name, backend, rng, clock)
    p.storage = await backend.open()
    await p.build()
    await p.preKeys.rotateSignedPreKeys()
    if (oneTimeKeys > 0) await p.preKeys.generateOneTimePreKeys(oneTimeKeys)
    return p
  }

  /** Another device (`deviceId`) of `of`'s account: the same identity key, its own storage, prekeys and sessions (linked devices). */
  static async companion (name: string, of: Party, deviceId: number, backend: StorageBackend, rng: SeededRandom, clock: TestClock): Promise<Party> {
    const p = new Party(name, backend, rng, clock)
    p.storage = await backend.open()
    await p.storage.identity.saveLocalIdentity(encodeLocalIdentity({ identity: of.local.identity, deviceId, createdAt: clock.now() }))
    await p.build()
    await p.preKeys.rotateSignedPreKeys()
    await p.preKeys.generateOneTimePreKeys(5)
    return p
  }

  /** Builds every manager from what storage holds (nothing is kept in memory between). */
  private async build (): Promise<void> {
    const deps = { random: this.rng.random, now: this.clock.now }
    this.local = await loadOrCreateLocalIdentity(this.storage.identity, { ...deps, deviceId: 1 })
    this.preKeys = PreKeyManager.fromStorage(this.storage, { ...deps, identity: this.local.identity, deviceId: this.local.deviceId })
    this.sessions = new SessionManager({ ...deps, sessions: this.storage.sessions, replay: this.storage.replay, preKeys: this.preKeys, identity: this.local.identity })
    this.groups = new GroupSessionManager({ senderKeys: this.storage.senderKeys, self: this.address, random: this.rng.random })
  }

  get address (): DeviceAddress {
    return { identityKey: this.local.identity.publicKey, deviceId: this.local.deviceId }
  }

  /** Rebuilds every manager over another view of storage (e.g. one that fails writes). */
  async useStorage (storage: Storage): Promise<void> {
    this.storage = storage
    await this.build()
  }

  /** Simulates a process restart: reopen storage and rebuild from it. */
  async restart (): Promise<void> {
    this.storage = await this.backend.reopen(this.storage)
    await this.build()
  }

  async dispose (): Promise<void> {
    await this.backend.dispose(this.storage)
  }
}

/** Starts a session from `from` to `to` with a fresh bundle of `to`. */
export async function initiate (from: Party, to: Party): Promise<void> {
  await from.sessions.processPreKeyBundle(to.address, await to.preKeys.createBundle())
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const untext = (b: Uint8Array): string => new TextDecoder().decode(b)
