import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import {fixturePath, sharedDir} from '../support/paths.js'

// ../shared is the source of the vendored copies under test/fixtures; it may grow, and the copies must follow it
// unchanged. CI runs with ../shared beside the clone, so a missing source is a failure, not a skip.
const vendored: ReadonlyArray<{source: string; copy: string}> = [
  {source: join(sharedDir, 'golden'), copy: fixturePath('golden')},
  {source: join(sharedDir, 'fixtures', 'vllm-metrics'), copy: fixturePath('vllm-metrics')},
]

for (const {source, copy} of vendored) {
  test(`vendored ${copy.slice(fixturePath().length + 1)} is byte-identical to ${source}`, () => {
    assert.ok(existsSync(source), `${source} is missing: CI checks the vendored copy against it`)
    const sourceFiles = readdirSync(source).sort()
    assert.ok(sourceFiles.length > 0, `${source} is empty`)
    assert.deepEqual(readdirSync(copy).sort(), sourceFiles)
    for (const file of sourceFiles) {
      const same = readFileSync(join(source, file)).equals(readFileSync(join(copy, file)))
      assert.ok(same, `${file} differs from ${source}/${file}`)
    }
  })
}
