import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  behaviourOf,
  decideSaturationV2Model,
  goSortSlice,
  maxReplicaMetrics,
  parseEngineParams,
  resolveSaturationEntry,
  selectSaturationEngine,
  toSaturationV2Config,
  waitingQueueDemand,
  type SaturationConfigEntry,
  type V2ModelInput,
  type V2ReplicaMetric,
} from '../../../../src/core/decide/saturation-v2/index.js'
import {addInt64, int64FromFloat} from '../../../../src/core/decide/saturation-v2/int64.js'

function replica(overrides: Partial<V2ReplicaMetric> = {}): V2ReplicaMetric {
  return {
    podName: 'a-0',
    variantName: 'a',
    acceleratorName: 'H100',
    cost: 10,
    kvCacheUsage: 0.5,
    queueLength: 0,
    numGpuBlocks: 1000,
    blockSize: 16,
    totalKvCapacityTokens: 16000,
    tokensInUse: 8000,
    avgInputTokens: 1000,
    avgOutputTokens: 200,
    prefixCacheHitRate: 0,
    ...overrides,
  }
}

function model(overrides: Partial<V2ModelInput> = {}): V2ModelInput {
  return {
    modelId: 'm',
    namespace: 'ns',
    config: {kvCacheThreshold: 0.8, queueLengthThreshold: 5, scaleUpThreshold: 0.85, scaleDownBoundary: 0.7},
    variants: [
      {variantName: 'a', acceleratorName: 'H100', currentReplicas: 1, pendingReplicas: 0, gpusPerReplica: 1, role: ''},
    ],
    replicaMetrics: [replica()],
    schedulerQueue: null,
    ...overrides,
  }
}

describe('engine arguments', () => {
  test('an explicit --max-num-batched-tokens is the per-step budget', () => {
    const params = parseEngineParams([{commandAndArgs: ['--max-num-batched-tokens=4096']}], true)
    assert.equal(params.effectiveMaxBatchedTokens, 4096)
  })
  test('a sh -c command line is split on spaces outside quotes, dashes and underscores alike', () => {
    const params = parseEngineParams(
      [{commandAndArgs: ['/bin/sh', '-c', "vllm serve 'my model' --max-num-seqs 64 --block_size=32 --enforce-eager"]}],
      true,
    )
    assert.deepEqual([params.maxNumSeqs, params.blockSize, params.enforceEager], [64, 32, true])
  })
  test('VLLM_USE_V1=0 without chunked prefill budgets max_model_len, or 2048 below it', () => {
    const v0 = (args: string[]): number =>
      parseEngineParams([{commandAndArgs: args, env: {VLLM_USE_V1: '0'}}], true).effectiveMaxBatchedTokens
    assert.equal(v0(['--max-model-len', '4096']), 4096)
    assert.equal(v0(['--max-model-len', '1024']), 2048)
    assert.equal(v0(['--enable-chunked-prefill']), 2048)
    assert.equal(parseEngineParams([{commandAndArgs: []}], true).effectiveMaxBatchedTokens, 8192)
  })
  test('an SGLang image is parsed with SGLang flags from v0.9 only', () => {
    const container = {
      commandAndArgs: ['--chunked-prefill-size', '-1', '--context-length', '32768'],
      image: 'lmsysorg/sglang:v0.5',
    }
    const sglang = parseEngineParams([container], true)
    assert.deepEqual([sglang.engine, sglang.blockSize, sglang.effectiveMaxBatchedTokens], ['sglang', 1, 32768])
    const vllm = parseEngineParams([container], false)
    assert.deepEqual([vllm.engine, vllm.blockSize, vllm.effectiveMaxBatchedTokens], ['vllm', 16, 8192])
  })
})

describe('per-release behaviour', () => {
  test('v0.9 charges the waiting queue input plus output before truncating; v0.6/v0.8 truncate the input first', () => {
    const metric = replica({queueLength: 3, avgInputTokens: 100.9, avgOutputTokens: 0})
    assert.equal(waitingQueueDemand(metric, '', behaviourOf('v0.9')), 302)
    assert.equal(waitingQueueDemand(metric, '', behaviourOf('v0.6')), 300)
    const withOutput = replica({queueLength: 2, avgInputTokens: 100, avgOutputTokens: 50})
    assert.equal(waitingQueueDemand(withOutput, 'prefill', behaviourOf('v0.9')), 200)
    assert.equal(waitingQueueDemand(withOutput, 'decode', behaviourOf('v0.9')), 300)
    assert.equal(waitingQueueDemand(withOutput, 'decode', behaviourOf('v0.8')), 200)
  })
  test('the v0.6 engine never hands the scheduler queue to the analyzer; v0.8 does', () => {
    const input = model({schedulerQueue: {queueSize: 10, queueBytes: 0}})
    const demand = (release: 'v0.6' | 'v0.8', force = false): number =>
      decideSaturationV2Model(input, release, {forceSchedulerQueue: force}).analysis.totalDemand
    assert.equal(demand('v0.6'), 8000)
    assert.equal(demand('v0.6', true), 8000 + 10 * 1000 + 10 * 200)
    assert.equal(demand('v0.8'), 8000 + 10 * 1000 + 10 * 200)
  })
  test('a model without replica metrics is skipped by v0.6/v0.8 and judged uninformative by v0.9', () => {
    const input = model({replicaMetrics: []})
    assert.equal(decideSaturationV2Model(input, 'v0.6').skipped, 'no-metrics')
    assert.equal(decideSaturationV2Model(input, 'v0.9').skipped, 'uninformative')
    assert.deepEqual(decideSaturationV2Model(input, 'v0.9').decisions, [])
  })
  test('v0.8 decisions carry no capacity signals; v0.9 copies RC, SC and utilization', () => {
    assert.equal(decideSaturationV2Model(model(), 'v0.8').decisions[0]!.utilization, 0)
    assert.ok(decideSaturationV2Model(model(), 'v0.9').decisions[0]!.utilization > 0)
  })
  test('more replica rows than the bound are refused, not looped over', () => {
    const rows = Array.from({length: maxReplicaMetrics + 1}, () => replica())
    assert.throws(() => decideSaturationV2Model(model({replicaMetrics: rows}), 'v0.9'), RangeError)
  })
})

describe('saturation ConfigMap per release', () => {
  const entries = {
    default: {kvCacheThreshold: 0.9, queueLengthThreshold: 4, analyzers: [{name: 'saturation'}], enableLimiter: true},
    'm#ns': {scaleUpThreshold: 0.6, scaleDownBoundary: 0.65},
  }
  test('v0.6 takes the model entry instead of default, so the default kvCacheThreshold is lost (k1 = 0)', () => {
    const resolved = resolveSaturationEntry(entries, 'm', 'ns', 'v0.6')
    assert.deepEqual([resolved.kvCacheThreshold, resolved.scaleUpThreshold, resolved.scaleDownBoundary], [0, 0.6, 0.65])
    const v1Style = resolveSaturationEntry({'m#ns': {kvCacheThreshold: 0.8}}, 'm', 'ns', 'v0.6')
    assert.deepEqual([v1Style.scaleUpThreshold, v1Style.scaleDownBoundary], [0, 0])
  })
  test('v0.8 merges the model entry onto default and keeps an inverted pair', () => {
    const resolved = resolveSaturationEntry(entries, 'm', 'ns', 'v0.8')
    const thresholds = [resolved.kvCacheThreshold, resolved.scaleUpThreshold, resolved.scaleDownBoundary]
    assert.deepEqual(thresholds, [0.9, 0.6, 0.65])
  })
  test('v0.9 resets an inverted pair to 0.85/0.70', () => {
    const resolved = resolveSaturationEntry(entries, 'm', 'ns', 'v0.9')
    assert.deepEqual([resolved.scaleUpThreshold, resolved.scaleDownBoundary], [0.85, 0.7])
  })
  test('v0.8 defaults the k1/k2 thresholds; v0.6 does not', () => {
    assert.equal(resolveSaturationEntry({}, 'm', 'ns', 'v0.8').kvCacheThreshold, 0.8)
    assert.equal(resolveSaturationEntry({}, 'm', 'ns', 'v0.6').kvCacheThreshold, 0)
  })
  test('an analyzers item overrides the RC/SC thresholds from v0.8 on', () => {
    const overridden = {default: {analyzers: [{name: 'saturation', scaleUpThreshold: 0.95}]}}
    const v08 = toSaturationV2Config(resolveSaturationEntry(overridden, 'm', 'ns', 'v0.8'), 'v0.8')
    const v06 = toSaturationV2Config(resolveSaturationEntry(overridden, 'm', 'ns', 'v0.6'), 'v0.6')
    assert.deepEqual([v08.scaleUpThreshold, v06.scaleUpThreshold], [0.95, 0.85])
  })
  test('engine selection: queueing model first, then V2 for analyzers or analyzerName saturation, else V1', () => {
    const select = (
      globalEntries: Record<string, SaturationConfigEntry>,
      queueingModelHasDefault = false,
      answered = true,
    ): string => {
      const selection = selectSaturationEngine({
        globalEntries,
        queueingModelHasDefault,
        release: 'v0.9',
        constraintProvidersAnswered: answered,
      })
      return 'optimizer' in selection ? `${selection.engine}/${selection.optimizer}` : selection.engine
    }
    assert.equal(select({}), 'saturation-v1')
    assert.equal(select({default: {kvCacheThreshold: 0.8}}), 'saturation-v1')
    assert.equal(select({default: {analyzerName: 'saturation'}}), 'saturation-v2/cost-aware')
    const limited = {default: {analyzers: [{name: 'saturation'}], enableLimiter: true}}
    assert.equal(select(limited), 'saturation-v2/greedy-by-score')
    assert.equal(select(limited, false, false), 'saturation-v2/cost-aware')
    assert.equal(select({}, true), 'queueing-model/cost-aware')
  })
})

describe('Go semantics', () => {
  test('sort.Slice keeps equal keys in order up to 12 elements', () => {
    const items = Array.from({length: 12}, (_, index) => ({key: index % 2, index}))
    const sorted = goSortSlice(items, (left, right) => left.key < right.key)
    assert.deepEqual(
      sorted.map((item) => item.index),
      [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11],
    )
  })
  test('sort.Slice sorts longer slices by key', () => {
    const items = Array.from({length: 100}, (_, index) => (index * 37) % 101)
    assert.deepEqual(
      goSortSlice(items, (left, right) => left < right),
      [...items].sort((left, right) => left - right),
    )
  })
  test('int64 conversions and sums follow Go on amd64', () => {
    assert.equal(int64FromFloat(Number.NaN), -(2 ** 63))
    assert.equal(int64FromFloat(-2.7), -2)
    assert.equal(addInt64(2 ** 53, 1), Number(2n ** 53n + 1n))
  })
})
