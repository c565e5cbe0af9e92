/**
 * Stabilization and rate limits, ported from kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go
 * (`stabilizeRecommendation`, `convertDesiredReplicasWithRules`, `stabilizeRecommendationWithBehaviors`,
 * `convertDesiredReplicasWithBehaviorRate`, `calculateScale{Up,Down}Limit…`, `storeScaleEvent`) and the API defaults
 * of pkg/apis/autoscaling/v2/defaults.go (`GenerateHPAScaleUpRules`, `GenerateHPAScaleDownRules`).
 *
 * Times are milliseconds. Go's `t.After(cutoff)` is `t > cutoff` and `t.Before(cutoff)` is `t < cutoff`.
 */
import {maxInt32, minInt32} from './quantity.js'
import type {
  HpaBehavior,
  HpaScalingPolicy,
  HpaScalingRules,
  HpaSelectPolicy,
  LimitWhy,
  StabilizationWhy,
  TimestampedRecommendation,
  TimestampedScaleEvent,
} from './types.js'

export const defaultTolerance = 0.1
export const defaultDownscaleStabilizationSeconds = 300
/** `scaleUpLimitFactor`, `scaleUpLimitMinimum` of the legacy path. */
const scaleUpLimitFactor = 2.0
const scaleUpLimitMinimum = 4.0

/** Scaling rules after API defaulting and `maybeInitScaleDownStabilizationWindow`. */
export interface ResolvedScalingRules {
  readonly stabilizationWindowSeconds: number
  readonly selectPolicy: HpaSelectPolicy
  readonly policies: readonly HpaScalingPolicy[]
  readonly tolerance: number
}

export interface ResolvedBehavior {
  readonly scaleUp: ResolvedScalingRules
  readonly scaleDown: ResolvedScalingRules
}

const defaultScaleUpPolicies: readonly HpaScalingPolicy[] = [
  {type: 'Pods', value: 4, periodSeconds: 15},
  {type: 'Percent', value: 100, periodSeconds: 15},
]
const defaultScaleDownPolicies: readonly HpaScalingPolicy[] = [{type: 'Percent', value: 100, periodSeconds: 15}]

/** Fills each missing field from the defaults, field by field, as the API server does. */
export function resolveBehavior(
  behavior: HpaBehavior,
  tolerance: number,
  downscaleStabilizationSeconds: number,
): ResolvedBehavior {
  const resolve = (
    rules: HpaScalingRules | undefined,
    window: number,
    policies: readonly HpaScalingPolicy[],
  ): ResolvedScalingRules => ({
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? window,
    selectPolicy: rules?.selectPolicy ?? 'Max',
    policies: rules?.policies ?? policies,
    tolerance: rules?.tolerance ?? tolerance,
  })
  return {
    scaleUp: resolve(behavior.scaleUp, 0, defaultScaleUpPolicies),
    scaleDown: resolve(behavior.scaleDown, downscaleStabilizationSeconds, defaultScaleDownPolicies),
  }
}

export interface Stabilized {
  readonly replicas: number
  readonly recommendations: readonly TimestampedRecommendation[]
  readonly why: StabilizationWhy
}

/** Replaces the last sample index `index` or appends (upstream reuses the last old sample it saw). */
function record(
  recommendations: readonly TimestampedRecommendation[],
  index: number,
  entry: TimestampedRecommendation,
): TimestampedRecommendation[] {
  const next = recommendations.slice()
  if (index >= 0) next[index] = entry
  else next.push(entry)
  return next
}

/** Latest recorded recommendation equal to `replicas` among those counted (for `why`). */
function boundBy(
  recommendations: readonly TimestampedRecommendation[],
  replicas: number,
  counted: (rec: TimestampedRecommendation) => boolean,
): number {
  let time = Number.NEGATIVE_INFINITY
  for (const rec of recommendations) {
    if (counted(rec) && rec.replicas === replicas && rec.timeMs > time) time = rec.timeMs
  }
  return time
}

/**
 * Legacy `stabilizeRecommendation`: the highest recommendation with time ≥ now − window (the new one included);
 * older samples are reused for the new recommendation.
 */
export function stabilizeLegacy(
  recommendations: readonly TimestampedRecommendation[],
  desired: number,
  nowMs: number,
  windowSeconds: number,
): Stabilized {
  const cutoff = nowMs - windowSeconds * 1000
  let highest = desired
  let oldIndex = -1
  recommendations.forEach((rec, index) => {
    if (rec.timeMs < cutoff) oldIndex = index
    else if (rec.replicas > highest) highest = rec.replicas
  })
  const next = record(recommendations, oldIndex, {replicas: desired, timeMs: nowMs})
  if (highest === desired) return {replicas: highest, recommendations: next, why: {kind: 'none'}}
  const boundTimeMs = boundBy(recommendations, highest, (rec) => rec.timeMs >= cutoff)
  return {
    replicas: highest,
    recommendations: next,
    why: {kind: 'legacy-scale-down-window', windowSeconds, boundReplicas: highest, boundTimeMs},
  }
}

/** Legacy `convertDesiredReplicasWithRules`: [minReplicas, min(maxReplicas, max(2 × current, 4))]. */
export function limitLegacy(
  current: number,
  desired: number,
  minReplicas: number,
  maxReplicas: number,
): {readonly replicas: number; readonly why: LimitWhy} {
  const scaleUpLimit = Math.trunc(Math.max(scaleUpLimitFactor * current, scaleUpLimitMinimum))
  const byRate = maxReplicas > scaleUpLimit
  const maximumAllowed = byRate ? scaleUpLimit : maxReplicas
  if (desired < minReplicas) return {replicas: minReplicas, why: {kind: 'too-few-replicas', minReplicas}}
  if (desired > maximumAllowed) {
    const why: LimitWhy = byRate
      ? {kind: 'legacy-scale-up-limit', limit: scaleUpLimit}
      : {kind: 'too-many-replicas', maxReplicas}
    return {replicas: maximumAllowed, why}
  }
  return {replicas: desired, why: {kind: 'within-range'}}
}

/**
 * `stabilizeRecommendationWithBehaviors`: the current count raised to the lowest recommendation of the scale-up window
 * and lowered to the highest of the scale-down window; windows count recommendations with time > now − window.
 */
export function stabilizeWithBehavior(
  recommendations: readonly TimestampedRecommendation[],
  current: number,
  desired: number,
  nowMs: number,
  behavior: ResolvedBehavior,
): Stabilized {
  const upWindow = behavior.scaleUp.stabilizationWindowSeconds
  const downWindow = behavior.scaleDown.stabilizationWindowSeconds
  const upCutoff = nowMs - upWindow * 1000
  const downCutoff = nowMs - downWindow * 1000
  let upRecommendation = desired
  let downRecommendation = desired
  let oldIndex = -1
  recommendations.forEach((rec, index) => {
    if (rec.timeMs > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation)
    if (rec.timeMs > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation)
    if (rec.timeMs < upCutoff && rec.timeMs < downCutoff) oldIndex = index
  })
  let replicas = current
  let why: StabilizationWhy = {kind: 'none'}
  if (replicas < upRecommendation) replicas = upRecommendation
  if (replicas > downRecommendation) replicas = downRecommendation
  const next = record(recommendations, oldIndex, {replicas: desired, timeMs: nowMs})
  if (replicas !== desired) {
    // Above the new recommendation: the scale-down window holds it up; below: the scale-up window holds it down.
    if (replicas > desired) {
      const bound = Math.min(current, downRecommendation)
      const time = boundBy(recommendations, downRecommendation, (rec) => rec.timeMs > downCutoff)
      why = {
        kind: 'scale-down-window',
        windowSeconds: downWindow,
        boundReplicas: bound,
        boundTimeMs: bound === downRecommendation ? time : nowMs,
      }
    } else {
      const bound = Math.max(current, upRecommendation)
      const time = boundBy(recommendations, upRecommendation, (rec) => rec.timeMs > upCutoff)
      why = {
        kind: 'scale-up-window',
        windowSeconds: upWindow,
        boundReplicas: bound,
        boundTimeMs: bound === upRecommendation ? time : nowMs,
      }
    }
  }
  return {replicas, recommendations: next, why}
}

/** `getReplicasChangePerPeriod`: changes with time > now − period. */
function changeInPeriod(periodSeconds: number, events: readonly TimestampedScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000
  let replicas = 0
  for (const event of events) if (event.timeMs > cutoff) replicas += event.change
  return replicas
}

interface PolicyLimit {
  readonly limit: number
  readonly policyIndex: number
  readonly periodStartReplicas: number | null
}

/**
 * `calculateScaleUpLimitWithScalingRules` (direction 'up') and `calculateScaleDownLimitWithBehaviors` ('down'):
 * each policy proposes a count from the replicas at the start of its period; selectPolicy picks the largest change
 * (Max) or the smallest (Min); Disabled keeps the current count.
 */
function policyLimit(
  direction: 'up' | 'down',
  current: number,
  upEvents: readonly TimestampedScaleEvent[],
  downEvents: readonly TimestampedScaleEvent[],
  rules: ResolvedScalingRules,
  nowMs: number,
): PolicyLimit {
  if (rules.selectPolicy === 'Disabled') return {limit: current, policyIndex: -1, periodStartReplicas: null}
  // Scaling up, Max keeps the highest proposal; scaling down, Max keeps the lowest (the largest change).
  const keepHighest = (direction === 'up') === (rules.selectPolicy === 'Max')
  let result = keepHighest ? minInt32 : maxInt32
  let policyIndex = -1
  let periodStart: number | null = null
  rules.policies.forEach((policy, index) => {
    const added = changeInPeriod(policy.periodSeconds, upEvents, nowMs)
    const deleted = changeInPeriod(policy.periodSeconds, downEvents, nowMs)
    const start = current - added + deleted
    let proposed: number
    if (direction === 'up') {
      proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100))
    } else {
      proposed = policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100))
    }
    const better = keepHighest ? proposed > result : proposed < result
    if (better) {
      result = proposed
      policyIndex = index
      periodStart = start
    }
  })
  return {limit: result, policyIndex, periodStartReplicas: periodStart}
}

/** `convertDesiredReplicasWithBehaviorRate`. */
export function limitWithBehavior(
  current: number,
  desired: number,
  minReplicas: number,
  maxReplicas: number,
  upEvents: readonly TimestampedScaleEvent[],
  downEvents: readonly TimestampedScaleEvent[],
  behavior: ResolvedBehavior,
  nowMs: number,
): {readonly replicas: number; readonly why: LimitWhy} {
  if (desired > current) {
    const rules = behavior.scaleUp
    const policy = policyLimit('up', current, upEvents, downEvents, rules, nowMs)
    const scaleUpLimit = Math.max(policy.limit, current)
    if (maxReplicas > scaleUpLimit) {
      if (desired > scaleUpLimit) {
        return {
          replicas: scaleUpLimit,
          why: {
            kind: 'scale-up-policy',
            limit: scaleUpLimit,
            selectPolicy: rules.selectPolicy,
            policyIndex: policy.policyIndex,
            policy: rules.policies[policy.policyIndex] ?? null,
            periodStartReplicas: policy.periodStartReplicas,
          },
        }
      }
    } else if (desired > maxReplicas) {
      return {replicas: maxReplicas, why: {kind: 'too-many-replicas', maxReplicas}}
    }
  } else if (desired < current) {
    const rules = behavior.scaleDown
    const policy = policyLimit('down', current, upEvents, downEvents, rules, nowMs)
    const scaleDownLimit = Math.min(policy.limit, current)
    if (minReplicas < scaleDownLimit) {
      if (desired < scaleDownLimit) {
        return {
          replicas: scaleDownLimit,
          why: {
            kind: 'scale-down-policy',
            limit: scaleDownLimit,
            selectPolicy: rules.selectPolicy,
            policyIndex: policy.policyIndex,
            policy: rules.policies[policy.policyIndex] ?? null,
            periodStartReplicas: policy.periodStartReplicas,
          },
        }
      }
    } else if (desired < minReplicas) {
      return {replicas: minReplicas, why: {kind: 'too-few-replicas', minReplicas}}
    }
  }
  return {replicas: desired, why: {kind: 'within-range'}}
}

/** `getLongestPolicyPeriod`. */
const longestPeriod = (rules: ResolvedScalingRules): number =>
  rules.policies.reduce((longest, policy) => Math.max(longest, policy.periodSeconds), 0)

/**
 * `storeScaleEvent` (behavior only): marks events older than the direction's longest policy period outdated
 * (time < now − period) and writes the new event over the last outdated one, or appends it.
 */
export function storeScaleEvent(
  events: readonly TimestampedScaleEvent[],
  change: number,
  rules: ResolvedScalingRules,
  nowMs: number,
): TimestampedScaleEvent[] {
  const cutoff = nowMs - longestPeriod(rules) * 1000
  const next = events.map((event) => (event.timeMs < cutoff && !event.outdated ? {...event, outdated: true} : event))
  let oldIndex = -1
  next.forEach((event, index) => {
    if (event.outdated) oldIndex = index
  })
  const entry: TimestampedScaleEvent = {change, timeMs: nowMs, outdated: false}
  if (oldIndex >= 0) next[oldIndex] = entry
  else next.push(entry)
  return next
}
