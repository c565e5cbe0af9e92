import {formatPromDuration, parsePromDurationMs} from '../read/prometheus/duration.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {IssuedQuery} from './model-metrics.js'
import {
  modelGrouping,
  scopeKey,
  scopeKeySet,
  scopeSelector,
  seriesScopeKey,
  uniqueScopes,
  type ModelScope,
} from '../plan/scope.js'
import {answerNotes} from '../read/prometheus/response.js'

export interface RequestCountsResult {
  /** Scopes with a value, in input order; absent means unknown (the controller then keeps the replicas). */
  requestsInRetention: Array<{namespace: string; modelID: string; requests: number}>
  queries: IssuedQuery[]
  warnings: string[]
}

/**
 * Completed requests per model over the scale-to-zero retention period, batched:
 * `sum by (model_name, namespace) (increase(vllm:request_success_total{SEL}[R]))` (v0.5 scale_to_zero.go, shape B).
 * increase() extrapolates, so 3 requests can read 2.97.
 */
export async function collectRequestCounts(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: {retention: string; at?: Date | undefined},
): Promise<RequestCountsResult> {
  const distinct = uniqueScopes(scopes)
  const result: RequestCountsResult = {requestsInRetention: [], queries: [], warnings: []}
  if (distinct.length === 0) return result
  const retention = formatPromDuration(parsePromDurationMs(options.retention))
  const promql =
    `sum by (${modelGrouping}) ` + `(increase(vllm:request_success_total{${scopeSelector(distinct)}}[${retention}]))`
  result.queries.push({quantity: 'requestsInRetention', promql})
  const answer = await client.query(promql, {time: options.at})
  for (const warning of answerNotes(answer)) result.warnings.push(`requestsInRetention: ${warning}`)
  if (answer.data.kind !== 'vector') return result
  const inScope = scopeKeySet(distinct)
  const values = new Map<string, number>()
  for (const sample of answer.data.samples) {
    const key = seriesScopeKey(sample.labels)
    if (key !== undefined && inScope.has(key) && Number.isFinite(sample.value)) values.set(key, sample.value)
  }
  for (const scope of distinct) {
    const requests = values.get(scopeKey(scope.namespace, scope.modelID))
    if (requests !== undefined)
      result.requestsInRetention.push({namespace: scope.namespace, modelID: scope.modelID, requests})
  }
  return result
}
