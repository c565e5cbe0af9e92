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
import {type Fault, startFlakyProxy} from '../../support/flaky-proxy.js'
import {startPrometheus} from '../../support/prometheus.js'
import {steadyLoad, steadyLoadOpenMetrics} from '../../support/prometheus-scenarios.js'
import {startVictoriaMetrics} from '../../support/victoria-metrics.js'

export type BackendName = 'prometheus' | 'victoria-metrics'

/**
 * The collector's query-level assertions, run against one backend backfilled with the steady-load scenario:
 * collector-backfill.test.ts (Prometheus) and victoria-metrics.test.ts run the same tests. Every value here is the
 * same on both backends (the scenario's samples line up with the windows, so rate() needs no extrapolation); where
 * the backends differ, victoria-metrics.test.ts asserts the difference (docs/backends.md).
 */
export async function backfillSuite(backend: BackendName): Promise<void> {
  const openmetrics = steadyLoadOpenMetrics()
  const server =
    backend === 'prometheus'
      ? await startPrometheus({after}, {openmetrics})
      : await startVictoriaMetrics({after}, {openmetrics})
  defineTests(backend, server.url)
}

function defineTests(backend: BackendName, url: string): void {
  const at = steadyLoad.at
  const expected = steadyLoad.expected

  function client(options: {url?: string; maxPointsPerRequest?: number; retries?: number} = {}) {
    const c = createPrometheusClient({
      url: options.url ?? url,
      timeoutMs: 10_000,
      maxPointsPerRequest: options.maxPointsPerRequest,
      retry: {retries: options.retries ?? 3, baseDelayMs: 1, maxDelayMs: 4},
    })
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

  test(`${backend}: the kubectl-va profile: exact rates and request-weighted means per model`, async () => {
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

  test(`${backend}: no traffic: arrival rate 0 and unknown averages; an unscraped model is all unknown`, async () => {
    const {models} = await collectModelMetrics(client(), scopes, {at})
    assert.deepEqual(find(models, 'team-b', 'idle-model'), {
      namespace: 'team-b',
      modelID: 'idle-model',
      arrivalRateRpm: 0,
    })
    assert.deepEqual(find(models, 'llm', 'missing-model'), {namespace: 'llm', modelID: 'missing-model'})
  })

  test(`${backend}: wva-v0.0.3 reads TPOT only; idle NaN is unknown until controllerValue makes it 0`, async () => {
    const {models, queries} = await collectModelMetrics(client(), scopes, {at, profile: 'wva-v0.0.3'})
    assertClose(find(models, 'llm', 'llama-70b').itlMs, expected.llama.tpotOnlyItlMs, 'llama ITL from TPOT pods only')
    assertClose(find(models, 'llm', 'granite-8b').ttftMs, expected.granite.ttftMs, 'granite TTFT')
    const idle = find(models, 'team-b', 'idle-model')
    assert.equal(idle.ttftMs, undefined)
    assert.equal(controllerValue(idle.ttftMs), 0)
    assert.match(queries.find((q) => q.quantity === 'ttft')!.promql, /\)\/sum by/)
  })

  test(`${backend}: wva-v0.0.1: queue time as TTFT, input tokens 0, arrival in req/min from PromQL`, async () => {
    const c = client()
    const {models, queries} = await collectModelMetrics(c, scopes.slice(0, 1), {at, profile: 'wva-v0.0.1'})
    assert.equal(c.requestCount, 4)
    assert.match(queries.find((q) => q.quantity === 'arrivalRate')!.promql, /\* 60$/)
    const granite = models[0]!
    assertClose(granite.arrivalRateRpm, expected.granite.arrivalRateRpm, 'arrival')
    assert.equal(granite.avgInputTokens, 0)
    assertClose(granite.ttftMs, expected.granite.queueMs, '"TTFT" is the queue time')
  })

  test(`${backend}: the wva-v0.5 profile reports the largest per-pod 5m token average`, async () => {
    const {models} = await collectModelMetrics(client(), scopes.slice(0, 1), {at, profile: 'wva-v0.5'})
    assert.deepEqual(models[0], {namespace: 'llm', modelID: 'granite-8b', avgInputTokens: 400, avgOutputTokens: 80})
  })

  test(`${backend}: label values with quotes, backslashes and regex metacharacters match exactly`, async () => {
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

  test(`${backend}: the number of requests does not grow with the number of scopes`, async () => {
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

  test(`${backend}: per-pod KV usage and queue take the 1m peak; KV falls back to gpu_cache_usage_perc`, async () => {
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

  test(`${backend}: desired replicas: wva_ and inferno_ gauges in one query, by exported_namespace`, async () => {
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

  test(`${backend}: requests in the retention period are counted per model across a counter reset`, async () => {
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

  test(`${backend}: history replays the same quantities over a range`, async () => {
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

  test(`${backend}: a range longer than 11,000 steps is split into chunks the server accepts`, async () => {
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

  test(`${backend}: a range split at any limit stitches to the one-request answer, on the grid`, async () => {
    // 61 steps from a start 5 s off the epoch's 15 s multiples: more than the 50 points from which VictoriaMetrics
    // moves start back to a multiple of the step (asked again with nocache=1), and 9 chunks at a limit of 7.
    const range = {start: new Date(at.getTime() - 900_000), end: at, stepSeconds: 15}
    const whole = client()
    const one = await collectModelMetricsHistory(whole, scopes.slice(0, 2), range)
    const split = client({maxPointsPerRequest: 7})
    const stitched = await collectModelMetricsHistory(split, scopes.slice(0, 2), range)
    assert.deepEqual(stitched.models, one.models)
    assert.deepEqual(stitched.warnings, [])
    assert.deepEqual(one.warnings, [])
    assert.equal(stitched.chunks.length, 9)
    assert.equal(split.requestCount, 5 * 9)
    // Prometheus answers the times asked for; VictoriaMetrics moves them for the one long request, asked again exactly.
    assert.equal(whole.requestCount, backend === 'prometheus' ? 5 : 5 * 2)
    // Every step but the first (its window holds the series' first sample only, so no rate).
    const granite = one.models[0]!.points
    assert.deepEqual(
      granite.map((point) => point.timeMs),
      Array.from({length: 60}, (_, k) => range.start.getTime() + (k + 1) * 15_000),
    )
    assertClose(granite.at(-1)!.arrivalRateRpm, expected.granite.arrivalRateRpm, 'granite arrival at the end')
  })

  test(`${backend}: 429, 502, 503, 504 and a reset connection are retried; the answer is the backend's`, async () => {
    const faults: Fault[] = [{status: 503}, {status: 429, retryAfter: '0'}, 'reset', {status: 504}, {status: 502}]
    const proxy = await startFlakyProxy({after}, url, (index) => faults[index])
    const c = client({url: proxy.url, retries: 5})
    const {models, warnings} = await collectDesiredReplicasOnce(c)
    assert.deepEqual(warnings, [])
    assert.equal(models, 3)
    assert.equal(proxy.requests.length, 6)
    assert.equal(c.requestCount, 6)
  })

  test(`${backend}: retries stop at --prom-retries, and at once when Retry-After is beyond the budget`, async () => {
    const proxy = await startFlakyProxy({after}, url, (index) =>
      index < 4 ? {status: 502} : {status: 429, retryAfter: '120'},
    )
    const c = client({url: proxy.url, retries: 3})
    const exhausted = await c.query('up', {time: at}).then(
      () => assert.fail('expected a PrometheusError'),
      (error: unknown) => error as Error,
    )
    assert.match(exhausted.message, /: answered HTTP 502 with a text\/plain body, .* \(after 4 attempts\)$/)
    assert.equal(proxy.requests.length, 4)
    const limited = await c.query('up', {time: at}).then(
      () => assert.fail('expected a PrometheusError'),
      (error: unknown) => error as Error,
    )
    // Retry-After 120 s is past the 30 s budget: no second request, and no wait.
    assert.match(limited.message, /: answered HTTP 429 with a text\/plain body/)
    assert.equal(proxy.requests.length, 5)
    const none = client({url: proxy.url, retries: 0})
    await none.query('up', {time: at}).catch(() => undefined)
    assert.equal(proxy.requests.length, 6)
  })

  test(`${backend}: a tenant header (X-Scope-OrgID) and tenant path reach the server every time`, async () => {
    // The proxy stands in for a Mimir/Cortex gateway (tenant in a header) and for vmselect (tenant in the path).
    const proxy = await startFlakyProxy({after}, url, () => undefined, {pathPrefix: '/select/42/prometheus/'})
    const c = createPrometheusClient({
      url: `${proxy.url}select/42/prometheus`,
      headers: ['X-Scope-OrgID: tenant-a'],
      maxPointsPerRequest: 7,
    })
    after(() => c.close())
    const {models} = await collectModelMetrics(c, scopes.slice(0, 1), {at})
    assertClose(models[0]!.arrivalRateRpm, expected.granite.arrivalRateRpm, 'granite arrival through the tenant path')
    await collectModelMetricsHistory(c, scopes.slice(0, 1), {
      start: new Date(at.getTime() - 300_000),
      end: at,
      stepSeconds: 15,
    })
    assert.equal(proxy.requests.length, 5 + 5 * 3)
    for (const request of proxy.requests) {
      assert.equal(request.headers['x-scope-orgid'], 'tenant-a')
      assert.match(request.url, /^\/select\/42\/prometheus\/api\/v1\/query(_range)?$/)
    }
  })

  async function collectDesiredReplicasOnce(c: ReturnType<typeof client>) {
    const {replicas, warnings} = await collectDesiredReplicas(
      c,
      [
        {namespace: 'llm', variantName: 'granite-8b-a100'},
        {namespace: 'team-b', variantName: 'granite-8b-a100'},
        {namespace: 'llm', variantName: 'old-va'},
      ],
      {at},
    )
    return {models: replicas.length, warnings}
  }
}
