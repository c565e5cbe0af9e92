/**
 * saturation V1 v0.5.1: `CalculateSaturationTargets` (internal/saturation/analyzer.go) and the engine's
 * `convertSaturationTargetsToDecisions`. Spec: saturation-algorithm.md sections 4 and 5 (decisions).
 */
import {
  compareCheapestFirst,
  compareMostExpensiveFirst,
  decisionsFromTargets,
  isDesiredPending,
} from './capacity-targets.js'
import {
  compareNames,
  indexVariantStates,
  stateOf,
  toTargets,
  type ModelSaturationAnalysis,
  type ReplicaTargets,
  type SaturationDecision,
  type ScaledVariant,
  type VariantState,
} from './types.js'

export interface SaturationTargetsV051 {
  readonly targets: ReplicaTargets
  /** A variant is desired != current or its reporting pods != current: the whole model is frozen. */
  readonly modelInTransition: boolean
  /** Go's texts, in first-appearance order (a variant may add both, desired first). */
  readonly transitionReasons: readonly string[]
  /** Variants with pending replicas, passed over for the scale-up. Name order; empty unless a scale-up was sought. */
  readonly skippedForPendingReplicas: readonly string[]
  readonly scaledVariant: ScaledVariant | undefined
}

/** The transition guard of `CalculateSaturationTargets`: only variants with metrics are checked. */
export function findTransitionReasons(
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
): string[] {
  const states = indexVariantStates(variantStates)
  const reasons: string[] = []
  for (const variant of analysis.variantAnalyses) {
    const state = stateOf(states, variant.variantName)
    if (isDesiredPending(state)) {
      reasons.push(`${variant.variantName}: desired(${state.desiredReplicas})!=current(${state.currentReplicas})`)
    }
    if (variant.replicaCount !== state.currentReplicas) {
      reasons.push(`${variant.variantName}: metrics(${variant.replicaCount})!=current(${state.currentReplicas})`)
    }
  }
  return reasons
}

/** Mirrors v0.5.1 `CalculateSaturationTargets`. */
export function calculateSaturationTargets(
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
): SaturationTargetsV051 {
  const unscaled = {skippedForPendingReplicas: [], scaledVariant: undefined} as const
  if (analysis.variantAnalyses.length === 0) {
    // Unreachable through the engine, which skips models without metrics.
    return {
      targets: toTargets(variantStates.map((state) => [state.variantName, state.currentReplicas])),
      modelInTransition: false,
      transitionReasons: [],
      ...unscaled,
    }
  }
  const states = indexVariantStates(variantStates)
  const transitionReasons = findTransitionReasons(analysis, variantStates)
  if (transitionReasons.length > 0) {
    const targets = analysis.variantAnalyses.map((variant): [string, number] => {
      const state = stateOf(states, variant.variantName)
      return [variant.variantName, isDesiredPending(state) ? state.desiredReplicas : state.currentReplicas]
    })
    return {targets: toTargets(targets), modelInTransition: true, transitionReasons, ...unscaled}
  }
  // Stable: every variant reports as many pods as it has, so replicaCount == current.
  const targets = new Map(analysis.variantAnalyses.map((variant) => [variant.variantName, variant.replicaCount]))
  let scaledVariant: ScaledVariant | undefined
  let skippedForPendingReplicas: string[] = []
  if (analysis.shouldScaleUp) {
    const pending = (name: string): number => stateOf(states, name).pendingReplicas ?? 0
    skippedForPendingReplicas = analysis.variantAnalyses
      .filter((variant) => pending(variant.variantName) !== 0)
      .map((variant) => variant.variantName)
      .sort(compareNames)
    const cheapest = analysis.variantAnalyses
      .filter((variant) => pending(variant.variantName) === 0)
      .sort(compareCheapestFirst)[0]
    if (cheapest !== undefined) {
      targets.set(cheapest.variantName, targets.get(cheapest.variantName)! + 1)
      scaledVariant = {action: 'scale-up', variant: cheapest.variantName}
    }
  } else if (analysis.scaleDownSafe) {
    const priciest = analysis.variantAnalyses
      .filter((variant) => targets.get(variant.variantName)! > 1)
      .sort(compareMostExpensiveFirst)[0]
    if (priciest !== undefined) {
      targets.set(priciest.variantName, targets.get(priciest.variantName)! - 1)
      scaledVariant = {action: 'scale-down', variant: priciest.variantName}
    }
  }
  return {
    targets: toTargets(targets),
    modelInTransition: false,
    transitionReasons: [],
    skippedForPendingReplicas,
    scaledVariant,
  }
}

/** Replicates v0.5.1 `convertSaturationTargetsToDecisions`; decisions are sorted by variant name. */
export function toSaturationDecisions(
  targets: ReplicaTargets,
  analysis: ModelSaturationAnalysis,
  variantStates: readonly VariantState[],
): SaturationDecision[] {
  return decisionsFromTargets(targets, analysis, variantStates, 'saturation-only mode').map(
    ({decision, state, variant}) => {
      const gpusPerReplica = state.gpusPerReplica ?? 0
      return {
        ...decision,
        gpusPerReplica: gpusPerReplica > 0 ? gpusPerReplica : 1,
        spareCapacity: variant?.avgSpareKvCapacity ?? 0,
      }
    },
  )
}
