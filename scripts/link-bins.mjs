// Makes `npx parley-relay` / `npx parley` work inside a clone after `npm install`: links this package's bins into
// node_modules/.bin, and pre-seeds npm 11's npx cache entry for this folder (npm 11 "self-executes" a local
// package's bin by installing it into ~/.npm/_npx/<hash>, and that install leaves no package.json behind, so
// every later npx call fails with ENOENT). See docs/decisions.md.
import { readFileSync, mkdirSync, symlinkSync, rmSync, chmodSync, existsSync, writeFileSync, lstatSync } from 'node:fs'
import { join, relative, dirname, resolve } from 'node:path'
import { homedir } from 'node:os'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const binDir = join(root, 'node_modules', '.bin')
mkdirSync(binDir, { recursive: true })
for (const [name, target] of Object.entries(pkg.bin ?? {})) {
  const link = join(binDir, name)
  rmSync(link, { force: true })
  symlinkSync(relative(binDir, join(root, target)), link)
  chmodSync(join(root, target), 0o755)
}

// libnpmexec keys its cache folder by sha512 of the resolved package folder, first 16 hex digits
try {
  const cache = process.env.npm_config_cache ?? join(homedir(), '.npm')
  const installDir = join(cache, '_npx', createHash('sha512').update(root).digest('hex').slice(0, 16))
  mkdirSync(join(installDir, 'node_modules'), { recursive: true })
  const manifest = join(installDir, 'package.json')
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ _npx: { packages: [root] } }) + '\n')
  const self = join(installDir, 'node_modules', pkg.name)
  let present = false
  try { present = lstatSync(self).isSymbolicLink() } catch { present = false }
  if (!present) {
    rmSync(self, { recursive: true, force: true })
    symlinkSync(root, self)
  }
} catch (err) {
  process.stderr.write(`link-bins: could not prepare the npx cache (${err.message}); use ./node_modules/.bin/parley-relay instead of npx\n`)
}
