import type {ModelMetrics} from '../model/metrics.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {IssuedQuery} from './model-metrics.js'
import {collectorProfiles, type CollectorProfileName} from '../plan/profiles.js'
import {scopeKey, scopeKeySet, scopeSelector, seriesScopeKey, uniqueScopes, type ModelScope} from '../plan/scope.js'
import {quantityField, toModelMetricsUnit} from './units.js'

/**
 * Prometheus rejects a range query with more than 11,000 points per series (web/api/v1/api.go: "exceeded maximum
 * resolution of 11,000 points per timeseries"); we stay at or below it.
 */
export const maxPointsPerSeries = 11_000

export interface HistoryOptions {
  start: Date
  end: Date
  stepSeconds: number
  window?: string | undefined
  profile?: CollectorProfileName | undefined
}

export interface ModelMetricsPoint extends Omit<ModelMetrics, 'namespace' | 'modelID'> {
  /** Evaluation time, ms since the epoch. */
  timeMs: number
}

export interface ModelMetricsHistory {
  namespace: string
  modelID: string
  /** One point per step where any quantity has a value, in time order. */
  points: ModelMetricsPoint[]
}

export interface HistoryResult {
  models: ModelMetricsHistory[]
  /** Each quantity's PromQL once (the same text is sent for every chunk). */
  queries: IssuedQuery[]
  warnings: string[]
  /** The [start, end] of each range request per quantity. */
  chunks: Array<{start: Date; end: Date}>
}

/** Splits [start, end] into ranges of at most maxPointsPerSeries points; each chunk starts one step after the last. */
export function chunkRange(
  start: Date,
  end: Date,
  stepSeconds: number,
  maxPoints = maxPointsPerSeries,
): Array<{start: Date; end: Date}> {
  if (!(stepSeconds > 0)) throw new RangeError(`step must be positive: ${stepSeconds}`)
  if (end.getTime() < start.getTime()) throw new RangeError('end is before start')
  const stepMs = stepSeconds * 1000
  const chunks: Array<{start: Date; end: Date}> = []
  for (let chunkStartMs = start.getTime(); chunkStartMs <= end.getTime(); chunkStartMs += maxPoints * stepMs) {
    const chunkEndMs = Math.min(chunkStartMs + (maxPoints - 1) * stepMs, end.getTime())
    chunks.push({start: new Date(chunkStartMs), end: new Date(chunkEndMs)})
  }
  return chunks
}

/**
 * The model quantities of collectModelMetrics over time, for replaying history: the same batched PromQL as
 * query_range, split into chunks so that no series exceeds 11,000 points. Requests = quantities × chunks.
 */
export async function collectModelMetricsHistory(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: HistoryOptions,
): Promise<HistoryResult> {
  const profile = collectorProfiles[options.profile ?? 'kubectl-va']
  const window = options.window ?? profile.defaultWindow
  const distinct = uniqueScopes(scopes)
  const chunks = chunkRange(options.start, options.end, options.stepSeconds)
  const result: HistoryResult = {models: [], queries: [], warnings: [], chunks}
  if (distinct.length === 0) return result
  const selector = scopeSelector(distinct)
  const inScope = scopeKeySet(distinct)
  const timelines = new Map(
    distinct.map((scope) => [scopeKey(scope.namespace, scope.modelID), new Map<number, ModelMetricsPoint>()]),
  )
  const pointAt = (key: string, timeMs: number): ModelMetricsPoint => {
    const timeline = timelines.get(key)!
    let point = timeline.get(timeMs)
    if (point === undefined) {
      point = {timeMs}
      timeline.set(timeMs, point)
    }
    return point
  }

  for (const definition of profile.quantities) {
    if (definition.kind !== 'query') continue
    const promql = definition.promql(selector, window)
    result.queries.push({quantity: definition.quantity, promql})
    for (const chunk of chunks) {
      const answer = await client.queryRange(promql, {
        start: chunk.start,
        end: chunk.end,
        stepSeconds: options.stepSeconds,
      })
      for (const warning of answer.warnings) result.warnings.push(`${definition.quantity}: ${warning}`)
      if (answer.data.kind !== 'matrix') {
        result.warnings.push(`${definition.quantity}: expected a matrix, Prometheus returned a ${answer.data.kind}`)
        continue
      }
      for (const series of answer.data.series) {
        const key = seriesScopeKey(series.labels)
        if (key === undefined || !inScope.has(key)) continue
        for (const {timeMs, value} of series.points) {
          if (!Number.isFinite(value)) continue
          pointAt(key, timeMs)[quantityField[definition.quantity]] = toModelMetricsUnit(
            definition.quantity,
            definition.unit,
            value,
          )
        }
      }
    }
  }
  for (const definition of profile.quantities) {
    if (definition.kind !== 'constant') continue
    for (const timeline of timelines.values())
      for (const point of timeline.values()) point[quantityField[definition.quantity]] = definition.value
  }
  result.models = distinct.map((scope) => ({
    namespace: scope.namespace,
    modelID: scope.modelID,
    points: [...timelines.get(scopeKey(scope.namespace, scope.modelID))!.values()].sort((a, b) => a.timeMs - b.timeMs),
  }))
  return result
}
