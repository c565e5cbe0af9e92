/**
 * Stage 3 of the V2 engine: the scale-to-zero / minimum-replica enforcer (upstream
 * internal/engines/pipeline/enforcer.go `EnforcePolicyOnDecisions`, the same rules at v0.6.0-v0.9.0) and, at v0.9,
 * the engine's gates before it (internal/engines/saturation/engine.go `applyScaleToZeroEnforcement`).
 *
 * Upstream queries Prometheus inside the enforcer; here the caller resolves the policy first
 * (`resolveV2ScaleToZeroPolicy`, which says whether and what to query), runs the query, and passes the reading.
 */
import {
  defaultVariantCost,
  resolveRetention,
  resolveScaleToZeroEnabled,
  type RequestCountReading,
  type Retention,
  type ScaleToZeroConfig,
} from '../saturation/scale-to-zero.js'
import type {SaturationV2Release} from './release.js'
import {actionOf, optionalInt, type V2Decision, type V2VariantInput} from './types.js'

/** Why the v0.9 engine did not run the enforcer ('' = it ran), checked in this order. */
export type ScaleToZeroGate = '' | 'no-decisions' | 'non-vllm-engine' | 'min-replicas-above-zero'

export interface EnforcerResult {
  /** In input order. */
  readonly decisions: readonly V2Decision[]
  /** Upstream's return value: true only when scale-to-zero set the targets to 0. */
  readonly scaledToZero: boolean
  /** The keep-one-replica branch raised the cheapest variant to 1. */
  readonly minimumReplicaPreserved: boolean
}

/** Mirrors `updateDecisionAction`: recompute the action; v0.8+ keep the reason category (default `V2`). */
function enforced(decision: V2Decision, optimizerName: string, release: SaturationV2Release): V2Decision {
  const action = actionOf(decision.targetReplicas, decision.currentReplicas)
  if (release === 'v0.6') return {...decision, action, reason: `V2 ${action} (optimizer: ${optimizerName}, enforced)`}
  const category = decision.reasonCategory === '' ? 'V2' : decision.reasonCategory
  return {
    ...decision,
    action,
    reasonCategory: category,
    reason: `${category} ${action} (optimizer: ${optimizerName}, enforced)`,
  }
}

/**
 * Mirrors `EnforcePolicyOnDecisions` for one model's decisions. Enabled: a reading of 0 (or less) requests sets every
 * target to 0; a positive count or a failed query keeps them. Disabled: if the targets sum to 0, the cheapest
 * variant (cost <= 0 counts as 10; ties by name) gets 1 replica, and upstream still returns false.
 */
export function enforcePolicyOnDecisions(input: {
  readonly decisions: readonly V2Decision[]
  readonly scaleToZeroEnabled: boolean
  /** The request-count reading; only read when enabled. Missing counts as a failed query. */
  readonly requestCount?: RequestCountReading | undefined
  readonly optimizerName: string
  readonly release: SaturationV2Release
}): EnforcerResult {
  const {decisions, optimizerName, release} = input
  if (input.scaleToZeroEnabled) {
    const reading = input.requestCount ?? {kind: 'error', message: 'request count not queried'}
    if (reading.kind === 'error' || reading.requests > 0) {
      return {decisions, scaledToZero: false, minimumReplicaPreserved: false}
    }
    const zeroed = decisions.map((decision) => enforced({...decision, targetReplicas: 0}, optimizerName, release))
    return {decisions: zeroed, scaledToZero: true, minimumReplicaPreserved: false}
  }
  let totalReplicas = 0
  for (const decision of decisions) totalReplicas += decision.targetReplicas
  if (totalReplicas > 0) return {decisions, scaledToZero: false, minimumReplicaPreserved: false}
  let cheapestIndex = -1
  let cheapestCost = -1
  decisions.forEach((decision, index) => {
    const cost = decision.cost <= 0 ? defaultVariantCost : decision.cost
    const isTie = cost === cheapestCost && decision.variantName < decisions[cheapestIndex]!.variantName
    if (cheapestCost < 0 || cost < cheapestCost || isTie) {
      cheapestIndex = index
      cheapestCost = cost
    }
  })
  if (cheapestIndex < 0) return {decisions, scaledToZero: false, minimumReplicaPreserved: false}
  const raised = decisions.map((decision, index) =>
    index === cheapestIndex ? enforced({...decision, targetReplicas: 1}, optimizerName, release) : decision,
  )
  return {decisions: raised, scaledToZero: false, minimumReplicaPreserved: true}
}

/** Mirrors `hasMinReplicasAboveZero`. */
export function hasMinReplicasAboveZero(variants: readonly V2VariantInput[]): boolean {
  return variants.some((variant) => (optionalInt(variant.minReplicas) ?? 0) > 0)
}

/** An entry's inline `scaleToZero:` block (v0.9); `enabled` undefined = the block is there without `enabled`. */
export interface InlineScaleToZeroBlock {
  readonly enabled?: boolean | undefined
}

/** The inline `scaleToZero:` blocks of the v0.9 saturation ConfigMap entries; undefined = the entry has none. */
export interface InlineScaleToZero {
  /** Entry `default`. */
  readonly defaultEntry?: InlineScaleToZeroBlock | undefined
  /** Entry `<modelID>#<namespace>`: `Merge` replaces the whole block when the override has one. */
  readonly modelEntry?: InlineScaleToZeroBlock | undefined
}

export interface V2ScaleToZeroPolicy {
  readonly scaleToZeroEnabled: boolean
  /** Computed even when disabled, as upstream's helper would. */
  readonly retention: Retention
}

/**
 * v0.9 `ResolveScaleToZeroEnabled` (the merged inline saturation setting first, then the scale-to-zero ConfigMap's
 * model and default entries, then `WVA_SCALE_TO_ZERO`) and `ScaleToZeroRetentionPeriod`. Earlier releases have no
 * inline setting: pass none.
 */
export function resolveV2ScaleToZeroPolicy(input: {
  readonly modelId: string
  readonly scaleToZeroConfig: ScaleToZeroConfig
  readonly envWvaScaleToZero: string | undefined
  readonly inline?: InlineScaleToZero | undefined
}): V2ScaleToZeroPolicy {
  const inline = (input.inline?.modelEntry ?? input.inline?.defaultEntry)?.enabled
  const fromConfigMap = resolveScaleToZeroEnabled(input.scaleToZeroConfig, input.modelId, input.envWvaScaleToZero)
  const scaleToZeroEnabled = inline ?? fromConfigMap.scaleToZeroEnabled
  return {scaleToZeroEnabled, retention: resolveRetention(input.scaleToZeroConfig, input.modelId)}
}
