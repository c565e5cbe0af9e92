import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  analyzeCapacityV042,
  analyzeSaturationV051,
  limitDecisionsByGpu,
  preserveMinimumReplica,
  resolveSaturationConfigV051,
  toTargets,
  type LimiterDecisionInput,
  type ReplicaMetric,
  type SaturationThresholds,
} from '../../../../src/core/decide/saturation/index.js'

const defaults: SaturationThresholds = {
  kvCacheThreshold: 0.8,
  queueLengthThreshold: 5,
  kvSpareTrigger: 0.1,
  queueSpareTrigger: 3,
}

function pod(podName: string, variantName: string, kvCacheUsage: number, queueLength = 0, cost = 10): ReplicaMetric {
  return {podName, variantName, kvCacheUsage, queueLength, acceleratorName: 'H100', cost}
}

function group(replicaMetrics: ReplicaMetric[], currentReplicas: number) {
  return {
    modelId: 'm',
    namespace: 'llm',
    config: defaults,
    replicaMetrics,
    variantStates: [{variantName: 'v', currentReplicas, desiredReplicas: 0, pendingReplicas: 0, gpusPerReplica: 1}],
  }
}

test('the two engines disagree at the scale-down boundary because they round differently', () => {
  const input = group([pod('a', 'v', 0.4), pod('b', 'v', 0.3)], 2)
  const v042 = analyzeCapacityV042(input)
  const v051 = analyzeSaturationV051(input)
  assert.equal(v042.analysis.scaleDownSafe, true)
  assert.equal(v051.analysis.scaleDownSafe, false)
  assert.equal(v042.scaleDownCheck.kind === 'simulated' && v042.scaleDownCheck.remainingSpareKv, 0.10000000000000009)
  assert.equal(v051.scaleDownCheck.kind === 'simulated' && v051.scaleDownCheck.remainingSpareKv, 0.09999999999999998)
  assert.deepEqual(
    v042.decisions.map((decision) => decision.action),
    ['scale-down'],
  )
  assert.deepEqual(
    v051.decisions.map((decision) => decision.action),
    ['no-change'],
  )
})

test('a model without metrics is skipped by both engines but still reports what the functions return', () => {
  const v042 = analyzeCapacityV042(group([], 3))
  assert.deepEqual(v042.engineSkip, {kind: 'no-metrics'})
  assert.deepEqual(v042.decisions, [])
  assert.deepEqual(v042.targets, {v: 3})
  const v051 = analyzeSaturationV051(group([], 3))
  assert.equal(v051.enforcement, undefined)
  assert.deepEqual(v051.decisions, [])
})

test('each replica reports whether it is saturated and its spare capacity', () => {
  const result = analyzeSaturationV051(group([pod('a', 'v', 0.8), pod('b', 'v', 0.5, 2)], 2))
  assert.deepEqual(
    result.replicas.map((replica) => [replica.podName, replica.isSaturated, replica.spareQueueLength]),
    [
      ['a', true, 5],
      ['b', false, 3],
    ],
  )
})

test('scale-to-zero with no recent requests sets every target to 0 and exposes the query', () => {
  const result = analyzeSaturationV051({
    ...group([pod('a', 'v', 0.2)], 1),
    scaleToZeroConfig: {default: {enableScaleToZero: true, retentionPeriod: '1h30m'}},
    requestCount: {kind: 'count', requests: 0},
  })
  assert.equal(
    result.scaleToZeroPolicy.requestCountQuery?.promql,
    'sum(increase(vllm:request_success_total{namespace="llm",model_name="m"}[90m]))',
  )
  assert.deepEqual(result.enforcement?.outcome, {kind: 'scaled-to-zero', requests: 0})
  assert.deepEqual(
    result.decisions.map((decision) => [decision.targetReplicas, decision.action]),
    [[0, 'scale-down']],
  )
})

test('the minimum rule never raises a variant named with the empty string', () => {
  const result = preserveMinimumReplica(toTargets([['', 0]]), [{variantName: '', cost: 1}])
  assert.equal(result.applied, false)
})

test('v0.5.1 uses only a valid default entry, as written', () => {
  assert.deepEqual(resolveSaturationConfigV051(undefined), {kind: 'missing'})
  assert.deepEqual(resolveSaturationConfigV051({default: {kvCacheThreshold: 0.9}}), {
    kind: 'ok',
    thresholds: {kvCacheThreshold: 0.9, queueLengthThreshold: 0, kvSpareTrigger: 0, queueSpareTrigger: 0},
    enableLimiter: false,
  })
  assert.deepEqual(resolveSaturationConfigV051({default: {kvCacheThreshold: 2}}), {
    kind: 'invalid',
    error: 'kvCacheThreshold must be between 0 and 1, got 2.00',
  })
})

test('the GPU limiter keeps input order on full ties even beyond twelve candidates', () => {
  const decisions: LimiterDecisionInput[] = Array.from({length: 20}, (_, index) => ({
    variantName: `v${index}`,
    namespace: 'llm',
    modelId: 'm',
    acceleratorName: 'H100',
    currentReplicas: 0,
    targetReplicas: 1,
    gpusPerReplica: 1,
    spareCapacity: 0.1,
    cost: 10,
  }))
  const result = limitDecisionsByGpu({kind: 'ok', nodes: {n1: {'NVIDIA-H100-80GB-HBM3': {count: 5}}}}, decisions)
  assert.deepEqual(
    result.allocationOrder,
    decisions.map((decision) => decision.variantName),
  )
  assert.deepEqual(
    result.decisions.filter((decision) => decision.targetReplicas === 1).map((decision) => decision.variantName),
    ['v0', 'v1', 'v2', 'v3', 'v4'],
  )
})
