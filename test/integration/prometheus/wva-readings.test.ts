import assert from 'node:assert/strict'
import {after, test} from 'node:test'

import {collectWvaReadings, ownerByName} from '../../../src/core/collect/wva-readings.js'
import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from '../../support/openmetrics.js'
import {startPrometheus} from '../../support/prometheus.js'

/** Two vLLM pods of one variant and an EPP, 10 minutes, written the way vLLM and the EPP export them. */
function scenario(): string {
  const times = timesBetween(1_800_000_000, 1_800_000_600, 15)
  const builder = new OpenMetricsBuilder()
  const pods = [
    {pod: 'llama-h100-7d9f-0', kv: 0.95, queue: 4, rps: 2},
    {pod: 'llama-h100-7d9f-1', kv: 0.5, queue: 0, rps: 1},
  ]
  for (const {pod, kv, queue, rps} of pods) {
    const labels = {namespace: 'llm', model_name: 'meta/llama', pod, llm_d_ai_variant: 'llama-h100', instance: pod}
    builder.gauge(
      'vllm:kv_cache_usage_perc',
      labels,
      times.map((t) => ({t, v: kv})),
    )
    builder.gauge(
      'vllm:num_requests_waiting',
      labels,
      times.map((t) => ({t, v: queue})),
    )
    builder.gauge(
      'vllm:cache_config_info',
      {...labels, num_gpu_blocks: '1000', block_size: '16'},
      times.map((t) => ({t, v: 1})),
    )
    builder.histogram(
      'vllm:request_prompt_tokens',
      labels,
      linearHistogram(times, {requestsPerS: rps, meanObservation: 500}),
    )
    builder.histogram(
      'vllm:request_generation_tokens',
      labels,
      linearHistogram(times, {requestsPerS: rps, meanObservation: 200}),
    )
    builder.histogram(
      'vllm:time_to_first_token_seconds',
      labels,
      linearHistogram(times, {requestsPerS: rps, meanObservation: 0.18}),
    )
    builder.histogram(
      'vllm:inter_token_latency_seconds',
      labels,
      linearHistogram(times, {requestsPerS: rps, meanObservation: 0.02, observationsPerRequest: 200}),
    )
    // The release's template reads these names as written (rate() of an increasing series).
    builder.gauge('vllm:prefix_cache_hits', labels, linearCounter(times, 100 * rps))
    builder.gauge('vllm:prefix_cache_queries', labels, linearCounter(times, 400 * rps))
    builder.counter(
      'inference_extension_scheduler_attempts',
      {status: 'success', namespace: 'llm', target_model_name: 'meta/llama', pod_name: pod, port: '8000'},
      linearCounter(times, rps),
    )
  }
  builder.gauge(
    'inference_extension_flow_control_queue_size',
    {target_model_name: 'meta/llama'},
    times.map((t) => ({t, v: 7})),
  )
  builder.gauge(
    'inference_extension_flow_control_queue_bytes',
    {target_model_name: 'meta/llama'},
    times.map((t) => ({t, v: 7000})),
  )
  return builder.toString()
}

const prom = await startPrometheus({after}, {openmetrics: scenario()})
const at = new Date(1_800_000_600 * 1000)

function close(actual: number | undefined, wanted: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: undefined`)
  assert.ok(Math.abs(actual - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted)), `${what}: ${actual} != ${wanted}`)
}

test('v0.8 readings from a backfilled Prometheus: one request per query, per pod and per model', async () => {
  const client = createPrometheusClient({url: prom.url, timeoutMs: 10_000})
  after(() => client.close())
  const result = await collectWvaReadings(client, 'v0.8', [{namespace: 'llm', modelID: 'meta/llama'}], {
    at,
    targetNames: new Map([['llm', ['llama', 'llama-h100']]]),
  })
  assert.deepEqual(result.warnings, [])
  assert.equal(result.queries.length, 11)
  assert.equal(client.requestCount, 11)
  assert.deepEqual(
    result.pods.map((pod) => [pod.name, pod.deployment, pod.variant]),
    [
      ['llama-h100-7d9f-0', 'llama-h100', 'llama-h100'],
      ['llama-h100-7d9f-1', 'llama-h100', 'llama-h100'],
    ],
  )
  const [first, second] = result.pods
  close(first?.kvCacheUsage, 0.95, 'kv')
  close(second?.kvCacheUsage, 0.5, 'kv 2')
  close(first?.queueLength, 4, 'queue')
  assert.equal(first?.numGpuBlocks, 1000)
  assert.equal(first?.blockSize, 16)
  close(first?.avgInputTokens, 500, 'input tokens')
  close(first?.avgOutputTokens, 200, 'output tokens')
  close(first?.prefixCacheHitRate, 0.25, 'prefix hit rate')
  close(first?.arrivalRate, 2, 'dispatch rate')
  close(second?.arrivalRate, 1, 'dispatch rate 2')
  close(first?.ttftMs, 180, 'ttft ms')
  close(first?.itlMs, 20, 'itl ms')
  close(result.models[0]?.schedulerQueueSize, 7, 'EPP queue size')
  close(result.models[0]?.schedulerQueueBytes, 7000, 'EPP queue bytes')
})

test('v0.6 reads ITL under its old name: no ITL from a vLLM that exports only the new one', async () => {
  const client = createPrometheusClient({url: prom.url, timeoutMs: 10_000})
  after(() => client.close())
  const result = await collectWvaReadings(client, 'v0.6', [{namespace: 'llm', modelID: 'meta/llama'}], {at})
  assert.equal(result.pods.length, 2)
  assert.equal(result.pods[0]?.itlMs, undefined)
  close(result.pods[0]?.ttftMs, 180, 'ttft ms')
  // Without scale target names the pod is tied to its variant by label only.
  assert.equal(result.pods[0]?.deployment, undefined)
  // v0.6 sends no EPP scheduler-queue query.
  assert.equal(result.models[0]?.schedulerQueueSize, undefined)
})

test('a pod belongs to the longest scale target name it starts with', () => {
  assert.equal(ownerByName('llama-8b-h100-5c6d-x', ['llama', 'llama-8b-h100']), 'llama-8b-h100')
  assert.equal(ownerByName('other-1', ['llama']), undefined)
})
