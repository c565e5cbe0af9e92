import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** Repository root, whether running from test/ sources or compiled dist/test/. */
export const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
})()

export const binDir = join(repoRoot, 'bin')
export const pinnedNode = join(repoRoot, 'node_modules', 'node', 'bin', 'node')

/** The source folder (not dist/) of a fixture, so tests read committed files. */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts)
}

/** ../shared next to the repository, when present (the source of the golden vectors). */
export const sharedDir = join(repoRoot, '..', 'shared')
