import {tCritical} from './stats.js'

/**
 * Weighted least squares with iterative outlier rejection, for the few-parameter linear models of the profile fit.
 * Pure, double precision. Rows are (x, y, weight); a weight of 0 leaves a row out from the start.
 */
export interface Design {
  /** number of columns (parameters) */
  readonly p: number
  /** row-major: row i is x[i·p … i·p + p − 1] */
  readonly x: Float64Array
  readonly y: Float64Array
  readonly w: Float64Array
}

export interface WlsOptions {
  /** |standardised residual| above this (in robust standard deviations) marks a row an outlier; default 4 */
  readonly rejectAbove?: number
  /** most refits; default 10 */
  readonly maxIterations?: number
  /** two-sided level of the confidence intervals; default 0.95 */
  readonly confidence?: number
  /** the rows to start from (e.g. the inliers of an earlier fit of the same rows); default all eligible rows */
  readonly initialMask?: Uint8Array
}

export interface WlsFit {
  readonly kind: 'fit'
  readonly coefficients: number[]
  readonly standardErrors: number[]
  /** [low, high] per coefficient at the requested confidence (t distribution, n − p degrees of freedom) */
  readonly intervals: Array<[number, number]>
  /** y − x·b for every row (also the outliers and the zero-weight rows) */
  readonly residuals: Float64Array
  /** 1 for a row used in the final fit */
  readonly inlier: Uint8Array
  /** rows used in the final fit */
  readonly used: number
  /** rows with a positive weight rejected as outliers */
  readonly rejected: number
  /** residual standard error per unit weight */
  readonly sigma: number
  readonly degreesOfFreedom: number
  /** weighted coefficient of determination */
  readonly r2: number
  /** reciprocal condition number of the scaled normal matrix (1 = orthogonal columns, → 0 = collinear) */
  readonly rcond: number
}

export type WlsResult =
  | WlsFit
  | {readonly kind: 'singular'; readonly rcond: number; readonly used: number}
  | {readonly kind: 'too-few'; readonly used: number; readonly needed: number}

/** Below this reciprocal condition number the columns are treated as collinear. */
export const MIN_RCOND = 1e-9

interface Solved {
  coefficients: number[]
  /** (XᵀWX)⁻¹ */
  inverse: number[][]
  rcond: number
}

/** Normal equations over the rows with mask[i] = 1; undefined rcond → singular. */
function solve(design: Design, mask: Uint8Array): Solved | {singular: number} {
  const {p, x, y, w} = design
  const a: number[][] = Array.from({length: p}, () => new Array<number>(p).fill(0))
  const b = new Array<number>(p).fill(0)
  const rows = y.length
  for (let i = 0; i < rows; i++) {
    if (mask[i] !== 1) continue
    const weight = w[i]!
    const offset = i * p
    for (let j = 0; j < p; j++) {
      const xj = x[offset + j]! * weight
      b[j]! += xj * y[i]!
      const row = a[j]!
      for (let k = j; k < p; k++) row[k]! += xj * x[offset + k]!
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) a[j]![k] = a[k]![j]!
  // Scale to unit diagonal so that the condition number measures collinearity, not units.
  const scale = a.map((row, j) => (row[j]! > 0 ? 1 / Math.sqrt(row[j]!) : 0))
  if (scale.some((s) => s === 0)) return {singular: 0}
  const scaled = a.map((row, j) => row.map((value, k) => value * scale[j]! * scale[k]!))
  const inverse = invert(scaled)
  if (inverse === undefined) return {singular: 0}
  const rcond = 1 / (norm1(scaled) * norm1(inverse))
  if (!(rcond >= MIN_RCOND)) return {singular: Number.isFinite(rcond) ? rcond : 0}
  const unscaled = inverse.map((row, j) => row.map((value, k) => value * scale[j]! * scale[k]!))
  const coefficients = unscaled.map((row) => row.reduce((sum, value, k) => sum + value * b[k]!, 0))
  return {coefficients, inverse: unscaled, rcond}
}

function norm1(m: number[][]): number {
  let best = 0
  for (let k = 0; k < m.length; k++) {
    let sum = 0
    for (const row of m) sum += Math.abs(row[k]!)
    best = Math.max(best, sum)
  }
  return best
}

/** Gauss-Jordan with partial pivoting; undefined for a zero pivot. */
function invert(m: number[][]): number[][] | undefined {
  const n = m.length
  const a = m.map((row, i) => [...row, ...Array.from({length: n}, (_, k) => (k === i ? 1 : 0))])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r
    if (!(Math.abs(a[pivot]![col]!) > 1e-300)) return undefined
    ;[a[col], a[pivot]] = [a[pivot]!, a[col]!]
    const row = a[col]!
    const factor = 1 / row[col]!
    for (let k = 0; k < 2 * n; k++) row[k]! *= factor
    for (let r = 0; r < n; r++) {
      if (r === col) continue
      const other = a[r]!
      const f = other[col]!
      if (f === 0) continue
      for (let k = 0; k < 2 * n; k++) other[k]! -= f * row[k]!
    }
  }
  return a.map((row) => row.slice(n))
}

function residualsOf(design: Design, coefficients: readonly number[], out: Float64Array): void {
  const {p, x, y} = design
  for (let i = 0; i < y.length; i++) {
    let fitted = 0
    for (let j = 0; j < p; j++) fitted += x[i * p + j]! * coefficients[j]!
    out[i] = y[i]! - fitted
  }
}

/** Median of |√w·r| over the masked rows, scaled to a normal standard deviation (1.4826 · MAD). */
/** The k-th smallest of values[0..n) (quickselect; reorders values so that values[0..k) are not larger). */
function select(values: Float64Array, n: number, k: number): number {
  let low = 0
  let high = n - 1
  while (low < high) {
    const pivot = values[(low + high) >> 1]!
    let i = low
    let j = high
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const swap = values[i]!
        values[i] = values[j]!
        values[j] = swap
        i++
        j--
      }
    }
    if (k <= j) high = j
    else if (k >= i) low = i
    else return values[k]!
  }
  return values[k]!
}

function max(values: Float64Array, n: number): number {
  let best = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) best = Math.max(best, values[i]!)
  return best
}

/** Above this many rows the robust scale is taken from an evenly spaced sample of about this size (MAD ± ~1 %). */
const SCALE_SAMPLE = 50_000

function robustScale(sqrtW: Float64Array, residuals: Float64Array, mask: Uint8Array, values: Float64Array): number {
  const stride = Math.max(1, Math.floor(residuals.length / SCALE_SAMPLE))
  let n = 0
  for (let i = 0; i < residuals.length; i += stride)
    if (mask[i] === 1) values[n++] = Math.abs(sqrtW[i]! * residuals[i]!)
  if (n === 0) return 0
  const middle = n >> 1
  const upper = select(values, n, middle)
  const median = n % 2 === 1 ? upper : (upper + max(values, middle)) / 2
  return 1.4826 * median
}

/**
 * Fits y = x·b by weighted least squares, then repeatedly drops the rows whose standardised residual exceeds
 * `rejectAbove` robust standard deviations (and restores rows that come back within it) until the set is stable.
 * The intervals use the t distribution with (used − p) degrees of freedom and the residual variance of the kept rows.
 */
export function robustWls(design: Design, options: WlsOptions = {}): WlsResult {
  const {p, y, w} = design
  const rows = y.length
  const rejectAbove = options.rejectAbove ?? 4
  const maxIterations = options.maxIterations ?? 10
  const confidence = options.confidence ?? 0.95
  const eligible = new Uint8Array(rows)
  let eligibleCount = 0
  for (let i = 0; i < rows; i++) {
    if (w[i]! > 0 && Number.isFinite(w[i]!) && Number.isFinite(y[i]!)) {
      eligible[i] = 1
      eligibleCount++
    }
  }
  const needed = p + 2
  if (eligibleCount < needed) return {kind: 'too-few', used: eligibleCount, needed}
  let mask = eligible.slice()
  if (options.initialMask !== undefined) {
    const start = eligible.map((value, i) => (value === 1 && options.initialMask![i] === 1 ? 1 : 0))
    if (count(start) >= needed) mask = start
  }
  const residuals = new Float64Array(rows)
  const sqrtW = w.map(Math.sqrt)
  const scratch = new Float64Array(rows)
  let solved: Solved | undefined
  for (let iteration = 0; iteration <= maxIterations; iteration++) {
    const attempt = solve(design, mask)
    if ('singular' in attempt) return {kind: 'singular', rcond: attempt.singular, used: count(mask)}
    solved = attempt
    residualsOf(design, solved.coefficients, residuals)
    const scale = robustScale(sqrtW, residuals, mask, scratch)
    if (!(scale > 0)) break
    const next = new Uint8Array(rows)
    let changed = 0
    for (let i = 0; i < rows; i++) {
      next[i] = eligible[i] === 1 && Math.abs(sqrtW[i]! * residuals[i]!) <= rejectAbove * scale ? 1 : 0
      if (next[i] !== mask[i]) changed++
    }
    // Settled: no row changed sides, or so few (rows on the threshold flipping back and forth) that the fit stays.
    if (changed <= eligibleCount * 1e-4) {
      if (changed > 0) mask = next
      break
    }
    if (count(next) < needed) break
    mask = next
  }
  const final = solve(design, mask)
  if ('singular' in final) return {kind: 'singular', rcond: final.singular, used: count(mask)}
  solved = final
  residualsOf(design, solved.coefficients, residuals)
  const used = count(mask)
  let weightSum = 0
  let weightedMean = 0
  for (let i = 0; i < rows; i++) {
    if (mask[i] !== 1) continue
    weightSum += w[i]!
    weightedMean += w[i]! * y[i]!
  }
  weightedMean /= weightSum
  let ssr = 0
  let sst = 0
  for (let i = 0; i < rows; i++) {
    if (mask[i] !== 1) continue
    ssr += w[i]! * residuals[i]! ** 2
    sst += w[i]! * (y[i]! - weightedMean) ** 2
  }
  const degreesOfFreedom = used - p
  const variance = ssr / degreesOfFreedom
  const t = tCritical(1 - confidence, degreesOfFreedom)
  const standardErrors = solved.inverse.map((row, j) => Math.sqrt(Math.max(row[j]! * variance, 0)))
  return {
    kind: 'fit',
    coefficients: solved.coefficients,
    standardErrors,
    intervals: solved.coefficients.map((b, j) => [b - t * standardErrors[j]!, b + t * standardErrors[j]!]),
    residuals,
    inlier: mask,
    used,
    rejected: eligibleCount - used,
    sigma: Math.sqrt(variance),
    degreesOfFreedom,
    r2: sst > 0 ? 1 - ssr / sst : Number.NaN,
    rcond: solved.rcond,
  }
}

function count(mask: Uint8Array): number {
  let n = 0
  for (const value of mask) n += value
  return n
}
