/** Simulated process death for in-process tests: LevelDB writes fail from a chosen point on, as if the process had died there; knows nothing of what the writes are. */
import { LevelKeyValueStore } from '../../src/storage/index.js'

export class SimulatedCrash extends Error {
  static readonly name = 'SimulatedCrashError'
  override name = SimulatedCrash.name
}

type Write = 'put' | 'del' | 'batch'

/**
 * From now on, the LevelDB writes after the first `survive` fail with SimulatedCrash; with `root`, only the
 * writes of that database (a device's `storage.db`) count and fail. Returns the undo.
 */
export function crashAfter (survive: number, root?: unknown): () => void {
  const proto = LevelKeyValueStore.prototype as unknown as Record<Write, (...args: unknown[]) => Promise<void>>
  const saved = { put: proto.put, del: proto.del, batch: proto.batch }
  let left = survive
  for (const name of ['put', 'del', 'batch'] as const) {
    proto[name] = async function (this: { root?: unknown }, ...args: unknown[]) {
      if ((root == null || this.root === root) && left-- <= 0) throw new SimulatedCrash('the process died here')
      return await saved[name].apply(this, args)
    }
  }
  return () => { Object.assign(proto, saved) }
}
