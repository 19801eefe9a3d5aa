/** A terminal progress bar on stderr for work a person waits on; silent when stderr is not a terminal. */

export interface Progress {
  update (done: number, total: number): void
  done (message?: string): void
}

const WIDTH = 28

export function progressBar (label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = stream.isTTY === true
  let last = ''
  return {
    update (done, total) {
      if (!live) return
      const fraction = total === 0 ? 1 : Math.min(1, done / total)
      const filled = Math.round(fraction * WIDTH)
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`
      if (line === last) return
      last = line
      stream.write(`\r${line}`)
    },
    done (message) {
      if (live && last !== '') stream.write('\r' + ' '.repeat(last.length) + '\r')
      if (message != null && live) stream.write(message + '\n')
    }
  }
}

/** A spinner for a single wait of unknown length (e.g. "Waiting for the relay…"). */
export function spinner (label: string, stream: NodeJS.WriteStream = process.stderr): { stop (message?: string): void } {
  if (stream.isTTY !== true) return { stop () {} }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let i = 0
  const timer = setInterval(() => stream.write(`\r${frames[i++ % frames.length]} ${label}`), 80)
  return {
    stop (message) {
      clearInterval(timer)
      stream.write('\r' + ' '.repeat(label.length + 2) + '\r')
      if (message != null) stream.write(message + '\n')
    }
  }
}
