import type {PrometheusClient} from '../read/prometheus/client.js'
import type {Labels} from '../read/prometheus/response.js'
import type {IssuedQuery} from './model-metrics.js'
import {saturationPeakWindow} from './pod-metrics.js'
import {queryRangeStitched} from './range.js'
import {collectorProfiles, type CollectorProfileName} from '../plan/profiles.js'
import {modelGrouping, scopeKeySet, scopeSelector, uniqueScopes, type ModelScope, seriesPod} from '../plan/scope.js'

/** A range of evaluation times: start + k × step, k = 0 … count − 1 (the grid a range query returns). */
export interface PodHistoryGrid {
  startMs: number
  stepSeconds: number
  /** number of steps, ≥ 1 */
  count: number
}

/**
 * One pod's saturation inputs over the grid: index k is the evaluation at start + k × step. `null` is a gap (no
 * series, no sample within the 1m window, or a non-finite value), never 0. The queue length is the raw peak (not
 * truncated): the engines truncate it, as the controller does.
 */
export interface PodSeries {
  namespace: string
  /** From `pod`, else `pod_name`, as upstream reads it. */
  name: string
  /** The served `model_name`. */
  modelID: string
  /** KV-cache usage fraction (0..1), 1m peak. */
  kvCacheUsage: Array<number | null>
  /** Waiting requests, 1m peak. */
  queueLength: Array<number | null>
}

export interface PodHistory {
  grid: PodHistoryGrid
  /** Sorted by namespace, model and pod name: the collector order the replay feeds the engines. */
  pods: PodSeries[]
  /** Each quantity's PromQL once (the same text is sent for every chunk). */
  queries: IssuedQuery[]
  warnings: string[]
  /** HTTP range requests sent: 2 × chunks, whatever the number of scopes and pods. */
  requests: number
}

const podGrouping = `pod, pod_name, ${modelGrouping}`

// The same text as collectPodMetrics' instant queries, so a replay step reads what `simulate` reads at that time.
function peakPerPod(metric: string, selector: string): string {
  return `max by (${podGrouping}) (max_over_time(${metric}{${selector}}[${saturationPeakWindow}]))`
}

/** The two batched per-pod queries (KV with the profile's gpu_cache fallback, and queue), for every scope at once. */
export function podHistoryQueries(
  scopes: readonly ModelScope[],
  profileName: CollectorProfileName = 'kubectl-va',
): IssuedQuery[] {
  const selector = scopeSelector(uniqueScopes(scopes))
  const profile = collectorProfiles[profileName]
  const kvQuery = profile.kvCacheFallback
    ? `${peakPerPod('vllm:kv_cache_usage_perc', selector)} or ${peakPerPod('vllm:gpu_cache_usage_perc', selector)}`
    : peakPerPod('vllm:kv_cache_usage_perc', selector)
  return [
    {quantity: 'kvCacheUsage', promql: kvQuery},
    {quantity: 'queueLength', promql: peakPerPod('vllm:num_requests_waiting', selector)},
  ]
}

/**
 * Per-pod KV-cache and queue peaks over a range, for replaying the saturation engines: the two queries of
 * collectPodMetrics as range queries, batched over all scopes and split into chunks of at most the client's
 * maxPointsPerRequest points (queryRangeStitched), so the
 * request count is 2 × chunks whatever the number of VAs or pods. Each pod's values are placed on the grid; steps
 * without a sample stay null. Pods that come and go (rollouts, scale-ups) simply have nulls outside their lifetime.
 */
export async function collectPodMetricsHistory(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  range: {start: Date; end: Date; stepSeconds: number},
  options: {profile?: CollectorProfileName | undefined} = {},
): Promise<PodHistory> {
  const stepMs = range.stepSeconds * 1000
  const grid: PodHistoryGrid = {
    startMs: range.start.getTime(),
    stepSeconds: range.stepSeconds,
    count: Math.floor((range.end.getTime() - range.start.getTime()) / stepMs) + 1,
  }
  const distinct = uniqueScopes(scopes)
  const result: PodHistory = {grid, pods: [], queries: [], warnings: [], requests: 0}
  if (distinct.length === 0) return result
  const before = client.requestCount
  result.queries = podHistoryQueries(distinct, options.profile)
  const inScope = scopeKeySet(distinct)
  const pods = new Map<string, PodSeries>()
  const podFor = (labels: Labels): PodSeries | undefined => {
    const identity = seriesPod(labels, inScope)
    if (identity === undefined) return undefined
    let pod = pods.get(identity.key)
    if (pod === undefined) {
      pod = {
        namespace: identity.namespace,
        name: identity.name,
        modelID: identity.modelID,
        kvCacheUsage: new Array(grid.count).fill(null),
        queueLength: new Array(grid.count).fill(null),
      }
      pods.set(identity.key, pod)
    }
    return pod
  }
  for (const {quantity, promql} of result.queries) {
    const field = quantity as 'kvCacheUsage' | 'queueLength'
    const answer = await queryRangeStitched(client, promql, range, field)
    result.warnings.push(...answer.warnings)
    for (const series of answer.series) {
      const pod = podFor(series.labels)
      if (pod === undefined) continue
      for (const {timeMs, value} of series.points) {
        const index = Math.round((timeMs - grid.startMs) / stepMs)
        if (!Number.isFinite(value) || index < 0 || index >= grid.count) continue
        // `pod` and `pod_name` series of one pod (or the KV fallback's two names): the larger peak, as max by does.
        const previous = pod[field][index]
        pod[field][index] = previous === null || previous === undefined ? value : Math.max(previous, value)
      }
    }
  }
  result.pods = [...pods.values()].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) || a.modelID.localeCompare(b.modelID) || a.name.localeCompare(b.name),
  )
  result.requests = client.requestCount - before
  return result
}
