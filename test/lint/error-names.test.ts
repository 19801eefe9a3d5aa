// Every error class in src/, relay-node/ and web/src declares a static `name` equal to its class name, and no two share one (callers and web/src/errors.ts tell errors apart by class and name).
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const DIRS = ['src', 'relay-node/src', 'web/src', 'scripts', 'bin', 'bench']

function sources (dir: string): string[] {
  let entries
  try { entries = readdirSync(join(ROOT, dir), { withFileTypes: true }) } catch { return [] }
  return entries.flatMap(e => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'pb' || e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path)
    return /\.(ts|tsx|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

interface ErrorClass { name: string, staticName: string | undefined, file: string }

/** Classes named *Error, or extending a class named *Error or the `named(...)` factory, with the static name they declare. */
function errorClasses (): ErrorClass[] {
  const found: ErrorClass[] = []
  for (const file of DIRS.flatMap(sources)) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const decl = /class\s+(\w+)\s+extends\s+([\w.]+)(\s*\(\s*'(\w+)')?[^{]*\{/g
    for (let m = decl.exec(text); m != null; m = decl.exec(text)) {
      const [, name, base, , factoryName] = m
      if (!name.endsWith('Error') && !base.endsWith('Error')) continue
      // the class body up to its first method or constructor is enough to find `static name = '...'`
      const body = text.slice(m.index + m[0].length, m.index + m[0].length + 400)
      const staticName = factoryName ?? /static\s+(?:override\s+)?name\s*=\s*'(\w+)'/.exec(body)?.[1]
      found.push({ name, staticName, file: relative(ROOT, join(ROOT, file)) })
    }
  }
  return found
}

describe('error class names', () => {
  const classes = errorClasses()

  it('finds the project\'s error classes', () => {
    expect(classes.length).toBeGreaterThan(80)
    expect(classes.map(c => c.name)).toEqual(expect.arrayContaining(['CryptoError', 'SessionError', 'NotFoundError', 'MailboxAuthError', 'NotOnParleyError']))
  })

  it('each declares a static name equal to its class name', () => {
    const wrong = classes.filter(c => c.staticName !== c.name).map(c => `${c.file}: ${c.name} has static name ${c.staticName ?? '(none)'}`)
    expect(wrong).toEqual([])
  })

  it('every name web/src/errors.ts gives a text is the name of an error class (a rename cannot orphan a text)', () => {
    const web = readFileSync(join(ROOT, 'web/src/errors.ts'), 'utf8')
    const texts = [...web.matchAll(/^\s+(\w+Error):/gm)].map(m => m[1])
    const readable = [...(/const READABLE = new Set\(\[([^\]]*)\]\)/.exec(web)?.[1] ?? '').matchAll(/'(\w+)'/g)].map(m => m[1])
    expect(texts.length).toBeGreaterThan(20)
    expect(readable.length).toBeGreaterThan(0)
    /** thrown by the platform or libp2p, not by a class of ours (QuotaExceededError: a browser's DOMException when its storage is full) */
    const platform = new Set(['TimeoutError', 'QuotaExceededError'])
    const known = new Set(classes.map(c => c.name))
    expect([...texts, ...readable].filter(n => !known.has(n) && !platform.has(n))).toEqual([])
  })

  it('no two share a name', () => {
    const byName = new Map<string, string[]>()
    for (const c of classes) byName.set(c.name, [...byName.get(c.name) ?? [], c.file])
    const duplicates = [...byName].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`)
    expect(duplicates).toEqual([])
  })
})
