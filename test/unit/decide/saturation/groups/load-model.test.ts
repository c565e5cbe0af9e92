import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {saturationPodFigures} from '../../../../../src/core/simulate/saturation-items.js'
import {simulate} from '../../../../../src/core/simulate/simulate.js'
import type {SimulationItem} from '../../../../../src/core/simulate/simulation-result.js'
import {
  inapplicableWhatIfWarnings,
  isSaturationWhatIf,
  whatIfWarningsFor,
  type WhatIf,
} from '../../../../../src/core/model/what-if.js'
import {readManifests} from '../../../../../src/core/read/manifests/read-manifests.js'
import {
  overflowRequestsPerKv,
  readingFromDemand,
  scaleDemand,
  spreadDemands,
} from '../../../../../src/core/decide/saturation/groups/load-model.js'
import {runSaturationEngines, writtenTarget} from '../../../../../src/core/decide/saturation/groups/run-groups.js'
import {settleGroup} from '../../../../../src/core/decide/saturation/groups/settle.js'
import type {SourceSet} from '../../../../../src/core/model/sources.js'
import {fixturePath} from '../../../../support/paths.js'
import {parseClusterState} from '../../../../../src/core/model/cluster-state.js'

const twoVariants = (await readManifests([fixturePath('manifests', 'saturation', 'v0.5-two-variants.yaml')])).sources

function desired(sources: SourceSet, whatIf: WhatIf): Record<string, number | null> {
  const items = simulate(parseClusterState(sources), {whatIf}).items
  return Object.fromEntries(items.map((item) => [item.name, item.desired?.replicas ?? null]))
}

function item(sources: SourceSet, whatIf: WhatIf, name: string): SimulationItem {
  return simulate(parseClusterState(sources), {whatIf}).items.find((candidate) => candidate.name === name)!
}

describe('the load model of one pod', () => {
  const reading = {name: 'pod-a', kvCacheUsage: 0.4, queueLength: 2}

  test('below capacity, KV usage and queue scale with the load', () => {
    const doubled = readingFromDemand(scaleDemand(reading, 2), 100)
    assert.deepEqual(doubled, {name: 'pod-a', kvCacheUsage: 0.8, queueLength: 4})
    assert.deepEqual(readingFromDemand(scaleDemand(reading, 0), 100), {name: 'pod-a', kvCacheUsage: 0, queueLength: 0})
  })

  test('KV usage saturates at 1.0 and the queue keeps growing beyond', () => {
    let previousQueue = -1
    for (const scale of [2.5, 3, 5, 10, 100]) {
      const scaled = readingFromDemand(scaleDemand(reading, scale), 50)
      assert.equal(scaled.kvCacheUsage, 1, `at ${scale}x`)
      assert.ok(scaled.queueLength > previousQueue, `queue grows at ${scale}x: ${scaled.queueLength}`)
      previousQueue = scaled.queueLength
    }
    // 0.4 × 5 = 2 caches' worth: one full cache waits, at 50 requests per cache-minute, plus the scaled queue 10.
    assert.equal(readingFromDemand(scaleDemand(reading, 5), 50).queueLength, 60)
  })

  test('without a requests-per-KV ratio the overflow adds no queue', () => {
    const fivefold = readingFromDemand(scaleDemand(reading, 5), undefined)
    assert.deepEqual(fivefold, {name: 'pod-a', kvCacheUsage: 1, queueLength: 10})
  })

  test('the ratio is the observed arrival rate over the summed KV usage, unknown without traffic', () => {
    const pods = [reading, {name: 'pod-b', kvCacheUsage: 0.6, queueLength: 0}]
    assert.equal(overflowRequestsPerKv(pods, 900), 900)
    assert.equal(overflowRequestsPerKv(pods, 0), undefined)
    assert.equal(overflowRequestsPerKv(pods, undefined), undefined)
    assert.equal(overflowRequestsPerKv([{name: 'idle', kvCacheUsage: 0, queueLength: 0}], 900), undefined)
  })

  test('spreading conserves the demand and gives every replica the same share', () => {
    const demands = [scaleDemand(reading, 1), scaleDemand({name: 'pod-b', kvCacheUsage: 0.8, queueLength: 7}, 1)]
    for (const replicas of [1, 2, 3, 7]) {
      const spread = spreadDemands(demands, replicas, 'x-')
      assert.equal(spread.length, replicas)
      const kv = spread.reduce((sum, demand) => sum + demand.kvDemand, 0)
      const queue = spread.reduce((sum, demand) => sum + demand.queueDemand, 0)
      assert.ok(Math.abs(kv - 1.2) < 1e-12 && Math.abs(queue - 9) < 1e-12, `${replicas} replicas: ${kv}, ${queue}`)
      for (const demand of spread) assert.ok(Math.abs(demand.kvDemand - 1.2 / replicas) < 1e-12)
    }
    assert.deepEqual(spreadDemands([], 3, 'x-'), [])
  })
})

describe('load what-ifs on the v0.5.1 saturation engine (two variants, 2 + 2 replicas)', () => {
  test('without a what-if DESIRED is still the next cycle (the controller writes one step)', () => {
    assert.deepEqual(desired(twoVariants, {}), {'granite-8b-h100': 2, 'granite-8b-l40s': 3})
    assert.equal(item(twoVariants, {}, 'granite-8b-l40s').saturation?.settle, null)
    assert.equal(item(twoVariants, {}, 'granite-8b-l40s').saturation?.load, null)
  })

  test('pinned: settled replicas at 0.5x, 1x, 2x and 10x the observed load, and at arrival rate 0', () => {
    assert.deepEqual(desired(twoVariants, {loadScale: 0.5}), {'granite-8b-h100': 1, 'granite-8b-l40s': 2})
    assert.deepEqual(desired(twoVariants, {loadScale: 1}), {'granite-8b-h100': 2, 'granite-8b-l40s': 3})
    assert.deepEqual(desired(twoVariants, {loadScale: 2}), {'granite-8b-h100': 2, 'granite-8b-l40s': 8})
    assert.deepEqual(desired(twoVariants, {loadScale: 10}), {'granite-8b-h100': 2, 'granite-8b-l40s': 44})
    assert.deepEqual(desired(twoVariants, {arrivalRateRpm: 0}), {'granite-8b-h100': 1, 'granite-8b-l40s': 1})
  })

  test("monotone: more load never lowers any VA's desired replicas", () => {
    let previous: Record<string, number | null> = {}
    for (let step = 0; step <= 120; step++) {
      const scale = step / 10
      const now = desired(twoVariants, {loadScale: scale})
      for (const [name, replicas] of Object.entries(now)) {
        assert.ok(replicas !== null, `${name} decided at ${scale}x`)
        const before = previous[name]
        assert.ok(before === undefined || replicas >= before!, `${name}: ${before} then ${replicas} at ${scale}x`)
      }
      previous = now
    }
  })

  test('--arrival-rate R is the load scale R over the observed rate (900 rpm), times --load-scale', () => {
    assert.deepEqual(desired(twoVariants, {arrivalRateRpm: 1800}), desired(twoVariants, {loadScale: 2}))
    assert.deepEqual(desired(twoVariants, {arrivalRateRpm: 900, loadScale: 3}), desired(twoVariants, {loadScale: 3}))
    assert.equal(item(twoVariants, {arrivalRateRpm: 4500}, 'granite-8b-h100').saturation?.load?.scale, 5)
  })

  test('the readings the engine saw are scaled: KV capped at 100%, every pod saturated, the queue grown', () => {
    const l40s = item(twoVariants, {loadScale: 10}, 'granite-8b-l40s')
    const figures = saturationPodFigures(l40s.saturation)
    assert.equal(figures?.maxKvCacheUsage, 1)
    assert.equal(figures?.saturatedReplicas, 2)
    assert.ok(figures!.maxQueueLength > 40, `queue ${figures?.maxQueueLength}`)
    assert.equal(l40s.saturation?.action, 'scale-up', 'the next cycle still moves by one')
    assert.equal(l40s.saturation?.computedReplicas, 3)
    const settle = l40s.saturation?.settle
    assert.deepEqual({replicas: settle?.replicas, status: settle?.status}, {replicas: 44, status: 'settled'})
    assert.equal(l40s.desired?.cost, 440, 'spec.variantCost 10 × 44')
    assert.match(
      l40s.saturation!.explanation.at(-1)!,
      /^at 10× the observed load, repeating the controller's cycles, granite-8b-l40s goes from 2 to 44 and settles /,
    )
  })

  test('a threshold what-if alone also reports where the cycles settle', () => {
    const low = desired(twoVariants, {kvCacheThreshold: 0.5})
    const high = desired(twoVariants, {kvCacheThreshold: 0.95})
    assert.ok(low['granite-8b-l40s']! > high['granite-8b-l40s']!, JSON.stringify({low, high}))
    assert.notEqual(item(twoVariants, {kvCacheThreshold: 0.5}, 'granite-8b-l40s').saturation?.settle, null)
  })

  test('--arrival-rate without a measured rate warns and leaves the readings alone', () => {
    const snapshots = twoVariants.metricsSnapshots.map((snapshot) => ({...snapshot, models: []}))
    const withoutModels: SourceSet = {...twoVariants, metricsSnapshots: snapshots}
    const result = simulate(parseClusterState(withoutModels), {whatIf: {arrivalRateRpm: 5000}})
    const expected = /^model ibm\/granite-3\.3-8b in llm: no measured arrival rate, so .*; use --load-scale$/
    assert.ok(
      result.warnings.some((warning) => expected.test(warning)),
      result.warnings.join('\n'),
    )
    assert.equal(result.items[0]!.saturation?.load?.scale, 1)
  })
})

describe('load what-ifs on the v0.4.2 capacity engine and on idle models', () => {
  test('the capacity engine (--engine capacity) settles the same way', () => {
    const capacity = (loadScale: number): WhatIf => ({engine: 'capacity', loadScale})
    assert.equal(item(twoVariants, capacity(2), 'granite-8b-l40s').engine, 'capacity')
    assert.deepEqual(desired(twoVariants, capacity(0.5)), {'granite-8b-h100': 1, 'granite-8b-l40s': 2})
    assert.deepEqual(desired(twoVariants, capacity(2)), {'granite-8b-h100': 2, 'granite-8b-l40s': 8})
  })

  test('--arrival-rate above a measured rate of 0 cannot scale idle readings, and says so', () => {
    const idle: SourceSet = {
      ...twoVariants,
      metricsSnapshots: twoVariants.metricsSnapshots.map((snapshot) => ({
        ...snapshot,
        models: snapshot.models.map((model) => ({...model, arrivalRateRpm: 0})),
      })),
    }
    const result = simulate(parseClusterState(idle), {whatIf: {arrivalRateRpm: 600}})
    const expected = /the measured arrival rate is 0, .* use a snapshot taken under load$/
    assert.ok(
      result.warnings.some((warning) => expected.test(warning)),
      result.warnings.join('\n'),
    )
    assert.equal(result.items[0]!.saturation?.load?.scale, 1)
    assert.equal(simulate(parseClusterState(idle), {whatIf: {arrivalRateRpm: 0}}).items[0]!.saturation?.load?.scale, 0)
  })
})

describe('settling', () => {
  test('stops at the cycle limit and says so', () => {
    const run = runSaturationEngines({
      state: parseClusterState(twoVariants),
      pods: twoVariants.metricsSnapshots.flatMap((snapshot) => snapshot.pods ?? []),
      load: new Map([['llm\u0000ibm/granite-3.3-8b', {scale: 10, observedRateRpm: 900}]]),
    })
    const limited = settleGroup(run.groups[0]!, run.variants, 5)
    const where = {status: limited?.status, cycles: limited?.cycles, l40s: limited?.replicas.get('granite-8b-l40s')}
    assert.deepEqual(where, {status: 'cycle-limit', cycles: 5, l40s: 7})
    assert.equal(settleGroup(run.groups[0]!, run.variants)?.status, 'settled')
  })

  test('the engine input and its result stay those of the golden-tested engine at 1x', () => {
    const pods = twoVariants.metricsSnapshots.flatMap((snapshot) => snapshot.pods ?? [])
    const plain = runSaturationEngines({state: parseClusterState(twoVariants), pods})
    const load = new Map([['llm\u0000ibm/granite-3.3-8b', {scale: 1, observedRateRpm: 900}]])
    const scaled = runSaturationEngines({state: parseClusterState(twoVariants), pods, load})
    assert.deepEqual(scaled.groups[0]!.engineInput, plain.groups[0]!.engineInput)
    const targets = (run: typeof plain) => run.variants.map((variant) => writtenTarget(variant))
    assert.deepEqual(targets(scaled), targets(plain))
  })
})

describe('what-if flags that cannot apply', () => {
  test('is a saturation what-if: load and thresholds, not SLOs', () => {
    assert.equal(isSaturationWhatIf({loadScale: 1}), true)
    assert.equal(isSaturationWhatIf({queueSpareTrigger: 2}), true)
    assert.equal(isSaturationWhatIf({sloTtftMs: 200, scaleToZero: true}), false)
  })

  test('one warning per engine family, naming the flags given and the flags that apply', () => {
    const whatIf = {sloTtftMs: 200, maxBatchSize: 64, kvCacheThreshold: 0.7}
    const warnings = inapplicableWhatIfWarnings(whatIf, {queueing: ['llama'], saturation: ['a', 'b', 'c', 'd']})
    assert.deepEqual(warnings, [
      '--slo-ttft, --max-batch do not apply to VAs a, b, c and 1 more: the saturation engines decide from per-pod ' +
        'KV-cache and queue readings, not SLOs, batch size or tokens; use --load-scale, --arrival-rate, ' +
        '--kv-threshold, --queue-threshold, --kv-spare-trigger, --queue-spare-trigger, --retention, --scale-to-zero',
      '--kv-threshold does not apply to VA llama: the queueing model sizes replicas from load and SLOs; use ' +
        '--load-scale, --arrival-rate, --input-tokens, --output-tokens, --slo-ttft, --slo-itl, --max-batch',
    ])
    assert.deepEqual(inapplicableWhatIfWarnings({sloTtftMs: 200}, {queueing: ['llama'], saturation: []}), [])
  })

  test("for simulate's items, by their engine", () => {
    const whatIf = {sloTtftMs: 200}
    const warnings = whatIfWarningsFor(whatIf, simulate(parseClusterState(twoVariants), {whatIf}).items)
    assert.equal(warnings.length, 1)
    assert.ok(warnings[0]!.startsWith('--slo-ttft does not apply to VAs granite-8b-h100, granite-8b-l40s: '))
    assert.deepEqual(whatIfWarningsFor(whatIf, []), [])
  })
})
