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

/** Sets the heap growth above for the rest of this process (a second call sets the same). Call it at start-up. */
export function tuneHeapForStreaming (): void {
  setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)
}
