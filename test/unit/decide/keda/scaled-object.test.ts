/**
 * KEDA ScaledObjects replayed step by step at 15 s (hand-worked from KEDA v2.20.2 scale_scaledobjects.go,
 * scale_handler.go, fallback.go, modifiers/formula.go and controllers/keda/hpa.go, and kubernetes v1.34 horizontal.go):
 * activation and cooldown, fallback, scalingModifiers, the HPA KEDA creates, and bad input.
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  hpaSpecForScaledObject,
  parseTriggerNumber,
  replayScaler,
  resolveScaledObject,
  type ReplayStep,
  type ScaledObjectSpec,
} from '../../../../src/core/decide/keda/index.js'
import {readingError, type MetricReading} from '../../../../src/core/decide/hpa/index.js'
import {InputError} from '../../../../src/core/errors.js'

const t0 = Date.UTC(2026, 0, 1)
const at = (seconds: number): number => t0 + seconds * 1000

function replay(
  spec: ScaledObjectSpec,
  initial: number,
  readings: Record<string, readonly MetricReading[]>,
): ReplayStep[] {
  const length = Math.max(...Object.values(readings).map((series) => series.length))
  return replayScaler(
    {kind: 'keda', scaledObject: spec},
    {initialReplicas: initial, readings: new Map(Object.entries(readings))},
    t0,
    at((length - 1) * 15),
    15_000,
  )
}

describe('activation, 0 ↔ 1 and cooldown', () => {
  const spec: ScaledObjectSpec = {
    name: 'so-queue',
    minReplicaCount: 0,
    maxReplicaCount: 10,
    cooldownPeriodSeconds: 60,
    triggers: [{name: 'queue', type: 'prometheus', threshold: 10, activationThreshold: 0.5}],
  }
  const steps = replay(spec, 0, {queue: [0, 0, 25, 25, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]})
  test('replicas per step', () =>
    assert.deepEqual(
      steps.map((step) => step.replicas),
      [0, 0, 3, 3, 3, 3, 3, 3, 0, 0],
    ))
  test('KEDA polls every 30 s from --from, the HPA syncs every 15 s', () => {
    const polled = steps.map((step) => step.keda !== null)
    assert.deepEqual(polled, [true, false, true, false, true, false, true, false, true, false])
    assert.ok(steps.every((step) => step.hpa !== null))
  })
  test('t=0: inactive at 0 replicas, the HPA is disabled', () => {
    assert.equal(steps[0]!.keda?.action.kind, 'none')
    assert.equal(steps[0]!.hpa?.kind, 'scaling-disabled')
  })
  test('t=30: 25 > activation 0.5 → 0 → 1, then the HPA syncs at the same instant: ceil(25 / 10) = 3', () => {
    assert.deepEqual(steps[2]!.keda?.action, {kind: 'activate', from: 0, to: 1})
    const hpa = steps[2]!.hpa
    assert.equal(hpa?.kind === 'computed' ? hpa.metricReplicas : -1, 3)
  })
  test('t=60, t=90: 0.4 is not above 0.5; cooling down until lastActiveTime (30) + 60 s is past (strictly)', () => {
    assert.deepEqual(steps[4]!.keda?.action, {kind: 'cooling-down', lastActiveMs: at(30), deactivateAfterMs: at(90)})
    assert.equal(steps[6]!.keda?.action.kind, 'cooling-down')
  })
  test('t=120: cooldown past → to minReplicaCount 0; the HPA is disabled again', () => {
    assert.deepEqual(steps[8]!.keda?.action, {kind: 'deactivate', from: 3, to: 0})
    assert.equal(steps[8]!.hpa?.kind, 'scaling-disabled')
  })
  test('with lastActiveTime unknown at --from, an inactive object above 0 deactivates at the first poll', () => {
    const result = replay(spec, 2, {queue: [0, 0]})
    assert.deepEqual(
      result.map((step) => step.replicas),
      [0, 0],
    )
  })
  test('idleReplicaCount: inactive goes to idle, active comes back to minReplicaCount', () => {
    const idle = {...spec, minReplicaCount: 2, idleReplicaCount: 0, cooldownPeriodSeconds: 0}
    const result = replay(idle, 2, {queue: [0, 0, 5, 5]})
    assert.deepEqual(
      result.map((step) => step.replicas),
      [0, 0, 2, 2],
    )
    assert.deepEqual(result[2]!.keda?.action, {kind: 'activate', from: 0, to: 2})
  })
})

describe('fallback', () => {
  const spec: ScaledObjectSpec = {
    name: 'so-fallback',
    minReplicaCount: 1,
    maxReplicaCount: 10,
    fallback: {failureThreshold: 2, replicas: 5},
    triggers: [{name: 'queue', type: 'prometheus', threshold: 10}],
  }
  const down = readingError('prometheus: connection refused')
  const steps = replay(spec, 2, {queue: [down, down, down, 10]})
  test('replicas per step', () =>
    assert.deepEqual(
      steps.map((step) => step.replicas),
      [2, 4, 5, 5],
    ))
  test('t=0: the poll counts failure 1 and holds; the HPA read counts failure 2 and fails', () => {
    const trigger = steps[0]!.keda?.triggers[0]
    assert.deepEqual(trigger?.kind === 'error' ? trigger.failures : -1, 1)
    assert.equal(steps[0]!.keda?.action.kind, 'hold-on-error')
    assert.equal(steps[0]!.hpa?.kind, 'metrics-failed')
  })
  test('t=15: failure 3 > threshold 2 → 10 × 5 served, HPA wants 5, legacy limit max(2 × 2, 4) = 4', () => {
    const hpa = steps[1]!.hpa
    assert.equal(hpa?.kind === 'computed' ? hpa.metricReplicas : -1, 5)
    assert.equal(hpa?.kind === 'computed' ? hpa.limit.kind : '', 'legacy-scale-up-limit')
  })
  test('t=30: fallback active counts as active', () => {
    assert.equal(steps[2]!.keda?.fallbackActive, true)
    assert.equal(steps[2]!.keda?.action.kind, 'active')
  })
  test('currentReplicasIfHigher keeps the larger of current and fallback replicas', () => {
    const higher = {...spec, fallback: {failureThreshold: 0, replicas: 2, behavior: 'currentReplicasIfHigher'}} as const
    const result = replay(higher, 6, {queue: [down]})
    const trigger = result[0]!.keda?.triggers[0]
    assert.equal(trigger?.kind === 'fallback' ? trigger.value : -1, 60)
  })
  test('Value metrics divide the fallback replicas by the current ones (HPA multiplies back)', () => {
    const triggers = [{...spec.triggers[0]!, metricType: 'Value'}] as const
    const valued = {...spec, fallback: {failureThreshold: 0, replicas: 6}, triggers}
    const result = replay(valued, 3, {queue: [down]})
    const trigger = result[0]!.keda?.triggers[0]
    assert.equal(trigger?.kind === 'fallback' ? trigger.value : -1, 20)
    assert.equal(result[0]!.replicas, 6)
  })
})

describe('scalingModifiers', () => {
  const spec: ScaledObjectSpec = {
    name: 'so-slo',
    minReplicaCount: 0,
    maxReplicaCount: 10,
    triggers: [
      {name: 'ttft', type: 'prometheus', threshold: 1},
      {name: 'tpot', type: 'prometheus', threshold: 1},
    ],
    scalingModifiers: {formula: 'max(ttft / 0.5, tpot / 0.05)', target: '1', activationTarget: '0.8'},
  }
  const steps = replay(spec, 1, {ttft: [0.9, 0.2, 0.2], tpot: [0.04, 0.01, 0.01]})
  test('the HPA has one External AverageValue metric, composite-metric, target 1', () => {
    assert.deepEqual(hpaSpecForScaledObject(spec).metrics, [
      {name: 'composite-metric', source: 'External', targetType: 'AverageValue', targetMilli: 1000},
    ])
  })
  test('t=0: composite max(1.8, 0.8) = 1.8 > 0.8 active; HPA ceil(1.8 / 1) = 2', () => {
    assert.equal(steps[0]!.keda?.composite, 1.8)
    assert.equal(steps[0]!.keda?.active, true)
    assert.equal(steps[0]!.replicas, 2)
  })
  test('t=30: composite 0.4 is not above the activation target; cooling down from t=0', () => {
    assert.equal(steps[2]!.keda?.composite, 0.4)
    assert.equal(steps[2]!.keda?.active, false)
    assert.equal(steps[2]!.keda?.action.kind, 'cooling-down')
    assert.equal(steps[2]!.replicas, 2)
  })
  test('a failing trigger fails the composite metric (no fallback)', () => {
    const result = replay(spec, 2, {ttft: [readingError('no series')], tpot: [0.01]})
    assert.equal(result[0]!.keda?.action.kind, 'hold-on-error')
    assert.equal(result[0]!.hpa?.kind, 'metrics-failed')
  })
  test('fallback behavior scalingModifiers: a failed trigger is nil, ?? picks the other', () => {
    const nil = {
      ...spec,
      fallback: {failureThreshold: 0, replicas: 3, behavior: 'scalingModifiers'},
      scalingModifiers: {formula: 'ttft ?? tpot', target: '1'},
    } as const
    const result = replay(nil, 2, {ttft: [readingError('down')], tpot: [4]})
    assert.equal(result[0]!.keda?.composite, 4)
    assert.equal(result[0]!.replicas, 4)
  })
})

describe('the HPA KEDA creates (controllers/keda/hpa.go)', () => {
  test('minReplicaCount 0 gives HPA minReplicas 1; max defaults to 100; thresholds become milli targets', () => {
    const hpa = hpaSpecForScaledObject({
      name: 'so',
      triggers: [
        {name: 'sat', type: 'prometheus', threshold: 0.7},
        {name: 'running', type: 'prometheus', threshold: 5, metricType: 'Value'},
        {name: 'cpu', type: 'cpu', threshold: 80},
      ],
    })
    assert.equal(hpa.minReplicas, 1)
    assert.equal(hpa.maxReplicas, 100)
    assert.deepEqual(hpa.metrics, [
      {name: 'sat', source: 'External', targetType: 'AverageValue', targetMilli: 700},
      {name: 'running', source: 'External', targetType: 'Value', targetMilli: 5000},
      {name: 'cpu', source: 'Resource', targetType: 'Utilization', targetMilli: 80},
    ])
  })
  test('only cpu/memory triggers: always active; the HPA reads utilization (100 % against 50 % doubles)', () => {
    const so = {name: 'so-cpu', minReplicaCount: 1, triggers: [{name: 'cpu', type: 'cpu', threshold: 50}]}
    const result = replay(so, 2, {cpu: [100, 100]})
    assert.equal(result[0]!.keda?.active, true)
    assert.deepEqual(
      result.map((step) => step.replicas),
      [4, 8],
    )
  })
})

describe('bad input: one-line typed errors naming the scaler', () => {
  const base: ScaledObjectSpec = {name: 'so-bad', triggers: [{name: 'q', type: 'prometheus', threshold: 1}]}
  const cases: ReadonlyArray<readonly [string, ScaledObjectSpec, RegExp]> = [
    ['unknown trigger in formula', {...base, scalingModifiers: {formula: 'q + x', target: '1'}}, /unknown trigger "x"/],
    [
      'threshold not a number',
      {...base, triggers: [{name: 'q', type: 'prometheus', threshold: Number.NaN}]},
      /threshold NaN/,
    ],
    ['target not a number', {...base, scalingModifiers: {formula: 'q', target: 'abc'}}, /target "abc"/],
    ['min above max', {...base, minReplicaCount: 5, maxReplicaCount: 2}, /minReplicaCount 5 is greater/],
    [
      'Utilization on an external trigger',
      {...base, triggers: [{name: 'q', type: 'prometheus', threshold: 1, metricType: 'Utilization'}]},
      /Utilization/,
    ],
  ]
  for (const [name, spec, pattern] of cases) {
    test(name, () => {
      assert.throws(
        () => resolveScaledObject(spec),
        (error: Error) =>
          error instanceof InputError && /^scaler so-bad: /.test(error.message) && pattern.test(error.message),
      )
    })
  }
  test('a threshold that is not a number', () => {
    assert.equal(parseTriggerNumber('so-bad', 'q', 'threshold', '0.7'), 0.7)
    assert.throws(
      () => parseTriggerNumber('so-bad', 'q', 'threshold', 'seventy'),
      (error: Error) =>
        error instanceof InputError &&
        error.message === 'scaler so-bad: trigger q: threshold "seventy" is not a number',
    )
  })
})
