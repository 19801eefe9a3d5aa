// Mutation testing (docs/testing.md): `npm run mutate`, or one folder with MUTATE=src/crypto npm run mutate.

/** The folders mutated by default; generated protobuf code (pb/) is never mutated. */
const folders = {
  'src/crypto': ['src/crypto/**/*.ts'],
  'src/session': ['src/session/**/*.ts'],
  'src/directory': ['src/directory/**/*.ts'],
  'src/protocols': ['src/protocols/**/*.ts'],
  'src/messaging': ['src/messaging/**/*.ts'],
  'relay-node/stores': ['relay-node/src/mailbox/store.ts', 'relay-node/src/prekeys/store.ts', 'relay-node/src/time-ids.ts']
}

/** The unit test files run against each folder's mutants (no process-spawning, browser or chaos tests). */
const tests = {
  'src/crypto': ['test/crypto/**/*.test.ts'],
  'src/session': ['test/session/**/*.test.ts'],
  'src/directory': ['test/directory/**/*.test.ts'],
  'src/protocols': ['test/protocols/**/*.test.ts'],
  // every test/messaging file but the ones with relays and libp2p nodes (vitest.mutate.config.ts leaves those out)
  'src/messaging': ['test/messaging/**/*.test.ts'],
  'relay-node/stores': ['test/relay/mailbox-store.test.ts', 'test/relay/prekey-store.test.ts']
}

const chosen = (process.env.MUTATE ?? Object.keys(folders).join(',')).split(',').map((f) => f.trim().replace(/\/$/, '')).filter(Boolean)
for (const folder of chosen) {
  if (!(folder in folders)) throw new Error(`MUTATE: unknown folder ${folder}; one of ${Object.keys(folders).join(', ')}`)
}
// one incremental file per MUTATE choice, so runs of different folders do not overwrite each other's results
const key = chosen.length === Object.keys(folders).length ? 'all' : chosen.map((f) => f.replaceAll('/', '-')).join('+')
process.env.STRYKER_MUTATE_TESTS = JSON.stringify(chosen.flatMap((f) => tests[f]))

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  coverageAnalysis: 'perTest',
  checkers: [],
  // static mutants (module-level constants) rerun every test and took half the time: set STRYKER_STATIC=1 to include them
  ignoreStatic: process.env.STRYKER_STATIC !== '1',
  mutate: [...chosen.flatMap((f) => folders[f]), '!**/pb/**'],
  ignorePatterns: ['.stryker-tmp', 'dist', 'web/dist', 'reports', '.parley', 'test-results', 'bench', 'test/browser', 'test/chaos'],
  incremental: true,
  incrementalFile: `reports/mutation/${key}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${key}.html` },
  jsonReporter: { fileName: `reports/mutation/${key}.json` },
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  timeoutFactor: 2,
  tempDirName: `.stryker-tmp/${key}`,
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null }
}
