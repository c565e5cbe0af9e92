import type {ModelMetrics} from '../model/metrics.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {IssuedQuery} from './model-metrics.js'
import {collectorProfiles, type CollectorProfileName} from '../plan/profiles.js'
import {scopeKey, scopeKeySet, scopeSelector, seriesScopeKey, uniqueScopes, type ModelScope} from '../plan/scope.js'
import {chunkRange, queryRangeStitched} from './range.js'
import {quantityField, toModelMetricsUnit} from './units.js'

export {chunkRange, maxPointsPerSeries} from './range.js'

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

/**
 * The model quantities of collectModelMetrics over time, for replaying history: the same batched PromQL as
 * query_range, split into chunks of at most the client's maxPointsPerRequest points (11,000 by default) and stitched.
 * Requests = quantities × chunks.
 */
export async function collectModelMetricsHistory(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: HistoryOptions,
): Promise<HistoryResult> {
  const profile = collectorProfiles[options.profile ?? 'kubectl-va']
  const window = options.window ?? profile.defaultWindow
  const distinct = uniqueScopes(scopes)
  const chunks = chunkRange(options.start, options.end, options.stepSeconds, client.maxPointsPerRequest)
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
    const answer = await queryRangeStitched(client, promql, options, definition.quantity)
    result.warnings.push(...answer.warnings)
    for (const series of answer.series) {
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
