// Line width: no line of a tracked .ts file under src/ or test/ (test/fixtures aside) is over 120 characters.
// Biome formats to 120 but cannot break a long string, template or regex literal; this test catches those.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {repoRoot} from '../../support/paths.js'

const maxWidth = 120

/** The tracked .ts files under src/ and test/, outside test/fixtures/, repository-relative. */
function trackedSources(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--', 'src', 'test'], {cwd: repoRoot, encoding: 'utf8'})
  assert.equal(listed.status, 0, `git ls-files failed: ${listed.error?.message ?? listed.stderr}`)
  return listed.stdout
    .split('\0')
    .filter((path) => path.endsWith('.ts') && !path.startsWith('test/fixtures/'))
    .sort()
}

test(`no line of a tracked .ts file in src/ and test/ is over ${maxWidth} characters`, () => {
  const files = trackedSources()
  assert.ok(
    files.some((path) => path.startsWith('src/')),
    'git ls-files listed no file under src/',
  )
  assert.ok(files.includes('test/unit/architecture/line-width.test.ts'), 'git ls-files did not list this test')
  const long: string[] = []
  for (const path of files) {
    const lines = readFileSync(join(repoRoot, path), 'utf8').split('\n')
    for (const [index, line] of lines.entries()) {
      // Code points, not UTF-16 units: `≥` or `→` is one character on screen.
      const width = [...line].length
      if (width > maxWidth) long.push(`${path}:${index + 1}: ${width} characters`)
    }
  }
  assert.deepEqual(long, [], `lines over ${maxWidth} characters:\n${long.join('\n')}`)
})
