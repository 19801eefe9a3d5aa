// No exported value in src/ or relay-node/ goes unused outside its file (the SDK entries and error classes excepted: they are API); types are left to the compiler.
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const SCANNED = ['src', 'relay-node/src']
const READERS = ['src', 'relay-node/src', 'web/src', 'test', 'bench', 'scripts', 'bin']
/** Public entries: everything they export is for SDK users. */
const ENTRIES = new Set(['src/index.ts', 'src/browser.ts'])
/** Left exported on purpose (with why). */
const KEPT = new Set([
  'MAX_HELD_MESSAGES' // src/client/parley.ts: the facade's own work (issue 15 stays out of it)
])

function sources (dir: string): string[] {
  let entries
  try { entries = readdirSync(join(ROOT, dir), { withFileTypes: true }) } catch { return [] }
  return entries.flatMap(e => {
    const path = `${dir}/${e.name}`
    if (e.isDirectory()) return e.name === 'pb' || e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path)
    return /\.(ts|tsx|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

describe('exports', () => {
  it('every exported function, constant and class is used by another file', () => {
    const texts = new Map(READERS.flatMap(sources).map(f => [f, readFileSync(join(ROOT, f), 'utf8')]))
    const declaration = /^export\s+(?:async\s+)?(?:function\*?|const|let|class|abstract class|enum)\s+(\w+)/gm
    const unused: string[] = []
    for (const file of SCANNED.flatMap(sources)) {
      if (ENTRIES.has(file)) continue
      for (const [, name] of texts.get(file)!.matchAll(declaration)) {
        if (KEPT.has(name) || name.endsWith('Error')) continue
        const word = new RegExp(`\\b${name}\\b`)
        if (![...texts].some(([other, text]) => other !== file && word.test(text))) unused.push(`${file}: ${name}`)
      }
    }
    expect(unused).toEqual([])
  })
})
