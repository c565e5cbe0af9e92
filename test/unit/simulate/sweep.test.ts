import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {InputError, UsageError} from '../../../src/core/errors.js'
import {simulate} from '../../../src/core/simulate/simulate.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {renderSweepCsv, renderSweepTable, sweepNotes} from '../../../src/core/render/sweep.js'
import {runSweep} from '../../../src/core/simulate/run-sweep.js'
import {MAX_SWEEP_POINTS, parseSweepSpec} from '../../../src/core/simulate/sweep-spec.js'
import {fixturePath, repoRoot} from '../../support/paths.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const quickstart = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const withBroken = (
  await readManifests([`${repoRoot}/examples/quickstart.yaml`, fixturePath('manifests', 'broken.yaml')])
).sources
const saturation = (await readManifests([fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')])).sources

describe('parseSweepSpec', () => {
  test('accepts PARAM=FROM:TO:STEP and lists the points without floating-point drift', () => {
    assert.deepEqual(parseSweepSpec('arrival-rate=100:500:100').values, [100, 200, 300, 400, 500])
    assert.deepEqual(parseSweepSpec('input-tokens=0.1:0.5:0.1').values, [0.1, 0.2, 0.3, 0.4, 0.5])
    assert.deepEqual(parseSweepSpec('max-batch=64:200:64').values, [64, 128, 192], 'TO off the grid is not included')
    assert.deepEqual(parseSweepSpec('slo-ttft=500:500:1').values, [500])
    assert.equal(parseSweepSpec(' slo-itl = 10:30:5 ').parameter, 'slo-itl')
  })

  const invalid: Array<[string, RegExp]> = [
    [
      'x',
      new RegExp(
        '^invalid --sweep "x": expected PARAM=FROM:TO:STEP with PARAM one of arrival-rate, input-tokens, ' +
          'output-tokens, slo-ttft, slo-itl, max-batch, load-scale, kv-threshold, queue-threshold, kv-spare-trigger, ' +
          'queue-spare-trigger$',
      ),
    ],
    ['arrival-rate=1:2', /expected PARAM=FROM:TO:STEP/],
    ['replicas=1:2:1', /unknown parameter "replicas"; expected PARAM=FROM:TO:STEP with PARAM one of arrival-rate/],
    ['arrival-rate=a:2:1', /FROM "a" is not a number/],
    ['arrival-rate=1:2:0', /STEP must be positive/],
    ['arrival-rate=5:2:1', /FROM \(5\) is larger than TO \(2\)/],
    ['arrival-rate=-5:2:1', /arrival-rate must be zero or more/],
    ['max-batch=0:2:1', /max-batch must be at least 1/],
    ['slo-ttft=100:200:0.5', /slo-ttft takes whole numbers/],
    [`arrival-rate=0:${MAX_SWEEP_POINTS}:1`, /1001 points, the limit is 1000/],
  ]
  for (const [spec, message] of invalid) {
    test(`rejects "${spec}" with a usage error that says what is accepted`, () => {
      assert.throws(
        () => parseSweepSpec(spec),
        (error: unknown) => error instanceof UsageError && message.test(error.message) && error.hint !== undefined,
      )
    })
  }

  test('a point-count error suggests a step that fits', () => {
    assert.throws(
      () => parseSweepSpec('arrival-rate=0:100000:1'),
      (error: unknown) => error instanceof UsageError && error.hint === 'use a larger STEP, e.g. 200',
    )
  })
})

describe('runSweep', () => {
  test('an arrival-rate sweep of the quickstart gives, at each point, the replicas simulate gives', () => {
    const spec = parseSweepSpec('arrival-rate=1000:20000:1000')
    const result = runSweep(parseClusterState(quickstart), {name: 'llama-8b-h100'}, spec, {})
    assert.equal(result.rows.length, 20)
    for (const row of result.rows) {
      const item = simulate(parseClusterState(quickstart), {whatIf: {arrivalRateRpm: row.value}}).items.find(
        (i) => i.name === 'llama-8b-h100',
      )!
      assert.equal(row.desiredReplicas, item.desired?.replicas, `at ${row.value} rpm`)
      assert.equal(row.ttftMs, item.prediction?.ttftMs ?? null)
      assert.equal(row.cost, item.desired?.cost ?? null)
    }
    assert.deepEqual(
      result.rows.map((row) => row.desiredReplicas),
      [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6],
    )
  })

  test('without a name every VA is swept, ordered by namespace, name and value', () => {
    const result = runSweep(parseClusterState(quickstart), {}, parseSweepSpec('slo-itl=20:30:10'), {loadScale: 1})
    assert.deepEqual(
      result.rows.map((row) => `${row.name}@${row.value}`),
      ['granite-13b-l40s@20', 'granite-13b-l40s@30', 'llama-8b-h100@20', 'llama-8b-h100@30'],
    )
  })

  test('an unsatisfiable SLO is an infeasible row with the reason, not an error', () => {
    const result = runSweep(parseClusterState(quickstart), {name: 'llama-8b-h100'}, parseSweepSpec('slo-itl=1:9:8'), {})
    assert.equal(result.rows[0]!.outcome, 'infeasible')
    assert.match(result.rows[0]!.reason!, /^the ITL target \d+ ms is below the [\d.]+ ms this profile needs at batch 1/)
    assert.equal(result.rows[1]!.outcome, 'allocated')
  })

  test('an unknown VA is an input error; a sweep that contradicts a what-if is a usage error', () => {
    const spec = parseSweepSpec('arrival-rate=1:2:1')
    assert.throws(
      () => runSweep(parseClusterState(quickstart), {name: 'nope'}, spec, {}),
      (error: unknown) => error instanceof InputError && /variantautoscaling "nope" not found/.test(error.message),
    )
    assert.throws(
      () => runSweep(parseClusterState(quickstart), {name: 'llama-8b-h100', namespace: 'other'}, spec, {}),
      /not found in namespace other/,
    )
    assert.throws(
      () => runSweep(parseClusterState(quickstart), {}, spec, {arrivalRateRpm: 5}),
      (error: unknown) => error instanceof UsageError && /--sweep arrival-rate and --arrival-rate/.test(error.message),
    )
  })

  test('a VA skipped at every point yields one note; the table and CSV render every row', () => {
    const result = runSweep(parseClusterState(withBroken), {}, parseSweepSpec('max-batch=64:128:64'), {})
    const notes = sweepNotes(result)
    assert.ok(notes.length >= 1 && notes.every((note) => /: skipped: /.test(note)))
    const table = renderSweepTable(result)
    assert.match(table.split('\n')[0]!, /^NAME\s+MAX-BATCH\(REQUESTS\)\s+RECOMPUTED/)
    const csv = renderSweepCsv(result).trimEnd().split('\n')
    assert.equal(
      csv[0],
      'namespace,name,max-batch_requests,outcome,desired_replicas,ttft_ms,itl_ms,utilization,cost,' +
        'max_rpm_per_replica,bound_by,reason',
    )
    assert.equal(csv.length, result.rows.length + 1)
  })

  test('a sweep of one VA prints no NAME column and right-aligns numbers', () => {
    const table = renderSweepTable(
      runSweep(
        parseClusterState(quickstart),
        {name: 'llama-8b-h100'},
        parseSweepSpec('arrival-rate=1000:3000:1000'),
        {},
      ),
    )
    assert.equal(
      table,
      [
        'ARRIVAL-RATE(RPM)   RECOMPUTED   PRED-TTFT(MS)   PRED-ITL(MS)   TOTAL-COST   BOUND-BY',
        '             1000            1            22.2            9.2          100   itl',
        '             2000            1            32.8           11.9          100   itl',
        '             3000            1            52.3           16.9          100   itl',
        '',
      ].join('\n'),
    )
  })
})

describe('runSweep on the saturation engines', () => {
  test('a load-scale sweep of a shape C VA decides every point, as simulate does at that load', () => {
    const result = runSweep(
      parseClusterState(saturation),
      {name: 'granite-8b-l40s'},
      parseSweepSpec('load-scale=0:3:0.5'),
      {},
    )
    assert.deepEqual(
      result.rows.map((row) => [row.value, row.outcome, row.desiredReplicas, row.engine]),
      [
        [0, 'allocated', 1, 'saturation'],
        [0.5, 'allocated', 2, 'saturation'],
        [1, 'allocated', 3, 'saturation'],
        [1.5, 'allocated', 5, 'saturation'],
        [2, 'allocated', 8, 'saturation'],
        [2.5, 'allocated', 10, 'saturation'],
        [3, 'allocated', 12, 'saturation'],
      ],
    )
    for (const row of result.rows) {
      const items = simulate(parseClusterState(saturation), {whatIf: {loadScale: row.value}}).items
      const item = items.find((candidate) => candidate.name === 'granite-8b-l40s')!
      assert.equal(row.desiredReplicas, item.desired?.replicas, `at ${row.value}x`)
      assert.equal(row.cost, item.desired?.cost)
    }
    assert.deepEqual(result.warnings, [])
    assert.deepEqual(sweepNotes(result), [])
    assert.deepEqual(
      Object.keys(result.rows[0]!),
      [
        'namespace',
        'name',
        'value',
        'outcome',
        'reason',
        'desiredReplicas',
        'ttftMs',
        'itlMs',
        'utilization',
        'cost',
        'maxRpmPerReplica',
        'boundBy',
        'engine',
        'saturation',
      ],
      'the JSON row fields, listed deliberately',
    )
    assert.deepEqual(Object.keys(result.rows[0]!.saturation!), [
      'loadScale',
      'maxKvCacheUsage',
      'maxQueueLength',
      'saturatedReplicas',
      'reportingReplicas',
      'avgSpareKvCapacity',
      'kvSpareTrigger',
      'avgSpareQueueLength',
      'queueSpareTrigger',
      'action',
      'settleCycles',
      'settleStatus',
    ])
  })

  test('the sibling variant still takes part: an arrival-rate sweep matches the load scale over 900 rpm', () => {
    const byRate = runSweep(
      parseClusterState(saturation),
      {name: 'granite-8b-h100'},
      parseSweepSpec('arrival-rate=0:2700:900'),
      {},
    )
    const byScale = runSweep(
      parseClusterState(saturation),
      {name: 'granite-8b-h100'},
      parseSweepSpec('load-scale=0:3:1'),
      {},
    )
    assert.deepEqual(
      byRate.rows.map((row) => row.desiredReplicas),
      byScale.rows.map((row) => row.desiredReplicas),
    )
    assert.deepEqual(
      byRate.rows.map((row) => row.saturation?.loadScale),
      [0, 1, 2, 3],
    )
  })

  test('threshold sweeps run, are fractions where the flag is, and a queueing-only sweep warns once', () => {
    const result = runSweep(parseClusterState(saturation), {}, parseSweepSpec('kv-threshold=0.5:1:0.25'), {})
    assert.equal(result.rows.length, 6)
    assert.ok(result.rows.every((row) => row.outcome === 'allocated' && row.saturation?.settleStatus === 'settled'))
    assert.throws(() => parseSweepSpec('kv-spare-trigger=0:2:1'), /kv-spare-trigger is a fraction between 0 and 1/)
    const slo = runSweep(
      parseClusterState(saturation),
      {name: 'granite-8b-l40s'},
      parseSweepSpec('slo-ttft=100:300:100'),
      {},
    )
    assert.ok(slo.rows.every((row) => row.outcome === 'allocated'))
    assert.equal(slo.warnings.length, 1)
    assert.match(slo.warnings[0]!, /^--slo-ttft does not apply to VA granite-8b-l40s: .*; use --load-scale, /)
  })

  test("the table shows the engine's own columns; the CSV appends them", () => {
    const result = runSweep(
      parseClusterState(saturation),
      {name: 'granite-8b-l40s'},
      parseSweepSpec('load-scale=1:2:1'),
      {},
    )
    assert.equal(
      renderSweepTable(result),
      [
        'LOAD-SCALE(X)   RECOMPUTED   TOTAL-COST   MAX-KV   MAX-QUEUE    SPARE-KV',
        '            1            3           30      83%           4   0.04<0.10',
        '            2            8           80     100%         193   0.00<0.10',
        '',
      ].join('\n'),
    )
    const csv = renderSweepCsv(result).trimEnd().split('\n')
    assert.equal(
      csv[0],
      'namespace,name,load-scale_x,outcome,desired_replicas,ttft_ms,itl_ms,utilization,cost,' +
        'max_rpm_per_replica,bound_by,reason,engine,load_scale,max_kv_cache_usage,max_queue_length,' +
        'saturated_replicas,reporting_replicas,avg_spare_kv,kv_spare_trigger,' +
        'avg_spare_queue,queue_spare_trigger,next_action,settle_cycles,settle_status',
    )
    const queueingPart = 'llm,granite-8b-l40s,2,allocated,8,,,,80,,,,'
    assert.equal(csv[2], `${queueingPart}saturation,2,1,193,2,2,0,0.1,0,3,scale-up,6,settled`)
  })
})
