import type {PrometheusClient} from '../read/prometheus/client.js'
import type {IssuedQuery} from './model-metrics.js'
import {scopeKeySet, scopeSelector, seriesScopeKey, uniqueScopes, type ModelScope} from '../plan/scope.js'
import {answerNotes} from '../read/prometheus/response.js'

/** One pod's share of a model's load and its latency, for describe's per-pod table. */
export interface PodBreakdown {
  namespace: string
  modelID: string
  pod: string
  /** Completed requests per minute. */
  arrivalRateRpm?: number | undefined
  ttftMs?: number | undefined
  itlMs?: number | undefined
}

export interface PodBreakdownResult {
  pods: PodBreakdown[]
  queries: IssuedQuery[]
  warnings: string[]
}

const byPod = 'by (model_name, namespace, pod)'

/**
 * Rate, TTFT and ITL per pod for every (namespace, model) in scope: three queries whatever the number of VAs or pods.
 * ITL reads the new histogram name and the old one together; a pod exposes one of them (vLLM renamed it).
 */
export async function collectPodBreakdown(
  client: PrometheusClient,
  scopes: readonly ModelScope[],
  options: {window?: string; at?: Date | undefined} = {},
): Promise<PodBreakdownResult> {
  const distinct = uniqueScopes(scopes)
  const result: PodBreakdownResult = {pods: [], queries: [], warnings: []}
  if (distinct.length === 0) return result
  const window = options.window ?? '1m'
  const selector = scopeSelector(distinct)
  const ratio = (histogram: string) =>
    `sum ${byPod} (rate(${histogram}_sum{${selector}}[${window}])) / sum ${byPod} ` +
    `(rate(${histogram}_count{${selector}}[${window}])) * 1000`
  const itlSelector = `__name__=~"vllm:(inter_token_latency|time_per_output_token)_seconds_(sum|count)",${selector}`
  const queries: Array<{field: 'arrivalRateRpm' | 'ttftMs' | 'itlMs'; promql: string}> = [
    {field: 'arrivalRateRpm', promql: `sum ${byPod} (rate(vllm:request_success_total{${selector}}[${window}])) * 60`},
    {field: 'ttftMs', promql: ratio('vllm:time_to_first_token_seconds')},
    {
      field: 'itlMs',
      // One query over both names: sum and count of whichever name the pod exposes.
      promql:
        `sum ${byPod} (rate({${itlSelector.replace('(sum|count)', 'sum')}}[${window}])) / sum ${byPod} ` +
        `(rate({${itlSelector.replace('(sum|count)', 'count')}}[${window}])) * 1000`,
    },
  ]
  result.queries = queries.map((query) => ({quantity: `per-pod ${query.field}`, promql: query.promql}))
  const answers = await Promise.all(queries.map((query) => client.query(query.promql, {time: options.at})))
  const inScope = scopeKeySet(distinct)
  const pods = new Map<string, PodBreakdown>()
  queries.forEach((query, index) => {
    const answer = answers[index]!
    for (const warning of answerNotes(answer)) result.warnings.push(`per-pod ${query.field}: ${warning}`)
    if (answer.data.kind !== 'vector') return
    for (const sample of answer.data.samples) {
      const key = seriesScopeKey(sample.labels)
      const pod = sample.labels.pod
      if (key === undefined || !inScope.has(key) || pod === undefined || !Number.isFinite(sample.value)) continue
      const id = `${key}\u0000${pod}`
      const entry = pods.get(id) ?? {namespace: sample.labels.namespace!, modelID: sample.labels.model_name!, pod}
      entry[query.field] = sample.value
      pods.set(id, entry)
    }
  })
  result.pods = [...pods.values()].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) || a.modelID.localeCompare(b.modelID) || a.pod.localeCompare(b.pod),
  )
  return result
}
