/**
 * Types of the KEDA ScaledObject replay (KEDA v2.20.2): the parts of a ScaledObject the operator reads, its per-object
 * memory between polls, and each poll's explanation as data.
 */
import type {HpaBehavior, HpaState} from '../hpa/types.js'

export type KedaMetricType = 'AverageValue' | 'Value' | 'Utilization'

/** One entry of `spec.triggers`. `name` keys the trigger's readings and is the variable name in formulas. */
export interface KedaTrigger {
  readonly name: string
  /** `type`, e.g. `prometheus`; `cpu` and `memory` become HPA Resource metrics. */
  readonly type: string
  /** `metricType`, default AverageValue (Utilization for cpu/memory). */
  readonly metricType?: KedaMetricType
  /** The scaler's target (`threshold`; for cpu/memory `value`). */
  readonly threshold: number
  /** `activationThreshold`, default 0: the trigger is active when its value is strictly above it. */
  readonly activationThreshold?: number
}

export type KedaFallbackBehavior =
  | 'static'
  | 'currentReplicas'
  | 'currentReplicasIfHigher'
  | 'currentReplicasIfLower'
  | 'scalingModifiers'

export interface KedaFallback {
  readonly failureThreshold: number
  readonly replicas: number
  /** Default `static`. */
  readonly behavior?: KedaFallbackBehavior
}

/** `spec.advanced.scalingModifiers`; `target` and `activationTarget` are strings, as in the CRD. */
export interface KedaScalingModifiers {
  readonly formula: string
  readonly target: string
  readonly activationTarget?: string
  readonly metricType?: KedaMetricType
}

export interface ScaledObjectSpec {
  readonly name: string
  /** Default 0. */
  readonly minReplicaCount?: number
  /** Default 100. */
  readonly maxReplicaCount?: number
  readonly idleReplicaCount?: number
  /** Default 30 s. */
  readonly pollingIntervalSeconds?: number
  /** Default 300 s. */
  readonly cooldownPeriodSeconds?: number
  /** Default 0 s. */
  readonly initialCooldownPeriodSeconds?: number
  /** `metadata.creationTimestamp`; unknown counts as long before `--from`. */
  readonly creationTimestampMs?: number
  readonly triggers: readonly KedaTrigger[]
  readonly fallback?: KedaFallback
  readonly scalingModifiers?: KedaScalingModifiers
  /** `spec.advanced.horizontalPodAutoscalerConfig.behavior`, copied into the HPA KEDA creates. */
  readonly behavior?: HpaBehavior
}

/** The operator's memory of one ScaledObject, plus the HPA it owns. */
export interface KedaState {
  readonly hpa: HpaState
  /** `status.lastActiveTime`; null when never active (then the initial cooldown, from creation, applies). */
  readonly lastActiveMs: number | null
  /** `status.health[metric].numberOfFailures` (only tracked with a valid fallback). */
  readonly failures: ReadonlyMap<string, number>
}

/** One trigger as the operator saw it at a poll or the metrics server at an HPA read. */
export type TriggerOutcome =
  | {
      readonly kind: 'value'
      readonly trigger: string
      /** The raw value the scaler returned (activation compares this). */
      readonly raw: number
      /** The value as served (milli-rounded) in metric units. */
      readonly value: number
      readonly active: boolean
    }
  | {
      readonly kind: 'fallback'
      readonly trigger: string
      readonly failures: number
      /** The substituted metric value in metric units (normalisation × fallback replicas). */
      readonly value: number
    }
  /** Past the failure threshold under the `scalingModifiers` fallback behavior: nil in the formula. */
  | {readonly kind: 'nil-for-formula'; readonly trigger: string; readonly failures: number}
  | {readonly kind: 'error'; readonly trigger: string; readonly message: string; readonly failures: number | null}
  /** cpu/memory: read by the HPA from the resource metrics API, never by the operator. */
  | {readonly kind: 'resource'; readonly trigger: string}

/** What `RequestScale` did at a poll. */
export type KedaAction =
  /** 0 (or idle) → max(minReplicaCount, 1): triggers active. */
  | {readonly kind: 'activate'; readonly from: number; readonly to: number}
  /** → idleReplicaCount or minReplicaCount: inactive and lastActiveTime + cooldownPeriod has passed. */
  | {readonly kind: 'deactivate'; readonly from: number; readonly to: number}
  | {readonly kind: 'cooling-down'; readonly lastActiveMs: number | null; readonly deactivateAfterMs: number}
  /** Inactive with fewer replicas than minReplicaCount (no idle count): set to minReplicaCount. */
  | {readonly kind: 'set-min'; readonly from: number; readonly to: number}
  /** Active and scaled: lastActiveTime refreshed, the HPA scales. */
  | {readonly kind: 'active'}
  /** Some trigger failed: KEDA leaves the count alone. */
  | {readonly kind: 'hold-on-error'}
  | {readonly kind: 'none'}

export interface KedaPollWhy {
  readonly active: boolean
  readonly error: boolean
  readonly fallbackActive: boolean
  readonly triggers: readonly TriggerOutcome[]
  /** The scalingModifiers composite value (metric units), when a formula is used and produced one. */
  readonly composite: number | null
  /** A formula that failed at run time (KEDA logs it and serves no metric). */
  readonly formulaError: string | null
  readonly action: KedaAction
}

export interface KedaStepResult {
  readonly state: KedaState
  readonly replicas: number
  readonly why: KedaPollWhy
}
