import {
  type AnalyzerHooks,
  directAnalyzerHooks,
  type ReplicaSizing,
  replicaMaxBatchSize,
  sizeReplica,
} from './allocation.js'
import {createQueueWorkspace} from './queue-model.js'
import {collectLoad, parseAcceleratorCost, parsePerfParms} from './controller-inputs.js'
import {f32} from './float32.js'
import {decideModelBased, type ModelBasedDecision, type ModelBasedInput} from './model-based.js'
import {type AnalyzeResult, analyzeRate, type QueueAnalyzer} from './queue-analyzer.js'

/**
 * Memoised model-based decisions, for replaying history and sweeping one parameter.
 *
 * Sizing (two bisections over the queue model to find the per-replica max rate) dominates a decision and does not
 * depend on the arrival rate. Its inputs are the key: float32 alpha, beta, gamma, delta; the batch size N; the
 * truncated input and output tokens (after the collector's 2-decimal round trip); the float32 TTFT and ITL targets.
 * A decision is decideModelBased itself, with analyzer hooks that reuse a cached sizing and, on a hit, cached
 * per-replica analyses; so results are identical (test/unit/decide/queueing/memo.test.ts runs every golden case twice).
 */

/** Default bound on cached sizings: one per distinct (profile, tokens, SLO) combination; a week of 1m steps with
 *  drifting token averages stays well below it. */
export const DEFAULT_SIZING_CACHE_ENTRIES = 4096

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
  // decideModelBased's batch size: the profile's maxBatchSize is both the override and the base, atTokens is 0.
  const maxBatchSize = replicaMaxBatchSize(
    {serverMaxBatchSize: input.maxBatchSize, perfMaxBatchSize: input.maxBatchSize, atTokens: 0},
    load.avgOutTokens,
  )
  return [
    alpha,
    beta,
    gamma,
    delta,
    maxBatchSize,
    load.avgInTokens,
    load.avgOutTokens,
    f32(input.sloTtftMs),
    f32(input.sloTpotMs),
  ].join(' ')
}

/** A decider with a bounded least-recently-used cache of sizings. One per replay or sweep; not shared globally. */
export function createMemoisedDecider(options: {maxEntries?: number} = {}): MemoisedDecider {
  const maxEntries = options.maxEntries ?? DEFAULT_SIZING_CACHE_ENTRIES
  if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1: ${maxEntries}`)
  // Only built analyzers are kept: a sizing that failed its targets is cached too (the decision is then infeasible).
  const sizings = new Map<string, Extract<ReplicaSizing, {ok: true}>>()
  // Second level: the per-replica analysis at (sizing, float32 per-replica rate); bounded the same way.
  const analyses = new Map<string, AnalyzeResult>()
  let hits = 0
  let misses = 0
  let bypassed = 0
  let evictions = 0
  let analysisHits = 0
  // One scratch memory for every solve of this decider (its decisions run one after another).
  const workspace = createQueueWorkspace()
  const direct = directAnalyzerHooks(workspace)

  const analyzeOnce = (key: string, analyzer: QueueAnalyzer, rateRps: number): AnalyzeResult => {
    const analysisKey = `${key} ${rateRps}`
    const known = analyses.get(analysisKey)
    if (known !== undefined) {
      analysisHits++
      return known
    }
    const result = analyzeRate(analyzer, rateRps, workspace)
    analyses.set(analysisKey, result)
    if (analyses.size > maxEntries) analyses.delete(analyses.keys().next().value as string)
    return result
  }

  // A miss sizes as usual and keeps the result; its analysis is not cached (the analysis cache serves hits only).
  const sizeAndRemember = (key: string): AnalyzerHooks => ({
    sizeReplica(config, request, targets) {
      const sized = sizeReplica(config, request, targets, workspace)
      if (sized.ok) {
        sizings.set(key, sized)
        if (sizings.size > maxEntries) {
          sizings.delete(sizings.keys().next().value as string)
          evictions++
        }
      }
      return sized
    },
    analyzeReplica: direct.analyzeReplica,
  })

  // The key holds every input of sizeReplica, so the cached sizing is what sizeReplica would return.
  const reuse = (key: string, sized: ReplicaSizing): AnalyzerHooks => ({
    sizeReplica: () => sized,
    analyzeReplica: (analyzer, rateRps) => analyzeOnce(key, analyzer, rateRps),
  })

  return {
    decide(input) {
      const key = sizingKey(input)
      if (key === undefined) {
        bypassed++
        return decideModelBased(input, direct)
      }
      const known = sizings.get(key)
      if (known === undefined) {
        misses++
        return decideModelBased(input, sizeAndRemember(key))
      }
      hits++
      // Map order is insertion order: re-inserting makes this the most recently used.
      sizings.delete(key)
      sizings.set(key, known)
      return decideModelBased(input, reuse(key, known))
    },
    stats: () => ({hits, misses, bypassed, evictions, entries: sizings.size, analysisHits}),
  }
}
