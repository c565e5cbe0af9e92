import type {SloName} from './bisection.js'
import {f32} from './float32.js'
import {
  type AchievedPerf,
  type AnalysisMetrics,
  type AnalyzedModel,
  type AnalyzeResult,
  analyzeRate,
  createQueueAnalyzer,
  type QueueAnalyzer,
  type QueueConfig,
  type SizeResult,
  sizeForTargets,
  type TargetPerf,
  type TargetRate,
} from './queue-analyzer.js'
import type {QueueWorkspace} from './queue-model.js'
import type {RequestSize, ServiceParms} from './service-time.js'

/** Queue limit = this many max batches; upstream config.MaxQueueToBatchRatio. */
export const MAX_QUEUE_TO_BATCH_RATIO = 10
/** Penalty factor for moving to another accelerator; upstream config.AccelPenaltyFactor. */
export const ACCEL_PENALTY_FACTOR = f32(0.1)

/** One candidate: replicas of a server on an accelerator. Mirrors upstream core.Allocation; float32 fields. */
export interface Allocation {
  /** "" for the zero-replica allocation of an idle server that may scale to zero */
  readonly accelerator: string
  readonly numReplicas: number
  readonly maxBatch: number
  /** unit cost x accelerator units per replica x replicas */
  readonly cost: number
  /** what the solvers minimise: the cost when created, then the transition penalty from the current allocation */
  readonly value: number
  /** predicted ITL at the per-replica load */
  readonly itlMs: number
  /** predicted TTFT (wait + prefill) at the per-replica load */
  readonly ttftMs: number
  /** predicted batch occupancy at the per-replica load */
  readonly rho: number
  readonly maxArrvRatePerReplicaPerMs: number
  /** the same rate per minute: r(r(perMs * 1000) * 60), upstream Allocation.MaxRPM */
  readonly maxRpmPerReplica: number
}

/** Load of a server (upstream config.ServerLoadSpec): arrival in req/min (float32), tokens as integers. */
export interface ServerLoad {
  readonly arrivalRateRpm: number
  readonly avgInTokens: number
  readonly avgOutTokens: number
}

/** Everything CreateAllocation looks up for one server on one accelerator. */
export interface AllocationContext {
  readonly acceleratorName: string
  /** float32, per accelerator unit */
  readonly unitCost: number
  /** accelerator units per replica (upstream Model.NumInstances: accCount, <= 0 counts as 1) */
  readonly numInstances: number
  readonly serviceParms: ServiceParms
  /** profile max batch (perf.maxBatchSize) */
  readonly perfMaxBatchSize: number
  /** profile batch scaling tokens (perf.atTokens; 0 from the controller) */
  readonly atTokens: number
  /** server max batch override; <= 0 means none */
  readonly serverMaxBatchSize: number
  readonly minNumReplicas: number
  readonly load: ServerLoad
  readonly targets: TargetPerf
}

export interface SizeDetails {
  readonly targetTTFTMs: number
  readonly targetITLMs: number
  readonly targetTPS: number
  readonly ok: boolean
  readonly error?: string
  readonly targetRate?: TargetRate
  readonly metrics?: AnalysisMetrics
  readonly achieved?: AchievedPerf
  readonly converged?: boolean
}

export interface PerReplicaDetails {
  readonly rateRps: number
  readonly ok: boolean
  readonly error?: string
  readonly metrics?: AnalysisMetrics
  readonly model?: AnalyzedModel
}

/** The analyzer calls CreateAllocation makes, with their results (the golden `sizing` block). */
export interface SizingDetails {
  readonly maxBatchSize: number
  readonly maxQueueSize: number
  readonly rateRangeMinRps: number
  readonly rateRangeMaxRps: number
  readonly size: SizeDetails
  /** throughput at the SLO-limited rate: the max request rate per replica meeting the SLOs */
  readonly maxRatePerReplicaRps?: number
  readonly totalRateRps?: number
  /** float64 ratio before the ceiling */
  readonly replicasRaw?: number
  readonly numReplicas?: number
  readonly perReplicaRateRps?: number
  readonly perReplica?: PerReplicaDetails
}

export type CreateAllocationResult =
  | {readonly outcome: 'zeroLoad'; readonly allocation: Allocation}
  | {readonly outcome: 'allocated'; readonly allocation: Allocation; readonly sizing: SizingDetails}
  | {
      readonly outcome: 'infeasible'
      readonly reason: string
      readonly sizing?: SizingDetails
      /** The latency target that cannot be met, when that is why. */
      readonly slo?: SloName
    }

/** r(r(perMs * 1000) * 60): upstream Allocation.MaxRPM. */
export function maxRpmFromPerMs(ratePerMs: number): number {
  return f32(f32(ratePerMs * 1000) * 60)
}

/** Cost of `replicas` replicas: r(unitCost * r(units * replicas)). */
export function allocationCost(unitCost: number, numInstances: number, numReplicas: number): number {
  return f32(unitCost * f32(numInstances * numReplicas))
}

/** One replica's analyzer and its sizing for the targets; not ok when the analyzer cannot be built. */
export type ReplicaSizing =
  | {readonly ok: true; readonly analyzer: QueueAnalyzer; readonly size: SizeResult}
  | {readonly ok: false; readonly error: string}

/**
 * The two expensive analyzer calls of createAllocation, injectable so that a caller deciding many loads can cache
 * them (memo.ts). Each must return exactly what the direct call below returns for the same arguments.
 */
export interface AnalyzerHooks {
  /** Build the replica's analyzer and find its max rate within the targets: independent of the arrival rate. */
  readonly sizeReplica: (config: QueueConfig, request: RequestSize, targets: TargetPerf) => ReplicaSizing
  /** Metrics of a sized replica at `rateRps` (req/s, float32). */
  readonly analyzeReplica: (analyzer: QueueAnalyzer, rateRps: number) => AnalyzeResult
}

/**
 * NewQueueAnalyzer, then Size: the part of upstream CreateAllocation that does not depend on the load. `workspace`:
 * the queue solves' scratch memory (a fresh one when omitted).
 */
export function sizeReplica(
  config: QueueConfig,
  request: RequestSize,
  targets: TargetPerf,
  workspace?: QueueWorkspace,
): ReplicaSizing {
  const built = createQueueAnalyzer(config, request)
  return built.ok
    ? {ok: true, analyzer: built.analyzer, size: sizeForTargets(built.analyzer, targets, workspace)}
    : built
}

/**
 * The analyzer calls as upstream makes them, uncached, solving in one workspace: callers deciding many VAs make
 * one and reuse it (no allocation per solve); `work` in it counts the solves (bench/optimizer).
 */
export function directAnalyzerHooks(workspace: QueueWorkspace): AnalyzerHooks {
  return {
    sizeReplica: (config, request, targets) => sizeReplica(config, request, targets, workspace),
    analyzeReplica: (analyzer, rateRps) => analyzeRate(analyzer, rateRps, workspace),
  }
}

/** The analyzer calls as upstream makes them, uncached; each call solves in a workspace of its own. */
export const DIRECT_ANALYZER_HOOKS: AnalyzerHooks = {
  sizeReplica: (config, request, targets) => sizeReplica(config, request, targets),
  analyzeReplica: (analyzer, rateRps) => analyzeRate(analyzer, rateRps),
}

/**
 * Requests one replica serves together. Upstream: the server override, else integer division; atTokens is 0 from
 * the controller, so N = 1 without an override.
 */
export function replicaMaxBatchSize(
  context: Pick<AllocationContext, 'serverMaxBatchSize' | 'perfMaxBatchSize' | 'atTokens'>,
  avgOutTokens: number,
): number {
  return context.serverMaxBatchSize > 0
    ? context.serverMaxBatchSize
    : Math.max(Math.trunc((context.perfMaxBatchSize * context.atTokens) / avgOutTokens), 1)
}

/**
 * Replicas, cost and predicted performance of one server on one accelerator. Mirrors upstream
 * core.CreateAllocation (lookups of missing objects are the caller's, see system.ts). Infeasible when the
 * load is negative, the analyzer cannot be built, the SLOs cannot be met, or the per-replica analysis fails.
 */
export function createAllocation(
  context: AllocationContext,
  hooks: AnalyzerHooks = DIRECT_ANALYZER_HOOKS,
): CreateAllocationResult {
  const {load} = context
  if (load.arrivalRateRpm < 0 || load.avgInTokens < 0 || load.avgOutTokens < 0) {
    return {outcome: 'infeasible', reason: 'negative load'}
  }
  if (load.arrivalRateRpm === 0 || load.avgOutTokens === 0) {
    return {outcome: 'zeroLoad', allocation: zeroLoadAllocation(context)}
  }
  const outTokens = load.avgOutTokens
  const maxBatchSize = replicaMaxBatchSize(context, outTokens)
  const maxQueueSize = maxBatchSize * MAX_QUEUE_TO_BATCH_RATIO
  const {targets} = context
  const replica = hooks.sizeReplica(
    {maxBatchSize, maxQueueSize, serviceParms: context.serviceParms},
    {avgInputTokens: load.avgInTokens, avgOutputTokens: outTokens},
    targets,
  )
  if (!replica.ok) return {outcome: 'infeasible', reason: replica.error}
  const {analyzer, size: sized} = replica
  const base = {
    maxBatchSize,
    maxQueueSize,
    rateRangeMinRps: analyzer.rateRangeMinRps,
    rateRangeMaxRps: analyzer.rateRangeMaxRps,
  }
  const targetEcho = {targetTTFTMs: targets.ttftMs, targetITLMs: targets.itlMs, targetTPS: targets.tps}
  if (!sized.ok) {
    return {
      outcome: 'infeasible',
      reason: sized.error,
      ...(sized.slo === undefined ? {} : {slo: sized.slo}),
      sizing: {...base, size: {...targetEcho, ok: false, error: sized.error}},
    }
  }
  const size: SizeDetails = {
    ...targetEcho,
    ok: true,
    targetRate: sized.targetRate,
    metrics: sized.metrics,
    achieved: sized.achieved,
    converged: sized.converged,
  }
  const rateStarRps = sized.metrics.throughputRps
  const totalRateRps = targets.tps === 0 ? f32(load.arrivalRateRpm / 60) : f32(targets.tps / f32(outTokens))
  const replicasRaw = totalRateRps / rateStarRps
  const numReplicas = Math.max(Math.ceil(replicasRaw), context.minNumReplicas)
  const cost = allocationCost(context.unitCost, context.numInstances, numReplicas)
  const perReplicaRateRps = f32(totalRateRps / f32(numReplicas))
  const perReplica = hooks.analyzeReplica(analyzer, perReplicaRateRps)
  const sizing: SizingDetails = {
    ...base,
    size,
    maxRatePerReplicaRps: rateStarRps,
    totalRateRps,
    replicasRaw,
    numReplicas,
    perReplicaRateRps,
    perReplica: perReplica.ok
      ? {rateRps: perReplicaRateRps, ok: true, metrics: perReplica.metrics, model: perReplica.model}
      : {rateRps: perReplicaRateRps, ok: false, error: perReplica.error},
  }
  if (!perReplica.ok) return {outcome: 'infeasible', reason: perReplica.error, sizing}
  const maxArrvRatePerReplicaPerMs = f32(rateStarRps / 1000)
  return {
    outcome: 'allocated',
    sizing,
    allocation: {
      accelerator: context.acceleratorName,
      numReplicas,
      maxBatch: maxBatchSize,
      cost,
      value: cost,
      itlMs: perReplica.metrics.avgTokenTimeMs,
      ttftMs: f32(perReplica.metrics.avgWaitTimeMs + perReplica.metrics.avgPrefillTimeMs),
      rho: perReplica.metrics.rho,
      maxArrvRatePerReplicaPerMs,
      maxRpmPerReplica: maxRpmFromPerMs(maxArrvRatePerReplicaPerMs),
    },
  }
}

/**
 * Allocation of an idle server. Mirrors upstream core.zeroLoadAllocation: minNumReplicas replicas at nominal
 * single-request ITL/TTFT, or the empty "" allocation when the server may scale to zero. Upstream itself calls
 * its max rate "meaningless" (batch over the service time of a full batch).
 */
export function zeroLoadAllocation(context: AllocationContext): Allocation {
  const numReplicas = context.minNumReplicas
  if (numReplicas === 0) {
    return {
      accelerator: '',
      numReplicas: 0,
      maxBatch: 0,
      cost: 0,
      value: 0,
      itlMs: 0,
      ttftMs: 0,
      rho: 0,
      maxArrvRatePerReplicaPerMs: 0,
      maxRpmPerReplica: 0,
    }
  }
  const {alpha, beta, gamma, delta} = context.serviceParms
  const maxBatch = context.serverMaxBatchSize > 0 ? context.serverMaxBatchSize : context.perfMaxBatchSize
  const cost = allocationCost(context.unitCost, context.numInstances, numReplicas)
  const decodeTime = f32(alpha + beta)
  const maxDecodeTime = f32(alpha + f32(beta * f32(maxBatch)))
  const prefillTime = f32(gamma + delta)
  const maxArrvRatePerReplicaPerMs = f32(f32(maxBatch) / f32(prefillTime + maxDecodeTime))
  return {
    accelerator: context.acceleratorName,
    numReplicas,
    maxBatch,
    cost,
    value: cost,
    itlMs: decodeTime,
    ttftMs: prefillTime,
    rho: 0,
    maxArrvRatePerReplicaPerMs,
    maxRpmPerReplica: maxRpmFromPerMs(maxArrvRatePerReplicaPerMs),
  }
}

/** What a server runs now: the start of a transition. */
export interface CurrentAllocation {
  readonly accelerator: string
  readonly numReplicas: number
  readonly cost: number
}

/**
 * Penalty of moving from `current` to `candidate`. Mirrors upstream Allocation.TransitionPenalty: free when
 * nothing changes, the cost difference on the same accelerator, plus 10 % of both costs across accelerators.
 */
export function transitionPenalty(current: CurrentAllocation, candidate: Allocation): number {
  if (current.accelerator === candidate.accelerator) {
    if (current.numReplicas === candidate.numReplicas) return 0
    return f32(candidate.cost - current.cost)
  }
  return f32(f32(ACCEL_PENALTY_FACTOR * f32(current.cost + candidate.cost)) + f32(candidate.cost - current.cost))
}
