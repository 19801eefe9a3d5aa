/** Benchmark harness types: a suite yields named figures; the runner prints a table or JSON lines. It knows nothing of what is measured. */

export interface Figure {
  /** dotted name, e.g. `net.ping.tcp` */
  name: string
  value: number
  unit: string
  /** the same quantity measured for a reference implementation in the same run */
  baseline?: number
}

export interface Suite {
  /** prefix shared by this suite's figures, used by --filter before running it */
  prefix: string
  /** every figure name the suite can produce (for --filter) */
  names: string[]
  run(report: (figure: Figure) => void, filter: (name: string) => boolean): Promise<void>
}

/** Time `fn` over `n` iterations and return operations per second. */
export async function opsPerSecond (n: number, fn: (i: number) => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  const ms = performance.now() - start
  return n / (ms / 1000)
}

/** Percentile (0..100) of a list of samples, nearest-rank. */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export function median (samples: number[]): number {
  return percentile(samples, 50)
}
