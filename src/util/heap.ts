/** Node only: sizes V8's heap growth for a process that streams files (the relay, the CLI, the daemon). Knows nothing of what is streamed. */
import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets the heap grow past what survived the last full collection before it starts the next one, in
 * percent. V8 counts the memory of buffers (socket reads, decrypted and read file chunks) against that limit but
 * sizes the limit from the JavaScript heap alone (~17 MB in the CLI), and judging its collections cheap, grows it by
 * ~10 %: a 256 MiB transfer then set off ~45 full collections in each process, a fifth of its CPU. At 300 % they are
 * ~16 (see docs/benchmarks.md, "Media"); what stays in memory is bounded by the streaming windows, not by this.
 */
export const STREAMING_HEAP_GROWING_PERCENT = 300

/**
 * V8's flag that counts buffers' memory within the heap's own (global) limit, which the growth above sizes, instead of
 * a separate limit that starts a full collection every 64 MB of buffers made (V8's default): ~16 full collections of
 * a 256 MiB download become ~7, and each process of a transfer uses a quarter to a third less CPU, for ~60 MiB more
 * peak memory per process that does not grow with the file or with eight transfers at once (docs/benchmarks.md, "Media").
 */
const EXTERNAL_MEMORY_IN_GLOBAL_LIMIT_FLAG = '--external-memory-accounted-in-global-limit'

/**
 * The first V8 that has the flag above, [major, minor]: checked on 13.6 (Node 24); 12.4 (Node 22) does not know it,
 * and V8 prints an error for a flag it does not know, so older V8s go without (they keep the growth alone).
 */
const EXTERNAL_MEMORY_FLAG_MIN_V8: readonly [number, number] = [13, 6]

/** Whether V8 version `v8` ("13.6.233.17-node.37") is at least [major, minor]. */
export function v8AtLeast (v8: string, [major, minor]: readonly [number, number]): boolean {
  const [a, b] = v8.split('.').map(Number)
  return a > major || (a === major && b >= minor)
}

/**
 * Sets the heap growth above for the rest of this process (a second call sets the same), and on a V8 that has it the
 * flag that counts buffers within the heap's limit. Call it at start-up.
 */
export function tuneHeapForStreaming (): void {
  setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)
  if (v8AtLeast(process.versions.v8, EXTERNAL_MEMORY_FLAG_MIN_V8)) setFlagsFromString(EXTERNAL_MEMORY_IN_GLOBAL_LIMIT_FLAG)
}
