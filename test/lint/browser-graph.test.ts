// The browser entry never loads Node's WebRTC: the modules reachable from src/browser.ts include nothing of src/calls/node and no @roamhq package, while the Node media modules do load @roamhq/wrtc's pieces (a check of the check).
import { describe, it, expect } from 'vitest'
import { moduleGraph, packagesOf } from '../helpers/module-graph.js'

describe('browser entry module graph', () => {
  const graph = moduleGraph('src/browser.ts')

  it('is walked from the browser entry through the client', () => {
    expect(graph).toContain('src/client/parley.ts')
    expect(graph).toContain('src/net/browser.ts')
  })

  it('holds no module of src/calls/node and loads no @roamhq package', () => {
    expect([...graph].filter(f => f.startsWith('src/calls/node/'))).toEqual([])
    expect([...packagesOf(graph)].filter(p => p.startsWith('@roamhq/'))).toEqual([])
  })

  it('the walk sees the Node media modules and what they load', () => {
    const node = moduleGraph('src/calls/node/audio-player.ts')
    expect(node).toContain('src/calls/node/wav.ts')
    expect(node).toContain('src/calls/node/resample.ts')
    expect(packagesOf(moduleGraph('src/calls/node/wav.ts'))).toContain('node:fs/promises')
  })
})
