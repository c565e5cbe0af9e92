/**
 * One HPA sync, ported from kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go (`reconcileAutoscaler`,
 * `normalizeDesiredReplicas`, `normalizeDesiredReplicasWithBehaviors`, `recordInitialRecommendation`). Pure: the
 * controller's memory travels in `HpaState`, the clock in `nowMs`.
 */
import {InputError} from '../../errors.js'
import {
  defaultDownscaleStabilizationSeconds,
  defaultTolerance,
  limitLegacy,
  limitWithBehavior,
  resolveBehavior,
  stabilizeLegacy,
  stabilizeWithBehavior,
  storeScaleEvent,
  type ResolvedBehavior,
} from './behavior.js'
import {computeReplicasForMetrics, type Tolerances} from './replica-calculator.js'
import type {
  HpaScalingRules,
  HpaSpec,
  HpaState,
  HpaStepResult,
  MetricReading,
  TimestampedRecommendation,
} from './types.js'

/** The state before the first sync: `replicas` recorded at `--from`, no recommendations, no scale events. */
export const initialHpaState = (replicas: number): HpaState => ({
  replicas,
  recommendations: null,
  scaleUpEvents: [],
  scaleDownEvents: [],
})

const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0 && value <= 2_147_483_647

function validateRules(spec: HpaSpec, direction: string, rules: HpaScalingRules | undefined): void {
  if (rules === undefined) return
  const fail = (what: string): never => {
    throw new InputError(`scaler ${spec.name}: behavior.${direction}.${what}`)
  }
  const window = rules.stabilizationWindowSeconds
  if (window !== undefined && !(Number.isInteger(window) && window >= 0 && window <= 3600)) {
    fail(`stabilizationWindowSeconds ${window} is not an integer in [0, 3600]`)
  }
  if (rules.tolerance !== undefined && !(Number.isFinite(rules.tolerance) && rules.tolerance >= 0)) {
    fail(`tolerance ${rules.tolerance} is not a non-negative number`)
  }
  if (rules.policies !== undefined && rules.policies.length === 0 && rules.selectPolicy !== 'Disabled') {
    fail('policies is empty')
  }
  for (const [index, policy] of (rules.policies ?? []).entries()) {
    if (!(Number.isInteger(policy.value) && policy.value > 0)) {
      fail(`policies[${index}].value must be a positive integer`)
    }
    const period = policy.periodSeconds
    if (!(Number.isInteger(period) && period > 0 && period <= 1800)) {
      fail(`policies[${index}].periodSeconds must be an integer in (0, 1800]`)
    }
  }
}

/** Rejects what the API server would reject and what the replay cannot compute; names the scaler. */
export function validateHpaSpec(spec: HpaSpec): void {
  const fail = (what: string): never => {
    throw new InputError(`scaler ${spec.name}: ${what}`)
  }
  const min = spec.minReplicas ?? 1
  if (!isCount(min)) fail(`minReplicas ${min} is not a non-negative integer`)
  if (!(isCount(spec.maxReplicas) && spec.maxReplicas >= 1)) {
    fail(`maxReplicas ${spec.maxReplicas} is not a positive integer`)
  }
  if (min > spec.maxReplicas) fail(`minReplicas ${min} is greater than maxReplicas ${spec.maxReplicas}`)
  if (spec.metrics.length === 0) fail('no metrics')
  const names = new Set<string>()
  for (const metric of spec.metrics) {
    if (names.has(metric.name)) fail(`metric ${metric.name} is listed twice`)
    names.add(metric.name)
    if (!(Number.isFinite(metric.targetMilli) && Number.isInteger(metric.targetMilli) && metric.targetMilli > 0)) {
      fail(`metric ${metric.name}: target ${metric.targetMilli / 1000} is not a positive number`)
    }
    if (metric.targetType === 'Utilization' && metric.source !== 'Resource') {
      fail(`metric ${metric.name}: Utilization targets apply to Resource metrics only`)
    }
  }
  const tolerance = spec.tolerance ?? defaultTolerance
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) fail(`tolerance ${tolerance} is not a non-negative number`)
  validateRules(spec, 'scaleUp', spec.behavior?.scaleUp)
  validateRules(spec, 'scaleDown', spec.behavior?.scaleDown)
}

/** Defaults resolved once per spec. */
export interface ResolvedHpa {
  readonly spec: HpaSpec
  readonly minReplicas: number
  readonly behavior: ResolvedBehavior | null
  readonly tolerances: Tolerances
  readonly downscaleStabilizationSeconds: number
}

export function resolveHpa(spec: HpaSpec): ResolvedHpa {
  validateHpaSpec(spec)
  const tolerance = spec.tolerance ?? defaultTolerance
  const window = spec.downscaleStabilizationSeconds ?? defaultDownscaleStabilizationSeconds
  const behavior = spec.behavior === undefined ? null : resolveBehavior(spec.behavior, tolerance, window)
  return {
    spec,
    minReplicas: spec.minReplicas ?? 1,
    behavior,
    tolerances:
      behavior === null
        ? {scaleDown: tolerance, scaleUp: tolerance}
        : {scaleDown: behavior.scaleDown.tolerance, scaleUp: behavior.scaleUp.tolerance},
    downscaleStabilizationSeconds: window,
  }
}

/**
 * One sync of the HPA controller at `nowMs`, with `readings` keyed by metric name. `replicas` in the result is the
 * target's `spec.replicas` after the sync.
 */
export function hpaStep(
  state: HpaState,
  readings: ReadonlyMap<string, MetricReading>,
  hpa: HpaSpec | ResolvedHpa,
  nowMs: number,
): HpaStepResult {
  const resolved = 'tolerances' in hpa ? hpa : resolveHpa(hpa)
  const {spec, minReplicas, behavior} = resolved
  const current = state.replicas
  // recordInitialRecommendation: the first sync remembers the current count as a recommendation made now.
  const recommendations: readonly TimestampedRecommendation[] = state.recommendations ?? [
    {replicas: current, timeMs: nowMs},
  ]
  const unchanged = {...state, recommendations}
  const rescaleTo = (desired: number, next: HpaState): HpaState => {
    if (desired === current || behavior === null) return {...next, replicas: desired}
    if (desired > current) {
      const scaleUpEvents = storeScaleEvent(next.scaleUpEvents, desired - current, behavior.scaleUp, nowMs)
      return {...next, replicas: desired, scaleUpEvents}
    }
    const scaleDownEvents = storeScaleEvent(next.scaleDownEvents, current - desired, behavior.scaleDown, nowMs)
    return {...next, replicas: desired, scaleDownEvents}
  }

  if (current === 0 && minReplicas !== 0) return {state: unchanged, replicas: 0, why: {kind: 'scaling-disabled'}}
  if (current > spec.maxReplicas) {
    const desired = spec.maxReplicas
    return {state: rescaleTo(desired, unchanged), replicas: desired, why: {kind: 'above-max', maxReplicas: desired}}
  }
  if (current < minReplicas) {
    return {state: rescaleTo(minReplicas, unchanged), replicas: minReplicas, why: {kind: 'below-min', minReplicas}}
  }

  const outcome = computeReplicasForMetrics(spec.metrics, readings, current, resolved.tolerances)
  if (outcome.replicas === -1) {
    return {state: unchanged, replicas: current, why: {kind: 'metrics-failed', proposals: outcome.proposals}}
  }
  const metricReplicas = Math.max(0, outcome.replicas)
  const stabilized =
    behavior === null
      ? stabilizeLegacy(recommendations, metricReplicas, nowMs, resolved.downscaleStabilizationSeconds)
      : stabilizeWithBehavior(recommendations, current, metricReplicas, nowMs, behavior)
  const limited =
    behavior === null
      ? limitLegacy(current, stabilized.replicas, minReplicas, spec.maxReplicas)
      : limitWithBehavior(
          current,
          stabilized.replicas,
          minReplicas,
          spec.maxReplicas,
          state.scaleUpEvents,
          state.scaleDownEvents,
          behavior,
          nowMs,
        )
  const desired = limited.replicas
  return {
    state: rescaleTo(desired, {...state, recommendations: stabilized.recommendations}),
    replicas: desired,
    why: {
      kind: 'computed',
      proposals: outcome.proposals,
      metric: outcome.metric,
      metricReplicas,
      stabilizedReplicas: stabilized.replicas,
      stabilization: stabilized.why,
      limit: limited.why,
      legacy: behavior === null,
    },
  }
}
