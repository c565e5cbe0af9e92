import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import Ajv2020 from 'ajv/dist/2020.js'

import {assertPinnedOutput} from '../support/expected-output.js'
import {fixturePath, repoRoot} from '../support/paths.js'
import {kubectlVa, kubectlVaDirect} from '../support/run-cli.js'
import {joinRegExp} from '../support/regexp.js'

const saturationExample = join(repoRoot, 'examples', 'saturation-v0.5', 'granite-8b.yaml')
const quickstart = join(repoRoot, 'examples', 'quickstart.yaml')

test('simulate -f quickstart prints a kubectl-style table through kubectl plugin discovery', async () => {
  const run = await kubectlVa(['simulate', '-f', quickstart])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assertPinnedOutput(run.stdout, 'offline-simulate')
})

test('simulate -o json matches the documented JSON schema', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'json'])
  assert.equal(run.code, 0, run.stderr)
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/schema/simulation-result.schema.json'), 'utf8'))
  const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false}).compile(schema)
  const result = JSON.parse(run.stdout) as {items: any[]}
  const valid = validate(result)
  assert.ok(valid, JSON.stringify(validate.errors))
  assert.deepEqual(
    result.items.map((item: any) => [item.name, item.outcome, item.loadSources]),
    [
      ['granite-13b-l40s', 'allocated', ['snapshot']],
      ['llama-8b-h100', 'allocated', ['snapshot']],
    ],
  )
})

test('the JSON output lists its fields deliberately', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'json'])
  const item = JSON.parse(run.stdout).items[0]
  assert.deepEqual(Object.keys(item), [
    'namespace',
    'name',
    'modelID',
    'accelerator',
    'shape',
    'engine',
    'outcome',
    'reason',
    'reasonCode',
    'cause',
    'load',
    'loadSources',
    'measured',
    'slo',
    'maxBatchSize',
    'current',
    'controller',
    'desired',
    'prediction',
    'boundBy',
    'saturation',
  ])
})

test('doubling the load never lowers the desired replicas', async () => {
  const base = JSON.parse((await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'json'])).stdout)
  const doubled = JSON.parse(
    (await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'json', '--load-scale', '2'])).stdout,
  )
  for (const [index, item] of doubled.items.entries()) {
    assert.equal(item.load.arrivalRate, base.items[index].load.arrivalRate * 2)
    assert.deepEqual(item.loadSources, ['snapshot', 'flags'])
    assert.ok(item.desired.replicas >= base.items[index].desired.replicas)
  }
})

test('yaml output carries the same view model as json', async () => {
  const {parse} = await import('yaml')
  const json = JSON.parse((await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'json'])).stdout)
  const yaml = parse((await kubectlVaDirect(['simulate', '-f', quickstart, '-o', 'yaml'])).stdout)
  assert.deepEqual(yaml, json)
})

test('broken VAs are reported one line each, the good one still prints, exit code 6', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', fixturePath('manifests', 'broken.yaml')])
  assert.equal(run.code, 6)
  assert.match(run.stdout, /^good\s+300\s+1\s+1\s/m)
  const errors = run.stderr.trimEnd().split('\n')
  assert.equal(errors.length, 3, run.stderr)
  assert.match(errors[0]!, /^warning: /)
  assert.match(errors[1]!, /^error: variantautoscaling llm\/bad-params: /)
  assert.match(errors[2]!, /^error: variantautoscaling llm\/no-class: /)
  assert.match(errors[1]!, /: spec\.modelProfile\.accelerators\[0\]\.accCount: must be an integer, got string "one"; /)
  assert.match(errors[1]!, /decodeParms\.alpha: must be a quoted string, got number 7\.47; .*; fix the Variant/)
  assert.match(errors[2]!, /: no class in ConfigMap service-classes-config lists model "acme\/unlisted"; add one, or /)
  assert.doesNotMatch(run.stderr, /\n\s+at /)
})

test('SLO flags stand in for a missing service class', async () => {
  const run = await kubectlVaDirect([
    'simulate',
    'no-class',
    '-f',
    fixturePath('manifests', 'broken.yaml'),
    '--slo-ttft',
    '1000',
    '--slo-itl',
    '50',
    '-o',
    'json',
  ])
  assert.equal(run.code, 0, run.stderr)
  const [item] = JSON.parse(run.stdout).items
  assert.equal(item.outcome, 'allocated')
  assert.deepEqual(item.slo, {ttftMs: 1000, itlMs: 50, serviceClass: null})
})

test('unparsable YAML names the file and line; the other files are still simulated', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', fixturePath('manifests')])
  assert.equal(run.code, 6)
  assert.match(run.stderr, /^error: .*unparsable\.yaml:\d+: invalid YAML/m)
  assert.match(run.stdout, /^good\s/m)
})

test('a negative or non-numeric what-if value is a usage error', async () => {
  for (const args of [
    ['--arrival-rate', '-5'],
    ['--input-tokens', 'NaN'],
    ['--max-batch', '1.5'],
  ]) {
    const run = await kubectlVaDirect(['simulate', '-f', quickstart, ...args])
    assert.equal(run.code, 2, args.join(' '))
    assert.match(run.stderr, new RegExp(`^error: ${args[0]} ${args[1]!.replace('.', '\\.')}: `))
  }
})

test('simulate without -f and without a cluster says how to point it at one (exit 4)', async () => {
  const run = await kubectlVaDirect(['simulate'])
  assert.equal(run.code, 4)
  assert.match(run.stderr, /^error: kubeconfig .*no-such-kubeconfig \(from KUBECONFIG\): not found, /)
  assert.match(run.stderr, /; pass --kubeconfig, set KUBECONFIG/)
})

test('cluster flags cannot be combined with -f', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', quickstart, '--context', 'prod'])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /^error: --context: cannot be combined with -f/)
})

test('a VA with no load source gets its own error, not a crash', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', '-'], {
    input: readFileSync(quickstart, 'utf8').replace(
      /kind: MetricsSnapshot[\s\S]*$/,
      'kind: ConfigMap\nmetadata: {name: unrelated}\n',
    ),
  })
  assert.equal(run.code, 3)
  const line =
    'error: variantautoscaling llm/llama-8b-h100: no load for model "meta/llama-3.1-8b" in namespace llm ' +
    '(missing arrival rate, average input tokens, average output tokens): the manifests hold no MetricsSnapshot; ' +
    'add one (docs/metrics-snapshot.md), or pass --arrival-rate, --input-tokens and --output-tokens'
  assert.ok(run.stderr.split('\n').includes(line), run.stderr)
})

test('a VA name after -f FILE is a name, not a second file, as in kubectl', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', quickstart, 'llama-8b-h100', '--no-headers'])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /^llama-8b-h100\s/)
  assert.equal(run.stdout.trimEnd().split('\n').length, 1)
})

test('a v0.5 setup is decided by the saturation engine offline: one variant moves by one replica', async () => {
  const run = await kubectlVaDirect(['simulate', '-f', saturationExample, '-o', 'json'])
  assert.equal(run.code, 0, run.stderr)
  const result = JSON.parse(run.stdout) as {items: any[]}
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/schema/simulation-result.schema.json'), 'utf8'))
  const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false}).compile(schema)
  const valid = validate(result)
  assert.ok(valid, JSON.stringify(validate.errors))
  assert.deepEqual(
    result.items.map((item) => [item.name, item.engine, item.desired?.replicas, item.saturation.action]),
    [
      ['granite-8b-h100', 'saturation', 2, 'no-change'],
      ['granite-8b-l40s', 'saturation', 3, 'scale-up'],
    ],
  )
  assert.match(
    result.items[1].saturation.explanation[0],
    /^scale up granite-8b-l40s by 1 \(2 → 3\): average spare KV 0\.04 < trigger 0\.10/,
  )
  const tighter = JSON.parse(
    (
      await kubectlVaDirect([
        'simulate',
        '-f',
        saturationExample,
        '-o',
        'json',
        '--kv-spare-trigger',
        '0.01',
        '--queue-spare-trigger',
        '1',
      ])
    ).stdout,
  )
  assert.deepEqual(
    tighter.items.map((item: any) => item.saturation.action),
    ['no-change', 'no-change'],
  )
})

test('two VAs on one Deployment: both are undecided, and the warning says how to fix it', async () => {
  const text = readFileSync(saturationExample, 'utf8').replace(
    'name: granite-8b-l40s-decode}',
    'name: granite-8b-h100-decode}',
  )
  const run = await kubectlVaDirect(['simulate', '-f', '-', '-o', 'json'], {input: text})
  assert.match(
    run.stderr,
    joinRegExp(
      [
        /^warning: Deployment llm\/granite-8b-h100-decode is the target of several VAs /,
        /\(granite-8b-h100, granite-8b-l40s\): .*give each VA its own Deployment$/,
      ],
      'm',
    ),
  )
  const items = JSON.parse(run.stdout).items
  assert.deepEqual(
    items.map((item: any) => item.outcome),
    ['skipped', 'skipped'],
  )
  assert.equal(run.code, 3)
})
