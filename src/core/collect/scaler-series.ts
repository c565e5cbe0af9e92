/**
 * Query results for the scaler commands, from Prometheus (query_range chunked and step-aligned as the WVA replay
 * does, through collect/history.ts' chunkRange) or from a ScalerMetrics file (offline): the same answers either way,
 * so the replay and its tests do not care where the samples came from.
 */
import type {Labels} from '../read/prometheus/response.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {RecordedSeries} from '../read/manifests/scaler-metrics.js'
import {chunkRange} from './history.js'

export interface Grid {
  readonly startMs: number
  readonly stepMs: number
  readonly count: number
}

export const gridTime = (grid: Grid, index: number): number => grid.startMs + index * grid.stepMs

/** One series of a query over a grid: one value per step, null where the series has no sample. */
export interface GridSeries {
  readonly labels: Labels
  readonly values: ReadonlyArray<number | null>
}

export interface SeriesReader {
  /** Where the samples come from, for messages: a URL or a file name. */
  readonly origin: string
  /** Every series the query returns over the grid, aligned on it. */
  range(promql: string, grid: Grid): Promise<GridSeries[]>
  /** HTTP requests sent so far (0 offline). */
  readonly requestCount: number
}

/** The instant a one-step grid reads: `at`, step 1 s. */
export const instantGrid = (atMs: number): Grid => ({startMs: atMs, stepMs: 1000, count: 1})

/**
 * Prometheus: query_range per chunk of at most the client's points per request (11,000, or --prom-max-points), each
 * chunk starting one step after the last.
 */
export function prometheusSeriesReader(client: PrometheusClient): SeriesReader {
  return {
    origin: client.displayUrl,
    get requestCount() {
      return client.requestCount
    },
    async range(promql, grid) {
      const byKey = new Map<string, {labels: Labels; values: Array<number | null>}>()
      const start = new Date(grid.startMs)
      const end = new Date(gridTime(grid, grid.count - 1))
      for (const chunk of chunkRange(start, end, grid.stepMs / 1000, client.maxPointsPerRequest)) {
        const answer = await client.queryRange(promql, {
          start: chunk.start,
          end: chunk.end,
          stepSeconds: grid.stepMs / 1000,
        })
        const series =
          answer.data.kind === 'matrix'
            ? answer.data.series
            : answer.data.kind === 'scalar'
              ? [{labels: {}, points: [{timeMs: answer.data.timeMs, value: answer.data.value}]}]
              : []
        for (const one of series) {
          const key = JSON.stringify(Object.entries(one.labels).sort())
          let entry = byKey.get(key)
          if (entry === undefined) {
            entry = {labels: one.labels, values: new Array<number | null>(grid.count).fill(null)}
            byKey.set(key, entry)
          }
          for (const point of one.points) {
            const index = Math.round((point.timeMs - grid.startMs) / grid.stepMs)
            if (index >= 0 && index < grid.count && Number.isFinite(point.value)) entry.values[index] = point.value
          }
        }
      }
      return [...byKey.values()]
    },
  }
}

/** Prometheus' lookback: a sample counts at a step when it is at most 5 minutes old. */
export const lookbackMs = 5 * 60_000

/**
 * Offline: answers a query with the file's series recorded for exactly that text, each sampled at the grid with
 * Prometheus' lookback (the latest sample at or before the step, at most 5 minutes old).
 */
export function recordedSeriesReader(origin: string, recorded: readonly RecordedSeries[]): SeriesReader {
  // Kept as two typed arrays per series: a week of minutes for many series stays a few flat buffers.
  type Compact = {readonly labels: Labels; readonly times: Float64Array; readonly values: Float64Array}
  const byQuery = new Map<string, Compact[]>()
  for (const series of recorded) {
    const compact: Compact = {
      labels: series.labels,
      times: Float64Array.from(series.points, (point) => point.timeMs),
      values: Float64Array.from(series.points, (point) => point.value),
    }
    const query = series.query.trim()
    byQuery.set(query, [...(byQuery.get(query) ?? []), compact])
  }
  return {
    origin,
    requestCount: 0,
    async range(promql, grid) {
      return (byQuery.get(promql.trim()) ?? []).map((series) => {
        const values = new Array<number | null>(grid.count).fill(null)
        let cursor = 0
        for (let index = 0; index < grid.count; index++) {
          const timeMs = gridTime(grid, index)
          while (cursor < series.times.length && series.times[cursor]! <= timeMs) cursor++
          if (cursor === 0) continue
          const latestMs = series.times[cursor - 1]!
          const latest = series.values[cursor - 1]!
          if (timeMs - latestMs <= lookbackMs && Number.isFinite(latest)) values[index] = latest
        }
        return {labels: series.labels, values}
      })
    },
  }
}

/** A single-series query's values over the grid (the largest where several answer); null where none does. */
export function singleValues(series: readonly GridSeries[], count: number): Array<number | null> {
  const out = new Array<number | null>(count).fill(null)
  for (const one of series) {
    for (let index = 0; index < count; index++) {
      const value = one.values[index]
      if (value !== null && value !== undefined) out[index] = Math.max(out[index] ?? -Infinity, value)
    }
  }
  return out
}
