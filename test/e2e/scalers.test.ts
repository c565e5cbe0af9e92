import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import Ajv2020 from 'ajv/dist/2020.js'
import {parse, stringify} from 'yaml'

import {assertPinnedOutput} from '../support/expected-output.js'
import {repoRoot} from '../support/paths.js'
import {kubectlVa, kubectlVaDirect} from '../support/run-cli.js'
import {referenceReplicas} from '../support/scaler-reference.js'

// `kubectl va scalers` offline, from examples/scalers (manifests and two hours of recorded query results).
const example = join(repoRoot, 'examples', 'scalers')
const range = ['--from', '2026-08-10T10:00:00Z', '--to', '2026-08-10T12:00:00Z']

function validator(name: string) {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'schema', `${name}.schema.json`), 'utf8'))
  return new (Ajv2020 as unknown as typeof Ajv2020.default)({allErrors: true, strict: false}).compile(schema)
}

test('scalers -f lists both scalers and their metric values, through kubectl plugin discovery', async () => {
  const run = await kubectlVa(['scalers', '-f', example])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assertPinnedOutput(run.stdout, 'offline-scalers')
})

test('scalers -o wide at a time of high load shows what a controller would compute now', async () => {
  const run = await kubectlVaDirect(['scalers', '-f', example, '-o', 'wide', '--at', '2026-08-10T10:50:00Z'])
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assertPinnedOutput(run.stdout, 'offline-scalers-wide')
})

test('scalers -o json and -o yaml match the ScalerList schema, with the values read at --at', async () => {
  const validate = validator('scaler-list')
  for (const format of ['json', 'yaml']) {
    const run = await kubectlVaDirect(['scalers', '-f', example, '-o', format, '--at', '2026-08-10T10:50:00Z'])
    assert.equal(run.code, 0, run.stderr)
    const list = (format === 'json' ? JSON.parse(run.stdout) : parse(run.stdout)) as {at: string; items: any[]}
    const valid = validate(list)
    assert.ok(valid, JSON.stringify(validate.errors))
    assert.equal(list.at, '2026-08-10T10:50:00.000Z')
    assert.deepEqual(
      list.items.map((item: any) => [item.name, item.metrics[0].value, item.currentReplicas, item.computedReplicas]),
      [
        ['llama-8b', 4, 1, 4],
        // 2400 req/min over 4 recorded replicas × 1000: saturation 0.6; Value target 0.7 → ceil(1 × 0.6/0.7) = 1.
        ['qwen-32b', 0.6, 1, 1],
      ],
    )
  }
})

test('scalers -o csv lists one row per metric', async () => {
  const run = await kubectlVaDirect(['scalers', '-f', example, '-o', 'csv', '--at', '2026-08-10T10:50:00Z'])
  assert.equal(run.code, 0, run.stderr)
  const lines = run.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 3)
  assert.match(
    lines[0]!,
    /^namespace,name,kind,target,model,current_replicas,desired_replicas,computed_replicas,metric,/,
  )
  assert.match(
    lines[2]!,
    /^llm,qwen-32b,ScaledObject,Deployment\/qwen-32b,Qwen\/Qwen2\.5-32B-Instruct,1,,1,saturation,/,
  )
})

for (const stepSeconds of [15, 60]) {
  test(`a replay at --step ${stepSeconds}s follows the documented HPA algorithm step for step`, async () => {
    const run = await kubectlVaDirect([
      'scalers',
      'llama-8b',
      'qwen-32b',
      '-f',
      example,
      ...range,
      '--step',
      `${stepSeconds}s`,
      '-o',
      'json',
    ])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr, '')
    const replay = JSON.parse(run.stdout) as {sampled: boolean; items: any[]}
    const validate = validator('scaler-replay')
    const valid = validate(replay)
    assert.ok(valid, JSON.stringify(validate.errors))
    assert.equal(replay.sampled, stepSeconds > 15)
    assert.equal(replay.items.length, 2)
    for (const item of replay.items) {
      const variant = item.variants[0]
      assert.equal(variant.label, 'configured')
      assert.equal(variant.replicas.length, (2 * 3600) / stepSeconds + 1)
      const name = item.name === 'llama-8b' ? 'wva_desired_replicas' : 'saturation'
      const expected = referenceReplicas({
        min: 1,
        max: 6,
        initial: item.recordedReplicas[0],
        stepSeconds,
        metrics: [
          {
            type: item.name === 'llama-8b' ? 'AverageValue' : 'Value',
            target: item.name === 'llama-8b' ? 1 : 0.7,
            values: variant.metricValues[name],
          },
        ],
      })
      assert.deepEqual(variant.replicas, expected)
      // The count did move: up with the ramp, and down only after the 5-minute stabilization window.
      assert.ok(Math.max(...expected) >= 4)
      assert.ok(expected.some((replicas, index) => index > 0 && replicas < expected[index - 1]!))
    }
  })
}

test('the comparison sums GPU-hours, events, SLO minutes and lag for the recorded replicas and each row', async () => {
  const run = await kubectlVaDirect([
    'scalers',
    'qwen-32b',
    '-f',
    example,
    ...range,
    '--policy',
    'saturation',
    '--threshold',
    '0.9',
    '--stabilization',
    '0s',
    '--slo-ttft',
    '500',
    '--slo-itl',
    '50',
    '-o',
    'json',
  ])
  assert.equal(run.code, 0, run.stderr)
  const [item] = JSON.parse(run.stdout).items
  const byLabel = Object.fromEntries(
    [item.recorded, ...item.variants.map((v: any) => v.summary)].map((s: any) => [s.label, s]),
  )
  // The what-ifs apply to the preset row too (saturation+what-if).
  assert.deepEqual(Object.keys(byLabel), ['recorded', 'configured', 'what-if', 'saturation+what-if'])
  // The preset is llm-d's saturation overlay, not the configured ScaledObject: it reads the running requests too, and
  // --threshold 0.9 replaces both thresholds (0.9 running requests per replica: at the 600 req/min floor, 15 running,
  // ceil(15 / 0.9) = 17 replicas, capped at maxReplicaCount 6 from the first step).
  assert.deepEqual(Object.keys(item.variants[2].metricValues), ['saturation', 'running'])
  assert.equal(item.variants[2].metricValues.running[0], 15)
  assert.ok(item.variants[2].replicas.slice(1).every((replicas: number) => replicas === 6))
  for (const summary of Object.values(byLabel) as any[]) {
    // 2 GPUs per replica (the target's nvidia.com/gpu limit), 1-minute steps.
    assert.ok(Math.abs(summary.gpuHours - summary.replicaHours * 2) < 0.002, JSON.stringify(summary))
  }
  const recorded = item.recordedReplicas.reduce((sum: number, r: number) => sum + r, 0) / 60
  assert.equal(byLabel.recorded.replicaHours, Number(recorded.toFixed(3)))
  assert.equal(byLabel.recorded.maxLagSeconds, null)
  // TTFT over 500 ms where load per recorded replica is over 750 req/min (the example's data), SLO minutes measured.
  const over = item.ttftMs.filter((ms: number) => ms > 500).length
  assert.equal(byLabel.recorded.minutesOverTtftSlo, over)
  assert.equal(byLabel.configured.minutesOverTtftSlo, over)
  assert.equal(byLabel.configured.sloEstimate, true)
  // A higher threshold and no scale-down window: fewer replica-hours than configured.
  assert.ok(byLabel['what-if'].replicaHours < byLabel.configured.replicaHours)
  const events = (replicas: number[]) => replicas.filter((r, i) => i > 0 && r !== replicas[i - 1]).length
  assert.equal(byLabel.configured.scalingEvents, events(item.variants[0].replicas))
})

test('a replay prints a chart, the comparison table and why each change happened', async () => {
  const run = await kubectlVaDirect(['scalers', 'qwen-32b', '-f', example, ...range, '--policy', 'saturation'])
  assert.equal(run.code, 0, run.stderr)
  assertPinnedOutput(run.stdout, 'offline-scalers-replay')
})

test('a replay -o csv has one row per step and policy, with the reason', async () => {
  const run = await kubectlVaDirect(['scalers', 'qwen-32b', '-f', example, ...range, '-o', 'csv'])
  assert.equal(run.code, 0, run.stderr)
  const lines = run.stdout.trimEnd().split('\n')
  assert.equal(lines[0], 'time,namespace,name,policy,replicas,recorded_replicas,load_rpm,ttft_ms,itl_ms,metrics,why')
  assert.equal(lines.length, 1 + 121)
  assert.match(lines[1]!, /^2026-08-10T10:00:00Z,llm,qwen-32b,configured,1,1,600,320,30,"{""saturation"":0.6}",/)
})

test('the what-if flags apply to preset rows too; --threshold NAME=V only to the rows with that metric', async () => {
  const labels = async (...flags: string[]) => {
    const run = await kubectlVaDirect(['scalers', 'qwen-32b', '-f', example, ...range, '-o', 'json', ...flags])
    assert.equal(run.code, 0, run.stderr)
    const [item] = JSON.parse(run.stdout).items
    return item.variants.map((variant: any) => [variant.label, Math.max(...variant.replicas)])
  }
  // sat=0.9 names only the file's trigger: the file row changes (file:sat+what-if), the configured scaler does not
  // (no what-if row); saturation=0.9 names the configured trigger and the preset's, not the file's.
  const dir = mkdtempSync(join(tmpdir(), 'kva-scaler-file-'))
  const file = join(dir, 'so.yaml')
  writeFileSync(
    file,
    stringify({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: {name: 'sat'},
      spec: {
        scaleTargetRef: {name: 'qwen-32b'},
        maxReplicaCount: 6,
        triggers: [
          {
            type: 'prometheus',
            name: 'sat',
            metricType: 'Value',
            metadata: {
              query:
                'max(llm_d_epp_flow_control_pool_saturation{namespace="llm",model_name="Qwen/Qwen2.5-32B-Instruct"})',
              threshold: '0.7',
            },
          },
        ],
      },
    }),
  )
  try {
    assert.deepEqual(await labels('--scaler-file', file, '--threshold', 'sat=0.9'), [
      ['configured', 6],
      ['file:sat+what-if', 1],
    ])
    assert.deepEqual(await labels('--scaler-file', file, '--policy', 'saturation', '--threshold', 'saturation=0.9'), [
      ['configured', 6],
      ['what-if', 1],
      // The preset's running-requests trigger (16 per replica, unchanged) still scales it up to 4 at the peak.
      ['saturation+what-if', 4],
      ['file:sat', 6],
    ])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  // --max 2 changes every row: no row above 2 replicas; the configured row is as it is (6 at the peak).
  assert.deepEqual(await labels('--policy', 'saturation', '--max', '2'), [
    ['configured', 6],
    ['what-if', 2],
    ['saturation+what-if', 2],
  ])
  // A metric no row has is a usage error (exit 2).
  const bad = await kubectlVaDirect(['scalers', 'qwen-32b', '-f', example, ...range, '--threshold', 'queue=5'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /^error: --threshold queue=5: llm\/qwen-32b has no metric queue; use one of saturation\n$/)
})

test('simulate NAME --from/--to with a scaler name (not a VA) replays it as scalers NAME does', async () => {
  const args = ['llama-8b', '-f', example, '--from', '2026-08-10T10:15:00Z', '--to', '2026-08-10T10:45:00Z']
  for (const extra of [
    ['--step', '15s', '--no-chart'],
    ['-o', 'json'],
    ['-o', 'csv'],
  ]) {
    const scalers = await kubectlVaDirect(['scalers', ...args, ...extra])
    const simulate = await kubectlVa(['simulate', ...args, ...extra])
    assert.equal(scalers.code, 0, scalers.stderr)
    assert.deepEqual(
      {code: simulate.code, stdout: simulate.stdout, stderr: simulate.stderr},
      {code: 0, stdout: scalers.stdout, stderr: scalers.stderr},
    )
  }
  // A WVA what-if has no meaning for a scaler: a usage error that points at scalers' own what-ifs.
  const whatIf = await kubectlVaDirect(['simulate', ...args, '--load-scale', '2'])
  assert.equal(whatIf.code, 2)
  assert.match(whatIf.stderr, /^error: --load-scale: not for a scaler; llama-8b is an HPA or ScaledObject, not a VA; /)
})
