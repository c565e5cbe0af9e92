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
  // [upstream test, source, target type, target (milli, or % for Utilization), reading, current, expected]
  const cases: ReadonlyArray<readonly [string, HpaMetricSource, HpaTargetType, number, number, number, number]> = [
    ['TestReplicaCalcScaleUpCMExternal', 'External', 'Value', 4400, 8.6, 1, 2],
    ['TestReplicaCalcScaleUpPerPodCMExternal', 'External', 'AverageValue', 2150, 8.6, 3, 4],
    ['TestReplicaCalcScaleDown (utilization 28 %)', 'Resource', 'Utilization', 50, 28, 5, 3],
    ['TestReplicaCalcScaleDownCM', 'Pods', 'AverageValue', 20000, 12, 5, 3],
    ['TestReplicaCalcScaleDownPerPodCMObject', 'Object', 'AverageValue', 2000, 6, 5, 3],
    ['TestReplicaCalcScaleDownCMObject', 'Object', 'Value', 20000, 12, 5, 3],
    ['TestReplicaCalcScaleDownCMExternal', 'External', 'Value', 14334, 8.6, 5, 3],
    ['TestReplicaCalcScaleDownPerPodCMExternal', 'External', 'AverageValue', 2867, 8.6, 5, 3],
    ['TestReplicaCalcTolerance (utilization 102 %)', 'Resource', 'Utilization', 100, 102, 3, 3],
    ['TestReplicaCalcToleranceCM', 'Pods', 'AverageValue', 20000, 20.666, 3, 3],
    ['TestReplicaCalcToleranceCMObject', 'Object', 'Value', 20000, 20.666, 3, 3],
    ['TestReplicaCalcTolerancePerPodCMObject', 'Object', 'AverageValue', 5000, 20.166, 4, 4],
    ['TestReplicaCalcToleranceCMExternal', 'External', 'Value', 8888, 8.6, 3, 3],
    ['TestReplicaCalcTolerancePerPodCMExternal', 'External', 'AverageValue', 2900, 8.6, 3, 3],
  ]
  for (const [name, source, type, target, reading, current, expected] of cases) {
    test(`${name}: ${current} → ${expected}`, () => {
      assert.equal(propose(source, type, target, reading, current), expected)
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
      const metric = {name: 'm', source: 'External', targetType: 'AverageValue', targetMilli: 100_000} as const
      const p = proposeForMetric(metric, reading, current, tol)
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
    const outcome = computeReplicasForMetrics(
      metrics,
      new Map([
        ['a', 50],
        ['b', 3],
      ]),
      2,
      tolerance,
    )
    assert.equal(outcome.replicas, 5)
    assert.equal(outcome.metric, 'a')
  })
  test('a failed metric is ignored when the others scale up', () => {
    const readings = new Map<string, MetricReading>([
      ['a', 50],
      ['b', readingError('down')],
    ])
    const outcome = computeReplicasForMetrics(metrics, readings, 2, tolerance)
    assert.equal(outcome.replicas, 5)
  })
  test('a failed metric blocks a scale-down (returns -1)', () => {
    const readings = new Map<string, MetricReading>([
      ['a', 1],
      ['b', readingError('down')],
    ])
    const outcome = computeReplicasForMetrics(metrics, readings, 4, tolerance)
    assert.equal(outcome.replicas, -1)
  })
  test('all metrics failing returns -1', () => {
    assert.equal(computeReplicasForMetrics(metrics, new Map(), 4, tolerance).replicas, -1)
  })
})
