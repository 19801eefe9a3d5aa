// relay-node stores ciphertext: the modules it loads (its static runtime imports, followed from its entry through src/) include neither the Double Ratchet nor the client facade.
import { describe, it, expect } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { moduleGraph, ROOT } from '../helpers/module-graph.js'

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
