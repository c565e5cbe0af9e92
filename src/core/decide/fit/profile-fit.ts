import type {FitPoint} from '../../model/fit-point.js'
import {quantile} from './stats.js'

export type {FitPoint} from '../../model/fit-point.js'
import {type Design, robustWls, type WlsFit, type WlsResult} from './wls.js'

/**
 * The performance-profile fit: from per-pod, per-step means of the vLLM series, the 4-parameter profile of WVA up to
 * v0.5 (ITL = α + β·n, prefill = γ + δ·I·n) and the 3-parameter model of v0.6+
 * (docs/engines/queueing-v2.md), each by weighted least squares with outlier rejection, with 95 % intervals,
 * R², the residual spread, and a refusal for every parameter the data cannot identify. Pure: no clock, no I/O.
 * Times in ms, batch in requests.
 */

export type ProfileForm = 'v0.5' | 'v0.6'

export interface FittedParameter {
  name: 'alpha' | 'beta' | 'gamma' | 'delta'
  /** ms, or ms per token for the per-token terms */
  unit: string
  value: number
  standardError: number
  /** 95 % confidence interval */
  ci95: [number, number]
}

export interface EquationFit {
  /** which observations: decode (ITL) or prefill, or both for the joint v0.6 fit */
  observations: 'itl' | 'prefill' | 'itl+prefill'
  points: number
  rejected: number
  r2: number
  /** residuals of the kept points, ms: root mean square and 95th percentile of |residual| */
  residualMs: {rms: number; p95: number}
  /** running batch of the kept points */
  batchRange: [number, number]
  rcond: number
}

export interface Refusal {
  form: ProfileForm
  /** the parameters the data cannot identify */
  parameters: Array<FittedParameter['name']>
  reason: string
  fix: string
}

export interface FormFit {
  form: ProfileForm
  parameters: FittedParameter[]
  equations: EquationFit[]
  /** per kept point: batch and residual (ms), for the residual chart; ITL rows only */
  residuals: Array<{batch: number; residualMs: number; observations: 'itl' | 'prefill'}>
}

export type FormResult = {kind: 'fitted'; fit: FormFit} | {kind: 'refused'; refusal: Refusal}

/** Points whose window saw the running batch move by more than this fraction of its mean are dropped. */
export const MAX_RELATIVE_BATCH_SPREAD = 1
/** Below that, a point weighs 1 / (1 + (this × relative spread)²): a 25 % move halves its weight. */
export const LOAD_CHANGE_WEIGHT_SCALE = 4
/** The ITL and prefill weights are capped at this many times their median, so a few huge windows cannot dominate. */
export const WEIGHT_CAP_MEDIANS = 4
/** A parameter whose 95 % interval half-width exceeds this fraction of |value| is not identified. */
export const MAX_RELATIVE_HALF_WIDTH = 1
/** Least batch range (max − min over the kept points) that identifies a slope in the batch. */
export const MIN_BATCH_RANGE = 1

export interface PreparedPoints {
  points: readonly FitPoint[]
  /** per point: weight factor from the load-change check (0 = dropped) */
  stability: Float64Array
  droppedLoadChange: number
}

/** Marks points whose window straddles a load change: dropped beyond MAX_RELATIVE_BATCH_SPREAD, down-weighted below. */
export function weighStability(points: readonly FitPoint[]): PreparedPoints {
  const stability = new Float64Array(points.length)
  let dropped = 0
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!
    if (point.batch === null) continue
    const relative = point.batchSpread === null ? 0 : point.batchSpread / Math.max(point.batch, 1)
    if (relative > MAX_RELATIVE_BATCH_SPREAD) {
      dropped++
      continue
    }
    stability[i] = 1 / (1 + (LOAD_CHANGE_WEIGHT_SCALE * relative) ** 2)
  }
  return {points, stability, droppedLoadChange: dropped}
}

/** Counts capped at WEIGHT_CAP_MEDIANS medians (missing counts weigh as the median), times the stability factor. */
/**
 * The weighted design of a straight line y = a + b·x over the usable rows (the other rows keep weight 0), and each
 * row's running batch for the residual summary.
 */
function straightLineDesign(
  points: readonly FitPoint[],
  rows: readonly boolean[],
  stability: Float64Array,
  countOf: (point: FitPoint) => number | null,
  xOf: (point: FitPoint) => number,
  yOf: (point: FitPoint) => number,
): {design: Design; batches: Float64Array} {
  const n = points.length
  const design: Design = {
    p: 2,
    x: new Float64Array(2 * n),
    y: new Float64Array(n),
    w: weights(points.map(countOf), stability, (i) => rows[i]!),
  }
  const batches = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const point = points[i]!
    if (!rows[i]) continue
    design.x[2 * i] = 1
    design.x[2 * i + 1] = xOf(point)
    design.y[i] = yOf(point)
    batches[i] = point.batch!
  }
  return {design, batches}
}

function weights(
  counts: ReadonlyArray<number | null>,
  stability: Float64Array,
  usable: (i: number) => boolean,
): Float64Array {
  const known: number[] = []
  for (let i = 0; i < counts.length; i++) if (usable(i) && counts[i] !== null && counts[i]! > 0) known.push(counts[i]!)
  const median = known.length > 0 ? quantile(known, 0.5) : 1
  const cap = WEIGHT_CAP_MEDIANS * median
  const out = new Float64Array(counts.length)
  for (let i = 0; i < counts.length; i++) {
    if (!usable(i)) continue
    const count = counts[i]
    const base = count === null || count === undefined ? median : Math.min(count, cap)
    out[i] = (base / median) * stability[i]!
  }
  return out
}

const finite = (value: number | null): value is number => value !== null && Number.isFinite(value)

function itlUsable(point: FitPoint): boolean {
  return finite(point.itlMs) && point.itlMs > 0 && finite(point.batch) && point.batch > 0 && point.itlCount !== 0
}

function prefillUsable(point: FitPoint): boolean {
  return (
    finite(point.prefillMs) &&
    point.prefillMs > 0 &&
    finite(point.batch) &&
    point.batch > 0 &&
    finite(point.inputTokens) &&
    point.inputTokens > 0 &&
    point.prefillCount !== 0
  )
}

function rangeOf(values: Iterable<number>): [number, number] {
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const value of values) {
    low = Math.min(low, value)
    high = Math.max(high, value)
  }
  return [low, high]
}

function summarise(
  fit: WlsFit,
  design: Design,
  batches: Float64Array,
  observations: EquationFit['observations'],
  rows?: (i: number) => boolean,
): EquationFit {
  const kept: number[] = []
  const keptBatch: number[] = []
  let rejected = 0
  for (let i = 0; i < design.y.length; i++) {
    if (rows !== undefined && !rows(i)) continue
    if (fit.inlier[i] === 1) {
      kept.push(fit.residuals[i]!)
      keptBatch.push(batches[i]!)
    } else if (design.w[i]! > 0) rejected++
  }
  const rms = Math.sqrt(kept.reduce((sum, r) => sum + r * r, 0) / Math.max(kept.length, 1))
  return {
    observations,
    points: kept.length,
    rejected,
    r2: rows === undefined ? fit.r2 : subsetR2(fit, design, rows),
    residualMs: {rms, p95: quantile(kept.map(Math.abs), 0.95)},
    batchRange: rangeOf(keptBatch),
    rcond: fit.rcond,
  }
}

/** Weighted R² of a subset of the rows of a joint fit (the ITL rows, or the prefill rows). */
function subsetR2(fit: WlsFit, design: Design, rows: (i: number) => boolean): number {
  let weightSum = 0
  let mean = 0
  for (let i = 0; i < design.y.length; i++) {
    if (!rows(i) || fit.inlier[i] !== 1) continue
    weightSum += design.w[i]!
    mean += design.w[i]! * design.y[i]!
  }
  mean /= weightSum
  let ssr = 0
  let sst = 0
  for (let i = 0; i < design.y.length; i++) {
    if (!rows(i) || fit.inlier[i] !== 1) continue
    ssr += design.w[i]! * fit.residuals[i]! ** 2
    sst += design.w[i]! * (design.y[i]! - mean) ** 2
  }
  return sst > 0 ? 1 - ssr / sst : Number.NaN
}

function parameter(name: FittedParameter['name'], unit: string, fit: WlsFit, index: number): FittedParameter {
  return {
    name,
    unit,
    value: fit.coefficients[index]!,
    standardError: fit.standardErrors[index]!,
    ci95: fit.intervals[index]!,
  }
}

/** The refusal for a failed solve, or for parameters whose interval is wider than their value. */
function refusalOf(
  form: ProfileForm,
  result: WlsResult,
  names: Array<FittedParameter['name']>,
  what: string,
  singularReason: string,
  singularFix: string,
): Refusal | undefined {
  if (result.kind === 'too-few') {
    return {
      form,
      parameters: names,
      reason: `${result.used} usable ${what} points, at least ${result.needed} needed`,
      fix: 'fit over a longer range (--since) or a busier period',
    }
  }
  if (result.kind === 'singular') {
    return {form, parameters: names, reason: singularReason, fix: singularFix}
  }
  const negative = names.filter((_, j) => result.intervals[j]![1] < 0)
  if (negative.length > 0) {
    const shown = negative
      .map((name) => {
        const j = names.indexOf(name)
        const halfWidth = (result.intervals[j]![1] - result.intervals[j]![0]) / 2
        return `${name} = ${round(result.coefficients[j]!)} ± ${round(halfWidth)}`
      })
      .join(', ')
    return {
      form,
      parameters: negative,
      reason: `negative (${shown}, R² ${result.r2.toFixed(2)}): the ${form} model does not describe this data`,
      fix: 'compare with the other form, and see the limits in docs/fit.md',
    }
  }
  const loose = names.filter((_, j) => {
    const value = result.coefficients[j]!
    const halfWidth = (result.intervals[j]![1] - result.intervals[j]![0]) / 2
    return !(halfWidth <= MAX_RELATIVE_HALF_WIDTH * Math.abs(value))
  })
  if (loose.length > 0) {
    const shown = loose
      .map((name) => {
        const j = names.indexOf(name)
        const halfWidth = (result.intervals[j]![1] - result.intervals[j]![0]) / 2
        return `${name} = ${round(result.coefficients[j]!)} ± ${round(halfWidth)}`
      })
      .join(', ')
    return {
      form,
      parameters: loose,
      reason: `the 95 % interval is wider than the value (${shown}) over ${result.used} ${what} points`,
      fix: 'fit over a longer range or one with more varied load',
    }
  }
  return undefined
}

function round(value: number): string {
  return Number(value.toPrecision(3)).toString()
}

/** Fits the 4-parameter profile: decode ITL = α + β·n, prefill = γ + δ·I·n (ms). */
export function fitV05(prepared: PreparedPoints): FormResult {
  const {points, stability} = prepared
  const form: ProfileForm = 'v0.5'
  // Decode: α, β.
  const itlRows = points.map((point, i) => itlUsable(point) && stability[i]! > 0)
  const itlBatches = points.filter((_, i) => itlRows[i]).map((point) => point.batch!)
  if (itlBatches.length === 0)
    return refuse(
      form,
      ['alpha', 'beta'],
      'no ITL and running-batch data in the range',
      'check the range and that vLLM is scraped (docs/fit.md lists the series)',
    )
  const [lowBatch, highBatch] = rangeOf(itlBatches)
  if (highBatch <= 1) {
    return refuse(
      form,
      ['beta'],
      `the running batch never went above 1 (${itlBatches.length} points)`,
      'fit over a range with concurrent requests',
    )
  }
  if (highBatch - lowBatch < MIN_BATCH_RANGE) {
    return refuse(
      form,
      ['beta'],
      `the running batch barely varies (${round(lowBatch)} to ${round(highBatch)} over ${itlBatches.length} points)`,
      'fit over a range whose load varies (e.g. a whole day)',
    )
  }
  const {design: decode, batches: decodeBatches} = straightLineDesign(
    points,
    itlRows,
    stability,
    (point) => point.itlCount,
    (point) => point.batch!,
    (point) => point.itlMs!,
  )
  const decodeFit = robustWls(decode)
  const decodeRefusal = refusalOf(
    form,
    decodeFit,
    ['alpha', 'beta'],
    'ITL',
    'α and β cannot be told apart',
    'fit over a range whose load varies',
  )
  if (decodeRefusal) return {kind: 'refused', refusal: decodeRefusal}
  const decodeOk = decodeFit as WlsFit

  // Prefill: γ, δ.
  const prefillRows = points.map((point, i) => prefillUsable(point) && stability[i]! > 0)
  const products = points.filter((_, i) => prefillRows[i]).map((point) => point.inputTokens! * point.batch!)
  if (products.length === 0) {
    const anyPrefill = points.some((point) => finite(point.prefillMs))
    return refuse(
      form,
      ['gamma', 'delta'],
      anyPrefill
        ? 'no requests with input tokens in the range'
        : 'no prefill time in the range (request_prefill_time_seconds, or TTFT and request_queue_time_seconds)',
      anyPrefill
        ? 'fit over a range with traffic'
        : 'scrape a vLLM version that exports request_prefill_time_seconds (docs/fit.md)',
    )
  }
  const [lowProduct, highProduct] = rangeOf(products)
  if (!(highProduct > lowProduct * 1.2)) {
    return refuse(
      form,
      ['delta'],
      `input tokens × batch barely varies (${round(lowProduct)} to ${round(highProduct)})`,
      'fit over a range whose load or request sizes vary',
    )
  }
  const {design: prefill, batches: prefillBatches} = straightLineDesign(
    points,
    prefillRows,
    stability,
    (point) => point.prefillCount,
    (point) => point.inputTokens! * point.batch!,
    (point) => point.prefillMs!,
  )
  const prefillFit = robustWls(prefill)
  const prefillRefusal = refusalOf(
    form,
    prefillFit,
    ['gamma', 'delta'],
    'prefill',
    'γ and δ cannot be told apart',
    'fit over a range whose load or request sizes vary',
  )
  if (prefillRefusal) return {kind: 'refused', refusal: prefillRefusal}
  const prefillOk = prefillFit as WlsFit
  return {
    kind: 'fitted',
    fit: {
      form,
      parameters: [
        parameter('alpha', 'ms', decodeOk, 0),
        parameter('beta', 'ms/request', decodeOk, 1),
        parameter('gamma', 'ms', prefillOk, 0),
        parameter('delta', 'ms/token/request', prefillOk, 1),
      ],
      equations: [
        summarise(decodeOk, decode, decodeBatches, 'itl'),
        summarise(prefillOk, prefill, prefillBatches, 'prefill'),
      ],
      residuals: [
        ...residualPoints(decodeOk, decodeBatches, 'itl'),
        ...residualPoints(prefillOk, prefillBatches, 'prefill'),
      ],
    },
  }
}

function residualPoints(
  fit: WlsFit,
  batches: Float64Array,
  observations: 'itl' | 'prefill',
  rows?: (i: number) => boolean,
): FormFit['residuals'] {
  const out: FormFit['residuals'] = []
  for (let i = 0; i < fit.residuals.length; i++) {
    if (fit.inlier[i] !== 1 || (rows !== undefined && !rows(i))) continue
    out.push({batch: batches[i]!, residualMs: fit.residuals[i]!, observations})
  }
  return out
}

function refuse(
  form: ProfileForm,
  parameters: Array<FittedParameter['name']>,
  reason: string,
  fix: string,
): FormResult {
  return {kind: 'refused', refusal: {form, parameters, reason, fix}}
}

/**
 * Fits the v0.6+ model jointly on ITL and prefill observations. With c = (I+O)/(O+1) and m = I + O/2:
 * ITL(n) = α + β·(1 + n·c) + γ·m·(1 + n) and prefill(n) = α + β·(n·c + I) + γ·(n·m + I).
 * The two groups are weighted by the inverse of their residual variance (estimated by a first fit with equal
 * group weights).
 */
export function fitV06(prepared: PreparedPoints): FormResult {
  const {points, stability} = prepared
  const form: ProfileForm = 'v0.6'
  const n = points.length
  const tokensKnown = (point: FitPoint) =>
    finite(point.inputTokens) && finite(point.outputTokens) && point.outputTokens > 0
  const itlRows = points.map((point, i) => itlUsable(point) && tokensKnown(point) && stability[i]! > 0)
  const prefillRows = points.map((point, i) => prefillUsable(point) && tokensKnown(point) && stability[i]! > 0)
  const itlCount = itlRows.filter(Boolean).length
  if (itlCount === 0) {
    return refuse(
      form,
      ['alpha', 'beta', 'gamma'],
      'no ITL, running-batch and token data in the range',
      'check the range and that vLLM is scraped (docs/fit.md lists the series)',
    )
  }
  const batches = points.filter((_, i) => itlRows[i] || prefillRows[i]).map((p) => p.batch!)
  const [lowBatch, highBatch] = rangeOf(batches)
  if (highBatch <= 1) {
    return refuse(
      form,
      ['beta', 'gamma'],
      `the running batch never went above 1 (${batches.length} points)`,
      'fit over a range with concurrent requests',
    )
  }
  if (highBatch - lowBatch < MIN_BATCH_RANGE) {
    return refuse(
      form,
      ['beta', 'gamma'],
      `the running batch barely varies (${round(lowBatch)} to ${round(highBatch)} over ${batches.length} points)`,
      'fit over a range whose load varies (e.g. a whole day)',
    )
  }
  // Rows 0..n-1 are ITL rows, n..2n-1 prefill rows.
  const design: Design = {p: 3, x: new Float64Array(3 * 2 * n), y: new Float64Array(2 * n), w: new Float64Array(2 * n)}
  const rowBatches = new Float64Array(2 * n)
  const itlWeights = weights(
    points.map((p) => p.itlCount),
    stability,
    (i) => itlRows[i]!,
  )
  const prefillWeights = weights(
    points.map((p) => p.prefillCount),
    stability,
    (i) => prefillRows[i]!,
  )
  for (let i = 0; i < n; i++) {
    const point = points[i]!
    const input = point.inputTokens ?? 0
    const output = point.outputTokens ?? 1
    const compute = (input + output) / (output + 1)
    const memory = input + output / 2
    const batch = point.batch ?? 0
    if (itlRows[i]) {
      design.x[3 * i] = 1
      design.x[3 * i + 1] = 1 + batch * compute
      design.x[3 * i + 2] = memory * (1 + batch)
      design.y[i] = point.itlMs!
      design.w[i] = itlWeights[i]!
      rowBatches[i] = batch
    }
    if (prefillRows[i]) {
      const row = n + i
      design.x[3 * row] = 1
      design.x[3 * row + 1] = batch * compute + input
      design.x[3 * row + 2] = batch * memory + input
      design.y[row] = point.prefillMs!
      design.w[row] = prefillWeights[i]!
      rowBatches[row] = batch
    }
  }
  const isItl = (row: number) => row < n
  const isPrefill = (row: number) => row >= n
  const singularReason = prefillRows.some(Boolean)
    ? 'β and γ cannot be told apart (ITL and prefill times move together)'
    : 'β and γ cannot be told apart without prefill times, as input and output sizes barely vary'
  const singularFix = prefillRows.some(Boolean)
    ? 'fit over a range whose request sizes vary'
    : 'scrape request_prefill_time_seconds (or TTFT and queue time), or fit over a range with varied request sizes'
  let result = robustWls(design)
  if (result.kind === 'fit' && prefillRows.some(Boolean)) {
    // Balance the two groups by their residual variance per unit weight.
    const variance = (rows: (i: number) => boolean) => {
      let sum = 0
      let count = 0
      for (let i = 0; i < 2 * n; i++) {
        if (!rows(i) || (result as WlsFit).inlier[i] !== 1) continue
        sum += design.w[i]! * (result as WlsFit).residuals[i]! ** 2
        count++
      }
      return count > 0 ? sum / count : 1
    }
    const itlVariance = variance(isItl)
    const prefillVariance = variance(isPrefill)
    if (itlVariance > 0 && prefillVariance > 0) {
      const reweighted = new Float64Array(design.w)
      for (let i = 0; i < 2 * n; i++) reweighted[i] = reweighted[i]! / (isItl(i) ? itlVariance : prefillVariance)
      result = robustWls({...design, w: reweighted}, {initialMask: (result as WlsFit).inlier})
      if (result.kind === 'fit') Object.assign(design, {w: reweighted})
    }
  }
  const refusal = refusalOf(form, result, ['alpha', 'beta', 'gamma'], 'ITL and prefill', singularReason, singularFix)
  if (refusal) return {kind: 'refused', refusal}
  const fit = result as WlsFit
  const equations = [summarise(fit, design, rowBatches, 'itl', isItl)]
  if (prefillRows.some(Boolean)) equations.push(summarise(fit, design, rowBatches, 'prefill', isPrefill))
  return {
    kind: 'fitted',
    fit: {
      form,
      parameters: [
        parameter('alpha', 'ms', fit, 0),
        parameter('beta', 'ms/token', fit, 1),
        parameter('gamma', 'ms/token', fit, 2),
      ],
      equations,
      residuals: [
        ...residualPoints(fit, rowBatches, 'itl', isItl),
        ...residualPoints(fit, rowBatches, 'prefill', isPrefill),
      ],
    },
  }
}
