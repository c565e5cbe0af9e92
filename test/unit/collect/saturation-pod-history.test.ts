import assert from 'node:assert/strict'
import {test} from 'node:test'

import {collectPodMetricsHistory, podHistoryQueries} from '../../../src/core/collect/pod-history.js'
import type {PrometheusClient, RangeQueryOptions} from '../../../src/core/read/prometheus/client.js'
import type {QueryResult, RangeSeries} from '../../../src/core/read/prometheus/response.js'

const startMs = 1_700_000_000_000
const scope = {namespace: 'llm', modelID: 'ibm/granite-8b'}

/** A client that answers every range query from `answer`, recording the requests. */
function fakeClient(answer: (promql: string, options: RangeQueryOptions) => RangeSeries[]) {
  const requests: Array<{promql: string; options: RangeQueryOptions}> = []
  const client: PrometheusClient = {
    displayUrl: 'http://fake/',
    maxPointsPerRequest: 11_000,
    get requestCount() {
      return requests.length
    },
    query: () => Promise.reject(new Error('no instant queries expected')),
    queryRange: (promql, options) => {
      requests.push({promql, options})
      const result: QueryResult = {data: {kind: 'matrix', series: answer(promql, options)}, warnings: [], infos: []}
      return Promise.resolve(result)
    },
    close: () => Promise.resolve(),
  }
  return {client, requests}
}

const labels = (pod: Record<string, string>) => ({namespace: 'llm', model_name: 'ibm/granite-8b', ...pod})
const at = (index: number, value: number) => ({timeMs: startMs + index * 60_000, value})

test('two batched queries, the same PromQL as the instant collector, with the gpu_cache fallback', () => {
  assert.deepEqual(podHistoryQueries([scope, scope]), [
    {
      quantity: 'kvCacheUsage',
      promql:
        'max by (pod, pod_name, model_name, namespace) ' +
        '(max_over_time(vllm:kv_cache_usage_perc{model_name="ibm/granite-8b",namespace="llm"}[1m]))' +
        ' or max by (pod, pod_name, model_name, namespace) ' +
        '(max_over_time(vllm:gpu_cache_usage_perc{model_name="ibm/granite-8b",namespace="llm"}[1m]))',
    },
    {
      quantity: 'queueLength',
      promql:
        'max by (pod, pod_name, model_name, namespace) ' +
        '(max_over_time(vllm:num_requests_waiting{model_name="ibm/granite-8b",namespace="llm"}[1m]))',
    },
  ])
})

test('each pod gets both series on the grid; gaps stay null; out-of-scope series are dropped', async () => {
  const {client, requests} = fakeClient((promql) =>
    promql.includes('kv_cache')
      ? [
          {labels: labels({pod: 'd-b'}), points: [at(0, 0.5), at(2, 0.7)]},
          {labels: labels({pod_name: 'd-a'}), points: [at(1, 0.2)]},
          {labels: {namespace: 'other', model_name: 'ibm/granite-8b', pod: 'x'}, points: [at(0, 1)]},
        ]
      : [{labels: labels({pod: 'd-b'}), points: [at(0, 3.5), at(1, Number.NaN)]}],
  )
  const history = await collectPodMetricsHistory(client, [scope], {
    start: new Date(startMs),
    end: new Date(startMs + 2 * 60_000),
    stepSeconds: 60,
  })
  assert.equal(history.requests, 2)
  assert.equal(requests.length, 2)
  assert.deepEqual(history.grid, {startMs, stepSeconds: 60, count: 3})
  assert.deepEqual(
    history.pods.map((pod) => [pod.name, pod.kvCacheUsage, pod.queueLength]),
    [
      ['d-a', [null, 0.2, null], [null, null, null]],
      ['d-b', [0.5, null, 0.7], [3.5, null, null]],
    ],
  )
})

test('a long range is chunked under 11,000 points: 2 requests per chunk, values placed by time', async () => {
  const count = 11_001
  const {client, requests} = fakeClient((promql, options) =>
    promql.includes('kv_cache')
      ? [{labels: labels({pod: 'd-a'}), points: [{timeMs: options.end.getTime(), value: 0.25}]}]
      : [],
  )
  const history = await collectPodMetricsHistory(client, [scope], {
    start: new Date(startMs),
    end: new Date(startMs + (count - 1) * 60_000),
    stepSeconds: 60,
  })
  assert.equal(requests.length, 4)
  assert.equal(history.grid.count, count)
  const pod = history.pods[0]!
  assert.equal(pod.kvCacheUsage.length, count)
  // The first chunk ends at index 10,999, the second (one point) at 11,000.
  assert.deepEqual([pod.kvCacheUsage[10_998], pod.kvCacheUsage[10_999], pod.kvCacheUsage[11_000]], [null, 0.25, 0.25])
})

test('no scope, no request', async () => {
  const {client, requests} = fakeClient(() => [])
  const history = await collectPodMetricsHistory(client, [], {
    start: new Date(startMs),
    end: new Date(startMs + 60_000),
    stepSeconds: 60,
  })
  assert.deepEqual([history.pods, history.requests, requests.length], [[], 0, 0])
})
