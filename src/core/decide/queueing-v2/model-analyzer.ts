import {InputError} from '../../errors.js'
import type {ServiceParmsV2} from './service-time.js'
import {inferSLOTarget, type SLOTargetSource} from './slo-target.js'
import {
  aggregateWorkloadMetrics,
  type ReplicaWorkload,
  type SLOTargetV2,
  sizeVariantCapacity,
  type VariantSizing,
  variantMaxBatchSize,
} from './variant-capacity.js'

/**
 * One model through the queueing-model analyzer. Mirrors upstream QueueingModelAnalyzer.Analyze and
 * computeAllVariantCapacities (internal/engines/analyzers/queueingmodel/analyzer.go, v0.6.0-v0.9.0), except the
 * online EKF tuner: the learned alpha, beta, gamma per variant are an input here (`serviceParmsByVariant`).
 * Deviation from upstream: the tuner would first update those parameters from this cycle's observations.
 */

/**
 * Largest number of pods or variants accepted for one model. Not upstream: each is a loop over the input, and
 * a model with more pods than this is a malformed snapshot, not a deployment.
 */
export const MAX_REPLICAS_PER_MODEL = 100_000
export const MAX_VARIANTS_PER_MODEL = 10_000

/** Replica counts of one variant (upstream domain.VariantReplicaState, the fields used). */
export interface VariantReplicaState {
  readonly variantName: string
  readonly currentReplicas: number
  readonly pendingReplicas: number
  /** "prefill", "decode", "both" or "" (carried through; the analyzer does not read it) */
  readonly role: string
}

/** Capacity of one variant, requests per second. Upstream domain.VariantCapacity as this analyzer fills it. */
export interface VariantCapacityV2 {
  readonly variantName: string
  /** from the variant's first pod; "" when it has none */
  readonly acceleratorName: string
  /** from the variant's first pod; 0 when it has none */
  readonly cost: number
  readonly role: string
  /** ready replicas: max(current - pending, 0) */
  readonly replicaCount: number
  readonly pendingReplicas: number
  /** 0 when the variant could not be sized (see `sizing`) */
  readonly perReplicaCapacityRps: number
  /** desired replicas x per-replica capacity; 0 when not sized */
  readonly totalCapacityRps: number
  /** total arrival rate of the variant; 0 when not sized */
  readonly totalDemandRps: number
  /** arrival per desired replica / per-replica capacity; 0 when not sized */
  readonly utilization: number
  /** the sizing outcome, or 'no-replicas' when no pod of the variant reported metrics */
  readonly sizing: VariantSizing | {readonly kind: 'no-replicas'; readonly reason: string}
}

export interface QueueingModelInput {
  readonly modelId: string
  readonly namespace: string
  /** every pod of the model, in collector order (the order decides the SLO tie-breaks and first-pod lookups) */
  readonly replicaMetrics: readonly ReplicaWorkload[]
  readonly variantStates: readonly VariantReplicaState[]
  /** learned parameters per variant name (what the tuner's parameter store holds) */
  readonly serviceParmsByVariant: ReadonlyMap<string, ServiceParmsV2>
  /** the ConfigMap's targets for "namespace/modelID", if any */
  readonly configuredSLOTarget: SLOTargetV2 | undefined
  /** the ConfigMap's sloMultiplier; <= 1 or absent means DEFAULT_SLO_MULTIPLIER */
  readonly sloMultiplier?: number
}

export type QueueingModelAnalysis =
  | {
      readonly ok: true
      readonly sloTarget: SLOTargetV2
      readonly sloTargetSource: SLOTargetSource
      /** in variantStates order */
      readonly variantCapacities: readonly VariantCapacityV2[]
      /** sum of totalCapacityRps */
      readonly totalSupplyRps: number
      /** sum of totalDemandRps */
      readonly totalDemandRps: number
      /** demand / supply, 0 without supply */
      readonly utilization: number
      /** max(0, demand - supply) */
      readonly requiredCapacityRps: number
      /** max(0, supply - demand) */
      readonly spareCapacityRps: number
    }
  | {readonly ok: false; readonly error: string}

/**
 * Upstream's analysis of one model: SLO target, per-variant capacities and the model's supply and demand.
 * Throws InputError when the pod or variant count exceeds its limit, or a pod reports a max batch size the queue
 * analyzer refuses (see MAX_BATCH_SIZE_LIMIT); upstream's own failures are results, never thrown.
 */
export function analyzeQueueingModel(input: QueueingModelInput): QueueingModelAnalysis {
  assertModelBounds(input)
  const variantNames = variantNamesInOrder(input.replicaMetrics)
  const metricsByVariant = groupByVariant(input.replicaMetrics)

  let sloTarget: SLOTargetV2
  let sloTargetSource: SLOTargetSource
  if (input.configuredSLOTarget === undefined) {
    const workload = aggregateWorkloadMetrics(input.replicaMetrics)
    const inferred = inferSLOTarget(variantNames, input.serviceParmsByVariant, workload, input.sloMultiplier ?? 0)
    if (inferred === undefined) {
      return {ok: false, error: `failed to analyze variants due to lack of SLO targets for model "${input.modelId}"`}
    }
    sloTarget = inferred.target
    sloTargetSource = inferred.source
  } else {
    sloTarget = input.configuredSLOTarget
    sloTargetSource = 'config'
  }

  const variantCapacities = input.variantStates.map((state) => {
    const replicas = metricsByVariant.get(state.variantName) ?? []
    return computeVariantCapacity(state, replicas, input.serviceParmsByVariant, sloTarget)
  })
  if (variantCapacities.length === 0) {
    return {ok: false, error: `could not compute variant capacities for model "${input.modelId}"`}
  }
  let totalSupplyRps = 0
  let totalDemandRps = 0
  for (const capacity of variantCapacities) {
    totalSupplyRps += capacity.totalCapacityRps
    totalDemandRps += capacity.totalDemandRps
  }
  return {
    ok: true,
    sloTarget,
    sloTargetSource,
    variantCapacities,
    totalSupplyRps,
    totalDemandRps,
    utilization: totalSupplyRps > 0 ? totalDemandRps / totalSupplyRps : 0,
    requiredCapacityRps: Math.max(0, totalDemandRps - totalSupplyRps),
    spareCapacityRps: Math.max(0, totalSupplyRps - totalDemandRps),
  }
}

function computeVariantCapacity(
  state: VariantReplicaState,
  replicas: readonly ReplicaWorkload[],
  serviceParmsByVariant: ReadonlyMap<string, ServiceParmsV2>,
  sloTarget: SLOTargetV2,
): VariantCapacityV2 {
  const first = replicas[0]
  const base = {
    variantName: state.variantName,
    acceleratorName: first?.acceleratorName ?? '',
    cost: first?.cost ?? 0,
    role: state.role,
    replicaCount: Math.max(state.currentReplicas - state.pendingReplicas, 0),
    pendingReplicas: state.pendingReplicas,
  }
  const zero = {perReplicaCapacityRps: 0, totalCapacityRps: 0, totalDemandRps: 0, utilization: 0}
  if (first === undefined) {
    return {...base, ...zero, sizing: {kind: 'no-replicas', reason: 'no replicas for variant'}}
  }
  const workload = aggregateWorkloadMetrics(replicas)
  // Upstream checks busy pods before parameters; sizeVariantCapacity keeps that order.
  const sizing = sizeVariantCapacity({
    serviceParms: serviceParmsByVariant.get(state.variantName),
    maxBatchSize: variantMaxBatchSize(replicas),
    workload,
    targets: sloTarget,
  })
  if (sizing.kind !== 'sized') return {...base, ...zero, sizing}
  return {
    ...base,
    perReplicaCapacityRps: sizing.perReplicaCapacityRps,
    totalCapacityRps: sizing.totalCapacityRps,
    totalDemandRps: sizing.totalArrivalRateRps,
    utilization: sizing.utilization,
    sizing,
  }
}

/** Upstream getVariantNames: each variant once, in the order its first pod appears. */
function variantNamesInOrder(replicas: readonly ReplicaWorkload[]): string[] {
  return [...new Set(replicas.map((replica) => replica.variantName))]
}

/** Upstream groupMetricsByVariant: pods per variant, in input order. */
function groupByVariant(replicas: readonly ReplicaWorkload[]): Map<string, ReplicaWorkload[]> {
  const grouped = new Map<string, ReplicaWorkload[]>()
  for (const replica of replicas) {
    const group = grouped.get(replica.variantName)
    if (group === undefined) grouped.set(replica.variantName, [replica])
    else group.push(replica)
  }
  return grouped
}

function assertModelBounds(input: QueueingModelInput): void {
  if (input.replicaMetrics.length > MAX_REPLICAS_PER_MODEL || input.variantStates.length > MAX_VARIANTS_PER_MODEL) {
    throw new InputError(
      `queueing model ${input.namespace}/${input.modelId}: ${input.replicaMetrics.length} pods and ` +
        `${input.variantStates.length} variants exceed the limits (${MAX_REPLICAS_PER_MODEL} pods, ` +
        `${MAX_VARIANTS_PER_MODEL} variants)`,
      {hint: 'check the snapshot: one model should list each pod and variant once'},
    )
  }
}
