import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {type AnalyzerHooks, DIRECT_ANALYZER_HOOKS} from '../../../../src/core/decide/queueing/allocation.js'
import {decideModelBased, type ModelBasedInput} from '../../../../src/core/decide/queueing/model-based.js'

/** A feasible VA (golden edge-019: ITL-bound, 2 replicas at 600 req/min), shape A unless overridden. */
function va(overrides: Partial<ModelBasedInput> = {}): ModelBasedInput {
  return {
    modelId: 'meta/llama-3.1-8b',
    accelerator: 'A100',
    acceleratorCount: 1,
    maxBatchSize: 128,
    decodeParms: {alpha: '10.0', beta: '0.1'},
    prefillParms: {gamma: '20.0', delta: '0.001'},
    acceleratorUnitCost: '13.13',
    sloTtftMs: 5000,
    sloTpotMs: 12,
    arrivalRateRpm: 600,
    avgInputTokens: 256,
    avgOutputTokens: 256,
    currentReplicas: 1,
    scaleToZero: false,
    ...overrides,
  }
}

function replicasOf(input: ModelBasedInput): number | undefined {
  return decideModelBased(input).desired?.numReplicas
}

describe('which SLO bounds the per-replica rate', () => {
  test('a tight TPOT makes the variant ITL-bound', () => {
    const decision = decideModelBased(va())
    assert.equal(decision.outcome, 'allocated')
    assert.equal(decision.outcome === 'allocated' && decision.boundBy, 'itl')
  })

  test('a tight TTFT with a loose TPOT makes the variant TTFT-bound', () => {
    const decision = decideModelBased(va({sloTtftMs: 200, sloTpotMs: 200}))
    assert.equal(decision.outcome === 'allocated' && decision.boundBy, 'ttft')
  })

  test('with both SLOs disabled nothing bounds the rate but the stability limit', () => {
    const decision = decideModelBased(va({sloTtftMs: 0, sloTpotMs: 0}))
    assert.equal(decision.outcome, 'allocated')
    assert.equal(decision.outcome === 'allocated' ? decision.boundBy : 'not allocated', undefined)
  })

  test('the per-replica max rate does not depend on the load', () => {
    const low = decideModelBased(va({arrivalRateRpm: 60}))
    const high = decideModelBased(va({arrivalRateRpm: 6000}))
    assert.ok(low.outcome === 'allocated' && high.outcome === 'allocated')
    assert.equal(low.maxRpmPerReplica, high.maxRpmPerReplica)
    assert.ok((high.desired?.numReplicas ?? 0) > (low.desired?.numReplicas ?? 0))
  })
})

describe('shape B (e46bd4b) replica rules', () => {
  test('without minReplicas or maxReplicas the shape A answer stands', () => {
    assert.equal(replicasOf(va()), 2)
  })

  test('maxReplicas caps the solver replicas and the cost follows', () => {
    const decision = decideModelBased(va({arrivalRateRpm: 6000, maxReplicas: 3}))
    assert.equal(decision.outcome, 'allocated')
    assert.equal(decision.desired?.numReplicas, 3)
    assert.equal(decision.cost, Math.fround(Math.fround(13.13) * 3))
    assert.ok(decision.outcome === 'allocated' && decision.shapeB?.clampedToMax)
    assert.ok(decision.outcome === 'allocated' && (decision.shapeB?.solverReplicas ?? 0) > 3)
  })

  test('minReplicas lifts the replicas of an idle variant', () => {
    const decision = decideModelBased(va({arrivalRateRpm: 0, minReplicas: 3}))
    assert.equal(decision.outcome, 'zeroLoad')
    assert.deepEqual(decision.desired, {accelerator: 'A100', numReplicas: 3})
  })

  test('an idle variant with scale-to-zero and no requests goes to zero replicas', () => {
    const decision = decideModelBased(va({arrivalRateRpm: 0, minReplicas: 0, scaleToZero: true}))
    assert.deepEqual(decision.desired, {accelerator: 'A100', numReplicas: 0})
    assert.equal(decision.cost, 0)
    assert.equal(decision.outcome === 'zeroLoad' && decision.shapeB?.zeroRate, 'scaledToZero')
  })

  test('minReplicas defaults to 0 in shape B, but the only variant of a model keeps one replica', () => {
    const decision = decideModelBased(va({arrivalRateRpm: 0, maxReplicas: 5}))
    assert.equal(decision.resolved?.minNumReplicas, 0)
    assert.deepEqual(decision.desired, {accelerator: 'A100', numReplicas: 1})
    assert.equal(decision.outcome === 'zeroLoad' && decision.shapeB?.zeroRate, 'keptOneReplica')
  })

  test('requests in the retention window keep one replica even with scale-to-zero', () => {
    const decision = decideModelBased(
      va({arrivalRateRpm: 0, minReplicas: 0, scaleToZero: true, requestsInRetentionWindow: 4}),
    )
    assert.equal(decision.desired?.numReplicas, 1)
  })

  test('scale-to-zero in shape B does not change minNumReplicas: spec.minReplicas does', () => {
    assert.equal(decideModelBased(va({scaleToZero: true, minReplicas: 2})).resolved?.minNumReplicas, 2)
    assert.equal(decideModelBased(va({scaleToZero: true})).resolved?.minNumReplicas, 0)
  })

  test('the current cost is spec.variantCost, defaulting to "10"', () => {
    assert.equal(decideModelBased(va({minReplicas: 1})).resolved?.currentCost, 10)
    assert.equal(decideModelBased(va({minReplicas: 1, variantCost: '10.5'})).resolved?.currentCostString, '10.5')
  })

  test('an infeasible variant stays infeasible: zero-rate rules apply only to allocated variants', () => {
    const decision = decideModelBased(va({sloTtftMs: 1, minReplicas: 1}))
    assert.equal(decision.outcome, 'infeasible')
    assert.equal(decision.desired, null)
  })
})

describe('controller glue', () => {
  test('perf params need at least two keys in each map', () => {
    const decision = decideModelBased(va({decodeParms: {alpha: '1'}}))
    assert.deepEqual(
      [decision.outcome, decision.outcome === 'skipped' && decision.reason],
      ['skipped', 'length of decodeParms should be 2'],
    )
  })

  test('a value that overflows float32 skips the VA like upstream ParseFloat(s, 32)', () => {
    const decision = decideModelBased(va({prefillParms: {gamma: '1e40', delta: '0.001'}}))
    assert.equal(
      decision.outcome === 'skipped' && decision.reason,
      'gamma: strconv.ParseFloat: parsing "1e40": value out of range',
    )
  })

  test('a trailing unit is not a number, unlike JavaScript parseFloat', () => {
    assert.equal(decideModelBased(va({acceleratorUnitCost: '40ms'})).outcome, 'skipped')
  })

  test('NaN load from Prometheus counts as zero load', () => {
    assert.equal(decideModelBased(va({arrivalRateRpm: Number.NaN})).outcome, 'zeroLoad')
  })
})

describe('analyzer hooks', () => {
  test('an allocated decision sizes once and analyzes once through the hooks, and the result is unchanged', () => {
    const calls: string[] = []
    const recording: AnalyzerHooks = {
      sizeReplica(config, request, targets) {
        calls.push(
          `size N=${config.maxBatchSize} Q=${config.maxQueueSize} out=${request.avgOutputTokens} itl=${targets.itlMs}`,
        )
        return DIRECT_ANALYZER_HOOKS.sizeReplica(config, request, targets)
      },
      analyzeReplica(analyzer, rateRps) {
        calls.push(`analyze ${rateRps}`)
        return DIRECT_ANALYZER_HOOKS.analyzeReplica(analyzer, rateRps)
      },
    }
    assert.deepStrictEqual(decideModelBased(va(), recording), decideModelBased(va()))
    assert.deepEqual(calls, ['size N=128 Q=1280 out=256 itl=12', 'analyze 5'])
  })

  test('a zero load or a skipped VA never calls the hooks', () => {
    const refuse: AnalyzerHooks = {
      sizeReplica: () => assert.fail('sized'),
      analyzeReplica: () => assert.fail('analyzed'),
    }
    assert.equal(decideModelBased(va({arrivalRateRpm: 0}), refuse).outcome, 'zeroLoad')
    assert.equal(decideModelBased(va({acceleratorUnitCost: 'x'}), refuse).outcome, 'skipped')
  })
})
