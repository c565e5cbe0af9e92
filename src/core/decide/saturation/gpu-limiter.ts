/**
 * saturation v0.5.1 GPU limiter: `NewDefaultLimiter("gpu-limiter", TypeInventory, GreedyBySaturation)` from
 * internal/engines/pipeline/{default_limiter,type_inventory,greedy_saturation_algorithm}.go. It runs once per cycle
 * over the decisions of all models, only when the global `default.enableLimiter` is true. Spec:
 * saturation-algorithm.md section 6.
 */
import {deriveScalingAction} from './scaling-action.js'
import {compareNumbers, type ScalingAction} from './types.js'

export const gpuLimiterName = 'gpu-limiter'

/** What GPU discovery returns: node name -> product name (e.g. `NVIDIA-H100-80GB-HBM3`) -> GPUs on that node. */
export type DiscoveredGpus = Readonly<Record<string, Readonly<Record<string, {readonly count: number}>>>>

/** Discovery either worked or failed with its error text. */
export type GpuDiscovery =
  | {readonly kind: 'ok'; readonly nodes: DiscoveredGpus}
  | {readonly kind: 'failed'; readonly error: string}

/** A decision as the limiter sees it (upstream `VariantDecision` fields it reads). */
export interface LimiterDecisionInput {
  readonly variantName: string
  readonly namespace: string
  readonly modelId: string
  /** The VA's accelerator label, used as is (never normalised). */
  readonly acceleratorName: string
  readonly currentReplicas: number
  readonly targetReplicas: number
  /** Raw value: 0 counts 0 GPUs of usage but is taken as 1 when allocating. */
  readonly gpusPerReplica: number
  /** KV fraction; lower = more saturated = served first. */
  readonly spareCapacity: number
  readonly cost: number
}

/** Upstream `DecisionStep` appended by the limiter. */
export interface LimiterStep {
  readonly name: typeof gpuLimiterName
  /** Not updated by the limiter: a cut decision may still say scale-up. */
  readonly action: ScalingAction
  readonly targetReplicas: number
  readonly wasConstrained: boolean
  readonly reason: string
}

export interface LimitedDecision extends LimiterDecisionInput {
  /** The action derived from the original target (upstream never updates it). */
  readonly action: ScalingAction
  readonly originalTargetReplicas: number
  readonly gpusAllocated: number
  readonly wasLimited: boolean
  /** `gpu-limiter` when the limiter cut the target. */
  readonly limitedBy: typeof gpuLimiterName | undefined
  /** undefined when the limiter failed before allocating. */
  readonly step: LimiterStep | undefined
}

/** GPU counts per accelerator type, before allocation. */
export interface GpuInventory {
  /** Discovered GPUs per normalised type. */
  readonly limitByType: ReadonlyMap<string, number>
  /** GPUs in use per decision accelerator label (current x gpusPerReplica). */
  readonly usedByType: ReadonlyMap<string, number>
  /** max(0, limit - used) per type present in the limits. */
  readonly availableByType: ReadonlyMap<string, number>
  readonly totalLimit: number
  readonly totalUsed: number
  /** max(0, totalLimit - totalUsed). */
  readonly totalAvailable: number
}

export type GpuLimiterResult =
  | {
      readonly kind: 'limited'
      readonly inventory: GpuInventory
      /** Candidate names in processing order. */
      readonly allocationOrder: readonly string[]
      readonly decisions: readonly LimitedDecision[]
    }
  | {
      readonly kind: 'failed'
      /** Upstream's `Limit` error; the engine then proceeds with the unlimited decisions. */
      readonly error: string
      /** The order the candidates would have been processed in. */
      readonly allocationOrder: readonly string[]
      readonly decisions: readonly LimitedDecision[]
    }

/**
 * Mirrors upstream `normalizeAcceleratorName`: the product name without vendor prefix and suffixes, case kept
 * (`NVIDIA-H100-80GB-HBM3` -> `H100`, `Intel-Gaudi-2-96GB` -> `Gaudi-2`).
 */
export function normalizeAcceleratorName(productName: string): string {
  if (!productName.includes('-')) return productName
  const parts = productName.split('-')
  if (parts[0]!.toUpperCase() === 'INTEL' && parts.length >= 3) return `${parts[1]}-${parts[2]}`
  // NVIDIA, AMD, a short Intel name and any other vendor all take the second part.
  return parts[1]!
}

function add(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount)
}

/** Mirrors `TypeInventory.Refresh` plus the usage pass of `DefaultLimiter.Limit`. */
export function buildGpuInventory(nodes: DiscoveredGpus, decisions: readonly LimiterDecisionInput[]): GpuInventory {
  const limitByType = new Map<string, number>()
  let totalLimit = 0
  for (const products of Object.values(nodes)) {
    for (const [productName, capacity] of Object.entries(products)) {
      add(limitByType, normalizeAcceleratorName(productName), capacity.count)
      totalLimit += capacity.count
    }
  }
  const usedByType = new Map<string, number>()
  let totalUsed = 0
  for (const decision of decisions) {
    if (decision.acceleratorName === '') continue
    const used = decision.currentReplicas * decision.gpusPerReplica
    add(usedByType, decision.acceleratorName, used)
    totalUsed += used
  }
  const availableByType = new Map<string, number>()
  for (const [type, limit] of limitByType) availableByType.set(type, Math.max(0, limit - (usedByType.get(type) ?? 0)))
  return {
    limitByType,
    usedByType,
    availableByType,
    totalLimit,
    totalUsed,
    totalAvailable: Math.max(0, totalLimit - totalUsed),
  }
}

/**
 * Scale-up candidates in `GreedyBySaturation` order: spare capacity ascending, then cost ascending. Upstream's
 * sort.Slice is an insertion sort (stable) for up to 12 candidates; this port is stable for any count.
 */
export function orderGpuCandidates(decisions: readonly LimiterDecisionInput[]): LimiterDecisionInput[] {
  return orderCandidateIndexes(decisions).map((index) => decisions[index]!)
}

function orderCandidateIndexes(decisions: readonly LimiterDecisionInput[]): number[] {
  return decisions
    .flatMap((decision, index) => (decision.targetReplicas > decision.currentReplicas ? [index] : []))
    .sort((leftIndex, rightIndex) => {
      const left = decisions[leftIndex]!
      const right = decisions[rightIndex]!
      return compareNumbers(left.spareCapacity, right.spareCapacity) || compareNumbers(left.cost, right.cost)
    })
}

interface Grant {
  readonly targetReplicas: number
  readonly gpusAllocated: number
  readonly wasLimited: boolean
}

function formatStepReason(decision: LimiterDecisionInput, grant: Grant): string {
  const change = grant.targetReplicas - decision.currentReplicas
  if (change <= 0) return `no scale-up (target=${grant.targetReplicas}, current=${decision.currentReplicas})`
  const allocated = `allocated ${grant.gpusAllocated} GPUs for +${change} replicas`
  return grant.wasLimited ? `limited: ${allocated}` : allocated
}

/** Mirrors `DefaultLimiter.Limit` with the type inventory and the greedy-by-saturation algorithm. */
export function limitDecisionsByGpu(
  discovery: GpuDiscovery,
  decisions: readonly LimiterDecisionInput[],
): GpuLimiterResult {
  const candidateIndexes = orderCandidateIndexes(decisions)
  const allocationOrder = candidateIndexes.map((index) => decisions[index]!.variantName)
  const untouched = (decision: LimiterDecisionInput): LimitedDecision => ({
    ...decision,
    action: deriveScalingAction(decision.targetReplicas, decision.currentReplicas),
    originalTargetReplicas: decision.targetReplicas,
    gpusAllocated: 0,
    wasLimited: false,
    limitedBy: undefined,
    step: undefined,
  })
  switch (discovery.kind) {
    case 'failed':
      return {
        kind: 'failed',
        error: `failed to refresh inventory: failed to discover accelerator capacity: ${discovery.error}`,
        allocationOrder,
        decisions: decisions.map(untouched),
      }
    case 'ok':
      break
  }
  const inventory = buildGpuInventory(discovery.nodes, decisions)
  // Only types with a discovered limit have a pool; a label that is not a normalised type sees 0 free GPUs.
  const freeByType = new Map(inventory.availableByType)
  const grants = new Map<number, Grant>()
  for (const index of candidateIndexes) {
    const candidate = decisions[index]!
    const needReplicas = candidate.targetReplicas - candidate.currentReplicas
    const gpusPerReplica = candidate.gpusPerReplica > 0 ? candidate.gpusPerReplica : 1
    const requestedGpus = needReplicas * gpusPerReplica
    const free = freeByType.get(candidate.acceleratorName) ?? 0
    const grantedGpus =
      requestedGpus <= 0 || candidate.acceleratorName === '' || free <= 0 ? 0 : Math.min(requestedGpus, free)
    // A partial grant consumes every granted GPU, even the remainder that makes no whole replica.
    if (grantedGpus > 0) freeByType.set(candidate.acceleratorName, free - grantedGpus)
    const addedReplicas = Math.floor(grantedGpus / gpusPerReplica)
    grants.set(index, {
      targetReplicas: candidate.currentReplicas + addedReplicas,
      gpusAllocated: addedReplicas * gpusPerReplica,
      wasLimited: addedReplicas < needReplicas,
    })
  }
  const limited = decisions.map((decision, index): LimitedDecision => {
    const grant = grants.get(index) ?? {targetReplicas: decision.targetReplicas, gpusAllocated: 0, wasLimited: false}
    const base = untouched(decision)
    return {
      ...base,
      targetReplicas: grant.targetReplicas,
      gpusAllocated: grant.gpusAllocated,
      wasLimited: grant.wasLimited,
      limitedBy: grant.wasLimited ? gpuLimiterName : undefined,
      step: {
        name: gpuLimiterName,
        action: base.action,
        targetReplicas: grant.targetReplicas,
        wasConstrained: grant.wasLimited,
        reason: formatStepReason(decision, grant),
      },
    }
  })
  return {kind: 'limited', inventory, allocationOrder, decisions: limited}
}
