/**
 * v0.9.0 `GreedyByScoreOptimizer` (upstream internal/engines/pipeline/greedy_score_optimizer.go), the V2 optimizer
 * when `enableLimiter` is true and some constraint provider answered: models needing capacity share the GPUs each
 * provider leaves (the tightest per accelerator type, and per namespace when a quota has namespace pools) by
 * fair-share value, priority x RC; the others scale down as the cost-aware optimizer does. Rescale (off by default)
 * is not ported.
 */
import {int64FromFloat} from './int64.js'
import {goSortSlice} from './go-sort.js'
import {
  allocateForModelPaired,
  anyRoleNeedsScaleUp,
  bindingAnchor,
  buildDecisions,
  buildStateMap,
  goMaxInt,
  initRoleState,
  initTargets,
  saturationBallot,
  scaleDownRoleIterated,
  sortByCostEfficiencyAsc,
  variantsForRole,
  type BallotEntry,
  type RolePairedState,
  type RolePick,
} from './pipeline.js'
import {optionalInt, roleBoth, type V2Analysis, type V2Decision, type V2VariantInput} from './types.js'

export const greedyByScoreOptimizerName = 'greedy-by-score'

/** GPUs of one accelerator type as a provider sees them. `limit` -1 (any negative) = unlimited. */
export interface ResourcePool {
  readonly limit: number
  readonly used: number
}

/** One provider's constraints (upstream `ResourceConstraints`; totals are informational and not read). */
export interface ResourceConstraints {
  readonly providerName: string
  /** Accelerator type -> pool. A type missing here has no budget from this provider. */
  readonly pools: Readonly<Record<string, ResourcePool>>
  /** Namespace -> accelerator type -> pool: a closed allow-list per namespace present. */
  readonly namespacePools?: Readonly<Record<string, Readonly<Record<string, ResourcePool>>>> | undefined
}

/** One analysed model handed to the optimizer (upstream `ModelScalingRequest` with the saturation ballot). */
export interface GreedyModelRequest {
  readonly modelId: string
  readonly namespace: string
  /** Saturation config `priority` (default 1). */
  readonly priority: number
  readonly analysis: V2Analysis
  readonly variants: readonly V2VariantInput[]
}

/** Mirrors `ResourcePool.Available`: limit - used, at least 0. GPUs. */
export function availableGpus(pool: ResourcePool): number {
  return Math.max(0, pool.limit - pool.used)
}

function entriesOf<V>(record: Readonly<Record<string, V>>): Array<[string, V]> {
  return Object.keys(record).map((key) => [key, record[key]!])
}

/** Mirrors `mergeConstraints`: per type the smallest available over providers; an unlimited pool alone = MaxInt. */
export function mergeConstraints(constraints: readonly ResourceConstraints[]): Map<string, number> {
  const merged = new Map<string, number>()
  for (const constraint of constraints) {
    for (const [type, pool] of entriesOf(constraint.pools)) {
      if (pool.limit < 0) {
        if (!merged.has(type)) merged.set(type, goMaxInt)
        continue
      }
      const existing = merged.get(type)
      if (existing === undefined || availableGpus(pool) < existing) merged.set(type, availableGpus(pool))
    }
  }
  return merged
}

/** Mirrors `mergeNamespaceConstraints` (-1 = unlimited, `tighterBudget`); undefined when no provider has any. */
export function mergeNamespaceConstraints(
  constraints: readonly ResourceConstraints[],
): Map<string, Map<string, number>> | undefined {
  let merged: Map<string, Map<string, number>> | undefined
  for (const constraint of constraints) {
    for (const [namespace, perType] of entriesOf(constraint.namespacePools ?? {})) {
      merged ??= new Map()
      const inner = merged.get(namespace) ?? new Map<string, number>()
      merged.set(namespace, inner)
      for (const [type, pool] of entriesOf(perType)) {
        const budget = pool.limit < 0 ? -1 : availableGpus(pool)
        const existing = inner.get(type)
        inner.set(type, existing === undefined ? budget : tighterBudget(existing, budget))
      }
    }
  }
  return merged
}

function tighterBudget(left: number, right: number): number {
  if (left < 0) return right
  if (right < 0) return left
  return Math.min(right, left)
}

/** Mirrors `effectiveAvailable`: the namespace's allow-list capped by the cluster budget, or the cluster budget. */
function effectiveAvailable(
  available: ReadonlyMap<string, number>,
  namespaceBudget: ReadonlyMap<string, number> | undefined,
): Map<string, number> {
  if (namespaceBudget === undefined) return new Map(available)
  const effective = new Map<string, number>()
  for (const [type, namespaceAvailable] of namespaceBudget) {
    const cluster = available.get(type)
    if (namespaceAvailable < 0) effective.set(type, cluster ?? goMaxInt)
    else effective.set(type, cluster !== undefined && cluster < namespaceAvailable ? cluster : namespaceAvailable)
  }
  return effective
}

/** Mirrors `fairShareValue`: priority x score-weighted remaining demand, else the largest remaining demand. Tokens. */
function fairShareValue(
  priority: number,
  ballot: readonly BallotEntry[],
  pickerState: RolePairedState,
  roles: readonly string[],
): number {
  let weighted = 0
  ballot.forEach((entry, index) => {
    let roleSum = 0
    for (const role of roles) if (index < pickerState.length) roleSum += pickerState[index]!.get(role) ?? 0
    weighted += roleSum * entry.score
  })
  const value = priority * weighted
  if (value > 0) return value
  let maxDemand = 0
  ballot.forEach((_entry, index) => {
    if (index >= pickerState.length) return
    for (const role of roles) {
      const demand = pickerState[index]!.get(role) ?? 0
      if (demand > maxDemand) maxDemand = demand
    }
  })
  return maxDemand
}

/** Mirrors `fairShareRolePick`: the most cost-efficient variant of the role with GPUs for a replica and headroom. */
function fairShareRolePick(target: number): RolePick {
  return (role, variants, states, available, targets) => {
    for (const variant of sortByCostEfficiencyAsc(variantsForRole(variants, role))) {
      if (variant.perReplicaCapacity <= 0) continue
      const state = states.get(variant.variantName)
      const gpusPerReplica = (state?.gpusPerReplica ?? 0) > 0 ? state!.gpusPerReplica : 1
      const gpusAvailable = available?.get(variant.acceleratorName) ?? 0
      if (gpusAvailable < gpusPerReplica) continue
      const fairShareCap = int64FromFloat(Math.ceil(target / variant.perReplicaCapacity))
      let cap = Math.min(fairShareCap, Math.trunc(gpusAvailable / gpusPerReplica))
      const maxReplicas = optionalInt(state?.maxReplicas)
      if (maxReplicas !== undefined && maxReplicas > 0) {
        const headroom = maxReplicas - (targets.get(variant.variantName) ?? 0)
        if (headroom <= 0) continue
        cap = Math.min(cap, headroom)
      }
      if (cap > 0) return {variant: variant.variantName, cap}
    }
    return {variant: '', cap: 0}
  }
}

/** Upstream `modelWork`. */
interface ModelWork {
  readonly request: GreedyModelRequest
  readonly ballot: BallotEntry[]
  readonly anchor: V2Analysis
  readonly roles: readonly string[]
  /** Fair-share value still wanted; -1 = done. */
  remaining: number
  readonly targets: Map<string, number>
}

/** Mirrors `allocateForModel`: grow one model towards `remaining - mean` within its effective GPU budget. */
function allocateForModel(
  work: ModelWork,
  mean: number,
  available: Map<string, number>,
  availableByNamespace: Map<string, Map<string, number>> | undefined,
): boolean {
  const target = work.remaining - mean
  if (target <= 0) return false
  const states = buildStateMap(work.request.variants)
  const oldRemaining = work.remaining
  const {pickerState} = initRoleState(work.ballot)
  for (const state of pickerState) {
    for (const role of work.roles) if ((state.get(role) ?? 0) > target) state.set(role, target)
  }
  const namespaceBudget = availableByNamespace?.get(work.request.namespace)
  const effective = effectiveAvailable(available, namespaceBudget)
  const before = new Map(effective)
  const variants = work.anchor.variantCapacities
  const pick = fairShareRolePick(target)
  allocateForModelPaired(work.ballot, variants, states, effective, work.targets, pick, pickerState, work.roles)
  for (const [type, previous] of before) {
    const consumed = previous - (effective.get(type) ?? 0)
    if (consumed <= 0) continue
    const cluster = available.get(type)
    // Deviation from upstream only in precision: MaxInt budgets are 2^63 here, and never decremented there either.
    if (cluster !== undefined && cluster !== goMaxInt) available.set(type, cluster - consumed)
    const namespaceCap = namespaceBudget?.get(type)
    if (namespaceBudget !== undefined && namespaceCap !== undefined && namespaceCap >= 0) {
      namespaceBudget.set(type, namespaceCap - consumed)
    }
  }
  // A `both` model re-reads its demand from the ballot (lowered by applyAllocation); P/D keep the picker state.
  const isSingleRole = work.roles.length === 1 && work.roles[0] === roleBoth
  const demand = isSingleRole ? initRoleState(work.ballot).pickerState : pickerState
  work.remaining = fairShareValue(work.request.priority, work.ballot, demand, work.roles)
  return work.remaining < oldRemaining
}

/** Mirrors `fairShareScaleUp`: the model furthest above the mean gets GPUs first, until budgets or demand run out. */
function fairShareScaleUp(
  work: readonly ModelWork[],
  available: Map<string, number>,
  availableByNamespace: Map<string, Map<string, number>> | undefined,
): void {
  // Each round either marks a model done or strictly lowers its remaining value; bound it all the same.
  for (let round = 0; round < maxFairShareRounds; round++) {
    const active = work.filter((entry) => entry.remaining > 0)
    if (active.length === 0) return
    let totalGpus = 0
    for (const gpus of available.values()) {
      if (gpus === goMaxInt) {
        totalGpus = goMaxInt
        break
      }
      totalGpus += gpus
    }
    if (totalGpus === 0) return
    let total = 0
    for (const entry of active) total += entry.remaining
    const mean = total / active.length
    const sorted = goSortSlice(active, (left, right) => left.remaining > right.remaining)
    const chosen = sorted[0]!
    let allocationMean = mean
    if (sorted.length === 1) allocationMean = 0
    else if (chosen.remaining <= mean) allocationMean = mean - chosen.remaining / sorted.length
    if (!allocateForModel(chosen, allocationMean, available, availableByNamespace)) {
      chosen.remaining = -1
      continue
    }
    if (chosen.remaining > mean) chosen.remaining = -1
  }
}

/** Upper bound on fair-share rounds (upstream loops until no model is active). */
export const maxFairShareRounds = 1_000_000

/**
 * Mirrors `GreedyByScoreOptimizer.Optimize` with rescale off: decisions of every model, sorted by namespace, model
 * and variant (upstream returns them in request order; the engine builds requests from a Go map).
 */
export function optimizeGreedyByScore(
  requests: readonly GreedyModelRequest[],
  constraints: readonly ResourceConstraints[],
): V2Decision[] {
  const available = mergeConstraints(constraints)
  const availableByNamespace = mergeNamespaceConstraints(constraints)
  const scaleUpWork: ModelWork[] = []
  const others: Array<{request: GreedyModelRequest; anchor: V2Analysis}> = []
  for (const request of requests) {
    const ballot = saturationBallot(request.analysis)
    const anchor = bindingAnchor(ballot, true)
    if (anchor === undefined) continue
    const {roles, pickerState} = initRoleState(ballot)
    const value = fairShareValue(request.priority, ballot, pickerState, roles)
    if (anyRoleNeedsScaleUp(pickerState, roles) || value > 0) {
      // buildScaleUpWork drops a model whose fair-share value is not positive.
      const targets = initTargets(request.variants)
      if (value > 0) scaleUpWork.push({request, ballot, anchor, roles, remaining: value, targets})
    } else others.push({request, anchor})
  }
  fairShareScaleUp(scaleUpWork, available, availableByNamespace)
  const decisions: V2Decision[] = []
  for (const work of scaleUpWork) {
    const states = buildStateMap(work.request.variants)
    const {modelId, namespace} = work.request
    decisions.push(...buildDecisions(modelId, namespace, work.anchor, states, work.targets, greedyByScoreOptimizerName))
  }
  for (const {request, anchor} of others) {
    const ballot = saturationBallot(request.analysis)
    const states = buildStateMap(request.variants)
    const targets = initTargets(request.variants)
    initRoleState(ballot)
    scaleDownRoleIterated(ballot, anchor.variantCapacities, targets, states)
    const {modelId, namespace} = request
    decisions.push(...buildDecisions(modelId, namespace, anchor, states, targets, greedyByScoreOptimizerName))
  }
  return decisions.sort(
    (left, right) =>
      compare(left.namespace, right.namespace) ||
      compare(left.modelId, right.modelId) ||
      compare(left.variantName, right.variantName),
  )
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}
