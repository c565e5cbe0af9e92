import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {fixturePath, sharedDir} from '../support/paths.js'

const sharedGolden = join(sharedDir, 'golden')

// ../shared/golden is the source of the vendored copy; it may grow, and the copy must follow it unchanged.
test('vendored golden vectors are byte-identical to ../shared/golden', {skip: existsSync(sharedGolden) ? false : 'no ../shared/golden next to this clone'}, () => {
  const sourceFiles = readdirSync(sharedGolden).sort()
  assert.deepEqual(readdirSync(fixturePath('golden')).sort(), sourceFiles)
  for (const file of sourceFiles) {
    assert.ok(readFileSync(join(sharedGolden, file)).equals(readFileSync(fixturePath('golden', file))), `${file} differs from ../shared/golden/${file}`)
  }
})
