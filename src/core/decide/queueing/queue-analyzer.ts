import {type Evaluation, searchLambdaStar, type SloName} from './bisection.js'
import {f32, formatGoFloat32} from './float32.js'
import {formatGoFixed} from './go-format.js'
import {
  createQueueWorkspace,
  type QueueModelState,
  type QueueWorkspace,
  solveStateDependentQueue,
  solveStateDependentQueueTimes,
} from './queue-model.js'
import {
  decodeTimeMs,
  effectiveConcurrency,
  prefillTimeMs,
  type RequestSize,
  type ServiceParms,
  serviceRatesPerMs,
} from './service-time.js'

/** Keeps the load strictly inside (0, mu(N)); upstream analyzer.Epsilon. */
export const RATE_RANGE_EPSILON = f32(0.001)
/** The TPS target uses 90 % of the max rate; upstream analyzer.StabilitySafetyFraction. */
export const STABILITY_SAFETY_FRACTION = f32(0.1)

export interface QueueConfig {
  /** N: requests served together */
  readonly maxBatchSize: number
  /** Q: requests that may wait */
  readonly maxQueueSize: number
  readonly serviceParms: ServiceParms
}

/** A built analyzer: one replica's chain, with its service rates and admissible rate range. */
export interface QueueAnalyzer {
  readonly config: QueueConfig
  readonly request: RequestSize
  /** mu(n), n = 1..N, req/ms */
  readonly servRatePerMs: Float64Array
  /** K = N + Q */
  readonly occupancyLimit: number
  readonly rateRangeMinRps: number
  readonly rateRangeMaxRps: number
}

/** Not ok: the error, and the float32 service parameters the analyzer resolved before refusing. */
export type QueueAnalyzerResult =
  | {ok: true; analyzer: QueueAnalyzer}
  | {ok: false; error: string; serviceParms: ServiceParms}

/** Mirrors upstream AnalysisMetrics; rates req/s, times ms. */
export interface AnalysisMetrics {
  readonly throughputRps: number
  readonly avgRespTimeMs: number
  readonly avgWaitTimeMs: number
  readonly avgNumInServ: number
  readonly avgPrefillTimeMs: number
  /** the ITL */
  readonly avgTokenTimeMs: number
  readonly maxRateRps: number
  /** mean batch occupancy L_srv / N in [0, 1] */
  readonly rho: number
  /** wait + prefill */
  readonly ttftMs: number
}

/** The chain state behind an analysis, plus the effective concurrency derived from it. */
export interface AnalyzedModel extends QueueModelState {
  readonly effectiveConcurrency: number
}

export type AnalyzeResult = {ok: true; metrics: AnalysisMetrics; model: AnalyzedModel} | {ok: false; error: string}

/** Targets; 0 means "not constrained". */
export interface TargetPerf {
  readonly ttftMs: number
  readonly itlMs: number
  readonly tps: number
}

/** Largest rate per target (req/s). */
export interface TargetRate {
  readonly rateTargetTTFTRps: number
  readonly rateTargetITLRps: number
  readonly rateTargetTPSRps: number
}

export interface AchievedPerf {
  readonly ttftMs: number
  readonly itlMs: number
  readonly tps: number
}

export type SizeResult =
  | {
      ok: true
      targetRate: TargetRate
      metrics: AnalysisMetrics
      model: AnalyzedModel
      achieved: AchievedPerf
      /** false when a bisection ran out of iterations (upstream then silently uses its last midpoint) */
      converged: boolean
    }
  /** `slo`: the target whose bisection failed; absent when the inputs or an evaluation failed. */
  | {ok: false; error: string; slo?: SloName}

/**
 * Build the analyzer of one replica. Mirrors upstream analyzer.NewQueueAnalyzer: service rates and the rate range
 * [r(mu(1)*eps), r(mu(N)*(1-eps))] (req/ms, reported in req/s).
 */
export function createQueueAnalyzer(given: QueueConfig, request: RequestSize): QueueAnalyzerResult {
  // Upstream's QueueConfig holds float32 parameters: resolve them here (a no-op for float32 inputs).
  const {alpha, beta, gamma, delta} = given.serviceParms
  const parms: ServiceParms = {alpha: f32(alpha), beta: f32(beta), gamma: f32(gamma), delta: f32(delta)}
  const config: QueueConfig = {...given, serviceParms: parms}
  if (config.maxBatchSize <= 0 || config.maxQueueSize < 0) {
    return {
      ok: false,
      serviceParms: parms,
      error:
        `invalid configuration {maxBatch=${config.maxBatchSize}, maxQueue=${config.maxQueueSize}, servParms:{` +
        `prefillParms={gamma=${formatGoFixed(parms.gamma, 3)}, delta=${formatGoFixed(parms.delta, 5)}}, ` +
        `decodeParms={alpha=${formatGoFixed(parms.alpha, 3)}, beta=${formatGoFixed(parms.beta, 5)}}}}`,
    }
  }
  if (request.avgInputTokens < 0 || request.avgOutputTokens < 1) {
    return {
      ok: false,
      serviceParms: parms,
      error: `invalid request size {inTokens=${request.avgInputTokens}, outTokens=${request.avgOutputTokens}}`,
    }
  }
  const servRatePerMs = serviceRatesPerMs(parms, request, config.maxBatchSize)
  // A batch size of 0 leaves no rate: NaN bounds, as the undefined rate gave before.
  const lambdaMin = f32((servRatePerMs[0] ?? Number.NaN) * RATE_RANGE_EPSILON)
  const lambdaMax = f32((servRatePerMs[config.maxBatchSize - 1] ?? Number.NaN) * f32(1 - RATE_RANGE_EPSILON))
  return {
    ok: true,
    analyzer: {
      config,
      request,
      servRatePerMs,
      occupancyLimit: config.maxBatchSize + config.maxQueueSize,
      rateRangeMinRps: f32(lambdaMin * 1000),
      rateRangeMaxRps: f32(lambdaMax * 1000),
    },
  }
}

type ModelAtRate = {ok: true; model: AnalyzedModel} | {ok: false; error: string}

/** What the TTFT and ITL of a replica depend on. */
type WaitAndConcurrency = Pick<AnalyzedModel, 'avgWaitTimeMs' | 'effectiveConcurrency'>

type TimesAtRate = ({ok: true} & WaitAndConcurrency) | {ok: false; error: string}

/**
 * solveAt's wait time and effective concurrency, all that sizing's searches read, through the queue model's
 * solve for exactly these (solveStateDependentQueueTimes, which may stop a chain early). Not upstream, same values.
 */
function timesAt(analyzer: QueueAnalyzer, lambdaPerMs: number, workspace: QueueWorkspace): TimesAtRate {
  const solved = solveStateDependentQueueTimes(lambdaPerMs, analyzer.servRatePerMs, analyzer.occupancyLimit, workspace)
  if (!solved.ok) return solved
  const concurrency = effectiveConcurrency(
    analyzer.config.serviceParms,
    analyzer.request,
    solved.avgServTimeMs,
    analyzer.config.maxBatchSize,
  )
  return {ok: true, avgWaitTimeMs: solved.avgWaitTimeMs, effectiveConcurrency: concurrency}
}

/**
 * timesAt with a memo keyed by lambda, for one sizing: both bisections start by evaluating the same two ends of the
 * rate range. Not upstream (which solves again); the result is the same since timesAt is pure. Only positive rates
 * are kept (a Map does not tell -0 from 0).
 */
function memoisedTimesAt(workspace: QueueWorkspace): (analyzer: QueueAnalyzer, lambdaPerMs: number) => TimesAtRate {
  const known = new Map<number, TimesAtRate>()
  return (analyzer, lambdaPerMs) => {
    if (!(lambdaPerMs > 0)) return timesAt(analyzer, lambdaPerMs, workspace)
    let result = known.get(lambdaPerMs)
    if (result === undefined) {
      result = timesAt(analyzer, lambdaPerMs, workspace)
      known.set(lambdaPerMs, result)
    }
    return result
  }
}

// Solve the chain at lambda (req/ms) and derive the effective concurrency from its mean service time.
function solveAt(analyzer: QueueAnalyzer, lambdaPerMs: number, workspace: QueueWorkspace): ModelAtRate {
  const solved = solveStateDependentQueue(lambdaPerMs, analyzer.servRatePerMs, analyzer.occupancyLimit, workspace)
  if (!solved.ok) return solved
  const concurrency = effectiveConcurrency(
    analyzer.config.serviceParms,
    analyzer.request,
    solved.state.avgServTimeMs,
    analyzer.config.maxBatchSize,
  )
  return {ok: true, model: {...solved.state, effectiveConcurrency: concurrency}}
}

function ttftOf(analyzer: QueueAnalyzer, model: WaitAndConcurrency): number {
  const prefill = prefillTimeMs(
    analyzer.config.serviceParms,
    analyzer.request.avgInputTokens,
    model.effectiveConcurrency,
  )
  return f32(model.avgWaitTimeMs + prefill)
}

function itlOf(analyzer: QueueAnalyzer, model: WaitAndConcurrency): number {
  return decodeTimeMs(analyzer.config.serviceParms, model.effectiveConcurrency)
}

/**
 * Metrics of one replica at `rateRps` (req/s, float32). Mirrors upstream QueueAnalyzer.Analyze. `workspace`: the
 * solve's scratch memory (createQueueWorkspace), reused across calls by callers that decide many VAs.
 */
export function analyzeRate(
  analyzer: QueueAnalyzer,
  rateRps: number,
  workspace: QueueWorkspace = createQueueWorkspace(),
): AnalyzeResult {
  if (rateRps <= 0) return {ok: false, error: `invalid request rate ${formatGoFloat32(rateRps)}`}
  if (rateRps > analyzer.rateRangeMaxRps) {
    return {
      ok: false,
      error: `rate=${formatGoFloat32(rateRps)}, max allowed rate=${formatGoFloat32(analyzer.rateRangeMaxRps)}`,
    }
  }
  const solved = solveAt(analyzer, f32(rateRps / 1000), workspace)
  if (!solved.ok) return solved
  const model = solved.model
  const maxBatch = analyzer.config.maxBatchSize
  const prefill = prefillTimeMs(
    analyzer.config.serviceParms,
    analyzer.request.avgInputTokens,
    model.effectiveConcurrency,
  )
  return {
    ok: true,
    model,
    metrics: {
      throughputRps: f32(model.throughputPerMs * 1000),
      avgRespTimeMs: model.avgRespTimeMs,
      avgWaitTimeMs: model.avgWaitTimeMs,
      avgNumInServ: model.avgNumInServers,
      avgPrefillTimeMs: prefill,
      avgTokenTimeMs: itlOf(analyzer, model),
      maxRateRps: analyzer.rateRangeMaxRps,
      rho: Math.min(Math.max(f32(model.avgNumInServers / f32(maxBatch)), 0), 1),
      ttftMs: f32(model.avgWaitTimeMs + prefill),
    },
  }
}

/**
 * Largest load one replica sustains within the targets, and the metrics there. Mirrors upstream
 * QueueAnalyzer.Size: one bisection per positive TTFT/ITL target over [lambdaMin, lambdaMax] (req/ms); a target
 * below the bounded region (indicator -1) or an evaluation error fails the sizing.
 */
export function sizeForTargets(
  analyzer: QueueAnalyzer,
  targets: TargetPerf,
  workspace: QueueWorkspace = createQueueWorkspace(),
): SizeResult {
  if (targets.ttftMs < 0 || targets.itlMs < 0 || targets.tps < 0) {
    return {
      ok: false,
      error:
        `invalid target data values {TTFT=${formatGoFixed(targets.ttftMs, 3)}, ` +
        `ITL=${formatGoFixed(targets.itlMs, 3)}, TPS=${formatGoFixed(targets.tps, 3)}}`,
    }
  }
  const lambdaLow = f32(analyzer.rateRangeMinRps / 1000)
  const lambdaHigh = f32(analyzer.rateRangeMaxRps / 1000)
  const range = `range=[${formatGoFixed(analyzer.rateRangeMinRps, 3)}, ${formatGoFixed(analyzer.rateRangeMaxRps, 3)}]`
  let converged = true
  const solveTimes = memoisedTimesAt(workspace)

  const searchTarget = (name: 'TTFT' | 'ITL', target: number, metricOf: (model: WaitAndConcurrency) => number) => {
    const evaluate = (lambda: number): Evaluation => {
      const solved = solveTimes(analyzer, lambda)
      return solved.ok ? {ok: true, value: metricOf(solved)} : solved
    }
    const found = searchLambdaStar(name, target, lambdaLow, lambdaHigh, range, evaluate)
    if (found.ok && !found.converged) converged = false
    return found
  }

  const ttft = searchTarget('TTFT', targets.ttftMs, (model) => ttftOf(analyzer, model))
  if (!ttft.ok) return ttft
  const itl = searchTarget('ITL', targets.itlMs, (model) => itlOf(analyzer, model))
  if (!itl.ok) return itl
  const lambdaTps = targets.tps > 0 ? f32(lambdaHigh * f32(1 - STABILITY_SAFETY_FRACTION)) : lambdaHigh

  const lambdaStar = Math.min(ttft.lambda, itl.lambda, lambdaTps)
  const analyzed = analyzeRate(analyzer, f32(lambdaStar * 1000), workspace)
  if (!analyzed.ok) return analyzed
  const metrics = analyzed.metrics
  return {
    ok: true,
    converged,
    targetRate: {
      rateTargetTTFTRps: f32(ttft.lambda * 1000),
      rateTargetITLRps: f32(itl.lambda * 1000),
      rateTargetTPSRps: f32(lambdaTps * 1000),
    },
    metrics,
    model: analyzed.model,
    achieved: {
      ttftMs: f32(metrics.avgWaitTimeMs + metrics.avgPrefillTimeMs),
      itlMs: metrics.avgTokenTimeMs,
      tps: f32(metrics.throughputRps * f32(analyzer.request.avgOutputTokens)),
    },
  }
}
