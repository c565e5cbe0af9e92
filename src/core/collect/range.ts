import type {PrometheusClient} from '../read/prometheus/client.js'
import {answerNotes, type QueryData, type RangeSeries} from '../read/prometheus/response.js'

/**
 * The default of --prom-max-points (client.ts defaultMaxPointsPerRequest; not imported, so that `simulate`, which
 * aligns --since with this module, does not load the client before it needs it).
 */
export const maxPointsPerSeries = 11_000

export interface TimeRange {
  start: Date
  end: Date
  stepSeconds: number
}

/**
 * The range with start and end moved back to a multiple of the step since the epoch (Grafana's alignment): every run
 * over the same history evaluates at the same times, whatever the clock's milliseconds, and backends that cache by
 * step (VictoriaMetrics) see the times they align to themselves. The end never moves past the time asked for.
 */
export function alignRange(range: TimeRange): TimeRange {
  const stepMs = Math.round(range.stepSeconds * 1000)
  if (!(stepMs > 0)) throw new RangeError(`step must be positive: ${range.stepSeconds}`)
  const floor = (date: Date) => new Date(Math.floor(date.getTime() / stepMs) * stepMs)
  return {start: floor(range.start), end: floor(range.end), stepSeconds: range.stepSeconds}
}

/** Splits [start, end] into ranges of at most maxPoints points; each chunk starts one step after the last. */
export function chunkRange(
  start: Date,
  end: Date,
  stepSeconds: number,
  maxPoints = maxPointsPerSeries,
): Array<{start: Date; end: Date}> {
  if (!(stepSeconds > 0)) throw new RangeError(`step must be positive: ${stepSeconds}`)
  if (!(Number.isInteger(maxPoints) && maxPoints >= 1)) throw new RangeError(`max points must be ≥ 1: ${maxPoints}`)
  if (end.getTime() < start.getTime()) throw new RangeError('end is before start')
  const stepMs = stepSeconds * 1000
  const chunks: Array<{start: Date; end: Date}> = []
  for (let index = 0; ; index += maxPoints) {
    // From the start and a step count, not by adding up chunk lengths: a fractional step cannot drift.
    const chunkStartMs = start.getTime() + Math.round(index * stepMs)
    if (chunkStartMs > end.getTime()) break
    const chunkEndMs = Math.min(start.getTime() + Math.round((index + maxPoints - 1) * stepMs), end.getTime())
    chunks.push({start: new Date(chunkStartMs), end: new Date(chunkEndMs)})
  }
  return chunks
}

export interface StitchedRange {
  /** One series per label set over the whole range, points in time order, each step at most once. */
  series: RangeSeries[]
  /** The server's warnings and infos, each once, in the order first seen. */
  warnings: string[]
  /** The [start, end] of each request sent. */
  chunks: Array<{start: Date; end: Date}>
}

/**
 * One range query over [start, end] (already aligned by the caller when it builds a grid on it), sent as chunks of at
 * most the client's maxPointsPerRequest points each, then stitched: the series of every chunk merged by label set,
 * each time once (the first answer wins should a backend repeat a boundary step). A non-matrix answer is a warning
 * naming the quantity. An answer off the grid start + k × step (VictoriaMetrics aligns start to a multiple of the
 * step for ranges of more than 50 points) is asked again with exactTimes, and the rest of the range with it.
 */
export async function queryRangeStitched(
  client: PrometheusClient,
  promql: string,
  range: TimeRange,
  quantity: string,
): Promise<StitchedRange> {
  const chunks = chunkRange(range.start, range.end, range.stepSeconds, client.maxPointsPerRequest)
  const bySeries = new Map<string, {labels: RangeSeries['labels']; points: Map<number, number>}>()
  const warnings = new Set<string>()
  const stepMs = range.stepSeconds * 1000
  const onGrid = (timeMs: number) => {
    const steps = (timeMs - range.start.getTime()) / stepMs
    return Math.abs(steps - Math.round(steps)) < 1e-6
  }
  let exactTimes = false
  for (const chunk of chunks) {
    const ask = () =>
      client.queryRange(promql, {start: chunk.start, end: chunk.end, stepSeconds: range.stepSeconds, exactTimes})
    let answer = await ask()
    if (!exactTimes && offGrid(answer.data, onGrid)) {
      // VictoriaMetrics moved start back to a multiple of the step (its cache); ask again for the times asked for.
      exactTimes = true
      answer = await ask()
    }
    if (offGrid(answer.data, onGrid)) {
      warnings.add(
        `${quantity}: the backend answered at other times than start + k × step; ` +
          'use --from and --to on multiples of --step',
      )
    }
    for (const note of answerNotes(answer)) warnings.add(`${quantity}: ${note}`)
    if (answer.data.kind !== 'matrix') {
      warnings.add(`${quantity}: expected a matrix, Prometheus returned a ${answer.data.kind}`)
      continue
    }
    for (const series of answer.data.series) {
      const key = labelKey(series.labels)
      let stitched = bySeries.get(key)
      if (stitched === undefined) {
        stitched = {labels: series.labels, points: new Map()}
        bySeries.set(key, stitched)
      }
      for (const {timeMs, value} of series.points) if (!stitched.points.has(timeMs)) stitched.points.set(timeMs, value)
    }
  }
  return {
    series: [...bySeries.values()].map(({labels, points}) => ({
      labels,
      points: [...points].sort((a, b) => a[0] - b[0]).map(([timeMs, value]) => ({timeMs, value})),
    })),
    warnings: [...warnings],
    chunks,
  }
}

function offGrid(data: QueryData, onGrid: (timeMs: number) => boolean): boolean {
  return data.kind === 'matrix' && data.series.some((series) => series.points.some((point) => !onGrid(point.timeMs)))
}

function labelKey(labels: RangeSeries['labels']): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
