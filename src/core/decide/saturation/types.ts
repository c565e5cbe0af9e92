/**
 * Shared inputs and outputs of the saturation engines: capacity v0.4.2 (`internal/capacity`) and saturation V1
 * v0.5.1 (`internal/saturation`, `internal/engines/pipeline`). Field names follow the golden vectors so that a
 * result can be compared (and serialized) without renaming. All numbers are float64, as upstream.
 */

/** One pod that reported at least one of the two saturation metrics, in collector order. */
export interface ReplicaMetric {
  readonly podName: string
  /** The VA name (v0.4.2: also the Deployment name). */
  readonly variantName: string
  /** Fraction of the KV cache in use, normally 0..1 (not percent). */
  readonly kvCacheUsage: number
  /** Waiting requests, an integer >= 0 (the collector truncates the Prometheus value). */
  readonly queueLength: number
  /** The VA's accelerator label. */
  readonly acceleratorName: string
  /** `spec.variantCost` per replica, 10 when unset or unparsable. */
  readonly cost: number
}

/** What the engine knows about one VA of the model besides its pods' metrics. */
export interface VariantState {
  readonly variantName: string
  /** Deployment `status.replicas`, or `spec.replicas` when that is 0. */
  readonly currentReplicas: number
  /** `status.desiredOptimizedAlloc.numReplicas`; 0 means never set. */
  readonly desiredReplicas: number
  /** v0.5.1 only: max(current - ready, 0). Missing counts as 0. */
  readonly pendingReplicas?: number | undefined
  /** v0.5.1 only: GPUs requested by one pod (1 when the template requests none). Missing counts as 0. */
  readonly gpusPerReplica?: number | undefined
}

/** Effective thresholds handed to the analyzer. */
export interface SaturationThresholds {
  /** A replica at or above this KV fraction is saturated. */
  readonly kvCacheThreshold: number
  /** A replica with at least this many waiting requests is saturated (may be fractional). */
  readonly queueLengthThreshold: number
  /** Scale up when the average spare KV fraction drops below this. */
  readonly kvSpareTrigger: number
  /** Scale up when the average spare queue length drops below this. */
  readonly queueSpareTrigger: number
}

/** Per-variant result of the model analysis (upstream `VariantCapacityAnalysis` / `VariantSaturationAnalysis`). */
export interface VariantSaturationAnalysis {
  readonly variantName: string
  /** From the variant's first pod. */
  readonly acceleratorName: string
  /** From the variant's first pod. */
  readonly cost: number
  /** Pods that reported metrics (not the Deployment's replica count). */
  readonly replicaCount: number
  readonly nonSaturatedCount: number
  /** KV fraction, over all pods of the variant; starts at 0. */
  readonly maxKvCacheUsage: number
  /** Waiting requests, over all pods of the variant; starts at 0. */
  readonly maxQueueLength: number
  /** Mean spare KV fraction over the non-saturated pods; 0 when there are none. */
  readonly avgSpareKvCapacity: number
  /** Mean spare queue length over the non-saturated pods; 0 when there are none. */
  readonly avgSpareQueueLength: number
  /** Pod names, in pod order. */
  readonly saturatedReplicas: readonly string[]
}

/** Model-level result (upstream `ModelCapacityAnalysis` / `ModelSaturationAnalysis`). */
export interface ModelSaturationAnalysis {
  readonly totalReplicas: number
  readonly nonSaturatedCount: number
  /** KV fraction; mean over every non-saturated pod of the model. */
  readonly avgSpareKvCapacity: number
  /** Waiting requests; mean over every non-saturated pod of the model. */
  readonly avgSpareQueueLength: number
  readonly shouldScaleUp: boolean
  /** Go's text, "" when no trigger fired. */
  readonly scaleUpReason: string
  readonly scaleDownSafe: boolean
  /** In first-appearance order of the variant names in the metrics list. */
  readonly variantAnalyses: readonly VariantSaturationAnalysis[]
}

/** v0.4.2 also reports `shouldScaleDown`, which it never sets. */
export interface CapacityAnalysisV042 extends ModelSaturationAnalysis {
  readonly shouldScaleDown: false
}

/** Replica targets per variant name. Only variants with metrics get one (unless the model has no metrics). */
export type ReplicaTargets = Readonly<Record<string, number>>

export type ScalingAction = 'scale-up' | 'scale-down' | 'no-change'

/** The one variant a cycle moves by one replica. */
export interface ScaledVariant {
  readonly action: 'scale-up' | 'scale-down'
  readonly variant: string
}

/** Upstream `VariantDecision` as the capacity-only (v0.4.2) controller builds it. */
export interface CapacityDecision {
  readonly variantName: string
  readonly acceleratorName: string
  readonly cost: number
  readonly currentReplicas: number
  readonly desiredReplicas: number
  readonly targetReplicas: number
  readonly action: ScalingAction
  /** `capacity-only mode: <action>`. */
  readonly reason: string
}

/** Upstream `VariantDecision` as the saturation-only (v0.5.1) engine builds it. */
export interface SaturationDecision extends Omit<CapacityDecision, 'reason'> {
  /** `saturation-only mode: <action>`. */
  readonly reason: string
  /** >= 1: the state's value, or 1 when it is <= 0. */
  readonly gpusPerReplica: number
  /** The variant's average spare KV fraction (what the GPU limiter sorts by); 0 without an analysis. */
  readonly spareCapacity: number
}

/** The state upstream gets for a variant name it has no state for. */
export const zeroVariantState: VariantState = {
  variantName: '',
  currentReplicas: 0,
  desiredReplicas: 0,
  pendingReplicas: 0,
  gpusPerReplica: 0,
}

/** Index states by name; a later duplicate replaces an earlier one, as a Go map assignment does. */
export function indexVariantStates(states: readonly VariantState[]): ReadonlyMap<string, VariantState> {
  return new Map(states.map((state) => [state.variantName, state]))
}

/** Looks a state up; a missing one is the zero state (Go's map zero value). */
export function stateOf(states: ReadonlyMap<string, VariantState>, variantName: string): VariantState {
  return states.get(variantName) ?? {...zeroVariantState, variantName}
}

/** Upstream compares strings by code units (Go byte order equals UTF-16 order for the names that occur). */
export function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

/** Orders by `<` and `>` only, so that infinities compare as Go compares them. */
export function compareNumbers(left: number, right: number): number {
  return left < right ? -1 : left > right ? 1 : 0
}

/** An object map built without a prototype chain to trip over, returned as a plain record. */
export function toTargets(entries: Iterable<readonly [string, number]>): ReplicaTargets {
  const targets: Record<string, number> = {}
  for (const [name, replicas] of entries)
    Object.defineProperty(targets, name, {value: replicas, enumerable: true, writable: true, configurable: true})
  return targets
}

/** Own-property lookup in a targets map; undefined when the variant has no target. */
export function targetOf(targets: ReplicaTargets, variantName: string): number | undefined {
  return Object.hasOwn(targets, variantName) ? targets[variantName] : undefined
}
