import {type ModelScope, modelGrouping, scopeSelector} from './scope.js'

/**
 * The queries of `kubectl va fit` (docs/fit.md lists them): per pod and step, over the rate window, the sums and
 * counts of the vLLM histograms the profile fit needs (so the fit knows each mean and how many observations it
 * rests on), the running batch (mean and spread) and the completed-request rate. Each quantity is described twice:
 * as PromQL, and as the same computation on raw samples (`evaluation`) for a capture read with `-f`.
 */
export type FitQuantity =
  | 'itlSum'
  | 'itlCount'
  | 'batch'
  | 'batchSpread'
  | 'prefillSum'
  | 'prefillCount'
  | 'ttftSum'
  | 'ttftCount'
  | 'queueSum'
  | 'queueCount'
  | 'inputSum'
  | 'inputCount'
  | 'outputSum'
  | 'outputCount'
  | 'requestRate'
  | 'iterationSum'
  | 'iterationCount'

/** How a quantity is computed from samples: a per-second rate of the first metric present, or a gauge statistic. */
export type FitEvaluation =
  | {kind: 'rate'; metrics: readonly string[]}
  | {kind: 'avg'; metric: string}
  | {kind: 'spread'; metric: string}

export interface FitQuery {
  quantity: FitQuantity
  evaluation: FitEvaluation
  promql: (selector: string, window: string) => string
}

/** Per pod: `pod`, else `pod_name` (as WVA reads it), with the model scope labels. */
export const fitGrouping = `pod, pod_name, ${modelGrouping}`

function rateQuery(quantity: FitQuantity, metrics: readonly string[]): FitQuery {
  return {
    quantity,
    evaluation: {kind: 'rate', metrics},
    promql: (selector, window) =>
      metrics.map((metric) => `sum by (${fitGrouping}) (rate(${metric}{${selector}}[${window}]))`).join(' or '),
  }
}

const itl = ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds']
const running = 'vllm:num_requests_running'

/** Every fit query, in the order they are sent. */
export const fitQueries: readonly FitQuery[] = [
  rateQuery(
    'itlSum',
    itl.map((m) => `${m}_sum`),
  ),
  rateQuery(
    'itlCount',
    itl.map((m) => `${m}_count`),
  ),
  {
    quantity: 'batch',
    evaluation: {kind: 'avg', metric: running},
    promql: (selector, window) => `avg by (${fitGrouping}) (avg_over_time(${running}{${selector}}[${window}]))`,
  },
  {
    quantity: 'batchSpread',
    evaluation: {kind: 'spread', metric: running},
    promql: (selector, window) =>
      `max by (${fitGrouping}) (max_over_time(${running}{${selector}}[${window}])) - ` +
      `min by (${fitGrouping}) (min_over_time(${running}{${selector}}[${window}]))`,
  },
  rateQuery('prefillSum', ['vllm:request_prefill_time_seconds_sum']),
  rateQuery('prefillCount', ['vllm:request_prefill_time_seconds_count']),
  rateQuery('ttftSum', ['vllm:time_to_first_token_seconds_sum']),
  rateQuery('ttftCount', ['vllm:time_to_first_token_seconds_count']),
  rateQuery('queueSum', ['vllm:request_queue_time_seconds_sum']),
  rateQuery('queueCount', ['vllm:request_queue_time_seconds_count']),
  rateQuery('inputSum', ['vllm:request_prompt_tokens_sum']),
  rateQuery('inputCount', ['vllm:request_prompt_tokens_count']),
  rateQuery('outputSum', ['vllm:request_generation_tokens_sum']),
  rateQuery('outputCount', ['vllm:request_generation_tokens_count']),
  rateQuery('requestRate', ['vllm:request_success_total']),
  rateQuery('iterationSum', ['vllm:iteration_tokens_total_sum']),
  rateQuery('iterationCount', ['vllm:iteration_tokens_total_count']),
]

/** The metric names the fit reads (for filtering a capture). */
export function fitMetricNames(): Set<string> {
  const names = new Set<string>()
  for (const query of fitQueries) {
    if (query.evaluation.kind === 'rate') for (const metric of query.evaluation.metrics) names.add(metric)
    else names.add(query.evaluation.metric)
  }
  return names
}

/** The PromQL of every fit query for one model scope. */
export function fitPromQL(scope: ModelScope, window: string): Array<{quantity: FitQuantity; promql: string}> {
  const selector = scopeSelector([scope])
  return fitQueries.map((query) => ({quantity: query.quantity, promql: query.promql(selector, window)}))
}
