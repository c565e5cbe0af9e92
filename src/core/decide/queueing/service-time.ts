import {f32} from './float32.js'

/**
 * Profile of one model on one accelerator. All in ms, float32: ITL = alpha + beta*batch, prefill = gamma +
 * delta*in*batch.
 */
export interface ServiceParms {
  readonly alpha: number
  readonly beta: number
  readonly gamma: number
  readonly delta: number
}

/** Average request size in tokens (integers). */
export interface RequestSize {
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
}

/**
 * Prefill time (ms) of one request in a batch of `batchSize` (may be fractional).
 * Mirrors upstream pkg/analyzer PrefillParms.PrefillTime: gamma is dropped entirely when there are no input tokens.
 */
export function prefillTimeMs(parms: ServiceParms, avgInputTokens: number, batchSize: number): number {
  if (avgInputTokens === 0) return 0
  return f32(parms.gamma + f32(f32(parms.delta * f32(avgInputTokens)) * batchSize))
}

/** Time (ms) of one decode step at batch size `batchSize`. Mirrors upstream DecodeParms.DecodeTime. */
export function decodeTimeMs(parms: ServiceParms, batchSize: number): number {
  return f32(parms.alpha + f32(parms.beta * batchSize))
}

/**
 * Decode steps per request: the first output token comes out of prefill. Upstream counts one step for the
 * in=0/out=1 request, otherwise its service time would be 0 and its service rate infinite.
 */
export function numDecodeSteps(request: RequestSize): number {
  if (request.avgInputTokens === 0 && request.avgOutputTokens === 1) return 1
  return request.avgOutputTokens - 1
}

/** Service time (ms) of a request in a batch of `batchSize`. */
export function serviceTimeMs(parms: ServiceParms, request: RequestSize, batchSize: number): number {
  const prefill = prefillTimeMs(parms, request.avgInputTokens, batchSize)
  return f32(prefill + f32(f32(numDecodeSteps(request)) * decodeTimeMs(parms, batchSize)))
}

/** Service rates mu(n) (req/ms) with n = 1..maxBatchSize requests in service; index n-1. */
export function serviceRatesPerMs(parms: ServiceParms, request: RequestSize, maxBatchSize: number): Float64Array {
  const rates = new Float64Array(maxBatchSize)
  for (let n = 1; n <= maxBatchSize; n++) rates[n - 1] = f32(f32(n) / serviceTimeMs(parms, request, n))
  return rates
}

/**
 * The (fractional) batch size whose service time equals `avgServiceTimeMs`, clamped to [0, maxBatchSize].
 * Mirrors upstream EffectiveConcurrency. Unlike serviceTimeMs it always subtracts gamma and always uses out-1
 * decode steps (upstream quirk); a 0/0 gives NaN, which propagates through the clamp as in Go's min/max.
 */
export function effectiveConcurrency(
  parms: ServiceParms,
  request: RequestSize,
  avgServiceTimeMs: number,
  maxBatchSize: number,
): number {
  const steps = f32(request.avgOutputTokens - 1)
  const numerator = f32(avgServiceTimeMs - f32(parms.gamma + f32(parms.alpha * steps)))
  const denominator = f32(f32(parms.delta * f32(request.avgInputTokens)) + f32(parms.beta * steps))
  const batch = f32(numerator / denominator)
  return goMin(goMax(batch, 0), maxBatchSize)
}

// Go's built-in min/max return NaN when an argument is NaN; so do Math.min/Math.max.
const goMin = Math.min
const goMax = Math.max
