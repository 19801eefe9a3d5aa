/** Where the project's files are, whether this module runs from source (tests) or from dist/ (npm start). */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith(`${'/'}dist`)) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the project root')
    dir = up
  }
  return dir
}

export const PROJECT_ROOT = findRoot()
export const RELAY_BIN = join(PROJECT_ROOT, 'bin', 'parley-relay.js')
export const WEB_DIST = join(PROJECT_ROOT, 'dist', 'web')
