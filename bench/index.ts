/** `npm run bench`: runs every suite, prints a table (or JSON lines with --json), optionally only figures matching --filter. */
import type { Figure, Suite } from './harness.js'

const SUITES: Array<() => Promise<{ suite: Suite }>> = [
  async () => await import('./net.js'),
  async () => await import('./crypto.js'),
  async () => await import('./directory.js'),
  async () => await import('./verify.js'),
  async () => await import('./dir-flood.js'),
  async () => await import('./mailbox.js'),
  async () => await import('./conn-memory.js'),
  async () => await import('./messaging.js'),
  async () => await import('./devices.js'),
  async () => await import('./mixed.js'),
  async () => await import('./groups.js'),
  async () => await import('./media.js'),
  async () => await import('./calls.js'),
  async () => await import('./web.js')
]

function parseArgs (argv: string[]): { json: boolean, filter?: string } {
  const out: { json: boolean, filter?: string } = { json: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = true
    else if (argv[i] === '--filter') out.filter = argv[++i]
    else if (argv[i].startsWith('--filter=')) out.filter = argv[i].slice('--filter='.length)
    else {
      process.stderr.write(`bench: unknown argument ${argv[i]} (use --json, --filter SUBSTRING)\n`)
      process.exit(2)
    }
  }
  return out
}

const round = (n: number): number => Number(n.toPrecision(4))

async function main (): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const filter = (name: string): boolean => args.filter == null || name.includes(args.filter)
  const figures: Figure[] = []
  const report = (f: Figure): void => {
    figures.push(f)
    if (args.json) {
      const line: Record<string, unknown> = { name: f.name, value: round(f.value), unit: f.unit }
      if (f.baseline != null) {
        line.baseline = round(f.baseline)
        line.ratio = round(f.value / f.baseline)
      }
      process.stdout.write(JSON.stringify(line) + '\n')
    } else {
      process.stderr.write(`  ✓ ${f.name}\n`)
    }
  }
  for (const load of SUITES) {
    let suite: Suite
    try {
      suite = (await load()).suite
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue
      throw err
    }
    if (!suite.names.some(filter)) continue
    if (!args.json) process.stderr.write(`${suite.prefix}* …\n`)
    await suite.run(report, filter)
  }
  if (!args.json) {
    const rows = figures.map(f => [f.name, `${round(f.value)} ${f.unit}`, f.baseline != null ? `${round(f.baseline)} ${f.unit}` : '', f.baseline != null ? `${round(f.value / f.baseline)}×` : ''])
    const head = ['figure', 'value', 'baseline', 'ratio']
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
    const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ')
    process.stdout.write([line(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n')
  }
  if (figures.length === 0) {
    process.stderr.write(`bench: no figure matches ${args.filter ?? ''}\n`)
    process.exit(1)
  }
  process.exit(0)
}

main().catch(err => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
