// Lint configuration: TypeScript rules plus the layer boundaries of docs/design.md §2.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

/** Build a no-restricted-imports rule from glob groups with one message each. */
const forbid = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }]

const upperLayers = ['**/client/**', '**/client/*', '**/messaging/**', '**/groups/**', '**/directory/**', '**/media/**', '**/calls/**']

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/pb/*.ts', 'web/dist/**', '.parley/**', 'test-results/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off'
    }
  },
  {
    files: ['src/crypto/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/*', 'level', 'classic-level', 'browser-level'], 'src/crypto is pure: no libp2p and no storage'],
        [['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process', 'node:timers', 'node:timers/*'], 'src/crypto does no I/O'],
        [['**/storage/**', '**/session/**', '**/protocols/**', '**/net/**', ...upperLayers], 'src/crypto is the bottom layer']
      )
    }
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/session/**', '**/protocols/**', '**/net/**', ...upperLayers], 'src/storage sits below session, protocols and the apps']
      )
    }
  },
  {
    files: ['src/session/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['libp2p', '@libp2p/*'], 'src/session knows no network'],
        [['**/protocols/**', '**/net/**', ...upperLayers], 'src/session sits below protocols and the apps']
      )
    }
  },
  {
    files: ['src/protocols/**/*.ts', 'src/net/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [upperLayers, 'protocols and transports sit below messaging and the client']
      )
    }
  },
  {
    files: ['src/messaging/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/net/**', 'libp2p', 'node:*'], 'src/messaging sits below the client facade and knows no libp2p factory or Node API (it runs in browsers)']
      )
    }
  },
  {
    files: ['relay-node/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/crypto/ratchet*', '**/crypto/ratchet/**', '**/crypto/pqxdh*', '**/crypto/sender-key*', '**/session/**', '**/session'], 'relay-node stores ciphertext only: no ratchet, no sessions'],
        [['../../web/**', '../web/**'], 'relay-node does not import the web client']
      )
    }
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/src/*', '**/src/**', '!**/src/index.js', '!**/src/browser.js', '!**/src/index.ts', '!**/src/browser.ts'], 'web imports only the SDK entry (src/index or src/browser)'],
        [['libp2p', '@libp2p/*', '@chainsafe/*', 'level'], 'web talks to the SDK facade, not to libp2p or storage']
      )
    }
  }
)
