// Vitest config for mutation testing (stryker.config.mjs): only the unit tests of the mutated folders.
import { defineConfig } from 'vitest/config'

const fallback = ['test/crypto', 'test/session', 'test/directory', 'test/protocols', 'test/messaging'].map((d) => `${d}/**/*.test.ts`)
  .concat(['test/relay/mailbox-store.test.ts', 'test/relay/prekey-store.test.ts'])

export default defineConfig({
  test: {
    include: process.env.STRYKER_MUTATE_TESTS !== undefined ? JSON.parse(process.env.STRYKER_MUTATE_TESTS) as string[] : fallback,
    exclude: [
      'test/browser/**', 'test/chaos/**', 'test/cli/**',
      // these start dist/… scripts as child processes: in Stryker's sandbox they would run the unmutated build
      'test/directory/dht.test.ts', 'test/messaging/owed-texts.test.ts', 'test/messaging/send-crash.test.ts',
      'test/relay/relay-cli.test.ts', 'test/relay/verifier.test.ts',
      'test/relay/mailbox.test.ts', 'test/relay/prekeys.test.ts', 'test/relay/dht-persistence.test.ts',
      // seeded fuzzing (47 s, covers all of src/session): each mutant would rerun it; the unit tests stand alone here
      'test/session/randomised.test.ts',
      // 30 libp2p nodes on loopback: its internal timeouts fail under Stryker's load, and each mutant would rerun it
      'test/directory/network.test.ts',
      // relays and libp2p nodes in process: 1-25 s each, and nearly all of them cover messenger.ts and outbound.ts
      // (hours per run on 2 cores); src/messaging is mutated against its unit tests on the scripted network
      ...['delivery', 'mailbox-abuse', 'newest-connection', 'presence', 'profiles', 'relays', 'shared-lookups', 'trust', 'typing-circuit']
        .map(f => `test/messaging/${f}.test.ts`)
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
