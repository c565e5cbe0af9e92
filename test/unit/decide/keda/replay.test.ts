/**
 * The replay loop: step alignment of HPA syncs and KEDA polls, plain HPAs, determinism and bounds (issue 14 item 2).
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {replayScaler, replayStepCount, type ScalerSpec} from '../../../../src/core/decide/keda/index.js'
import {UsageError} from '../../../../src/core/errors.js'

const t0 = Date.UTC(2026, 0, 1)
const hpa: ScalerSpec = {
  kind: 'hpa',
  hpa: {
    name: 'hpa-desired',
    minReplicas: 1,
    maxReplicas: 8,
    metrics: [{name: 'wva_desired_replicas', source: 'External', targetType: 'AverageValue', targetMilli: 1000}],
  },
}

const desired = (series: readonly number[]) => ({
  initialReplicas: 2,
  readings: new Map([['wva_desired_replicas', series]]),
})

describe('plain HPA replay', () => {
  test('an HPA on wva_desired_replicas follows it within the legacy limits', () => {
    const series = [4, 4, 6, 6, 2, 2]
    const steps = replayScaler(hpa, desired(series), t0, t0 + 75_000, 15_000)
    assert.deepEqual(
      steps.map((step) => step.replicas),
      [4, 4, 6, 6, 6, 6],
    )
    assert.ok(steps.every((step) => step.keda === null && step.hpa !== null))
  })
  test('a step finer than the 15 s sync period carries the count between syncs', () => {
    const series = [4, 4, 4, 8, 8, 8]
    const steps = replayScaler(hpa, desired(series), t0, t0 + 25_000, 5_000)
    assert.deepEqual(
      steps.map((step) => step.hpa !== null),
      [true, false, false, true, false, false],
    )
    assert.deepEqual(
      steps.map((step) => step.replicas),
      [4, 4, 4, 8, 8, 8],
    )
  })
  test('a step coarser than 15 s syncs once per step (sampled approximation)', () => {
    const series = [4, 8]
    const steps = replayScaler(hpa, desired(series), t0, t0 + 60_000, 60_000)
    assert.deepEqual(
      steps.map((step) => step.replicas),
      [4, 8],
    )
  })
  test('a missing sample is a failed metric for that sync only', () => {
    const steps = replayScaler(hpa, desired([4]), t0, t0 + 15_000, 15_000)
    assert.deepEqual(
      steps.map((step) => step.hpa?.kind),
      ['computed', 'metrics-failed'],
    )
  })
})

describe('KEDA polling alignment', () => {
  const keda = (pollingIntervalSeconds: number): ScalerSpec => ({
    kind: 'keda',
    scaledObject: {name: 'so', pollingIntervalSeconds, triggers: [{name: 'q', type: 'prometheus', threshold: 1}]},
  })
  const polls = (spec: ScalerSpec, stepMs: number, count: number): boolean[] => {
    const samples = {initialReplicas: 1, readings: new Map([['q', Array<number>(count).fill(1)]])}
    const steps = replayScaler(spec, samples, t0, t0 + (count - 1) * stepMs, stepMs)
    return steps.map((step) => step.keda !== null)
  }
  test('default 30 s at 15 s steps: every other step, starting at --from', () => {
    assert.deepEqual(polls(keda(30), 15_000, 5), [true, false, true, false, true])
  })
  test('45 s at 15 s steps: every third step', () => {
    assert.deepEqual(polls(keda(45), 15_000, 7), [true, false, false, true, false, false, true])
  })
  test('30 s at 60 s steps: every step', () => assert.deepEqual(polls(keda(30), 60_000, 3), [true, true, true]))
})

describe('determinism and bounds', () => {
  test('the same input gives the same output', () => {
    const samples = {initialReplicas: 3, readings: new Map([['wva_desired_replicas', [1, 9, 3, 7, 2]]])}
    const first = replayScaler(hpa, samples, t0, t0 + 60_000, 15_000)
    const second = replayScaler(hpa, samples, t0, t0 + 60_000, 15_000)
    assert.deepEqual(first, second)
  })
  test('bad ranges are usage errors', () => {
    assert.throws(() => replayStepCount(t0, t0 - 1, 15_000), UsageError)
    assert.throws(() => replayStepCount(t0, t0 + 1, 0), UsageError)
    assert.throws(() => replayStepCount(0, 1e15, 1), UsageError)
    assert.equal(replayStepCount(t0, t0 + 86_400_000, 15_000), 5761)
  })
})
