import assert from 'node:assert/strict'
import {after, test} from 'node:test'

import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {replaySaturationFromPrometheus} from '../../../src/core/run/saturation-fetch.js'
import {sourcesOf} from '../../unit/decide/saturation/groups/builders.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {OpenMetricsBuilder, type Point} from '../../support/openmetrics.js'
import {startPrometheus} from '../../support/prometheus.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

/**
 * Three hours of per-pod vLLM gauges for the shape C fixture (VA qwen3-va on Deployment qwen3-0-6b-decode, model
 * Qwen/Qwen3-0.6B in llm; the namespace-local thresholds kvT 0.70, qT 3, kvS 0.15, qS 2; scale-to-zero enabled
 * with a 15m retention). Two pods ran all the time (kube-state-metrics says 2). By time since the start:
 *   00:00-01:00  busy:  KV 0.60, queue 1 per pod
 *   01:00-02:00  heavy: KV 0.95, queue 8 per pod
 *   02:00-02:40  idle:  KV 0.02, queue 0, and no request completes (the counter stays flat)
 *   02:40-03:00  light: KV 0.30, queue 0, requests again; no pod sample from 02:50 until 02:55 (excluded)
 * Samples every 15 s from 20 minutes before the start, so 15m increase() windows are full from the first step.
 * Phase changes fall on whole minutes and every value rises or falls at once, so whether a [1m] window includes its
 * left end (Prometheus 2 does, 3 does not) changes no reading below.
 */
const startS = 1_700_006_400
const minute = 60
const hour = 3600
const qwen = 'Qwen/Qwen3-0.6B'
const podNames = ['qwen3-0-6b-decode-7c9d8f6b5d-abcde', 'qwen3-0-6b-decode-7c9d8f6b5d-fghij']
const requestsPerPodPerS = 5

function podReadingsAt(t: number): {kv: number; queue: number} | undefined {
  const since = t - startS
  if (since >= 170 * minute && since < 175 * minute) return undefined
  if (since < 1 * hour) return {kv: 0.6, queue: 1}
  if (since < 2 * hour) return {kv: 0.95, queue: 8}
  if (since < 160 * minute) return {kv: 0.02, queue: 0}
  return {kv: 0.3, queue: 0}
}

/** Completed requests per pod: flat from 02:00 to 02:40. */
function requestsAt(t: number): number {
  const since = t - startS
  const busy = Math.min(since, 2 * hour) + Math.max(since - 160 * minute, 0)
  return 1000 + requestsPerPodPerS * busy
}

function openMetrics(): string {
  const times: number[] = []
  for (let t = startS - 20 * minute; t <= startS + 3 * hour; t += 15) times.push(t)
  const builder = new OpenMetricsBuilder()
  for (const pod of podNames) {
    const labels = {namespace: 'llm', model_name: qwen, pod}
    const sampled = times.filter((t) => podReadingsAt(t) !== undefined)
    builder.gauge(
      'vllm:kv_cache_usage_perc',
      labels,
      sampled.map((t): Point => ({t, v: podReadingsAt(t)!.kv})),
    )
    builder.gauge(
      'vllm:num_requests_waiting',
      labels,
      sampled.map((t): Point => ({t, v: podReadingsAt(t)!.queue})),
    )
    builder.counter(
      'vllm:request_success',
      {...labels, finished_reason: 'stop'},
      times.map((t): Point => ({t, v: requestsAt(t)})),
    )
  }
  builder.gauge(
    'wva_desired_replicas',
    {
      namespace: 'wva-system',
      job: 'wva-controller',
      variant_name: 'qwen3-va',
      exported_namespace: 'llm',
      accelerator_type: 'H100',
    },
    times.map((t): Point => ({t, v: 2})),
  )
  builder.gauge(
    'kube_deployment_status_replicas',
    {namespace: 'llm', deployment: 'qwen3-0-6b-decode'},
    times.map((t): Point => ({t, v: 2})),
  )
  return builder.toString()
}

const prom = await startPrometheus({after}, {openmetrics: openMetrics()})
const client = createPrometheusClient({url: prom.url, timeoutMs: 20_000})
after(() => client.close())
const sources = sourcesOf(clusterFixture('crd-c', 'controller-v0.5.1', 'shape-c'))
const range = {start: new Date(startS * 1000), end: new Date((startS + 3 * hour) * 1000), stepSeconds: 60}
const result = await replaySaturationFromPrometheus(client, parseClusterState(sources), range)
const va = result.items[0]!
const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return va.steps.find((step) => step.timeMs === (startS + h * hour + m * minute) * 1000)!
}
const replicasAt = (...times: string[]) => times.map((time) => at(time).desiredReplicas)

test('three hours at 1m are fetched in a constant 10 range queries and give 181 steps', () => {
  assert.deepEqual(result.warnings, [])
  // fetchReplayHistory's 5 model quantities + controller + actual, 2 per-pod queries, 1 request-count query.
  assert.equal(result.requests, 10)
  assert.deepEqual(
    result.items.map((item) => item.name),
    ['qwen3-va'],
  )
  assert.equal(va.steps.length, 181)
  assert.deepEqual(va.seriesSources, {controller: 'wva_desired_replicas', actual: 'kube_deployment_status_replicas'})
  assert.ok(
    result.queries.some(
      (query) =>
        query.promql ===
        'max by (pod, pod_name, model_name, namespace) ' +
          '(max_over_time(vllm:num_requests_waiting{model_name="Qwen/Qwen3-0.6B",namespace="llm"}[1m]))',
    ),
  )
  assert.ok(
    result.queries.some(
      (query) =>
        query.promql ===
        'sum by (model_name, namespace) ' +
          '(increase(vllm:request_success_total{model_name="Qwen/Qwen3-0.6B",namespace="llm"}[15m]))',
    ),
  )
  assert.deepEqual(
    {...va.simulation, note: undefined},
    {
      kind: 'controller-cycles',
      engine: 'saturation-v0.5.1',
      cadenceSeconds: 30,
      cadenceSource: 'v0.5.x saturation engine period (30s)',
      readings: 'spread-load',
      replicaStartupSeconds: 0,
      load: null,
      initialReplicas: 2,
      initialReplicasSource: 'actual',
      note: undefined,
    },
  )
})

test('busy: the first cycle adds a replica, and the load spread over 3 stops there', () => {
  // KV 0.60 leaves 0.10 spare < 0.15; over 3 replicas each reads 0.40, and 2 could not carry it.
  assert.deepEqual(replicasAt('00:00', '00:01', '00:30', '00:59'), [3, 3, 3, 3])
  assert.equal(at('00:00').saturation.action, 'scale-up')
  assert.equal(at('00:30').saturation.action, 'no-change')
})

test('heavy: the ±1 rule compounds two cycles per minute until the queue spare recovers at 9', () => {
  // 16 waiting requests over 3, 4, 5 replicas saturate every pod (≥ 3 each);
  // over 6, 7, 8 each has 2 waiting (spare 1 < 2);
  // over 9 each has 1 (spare 2): stable, and removing one would leave 1.875 < 2.
  assert.deepEqual(replicasAt('01:00', '01:01', '01:02', '01:03', '01:30', '01:59', '02:00'), [4, 6, 8, 9, 9, 9, 9])
  assert.deepEqual(at('01:01').saturation, {
    cycles: 2,
    action: 'scale-up',
    noDecision: null,
    reportingPods: 2,
    pendingReplicas: 0,
  })
})

test('idle: one replica fewer per cycle down to 1, then scale-to-zero once 15 minutes pass without a request', () => {
  assert.deepEqual(
    replicasAt('02:01', '02:02', '02:03', '02:04', '02:05', '02:14', '02:15', '02:30'),
    [8, 6, 4, 2, 1, 1, 0, 0],
  )
  assert.equal(at('02:15').saturation.action, 'scale-down')
  assert.equal(at('02:30').saturation.noDecision, 'deployment-at-zero')
  assert.equal(at('02:30').outcome, 'allocated', 'the real pods still reported')
})

test('requests again: scale-from-zero to 1, then the saturation rule takes it to 2', () => {
  assert.deepEqual(replicasAt('02:40', '02:41', '02:42', '02:50'), [0, 1, 2, 2])
  assert.equal(at('02:41').saturation.action, 'scale-from-zero')
})

test('the pod scrape gap is noData with the replicas carried over', () => {
  assert.deepEqual(
    ['02:50', '02:51', '02:54', '02:55'].map((time) => at(time).outcome),
    ['allocated', 'noData', 'noData', 'allocated'],
  )
  assert.deepEqual(replicasAt('02:51', '02:54', '03:00'), [2, 2, 2])
  assert.equal(at('02:52').saturation.noDecision, 'no-metrics')
  assert.equal(at('02:52').actualReplicas, 2, 'kube-state-metrics still reports')
})

test('the summary: replica-hours, changes and the gap against the 2 replicas that ran', () => {
  const s = va.summary
  assert.equal(s.noDataSteps, 4)
  assert.equal(s.longestNoDataSeconds, 240)
  assert.equal(s.actual!.replicaHours, (181 * 2 * 60) / 3600)
  assert.equal(s.controller!.knownSteps, 181)
  assert.equal(s.ours.maxReplicas, 9)
  assert.equal(s.ours.minReplicas, 0)
  const ours = va.steps.map((step) => step.desiredReplicas!)
  assert.equal(s.ours.replicaHours, (ours.reduce((a, b) => a + b, 0) * 60) / 3600)
  assert.deepEqual(s.largestGapVsActual, {timeMs: at('01:03').timeMs, difference: 7, ours: 9, other: 2})
  assert.equal(s.overSlo, null)
})
