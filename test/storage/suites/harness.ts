// Helpers of the shared store suites: their options and small helpers (stores come from test/helpers/storage.ts).

/** Suite options: persistent stores also get close-and-reopen checks. */
export interface SuiteOptions {
  persistent?: boolean
}

export async function collect<T> (it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)
