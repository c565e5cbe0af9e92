import assert from 'node:assert/strict'
import {after, test} from 'node:test'

import {collectModelMetrics} from '../../../src/core/collect/model-metrics.js'
import {collectModelMetricsHistory} from '../../../src/core/collect/history.js'
import {collectRequestCounts} from '../../../src/core/collect/request-counts.js'
import {PrometheusError} from '../../../src/core/errors.js'
import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {OpenMetricsBuilder} from '../../support/openmetrics.js'
import {startPrometheus} from '../../support/prometheus.js'
import {startVictoriaMetrics} from '../../support/victoria-metrics.js'
import {backfillSuite} from './backfill-suite.js'

// The collector's query-level assertions of collector-backfill.test.ts, against the real VictoriaMetrics.
await backfillSuite('victoria-metrics')

// Where VictoriaMetrics answers differently, both backends get the same series and the difference is asserted as
// docs/backends.md describes it.
const atS = 1_700_000_100
const at = new Date(atS * 1000)
const scope = {namespace: 'llm', modelID: 'new-model'}
// A pod whose counter appears 30 s before `at` (kubectl-va started after the pod, or the series was relabelled):
// 100, 110, 120 requests at at-30, at-15, at (2/3 request per second).
const newPod = new OpenMetricsBuilder()
  .counter('vllm:request_success', {model_name: scope.modelID, namespace: scope.namespace, pod: 'new-0'}, [
    {t: atS - 30, v: 100},
    {t: atS - 15, v: 110},
    {t: atS, v: 120},
  ])
  .gauge('points', {}, [{t: atS, v: 1}])
  .toString()
const [prometheus, victoria] = await Promise.all([
  startPrometheus({after}, {openmetrics: newPod}),
  startVictoriaMetrics({after}, {openmetrics: newPod}),
])
const clientOf = (url: string, maxPointsPerRequest?: number) => {
  const c = createPrometheusClient({url, timeoutMs: 10_000, maxPointsPerRequest})
  after(() => c.close())
  return c
}

test('rate() of a series starting in the window: Prometheus extrapolates, VictoriaMetrics does not', async () => {
  const [prom, vm] = await Promise.all(
    [prometheus.url, victoria.url].map((url) => collectModelMetrics(clientOf(url), [scope], {at})),
  )
  // Prometheus: 20 requests over the 30 s sampled, extrapolated by half an interval (7.5 s) towards the window's
  // start, over the 60 s window: 20 × 37.5 / 30 / 60 s = 0.41667/s = 25 req/min.
  assert.ok(Math.abs(prom!.models[0]!.arrivalRateRpm! - 25) < 1e-9, String(prom!.models[0]!.arrivalRateRpm))
  // VictoriaMetrics: the slope between the first and last sample, (120 − 100) / 30 s = 40 req/min.
  assert.ok(Math.abs(vm!.models[0]!.arrivalRateRpm! - 40) < 1e-9, String(vm!.models[0]!.arrivalRateRpm))
})

test('increase() of a new counter: VictoriaMetrics counts it from 0, Prometheus extrapolates 20', async () => {
  const [prom, vm] = await Promise.all(
    [prometheus.url, victoria.url].map((url) => collectRequestCounts(clientOf(url), [scope], {retention: '10m', at})),
  )
  assert.ok(
    Math.abs(prom!.requestsInRetention[0]!.requests - 25) < 1e-9,
    String(prom!.requestsInRetention[0]!.requests),
  )
  // Prometheus: 20 over 30 s, extrapolated by 7.5 s: 25. VictoriaMetrics: a series new in the window started at 0: 120.
  assert.equal(vm!.requestsInRetention[0]!.requests, 120)
})

test('points per series: Prometheus refuses 11,002, VictoriaMetrics 30,001; --prom-max-points fits each', async () => {
  const range = (points: number) => ({start: new Date(at.getTime() - (points - 1) * 1000), end: at, stepSeconds: 1})
  const refused = async (url: string, points: number) => {
    const error = await clientOf(url)
      .queryRange('points', range(points))
      .then(
        () => assert.fail(`expected ${points} points to be refused`),
        (e: unknown) => e,
      )
    assert.ok(error instanceof PrometheusError)
    assert.match(error.hint ?? '', /lower --prom-max-points/)
    return error.message
  }
  // Prometheus counts steps between start and end (at most 11,000, so 11,001 points); VictoriaMetrics counts points.
  assert.match(await refused(prometheus.url, 11_002), /exceeded maximum resolution of 11,000 points/)
  await clientOf(prometheus.url).queryRange('points', range(11_001))
  // VictoriaMetrics: "too many points … cannot exceed -search.maxPointsPerTimeseries=30000" (cut at 120 characters).
  assert.match(await refused(victoria.url, 30_001), /rejected \(HTTP 422, 422\): .*too many p/)
  await clientOf(victoria.url).queryRange('points', range(30_000))
  // The same 30,001-step history: 3 requests at the default 11,000, 2 at VictoriaMetrics' 30,000.
  for (const [maxPoints, requests] of [
    [undefined, 3],
    [30_000, 2],
  ] as const) {
    const c = clientOf(victoria.url, maxPoints)
    const history = await collectModelMetricsHistory(c, [scope], {...range(30_001), profile: 'wva-v0.0.1'})
    assert.equal(history.chunks.length, requests)
    assert.deepEqual(history.warnings, [])
    assert.equal(history.models[0]!.points.at(-1)!.timeMs, at.getTime())
  }
})
