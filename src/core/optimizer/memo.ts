import {allocationCost, maxRpmFromPerMs, type SizeDetails, type SizingDetails, transitionPenalty} from './allocation.js'
import {collectLoad, currentCostOf, parseAcceleratorCost, parsePerfParms} from './controller-inputs.js'
import {f32, parseGoFloat32} from './float32.js'
import {
  applyShapeBRules,
  DEFAULT_VARIANT_COST,
  type DesiredAllocation,
  decideModelBased,
  type ModelBasedDecision,
  type ModelBasedInput,
  NO_FEASIBLE_ALLOCATIONS,
  type ResolvedInputs,
  type ShapeBAdjustment,
  sloBound,
} from './model-based.js'
import {type AnalyzeResult, analyzeRate, createQueueAnalyzer, type QueueAnalyzer} from './queue-analyzer.js'
import {selectUnlimited} from './solver-unlimited.js'

/**
 * Memoised model-based decisions, for replaying history and sweeping one parameter.
 *
 * Sizing (two bisections over the queue model to find the per-replica max rate) dominates a decision and does not
 * depend on the arrival rate. Its inputs are the key: float32 alpha, beta, gamma, delta; the batch size N; the
 * truncated input and output tokens (after the collector's 2-decimal round trip); the float32 TTFT and ITL targets.
 * On a hit a decision only needs replicas = ceil(r(arrival / 60) / rateStar), one per-replica analysis and the
 * cost. Results are identical to decideModelBased (test/unit/replay/memo.test.ts runs every golden case twice).
 */

/** Default bound on cached sizings: one per distinct (profile, tokens, SLO) combination; a week of 1m steps with
 *  drifting token averages stays well below it. */
export const DEFAULT_SIZING_CACHE_ENTRIES = 4096

/** A sizing that does not depend on the load. */
type SizingEntry =
  | {
      readonly kind: 'sized'
      readonly analyzer: QueueAnalyzer
      readonly base: Pick<SizingDetails, 'maxBatchSize' | 'maxQueueSize' | 'rateRangeMinRps' | 'rateRangeMaxRps'>
      readonly size: SizeDetails
      /** the SLO-limited throughput of one replica, req/s */
      readonly rateStarRps: number
    }
  | {
      readonly kind: 'unsizable'
      readonly sizing: SizingDetails
      readonly cause: string
    }

export interface MemoStats {
  /** sizing hits */
  readonly hits: number
  readonly misses: number
  /** decisions that never size (skipped, zero load) and went straight to decideModelBased */
  readonly bypassed: number
  readonly evictions: number
  readonly entries: number
  /** per-replica analyses reused: the same sizing at the same per-replica rate (steady or repeated loads) */
  readonly analysisHits: number
}

export interface MemoisedDecider {
  /** Same contract and same result as decideModelBased. */
  decide(input: ModelBasedInput): ModelBasedDecision
  stats(): MemoStats
}

/** The cache key of a decision's sizing, or undefined when the decision never sizes (skipped or zero load). */
export function sizingKey(input: ModelBasedInput): string | undefined {
  const perf = parsePerfParms(input.decodeParms, input.prefillParms)
  if (!perf.ok || !parseAcceleratorCost(input.acceleratorUnitCost).ok) return undefined
  const load = collectLoad(input.arrivalRateRpm, input.avgInputTokens, input.avgOutputTokens)
  if (load.arrivalRateRpm === 0 || load.avgOutTokens === 0) return undefined
  const {alpha, beta, gamma, delta} = perf.value
  return [alpha, beta, gamma, delta, batchSizeOf(input), load.avgInTokens, load.avgOutTokens, f32(input.sloTtftMs), f32(input.sloTpotMs)].join(' ')
}

// createAllocation's N: the server override, else max(trunc(perfMaxBatch * atTokens / out), 1) with atTokens = 0.
function batchSizeOf(input: ModelBasedInput): number {
  return input.maxBatchSize > 0 ? input.maxBatchSize : 1
}

/** A decider with a bounded least-recently-used cache of sizings. One per replay or sweep; not shared globally. */
export function createMemoisedDecider(options: {maxEntries?: number} = {}): MemoisedDecider {
  const maxEntries = options.maxEntries ?? DEFAULT_SIZING_CACHE_ENTRIES
  if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1: ${maxEntries}`)
  const cache = new Map<string, SizingEntry>()
  // Second level: the per-replica analysis at (sizing, float32 per-replica rate); bounded the same way.
  const analyses = new Map<string, AnalyzeResult>()
  let analysisHits = 0
  const analyze = (sizing: string, analyzer: QueueAnalyzer, rateRps: number): AnalyzeResult => {
    const analysisKey = `${sizing} ${rateRps}`
    const known = analyses.get(analysisKey)
    if (known !== undefined) {
      analysisHits++
      return known
    }
    const result = analyzeRate(analyzer, rateRps)
    analyses.set(analysisKey, result)
    if (analyses.size > maxEntries) analyses.delete(analyses.keys().next().value as string)
    return result
  }
  let hits = 0
  let misses = 0
  let bypassed = 0
  let evictions = 0

  return {
    decide(input) {
      const key = sizingKey(input)
      if (key === undefined) {
        bypassed++
        return decideModelBased(input)
      }
      const entry = cache.get(key)
      if (entry !== undefined) {
        hits++
        // Map order is insertion order: re-inserting makes this the most recently used.
        cache.delete(key)
        cache.set(key, entry)
        return decideFromSizing(input, entry, (analyzer, rateRps) => analyze(key, analyzer, rateRps))
      }
      misses++
      const decision = decideModelBased(input)
      const learned = sizingEntryOf(input, decision)
      if (learned !== undefined) {
        cache.set(key, learned)
        if (cache.size > maxEntries) {
          cache.delete(cache.keys().next().value as string)
          evictions++
        }
      }
      return decision
    },
    stats: () => ({hits, misses, bypassed, evictions, entries: cache.size, analysisHits}),
  }
}

function sizingEntryOf(input: ModelBasedInput, decision: ModelBasedDecision): SizingEntry | undefined {
  const sizing = decision.outcome === 'allocated' || decision.outcome === 'infeasible' ? decision.sizing : undefined
  if (sizing === undefined) return undefined
  if (!sizing.size.ok) {
    if (decision.outcome !== 'infeasible') return undefined
    return {kind: 'unsizable', sizing, cause: decision.cause}
  }
  if (sizing.maxRatePerReplicaRps === undefined || decision.resolved === undefined) return undefined
  const built = createQueueAnalyzer(
    {maxBatchSize: sizing.maxBatchSize, maxQueueSize: sizing.maxQueueSize, serviceParms: decision.resolved},
    {avgInputTokens: decision.resolved.avgInTokens, avgOutputTokens: decision.resolved.avgOutTokens},
  )
  if (!built.ok) return undefined
  return {
    kind: 'sized',
    analyzer: built.analyzer,
    base: {maxBatchSize: sizing.maxBatchSize, maxQueueSize: sizing.maxQueueSize, rateRangeMinRps: sizing.rateRangeMinRps, rateRangeMaxRps: sizing.rateRangeMaxRps},
    size: sizing.size,
    rateStarRps: sizing.maxRatePerReplicaRps,
  }
}

/**
 * decideModelBased with a known sizing. The glue (resolved inputs, transition penalty, solver, shape B rules) is the
 * same as model-based.ts; the allocation is createAllocation's tail after sizeForTargets. Both are checked against
 * every golden case.
 */
function decideFromSizing(input: ModelBasedInput, entry: SizingEntry, analyze: (analyzer: QueueAnalyzer, rateRps: number) => AnalyzeResult): ModelBasedDecision {
  const resolved = resolveInputs(input)
  if (resolved === undefined) return decideModelBased(input)
  if (entry.kind === 'unsizable') {
    return {outcome: 'infeasible', reason: NO_FEASIBLE_ALLOCATIONS, cause: entry.cause, desired: null, cost: null, resolved, allocation: null, sizing: entry.sizing}
  }
  // createAllocation after sizing, with tps = 0 (the controller never sets a TPS target).
  const rateStarRps = entry.rateStarRps
  const totalRateRps = f32(resolved.arrivalRateRpm / 60)
  const replicasRaw = totalRateRps / rateStarRps
  const numReplicas = Math.max(Math.ceil(replicasRaw), resolved.minNumReplicas)
  const allocatedCost = allocationCost(resolved.acceleratorCost, resolved.numInstances, numReplicas)
  const perReplicaRateRps = f32(totalRateRps / f32(numReplicas))
  const perReplica = analyze(entry.analyzer, perReplicaRateRps)
  const sizing: SizingDetails = {
    ...entry.base,
    size: entry.size,
    maxRatePerReplicaRps: rateStarRps,
    totalRateRps,
    replicasRaw,
    numReplicas,
    perReplicaRateRps,
    perReplica: perReplica.ok
      ? {rateRps: perReplicaRateRps, ok: true, metrics: perReplica.metrics, model: perReplica.model}
      : {rateRps: perReplicaRateRps, ok: false, error: perReplica.error},
  }
  if (!perReplica.ok) {
    return {outcome: 'infeasible', reason: NO_FEASIBLE_ALLOCATIONS, cause: perReplica.error, desired: null, cost: null, resolved, allocation: null, sizing}
  }
  const maxArrvRatePerReplicaPerMs = f32(rateStarRps / 1000)
  const created = {
    accelerator: input.accelerator,
    numReplicas,
    maxBatch: entry.base.maxBatchSize,
    cost: allocatedCost,
    value: allocatedCost,
    itlMs: perReplica.metrics.avgTokenTimeMs,
    ttftMs: f32(perReplica.metrics.avgWaitTimeMs + perReplica.metrics.avgPrefillTimeMs),
    rho: perReplica.metrics.rho,
    maxArrvRatePerReplicaPerMs,
    maxRpmPerReplica: maxRpmFromPerMs(maxArrvRatePerReplicaPerMs),
  }
  // From here on, decideModelBased's glue after createAllocation.
  const currentAllocation = {accelerator: input.accelerator, numReplicas: input.currentReplicas, cost: resolved.currentCost}
  const candidate = {...created, value: transitionPenalty(currentAllocation, created)}
  const chosen = selectUnlimited(new Map([[input.accelerator, candidate]]))
  if (!chosen) {
    return {outcome: 'infeasible', reason: NO_FEASIBLE_ALLOCATIONS, cause: 'transition penalty not below the largest float32', desired: null, cost: null, resolved, allocation: null}
  }
  let desired: DesiredAllocation = {accelerator: chosen.accelerator, numReplicas: chosen.numReplicas}
  let cost = chosen.cost
  let shapeBAdjustment: ShapeBAdjustment | undefined
  if (isShapeB(input)) {
    const adjusted = applyShapeBRules(input, resolved, chosen.numReplicas)
    shapeBAdjustment = adjusted.adjustment
    desired = {accelerator: input.accelerator, numReplicas: adjusted.numReplicas}
    cost = adjusted.numReplicas === chosen.numReplicas && chosen.accelerator === input.accelerator
      ? chosen.cost
      : allocationCost(resolved.acceleratorCost, resolved.numInstances, adjusted.numReplicas)
  }
  return {
    outcome: 'allocated',
    desired,
    cost,
    resolved,
    allocation: candidate,
    ...(shapeBAdjustment ? {shapeB: shapeBAdjustment} : {}),
    sizing,
    boundBy: sloBound(sizing),
    maxRpmPerReplica: candidate.maxRpmPerReplica,
  }
}

function isShapeB(input: ModelBasedInput): boolean {
  return input.minReplicas !== undefined || input.maxReplicas !== undefined
}

// decideModelBased's ResolvedInputs; undefined where it would skip (the caller then defers to it).
function resolveInputs(input: ModelBasedInput): ResolvedInputs | undefined {
  const perf = parsePerfParms(input.decodeParms, input.prefillParms)
  const unitCost = parseAcceleratorCost(input.acceleratorUnitCost)
  if (!perf.ok || !unitCost.ok) return undefined
  const shapeB = isShapeB(input)
  let current = currentCostOf(input.currentReplicas, unitCost.value)
  if (shapeB) {
    const variantCost = input.variantCost ?? DEFAULT_VARIANT_COST
    const parsed = parseGoFloat32(variantCost)
    if (!parsed.ok) return undefined
    current = {currentCostString: variantCost, currentCost: parsed.value}
  }
  const load = collectLoad(input.arrivalRateRpm, input.avgInputTokens, input.avgOutputTokens)
  return {
    ...perf.value,
    acceleratorCost: unitCost.value,
    numInstances: input.acceleratorCount <= 0 ? 1 : input.acceleratorCount,
    arrivalRateString: load.arrivalRateString,
    avgInputTokensString: load.avgInputTokensString,
    avgOutputTokensString: load.avgOutputTokensString,
    arrivalRateRpm: load.arrivalRateRpm,
    avgInTokens: load.avgInTokens,
    avgOutTokens: load.avgOutTokens,
    sloTtftMs: f32(input.sloTtftMs),
    sloItlMs: f32(input.sloTpotMs),
    minNumReplicas: shapeB ? (input.minReplicas ?? 0) : input.scaleToZero ? 0 : 1,
    serverMaxBatchSize: input.maxBatchSize > 0 ? input.maxBatchSize : 0,
    ...current,
  }
}
