// relay-node stores ciphertext: the modules it loads (its static runtime imports, followed from its entry through src/) include neither the Double Ratchet nor the client facade.
import { describe, it, expect } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

/** The project files `file` loads at run time: `import`/`export … from` and `import('…')` of relative paths, without whole-statement `import type`/`export type`. */
function runtimeImports (file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const specs: string[] = []
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm
  for (let m = statement.exec(text); m != null; m = statement.exec(text)) if (m[2] == null) specs.push(m[3])
  const dynamic = /\bimport\(\s*'([^']+)'\s*\)/g
  for (let m = dynamic.exec(text); m != null; m = dynamic.exec(text)) specs.push(m[1])
  return specs.filter(s => s.startsWith('.')).map(s => {
    const target = resolve(dirname(file), s)
    const ts = target.replace(/\.js$/, '.ts')
    if (existsSync(ts)) return ts
    if (existsSync(target)) return target
    throw new Error(`${relative(ROOT, file)}: cannot resolve ${s}`)
  })
}

/** Every project module reachable from `entry`, as paths relative to the project root. */
export function moduleGraph (entry: string): Set<string> {
  const seen = new Set<string>()
  const todo = [resolve(ROOT, entry)]
  while (todo.length > 0) {
    const file = todo.pop()!
    const rel = relative(ROOT, file)
    if (seen.has(rel)) continue
    seen.add(rel)
    todo.push(...runtimeImports(file))
  }
  return seen
}

describe('relay-node module graph', () => {
  const graph = moduleGraph('relay-node/src/cli.ts')

  it('is walked from the relay\'s entry through src/', () => {
    expect(graph).toContain('relay-node/src/relay.ts')
    expect(graph).toContain('src/protocols/mailbox/server.ts')
    expect([...graph].some(f => f.startsWith('src/crypto/'))).toBe(true)
  })

  it('holds no module of the Double Ratchet, the sessions, sender keys or sealed sender', () => {
    expect([...graph].filter(f => /^src\/(crypto\/(ratchet\/|pqxdh|sender-key|sealed-sender)|session\/)/.test(f))).toEqual([])
  })

  it('holds no module of the client facade, messaging, the CLI or the web client', () => {
    expect([...graph].filter(f => /^(src\/(client|messaging|cli)\/|web\/)/.test(f))).toEqual([])
  })

  it.runIf(existsSync(join(ROOT, 'dist/relay-node/src/cli.js')))('holds the same in the compiled relay (dist/, where the compiler dropped type-only imports)', () => {
    const compiled = [...moduleGraph('dist/relay-node/src/cli.js')]
    expect(compiled).toContain('dist/relay-node/src/relay.js')
    expect(compiled.filter(f => /^dist\/src\/(crypto\/(ratchet\/|pqxdh|sender-key|sealed-sender)|session\/|client\/|messaging\/|cli\/)/.test(f))).toEqual([])
  })

  it('the walk sees what a barrel pulls in (a check of the check)', () => {
    expect([...moduleGraph('src/crypto/index.ts')].some(f => f.startsWith('src/crypto/ratchet/'))).toBe(true)
    expect(moduleGraph('src/index.ts')).toContain('src/client/parley.ts')
  })
})
