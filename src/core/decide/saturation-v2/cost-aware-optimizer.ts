/**
 * The V2 cost-aware optimizer (upstream internal/engines/pipeline/cost_aware_optimizer.go), the default when
 * `enableLimiter` is false. Per model: scale up the most cost-efficient variants until RC is covered, else scale
 * down the most expensive while SC allows. Two generations: v0.6/v0.7 (`costAwareScaleUp` / `costAwareScaleDown`)
 * and v0.8/v0.9 (role-paired, analyzer_helpers.go).
 */
import {formatGoFixed} from '../queueing/go-format.js'
import {int64FromFloat} from './int64.js'
import {goSortSlice} from './go-sort.js'
import {
  allocateForModelPaired,
  bindingAnchor,
  buildDecisions,
  buildStateMap,
  initRoleState,
  initTargets,
  anyRoleNeedsScaleUp,
  saturationBallot,
  scaleDownRoleIterated,
  sortByCostEfficiencyAsc,
  variantsForRole,
  goMaxInt,
  type RolePick,
} from './pipeline.js'
import {behaviourOf, type SaturationV2Release} from './release.js'
import {
  actionOf,
  compareGoStrings,
  optionalInt,
  type V2Analysis,
  type V2Decision,
  type V2VariantInput,
  type VariantCapacity,
} from './types.js'

export const costAwareOptimizerName = 'cost-aware'

/** Mirrors `costGreedyRolePick`: the most cost-efficient variant of the role with capacity and headroom. */
export const costGreedyRolePick: RolePick = (role, variants, states, _available, targets) => {
  for (const variant of sortByCostEfficiencyAsc(variantsForRole(variants, role))) {
    if (variant.perReplicaCapacity <= 0) continue
    const maxReplicas = optionalInt(states.get(variant.variantName)?.maxReplicas)
    if (maxReplicas !== undefined && maxReplicas > 0) {
      const headroom = maxReplicas - (targets.get(variant.variantName) ?? 0)
      if (headroom <= 0) continue
      return {variant: variant.variantName, cap: headroom}
    }
    return {variant: variant.variantName, cap: goMaxInt}
  }
  return {variant: '', cap: 0}
}

/** What one model's optimizer run produced. */
export interface CostAwareResult {
  /** false = the optimizer skipped the model (no decisions). */
  readonly informative: boolean
  /** Sorted by variant name. */
  readonly decisions: readonly V2Decision[]
}

/** v0.8/v0.9 `CostAwareOptimizer.Optimize` for one model. */
function optimizeRolePaired(
  modelId: string,
  namespace: string,
  analysis: V2Analysis,
  variants: readonly V2VariantInput[],
  requireInformative: boolean,
  carriesCapacitySignals: boolean,
): CostAwareResult {
  const ballot = saturationBallot(analysis)
  const anchor = bindingAnchor(ballot, requireInformative)
  if (anchor === undefined) return {informative: false, decisions: []}
  const states = buildStateMap(variants)
  const targets = initTargets(variants)
  const {roles, pickerState} = initRoleState(ballot)
  if (anyRoleNeedsScaleUp(pickerState, roles)) {
    const variantCapacities = anchor.variantCapacities
    const pick = costGreedyRolePick
    allocateForModelPaired(ballot, variantCapacities, states, undefined, targets, pick, pickerState, roles)
  } else {
    scaleDownRoleIterated(ballot, anchor.variantCapacities, targets, states)
  }
  const name = costAwareOptimizerName
  const decisions = buildDecisions(modelId, namespace, anchor, states, targets, name, carriesCapacitySignals)
  return {informative: true, decisions}
}

/** v0.6 `costAwareScaleUp`: ceil(remaining / capacity) per variant, cheapest per token first, capped by maxReplicas. */
function scaleUpV06(
  analysis: V2Analysis,
  targets: Map<string, number>,
  states: ReadonlyMap<string, V2VariantInput>,
): void {
  let remaining = analysis.requiredCapacity
  for (const variant of sortByCostEfficiencyAsc(analysis.variantCapacities)) {
    if (remaining <= 0) break
    if (variant.perReplicaCapacity <= 0) continue
    let needed = int64FromFloat(Math.ceil(remaining / variant.perReplicaCapacity))
    const maxReplicas = optionalInt(states.get(variant.variantName)?.maxReplicas)
    if (maxReplicas !== undefined && maxReplicas > 0) {
      const maxAdd = maxReplicas - (targets.get(variant.variantName) ?? 0)
      if (maxAdd <= 0) continue
      if (needed > maxAdd) needed = maxAdd
    }
    targets.set(variant.variantName, (targets.get(variant.variantName) ?? 0) + needed)
    remaining -= needed * variant.perReplicaCapacity
  }
}

/** v0.6 `findCheapestVariant`: the first variant with the lowest cost. */
function findCheapestVariant(variants: readonly VariantCapacity[]): string {
  let cheapest = ''
  let minCost = Number.MAX_VALUE
  for (const variant of variants) {
    if (variant.cost < minCost) {
      minCost = variant.cost
      cheapest = variant.variantName
    }
  }
  return cheapest
}

/**
 * v0.6 `costAwareScaleDown`: most expensive first (ties keep variant order), floor(spare / capacity) each, above
 * minReplicas; the cheapest keeps 1 only while no other variant has replicas.
 */
function scaleDownV06(
  analysis: V2Analysis,
  targets: Map<string, number>,
  states: ReadonlyMap<string, V2VariantInput>,
): void {
  const sorted = goSortSlice(analysis.variantCapacities, (left, right) => left.cost > right.cost)
  const cheapest = findCheapestVariant(analysis.variantCapacities)
  let remaining = analysis.spareCapacity
  for (const variant of sorted) {
    if (remaining <= 0) break
    if (variant.perReplicaCapacity <= 0) continue
    const current = targets.get(variant.variantName) ?? 0
    let minReplicas = optionalInt(states.get(variant.variantName)?.minReplicas) ?? 0
    if (variant.variantName === cheapest) {
      const otherHasReplicas = [...targets].some(([name, target]) => name !== cheapest && target > 0)
      if (!otherHasReplicas && minReplicas < 1) minReplicas = 1
    }
    const removable = current - minReplicas
    if (removable <= 0) continue
    let toRemove = int64FromFloat(Math.floor(remaining / variant.perReplicaCapacity))
    if (toRemove > removable) toRemove = removable
    if (toRemove <= 0) continue
    targets.set(variant.variantName, current - toRemove)
    remaining -= toRemove * variant.perReplicaCapacity
  }
}

/** v0.6 `buildDecisionsWithOptimizer`: reasons carry RC/SC as `%.0f`; no category, no capacity fields. */
function buildDecisionsV06(
  modelId: string,
  namespace: string,
  analysis: V2Analysis,
  states: ReadonlyMap<string, V2VariantInput>,
  targets: ReadonlyMap<string, number>,
): V2Decision[] {
  const byName = new Map(analysis.variantCapacities.map((variant) => [variant.variantName, variant]))
  return [...targets.keys()].sort(compareGoStrings).map((name): V2Decision => {
    const state = states.get(name)
    const variant = byName.get(name)
    const current = state?.currentReplicas ?? 0
    const target = targets.get(name)!
    const action = actionOf(target, current)
    const reason =
      action === 'scale-up'
        ? `V2 scale-up (optimizer: ${costAwareOptimizerName}, required: ${formatGoFixed(analysis.requiredCapacity, 0)})`
        : action === 'scale-down'
          ? `V2 scale-down (optimizer: ${costAwareOptimizerName}, spare: ${formatGoFixed(analysis.spareCapacity, 0)})`
          : 'V2 steady state'
    return {
      modelId,
      namespace,
      variantName: name,
      acceleratorName: variant?.acceleratorName ?? '',
      cost: variant?.cost ?? 0,
      role: state?.role ?? '',
      currentReplicas: current,
      targetReplicas: target,
      action,
      reasonCategory: '',
      reason,
      // v0.6 decisions carry no capacity signals (0 upstream).
      requiredCapacity: 0,
      spareCapacity: 0,
      utilization: 0,
      minReplicas: optionalInt(state?.minReplicas),
      maxReplicas: optionalInt(state?.maxReplicas),
    }
  })
}

/** v0.6 `CostAwareOptimizer.Optimize` for one model: scale up on RC > 0, else down on SC > 0. */
function optimizeV06(
  modelId: string,
  namespace: string,
  analysis: V2Analysis,
  variants: readonly V2VariantInput[],
): CostAwareResult {
  const states = buildStateMap(variants)
  const targets = initTargets(variants)
  if (analysis.requiredCapacity > 0) scaleUpV06(analysis, targets, states)
  else if (analysis.spareCapacity > 0) scaleDownV06(analysis, targets, states)
  return {informative: true, decisions: buildDecisionsV06(modelId, namespace, analysis, states, targets)}
}

/**
 * The cost-aware optimizer of `release` for one analysed model. `informative` is false when v0.9's
 * `ResultIsInformative` check drops the model (earlier releases skip only models without metrics, in the engine).
 */
export function optimizeCostAware(
  modelId: string,
  namespace: string,
  analysis: V2Analysis,
  variants: readonly V2VariantInput[],
  release: SaturationV2Release,
): CostAwareResult {
  const behaviour = behaviourOf(release)
  switch (behaviour.costAwareOptimizer) {
    case 'v0.6':
      return optimizeV06(modelId, namespace, analysis, variants)
    case 'role-paired':
      return optimizeRolePaired(
        modelId,
        namespace,
        analysis,
        variants,
        behaviour.modelSkip === 'uninformative',
        behaviour.decisionsCarryCapacitySignals,
      )
  }
}
