import {InputError} from '../../errors.js'
import {type Evaluation, searchLambdaStar} from '../queueing/bisection.js'
import {f32, formatGoFloat32} from '../queueing/float32.js'
import {formatGoFixed} from '../queueing/go-format.js'
import {RATE_RANGE_EPSILON, STABILITY_SAFETY_FRACTION} from '../queueing/queue-analyzer.js'
import {type QueueModelState, solveStateDependentQueue} from '../queueing/queue-model.js'
import {prefillTimeMs, type RequestSizeV2, type ServiceParmsV2, serviceRatesPerMs} from './service-time.js'

/**
 * The queue analyzer of the 3-parameter queueing model ("queueing-v2"). Mirrors upstream
 * internal/queueing/analyzer/queueanalyzer.go at v0.9.0 (d5d58640); pkg/analyzer at v0.6.0, v0.7.0 and v0.8.0 has
 * the same arithmetic (only identifier spellings and errors.New vs fmt.Errorf differ). Everything is float32 except
 * the state probabilities of the chain (float64), as upstream.
 *
 * Reused unchanged from the 4-parameter port: the chain (optimizer/queue-model.ts, the same
 * MM1ModelStateDependent code), the bisection (optimizer/bisection.ts, the same BinarySearch and WithinTolerance)
 * and the constants Epsilon and StabilitySafetyFraction. What is new is the service-time model and how
 * prefill, decode and TTFT are derived from the chain.
 */

/** Upstream analyzer.DefaultMaxNumTokens: what a MaxNumTokens of 0 becomes. Recorded only; the model ignores it. */
export const DEFAULT_MAX_NUM_TOKENS = 8192

/**
 * Largest max batch size accepted. Not upstream: the service-rate table has one entry per batch size. vLLM's
 * max_num_seqs is in the hundreds or low thousands; anything above this is a unit or parsing mistake.
 */
export const MAX_BATCH_SIZE_LIMIT = 65_536
/**
 * Largest K = maxBatchSize + maxQueueSize accepted. Not upstream: each solve of the chain walks K + 1 states, and
 * one sizing solves it up to ~200 times.
 */
export const MAX_OCCUPANCY_LIMIT = 131_072

export interface QueueConfigV2 {
  /** N, requests served together; upstream requires > 0 */
  readonly maxBatchSize: number
  /** Q, requests that may wait; upstream requires >= 0 */
  readonly maxQueueSize: number
  /** tokens per iteration; 0 means DEFAULT_MAX_NUM_TOKENS; recorded only. Upstream requires >= 0 */
  readonly maxNumTokens?: number
  readonly serviceParms: ServiceParmsV2
}

/** A built analyzer: one replica's chain, its service rates and admissible rate range. */
export interface QueueAnalyzerV2 {
  readonly maxBatchSize: number
  readonly maxNumTokens: number
  readonly maxQueueSize: number
  readonly serviceParms: ServiceParmsV2
  readonly request: RequestSizeV2
  /** mu(n), n = 1..N, requests per ms (float32 values) */
  readonly servRatePerMs: Float64Array
  /** K = N + Q */
  readonly occupancyLimit: number
  /** mu(1) * epsilon, requests per second */
  readonly rateRangeMinRps: number
  /** mu(N) * (1 - epsilon), requests per second */
  readonly rateRangeMaxRps: number
}

export type BuildQueueAnalyzerV2Result = {ok: true; analyzer: QueueAnalyzerV2} | {ok: false; error: string}

/** Mirrors upstream AnalysisMetrics (v0.6+); rates in requests per second, times in ms. */
export interface AnalysisMetricsV2 {
  readonly throughputRps: number
  readonly avgRespTimeMs: number
  readonly avgWaitTimeMs: number
  /** mean number of requests in service (batch occupancy) */
  readonly avgNumInServ: number
  readonly avgPrefillTimeMs: number
  /** ITL: the mean time per output token */
  readonly avgTokenTimeMs: number
  /** wait + prefill + one token time */
  readonly avgTTFTMs: number
  readonly maxRateRps: number
  /** avgNumInServ / N, clamped to [0, 1] */
  readonly rho: number
}

export type AnalyzeV2Result =
  | {ok: true; metrics: AnalysisMetricsV2; model: QueueModelState}
  | {ok: false; error: string}

/** SLO targets in ms, tokens per second for TPS; 0 means "not constrained". Upstream TargetPerf. */
export interface TargetPerfV2 {
  readonly targetTTFTMs: number
  readonly targetITLMs: number
  readonly targetTPS?: number
}

/** Largest rate per target, requests per second. Upstream TargetRate. */
export interface TargetRateV2 {
  readonly rateTargetTTFTRps: number
  readonly rateTargetITLRps: number
  readonly rateTargetTPSRps: number
}

/** What the chosen rate achieves. Upstream returns it as a TargetPerf. */
export interface AchievedPerfV2 {
  readonly ttftMs: number
  readonly itlMs: number
  /** output tokens per second */
  readonly tps: number
}

export interface SizeV2Success {
  readonly ok: true
  readonly targetRate: TargetRateV2
  readonly metrics: AnalysisMetricsV2
  readonly model: QueueModelState
  readonly achieved: AchievedPerfV2
  /** false when a bisection ran out of iterations (upstream then silently uses its last midpoint) */
  readonly converged: boolean
}

export type SizeV2Result = SizeV2Success | {ok: false; error: string}

/**
 * Build the analyzer of one replica. Mirrors upstream NewQueueAnalyzer + BuildModel: the configuration and request
 * size checks (with upstream's error texts), the service rates and the rate range.
 *
 * Throws InputError (not upstream, which would allocate whatever it is given) when N or Q is not an integer or
 * N, K exceed MAX_BATCH_SIZE_LIMIT, MAX_OCCUPANCY_LIMIT.
 */
export function buildQueueAnalyzerV2(config: QueueConfigV2, request: RequestSizeV2): BuildQueueAnalyzerV2Result {
  assertSizeBounds(config)
  const parms = config.serviceParms
  const maxNumTokensIn = config.maxNumTokens ?? 0
  if (config.maxBatchSize <= 0 || config.maxQueueSize < 0 || maxNumTokensIn < 0) {
    return {
      ok: false,
      error:
        `invalid configuration {maxBatch=${config.maxBatchSize}, maxNumTokens=${maxNumTokensIn}, ` +
        `maxQueue=${config.maxQueueSize}, servParms:{alpha=${formatGoFixed(parms.alpha, 3)}, ` +
        `beta=${formatGoFixed(parms.beta, 5)}, gamma=${formatGoFixed(parms.gamma, 5)}}}`,
    }
  }
  // Upstream's check() replaces 0 by the default in the caller's configuration; we return it instead.
  const maxNumTokens = maxNumTokensIn === 0 ? DEFAULT_MAX_NUM_TOKENS : maxNumTokensIn
  if (request.avgInputTokens < 0 || request.avgOutputTokens < 1) {
    return {
      ok: false,
      error:
        `invalid request size {inTokens=${formatGoFixed(request.avgInputTokens, 1)}, ` +
        `outTokens=${formatGoFixed(request.avgOutputTokens, 1)}}`,
    }
  }
  const servRatePerMs = serviceRatesPerMs(parms, request, config.maxBatchSize)
  // A batch size of 0 leaves no rate: NaN bounds, as the undefined rate gave before.
  const lambdaMinPerMs = f32((servRatePerMs[0] ?? Number.NaN) * RATE_RANGE_EPSILON)
  const lambdaMaxPerMs = f32((servRatePerMs[config.maxBatchSize - 1] ?? Number.NaN) * f32(1 - RATE_RANGE_EPSILON))
  return {
    ok: true,
    analyzer: {
      maxBatchSize: config.maxBatchSize,
      maxNumTokens,
      maxQueueSize: config.maxQueueSize,
      serviceParms: parms,
      request,
      servRatePerMs,
      occupancyLimit: config.maxBatchSize + config.maxQueueSize,
      rateRangeMinRps: perMsToPerSecond(lambdaMinPerMs),
      rateRangeMaxRps: perMsToPerSecond(lambdaMaxPerMs),
    },
  }
}

function assertSizeBounds(config: QueueConfigV2): void {
  const {maxBatchSize, maxQueueSize} = config
  if (!Number.isSafeInteger(maxBatchSize) || !Number.isSafeInteger(maxQueueSize)) {
    throw new InputError(
      `queueing model: max batch size ${maxBatchSize} and max queue size ${maxQueueSize} must be integers`,
      {hint: 'pass whole request counts (the max-num-seqs argument of vLLM for the batch size)'},
    )
  }
  if (maxBatchSize > MAX_BATCH_SIZE_LIMIT || maxBatchSize + maxQueueSize > MAX_OCCUPANCY_LIMIT) {
    throw new InputError(
      `queueing model: max batch size ${maxBatchSize} + max queue size ${maxQueueSize} is too large ` +
        `(limits ${MAX_BATCH_SIZE_LIMIT} and ${MAX_OCCUPANCY_LIMIT} in total)`,
      {hint: 'check the max-num-seqs argument of vLLM and the queue size; they count requests, not tokens'},
    )
  }
}

// Upstream keeps the model in requests per ms and reports requests per second.
function perMsToPerSecond(ratePerMs: number): number {
  return f32(ratePerMs * 1000)
}

function perSecondToPerMs(rateRps: number): number {
  return f32(rateRps / 1000)
}

type Derived = {prefillMs: number; tokenMs: number; ttftMs: number}

// Prefill at the mean batch occupancy; what remains of the mean service time is spread over the output tokens;
// TTFT = wait + prefill + one token. Upstream repeats these lines in Analyze, EvalTTFT and EvalITL.
function deriveLatencies(analyzer: QueueAnalyzerV2, model: QueueModelState): Derived {
  const prefillMs = prefillTimeMs(analyzer.serviceParms, analyzer.request, model.avgNumInServers)
  const tokenMs = f32(f32(model.avgServTimeMs - prefillMs) / analyzer.request.avgOutputTokens)
  const ttftMs = f32(f32(model.avgWaitTimeMs + prefillMs) + tokenMs)
  return {prefillMs, tokenMs, ttftMs}
}

/** Metrics of one replica at `rateRps` (requests per second, float32). Mirrors upstream QueueAnalyzer.Analyze. */
export function analyzeRateV2(analyzer: QueueAnalyzerV2, rateRps: number): AnalyzeV2Result {
  if (rateRps <= 0) return {ok: false, error: `invalid request rate ${formatGoFloat32(rateRps)}`}
  if (rateRps > analyzer.rateRangeMaxRps) {
    return {
      ok: false,
      error: `rate=${formatGoFloat32(rateRps)}, max allowed rate=${formatGoFloat32(analyzer.rateRangeMaxRps)}`,
    }
  }
  const solved = solveStateDependentQueue(perSecondToPerMs(rateRps), analyzer.servRatePerMs, analyzer.occupancyLimit)
  if (!solved.ok) return solved
  const model = solved.state
  const {prefillMs, tokenMs, ttftMs} = deriveLatencies(analyzer, model)
  // Go's built-in min/max, like Math.min/max, propagate NaN.
  const rho = Math.min(Math.max(f32(model.avgNumInServers / f32(analyzer.maxBatchSize)), 0), 1)
  return {
    ok: true,
    model,
    metrics: {
      throughputRps: perMsToPerSecond(model.throughputPerMs),
      avgRespTimeMs: model.avgRespTimeMs,
      avgWaitTimeMs: model.avgWaitTimeMs,
      avgNumInServ: model.avgNumInServers,
      avgPrefillTimeMs: prefillMs,
      avgTokenTimeMs: tokenMs,
      avgTTFTMs: ttftMs,
      maxRateRps: analyzer.rateRangeMaxRps,
      rho,
    },
  }
}

/**
 * Largest rate one replica sustains within the targets, and its metrics there. Mirrors upstream QueueAnalyzer.Size:
 * one bisection per positive TTFT / ITL target over [lambdaMin, lambdaMax] (requests per ms); a target below the
 * bounded region (indicator -1) or a failed evaluation fails the sizing; a target above it gives lambdaMax. A
 * positive TPS target only caps the rate at 90 % of lambdaMax. The smallest rate is then analyzed.
 */
export function sizeForTargetsV2(analyzer: QueueAnalyzerV2, targets: TargetPerfV2): SizeV2Result {
  const targetTTFTMs = targets.targetTTFTMs
  const targetITLMs = targets.targetITLMs
  const targetTPS = targets.targetTPS ?? 0
  if (targetITLMs < 0 || targetTTFTMs < 0 || targetTPS < 0) {
    return {
      ok: false,
      error:
        `invalid target data values {TTFT=${formatGoFixed(targetTTFTMs, 3)}, ` +
        `ITL=${formatGoFixed(targetITLMs, 3)}, TPS=${formatGoFixed(targetTPS, 3)}}`,
    }
  }
  const lambdaMinPerMs = perSecondToPerMs(analyzer.rateRangeMinRps)
  const lambdaMaxPerMs = perSecondToPerMs(analyzer.rateRangeMaxRps)
  const range = `range=[${formatGoFixed(analyzer.rateRangeMinRps, 3)}, ${formatGoFixed(analyzer.rateRangeMaxRps, 3)}]`
  let converged = true

  const searchTarget = (name: 'TTFT' | 'ITL', targetMs: number, latencyOf: (derived: Derived) => number) => {
    const evaluate = (lambdaPerMs: number): Evaluation => {
      const solved = solveStateDependentQueue(lambdaPerMs, analyzer.servRatePerMs, analyzer.occupancyLimit)
      if (!solved.ok) return {ok: false, error: solved.error}
      return {ok: true, value: latencyOf(deriveLatencies(analyzer, solved.state))}
    }
    const found = searchLambdaStar(name, targetMs, lambdaMinPerMs, lambdaMaxPerMs, range, evaluate)
    if (found.ok && !found.converged) converged = false
    return found
  }

  const ttft = searchTarget('TTFT', targetTTFTMs, (derived) => derived.ttftMs)
  if (!ttft.ok) return ttft
  const itl = searchTarget('ITL', targetITLMs, (derived) => derived.tokenMs)
  if (!itl.ok) return itl
  const lambdaTPSPerMs = targetTPS > 0 ? f32(lambdaMaxPerMs * f32(1 - STABILITY_SAFETY_FRACTION)) : lambdaMaxPerMs

  const lambdaPerMs = Math.min(ttft.lambda, itl.lambda, lambdaTPSPerMs)
  const analyzed = analyzeRateV2(analyzer, perMsToPerSecond(lambdaPerMs))
  if (!analyzed.ok) return analyzed
  const metrics = analyzed.metrics
  return {
    ok: true,
    converged,
    targetRate: {
      rateTargetTTFTRps: perMsToPerSecond(ttft.lambda),
      rateTargetITLRps: perMsToPerSecond(itl.lambda),
      rateTargetTPSRps: perMsToPerSecond(lambdaTPSPerMs),
    },
    metrics,
    model: analyzed.model,
    achieved: {
      ttftMs: metrics.avgTTFTMs,
      itlMs: metrics.avgTokenTimeMs,
      tps: f32(metrics.throughputRps * analyzer.request.avgOutputTokens),
    },
  }
}
