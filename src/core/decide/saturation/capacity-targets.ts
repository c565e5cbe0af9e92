/**
 * capacity v0.4.2: `CalculateCapacityTargets` (internal/capacity/analyzer.go) and the controller's
 * `convertCapacityTargetsToDecisions`. Spec: saturation-algorithm.md section 3.
 */
import {deriveScalingAction} from './scaling-action.js'
import {
  compareNames,
  compareNumbers,
  indexVariantStates,
  stateOf,
  targetOf,
  toTargets,
  type CapacityDecision,
  type ModelSaturationAnalysis,
  type ReplicaTargets,
  type ScaledVariant,
  type VariantSaturationAnalysis,
  type VariantState,
} from './types.js'

export interface CapacityTargetsV042 {
  readonly targets: ReplicaTargets
  /** Variants whose state has desired != 0 and != current: they keep desired and never take the +-1. Name order. */
  readonly preservedVariants: readonly string[]
  /** The one variant moved by one replica, if any. */
  readonly scaledVariant: ScaledVariant | undefined
}

/** A state whose desired value is set and differs from current: upstream keeps desired while it converges. */
export function isDesiredPending(state: VariantState): boolean {
  return state.desiredReplicas !== 0 && state.desiredReplicas !== state.currentReplicas
}

/** Cheapest first; equal cost goes to the smaller name. */
export function compareCheapestFirst(left: VariantSaturationAnalysis, right: VariantSaturationAnalysis): number {
  return compareNumbers(left.cost, right.cost) || compareNames(left.variantName, right.variantName)
}

/** Most expensive first; equal cost goes to the larger name. */
export function compareMostExpensiveFirst(left: VariantSaturationAnalysis, right: VariantSaturationAnalysis): number {
  return compareNumbers(right.cost, left.cost) || compareNames(right.variantName, left.variantName)
}

/** Mirrors v0.4.2 `CalculateCapacityTargets`. */
export function calculateCapacityTargets(
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
): CapacityTargetsV042 {
  if (analysis.variantAnalyses.length === 0) {
    // Unreachable through the engine, which skips models without metrics.
    return {
      targets: toTargets(variantStates.map((state) => [state.variantName, state.currentReplicas])),
      preservedVariants: [],
      scaledVariant: undefined,
    }
  }
  const states = indexVariantStates(variantStates)
  const targets = new Map<string, number>()
  const preserved = new Set<string>()
  for (const variant of analysis.variantAnalyses) {
    const state = stateOf(states, variant.variantName)
    if (isDesiredPending(state)) {
      targets.set(variant.variantName, state.desiredReplicas)
      preserved.add(variant.variantName)
    } else {
      // The base is the count of pods that report, not current: a silent pod reads as a scale-down.
      targets.set(variant.variantName, variant.replicaCount)
    }
  }
  const candidates = analysis.variantAnalyses.filter((variant) => !preserved.has(variant.variantName))
  let scaledVariant: ScaledVariant | undefined
  if (analysis.shouldScaleUp) {
    const cheapest = [...candidates].sort(compareCheapestFirst)[0]
    if (cheapest !== undefined) {
      targets.set(cheapest.variantName, cheapest.replicaCount + 1)
      scaledVariant = {action: 'scale-up', variant: cheapest.variantName}
    }
  } else if (analysis.scaleDownSafe) {
    const priciest = candidates.filter((variant) => variant.replicaCount > 1).sort(compareMostExpensiveFirst)[0]
    if (priciest !== undefined) {
      targets.set(priciest.variantName, priciest.replicaCount - 1)
      scaledVariant = {action: 'scale-down', variant: priciest.variantName}
    }
  }
  return {targets: toTargets(targets), preservedVariants: [...preserved].sort(compareNames), scaledVariant}
}

/** Replicates the v0.4.2 controller's `convertCapacityTargetsToDecisions`; decisions are sorted by variant name. */
export function toCapacityDecisions(
  targets: ReplicaTargets,
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
): CapacityDecision[] {
  return decisionsFromTargets(targets, analysis, variantStates, 'capacity-only mode').map(({decision}) => decision)
}

/**
 * The part both engines' target-to-decision conversions share: one decision per variant with a target, sorted by
 * name, with the action against the current replicas and the mode's reason text. The state and analysis come along
 * for the fields a version adds.
 */
export function decisionsFromTargets(
  targets: ReplicaTargets,
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
  mode: 'capacity-only mode' | 'saturation-only mode',
): Array<{decision: CapacityDecision; state: VariantState; variant: VariantSaturationAnalysis | undefined}> {
  const states = indexVariantStates(variantStates)
  const variants = new Map(analysis.variantAnalyses.map((variant) => [variant.variantName, variant]))
  return Object.keys(targets)
    .sort(compareNames)
    .map((variantName) => {
      const state = stateOf(states, variantName)
      const variant = variants.get(variantName)
      const targetReplicas = targetOf(targets, variantName)!
      const action = deriveScalingAction(targetReplicas, state.currentReplicas)
      return {
        state,
        variant,
        decision: {
          variantName,
          acceleratorName: variant?.acceleratorName ?? '',
          cost: variant?.cost ?? 0,
          currentReplicas: state.currentReplicas,
          desiredReplicas: state.desiredReplicas,
          targetReplicas,
          action,
          reason: `${mode}: ${action}`,
        },
      }
    })
}

/** The VA condition message the v0.4.2 controller writes for a capacity-only decision. */
export function formatCapacityConditionMessage(decision: CapacityDecision): string {
  return `Capacity-only decision: ${decision.reason} (target: ${decision.targetReplicas} replicas)`
}
