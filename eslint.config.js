// Lint configuration: TypeScript rules plus the layer boundaries of docs/design.md §2.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

/** Build a no-restricted-imports rule from glob groups with one message each. */
const forbid = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }]

const upperLayers = ['**/client/**', '**/client/*', '**/messaging/**', '**/groups/**', '**/directory/**', '**/media/**', '**/calls/**']
/** The crypto barrel re-exports the Double Ratchet: layers that carry only ciphertext import the submodule they need. */
const cryptoBarrel = ['**/crypto/index*']
/** End-to-end session code: the ratchet, PQXDH, sender keys and the session layer. */
const sessionCode = ['**/crypto/ratchet*', '**/crypto/ratchet/**', '**/crypto/pqxdh*', '**/crypto/sender-key*', '**/session/**', '**/session']
/** Node's WebRTC: the native package and the call layer's Node media, which browser code must never load. */
const nodeWebRtc = ['node:*', '@roamhq/*', '**/calls/node/**', '**/calls/node', './node/**', '../node/**', '../../node/**']
/** The SDK entries export the public facade only. */
const testSeam = [['**/client/internals', '**/client/internals.*'], 'src/client/internals is the test seam: the SDK entries export the public facade only']
/** The SDK entries and the layers behind the facade that only devices run. */
const clientCode = ['**/src/index*', '**/src/browser*', '**/client/**', '**/client/*', '**/messaging/**', '**/cli/**']

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
    files: ['src/protocols/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [upperLayers, 'protocols and transports sit below messaging and the client'],
        [['**/cli/**', '**/net/**', ...sessionCode], 'src/protocols carry ciphertext: no sessions, no ratchet, no transport factory'],
        [cryptoBarrel, 'src/protocols import the crypto submodule they need, not the barrel (it loads the ratchet)']
      )
    }
  },
  {
    files: ['src/net/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [upperLayers, 'protocols and transports sit below messaging and the client'],
        [['**/cli/**', ...sessionCode, ...cryptoBarrel], 'src/net carries ciphertext: no sessions, no ratchet, no crypto barrel']
      )
    }
  },
  {
    files: ['src/directory/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/messaging/**', '**/cli/**', '**/net/**', '**/groups/**', '**/media/**', '**/calls/**'], 'src/directory sits below messaging and the client'],
        [sessionCode, 'src/directory is run by relays: no sessions, no ratchet'],
        [cryptoBarrel, 'src/directory imports the crypto submodule it needs, not the barrel (it loads the ratchet)']
      )
    }
  },
  {
    files: ['src/groups/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/src/index*', '**/src/browser*', '**/net/**', '**/web/**', 'libp2p'], 'src/groups sits below the client facade and knows no libp2p factory'],
        [['node:*'], 'src/groups runs in browsers: no Node API']
      )
    }
  },
  {
    files: ['src/media/**/*.ts'],
    ignores: ['src/media/node/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/src/index*', '**/src/browser*', '**/net/**', '**/web/**', 'libp2p'], 'src/media sits below the client facade and knows no libp2p factory'],
        [sessionCode, 'src/media carries files: no sessions, no ratchet'],
        [['node:*'], 'src/media runs in browsers: no Node API (Node\'s files are in src/media/node)']
      )
    }
  },
  {
    files: ['src/media/node/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/src/index*', '**/src/browser*', '**/net/**', '**/web/**', 'libp2p', ...sessionCode], 'src/media/node is the media layer\'s Node files: it knows only the media layer']
      )
    }
  },
  {
    files: ['src/calls/**/*.ts'],
    ignores: ['src/calls/node/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/src/index*', '**/src/browser*', '**/net/**', '**/web/**', 'libp2p', '**/protocols/**', '**/media/**', '**/groups/**', '**/directory/**'], 'src/calls sits below the client facade: signals leave through a port, it knows no libp2p or protocol'],
        [sessionCode, 'src/calls carries signals through a port: no sessions, no ratchet'],
        [nodeWebRtc, 'src/calls runs in browsers: no Node API and no Node WebRTC (src/calls/node has them; the Node entry passes them in)']
      )
    }
  },
  {
    files: ['src/calls/node/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/cli/**', '**/src/index*', '**/src/browser*', '**/net/**', '**/web/**', 'libp2p', ...sessionCode], 'src/calls/node is the call layer\'s Node media: it knows only the call layer']
      )
    }
  },
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/cli/**', '**/web/**', '**/src/index*', '**/src/browser*'], 'src/client is the facade below the SDK entries, the CLI and the web client'],
        [['node:*'], 'src/client runs in browsers: no Node API'],
        [nodeWebRtc.filter(p => p !== 'node:*'), 'src/client runs in browsers: Node\'s WebRTC comes in through the Node entry (src/calls/node)']
      )
    }
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/client/**', '**/client/*', '**/messaging/**', '**/session/**', '**/protocols/**', '**/crypto/**', '**/directory/**', '**/net/**'], 'src/cli talks to the SDK entry (src/index) and storage, not to the layers behind the facade'],
        [['**/web/**', 'libp2p', '@libp2p/*'], 'src/cli uses no web client and no libp2p of its own']
      )
    }
  },
  {
    files: ['src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/crypto/**', '**/session/**', '**/protocols/**', '**/net/**', '**/cli/**', '**/src/index*', '**/src/browser*', ...upperLayers], 'src/util is shared by every layer and imports none above storage']
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
    // the CLI's own rule above already keeps it from src/client (the seam included)
    files: ['src/index.ts'],
    rules: {
      'no-restricted-imports': forbid(testSeam)
    }
  },
  {
    files: ['src/browser.ts'],
    rules: {
      'no-restricted-imports': forbid(
        testSeam,
        [nodeWebRtc.filter(p => p !== 'node:*'), 'the browser entry uses the browser\'s own WebRTC: no Node WebRTC (src/calls/node)']
      )
    }
  },
  {
    files: ['relay-node/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [sessionCode, 'relay-node stores ciphertext only: no ratchet, no sessions'],
        [clientCode, 'relay-node runs no client: no SDK entry, no facade, no messaging, no CLI'],
        [cryptoBarrel, 'relay-node imports the crypto submodule it needs, not the barrel (it loads the ratchet)'],
        [['../../web/**', '../web/**', '**/web/**'], 'relay-node does not import the web client']
      )
    }
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-imports': forbid(
        // this also keeps web from src/client/internals, the test seam (tests, benchmarks, chaos scripts)
        [['**/src/*', '**/src/**', '!**/src/index.js', '!**/src/browser.js', '!**/src/index.ts', '!**/src/browser.ts'], 'web imports only the SDK entry (src/index or src/browser)'],
        [['libp2p', '@libp2p/*', '@chainsafe/*', 'level'], 'web talks to the SDK facade, not to libp2p or storage'],
        [['@roamhq/*'], 'web runs in a browser: its WebRTC is the browser\'s own']
      )
    }
  }
)
