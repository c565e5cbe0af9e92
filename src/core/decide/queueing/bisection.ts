import {f32, formatGoFloat32} from './float32.js'

/** Relative tolerance of the bisection (float32), upstream analyzer.Tolerance. */
export const BISECTION_TOLERANCE = f32(1e-6)
/** Maximum bisection steps, upstream analyzer.MaxIterations. */
export const BISECTION_MAX_ITERATIONS = 100

/** Where the target lies relative to the function values over [xMin, xMax]. */
export type BisectionIndicator = -1 | 0 | 1

export type Evaluation = {ok: true; value: number} | {ok: false; error: string}

export type BisectionResult =
  | {ok: true; xStar: number; ind: BisectionIndicator; converged: boolean}
  | {ok: false; xStar: number; ind: BisectionIndicator; error: string}

/**
 * |x - value| / value <= tolerance in float32, or exact equality. Mirrors upstream analyzer.WithinTolerance
 * (4cf6eb6, with the corrected bracket; v0.0.1 computed |x - value/value|).
 */
export function withinTolerance(x: number, value: number, tolerance: number): boolean {
  if (x === value) return true
  if (value === 0) return false
  return Math.abs(f32(f32(x - value) / value)) <= tolerance
}

/**
 * x* in [xMin, xMax] with f(x*) close to yTarget. Mirrors upstream analyzer.BinarySearch: the endpoints are tried
 * first, a flat curve (f(xMin) == f(xMax)) counts as decreasing, and the search returns the last midpoint after
 * BISECTION_MAX_ITERATIONS steps (`converged: false`). ind -1: target below the bounded region (returns xMin),
 * +1: above it (returns xMax).
 *
 * Deviation from upstream, same result: once a step leaves [low, high] unchanged (in float32 the interval shrinks
 * to adjacent or equal values, and its midpoint is one of them), every remaining step would evaluate the same x
 * and change nothing, so the search returns that x (`converged: false`) at once instead of evaluating it again up
 * to 100 times. This needs `evaluate` to be a pure function, as every caller's is.
 */
export function binarySearch(
  xMin: number,
  xMax: number,
  yTarget: number,
  evaluate: (x: number) => Evaluation,
): BisectionResult {
  if (xMin > xMax)
    return {ok: false, xStar: 0, ind: 0, error: `invalid range [${formatGoFloat32(xMin)}, ${formatGoFloat32(xMax)}]`}
  const ends: number[] = []
  for (const x of [xMin, xMax]) {
    const y = evaluate(x)
    if (!y.ok) return {ok: false, xStar: 0, ind: 0, error: `invalid function evaluation: ${y.error}`}
    if (withinTolerance(y.value, yTarget, BISECTION_TOLERANCE)) return {ok: true, xStar: x, ind: 0, converged: true}
    ends.push(y.value)
  }
  // the loop pushed both ends (it returns otherwise)
  const yMin = ends[0]!
  const yMax = ends[1]!
  const increasing = yMin < yMax
  if ((increasing && yTarget < yMin) || (!increasing && yTarget > yMin)) {
    return {ok: true, xStar: xMin, ind: -1, converged: true}
  }
  if ((increasing && yTarget > yMax) || (!increasing && yTarget < yMax)) {
    return {ok: true, xStar: xMax, ind: 1, converged: true}
  }
  let low = xMin
  let high = xMax
  let x = low
  for (let iteration = 0; iteration < BISECTION_MAX_ITERATIONS; iteration++) {
    x = f32(0.5 * f32(low + high))
    const y = evaluate(x)
    if (!y.ok) return {ok: false, xStar: 0, ind: 0, error: `invalid function evaluation: ${y.error}`}
    if (withinTolerance(y.value, yTarget, BISECTION_TOLERANCE)) return {ok: true, xStar: x, ind: 0, converged: true}
    if ((increasing && yTarget < y.value) || (!increasing && yTarget > y.value)) {
      if (high === x) break
      high = x
    } else {
      if (low === x) break
      low = x
    }
  }
  return {ok: true, xStar: x, ind: 0, converged: false}
}

export type LambdaStarResult =
  | {ok: true; lambda: number; converged: boolean}
  /** `slo`: the target that cannot be met (as data, beside upstream's text). */
  | {ok: false; error: string; slo: SloName}

/** The latency target a bisection searches for. */
export type SloName = 'ttft' | 'itl'

/**
 * The largest arrival rate in [low, high] at which a latency stays at `target` (upstream's lambdaStarTTFT and
 * lambdaStarITL in Analyzer.Size, the same in the 4-parameter and the v0.6+ queueing models): a target of 0 or less
 * sets no bound (high); a target below the bounded region or a failed evaluation is an error with upstream's text.
 * `range` is upstream's `range=[min, max]` in the message.
 */
export function searchLambdaStar(
  name: 'TTFT' | 'ITL',
  target: number,
  low: number,
  high: number,
  range: string,
  evaluate: (lambda: number) => Evaluation,
): LambdaStarResult {
  if (!(target > 0)) return {ok: true, lambda: high, converged: true}
  const found = binarySearch(low, high, target, evaluate)
  if (!found.ok || found.ind < 0) {
    const cause = found.ok ? 'target is below the bounded region' : found.error
    return {
      ok: false,
      slo: name === 'TTFT' ? 'ttft' : 'itl',
      error:
        `failed to calculate lambdaStar${name}, target${name}=${formatGoFloat32(target)}, ${range}, ` +
        `ind=${found.ind}, err=${cause}`,
    }
  }
  return {ok: true, lambda: found.xStar, converged: found.converged}
}
