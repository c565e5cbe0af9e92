import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  analyzeRateV2,
  buildQueueAnalyzerV2,
  sizeForTargetsV2,
} from '../../../../src/core/decide/queueing-v2/queue-analyzer.js'
import {decodeTimeMs, iterationTimeMs, prefillTimeMs} from '../../../../src/core/decide/queueing-v2/service-time.js'
import {sizeVariantCapacity} from '../../../../src/core/decide/queueing-v2/variant-capacity.js'
import {f32} from '../../../../src/core/decide/queueing/float32.js'
import {assertMatchesGolden, readGolden} from '../queueing/golden-compare.js'

interface QueueingV2Input {
  alpha: number
  beta: number
  gamma: number
  maxBatchSize: number
  maxQueueSize: number
  avgInputTokens: number
  avgOutputTokens: number
  targetTTFTMs: number
  targetITLMs: number
  avgArrivalRatePerPodRps: number
  busyPods: number
  rateFractionsOfMax: number[]
}

interface QueueingV2Case {
  id: string
  tags: string[]
  input: QueueingV2Input
  expected: Record<string, unknown>
}

const GOLDEN_FILE = 'queueing-v2-cases.json'
const EXPECTED_CASES = 309
const golden = readGolden<{cases: QueueingV2Case[]}>(GOLDEN_FILE)

/** What the upstream harness recorded for one case, computed the same way through our engine. */
function runCase(input: QueueingV2Input): Record<string, unknown> {
  const serviceParms = {alpha: f32(input.alpha), beta: f32(input.beta), gamma: f32(input.gamma)}
  const request = {avgInputTokens: f32(input.avgInputTokens), avgOutputTokens: f32(input.avgOutputTokens)}
  const batchOne = f32(1)
  const times = {
    iterationTimeMsAtBatch1: iterationTimeMs(serviceParms, request, batchOne),
    prefillTimeMsAtBatch1: prefillTimeMs(serviceParms, request, batchOne),
    decodeTimeMsAtBatch1: decodeTimeMs(serviceParms, request, batchOne),
  }
  const built = buildQueueAnalyzerV2(
    {maxBatchSize: input.maxBatchSize, maxQueueSize: input.maxQueueSize, serviceParms},
    request,
  )
  if (!built.ok) return {...times, ok: false, error: built.error}
  const analyzer = built.analyzer
  const targets = {targetTTFTMs: f32(input.targetTTFTMs), targetITLMs: f32(input.targetITLMs)}
  const size = sizeForTargetsV2(analyzer, targets)
  const sizing = sizeVariantCapacity({
    serviceParms,
    maxBatchSize: input.maxBatchSize,
    maxQueueSize: input.maxQueueSize,
    workload: {
      avgArrivalRatePerPodRps: input.avgArrivalRatePerPodRps,
      avgInputTokens: input.avgInputTokens,
      avgOutputTokens: input.avgOutputTokens,
      busyPods: input.busyPods,
    },
    targets,
  })
  return {
    ...times,
    ok: true,
    maxNumTokens: analyzer.maxNumTokens,
    rateRangeMinRps: analyzer.rateRangeMinRps,
    rateRangeMaxRps: analyzer.rateRangeMaxRps,
    analyze: input.rateFractionsOfMax.map((fraction) => {
      const rateRps = f32(f32(fraction) * analyzer.rateRangeMaxRps)
      const analyzed = analyzeRateV2(analyzer, rateRps)
      return analyzed.ok
        ? {rateRps, ok: true, metrics: analyzed.metrics}
        : {rateRps, ok: false, error: analyzed.error, metrics: null}
    }),
    size: size.ok
      ? {ok: true, targetRate: size.targetRate, metrics: size.metrics, achieved: size.achieved}
      : {ok: false, error: size.error, metrics: null},
    variant:
      sizing.kind === 'sized'
        ? {
            perReplicaCapacityRps: sizing.perReplicaCapacityRps,
            totalArrivalRateRps: sizing.totalArrivalRateRps,
            desiredReplicas: sizing.desiredReplicas,
            totalCapacityRps: sizing.totalCapacityRps,
            utilization: sizing.utilization,
          }
        : {perReplicaCapacityRps: 0, desiredReplicas: null, errorCapacity: true},
  }
}

describe(`queueing model v2 golden vectors (${GOLDEN_FILE}, upstream v0.9.0 d5d58640)`, () => {
  test(`the golden file holds all ${EXPECTED_CASES} cases with distinct ids`, () => {
    assert.equal(golden.cases.length, EXPECTED_CASES)
    assert.equal(new Set(golden.cases.map((c) => c.id)).size, EXPECTED_CASES)
  })

  for (const goldenCase of golden.cases) {
    test(`case ${goldenCase.id} matches upstream`, () => {
      // Replicas exactly (desiredReplicas is an integer key), floats within the README tolerance, Go's error texts.
      const actual = runCase(goldenCase.input)
      assertMatchesGolden(goldenCase.id, goldenCase.expected, actual)
      type VariantBlock = {desiredReplicas: number | null}
      const expectedVariant = goldenCase.expected.variant as VariantBlock | undefined
      if (expectedVariant !== undefined) {
        assert.equal((actual.variant as VariantBlock).desiredReplicas, expectedVariant.desiredReplicas)
      }
    })
  }
})
