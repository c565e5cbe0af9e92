import assert from 'node:assert/strict'
import {after, test} from 'node:test'

import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {decideModelBased} from '../../../src/core/decide/queueing/model-based.js'
import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {resolveDecisionTargets} from '../../../src/core/simulate/decision-template.js'
import {replayFromPrometheus} from '../../../src/core/run/fetch-history.js'
import {repoRoot} from '../../support/paths.js'
import {startPrometheus} from '../../support/prometheus.js'
import {actualReplicas, daySeconds, expectedLoadAt, replayDayStartS, replayScenarioOpenMetrics} from './scenario.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const prom = await startPrometheus({after}, {openmetrics: replayScenarioOpenMetrics()})
const sources = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const template = resolveDecisionTargets(parseClusterState(sources), {}, {probeLoad: true}).find(
  (t) => t.name === 'llama-8b-h100',
)!.template!
const stepSeconds = 300
const range = {
  start: new Date(replayDayStartS * 1000),
  end: new Date((replayDayStartS + daySeconds) * 1000),
  stepSeconds,
}
const client = createPrometheusClient({url: prom.url, timeoutMs: 20_000})
after(() => client.close())
const result = await replayFromPrometheus(client, parseClusterState(sources), range, {
  whatIf: {},
  names: ['llama-8b-h100'],
})
const va = result.items[0]!
const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return va.steps.find((step) => step.timeMs === (replayDayStartS + h * 3600 + m * 60) * 1000)!
}

/** Our replicas at t, from the hand-computed load of the scenario (not from Prometheus). */
function expectedReplicasAt(t: number): number | null {
  const load = expectedLoadAt(t)
  if (load === undefined) return null
  const decision = decideModelBased({
    ...template,
    arrivalRateRpm: load.arrivalRateRpm,
    avgInputTokens: load.avgInputTokens ?? 0,
    avgOutputTokens: load.avgOutputTokens ?? 0,
    currentReplicas: actualReplicas,
  })
  return decision.desired?.numReplicas ?? null
}

test('a day at 5m steps is fetched in 7 range queries for the VA and gives 289 steps', () => {
  assert.deepEqual(result.warnings, [])
  assert.equal(result.requests, 7)
  assert.equal(va.steps.length, 289)
  assert.deepEqual(va.seriesSources, {controller: 'wva_desired_replicas', actual: 'kube_deployment_status_replicas'})
})

test('the replayed replicas match the optimizer on the hand-computed load at chosen steps', () => {
  assert.equal(at('03:00').desiredReplicas, 1, '20 req/s = 1200 rpm')
  assert.equal(at('09:00').desiredReplicas, 2, 'the step to 6000 rpm')
  assert.equal(
    at('15:00').load!.arrivalRateRpm.toFixed(6),
    (60 * (20 + (280 * (3 * 3600 - 30)) / (6 * 3600))).toFixed(6),
    'the ramp at its mid-window rate',
  )
  assert.equal(at('15:00').desiredReplicas, 3)
  assert.equal(at('18:00').desiredReplicas, 5, 'the top of the ramp, 17,995 rpm')
  assert.equal(at('19:00').outcome, 'noData', 'the scrape gap is a gap, not zero load')
  assert.equal(at('19:00').desiredReplicas, null)
  assert.equal(at('19:00').actualReplicas, 2, 'kube-state-metrics still reports during the vLLM gap')
  assert.equal(at('19:00').controllerReplicas, null)
  assert.equal(at('20:00').outcome, 'noData', 'one sample in the window after the gap: no rate yet')
  assert.equal(at('22:00').outcome, 'zeroLoad', 'idle: arrival 0, a zero-load decision')
  assert.equal(at('22:00').desiredReplicas, 1)
})

test('every step equals the optimizer on the hand-computed load', () => {
  const expected = va.steps.map((step) => expectedReplicasAt(step.timeMs / 1000))
  assert.deepEqual(
    va.steps.map((step) => step.desiredReplicas),
    expected,
  )
})

test('the summary: replica-hours, changes, gaps and time over SLO', () => {
  const s = va.summary
  assert.equal(s.noDataSteps, 24, '18:05 … 20:00')
  assert.equal(s.longestNoDataSeconds, 24 * 300)
  assert.equal(s.actual!.replicaHours, (289 * 2 * 300) / 3600)
  assert.equal(s.actual!.costHours, (289 * 200 * 300) / 3600)
  // The 18:00 sample is still within the 5m lookback at 18:05; 18:10 … 19:55 have none.
  assert.equal(s.controller!.knownSteps, 289 - 22, 'the controller gauge goes stale 5 minutes into the gap')
  const ours = va.steps.map((step) => step.desiredReplicas).filter((r): r is number => r !== null)
  assert.equal(s.ours.replicaHours, (ours.reduce((a, b) => a + b, 0) * 300) / 3600)
  assert.equal(s.ours.maxReplicas, 5)
  // TTFT over 500 ms for the 72 steps 06:05 … 12:00; ITL over 24 ms for the 72 steps 12:05 … 18:00.
  assert.deepEqual(s.overSlo, {
    ttftSeconds: 72 * 300,
    itlSeconds: 72 * 300,
    eitherSeconds: 144 * 300,
    measuredSteps: 216,
  })
  // First step with 5 replicas: 14,943 rpm at 16:55 needs ceil(14943 / 3712) = 5.
  assert.deepEqual(s.largestGapVsActual, {timeMs: at('16:55').timeMs, difference: 3, ours: 5, other: 2})
})
