/** Walks the project's modules by their run-time imports, from an entry: for tests that prove what an entry never loads. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')

/** The specifiers `file` loads at run time: `import`/`export … from` and `import('…')`, without whole-statement `import type`/`export type`. */
export function runtimeSpecifiers (file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const specs: string[] = []
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm
  for (let m = statement.exec(text); m != null; m = statement.exec(text)) if (m[2] == null) specs.push(m[3])
  const dynamic = /\bimport\(\s*'([^']+)'\s*\)/g
  for (let m = dynamic.exec(text); m != null; m = dynamic.exec(text)) specs.push(m[1])
  return specs
}

/** The project files `file` loads at run time (its relative imports, resolved to .ts where the source is TypeScript). */
function runtimeImports (file: string): string[] {
  return runtimeSpecifiers(file).filter(s => s.startsWith('.')).map(s => {
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

/** The packages (bare specifiers, `node:` modules included) that the modules of `graph` load at run time. */
export function packagesOf (graph: Set<string>): Set<string> {
  return new Set([...graph].flatMap(f => runtimeSpecifiers(join(ROOT, f)).filter(s => !s.startsWith('.'))))
}
