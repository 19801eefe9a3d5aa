// The layer boundaries of docs/design.md §2 are enforced by lint: a forbidden import fails, an allowed one passes.
import { describe, it, expect } from 'vitest'
import { ESLint } from 'eslint'

const eslint = new ESLint()

async function restrictedImports (filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter(m => m.ruleId === 'no-restricted-imports').map(m => m.message)
}

describe('layer boundaries', () => {
  const forbidden: Array<[string, string, string]> = [
    ['src/crypto/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'no libp2p'],
    ['src/crypto/x.ts', "import { Level } from 'level'\nexport { Level }\n", 'no storage'],
    ['src/crypto/x.ts', "import * as s from '../storage/index.js'\nexport { s }\n", 'bottom layer'],
    ['src/crypto/x.ts', "import { readFile } from 'node:fs/promises'\nexport { readFile }\n", 'no I/O'],
    ['src/storage/x.ts', "import * as s from '../session/index.js'\nexport { s }\n", 'below session'],
    ['src/session/x.ts', "import * as p from '../protocols/mailbox/index.js'\nexport { p }\n", 'below protocols'],
    ['src/session/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'knows no network'],
    ['relay-node/src/x.ts', "import * as s from '../../src/session/index.js'\nexport { s }\n", 'ciphertext only'],
    ['relay-node/src/x.ts', "import * as r from '../../src/crypto/ratchet.js'\nexport { r }\n", 'ciphertext only'],
    ['src/messaging/x.ts', "import { Parley } from '../client/parley.js'\nexport { Parley }\n", 'below the client facade'],
    ['src/messaging/x.ts', "import { join } from 'node:path'\nexport { join }\n", 'runs in browsers'],
    ['web/src/x.ts', "import { createNodeNode } from '../../src/net/node.js'\nexport { createNodeNode }\n", 'SDK entry'],
    ['web/src/x.ts', "import { createLibp2p } from 'libp2p'\nexport { createLibp2p }\n", 'SDK facade']
  ]
  for (const [file, code, reason] of forbidden) {
    it(`${file}: ${code.split('\n')[0]} is refused`, async () => {
      const messages = await restrictedImports(file, code)
      expect(messages).toHaveLength(1)
      expect(messages[0]).toContain(reason)
    })
  }

  const allowed: Array<[string, string]> = [
    ['web/src/x.ts', "import { createBrowserNode } from '../../src/browser.js'\nexport { createBrowserNode }\n"],
    ['relay-node/src/x.ts', "import { commonServices } from '../../src/index.js'\nexport { commonServices }\n"],
    ['src/session/x.ts', "import * as c from '../crypto/index.js'\nexport { c }\n"],
    ['src/messaging/x.ts', "import { openMailbox } from '../protocols/mailbox/index.js'\nexport { openMailbox }\n"],
    ['src/crypto/x.ts', "import { sha256 } from '@noble/hashes/sha2.js'\nexport { sha256 }\n"]
  ]
  for (const [file, code] of allowed) {
    it(`${file}: ${code.split('\n')[0]} is allowed`, async () => {
      expect(await restrictedImports(file, code)).toEqual([])
    })
  }
})
