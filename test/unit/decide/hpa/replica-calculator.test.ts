/**
 * Per-metric proposals against the upstream unit tests of kubernetes pkg/controller/podautoscaler/
 * replica_calculator_test.go (v1.34-era; each test names its upstream function) and the worked examples of the
 * Kubernetes "Horizontal Pod Autoscaling" page, section "Algorithm details". Upstream levels are milli-values; the
 * readings here are the same values in metric units.
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  computeReplicasForMetrics,
  proposeForMetric,
  readingError,
  type HpaMetricSource,
  type HpaTargetType,
  type MetricReading,
} from '../../../../src/core/decide/hpa/index.js'

const tolerance = {scaleDown: 0.1, scaleUp: 0.1}
const propose = (
  source: HpaMetricSource,
  targetType: HpaTargetType,
  targetMilli: number,
  reading: MetricReading,
  current: number,
): number => {
  const proposal = proposeForMetric({name: 'qps', source, targetType, targetMilli}, reading, current, tolerance)
  assert.equal(proposal.kind, 'ok')
  return proposal.kind === 'ok' ? proposal.replicas : -1
}

describe('replica_calculator_test.go (kubernetes)', () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly source: HpaMetricSource
    readonly type: HpaTargetType
    readonly target: number
    readonly reading: number
    readonly current: number
    readonly expected: number
  }> = [
    {name: 'TestReplicaCalcScaleUpCMExternal', source: 'External', type: 'Value', target: 4400, reading: 8.6, current: 1, expected: 2},
    {name: 'TestReplicaCalcScaleUpPerPodCMExternal', source: 'External', type: 'AverageValue', target: 2150, reading: 8.6, current: 3, expected: 4},
    {name: 'TestReplicaCalcScaleDown (utilization 28 %)', source: 'Resource', type: 'Utilization', target: 50, reading: 28, current: 5, expected: 3},
    {name: 'TestReplicaCalcScaleDownCM', source: 'Pods', type: 'AverageValue', target: 20000, reading: 12, current: 5, expected: 3},
    {name: 'TestReplicaCalcScaleDownPerPodCMObject', source: 'Object', type: 'AverageValue', target: 2000, reading: 6, current: 5, expected: 3},
    {name: 'TestReplicaCalcScaleDownCMObject', source: 'Object', type: 'Value', target: 20000, reading: 12, current: 5, expected: 3},
    {name: 'TestReplicaCalcScaleDownCMExternal', source: 'External', type: 'Value', target: 14334, reading: 8.6, current: 5, expected: 3},
    {name: 'TestReplicaCalcScaleDownPerPodCMExternal', source: 'External', type: 'AverageValue', target: 2867, reading: 8.6, current: 5, expected: 3},
    {name: 'TestReplicaCalcTolerance (utilization 102 %)', source: 'Resource', type: 'Utilization', target: 100, reading: 102, current: 3, expected: 3},
    {name: 'TestReplicaCalcToleranceCM', source: 'Pods', type: 'AverageValue', target: 20000, reading: 20.666, current: 3, expected: 3},
    {name: 'TestReplicaCalcToleranceCMObject', source: 'Object', type: 'Value', target: 20000, reading: 20.666, current: 3, expected: 3},
    {name: 'TestReplicaCalcTolerancePerPodCMObject', source: 'Object', type: 'AverageValue', target: 5000, reading: 20.166, current: 4, expected: 4},
    {name: 'TestReplicaCalcToleranceCMExternal', source: 'External', type: 'Value', target: 8888, reading: 8.6, current: 3, expected: 3},
    {name: 'TestReplicaCalcTolerancePerPodCMExternal', source: 'External', type: 'AverageValue', target: 2900, reading: 8.6, current: 3, expected: 3},
  ]
  for (const c of cases) {
    test(`${c.name}: ${c.current} → ${c.expected}`, () => {
      assert.equal(propose(c.source, c.type, c.target, c.reading, c.current), c.expected)
    })
  }
})

describe('kubernetes.io HPA "Algorithm details"', () => {
  test('200m against a 100m target doubles the replicas', () => {
    assert.equal(propose('External', 'Value', 100, 0.2, 4), 8)
  })
  test('50m against a 100m target halves them', () => {
    assert.equal(propose('External', 'Value', 100, 0.05, 4), 2)
  })
  test('a ratio within the 0.1 tolerance (0.9 .. 1.1) keeps the count', () => {
    assert.equal(propose('External', 'Value', 100, 0.109, 4), 4)
    assert.equal(propose('External', 'Value', 100, 0.091, 4), 4)
    assert.equal(propose('External', 'Value', 100, 0.111, 4), 5)
  })
  test('configurable tolerance (v1.33+): 5 % up and 50 % down as in the upstream TestHPAWithTolerance', () => {
    // test/integration/autoscaling: 35 replicas at 3500 against 100 each; 3700 → 37, 3800 (3 % more) stays,
    // 1000 → 10, 800 (20 % less) stays.
    const tol = {scaleUp: 0.05, scaleDown: 0.5}
    const step = (reading: number, current: number): number => {
      const p = proposeForMetric({name: 'm', source: 'External', targetType: 'AverageValue', targetMilli: 100_000}, reading, current, tol)
      return p.kind === 'ok' ? p.replicas : -1
    }
    assert.equal(step(3700, 35), 37)
    assert.equal(step(3800, 37), 37)
    assert.equal(step(1000, 37), 10)
    assert.equal(step(800, 10), 10)
  })
})

describe('computeReplicasForMetrics (horizontal.go)', () => {
  const metrics = [
    {name: 'a', source: 'External', targetType: 'AverageValue', targetMilli: 10_000},
    {name: 'b', source: 'External', targetType: 'AverageValue', targetMilli: 1_000},
  ] as const
  test('takes the largest proposal and names its metric', () => {
    const outcome = computeReplicasForMetrics(metrics, new Map([['a', 50], ['b', 3]]), 2, tolerance)
    assert.equal(outcome.replicas, 5)
    assert.equal(outcome.metric, 'a')
  })
  test('a failed metric is ignored when the others scale up', () => {
    const outcome = computeReplicasForMetrics(metrics, new Map<string, MetricReading>([['a', 50], ['b', readingError('down')]]), 2, tolerance)
    assert.equal(outcome.replicas, 5)
  })
  test('a failed metric blocks a scale-down (returns -1)', () => {
    const outcome = computeReplicasForMetrics(metrics, new Map<string, MetricReading>([['a', 1], ['b', readingError('down')]]), 4, tolerance)
    assert.equal(outcome.replicas, -1)
  })
  test('all metrics failing returns -1', () => {
    assert.equal(computeReplicasForMetrics(metrics, new Map(), 4, tolerance).replicas, -1)
  })
})
