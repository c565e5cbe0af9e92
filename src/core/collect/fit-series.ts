import type {FitPoint} from '../model/fit-point.js'
import {type FitEvaluation, type FitQuantity, fitQueries} from '../plan/fit-queries.js'
import {type ModelScope, scopeKeySet, scopeSelector, seriesPod} from '../plan/scope.js'
import type {SampleSeries} from '../read/capture/samples.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import {chunkRange} from './history.js'
import type {IssuedQuery} from './model-metrics.js'

/**
 * The per-pod, per-step series of the profile fit: from Prometheus (range queries of plan/fit-queries.ts, chunked
 * below 11,000 points like every history read), or from a capture of raw samples evaluated the same way.
 */
export interface FitRange {
  start: Date
  end: Date
  stepSeconds: number
  /** the rate window, ms */
  windowMs: number
  /** the rate window as given (a Prometheus duration) */
  window: string
}

export interface FitSeries {
  /** one per pod and step with any value, sorted by pod then time */
  points: FitPoint[]
  queries: IssuedQuery[]
  warnings: string[]
  /** HTTP requests sent (0 offline) */
  requests: number
}

type Values = Partial<Record<FitQuantity, number>>

/** pod → time → quantity values */
type Table = Map<string, Map<number, Values>>

function cell(table: Table, pod: string, timeMs: number): Values {
  let times = table.get(pod)
  if (times === undefined) {
    times = new Map()
    table.set(pod, times)
  }
  let values = times.get(timeMs)
  if (values === undefined) {
    values = {}
    times.set(timeMs, values)
  }
  return values
}

const ratio = (sum: number | undefined, count: number | undefined): number | null =>
  sum === undefined || count === undefined || !(count > 0) ? null : sum / count

/** The FitPoints of a table: means from sums and counts, observation counts from count rates × window. */
function assemble(table: Table, windowMs: number): FitPoint[] {
  const windowS = windowMs / 1000
  const points: FitPoint[] = []
  for (const pod of [...table.keys()].sort()) {
    const times = table.get(pod)!
    for (const timeMs of [...times.keys()].sort((a, b) => a - b)) {
      const v = times.get(timeMs)!
      const itl = ratio(v.itlSum, v.itlCount)
      let prefill = ratio(v.prefillSum, v.prefillCount)
      let prefillCount = v.prefillCount === undefined ? null : v.prefillCount * windowS
      if (prefill === null) {
        const ttft = ratio(v.ttftSum, v.ttftCount)
        const queue = ratio(v.queueSum, v.queueCount)
        if (ttft !== null && queue !== null && ttft - queue > 0) {
          prefill = ttft - queue
          prefillCount = v.ttftCount! * windowS
        }
      }
      points.push({
        pod,
        timeMs,
        itlMs: itl === null ? null : itl * 1000,
        itlCount: v.itlCount === undefined ? null : v.itlCount * windowS,
        batch: v.batch ?? null,
        batchSpread: v.batchSpread ?? null,
        prefillMs: prefill === null ? null : prefill * 1000,
        prefillCount,
        inputTokens: ratio(v.inputSum, v.inputCount),
        outputTokens: ratio(v.outputSum, v.outputCount),
        requestRate: v.requestRate ?? null,
        iterationTokens: ratio(v.iterationSum, v.iterationCount),
      })
    }
  }
  return points
}

/** A pod's display name: `pod` alone when one namespace and model are fitted (always, today). */
function podName(identity: {name: string}): string {
  return identity.name
}

/** The fit's range queries for one model, every quantity over every chunk. */
export async function collectFitSeries(
  client: PrometheusClient,
  scope: ModelScope,
  range: FitRange,
): Promise<FitSeries> {
  const before = client.requestCount
  const selector = scopeSelector([scope])
  const inScope = scopeKeySet([scope])
  const table: Table = new Map()
  const result: FitSeries = {points: [], queries: [], warnings: [], requests: 0}
  const chunks = chunkRange(range.start, range.end, range.stepSeconds)
  for (const query of fitQueries) {
    const promql = query.promql(selector, range.window)
    result.queries.push({quantity: query.quantity, promql})
    for (const chunk of chunks) {
      const answer = await client.queryRange(promql, {
        start: chunk.start,
        end: chunk.end,
        stepSeconds: range.stepSeconds,
      })
      for (const warning of answer.warnings) result.warnings.push(`${query.quantity}: ${warning}`)
      if (answer.data.kind !== 'matrix') {
        result.warnings.push(`${query.quantity}: expected a matrix, Prometheus returned a ${answer.data.kind}`)
        continue
      }
      for (const series of answer.data.series) {
        const identity = seriesPod(series.labels, inScope)
        if (identity === undefined) continue
        for (const {timeMs, value} of series.points) {
          if (!Number.isFinite(value)) continue
          const values = cell(table, podName(identity), timeMs)
          // `pod` and `pod_name` series of one pod: the first answer stands.
          if (values[query.quantity] === undefined) values[query.quantity] = value
        }
      }
    }
  }
  result.points = assemble(table, range.windowMs)
  result.requests = client.requestCount - before
  return result
}

/** Samples of one series within (t − window, t]: [first, last) indices into the series arrays. */
class WindowCursor {
  private first = 0
  private last = 0
  constructor(private readonly series: SampleSeries) {}
  /** steps must ascend */
  at(timeMs: number, windowMs: number): [number, number] {
    const times = this.series.timesMs
    while (this.last < times.length && times[this.last]! <= timeMs) this.last++
    while (this.first < this.last && times[this.first]! <= timeMs - windowMs) this.first++
    return [this.first, this.last]
  }
}

/**
 * Prometheus' rate() over the samples of (t − window, t]: the increase (counter resets handled), extrapolated to the
 * window edges as Prometheus does (by at most half a sample interval beyond the samples, never below zero), per
 * second. undefined with fewer than two samples.
 */
export function windowRate(
  series: SampleSeries,
  first: number,
  last: number,
  timeMs: number,
  windowMs: number,
): number | undefined {
  if (last - first < 2) return undefined
  const {timesMs: times, values} = series
  let increase = 0
  for (let i = first + 1; i < last; i++) {
    const delta = values[i]! - values[i - 1]!
    increase += delta < 0 ? values[i]! : delta
  }
  const firstT = times[first]!
  const lastT = times[last - 1]!
  const sampled = (lastT - firstT) / 1000
  if (!(sampled > 0)) return undefined
  let toStart = (firstT - (timeMs - windowMs)) / 1000
  let toEnd = (timeMs - lastT) / 1000
  const average = sampled / (last - first - 1)
  const threshold = average * 1.1
  if (increase > 0 && values[first]! >= 0) {
    const toZero = sampled * (values[first]! / increase)
    if (toZero < toStart) toStart = toZero
  }
  if (toStart >= threshold) toStart = average / 2
  if (toEnd >= threshold) toEnd = average / 2
  return (increase * ((sampled + toStart + toEnd) / sampled)) / (windowMs / 1000)
}

function gaugeStatistic(series: SampleSeries, first: number, last: number, kind: 'avg' | 'spread'): number | undefined {
  if (last - first < 1) return undefined
  let sum = 0
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (let i = first; i < last; i++) {
    const value = series.values[i]!
    sum += value
    low = Math.min(low, value)
    high = Math.max(high, value)
  }
  return kind === 'avg' ? sum / (last - first) : high - low
}

/**
 * The fit's quantities evaluated on raw samples at every step of the range, as the PromQL of plan/fit-queries.ts
 * would on the same data: rates summed per pod (the first metric name of a fallback list that the pod has wins),
 * gauges averaged (avg_over_time) or spread (max − min) per pod.
 */
export function evaluateFitSeries(samples: readonly SampleSeries[], scope: ModelScope, range: FitRange): FitSeries {
  const inScope = scopeKeySet([scope])
  const table: Table = new Map()
  const byMetricAndPod = new Map<string, Map<string, SampleSeries[]>>()
  for (const series of samples) {
    const identity = seriesPod(series.labels, inScope)
    if (identity === undefined) continue
    let pods = byMetricAndPod.get(series.name)
    if (pods === undefined) {
      pods = new Map()
      byMetricAndPod.set(series.name, pods)
    }
    const pod = podName(identity)
    pods.set(pod, [...(pods.get(pod) ?? []), series])
  }
  const stepMs = range.stepSeconds * 1000
  const startMs = range.start.getTime()
  const endMs = range.end.getTime()
  for (const query of fitQueries) {
    const evaluation: FitEvaluation = query.evaluation
    const metrics = evaluation.kind === 'rate' ? evaluation.metrics : [evaluation.metric]
    const pods = new Set<string>()
    for (const metric of metrics) for (const pod of byMetricAndPod.get(metric)?.keys() ?? []) pods.add(pod)
    for (const pod of pods) {
      // The first metric of the fallback list that this pod has.
      const metric = metrics.find((m) => byMetricAndPod.get(m)?.has(pod))!
      const seriesList = byMetricAndPod.get(metric)!.get(pod)!
      const cursors = seriesList.map((series) => new WindowCursor(series))
      for (let timeMs = startMs; timeMs <= endMs; timeMs += stepMs) {
        let total: number | undefined
        let count = 0
        seriesList.forEach((series, index) => {
          const [first, last] = cursors[index]!.at(timeMs, range.windowMs)
          const value =
            evaluation.kind === 'rate'
              ? windowRate(series, first, last, timeMs, range.windowMs)
              : gaugeStatistic(series, first, last, evaluation.kind)
          if (value === undefined || !Number.isFinite(value)) return
          if (evaluation.kind === 'spread') total = total === undefined ? value : Math.max(total, value)
          else total = (total ?? 0) + value
          count++
        })
        if (total === undefined) continue
        cell(table, pod, timeMs)[query.quantity] = evaluation.kind === 'avg' ? total / count : total
      }
    }
  }
  const result: FitSeries = {points: assemble(table, range.windowMs), queries: [], warnings: [], requests: 0}
  const selector = scopeSelector([scope])
  result.queries = fitQueries.map((query) => ({quantity: query.quantity, promql: query.promql(selector, range.window)}))
  return result
}

/** The time span of the samples of one model scope: [first, last] ms, or undefined without any. */
export function captureSpan(samples: readonly SampleSeries[], scope: ModelScope): [number, number] | undefined {
  const inScope = scopeKeySet([scope])
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const series of samples) {
    if (seriesPod(series.labels, inScope) === undefined || series.timesMs.length === 0) continue
    low = Math.min(low, series.timesMs[0]!)
    high = Math.max(high, series.timesMs[series.timesMs.length - 1]!)
  }
  return Number.isFinite(low) ? [low, high] : undefined
}

/** The distinct (namespace, model) pairs with per-pod series in a capture. */
export function captureScopes(samples: readonly SampleSeries[]): ModelScope[] {
  const seen = new Map<string, ModelScope>()
  for (const series of samples) {
    const {namespace, model_name: modelID} = series.labels
    if (namespace === undefined || modelID === undefined) continue
    seen.set(JSON.stringify([namespace, modelID]), {namespace, modelID})
  }
  return [...seen.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.modelID.localeCompare(b.modelID))
}
