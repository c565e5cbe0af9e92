/**
 * The documents `kubectl va scalers` prints (docs/schema/scaler-list.schema.json and scaler-replay.schema.json):
 * the list of scalers with their current metric values, and the replay of named scalers with the what-if comparison.
 */
import type {ScalerExplanation, ScalerSummary} from '../simulate/scaler-replay.js'

export const scalerApiVersion = 'kubectl-va.llmd.ai/v1alpha1'

export interface ScalerMetricView {
  readonly name: string
  readonly type: string
  readonly targetType: 'Value' | 'AverageValue' | 'Utilization'
  readonly target: number
  readonly activationThreshold: number | null
  /** The PromQL evaluated, null when the metric is not read from Prometheus. */
  readonly query: string | null
  readonly value: number | null
  readonly error: string | null
}

export interface ScalerItemView {
  readonly namespace: string
  readonly name: string
  readonly kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
  readonly target: {readonly kind: string; readonly name: string} | null
  readonly model: string | null
  readonly minReplicas: number
  readonly maxReplicas: number
  /** The target's replicas (else the HPA's status). */
  readonly currentReplicas: number | null
  /** The HPA's status.desiredReplicas (for a ScaledObject, its KEDA HPA's). */
  readonly desiredReplicas: number | null
  /** What one controller cycle would set now from these values, as the replay computes it. */
  readonly computedReplicas: number | null
  readonly acceleratorsPerReplica: number | null
  readonly metrics: readonly ScalerMetricView[]
  /** Why this scaler could not be evaluated (the same line as on stderr), null when it was. */
  readonly error: string | null
}

export interface ScalerListView {
  readonly apiVersion: typeof scalerApiVersion
  readonly kind: 'ScalerList'
  /** The evaluation time of the metric values (RFC 3339), null when none were read. */
  readonly at: string | null
  readonly items: readonly ScalerItemView[]
}

export interface ScalerVariantView {
  readonly label: string
  readonly kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
  readonly metrics: readonly ScalerMetricView[]
  readonly summary: ScalerSummary
  /** The replicas after each step (aligned with the item's timesMs). */
  readonly replicas: readonly number[]
  /** Each metric's value per step as the scaler read it (null: no value). */
  readonly metricValues: Readonly<Record<string, ReadonlyArray<number | null>>>
  /**
   * The controllers' explanations as data: by default at the steps where the count changed or a window, limit or
   * policy held it, or KEDA acted on its own; at every step a controller ran with `--why all`.
   */
  readonly explanations: readonly ScalerExplanation[]
}

export interface ScalerReplayItemView {
  readonly namespace: string
  readonly name: string
  readonly kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
  readonly target: {readonly kind: string; readonly name: string} | null
  readonly model: string | null
  readonly acceleratorsPerReplica: number | null
  /** Per step, shared by every variant. */
  readonly timesMs: readonly number[]
  readonly recordedReplicas: ReadonlyArray<number | null>
  readonly loadRpm: ReadonlyArray<number | null>
  readonly ttftMs: ReadonlyArray<number | null>
  readonly itlMs: ReadonlyArray<number | null>
  /** The recorded replicas summed up the same way (GPU-hours, events, SLO minutes); no lag. */
  readonly recorded: ScalerSummary
  readonly variants: readonly ScalerVariantView[]
  readonly error: string | null
}

export interface ScalerReplayView {
  readonly apiVersion: typeof scalerApiVersion
  readonly kind: 'ScalerReplay'
  readonly from: string
  readonly to: string
  readonly stepSeconds: number
  /** True when the step is coarser than the HPA's 15 s sync: a sampled approximation. */
  readonly sampled: boolean
  readonly slo: {readonly ttftMs: number | null; readonly itlMs: number | null}
  readonly items: readonly ScalerReplayItemView[]
}
