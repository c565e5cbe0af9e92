/**
 * Types of the HorizontalPodAutoscaler replay: the parts of an `autoscaling/v2` HPA spec the controller reads, the
 * controller's per-HPA memory (recommendations and scale events), and a step's explanation as data.
 *
 * Follows kube-controller-manager v1.34, pkg/controller/podautoscaler/horizontal.go and replica_calculator.go
 * (see docs/scalers-algorithm.md for what is modelled and what is simplified).
 */

/** `spec.metrics[].type`. */
export type HpaMetricSource = 'External' | 'Object' | 'Pods' | 'Resource'

/** `spec.metrics[].<source>.target.type`. */
export type HpaTargetType = 'Value' | 'AverageValue' | 'Utilization'

/**
 * One entry of `spec.metrics`. `name` keys the reading passed to each step. `targetMilli` is the target quantity's
 * `MilliValue()` (an integer; for `Utilization` it is the percentage itself, not milli).
 */
export interface HpaMetricSpec {
  readonly name: string
  readonly source: HpaMetricSource
  readonly targetType: HpaTargetType
  readonly targetMilli: number
}

export type HpaPolicyType = 'Pods' | 'Percent'
export type HpaSelectPolicy = 'Max' | 'Min' | 'Disabled'

export interface HpaScalingPolicy {
  readonly type: HpaPolicyType
  readonly value: number
  readonly periodSeconds: number
}

/** `spec.behavior.scaleUp|scaleDown` as written; missing fields take the API server defaults. */
export interface HpaScalingRules {
  readonly stabilizationWindowSeconds?: number
  readonly selectPolicy?: HpaSelectPolicy
  readonly policies?: readonly HpaScalingPolicy[]
  /** `tolerance` (HPAConfigurableTolerance, v1.33+), a fraction: 0.05 is 5 %. */
  readonly tolerance?: number
}

export interface HpaBehavior {
  readonly scaleUp?: HpaScalingRules
  readonly scaleDown?: HpaScalingRules
}

export interface HpaSpec {
  /** Names the scaler in errors. */
  readonly name: string
  /** `spec.minReplicas`, default 1. */
  readonly minReplicas?: number
  readonly maxReplicas: number
  readonly metrics: readonly HpaMetricSpec[]
  /** `spec.behavior`; absent selects the legacy path. */
  readonly behavior?: HpaBehavior
  /** `--horizontal-pod-autoscaler-tolerance`, default 0.1. */
  readonly tolerance?: number
  /** `--horizontal-pod-autoscaler-downscale-stabilization`, default 300 s. */
  readonly downscaleStabilizationSeconds?: number
}

/** A reading that could not be obtained (query failed, no series, external metric not served). */
export interface MetricReadingError {
  readonly kind: 'error'
  readonly message: string
}

/**
 * The value a metric source serves at one sync, in metric units (not milli): for `External`/`Object` the total
 * (the sum over series), for `Pods`/`Resource` `AverageValue` the per-pod average, for `Utilization` the percentage.
 */
export type MetricReading = number | MetricReadingError

export const readingError = (message: string): MetricReadingError => ({kind: 'error', message})
export const isReadingError = (reading: MetricReading): reading is MetricReadingError => typeof reading !== 'number'

export interface TimestampedRecommendation {
  readonly replicas: number
  readonly timeMs: number
}

export interface TimestampedScaleEvent {
  /** Always positive: replicas added (scale-up list) or removed (scale-down list). */
  readonly change: number
  readonly timeMs: number
  readonly outdated: boolean
}

/** What the controller remembers between syncs for one HPA, plus the target's replica count. */
export interface HpaState {
  readonly replicas: number
  /** `null` until the first sync records the initial recommendation. */
  readonly recommendations: readonly TimestampedRecommendation[] | null
  readonly scaleUpEvents: readonly TimestampedScaleEvent[]
  readonly scaleDownEvents: readonly TimestampedScaleEvent[]
}

/** One metric's proposal (`computeReplicasForMetric`). */
export type MetricProposal =
  | {
      readonly kind: 'ok'
      readonly metric: string
      /** The usage the ratio was taken from, in metric units (milli / 1000; percent for Utilization). */
      readonly usage: number
      readonly usageRatio: number
      readonly withinTolerance: boolean
      readonly replicas: number
    }
  | {readonly kind: 'error'; readonly metric: string; readonly message: string}

/** Which stabilization window moved the recommendation, and the recorded recommendation that bound it. */
export type StabilizationWhy =
  | {readonly kind: 'none'}
  | {
      readonly kind: 'legacy-scale-down-window' | 'scale-down-window' | 'scale-up-window'
      readonly windowSeconds: number
      readonly boundReplicas: number
      readonly boundTimeMs: number
    }

/** Which limit moved the stabilized recommendation. */
export type LimitWhy =
  | {readonly kind: 'within-range'}
  | {readonly kind: 'too-few-replicas'; readonly minReplicas: number}
  | {readonly kind: 'too-many-replicas'; readonly maxReplicas: number}
  /** Legacy path: max(2 × current, 4). */
  | {readonly kind: 'legacy-scale-up-limit'; readonly limit: number}
  | {
      readonly kind: 'scale-up-policy' | 'scale-down-policy'
      readonly limit: number
      readonly selectPolicy: HpaSelectPolicy
      /** Index into the (defaulted) policies, or -1 when `Disabled` froze the count. */
      readonly policyIndex: number
      readonly policy: HpaScalingPolicy | null
      readonly periodStartReplicas: number | null
    }

export type HpaWhy =
  /** `scale.spec.replicas == 0` and `minReplicas != 0`: the HPA does nothing (KEDA owns 0 ↔ 1). */
  | {readonly kind: 'scaling-disabled'}
  | {readonly kind: 'above-max'; readonly maxReplicas: number}
  | {readonly kind: 'below-min'; readonly minReplicas: number}
  /** All metrics failed, or some failed and the rest would scale down: no change. */
  | {readonly kind: 'metrics-failed'; readonly proposals: readonly MetricProposal[]}
  | {
      readonly kind: 'computed'
      readonly proposals: readonly MetricProposal[]
      /** The metric whose proposal won (first with the largest), null when none was valid. */
      readonly metric: string | null
      readonly metricReplicas: number
      readonly stabilizedReplicas: number
      readonly stabilization: StabilizationWhy
      readonly limit: LimitWhy
      readonly legacy: boolean
    }

export interface HpaStepResult {
  readonly state: HpaState
  /** The target's replicas after this sync. */
  readonly replicas: number
  readonly why: HpaWhy
}
