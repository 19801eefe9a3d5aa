/**
 * `npm run chaos`: the long chaos run (docs/chaos.md). Prints progress on stderr, the JSON summary on stdout,
 * and exits 1 when an invariant is violated (2 on bad flags or a run that could not be set up).
 *
 *   node dist/scripts/chaos/run.js [--relays 3] [--devices 6] [--texts 750] [--seconds 240]
 *     [--kill-every 2,7] [--down-for 0.5,4] [--relay-share P] [--aim 0.5] [--max-relays-down N]
 *     [--max-devices-down N] [--quiesce 300] [--seed N] [--keep] [--dir DIR]
 *
 * CHAOS_SEED=N replays a run (same traffic plan and kill schedule) like --seed.
 */
import { runChaos, type ChaosOptions } from './harness.js'
import { parseSeed } from './prng.js'

const USAGE = 'usage: run.js [--relays N] [--devices N] [--texts N] [--seconds S] [--kill-every MIN,MAX] [--down-for MIN,MAX] [--relay-share P] [--aim P] [--max-relays-down N] [--max-devices-down N] [--quiesce S] [--seed N] [--keep] [--dir DIR]'

function parse (argv: string[]): ChaosOptions {
  const o: ChaosOptions = { relays: 3, devices: 6, texts: 750, seconds: 240, quiesceSeconds: 300 }
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v)
    if (v == null || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`)
    return n
  }
  const range = (flag: string, v: string | undefined): [number, number] => {
    const [a, b] = (v ?? '').split(',').map(x => num(flag, x))
    if (b == null || a > b) throw new Error(`${flag} needs MIN,MAX`)
    return [a, b]
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const v = argv[i + 1]
    switch (flag) {
      case '--relays': o.relays = num(flag, v); i++; break
      case '--devices': o.devices = num(flag, v); i++; break
      case '--texts': o.texts = num(flag, v); i++; break
      case '--seconds': o.seconds = num(flag, v); i++; break
      case '--kill-every': o.killEvery = range(flag, v); i++; break
      case '--down-for': o.downFor = range(flag, v); i++; break
      case '--relay-share': o.relayShare = num(flag, v); i++; break
      case '--aim': o.aimAtSends = num(flag, v); i++; break
      case '--max-relays-down': o.maxRelaysDown = num(flag, v); i++; break
      case '--max-devices-down': o.maxDevicesDown = num(flag, v); i++; break
      case '--quiesce': o.quiesceSeconds = num(flag, v); i++; break
      case '--seed': o.seed = parseSeed(v ?? ''); i++; break
      case '--dir': o.workDir = v; i++; break
      case '--keep': o.keep = true; break
      case '--help': case '-h': process.stdout.write(USAGE + '\n'); process.exit(0); break
      default: throw new Error(`unknown flag '${flag}'`)
    }
  }
  if (o.seed == null && process.env.CHAOS_SEED != null && process.env.CHAOS_SEED !== '') o.seed = parseSeed(process.env.CHAOS_SEED)
  return o
}

let options: ChaosOptions
try {
  options = parse(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}\n`)
  process.exit(2)
}
try {
  const summary = await runChaos({ ...options, log: line => process.stderr.write(line + '\n') })
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n')
  if (!summary.ok) process.stderr.write(`chaos: VIOLATED (seed ${summary.seed}):\n  ${summary.violations.join('\n  ')}\n`)
  process.exit(summary.ok ? 0 : 1)
} catch (err) {
  process.stderr.write(`chaos: the run failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(2)
}
