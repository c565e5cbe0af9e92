import {type FitPoint, type FormResult, fitV05, fitV06, type ProfileForm, weighStability} from './profile-fit.js'

export * from './profile-fit.js'
export {normalQuantile, quantile, tCritical} from './stats.js'
export {type Design, robustWls, type WlsFit, type WlsResult} from './wls.js'

export interface FitDataSummary {
  pods: number
  /** pod-steps with any value */
  points: number
  /** pod-steps with ITL and batch */
  itlPoints: number
  /** pod-steps with prefill time, batch and input tokens */
  prefillPoints: number
  /** pod-steps dropped because the running batch moved too much within the window */
  droppedLoadChange: number
  batchRange: [number, number] | null
  inputTokensRange: [number, number] | null
  outputTokensRange: [number, number] | null
  /**
   * Mean tokens per engine iteration over mean running batch, over the points with both (vllm:iteration_tokens_total
   * cross-check): about 1 plus the prefill share when the batch gauge is right; null without the series.
   */
  iterationTokensPerRunning: number | null
}

export interface TodayLoad {
  /** the last step with traffic */
  timeMs: number
  /** all pods' completed requests, per minute */
  arrivalRateRpm: number
  avgInputTokens: number
  avgOutputTokens: number
  /** pods with traffic at that step */
  busyPods: number
}

export interface ProfileFitResult {
  data: FitDataSummary
  forms: Partial<Record<ProfileForm, FormResult>>
  /** the load at the end of the range, for the decisions with the fitted and configured profiles */
  load: TodayLoad | null
}

function range(values: number[]): [number, number] | null {
  if (values.length === 0) return null
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const value of values) {
    low = Math.min(low, value)
    high = Math.max(high, value)
  }
  return [low, high]
}

const known = (value: number | null): value is number => value !== null && Number.isFinite(value)

/** Both forms (or the ones asked for) over the same points, with the data summary and the load at the end. */
export function fitProfile(
  points: readonly FitPoint[],
  forms: readonly ProfileForm[] = ['v0.5', 'v0.6'],
): ProfileFitResult {
  const prepared = weighStability(points)
  const result: ProfileFitResult = {
    data: summariseData(points, prepared.droppedLoadChange),
    forms: {},
    load: lastLoad(points),
  }
  for (const form of forms) result.forms[form] = form === 'v0.5' ? fitV05(prepared) : fitV06(prepared)
  return result
}

function summariseData(points: readonly FitPoint[], droppedLoadChange: number): FitDataSummary {
  const pods = new Set<string>()
  const batches: number[] = []
  const inputs: number[] = []
  const outputs: number[] = []
  let itlPoints = 0
  let prefillPoints = 0
  let ratioSum = 0
  let ratioCount = 0
  for (const point of points) {
    pods.add(point.pod)
    if (known(point.batch)) batches.push(point.batch)
    if (known(point.inputTokens)) inputs.push(point.inputTokens)
    if (known(point.outputTokens)) outputs.push(point.outputTokens)
    if (known(point.itlMs) && known(point.batch)) itlPoints++
    if (known(point.prefillMs) && known(point.batch) && known(point.inputTokens)) prefillPoints++
    if (known(point.iterationTokens) && known(point.batch) && point.batch > 0) {
      ratioSum += point.iterationTokens / point.batch
      ratioCount++
    }
  }
  return {
    pods: pods.size,
    points: points.length,
    itlPoints,
    prefillPoints,
    droppedLoadChange,
    batchRange: range(batches),
    inputTokensRange: range(inputs),
    outputTokensRange: range(outputs),
    iterationTokensPerRunning: ratioCount > 0 ? ratioSum / ratioCount : null,
  }
}

/** The latest step at which some pod completed requests: the sum of the rates and request-weighted token means. */
export function lastLoad(points: readonly FitPoint[]): TodayLoad | null {
  let lastMs = Number.NEGATIVE_INFINITY
  for (const point of points)
    if (known(point.requestRate) && point.requestRate > 0) lastMs = Math.max(lastMs, point.timeMs)
  if (!Number.isFinite(lastMs)) return null
  let rate = 0
  let input = 0
  let output = 0
  let busy = 0
  for (const point of points) {
    if (point.timeMs !== lastMs || !known(point.requestRate) || point.requestRate <= 0) continue
    rate += point.requestRate
    input += point.requestRate * (point.inputTokens ?? 0)
    output += point.requestRate * (point.outputTokens ?? 0)
    busy++
  }
  return {
    timeMs: lastMs,
    arrivalRateRpm: rate * 60,
    avgInputTokens: input / rate,
    avgOutputTokens: output / rate,
    busyPods: busy,
  }
}
