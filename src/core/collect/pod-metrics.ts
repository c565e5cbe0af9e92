import type {PodMetrics} from '../model/metrics.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {Labels} from '../read/prometheus/response.js'
import type {IssuedQuery} from './model-metrics.js'
import {collectorProfiles, type CollectorProfileName} from '../plan/profiles.js'
import {modelGrouping, scopeKeySet, scopeSelector, uniqueScopes, type ModelScope, seriesPod} from '../plan/scope.js'
import {answerNotes} from '../read/prometheus/response.js'

export interface PodMetricsResult {
  /** One entry per pod seen in either query, sorted by namespace, model and pod name. */
  pods: PodMetrics[]
  queries: IssuedQuery[]
  warnings: string[]
}

/** The controller's peak window for KV usage and queue length (capacity_metrics.go, v0.5 saturation.go). */
export const saturationPeakWindow = '1m'

const podGrouping = `pod, pod_name, ${modelGrouping}`

/** `max by (pod) (max_over_time(metric{SEL}[1m]))`, grouped also by model and namespace so that it can be batched. */
function peakPerPod(metric: string, selector: string): string {
  return `max by (${podGrouping}) (max_over_time(${metric}{${selector}}[${saturationPeakWindow}]))`
}

/**
 * Per-pod saturation inputs of the controller (v0.0.5+): the 1m peak of the KV-cache usage fraction and of the
 * waiting-queue length, batched over all scopes in two queries. The pod name is read from `pod`, else `pod_name`, as
 * upstream does. A pod missing one metric keeps it undefined; the controller uses 0 there (with a warning), and
 * truncates the queue length to an integer, which we do not.
 * The kubectl-va profile falls back, pod by pod, to vllm:gpu_cache_usage_perc (vLLM < 0.9.2 and V0 only have it).
 */
export async function collectPodMetrics(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: {at?: Date | undefined; profile?: CollectorProfileName | undefined} = {},
): Promise<PodMetricsResult> {
  const distinct = uniqueScopes(scopes)
  const result: PodMetricsResult = {pods: [], queries: [], warnings: []}
  if (distinct.length === 0) return result
  const profile = collectorProfiles[options.profile ?? 'kubectl-va']
  const selector = scopeSelector(distinct)
  const kvQuery = profile.kvCacheFallback
    ? `${peakPerPod('vllm:kv_cache_usage_perc', selector)} or ${peakPerPod('vllm:gpu_cache_usage_perc', selector)}`
    : peakPerPod('vllm:kv_cache_usage_perc', selector)
  const queueQuery = peakPerPod('vllm:num_requests_waiting', selector)
  result.queries = [
    {quantity: 'kvCacheUsage', promql: kvQuery},
    {quantity: 'queueLength', promql: queueQuery},
  ]
  const [kv, queue] = await Promise.all([
    client.query(kvQuery, {time: options.at}),
    client.query(queueQuery, {time: options.at}),
  ])
  const inScope = scopeKeySet(distinct)
  const pods = new Map<string, PodMetrics>()
  const podFor = (labels: Labels): PodMetrics | undefined => {
    const identity = seriesPod(labels, inScope)
    if (identity === undefined) return undefined
    let pod = pods.get(identity.key)
    if (pod === undefined) {
      pod = {namespace: identity.namespace, name: identity.name, modelID: identity.modelID}
      pods.set(identity.key, pod)
    }
    return pod
  }
  for (const [field, answer] of [
    ['kvCacheUsage', kv],
    ['queueLength', queue],
  ] as const) {
    for (const warning of answerNotes(answer)) result.warnings.push(`${field}: ${warning}`)
    if (answer.data.kind !== 'vector') {
      result.warnings.push(`${field}: expected a vector, Prometheus returned a ${answer.data.kind}`)
      continue
    }
    for (const sample of answer.data.samples) {
      const pod = podFor(sample.labels)
      if (pod !== undefined && Number.isFinite(sample.value))
        pod[field] = Math.max(pod[field] ?? Number.NEGATIVE_INFINITY, sample.value)
    }
  }
  result.pods = [...pods.values()].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      (a.modelID ?? '').localeCompare(b.modelID ?? '') ||
      a.name.localeCompare(b.name),
  )
  return result
}
