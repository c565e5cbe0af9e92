/**
 * `kind: ScalerMetrics` (docs/scalers.md#offline): recorded answers of PromQL queries for `kubectl va scalers -f`,
 * so that scalers can be listed and replayed without a cluster or Prometheus. Each entry is one series of one query:
 *
 *     series:
 *     - query: sum(llm_d_epp_flow_control_queue_size{namespace="llm",model_name="m"})
 *       labels: {}                 # optional; several entries of one query are several series
 *       start: 2026-08-10T00:00:00Z
 *       step: 1m
 *       values: [0, 1.5, null, 3]  # null: no sample at that step
 */
import {isRecord} from '../../model/field-problems.js'
import {parsePromDurationMs} from '../prometheus/duration.js'

/** A recorded series: the query it answers, its labels and its samples (ms, sorted by time). */
export interface RecordedSeries {
  readonly query: string
  readonly labels: Readonly<Record<string, string>>
  readonly points: ReadonlyArray<{readonly timeMs: number; readonly value: number}>
}

export interface ScalerMetricsParse {
  readonly series: RecordedSeries[]
  /** One line each: `series[i]: <what>; <fix>`. */
  readonly problems: string[]
}

export const isScalerMetrics = (value: unknown): boolean => isRecord(value) && value.kind === 'ScalerMetrics'

export function parseScalerMetrics(value: unknown): ScalerMetricsParse {
  const problems: string[] = []
  const series: RecordedSeries[] = []
  const list = isRecord(value) ? value.series : undefined
  if (!Array.isArray(list)) {
    return {series, problems: ['series is not a list; write series: [{query, start, step, values}]']}
  }
  list.forEach((entry: unknown, index: number) => {
    const where = `series[${index}]`
    if (!isRecord(entry)) {
      problems.push(`${where}: not a map; write {query, start, step, values}`)
      return
    }
    const query = entry.query
    if (typeof query !== 'string' || query.trim() === '') {
      problems.push(`${where}: query is missing; write the PromQL this series answers`)
      return
    }
    const startText = entry.start instanceof Date ? entry.start.toISOString() : entry.start
    const startMs = typeof startText === 'string' ? Date.parse(startText) : Number.NaN
    if (!Number.isFinite(startMs)) {
      problems.push(`${where}: start ${JSON.stringify(startText ?? null)} is not a time; use RFC 3339`)
      return
    }
    let stepMs: number
    try {
      stepMs = parsePromDurationMs(String(entry.step ?? ''))
    } catch {
      problems.push(`${where}: step ${JSON.stringify(entry.step ?? null)} is not a duration; use e.g. 1m`)
      return
    }
    const values = entry.values
    if (!Array.isArray(values)) {
      problems.push(`${where}: values is not a list; write values: [1, 2, null, …]`)
      return
    }
    const points: Array<{timeMs: number; value: number}> = []
    for (const [at, raw] of values.entries()) {
      if (raw === null) continue
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        problems.push(`${where}.values[${at}]: ${JSON.stringify(raw)} is not a number; write a number or null`)
        return
      }
      points.push({timeMs: startMs + at * stepMs, value: raw})
    }
    const labels: Record<string, string> = {}
    if (isRecord(entry.labels)) for (const [key, label] of Object.entries(entry.labels)) labels[key] = String(label)
    series.push({query: query.trim(), labels, points})
  })
  return {series, problems}
}

/** The last sample time of the recorded series (the default `--at` offline); null when there is none. */
export function lastSampleMs(series: readonly RecordedSeries[]): number | null {
  let last: number | null = null
  for (const one of series) {
    const end = one.points.at(-1)?.timeMs
    if (end !== undefined) last = last === null ? end : Math.max(last, end)
  }
  return last
}
