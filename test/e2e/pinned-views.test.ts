import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'

import {assertPinnedOutput} from '../support/expected-output.js'
import {repoRoot} from '../support/paths.js'
import {kubectlVaDirect} from '../support/run-cli.js'

// The product's main numbers, pinned whole: each view of a fixed manifest is compared with its stdout in
// test/fixtures/output (the live views are pinned in live.test.ts). Offline runs read no clock but AGE's, and
// these manifests carry no creationTimestamp.
const quickstart = join(repoRoot, 'examples', 'quickstart.yaml')
const saturation = join(repoRoot, 'examples', 'saturation-v0.5', 'granite-8b.yaml')

const views: ReadonlyArray<{name: string; args: readonly string[]}> = [
  {name: 'offline-get', args: ['get', '-f', quickstart]},
  {name: 'offline-get-wide', args: ['get', '-f', quickstart, '-o', 'wide']},
  {name: 'offline-describe', args: ['describe', '-f', quickstart]},
  {name: 'offline-simulate', args: ['simulate', '-f', quickstart]},
  {name: 'offline-simulate-wide', args: ['simulate', '-f', quickstart, '-o', 'wide']},
  {name: 'offline-simulate-saturation', args: ['simulate', '-f', saturation]},
  {name: 'offline-get-wide-saturation', args: ['get', '-f', saturation, '-o', 'wide']},
]

for (const {name, args} of views) {
  test(`kubectl va ${args.map((arg) => arg.replace(`${repoRoot}/`, '')).join(' ')} prints ${name}.txt`, async () => {
    const run = await kubectlVaDirect([...args])
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, name)
  })
}
