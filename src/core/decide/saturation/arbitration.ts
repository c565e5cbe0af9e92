/**
 * capacity v0.4.2 `ArbitrateWithModelBased` (internal/capacity/analyzer.go): hybrid mode, capacity targets against
 * the queueing-model targets. Pure, but the v0.4.2 controller can never select hybrid mode, so this is dead code
 * upstream (saturation-algorithm.md section 3.1).
 */
import {deriveScalingAction} from './scaling-action.js'
import {
  targetOf,
  type CapacityDecision,
  type ModelSaturationAnalysis,
  type ReplicaTargets,
  type ScalingAction,
  type VariantState,
} from './types.js'

/** Which rule of the arbitration table decided. */
export type ArbitrationRule =
  | 'capacity-veto'
  | 'capacity-safety-block'
  | 'capacity-driven-scale-up'
  | 'model-based'
  | 'no-action'

/** Upstream `VariantDecision` as `ArbitrateWithModelBased` builds it. */
export interface ArbitratedDecision extends CapacityDecision {
  readonly capacityBased: boolean
  readonly modelBasedDecision: boolean
  readonly safetyOverride: boolean
  /** Always false here. */
  readonly capacityOnly: false
  readonly rule: ArbitrationRule
}

/** Mirrors `ArbitrateWithModelBased`: one decision per state, in state order; a missing target counts as 0. */
export function arbitrateWithModelBased(
  analysis: ModelSaturationAnalysis | undefined,
  variantStates: readonly VariantState[],
  capacityTargets: ReplicaTargets,
  modelBasedTargets: ReplicaTargets,
): ArbitratedDecision[] {
  const variants = new Map((analysis?.variantAnalyses ?? []).map((variant) => [variant.variantName, variant]))
  return variantStates.map((state) => {
    const current = state.currentReplicas
    const capacityTarget = targetOf(capacityTargets, state.variantName) ?? 0
    const modelBasedTarget = targetOf(modelBasedTargets, state.variantName) ?? 0
    const capacityAction = deriveScalingAction(capacityTarget, current)
    const modelBasedAction = deriveScalingAction(modelBasedTarget, current)
    const variant = variants.get(state.variantName)
    const decide = (
      rule: ArbitrationRule,
      action: ScalingAction,
      targetReplicas: number,
      reason: string,
      [capacityBased, modelBasedDecision, safetyOverride]: readonly [boolean, boolean, boolean],
    ): ArbitratedDecision => ({
      variantName: state.variantName,
      acceleratorName: variant?.acceleratorName ?? '',
      cost: variant?.cost ?? 0,
      currentReplicas: current,
      desiredReplicas: state.desiredReplicas,
      targetReplicas,
      action,
      reason,
      capacityBased,
      modelBasedDecision,
      safetyOverride,
      capacityOnly: false,
      rule,
    })
    if (capacityAction === 'scale-up' && modelBasedAction === 'scale-down') {
      return decide(
        'capacity-veto',
        'no-change',
        current,
        `capacity veto: capacity needs scale-up (capacity=${capacityTarget}, model-based=${modelBasedTarget})`,
        [true, true, true],
      )
    }
    if (modelBasedAction === 'scale-down' && analysis !== undefined && !analysis.scaleDownSafe) {
      return decide(
        'capacity-safety-block',
        'no-change',
        current,
        `capacity safety block: scale-down unsafe (model-based wants ${modelBasedTarget})`,
        [true, true, true],
      )
    }
    if (capacityAction === 'scale-up' && modelBasedAction === 'no-change') {
      return decide(
        'capacity-driven-scale-up',
        'scale-up',
        capacityTarget,
        `capacity-driven scale-up to ${capacityTarget}`,
        [true, false, false],
      )
    }
    if (modelBasedAction !== 'no-change') {
      return decide(
        'model-based',
        modelBasedAction,
        modelBasedTarget,
        `model-based recommendation: ${modelBasedAction} to ${modelBasedTarget} (capacity allows)`,
        [false, true, false],
      )
    }
    return decide('no-action', 'no-change', current, 'no action needed', [false, false, false])
  })
}
