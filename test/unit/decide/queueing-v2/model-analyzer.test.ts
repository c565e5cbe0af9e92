import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  aggregateWorkloadMetrics,
  analyzeQueueingModel,
  analyzeRateV2,
  buildQueueAnalyzerV2,
  DEFAULT_MAX_BATCH_SIZE,
  inferSLOTarget,
  MAX_BATCH_SIZE_LIMIT,
  MAX_OCCUPANCY_LIMIT,
  MAX_REPLICAS_PER_MODEL,
  type QueueingModelInput,
  type ReplicaWorkload,
  type ServiceParmsV2,
  sizeForTargetsV2,
  sizeVariantCapacity,
  variantMaxBatchSize,
  type WorkloadMetrics,
} from '../../../../src/core/decide/queueing-v2/index.js'
import {InputError} from '../../../../src/core/errors.js'
import {f32} from '../../../../src/core/decide/queueing/float32.js'

// Parameters and expected sizing of golden case q-edge-zero-input (upstream v0.9.0, queueing-v2-cases.json).
const ZERO_INPUT_PARMS: ServiceParmsV2 = {alpha: 8, beta: f32(0.028), gamma: f32(0.00013)}
const ZERO_INPUT_ARRIVAL_RPS = 8.468023794063273
const ZERO_INPUT_PER_REPLICA_RPS = 12.527063369750977
const SLO = {targetTTFTMs: 1000, targetITLMs: 50}

function pod(overrides: Partial<ReplicaWorkload> = {}): ReplicaWorkload {
  return {
    variantName: 'granite-h100',
    acceleratorName: 'H100',
    cost: 40,
    arrivalRateRps: ZERO_INPUT_ARRIVAL_RPS,
    avgInputTokens: 0,
    avgOutputTokens: 729,
    avgTTFTSeconds: 0.02,
    avgITLSeconds: 0.01,
    maxBatchSize: 0,
    ...overrides,
  }
}

function workload(overrides: Partial<WorkloadMetrics> = {}): WorkloadMetrics {
  return {
    avgArrivalRatePerPodRps: 2,
    avgInputTokens: 1000,
    avgOutputTokens: 200,
    avgTTFTSeconds: 0.2,
    avgITLSeconds: 0.03,
    busyPods: 1,
    ...overrides,
  }
}

function modelInput(overrides: Partial<QueueingModelInput> = {}): QueueingModelInput {
  return {
    modelId: 'ibm/granite',
    namespace: 'llm',
    replicaMetrics: [pod(), pod(), pod()],
    variantStates: [{variantName: 'granite-h100', currentReplicas: 3, pendingReplicas: 0, role: 'both'}],
    serviceParmsByVariant: new Map([['granite-h100', ZERO_INPUT_PARMS]]),
    configuredSLOTarget: SLO,
    ...overrides,
  }
}

describe('analyzeQueueingModel', () => {
  test('sizes a variant from its pods as the golden sizing step does', () => {
    const analysis = analyzeQueueingModel(modelInput())
    assert.ok(analysis.ok)
    const capacity = analysis.variantCapacities[0]!
    assert.equal(capacity.sizing.kind, 'sized')
    assert.equal(capacity.perReplicaCapacityRps, ZERO_INPUT_PER_REPLICA_RPS)
    if (capacity.sizing.kind === 'sized') assert.equal(capacity.sizing.desiredReplicas, 3)
    assert.ok(Math.abs(capacity.totalDemandRps - 3 * ZERO_INPUT_ARRIVAL_RPS) < 1e-12)
    assert.equal(capacity.totalCapacityRps, 3 * ZERO_INPUT_PER_REPLICA_RPS)
    assert.equal(analysis.sloTargetSource, 'config')
    assert.equal(analysis.totalSupplyRps, capacity.totalCapacityRps)
    assert.equal(analysis.spareCapacityRps, analysis.totalSupplyRps - analysis.totalDemandRps)
    assert.equal(analysis.requiredCapacityRps, 0)
  })

  test('gives zero-capacity entries for variants without pods, traffic or parameters, and keeps the others', () => {
    const analysis = analyzeQueueingModel(
      modelInput({
        replicaMetrics: [
          pod(),
          pod({variantName: 'idle', acceleratorName: 'L40S', cost: 10, arrivalRateRps: 0}),
          pod({variantName: 'untuned', acceleratorName: 'A100', cost: 20}),
        ],
        variantStates: [
          {variantName: 'granite-h100', currentReplicas: 1, pendingReplicas: 0, role: 'decode'},
          {variantName: 'idle', currentReplicas: 2, pendingReplicas: 1, role: ''},
          {variantName: 'untuned', currentReplicas: 1, pendingReplicas: 3, role: ''},
          {variantName: 'no-pods', currentReplicas: 0, pendingReplicas: 0, role: 'prefill'},
        ],
      }),
    )
    assert.ok(analysis.ok)
    const kinds = analysis.variantCapacities.map((c) => [c.variantName, c.sizing.kind, c.replicaCount, c.role])
    assert.deepEqual(kinds, [
      ['granite-h100', 'sized', 1, 'decode'],
      ['idle', 'no-busy-pods', 1, ''],
      ['untuned', 'no-parameters', 0, ''],
      ['no-pods', 'no-replicas', 0, 'prefill'],
    ])
    const untuned = analysis.variantCapacities[2]!
    assert.deepEqual([untuned.acceleratorName, untuned.cost, untuned.totalCapacityRps], ['A100', 20, 0])
    const noPods = analysis.variantCapacities[3]!
    assert.deepEqual([noPods.acceleratorName, noPods.cost, noPods.totalDemandRps], ['', 0, 0])
    const sized = analysis.variantCapacities[0]!
    assert.equal(analysis.totalSupplyRps, sized.totalCapacityRps)
    assert.equal(analysis.totalDemandRps, sized.totalDemandRps)
  })

  test('fails like upstream when there is no SLO and no traffic to infer one from', () => {
    const analysis = analyzeQueueingModel(
      modelInput({configuredSLOTarget: undefined, replicaMetrics: [pod({arrivalRateRps: 0})]}),
    )
    assert.deepEqual(analysis, {
      ok: false,
      error: 'failed to analyze variants due to lack of SLO targets for model "ibm/granite"',
    })
  })

  test('fails like upstream when the model has no variants', () => {
    const analysis = analyzeQueueingModel(modelInput({variantStates: []}))
    assert.deepEqual(analysis, {ok: false, error: 'could not compute variant capacities for model "ibm/granite"'})
  })

  test('infers the SLO from learned parameters when the ConfigMap names none', () => {
    const analysis = analyzeQueueingModel(modelInput({configuredSLOTarget: undefined, sloMultiplier: 2}))
    assert.ok(analysis.ok)
    assert.equal(analysis.sloTargetSource, 'model')
    // k alpha + (beta + gamma) I with I = 0, and k alpha + beta + gamma (I + (O + 1)/2), in float64 then float32.
    const {alpha, beta, gamma} = ZERO_INPUT_PARMS
    assert.deepEqual(analysis.sloTarget, {
      targetTTFTMs: f32(2 * alpha + (beta + gamma) * 0),
      targetITLMs: f32(2 * alpha + beta + gamma * (0 + (729 + 1) / 2)),
    })
  })

  test('rejects a model with more pods than MAX_REPLICAS_PER_MODEL before looping over them', () => {
    const replicaMetrics = Array.from({length: MAX_REPLICAS_PER_MODEL + 1}, () => pod())
    assert.throws(() => analyzeQueueingModel(modelInput({replicaMetrics})), InputError)
  })
})

describe('inferSLOTarget', () => {
  const parms = new Map<string, ServiceParmsV2>([
    ['a', {alpha: 10, beta: 0.02, gamma: 0.0001}],
    ['b', {alpha: 5, beta: 0.05, gamma: 0.0002}],
    ['zero-alpha', {alpha: 0, beta: 1, gamma: 1}],
  ])

  test('takes the larger TTFT and ITL over the variants with positive parameters (default k = 3)', () => {
    const inferred = inferSLOTarget(['zero-alpha', 'a', 'b'], parms, workload(), 0)
    const ttft = (p: ServiceParmsV2) => f32(3 * p.alpha + (p.beta + p.gamma) * 1000)
    const itl = (p: ServiceParmsV2) => f32(3 * p.alpha + p.beta + p.gamma * (1000 + 201 / 2))
    const a = parms.get('a') as ServiceParmsV2
    const b = parms.get('b') as ServiceParmsV2
    assert.deepEqual(inferred, {
      source: 'model',
      target: {targetTTFTMs: Math.max(ttft(a), ttft(b)), targetITLMs: Math.max(itl(a), itl(b))},
    })
  })

  test('falls back to observed latencies x 1.5, capped at 10 s and 500 ms, without learned parameters', () => {
    assert.deepEqual(inferSLOTarget(['zero-alpha'], parms, workload(), 3), {
      source: 'observed',
      target: {targetTTFTMs: f32(0.2 * 1000 * 1.5), targetITLMs: f32(0.03 * 1000 * 1.5)},
    })
    const slow = workload({avgTTFTSeconds: 20, avgITLSeconds: 1})
    assert.deepEqual(inferSLOTarget([], parms, slow, 3)?.target, {targetTTFTMs: 10_000, targetITLMs: 500})
  })

  test('gives nothing without traffic or without observed latencies', () => {
    assert.equal(inferSLOTarget(['a'], parms, workload({busyPods: 0}), 3), undefined)
    assert.equal(inferSLOTarget([], parms, workload({avgITLSeconds: 0}), 3), undefined)
  })
})

describe('aggregateWorkloadMetrics and variantMaxBatchSize', () => {
  test('weights tokens and latencies by arrival rate over busy pods only', () => {
    const metrics = aggregateWorkloadMetrics([
      pod({arrivalRateRps: 1, avgInputTokens: 100, avgOutputTokens: 10, avgTTFTSeconds: 1, avgITLSeconds: 0.1}),
      pod({arrivalRateRps: 3, avgInputTokens: 500, avgOutputTokens: 50, avgTTFTSeconds: 2, avgITLSeconds: 0.2}),
      pod({arrivalRateRps: 0, avgInputTokens: 9999}),
    ])
    assert.deepEqual(metrics, {
      avgArrivalRatePerPodRps: 2,
      avgInputTokens: 400,
      avgOutputTokens: 40,
      avgTTFTSeconds: 1.75,
      avgITLSeconds: (1 * 0.1 + 3 * 0.2) / 4,
      busyPods: 2,
    })
    assert.equal(aggregateWorkloadMetrics([pod({arrivalRateRps: 0})]).busyPods, 0)
  })

  test('takes the first positive max batch size, else the default 256', () => {
    assert.equal(variantMaxBatchSize([pod(), pod({maxBatchSize: 64}), pod({maxBatchSize: 128})]), 64)
    assert.equal(variantMaxBatchSize([pod()]), DEFAULT_MAX_BATCH_SIZE)
  })
})

describe('queue analyzer edge behaviour', () => {
  const request = {avgInputTokens: 512, avgOutputTokens: 128}
  const serviceParms = {alpha: 10, beta: f32(0.02), gamma: f32(0.0001)}

  test('a replica with one slot and no queue (K = 1) is never solvable, as upstream (stale utilisation)', () => {
    const built = buildQueueAnalyzerV2({maxBatchSize: 1, maxQueueSize: 0, serviceParms}, request)
    assert.ok(built.ok)
    const analyzed = analyzeRateV2(built.analyzer, f32(built.analyzer.rateRangeMaxRps / 2))
    assert.equal(analyzed.ok, false)
    assert.match(analyzed.ok ? '' : analyzed.error, /^invalid model MM1ModelStateDependent: .*K=1;/)
    const sizing = sizeVariantCapacity({
      serviceParms,
      maxBatchSize: 1,
      maxQueueSize: 0,
      workload: {avgArrivalRatePerPodRps: 1, avgInputTokens: 512, avgOutputTokens: 128, busyPods: 1},
      targets: SLO,
    })
    assert.equal(sizing.kind, 'size-failed')
  })

  test('a request with less than one output token cannot be analyzed', () => {
    const sizing = sizeVariantCapacity({
      serviceParms,
      maxBatchSize: 8,
      workload: {avgArrivalRatePerPodRps: 1, avgInputTokens: 512, avgOutputTokens: 0.5, busyPods: 1},
      targets: SLO,
    })
    assert.deepEqual(sizing, {kind: 'analyzer-failed', reason: 'invalid request size {inTokens=512.0, outTokens=0.5}'})
  })

  test('a negative target is rejected with upstream text', () => {
    const built = buildQueueAnalyzerV2({maxBatchSize: 8, maxQueueSize: 10, serviceParms}, request)
    assert.ok(built.ok)
    assert.deepEqual(sizeForTargetsV2(built.analyzer, {targetTTFTMs: -1, targetITLMs: 50}), {
      ok: false,
      error: 'invalid target data values {TTFT=-1.000, ITL=50.000, TPS=0.000}',
    })
  })

  test('a TPS target caps the rate at 90 % of the maximum', () => {
    const built = buildQueueAnalyzerV2({maxBatchSize: 8, maxQueueSize: 10, serviceParms}, request)
    assert.ok(built.ok)
    const sized = sizeForTargetsV2(built.analyzer, {targetTTFTMs: 0, targetITLMs: 0, targetTPS: 1})
    assert.ok(sized.ok)
    const maxPerMs = f32(built.analyzer.rateRangeMaxRps / 1000)
    assert.equal(sized.targetRate.rateTargetTPSRps, f32(f32(maxPerMs * f32(1 - f32(0.1))) * 1000))
    assert.equal(sized.targetRate.rateTargetTTFTRps, built.analyzer.rateRangeMaxRps)
  })

  test('sizes that would allocate or loop without bound are refused with an InputError', () => {
    const build = (maxBatchSize: number, maxQueueSize: number) => () =>
      buildQueueAnalyzerV2({maxBatchSize, maxQueueSize, serviceParms}, request)
    assert.throws(build(MAX_BATCH_SIZE_LIMIT + 1, 0), InputError)
    assert.throws(build(MAX_BATCH_SIZE_LIMIT, MAX_OCCUPANCY_LIMIT), InputError)
    assert.throws(build(2.5, 0), InputError)
    assert.throws(build(8, Number.NaN), InputError)
    assert.doesNotThrow(build(MAX_BATCH_SIZE_LIMIT, MAX_OCCUPANCY_LIMIT - MAX_BATCH_SIZE_LIMIT))
  })
})
