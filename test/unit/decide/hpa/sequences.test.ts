/**
 * Multi-step HPA sequences, hand-worked sync by sync at 15 s, that pin the window and period boundaries of
 * issue 14: legacy scale-down stabilization keeps recommendations with time ≥ now − 300 s and scales up by at most
 * max(2 × current, 4); with `behavior`, windows and policy periods count only times > now − window/period. The first
 * sync records the recorded replicas as a recommendation made at `--from` (upstream `recordInitialRecommendation`).
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {hpaStep, initialHpaState, resolveHpa, type HpaSpec, type HpaWhy} from '../../../../src/core/decide/hpa/index.js'

const t0 = Date.UTC(2026, 0, 1)
const at = (seconds: number): number => t0 + seconds * 1000

/** Runs syncs every 15 s from t0 with one reading per sync; returns replicas and whys. */
function run(spec: HpaSpec, initial: number, totals: readonly number[]): {replicas: number[]; whys: HpaWhy[]} {
  const hpa = resolveHpa(spec)
  let state = initialHpaState(initial)
  const replicas: number[] = []
  const whys: HpaWhy[] = []
  totals.forEach((total, index) => {
    const result = hpaStep(state, new Map([['queue', total]]), hpa, at(index * 15))
    state = result.state
    replicas.push(result.replicas)
    whys.push(result.why)
  })
  return {replicas, whys}
}

const base: HpaSpec = {
  name: 'hpa-queue',
  minReplicas: 1,
  maxReplicas: 10,
  metrics: [{name: 'queue', source: 'External', targetType: 'AverageValue', targetMilli: 10_000}],
}

describe('legacy path (no behavior)', () => {
  // 100 queued against 10 per replica, 90 at t=15 s, then 20 from t=30 s.
  const totals = [100, 90, ...Array<number>(21).fill(20)]
  const {replicas, whys} = run(base, 4, totals)
  const boundTime = (why: HpaWhy | undefined): number =>
    why?.kind === 'computed' && why.stabilization.kind !== 'none' ? why.stabilization.boundTimeMs : Number.NaN
  test('t=0: 10 wanted, max(2 × 4, 4) = 8 allowed', () => {
    assert.equal(replicas[0], 8)
    const why = whys[0]!
    assert.equal(why.kind === 'computed' ? why.limit.kind : '', 'legacy-scale-up-limit')
  })
  test('t=15: 9 wanted, the 10 recommended at t=0 wins; max(16, 4) does not bind', () => {
    assert.equal(replicas[1], 10)
    assert.equal(boundTime(whys[1]), at(0))
  })
  test('t=30 .. t=300: 2 wanted, held at 10 by the t=0 recommendation (time ≥ now − 300 s)', () => {
    for (let index = 2; index <= 20; index++) assert.equal(replicas[index], 10, `t=${index * 15}`)
    assert.equal(boundTime(whys[20]), at(0))
    const why = whys[20]!
    assert.equal(why.kind === 'computed' ? why.stabilization.kind : '', 'legacy-scale-down-window')
  })
  test('t=315: the t=0 recommendation left the window, the 9 of t=15 holds (no scale-down rate limit)', () => {
    assert.equal(replicas[21], 9)
    assert.equal(boundTime(whys[21]), at(15))
  })
  test('t=330: nothing above 2 is left in the window; straight down to 2', () => assert.equal(replicas[22], 2))
})

describe('behavior path', () => {
  const spec: HpaSpec = {
    ...base,
    behavior: {scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: 'Pods', value: 1, periodSeconds: 30}]}},
  }
  const totals = [100, 100, 20, 20, 20, 20, 20, 20, 20]
  const {replicas, whys} = run(spec, 4, totals)
  test('t=0: default scale-up policies (4 pods or 100 % per 15 s) allow 8', () => {
    assert.equal(replicas[0], 8)
    const why = whys[0]!
    assert.equal(why.kind === 'computed' ? why.limit.kind : '', 'scale-up-policy')
  })
  test('t=15: the +4 event at t=0 is not > now − 15 s, so the period starts at 8 and 10 is allowed', () => {
    assert.equal(replicas[1], 10)
  })
  test('t=30 .. t=60: held at 10 by the 60 s scale-down window (recommendations > now − 60 s)', () => {
    assert.deepEqual(replicas.slice(2, 5), [10, 10, 10])
    const at60 = whys[4]!
    const bound = at60.kind === 'computed' && at60.stabilization.kind !== 'none' ? at60.stabilization.boundTimeMs : 0
    assert.equal(bound, at(15))
  })
  test('t=75: the t=15 recommendation is exactly 60 s old and no longer counts; 1 pod per 30 s → 9', () => {
    assert.equal(replicas[5], 9)
    const why = whys[5]!
    assert.equal(why.kind === 'computed' ? why.limit.kind : '', 'scale-down-policy')
  })
  test('t=90: the −1 at t=75 is inside the 30 s period (start 10) → still 9', () => {
    assert.equal(replicas[6], 9)
    const why = whys[6]!
    const start = why.kind === 'computed' && why.limit.kind === 'scale-down-policy' ? why.limit.periodStartReplicas : 0
    assert.equal(start, 10)
  })
  test('t=105: the −1 at t=75 is exactly 30 s old and out of the period → 8; t=120 → 8; t=135 → 7', () => {
    assert.deepEqual(replicas.slice(7), [8, 8])
    const {replicas: longer} = run(spec, 4, [...totals, 20])
    assert.equal(longer[9], 7)
  })
})

describe('controller guards', () => {
  test('0 replicas with minReplicas 1: scaling disabled (KEDA owns 0 ↔ 1)', () => {
    const result = hpaStep(initialHpaState(0), new Map([['queue', 100]]), base, t0)
    assert.deepEqual([result.replicas, result.why.kind], [0, 'scaling-disabled'])
  })
  test('above maxReplicas: straight to max, no stabilization', () => {
    const result = hpaStep(initialHpaState(15), new Map([['queue', 1000]]), base, t0)
    assert.deepEqual([result.replicas, result.why.kind], [10, 'above-max'])
  })
  test('below minReplicas: straight to min', () => {
    const result = hpaStep(initialHpaState(1), new Map([['queue', 0]]), {...base, minReplicas: 3}, t0)
    assert.deepEqual([result.replicas, result.why.kind], [3, 'below-min'])
  })
  test('every metric failing: no change, reported as metrics-failed', () => {
    const result = hpaStep(initialHpaState(4), new Map(), base, t0)
    assert.deepEqual([result.replicas, result.why.kind], [4, 'metrics-failed'])
  })
  test('invalid specs are typed errors naming the scaler', () => {
    assert.throws(() => resolveHpa({...base, minReplicas: 11}), /scaler hpa-queue: minReplicas 11 is greater/)
    assert.throws(
      () => resolveHpa({...base, behavior: {scaleUp: {stabilizationWindowSeconds: 7200}}}),
      (error: Error) => error.name === 'InputError' && /stabilizationWindowSeconds/.test(error.message),
    )
  })
})
