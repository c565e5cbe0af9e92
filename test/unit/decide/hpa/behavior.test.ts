/**
 * Stabilization and rate limits. Sources, named per test:
 * - karmada-io/karmada pkg/controllers/federatedhpa/federatedhpa_controller_test.go: unit tests of the FederatedHPA
 *   controller, whose normalization functions are lifted verbatim from kubernetes horizontal.go (we read that copy;
 *   the stored kubernetes/kubernetes horizontal_test.go revision predates behaviors);
 * - kubernetes.io "Horizontal Pod Autoscaling", sections "Configurable scaling behavior" and "Default behavior";
 * - hand-worked cases, marked as such.
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  limitLegacy,
  limitWithBehavior,
  resolveBehavior,
  stabilizeWithBehavior,
  storeScaleEvent,
  type HpaBehavior,
  type TimestampedScaleEvent,
} from '../../../../src/core/decide/hpa/index.js'

const now = 1_000_000_000
const resolve = (behavior: HpaBehavior) => resolveBehavior(behavior, 0.1, 300)
const percent = (value: number, periodSeconds: number) => ({type: 'Percent', value, periodSeconds}) as const
const pods = (value: number, periodSeconds: number) => ({type: 'Pods', value, periodSeconds}) as const

/** Stabilize then limit, as normalizeDesiredReplicasWithBehaviors does, with no history. */
function normalize(behavior: HpaBehavior, min: number, max: number, current: number, desired: number): number {
  const resolved = resolve(behavior)
  const stabilized = stabilizeWithBehavior([], current, desired, now, resolved)
  return limitWithBehavior(current, stabilized.replicas, min, max, [], [], resolved, now).replicas
}

describe('karmada federatedhpa_controller_test.go (lifted from kubernetes horizontal.go)', () => {
  test('TestNormalizeDesiredReplicasWithBehaviors "Scale up with behavior": 5 → 15 wanted, 10 allowed', () => {
    const behavior = {
      scaleUp: {stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [percent(200, 60)]},
      scaleDown: {stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [percent(100, 60)]},
    } as const
    assert.equal(normalize(behavior, 1, 10, 5, 15), 10)
  })
  test('TestNormalizeDesiredReplicasWithBehaviors "Scale down with behavior": 8 → 2 wanted, 4 allowed', () => {
    const behavior = {
      scaleUp: {stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [percent(200, 60)]},
      scaleDown: {stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [percent(50, 60)]},
    } as const
    assert.equal(normalize(behavior, 1, 10, 8, 2), 4)
  })
  const windows = {scaleUp: {stabilizationWindowSeconds: 300}, scaleDown: {stabilizationWindowSeconds: 600}}
  test('TestStabilizeRecommendationWithBehaviors "Scale up stabilized": 10 wanted, lowest recent 7', () => {
    const recs = [
      {replicas: 8, timeMs: now - 120_000},
      {replicas: 7, timeMs: now - 240_000},
    ]
    const result = stabilizeWithBehavior(recs, 5, 10, now, resolve(windows))
    assert.equal(result.replicas, 7)
    assert.equal(result.why.kind, 'scale-up-window')
    assert.equal(result.recommendations.length, 3)
  })
  test('TestStabilizeRecommendationWithBehaviors "Scale down stabilized": 3 wanted, highest recent 5', () => {
    const recs = [
      {replicas: 5, timeMs: now - 300_000},
      {replicas: 4, timeMs: now - 480_000},
    ]
    const result = stabilizeWithBehavior(recs, 8, 3, now, resolve(windows))
    assert.equal(result.replicas, 5)
    assert.equal(result.why.kind, 'scale-down-window')
    assert.deepEqual(result.why.kind === 'scale-down-window' ? result.why.boundTimeMs : 0, now - 300_000)
  })
  test('TestStabilizeRecommendationWithBehaviors "No change needed"', () => {
    const result = stabilizeWithBehavior([{replicas: 5, timeMs: now - 60_000}], 5, 5, now, resolve(windows))
    assert.equal(result.replicas, 5)
    assert.equal(result.why.kind, 'none')
  })
  const rate = (behavior: HpaBehavior, current: number, desired: number) =>
    limitWithBehavior(current, desired, 1, 10, [], [], resolve(behavior), now)
  test('TestConvertDesiredReplicasWithBehaviorRate "Scale up within limits"', () => {
    assert.deepEqual(rate({scaleUp: {policies: [percent(200, 60)]}}, 5, 8), {replicas: 8, why: {kind: 'within-range'}})
  })
  test('TestConvertDesiredReplicasWithBehaviorRate "Scale down within limits"', () => {
    const result = rate({scaleDown: {policies: [percent(100, 60)]}}, 5, 3)
    assert.deepEqual(result, {replicas: 3, why: {kind: 'within-range'}})
  })
  test('TestConvertDesiredReplicasWithBehaviorRate "Scale up beyond MaxReplicas" (TooManyReplicas)', () => {
    const result = rate({scaleUp: {policies: [percent(200, 60)]}}, 8, 12)
    assert.deepEqual(result, {replicas: 10, why: {kind: 'too-many-replicas', maxReplicas: 10}})
  })
  test('TestConvertDesiredReplicasWithRules: within range, below min, above max', () => {
    assert.deepEqual(limitLegacy(5, 7, 3, 10), {replicas: 7, why: {kind: 'within-range'}})
    assert.deepEqual(limitLegacy(5, 2, 3, 10), {replicas: 3, why: {kind: 'too-few-replicas', minReplicas: 3}})
    assert.deepEqual(limitLegacy(5, 15, 3, 10), {replicas: 10, why: {kind: 'too-many-replicas', maxReplicas: 10}})
  })
  test('TestCalculateScaleUpLimit: max(2 × current, 4)', () => {
    assert.deepEqual(limitLegacy(1, 100, 1, 1000).replicas, 4)
    assert.deepEqual(limitLegacy(10, 100, 1, 1000), {replicas: 20, why: {kind: 'legacy-scale-up-limit', limit: 20}})
  })
  test('TestStoreScaleEvent: a scale-up stores one up event, a scale-down one down event', () => {
    const rules = resolve({}).scaleUp
    assert.deepEqual(storeScaleEvent([], 5, rules, now), [{change: 5, timeMs: now, outdated: false}])
  })
})

describe('kubernetes.io "Configurable scaling behavior"', () => {
  // scaleDown: Pods 4 per 60 s and Percent 10 per 60 s; Max picks the policy allowing the largest change, so the
  // percent policy only wins above 40 replicas.
  const scaleDown = {policies: [pods(4, 60), percent(10, 60)]} as const
  const down = (current: number, selectPolicy?: 'Max' | 'Min' | 'Disabled') => {
    const rules = resolve({scaleDown: {...scaleDown, ...(selectPolicy ? {selectPolicy} : {})}})
    return limitWithBehavior(current, 1, 1, 100, [], [], rules, now)
  }
  test('80 replicas: 10 % (8) beats 4 pods, so 72', () => {
    const result = down(80)
    assert.equal(result.replicas, 72)
    assert.equal(result.why.kind === 'scale-down-policy' ? result.why.policyIndex : -2, 1)
  })
  test('30 replicas: 4 pods beats 10 % (3), so 26', () => {
    const result = down(30)
    assert.equal(result.replicas, 26)
    assert.equal(result.why.kind === 'scale-down-policy' ? result.why.policyIndex : -2, 0)
  })
  test('selectPolicy Min picks the smallest change: 80 → 76', () => assert.equal(down(80, 'Min').replicas, 76))
  test('selectPolicy Disabled: no scale-down at all', () => {
    const result = down(80, 'Disabled')
    assert.equal(result.replicas, 80)
    assert.equal(result.why.kind === 'scale-down-policy' ? result.why.policyIndex : -2, -1)
  })
  test('default scale-up: 4 pods or 100 % per 15 s, whichever is more (2 → 6, 10 → 20)', () => {
    assert.equal(limitWithBehavior(2, 50, 1, 100, [], [], resolve({}), now).replicas, 6)
    assert.equal(limitWithBehavior(10, 50, 1, 100, [], [], resolve({}), now).replicas, 20)
  })
  test('default scale-down: 100 % per 15 s, to minReplicas at once', () => {
    assert.equal(limitWithBehavior(10, 1, 2, 100, [], [], resolve({}), now).replicas, 2)
  })
  test('default scale-down stabilization is the controller flag (300 s)', () => {
    assert.equal(resolve({}).scaleDown.stabilizationWindowSeconds, 300)
    assert.equal(resolve({}).scaleUp.stabilizationWindowSeconds, 0)
  })
})

describe('policy periods count events with time > now − period (hand-worked)', () => {
  const rules = resolve({scaleUp: {policies: [pods(2, 60)]}})
  const up = (events: TimestampedScaleEvent[]) => limitWithBehavior(10, 20, 1, 100, events, [], rules, now)
  test('an event 59 s ago is inside the period: start 8, limit 10', () => {
    const result = up([{change: 2, timeMs: now - 59_000, outdated: false}])
    assert.equal(result.replicas, 10)
  })
  test('an event exactly 60 s ago is outside: start 10, limit 12', () => {
    const result = up([{change: 2, timeMs: now - 60_000, outdated: false}])
    assert.deepEqual(result.why.kind === 'scale-up-policy' ? result.why.periodStartReplicas : -1, 10)
    assert.equal(result.replicas, 12)
  })
  test('scale-down events raise the period start of a scale-up', () => {
    const downs = [{change: 3, timeMs: now - 10_000, outdated: false}]
    const result = limitWithBehavior(10, 20, 1, 100, [], downs, rules, now)
    assert.equal(result.replicas, 15)
  })
  test('storeScaleEvent reuses the last outdated slot', () => {
    const events = [
      {change: 1, timeMs: now - 120_000, outdated: false},
      {change: 2, timeMs: now - 90_000, outdated: false},
      {change: 3, timeMs: now - 10_000, outdated: false},
    ]
    assert.deepEqual(storeScaleEvent(events, 4, rules.scaleUp, now), [
      {change: 1, timeMs: now - 120_000, outdated: true},
      {change: 4, timeMs: now, outdated: false},
      {change: 3, timeMs: now - 10_000, outdated: false},
    ])
  })
})
