import assert from 'node:assert/strict'
import {after, test} from 'node:test'

import {collectDesiredReplicas} from '../../../src/core/collect/desired-replicas.js'
import {collectModelMetricsHistory} from '../../../src/core/collect/history.js'
import {collectModelMetrics} from '../../../src/core/collect/model-metrics.js'
import {collectPodMetrics} from '../../../src/core/collect/pod-metrics.js'
import {controllerValue} from '../../../src/core/plan/profiles.js'
import {collectRequestCounts} from '../../../src/core/collect/request-counts.js'
import type {ModelScope} from '../../../src/core/plan/scope.js'
import type {ModelMetrics} from '../../../src/core/model/metrics.js'
import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {startPrometheus} from '../../support/prometheus.js'
import {steadyLoad, steadyLoadOpenMetrics} from '../../support/prometheus-scenarios.js'

const prom = await startPrometheus({after}, {openmetrics: steadyLoadOpenMetrics()})
const at = steadyLoad.at
const expected = steadyLoad.expected

function client() {
  const c = createPrometheusClient({url: prom.url, timeoutMs: 10_000})
  after(() => c.close())
  return c
}

/** Asserts a value equals the hand-computed one to 1e-9 relative, naming the field. */
function assertClose(actual: number | undefined, wanted: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: expected ${wanted}, got undefined`)
  const error = Math.abs(actual - wanted) / Math.max(1e-12, Math.abs(wanted))
  assert.ok(
    error < 1e-9 || Math.abs(actual - wanted) < 1e-12,
    `${what}: expected ${wanted}, got ${actual} (relative error ${error})`,
  )
}

function find(models: readonly ModelMetrics[], namespace: string, modelID: string): ModelMetrics {
  const model = models.find((m) => m.namespace === namespace && m.modelID === modelID)
  assert.ok(model, `no entry for ${namespace}/${modelID}`)
  return model
}

const scopes: ModelScope[] = [
  {namespace: 'llm', modelID: 'granite-8b'},
  {namespace: 'llm', modelID: 'llama-70b'},
  {namespace: 'team-b', modelID: 'granite-8b'},
  {namespace: 'team-b', modelID: 'idle-model'},
  {namespace: 'llm', modelID: 'missing-model'},
]

test('the kubectl-va profile measures exact rates and request-weighted means per namespace and model', async () => {
  const c = client()
  const {models, queries, warnings} = await collectModelMetrics(c, scopes, {at})
  assert.deepEqual(warnings, [])
  assert.equal(queries.length, 5)
  assert.equal(c.requestCount, 5)
  assert.deepEqual(
    models.map((m) => `${m.namespace}/${m.modelID}`),
    scopes.map((s) => `${s.namespace}/${s.modelID}`),
  )

  const granite = find(models, 'llm', 'granite-8b')
  assertClose(granite.arrivalRateRpm, expected.granite.arrivalRateRpm, 'granite arrival')
  assertClose(granite.avgInputTokens, expected.granite.avgInputTokens, 'granite input tokens')
  assertClose(granite.avgOutputTokens, expected.granite.avgOutputTokens, 'granite output tokens')
  assertClose(granite.ttftMs, expected.granite.ttftMs, 'granite TTFT')
  assertClose(granite.itlMs, expected.granite.itlMs, 'granite ITL falls back to TPOT')

  const llama = find(models, 'llm', 'llama-70b')
  assertClose(llama.arrivalRateRpm, expected.llama.arrivalRateRpm, 'llama arrival across a counter reset')
  assertClose(llama.avgInputTokens, expected.llama.avgInputTokens, 'llama input tokens')
  assertClose(llama.itlMs, expected.llama.itlMs, 'llama ITL: per-pod or, no double counting')

  const teamB = find(models, 'team-b', 'granite-8b')
  assertClose(teamB.arrivalRateRpm, expected.graniteTeamB.arrivalRateRpm, 'team-b granite arrival')
  assertClose(teamB.avgInputTokens, expected.graniteTeamB.avgInputTokens, 'team-b granite input')
  assertClose(teamB.itlMs, expected.graniteTeamB.itlMs, 'team-b granite ITL')
})

test('a model without traffic has arrival rate 0 and unknown averages; an unscraped model is all unknown', async () => {
  const {models} = await collectModelMetrics(client(), scopes, {at})
  assert.deepEqual(find(models, 'team-b', 'idle-model'), {
    namespace: 'team-b',
    modelID: 'idle-model',
    arrivalRateRpm: 0,
  })
  assert.deepEqual(find(models, 'llm', 'missing-model'), {namespace: 'llm', modelID: 'missing-model'})
})

test('wva-v0.0.3 reads TPOT only; NaN for an idle model is unknown until controllerValue makes it 0', async () => {
  const {models, queries} = await collectModelMetrics(client(), scopes, {at, profile: 'wva-v0.0.3'})
  assertClose(find(models, 'llm', 'llama-70b').itlMs, expected.llama.tpotOnlyItlMs, 'llama ITL from TPOT pods only')
  assertClose(find(models, 'llm', 'granite-8b').ttftMs, expected.granite.ttftMs, 'granite TTFT')
  const idle = find(models, 'team-b', 'idle-model')
  assert.equal(idle.ttftMs, undefined)
  assert.equal(controllerValue(idle.ttftMs), 0)
  assert.match(queries.find((q) => q.quantity === 'ttft')!.promql, /\)\/sum by/)
})

test('wva-v0.0.1 reports queue time as TTFT, input tokens as 0 and arrival in req/min from PromQL', async () => {
  const c = client()
  const {models, queries} = await collectModelMetrics(c, scopes.slice(0, 1), {at, profile: 'wva-v0.0.1'})
  assert.equal(c.requestCount, 4)
  assert.match(queries.find((q) => q.quantity === 'arrivalRate')!.promql, /\* 60$/)
  const granite = models[0]!
  assertClose(granite.arrivalRateRpm, expected.granite.arrivalRateRpm, 'arrival')
  assert.equal(granite.avgInputTokens, 0)
  assertClose(granite.ttftMs, expected.granite.queueMs, '"TTFT" is the queue time')
})

test('the wva-v0.5 profile reports the largest per-pod 5m token average', async () => {
  const {models} = await collectModelMetrics(client(), scopes.slice(0, 1), {at, profile: 'wva-v0.5'})
  assert.deepEqual(models[0], {namespace: 'llm', modelID: 'granite-8b', avgInputTokens: 400, avgOutputTokens: 80})
})

test('label values with quotes, backslashes and regex metacharacters match exactly, decoys excluded', async () => {
  const c = client()
  const weirdScopes = [
    {namespace: 'quotes', modelID: steadyLoad.weirdModel},
    {namespace: 'quotes', modelID: steadyLoad.plusModel},
  ]
  const {models, queries} = await collectModelMetrics(c, weirdScopes, {at})
  assertClose(models[0]!.arrivalRateRpm, expected.weird.arrivalRateRpm, 'we"ird\\model.v1')
  assertClose(models[1]!.arrivalRateRpm, expected.plusParens.arrivalRateRpm, 'm+(1)')
  // The regex itself must not match the decoys (not only the client-side filter).
  const raw = await c.query(queries[0]!.promql, {time: at})
  assert.equal(raw.data.kind, 'vector')
  assert.deepEqual(raw.data.kind === 'vector' ? raw.data.samples.map((s) => s.labels.model_name).sort() : [], [
    steadyLoad.plusModel,
    steadyLoad.weirdModel,
  ])
  // A single scope uses `=` with string escaping only.
  const single = await collectModelMetrics(c, weirdScopes.slice(0, 1), {at})
  assert.match(single.queries[0]!.promql, /model_name="we\\"ird\\\\model\.v1",namespace="quotes"/)
  assertClose(single.models[0]!.arrivalRateRpm, expected.weird.arrivalRateRpm, 'single-scope weird model')
})

test('the number of requests does not grow with the number of scopes', async () => {
  const few = client()
  const many = client()
  const manyScopes: ModelScope[] = [...scopes.slice(0, 2)]
  for (let i = 0; i < 198; i++) manyScopes.push({namespace: `ns-${i % 7}`, modelID: `org/model-${i}.v${i % 3}`})
  const small = await collectModelMetrics(few, scopes.slice(0, 2), {at})
  const large = await collectModelMetrics(many, manyScopes, {at})
  assert.equal(few.requestCount, 5)
  assert.equal(many.requestCount, 5)
  assert.deepEqual(large.models.slice(0, 2), small.models)
  assert.equal(large.models.length, 200)
})

test('per-pod KV usage and queue length take the 1m peak; KV falls back to gpu_cache_usage_perc by pod', async () => {
  const c = client()
  const scope = [{namespace: 'llm', modelID: 'granite-8b'}]
  const {pods, warnings} = await collectPodMetrics(c, scope, {at})
  assert.deepEqual(warnings, [])
  assert.equal(c.requestCount, 2)
  assert.deepEqual(pods, [
    {namespace: 'llm', name: 'granite-p0', modelID: 'granite-8b', kvCacheUsage: 0.7, queueLength: 5},
    {namespace: 'llm', name: 'granite-p1', modelID: 'granite-8b', kvCacheUsage: 0.4, queueLength: 2},
  ])
  const controller = await collectPodMetrics(c, scope, {at, profile: 'wva-v0.0.3'})
  assert.equal(controller.pods.find((p) => p.name === 'granite-p1')!.kvCacheUsage, undefined)
})

test('desired replicas come from wva_ and inferno_ gauges in one query, keyed by exported_namespace', async () => {
  const c = client()
  const {replicas, warnings} = await collectDesiredReplicas(
    c,
    [
      {namespace: 'llm', variantName: 'granite-8b-a100'},
      {namespace: 'team-b', variantName: 'granite-8b-a100'},
      {namespace: 'llm', variantName: 'old-va'},
      {namespace: 'llm', variantName: 'no-such-va'},
    ],
    {at},
  )
  assert.equal(c.requestCount, 1)
  assert.deepEqual(warnings, [])
  assert.deepEqual(replicas, [
    {
      namespace: 'llm',
      variantName: 'granite-8b-a100',
      desiredReplicas: 3,
      metricName: 'wva_desired_replicas',
      acceleratorType: 'A100',
    },
    {
      namespace: 'team-b',
      variantName: 'granite-8b-a100',
      desiredReplicas: 5,
      metricName: 'wva_desired_replicas',
      acceleratorType: 'A100',
    },
    {
      namespace: 'llm',
      variantName: 'old-va',
      desiredReplicas: 2,
      metricName: 'inferno_desired_replicas',
      acceleratorType: 'L40S',
    },
  ])
})

test('requests in the retention period are counted per model across a counter reset', async () => {
  const c = client()
  const {requestsInRetention} = await collectRequestCounts(c, scopes, {retention: '10m', at})
  assert.equal(c.requestCount, 1)
  const get = (ns: string, model: string) =>
    requestsInRetention.find((r) => r.namespace === ns && r.modelID === model)?.requests
  assertClose(get('llm', 'granite-8b'), expected.requestsIn10m.granite, 'granite')
  assertClose(get('llm', 'llama-70b'), expected.requestsIn10m.llama, 'llama')
  assert.equal(get('team-b', 'idle-model'), 0)
  assert.equal(get('llm', 'missing-model'), undefined)
})

test('history replays the same quantities over a range', async () => {
  const c = client()
  const start = new Date(at.getTime() - 300_000)
  const {models} = await collectModelMetricsHistory(c, scopes.slice(0, 1), {start, end: at, stepSeconds: 15})
  assert.equal(c.requestCount, 5)
  const points = models[0]!.points
  assert.equal(points.length, 21)
  assert.equal(points[0]!.timeMs, start.getTime())
  for (const point of points)
    assertClose(point.arrivalRateRpm, expected.granite.arrivalRateRpm, `arrival at ${point.timeMs}`)
  assertClose(points.at(-1)!.ttftMs, expected.granite.ttftMs, 'TTFT at the end')
})

test('a range longer than 11,000 steps is split into chunks the server accepts', async () => {
  const c = client()
  const start = new Date(at.getTime() - 280_000)
  // 280 s / 0.025 s = 11,200 steps → 11,201 points → two chunks.
  const {models, chunks} = await collectModelMetricsHistory(c, scopes.slice(0, 1), {
    start,
    end: at,
    stepSeconds: 0.025,
    profile: 'wva-v0.0.1',
  })
  assert.equal(chunks.length, 2)
  assert.equal(c.requestCount, 4 * 2)
  assert.equal(models[0]!.points.length, 11_201)
})
