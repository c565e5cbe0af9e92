/**
 * Inputs and outputs of WVA saturation V2 ("saturation-token-based"), v0.6.0 to v0.9.0. Field names follow the
 * golden vectors (test/fixtures/golden/saturation-v2-*.json) so that a result compares without renaming. Capacity
 * and demand are KV-cache tokens (int64 upstream); thresholds are fractions; costs are per replica.
 */

/** Upstream `domain.RoleBoth`, `RolePrefill`, `RoleDecode`. "" counts as both. */
export const roleBoth = 'both'
export const rolePrefill = 'prefill'
export const roleDecode = 'decode'

/** The thresholds V2 reads from the resolved saturation ConfigMap entry. */
export interface SaturationV2Config {
  /** Fraction of the KV cache usable (k1 = total x this). v0.6/v0.7 have no default: 0 when unset. */
  readonly kvCacheThreshold: number
  /** Waiting requests at which k2 is observed; Go truncates it to int before comparing. */
  readonly queueLengthThreshold: number
  /** Fraction; RC = demand / this - anticipated supply. <= 0 leaves RC at 0. */
  readonly scaleUpThreshold: number
  /** Fraction; SC = supply - demand / this. <= 0 leaves SC at 0. */
  readonly scaleDownBoundary: number
}

/** One variant of the model (upstream `VariantReplicaState` plus what the scale target tells). */
export interface V2VariantInput {
  readonly variantName: string
  /** From the scale target's node selector / affinity (or the VA label); keys the capacity store record. */
  readonly acceleratorName: string
  /** Scale target replicas. */
  readonly currentReplicas: number
  /** max(current - ready, 0). */
  readonly pendingReplicas: number
  /** GPUs per replica from the pod template (0 when it requests none). */
  readonly gpusPerReplica: number
  /** `prefill`, `decode`, `both` or "" (both). */
  readonly role: string
  /** undefined = unset (no floor). */
  readonly minReplicas?: number | null | undefined
  /** undefined = unset (no cap); <= 0 also means no cap. */
  readonly maxReplicas?: number | null | undefined
  /** Container command + args of the scale target; undefined/null = no scale target found (store not pre-populated). */
  readonly engineArgs?: readonly string[] | null | undefined
  /** Container image (v0.9 detects SGLang from it); undefined = a vLLM image. */
  readonly engineImage?: string | null | undefined
}

/** One replica (pod or DP rank) as the collector reports it. */
export interface V2ReplicaMetric {
  readonly podName: string
  readonly variantName: string
  readonly acceleratorName: string
  /** Per replica, from `llm-d.ai/variant-cost` / `spec.variantCost`. */
  readonly cost: number
  /** Fraction 0..1. */
  readonly kvCacheUsage: number
  /** Waiting requests (int). */
  readonly queueLength: number
  readonly numGpuBlocks: number
  /** Tokens per block. */
  readonly blockSize: number
  /** num_gpu_blocks x block_size; 0 when cache_config_info is missing. */
  readonly totalKvCapacityTokens: number
  /** Tokens resident in the KV cache. */
  readonly tokensInUse: number
  /** Tokens per request (may be fractional). */
  readonly avgInputTokens: number
  /** Tokens per request (may be fractional). */
  readonly avgOutputTokens: number
  /** Fraction 0..1. */
  readonly prefixCacheHitRate: number
}

/** EPP flow-control queue of the model. */
export interface SchedulerQueue {
  /** Requests. */
  readonly queueSize: number
  /** Bytes of queued prompts. */
  readonly queueBytes: number
}

/** Everything V2 reads for one model in one cycle. */
export interface V2ModelInput {
  readonly modelId: string
  readonly namespace: string
  readonly config: SaturationV2Config
  /** In variant-state order (decides aggregation order and sort ties). */
  readonly variants: readonly V2VariantInput[] | null
  /** In collector order. */
  readonly replicaMetrics: readonly V2ReplicaMetric[] | null
  readonly schedulerQueue?: SchedulerQueue | null | undefined
}

/** Which k2 rule produced a replica's compute-bound capacity (v0.9 labels; v0.6/v0.8 compute but do not report it). */
export type K2Source = 'P1-obs' | 'P2-hist' | 'P3-k2' | 'P4-k1'

/** Per-replica result (upstream `ReplicaCapacity`), or a dropped replica. */
export type ReplicaCapacity =
  | {readonly podName: string; readonly variantName: string; readonly dropped: true}
  | {
      readonly podName: string
      readonly variantName: string
      readonly dropped: false
      readonly acceleratorName: string
      /** Tokens; on the fallback path the replica demand (as upstream reports it). */
      readonly tokensInUse: number
      /** Tokens; on the fallback path the thresholded store capacity. */
      readonly totalKvCapacityTokens: number
      /** Memory-bound capacity, tokens. */
      readonly k1: number
      /** Compute-bound capacity, tokens. */
      readonly k2: number
      readonly k2Source: K2Source
      /** min(k1, k2), tokens. */
      readonly effectiveCapacity: number
      readonly isSaturated: boolean
      /** Tokens: resident plus the waiting-queue charge. */
      readonly replicaDemand: number
    }

/** Why a variant has the capacity it has (v0.9 `VariantCapacity.Reason`). */
export type VariantCapacityReason = K2Source | 'P0-store' | 'no-data' | 'error'

/** Per-variant result (upstream `VariantCapacity`). */
export interface VariantCapacity {
  readonly variantName: string
  readonly acceleratorName: string
  /** From the variant's first metric row; 0 when it has none. */
  readonly cost: number
  readonly role: string
  /** v0.9: replica rows (DP instances); v0.6/v0.8: ready replicas. */
  readonly replicaCount: number
  /** v0.9: scaled to instances when rows/ready > 1. */
  readonly pendingReplicas: number
  /** Tokens: median effective capacity, or a stored estimate. */
  readonly perReplicaCapacity: number
  /** Tokens: replicaCount x perReplicaCapacity. */
  readonly totalCapacity: number
  /** Tokens. */
  readonly totalDemand: number
  /** demand / capacity; 0 when capacity is 0. */
  readonly utilization: number
  /** v0.9 only; undefined before. */
  readonly reason: VariantCapacityReason | undefined
}

/** Per-role totals (P/D models only). Tokens. */
export interface RoleCapacity {
  readonly role: string
  readonly totalSupply: number
  readonly totalDemand: number
  readonly totalAnticipatedSupply: number
  readonly requiredCapacity: number
  readonly spareCapacity: number
}

/** Model-level result (upstream `AnalyzerResult`), after the RC/SC step. Tokens. */
export interface V2Analysis {
  readonly analyzerName: 'saturation-token-based'
  readonly totalSupply: number
  readonly totalDemand: number
  readonly totalAnticipatedSupply: number
  readonly utilization: number
  readonly requiredCapacity: number
  readonly spareCapacity: number
  /** undefined unless some variant has a role other than "" / both. Keys sorted. */
  readonly roleCapacities: Readonly<Record<string, RoleCapacity>> | undefined
  /** In variant-state order. */
  readonly variantCapacities: readonly VariantCapacity[]
}

export type V2Action = 'scale-up' | 'scale-down' | 'no-change'

/** Upstream `VariantDecision` as the V2 optimizers build it. */
export interface V2Decision {
  readonly modelId: string
  readonly namespace: string
  readonly variantName: string
  readonly acceleratorName: string
  readonly cost: number
  readonly role: string
  readonly currentReplicas: number
  readonly targetReplicas: number
  readonly action: V2Action
  /** v0.8+: `V2`; v0.6: "" (no category). */
  readonly reasonCategory: string
  readonly reason: string
  /** Tokens: the model's (or the variant's role's) RC. */
  readonly requiredCapacity: number
  /** Tokens: the model's (or the variant's role's) SC. */
  readonly spareCapacity: number
  /** The variant's demand / capacity. */
  readonly utilization: number
  readonly minReplicas: number | undefined
  readonly maxReplicas: number | undefined
}

/** The action a target implies (the optimizers' `SetDecisionReason` switch). */
export function actionOf(targetReplicas: number, currentReplicas: number): V2Action {
  if (targetReplicas > currentReplicas) return 'scale-up'
  if (targetReplicas < currentReplicas) return 'scale-down'
  return 'no-change'
}

/** Go compares strings bytewise; for the names that occur this equals UTF-16 code unit order. */
export function compareGoStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

/** "" is the synthetic `both` role (upstream `canonicalRole`). */
export function canonicalRole(role: string): string {
  return role === '' ? roleBoth : role
}

/** A null/undefined pointer field. */
export function optionalInt(value: number | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : value
}
