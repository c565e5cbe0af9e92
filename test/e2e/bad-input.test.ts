import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {repoRoot} from '../support/paths.js'
import {kubectlVaDirect} from '../support/run-cli.js'

const quickstart = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')

function manifest(t: import('node:test').TestContext, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kva-bad-input-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'm.yaml'), text)
  return join(dir, 'm.yaml')
}

test('simulate names the service class a bad SLO value dropped, not "no class lists the model"', async (t) => {
  const run = await kubectlVaDirect([
    'simulate',
    '-f',
    manifest(t, quickstart.replace('slo-ttft: 500', 'slo-ttft: abc')),
  ])
  assert.equal(run.code, 6, run.stderr)
  assert.match(
    run.stderr,
    new RegExp(
      'llm/llama-8b-h100: ConfigMap service-classes-config, key premium\\.yaml: data\\[0\\]\\.slo-ttft: ' +
        'must be an integer number of milliseconds, got "abc" \\(the controller drops the whole class\\); ' +
        'fix the value, or pass --slo-ttft and --slo-itl$',
      'm',
    ),
  )
  assert.doesNotMatch(run.stderr, /no class .* lists model/)
})

test('simulate refuses a negative alpha or maxBatchSize by field, without the optimizer internals', async (t) => {
  for (const [from, to, field] of [
    ['alpha: "7.470"', 'alpha: "-7.470"', /decodeParms\.alpha: must not be negative/],
    ['maxBatchSize: 512', 'maxBatchSize: -5', /maxBatchSize: must be at least 1, got -5/],
  ] as const) {
    const run = await kubectlVaDirect(['simulate', '-f', manifest(t, quickstart.replace(from, to))])
    assert.equal(run.code, 6, run.stderr)
    assert.match(run.stderr, field)
    assert.doesNotMatch(run.stderr, /isValid|MM1|lambdaStar|bounded region/)
    assert.match(run.stdout, /^granite-13b-l40s\s.*\s1\s+1\s/m)
  }
})

test('a quoted Deployment replicas is not read as 1', async (t) => {
  const run = await kubectlVaDirect([
    'simulate',
    '-f',
    manifest(t, quickstart.replace('replicas: 2', 'replicas: "2"')),
    '-o',
    'json',
  ])
  assert.equal(run.code, 6)
  assert.match(run.stderr, /spec\.replicas must be an integer, got string "2"/)
  const llama = JSON.parse(run.stdout).items.find((item: {name: string}) => item.name === 'llama-8b-h100')
  assert.notEqual(llama.current.source, 'deployment')
})
