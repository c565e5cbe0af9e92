import {f32} from '../queueing/float32.js'

/**
 * Service-time model of the 3-parameter queueing model (WVA v0.6.0 to v0.9.0). Mirrors upstream
 * internal/queueing/analyzer ServiceParms (pkg/analyzer at v0.6.0-v0.8.0, byte-identical arithmetic).
 *
 * One engine iteration of a batch of n requests takes alpha + n * (beta * computeTokens + gamma * memoryTokens) ms.
 * Every value is a float32, and every + - * / is rounded with f32 as Go's float32 arithmetic does (no fused
 * multiply-add: the golden vectors were produced with GOAMD64=v1).
 */
export interface ServiceParmsV2 {
  /** fixed cost of one iteration, ms (float32) */
  readonly alpha: number
  /** compute cost per token, ms per token (float32) */
  readonly beta: number
  /** memory-access (KV cache) cost per token, ms per token (float32) */
  readonly gamma: number
}

/** Average request size; float32 token counts (upstream averages over pods, so they may be fractional). */
export interface RequestSizeV2 {
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
}

/**
 * T(n): time of one iteration at batch size `batchSize` (may be fractional), ms.
 * Mirrors upstream ServiceParms.IterationTime: compute tokens (I+O)/(O+1), memory tokens I + O/2.
 */
export function iterationTimeMs(parms: ServiceParmsV2, request: RequestSizeV2, batchSize: number): number {
  const {avgInputTokens: input, avgOutputTokens: output} = request
  const computeTokens = f32(f32(input + output) / f32(output + 1))
  const memoryTokens = f32(input + f32(output / 2))
  const perRequestMs = f32(f32(parms.beta * computeTokens) + f32(parms.gamma * memoryTokens))
  return f32(parms.alpha + f32(batchSize * perRequestMs))
}

/**
 * Prefill time of one request at batch size `batchSize`, ms: T(n) + (beta + gamma) * I, or exactly 0 when the
 * request has no input tokens. Mirrors upstream ServiceParms.PrefillTime.
 */
export function prefillTimeMs(parms: ServiceParmsV2, request: RequestSizeV2, batchSize: number): number {
  if (request.avgInputTokens === 0) return 0
  const inputWorkMs = f32(f32(parms.beta + parms.gamma) * request.avgInputTokens)
  return f32(iterationTimeMs(parms, request, batchSize) + inputWorkMs)
}

/**
 * Time to generate one output token at batch size `batchSize`, ms: T(n) + beta + gamma * (I + O/2).
 * Mirrors upstream ServiceParms.DecodeTime (Go evaluates (T + beta) + gamma * (...), left to right).
 */
export function decodeTimeMs(parms: ServiceParmsV2, request: RequestSizeV2, batchSize: number): number {
  const {avgInputTokens: input, avgOutputTokens: output} = request
  const memoryWorkMs = f32(parms.gamma * f32(input + f32(output / 2)))
  return f32(f32(iterationTimeMs(parms, request, batchSize) + parms.beta) + memoryWorkMs)
}

/**
 * mu(n) for n = 1..maxBatchSize, requests per ms: n requests finish one prefill and O decode steps together.
 * Mirrors the service-rate loop of upstream BuildModel. The values are float32, held in a Float64Array.
 */
export function serviceRatesPerMs(parms: ServiceParmsV2, request: RequestSizeV2, maxBatchSize: number): Float64Array {
  const rates = new Float64Array(maxBatchSize)
  for (let n = 1; n <= maxBatchSize; n++) {
    const batch = f32(n)
    const prefillMs = prefillTimeMs(parms, request, batch)
    const decodeMs = f32(request.avgOutputTokens * decodeTimeMs(parms, request, batch))
    rates[n - 1] = f32(batch / f32(prefillMs + decodeMs))
  }
  return rates
}
