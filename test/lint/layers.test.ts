// The layer boundaries of docs/design.md §2 are enforced by lint: every group of every folder's rule refuses a snippet that breaks it, an allowed import passes, and no configured group goes untested.
import { describe, it, expect } from 'vitest'
import { ESLint } from 'eslint'

const eslint = new ESLint()

async function restrictedImports (filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter(m => m.ruleId === 'no-restricted-imports').map(m => m.message)
}

const imp = (name: string, from: string): string => `import * as ${name} from '${from}'\nexport { ${name} }\n`

/** [file, snippet, a phrase of the one message it must get]: at least one per group of each folder's rule. */
const forbidden: Array<[string, string, string]> = [
  ['src/crypto/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'no libp2p'],
  ['src/crypto/x.ts', "import { Level } from 'level'\nexport { Level }\n", 'no storage'],
  ['src/crypto/x.ts', imp('s', '../storage/index.js'), 'bottom layer'],
  ['src/crypto/x.ts', "import { readFile } from 'node:fs/promises'\nexport { readFile }\n", 'no I/O'],
  ['src/storage/x.ts', imp('s', '../session/index.js'), 'below session'],
  ['src/session/x.ts', imp('p', '../protocols/mailbox/index.js'), 'below protocols'],
  ['src/session/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'knows no network'],
  ['src/protocols/mailbox/x.ts', imp('m', '../../messaging/index.js'), 'below messaging and the client'],
  ['src/protocols/mailbox/x.ts', imp('r', '../../crypto/ratchet/state.js'), 'carry ciphertext'],
  ['src/protocols/mailbox/x.ts', imp('c', '../../crypto/index.js'), 'not the barrel'],
  ['src/net/x.ts', imp('c', '../client/parley.js'), 'below messaging and the client'],
  ['src/net/x.ts', imp('s', '../session/index.js'), 'no sessions, no ratchet'],
  ['src/directory/x.ts', imp('m', '../messaging/index.js'), 'sits below messaging and the client'],
  ['src/directory/x.ts', imp('s', '../session/index.js'), 'run by relays'],
  ['src/directory/x.ts', imp('c', '../crypto/index.js'), 'not the barrel'],
  ['src/messaging/x.ts', "import { Parley } from '../client/parley.js'\nexport { Parley }\n", 'below the client facade'],
  ['src/messaging/x.ts', "import { join } from 'node:path'\nexport { join }\n", 'runs in browsers'],
  ['src/groups/x.ts', imp('c', '../client/parley.js'), 'below the client facade'],
  ['src/groups/x.ts', "import { join } from 'node:path'\nexport { join }\n", 'runs in browsers'],
  ['src/media/x.ts', imp('c', '../client/parley.js'), 'below the client facade'],
  ['src/media/x.ts', imp('r', '../crypto/ratchet/state.js'), 'no sessions, no ratchet'],
  ['src/media/x.ts', "import { open } from 'node:fs/promises'\nexport { open }\n", 'runs in browsers'],
  ['src/media/node/x.ts', imp('c', '../../client/parley.js'), 'knows only the media layer'],
  ['src/calls/x.ts', imp('c', '../client/parley.js'), 'below the client facade'],
  ['src/calls/x.ts', imp('p', '../protocols/dm/index.js'), 'knows no libp2p or protocol'],
  ['src/calls/x.ts', imp('r', '../session/index.js'), 'no sessions, no ratchet'],
  ['src/calls/x.ts', imp('n', './node/audio-player.js'), 'no Node API and no Node WebRTC'],
  ['src/calls/x.ts', "import wrtc from '@roamhq/wrtc'\nexport { wrtc }\n", 'no Node API and no Node WebRTC'],
  ['src/calls/x.ts', "import { open } from 'node:fs/promises'\nexport { open }\n", 'no Node API and no Node WebRTC'],
  ['src/calls/node/x.ts', imp('c', '../../client/parley.js'), 'knows only the call layer'],
  ['src/client/x.ts', imp('n', '../calls/node/peer-connection.js'), 'comes in through the Node entry'],
  ['src/client/x.ts', imp('c', '../cli/main.js'), 'the facade below'],
  ['src/client/x.ts', "import { readFile } from 'node:fs/promises'\nexport { readFile }\n", 'runs in browsers'],
  ['src/cli/x.ts', imp('m', '../messaging/index.js'), 'not to the layers behind the facade'],
  ['src/cli/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'no libp2p of its own'],
  ['src/util/x.ts', imp('s', '../session/index.js'), 'imports none above storage'],
  ['relay-node/src/x.ts', imp('s', '../../src/session/index.js'), 'ciphertext only'],
  ['relay-node/src/x.ts', imp('r', '../../src/crypto/ratchet.js'), 'ciphertext only'],
  ['relay-node/src/x.ts', imp('sdk', '../../src/index.js'), 'runs no client'],
  ['relay-node/src/x.ts', imp('c', '../../src/client/parley.js'), 'runs no client'],
  ['relay-node/src/x.ts', imp('c', '../../src/crypto/index.js'), 'not the barrel'],
  ['relay-node/src/x.ts', imp('w', '../../web/src/app.js'), 'does not import the web client'],
  ['web/src/x.ts', "import { createNodeNode } from '../../src/net/node.js'\nexport { createNodeNode }\n", 'SDK entry'],
  ['web/src/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'SDK facade'],
  ['web/src/x.ts', imp('i', '../../src/client/internals.js'), 'SDK entry'],
  ['src/index.ts', imp('i', './client/internals.js'), 'test seam'],
  ['src/browser.ts', imp('i', './client/internals.js'), 'test seam'],
  ['src/browser.ts', imp('n', './calls/node/peer-connection.js'), 'no Node WebRTC'],
  ['web/src/x.ts', "import wrtc from '@roamhq/wrtc'\nexport { wrtc }\n", "its WebRTC is the browser's own"]
]

const allowed: Array<[string, string]> = [
  ['web/src/x.ts', "import { createBrowserNode } from '../../src/browser.js'\nexport { createBrowserNode }\n"],
  ['relay-node/src/x.ts', "import { commonServices } from '../../src/net/options.js'\nexport { commonServices }\n"],
  ['relay-node/src/x.ts', imp('id', '../../src/crypto/identity.js')],
  ['src/session/x.ts', imp('c', '../crypto/index.js')],
  ['src/messaging/x.ts', "import { openMailbox } from '../protocols/mailbox/index.js'\nexport { openMailbox }\n"],
  ['src/crypto/x.ts', "import { sha256 } from '@noble/hashes/sha2.js'\nexport { sha256 }\n"],
  ['src/media/node/x.ts', "import { open } from 'node:fs/promises'\nexport { open }\n"],
  ['src/calls/node/x.ts', "import { open } from 'node:fs/promises'\nexport { open }\n"],
  ['src/calls/node/x.ts', "import wrtc from '@roamhq/wrtc'\nexport { wrtc }\n"],
  ['src/index.ts', imp('n', './calls/node/peer-connection.js')],
  ['src/calls/x.ts', imp('s', '../util/abort.js')],
  ['src/media/x.ts', imp('b', '../protocols/blob/index.js')],
  ['src/protocols/mailbox/x.ts', imp('p', '../../crypto/prekeys.js')],
  ['src/directory/x.ts', imp('a', '../crypto/attestation.js')],
  ['src/client/x.ts', imp('m', '../messaging/index.js')],
  ['src/cli/x.ts', imp('sdk', '../index.js')],
  ['src/groups/x.ts', imp('k', '../crypto/sender-key.js')],
  ['src/groups/x.ts', imp('s', '../session/index.js')],
  ['src/util/x.ts', imp('s', '../storage/index.js')],
  ['src/net/x.ts', imp('s', '../storage/index.js')]
]

describe('layer boundaries', () => {
  for (const [file, code, reason] of forbidden) {
    it(`${file}: ${code.split('\n')[0]} is refused (${reason})`, async () => {
      const messages = await restrictedImports(file, code)
      expect(messages).toHaveLength(1)
      expect(messages[0]).toContain(reason)
    })
  }

  for (const [file, code] of allowed) {
    it(`${file}: ${code.split('\n')[0]} is allowed`, async () => {
      expect(await restrictedImports(file, code)).toEqual([])
    })
  }

  it('every group of every folder\'s rule is broken by some snippet above', async () => {
    const untested: string[] = []
    for (const file of new Set(forbidden.map(([f]) => f))) {
      const config = await eslint.calculateConfigForFile(file) as { rules: Record<string, [unknown, { patterns: Array<{ message: string }> }]> }
      const fired = (await Promise.all(forbidden.filter(([f]) => f === file).map(async ([, code]) => await restrictedImports(file, code)))).flat()
      for (const { message } of config.rules['no-restricted-imports'][1].patterns) {
        if (!fired.some(m => m.endsWith(message))) untested.push(`${file}: ${message}`)
      }
    }
    expect(untested).toEqual([])
  })

  it('every folder with a rule is covered', async () => {
    const folders = ['src/crypto', 'src/storage', 'src/session', 'src/protocols/mailbox', 'src/net', 'src/directory', 'src/groups', 'src/messaging', 'src/calls', 'src/calls/node', 'src/client', 'src/cli', 'src/util', 'relay-node/src', 'web/src']
    for (const folder of folders) {
      const config = await eslint.calculateConfigForFile(`${folder}/x.ts`) as { rules: Record<string, unknown> }
      expect(config.rules['no-restricted-imports'], folder).toBeDefined()
      expect(forbidden.some(([f]) => f === `${folder}/x.ts`), folder).toBe(true)
    }
  })
})
