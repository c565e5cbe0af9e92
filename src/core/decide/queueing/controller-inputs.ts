import {f32, parseGoFloat32} from './float32.js'
import {formatGoFixed} from './go-format.js'
import type {ServiceParms} from './service-time.js'

/** Token averages are clamped to int32 before truncation, as the collector does. */
export const MAX_TOKENS = 2 ** 31 - 1
/** Minimum number of keys in decodeParms / prefillParms (upstream checks the length, then the two names). */
export const MIN_PERF_PARMS_KEYS = 2
/** Decimals the collector keeps when it turns load values into strings. */
export const LOAD_DECIMALS = 2

export type Parsed<T> = {ok: true; value: T} | {ok: false; reason: string}

/**
 * alpha/beta/gamma/delta from the VA's variantProfile.perfParms, as float32 decimals. Mirrors the 4cf6eb6
 * controller (AddVariantProfileToSystemData): each map needs at least two keys, then the two names must parse.
 */
export function parsePerfParms(
  decodeParms: Readonly<Record<string, string>>,
  prefillParms: Readonly<Record<string, string>>,
): Parsed<ServiceParms> {
  const values: {-readonly [K in keyof ServiceParms]: number} = {alpha: 0, beta: 0, gamma: 0, delta: 0}
  for (const [mapName, map, keys] of [
    ['decodeParms', decodeParms, ['alpha', 'beta']],
    ['prefillParms', prefillParms, ['gamma', 'delta']],
  ] as const) {
    if (Object.keys(map).length < MIN_PERF_PARMS_KEYS) return {ok: false, reason: `length of ${mapName} should be 2`}
    for (const key of keys) {
      // A missing key reads as "" in Go, which fails to parse. An own key is present: hence the `!`.
      const parsed = parseGoFloat32(Object.hasOwn(map, key) ? map[key]! : '')
      if (!parsed.ok) return {ok: false, reason: `${key}: ${parsed.error}`}
      values[key] = parsed.value
    }
  }
  // every key was parsed (any failure returned above)
  return {ok: true, value: values}
}

/** Unit cost from the accelerator-unit-costs ConfigMap entry (float32 decimal). */
export function parseAcceleratorCost(cost: string): Parsed<number> {
  const parsed = parseGoFloat32(cost)
  return parsed.ok ? parsed : {ok: false, reason: 'unable to parse accelerator cost in configMap'}
}

/** The load as the optimizer sees it after the collector's string round trip. */
export interface CollectedLoad {
  readonly arrivalRateString: string
  readonly avgInputTokensString: string
  readonly avgOutputTokensString: string
  /** req/min, float32 */
  readonly arrivalRateRpm: number
  readonly avgInTokens: number
  readonly avgOutTokens: number
}

// Prometheus NaN/Inf become 0; then the collector rounds to float32 and keeps two decimals (Go half-to-even).
function collectorString(value: number): string {
  return formatGoFixed(f32(Number.isFinite(value) ? value : 0), LOAD_DECIMALS)
}

function tokensFrom(text: string): number {
  return Math.trunc(Math.min(Math.max(Number.parseFloat(text), 0), MAX_TOKENS))
}

/**
 * Mirrors the 4cf6eb6 collector plus ParseLoadProfile: each value to float32, formatted with 2 decimals and parsed
 * back; arrival as float32 (negative -> 0), tokens as float64 clamped to [0, 2^31-1] and truncated.
 */
export function collectLoad(arrivalRateRpm: number, avgInputTokens: number, avgOutputTokens: number): CollectedLoad {
  const arrivalRateString = collectorString(arrivalRateRpm)
  const avgInputTokensString = collectorString(avgInputTokens)
  const avgOutputTokensString = collectorString(avgOutputTokens)
  const arrival = parseGoFloat32(arrivalRateString)
  return {
    arrivalRateString,
    avgInputTokensString,
    avgOutputTokensString,
    arrivalRateRpm: arrival.ok && arrival.value > 0 ? arrival.value : 0,
    avgInTokens: tokensFrom(avgInputTokensString),
    avgOutTokens: tokensFrom(avgOutputTokensString),
  }
}

/**
 * Cost of the current allocation: replicas x unit cost (float32), formatted with 2 decimals and parsed back as
 * float32, as the 4cf6eb6 controller stores it in the server spec.
 */
export function currentCostOf(numReplicas: number, unitCost: number): {currentCostString: string; currentCost: number} {
  const currentCostString = formatGoFixed(f32(numReplicas * unitCost), LOAD_DECIMALS)
  const parsed = parseGoFloat32(currentCostString)
  return {currentCostString, currentCost: parsed.ok ? parsed.value : 0}
}
