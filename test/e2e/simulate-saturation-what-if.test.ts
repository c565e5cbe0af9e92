import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'

import Ajv2020 from 'ajv/dist/2020.js'

import {fixturePath, repoRoot} from '../support/paths.js'
import {kubectlVa} from '../support/run-cli.js'

// A frozen copy of examples/saturation-v0.5/: two shape C variants of one model, 2 + 2 replicas, 900 rpm.
const fixture = fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')

interface Item {
  name: string
  desired: {replicas: number} | null
  load: {arrivalRate: number} | null
  saturation: {action: string | null; load: {scale: number} | null; settle: {replicas: number; status: string} | null}
}

async function simulateJson(args: readonly string[]): Promise<Item[]> {
  const run = await kubectlVa(['simulate', '-f', fixture, '-o', 'json', ...args])
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stderr, '')
  const result = JSON.parse(run.stdout) as {items: Item[]}
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/schema/simulation-result.schema.json'), 'utf8'))
  const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false}).compile(schema)
  assert.ok(validate(result), JSON.stringify(validate.errors))
  return result.items
}

const desired = (items: readonly Item[]) =>
  Object.fromEntries(items.map((item) => [item.name, item.desired?.replicas ?? null]))
const cells = (line: string) => line.trim().split(/\s+/)

test('load what-ifs move a v0.5 saturation decision in the documented direction (kubectl va simulate)', async () => {
  const today = await simulateJson([])
  // No what-if: the controller's next cycle, +1 on the cheaper variant.
  assert.deepEqual(desired(today), {'granite-8b-h100': 2, 'granite-8b-l40s': 3})
  assert.deepEqual(desired(await simulateJson(['--load-scale', '0.5'])), {'granite-8b-h100': 1, 'granite-8b-l40s': 2})
  assert.deepEqual(desired(await simulateJson(['--load-scale', '1'])), {'granite-8b-h100': 2, 'granite-8b-l40s': 3})
  assert.deepEqual(desired(await simulateJson(['--load-scale', '2'])), {'granite-8b-h100': 2, 'granite-8b-l40s': 8})
  const tenfold = await simulateJson(['--load-scale', '10'])
  assert.deepEqual(desired(tenfold), {'granite-8b-h100': 2, 'granite-8b-l40s': 44})
  const how = (item: Item) => [item.load?.arrivalRate, item.saturation.load?.scale, item.saturation.settle?.status]
  assert.deepEqual(tenfold.map(how), [
    [9000, 10, 'settled'],
    [9000, 10, 'settled'],
  ])
  assert.deepEqual(
    Object.keys(tenfold[0]!.saturation),
    [
      'engine',
      'engineWhy',
      'group',
      'action',
      'computedReplicas',
      'currentReplicas',
      'pendingReplicas',
      'pods',
      'model',
      'explanation',
      'load',
      'settle',
    ],
    'the saturation JSON fields, listed deliberately',
  )
  assert.deepEqual(desired(await simulateJson(['--arrival-rate', '0'])), {'granite-8b-h100': 1, 'granite-8b-l40s': 1})
  const twice = {'granite-8b-h100': 2, 'granite-8b-l40s': 8}
  assert.deepEqual(desired(await simulateJson(['--arrival-rate', '1800'])), twice)
})

test("the table of a saturation VA shows the engine's own figures under the load", async () => {
  const run = await kubectlVa(['simulate', '-f', fixture, '--load-scale', '10', '-o', 'wide'])
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stderr, '')
  const lines = run.stdout.trimEnd().split('\n')
  assert.deepEqual(cells(lines[0]!), [
    'NAME',
    'MODEL',
    'ACCELERATOR',
    'SHAPE',
    'ENGINE',
    'RPM',
    'CURRENT',
    'CONTROLLER',
    'RECOMPUTED',
    'MAX-KV',
    'MAX-QUEUE',
    'SATURATED',
    'SPARE-KV',
    'SPARE-QUEUE',
    'TOTAL-COST',
    'OUTCOME',
  ])
  const l40s = cells(lines[2]!)
  assert.match(l40s[10]!, /^\d{4}$/, 'the queue grows by the excess arrivals of a minute')
  assert.deepEqual(
    [...l40s.slice(0, 10), ...l40s.slice(11)],
    [
      ...['granite-8b-l40s', 'ibm/granite-3.3-8b', 'L40S', 'C', 'saturation', '9000', '2', '<none>', '44', '100%'],
      ...['2/2', '0.00<0.10', '0.0<3.0', '440', 'allocated'],
    ],
  )
})

test('a sweep on a shape C VA runs every point (exit 0) and offers the saturation parameters', async () => {
  const sweep = ['--sweep', 'load-scale=0:2:0.5', '-o', 'wide']
  const run = await kubectlVa(['simulate', 'granite-8b-l40s', '-f', fixture, ...sweep])
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stderr, '')
  const rows = run.stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
  assert.deepEqual(
    rows.map((cells) => [cells[0], cells[1], cells.at(-1)]),
    [
      ['0', '1', 'allocated'],
      ['0.5', '2', 'allocated'],
      ['1', '3', 'allocated'],
      ['1.5', '5', 'allocated'],
      ['2', '8', 'allocated'],
    ],
  )
  const thresholds = await kubectlVa(['simulate', '-f', fixture, '--sweep', 'kv-threshold=0.6:0.9:0.1', '-o', 'json'])
  assert.equal(thresholds.code, 0, thresholds.stderr)
  const result = JSON.parse(thresholds.stdout) as {rows: {outcome: string; engine: string}[]}
  assert.equal(result.rows.length, 8)
  assert.ok(result.rows.every((row) => row.outcome === 'allocated' && row.engine === 'saturation'))
})

test('a queueing-only flag on a saturation VA is one warning naming the flags that apply', async () => {
  const run = await kubectlVa(['simulate', '-f', fixture, '--slo-ttft', '200', '--max-batch', '64'])
  assert.equal(run.code, 0)
  assert.equal(
    run.stderr,
    'warning: --slo-ttft, --max-batch do not apply to VAs granite-8b-h100, granite-8b-l40s: the saturation engines ' +
      'decide from per-pod KV-cache and queue readings, not SLOs, batch size or tokens; use --load-scale, ' +
      '--arrival-rate, --kv-threshold, --queue-threshold, --kv-spare-trigger, --queue-spare-trigger, --retention, ' +
      '--scale-to-zero\n',
  )
})
