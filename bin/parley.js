#!/usr/bin/env node
// Entry of the parley command; the code is compiled TypeScript in dist/.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`parley: Node ${process.versions.node} is too old; Parley needs Node 22.12 or newer (run it through npx or npm scripts to use the project's Node 24)\n`)
  process.exit(1)
}
await import('../dist/src/cli/main.js')
