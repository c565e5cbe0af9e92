/**
 * The role-generic helpers the v0.8/v0.9 V2 optimizers share (upstream internal/engines/pipeline
 * analyzer_helpers.go and the helpers at the end of cost_aware_optimizer.go / greedy_score_optimizer.go).
 * Working state (`remaining`, `roleSpare`, targets) is local to one optimizer call.
 */
import {int64FromFloat} from './int64.js'
import {goSortSlice} from './go-sort.js'
import {
  actionOf,
  canonicalRole,
  compareGoStrings,
  optionalInt,
  roleBoth,
  rolePrefill,
  type V2Analysis,
  type V2Decision,
  type V2VariantInput,
  type VariantCapacity,
} from './types.js'

/** Go's `math.MaxInt` as a float64 (2^63): "no cap". */
export const goMaxInt = 2 ** 63 - 1
/** Go's `math.MaxFloat64`. */
export const goMaxFloat64 = Number.MAX_VALUE
/** Upstream `ReasonNoData` / `ReasonError`: variants without a usable capacity signal. */
export const reasonNoData = 'no-data'
export const reasonError = 'error'

/** One analyzer on the ballot (upstream `NamedAnalyzerResult`) with its working counters. */
export interface BallotEntry {
  readonly name: string
  readonly result: V2Analysis
  /** Weight of the analyzer (1 by default). */
  readonly score: number
  /** Tokens still required (model scope); starts at RC. */
  remaining: number
  /** Tokens spare (model scope); starts at SC. */
  spare: number
  /** Per-role spare tokens, set by `initRoleState`. */
  roleSpare: Map<string, number> | undefined
  readonly live: boolean
  readonly enabled: boolean
}

/** The single saturation entry the engine builds: Score 1, Enabled, Live, Remaining = RC, Spare = SC. */
export function saturationBallot(analysis: V2Analysis): BallotEntry[] {
  return [
    {
      name: 'saturation',
      result: analysis,
      score: 1,
      remaining: analysis.requiredCapacity,
      spare: analysis.spareCapacity,
      roleSpare: undefined,
      live: true,
      enabled: true,
    },
  ]
}

/** Mirrors `ResultIsInformative`: some variant has a reason other than no-data / error. */
export function isResultInformative(analysis: V2Analysis): boolean {
  return analysis.variantCapacities.some((variant) => variant.reason !== reasonNoData && variant.reason !== reasonError)
}

/**
 * Mirrors `bindingAnchor` for a ballot whose only entry is saturation: nil when it is not informative, else a copy
 * with `totalCapacity` recomputed. `requireInformative` is false for v0.8, which had no informative check.
 */
export function bindingAnchor(ballot: readonly BallotEntry[], requireInformative: boolean): V2Analysis | undefined {
  const saturation = ballot.find((entry) => entry.name === 'saturation')
  if (saturation === undefined) return undefined
  if (requireInformative && !(saturation.enabled && saturation.live && isResultInformative(saturation.result))) {
    return undefined
  }
  return {
    ...saturation.result,
    variantCapacities: saturation.result.variantCapacities.map((variant) => ({
      ...variant,
      totalCapacity: variant.replicaCount * variant.perReplicaCapacity,
    })),
  }
}

/** Mirrors `rolesOf`: distinct canonical roles, sorted. */
export function rolesOf(variants: readonly VariantCapacity[]): string[] {
  return [...new Set(variants.map((variant) => canonicalRole(variant.role)))].sort(compareGoStrings)
}

/** Mirrors `variantsForRole`. */
export function variantsForRole(variants: readonly VariantCapacity[], role: string): VariantCapacity[] {
  return variants.filter((variant) => canonicalRole(variant.role) === role)
}

/** Mirrors `prcForVariant` / `prcFromVCs`: the first entry's per-replica capacity, 0 when absent. Tokens. */
export function prcOf(variants: readonly VariantCapacity[], variantName: string): number {
  return variants.find((variant) => variant.variantName === variantName)?.perReplicaCapacity ?? 0
}

/** Mirrors `accFromVCs`. */
export function acceleratorOf(variants: readonly VariantCapacity[], variantName: string): string {
  return variants.find((variant) => variant.variantName === variantName)?.acceleratorName ?? ''
}

/** Go map semantics: a later duplicate state wins. */
export function buildStateMap(variants: readonly V2VariantInput[]): Map<string, V2VariantInput> {
  return new Map(variants.map((variant) => [variant.variantName, variant]))
}

/** Mirrors `initTargets`: current replicas per variant state. */
export function initTargets(variants: readonly V2VariantInput[]): Map<string, number> {
  return new Map(variants.map((variant) => [variant.variantName, variant.currentReplicas]))
}

/** Mirrors `gpusPerReplicaFromState`: 1 unless the state has a positive count. */
export function gpusPerReplicaOf(states: ReadonlyMap<string, V2VariantInput>, variantName: string): number {
  const gpus = states.get(variantName)?.gpusPerReplica ?? 0
  return gpus > 0 ? gpus : 1
}

/** Mirrors `costEfficiency`: cost per token of per-replica capacity; MaxFloat64 without capacity. */
export function costEfficiency(variant: VariantCapacity): number {
  return variant.perReplicaCapacity <= 0 ? goMaxFloat64 : variant.cost / variant.perReplicaCapacity
}

/** Mirrors `sortByCostEfficiencyAsc` (Go sort.Slice; equal keys keep their order). */
export function sortByCostEfficiencyAsc(variants: readonly VariantCapacity[]): VariantCapacity[] {
  return goSortSlice(variants, (left, right) => costEfficiency(left) < costEfficiency(right))
}

/** Picker-local remaining demand per ballot entry and role (upstream `RolePairedState`). Tokens. */
export type RolePairedState = Array<Map<string, number>>

/** Mirrors `initRoleState`: one synthetic `both` role, or the P/D roles of `roleCapacities`. */
export function initRoleState(ballot: BallotEntry[]): {roles: string[]; pickerState: RolePairedState} {
  const pickerState: RolePairedState = []
  const roleSet = new Set<string>()
  for (const entry of ballot) {
    const state = new Map<string, number>()
    pickerState.push(state)
    const roleCapacities = entry.result.roleCapacities
    entry.roleSpare ??= new Map()
    if (roleCapacities !== undefined) {
      for (const [role, capacity] of Object.entries(roleCapacities)) {
        state.set(role, capacity.requiredCapacity)
        entry.roleSpare.set(role, capacity.spareCapacity)
        roleSet.add(role)
      }
    } else {
      state.set(roleBoth, entry.remaining)
      entry.roleSpare.set(roleBoth, entry.spare)
      roleSet.add(roleBoth)
    }
  }
  return {roles: [...roleSet].sort(compareGoStrings), pickerState}
}

/** Mirrors `anyRoleNeedsScaleUp`. */
export function anyRoleNeedsScaleUp(pickerState: RolePairedState, roles: readonly string[]): boolean {
  return roles.some((role) => pickerState.some((state) => (state.get(role) ?? 0) > 0))
}

/** Mirrors `roleBottleneckReplicas`: max over entries of ceil(remaining / prc). */
function roleBottleneckReplicas(
  ballot: readonly BallotEntry[],
  pickerState: RolePairedState,
  role: string,
  variant: string,
): number {
  let most = 0
  ballot.forEach((entry, index) => {
    const prc = prcOf(entry.result.variantCapacities, variant)
    if (prc <= 0) return
    const replicas = int64FromFloat(Math.ceil((pickerState[index]!.get(role) ?? 0) / prc))
    if (replicas > most) most = replicas
  })
  return most
}

/** Mirrors `roleAggRemaining`. Tokens. */
function roleAggRemaining(pickerState: RolePairedState, role: string): number {
  let most = 0
  for (const state of pickerState) {
    const demand = state.get(role) ?? 0
    if (demand > most) most = demand
  }
  return most
}

/** Mirrors `applyAllocation`: lowers each entry's model-scope remaining by n x prc, clamped at 0. */
export function applyAllocation(ballot: BallotEntry[], variant: string, replicas: number): void {
  for (const entry of ballot) {
    const prc = prcOf(entry.result.variantCapacities, variant)
    if (prc <= 0) continue
    entry.remaining -= replicas * prc
    if (entry.remaining < 0) entry.remaining = 0
  }
}

/** Upstream `RolePickFn`: the variant to grow for a role and how many replicas it may take ("" = none). */
export type RolePick = (
  role: string,
  variants: readonly VariantCapacity[],
  states: ReadonlyMap<string, V2VariantInput>,
  available: ReadonlyMap<string, number> | undefined,
  targets: ReadonlyMap<string, number>,
) => {readonly variant: string; readonly cap: number}

/**
 * Mirrors `allocateForModelPaired`: per round, one pick per role, each sized to its own remaining demand; the joint
 * commit is trimmed to the least-utilised role. `available` (GPUs per accelerator) is charged when given.
 */
export function allocateForModelPaired(
  ballot: BallotEntry[],
  variants: readonly VariantCapacity[],
  states: ReadonlyMap<string, V2VariantInput>,
  available: Map<string, number> | undefined,
  targets: Map<string, number>,
  pick: RolePick,
  pickerState: RolePairedState,
  roles: readonly string[],
): void {
  while (anyRoleNeedsScaleUp(pickerState, roles)) {
    const picked = new Map<string, {variant: string; cap: number; prc: number}>()
    let allPicked = true
    for (const role of roles) {
      const choice = pick(role, variants, states, available, targets)
      if (choice.variant === '') {
        allPicked = false
        break
      }
      picked.set(role, {...choice, prc: prcOf(variants, choice.variant)})
    }
    if (!allPicked) break
    const replicasByRole = new Map<string, number>()
    const utilByRole = new Map<string, number>()
    for (const role of roles) {
      const {variant, cap, prc} = picked.get(role)!
      const replicas = Math.min(roleBottleneckReplicas(ballot, pickerState, role, variant), cap)
      replicasByRole.set(role, replicas)
      const demand = roleAggRemaining(pickerState, role)
      utilByRole.set(role, demand <= 0 ? 1 : (replicas * prc) / demand)
    }
    let deltaUtil = goMaxFloat64
    for (const role of roles) if (utilByRole.get(role)! < deltaUtil) deltaUtil = utilByRole.get(role)!
    if (deltaUtil <= 0) break
    const commitByRole = new Map<string, number>()
    let anyPositive = false
    for (const role of roles) {
      const demand = roleAggRemaining(pickerState, role)
      const {prc} = picked.get(role)!
      const replicas = replicasByRole.get(role)!
      let commit = 0
      if (prc > 0 && demand > 0) {
        commit = Math.max(int64FromFloat(Math.floor((deltaUtil * demand) / prc)), Math.min(1, replicas))
      }
      commitByRole.set(role, commit)
      if (commit > 0) anyPositive = true
    }
    if (!anyPositive) break
    for (const role of roles) {
      const {variant, prc} = picked.get(role)!
      const commit = commitByRole.get(role)!
      targets.set(variant, (targets.get(variant) ?? 0) + commit)
      for (const state of pickerState) state.set(role, Math.max(0, (state.get(role) ?? 0) - commit * prc))
      if (available !== undefined) {
        const accelerator = acceleratorOf(variants, variant)
        available.set(accelerator, (available.get(accelerator) ?? 0) - commit * gpusPerReplicaOf(states, variant))
      }
    }
    // The model-level remaining follows the prefill pick for P/D models, the `both` pick otherwise.
    for (const anchorRole of [rolePrefill, roleBoth]) {
      const choice = picked.get(anchorRole)
      if (choice !== undefined) {
        applyAllocation(ballot, choice.variant, commitByRole.get(anchorRole)!)
        break
      }
    }
  }
}

/** Mirrors `needsScaleDownForRole`: every live entry has spare for the role, and some entry is live. */
function needsScaleDownForRole(ballot: readonly BallotEntry[], role: string): boolean {
  let liveCount = 0
  for (const entry of ballot) {
    if (!entry.live) continue
    if (entry.roleSpare === undefined || (entry.roleSpare.get(role) ?? 0) <= 0) return false
    liveCount++
  }
  return liveCount > 0
}

/** Mirrors `safeRemovalReplicasForRole`: min over live entries of floor(spare / prc). */
function safeRemovalReplicasForRole(ballot: readonly BallotEntry[], variant: string, role: string): number {
  let smallest = goMaxInt
  let found = false
  for (const entry of ballot) {
    if (!entry.live || entry.roleSpare === undefined) continue
    const prc = prcOf(entry.result.variantCapacities, variant)
    if (prc <= 0) continue
    const replicas = int64FromFloat(Math.floor((entry.roleSpare.get(role) ?? 0) / prc))
    if (replicas < smallest) smallest = replicas
    found = true
  }
  return !found || smallest < 0 ? 0 : smallest
}

/** Mirrors `applyDeallocationForRole`. */
function applyDeallocationForRole(ballot: BallotEntry[], variant: string, role: string, replicas: number): void {
  for (const entry of ballot) {
    if (entry.roleSpare === undefined) continue
    const prc = prcOf(entry.result.variantCapacities, variant)
    if (prc <= 0) continue
    const spare = (entry.roleSpare.get(role) ?? 0) - replicas * prc
    entry.roleSpare.set(role, Math.max(spare, 0))
  }
}

/** Mirrors `sortVariantsForScaleDown`: cost descending, score-weighted capacity ascending, name ascending. */
function sortVariantsForScaleDown(
  ballot: readonly BallotEntry[],
  variants: readonly VariantCapacity[],
): VariantCapacity[] {
  const weighted = (name: string): number => {
    let sum = 0
    for (const entry of ballot) sum += entry.score * prcOf(entry.result.variantCapacities, name)
    return sum
  }
  return goSortSlice(variants, (left, right) => {
    if (left.cost !== right.cost) return left.cost > right.cost
    const leftWeight = weighted(left.variantName)
    const rightWeight = weighted(right.variantName)
    if (leftWeight !== rightWeight) return leftWeight < rightWeight
    return left.variantName < right.variantName
  })
}

/**
 * Mirrors `scaleDownVariantSet`: minReplicas floor, and the last (cheapest) keeps 1 unless an earlier one still has
 * replicas.
 */
function scaleDownVariantSet(
  sorted: readonly VariantCapacity[],
  targets: Map<string, number>,
  states: ReadonlyMap<string, V2VariantInput>,
  maxRemovable: (variant: VariantCapacity) => number,
  onRemove: (variant: VariantCapacity, replicas: number) => void,
): void {
  sorted.forEach((variant, index) => {
    if (variant.perReplicaCapacity <= 0) return
    const current = targets.get(variant.variantName) ?? 0
    const minReplicas = optionalInt(states.get(variant.variantName)?.minReplicas) ?? 0
    const removable = current - minReplicas
    if (removable <= 0) return
    let replicas = Math.min(maxRemovable(variant), removable)
    const isLast = index === sorted.length - 1
    const isEarlierHolding = sorted.slice(0, index).some((other) => (targets.get(other.variantName) ?? 0) > 0)
    if (isLast && current - replicas < 1 && !isEarlierHolding) replicas = current - 1
    if (replicas <= 0) return
    targets.set(variant.variantName, current - replicas)
    onRemove(variant, replicas)
  })
}

/** Mirrors `scaleDownRoleIterated`: per role (sorted), when every live entry has spare for it. */
export function scaleDownRoleIterated(
  ballot: BallotEntry[],
  variants: readonly VariantCapacity[],
  targets: Map<string, number>,
  states: ReadonlyMap<string, V2VariantInput>,
): void {
  for (const role of rolesOf(variants)) {
    if (!needsScaleDownForRole(ballot, role)) continue
    const roleVariants = variantsForRole(variants, role)
    if (roleVariants.length === 0) continue
    scaleDownVariantSet(
      sortVariantsForScaleDown(ballot, roleVariants),
      targets,
      states,
      (variant) => safeRemovalReplicasForRole(ballot, variant.variantName, role),
      (variant, replicas) => applyDeallocationForRole(ballot, variant.variantName, role, replicas),
    )
  }
}

/**
 * Mirrors `buildDecisionsWithOptimizer` (v0.8+ reasons); sorted by variant name instead of Go map order.
 * `carriesCapacitySignals` false: v0.8, whose decisions leave RC, SC and utilization at 0.
 */
export function buildDecisions(
  modelId: string,
  namespace: string,
  anchor: V2Analysis,
  states: ReadonlyMap<string, V2VariantInput>,
  targets: ReadonlyMap<string, number>,
  optimizerName: string,
  carriesCapacitySignals = true,
): V2Decision[] {
  const byName = new Map(anchor.variantCapacities.map((variant) => [variant.variantName, variant]))
  return [...targets.keys()].sort(compareGoStrings).map((name): V2Decision => {
    const state = states.get(name)
    const variant = byName.get(name)
    const current = state?.currentReplicas ?? 0
    const target = targets.get(name)!
    const action = actionOf(target, current)
    const role = state?.role ?? ''
    const roleKey = canonicalRole(role)
    const roles = anchor.roleCapacities
    const roleCapacity = roles !== undefined && Object.hasOwn(roles, roleKey) ? roles[roleKey] : undefined
    return {
      modelId,
      namespace,
      variantName: name,
      acceleratorName: variant?.acceleratorName ?? '',
      cost: variant?.cost ?? 0,
      role,
      currentReplicas: current,
      targetReplicas: target,
      action,
      reasonCategory: 'V2',
      reason: action === 'no-change' ? 'V2' : `V2 (optimizer: ${optimizerName})`,
      requiredCapacity: carriesCapacitySignals ? (roleCapacity?.requiredCapacity ?? anchor.requiredCapacity) : 0,
      spareCapacity: carriesCapacitySignals ? (roleCapacity?.spareCapacity ?? anchor.spareCapacity) : 0,
      utilization: carriesCapacitySignals ? (variant?.utilization ?? 0) : 0,
      minReplicas: optionalInt(state?.minReplicas),
      maxReplicas: optionalInt(state?.maxReplicas),
    }
  })
}
