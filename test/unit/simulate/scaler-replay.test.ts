import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {Grid} from '../../../src/core/collect/scaler-series.js'
import {isReadingError} from '../../../src/core/decide/hpa/types.js'
import {parseScaler, type ScalerMetric} from '../../../src/core/model/scaler.js'
import {
  applyScalerWhatIf,
  deciderSpec,
  metricSamples,
  replayVariant,
  type ScalerReplayInput,
  summarize,
} from '../../../src/core/simulate/scaler-replay.js'

const grid: Grid = {startMs: Date.parse('2026-08-10T00:00:00Z'), stepMs: 60_000, count: 4}
const promql: ScalerMetric = {
  name: 'q',
  type: 'prometheus',
  targetType: 'AverageValue',
  target: 5,
  activationThreshold: null,
  source: {kind: 'promql', query: 'sum(q)'},
}
const external: ScalerMetric = {...promql, type: 'External', source: {kind: 'external', metric: 'q', query: 'sum(q{})'}}

test('a query that answers with several series at a step fails the scaler, naming the step and the fix', () => {
  const samples = metricSamples(
    promql,
    [
      {labels: {pod: 'a'}, values: [1, 2, null, null]},
      {labels: {pod: 'b'}, values: [null, 3, null, null]},
    ],
    grid,
  )
  assert.deepEqual(samples, {
    kind: 'error',
    message:
      'trigger q: the query returned 2 series at 2026-08-10T00:01:00.000Z, the scaler reads one; aggregate it, e.g. ' +
      'sum(sum(q))',
  })
})

test('no series at all fails the scaler; for an External metric it says the API server may serve it elsewhere', () => {
  assert.deepEqual(metricSamples(promql, [], grid), {
    kind: 'error',
    message: 'trigger q: the query returned no series; check the query and its labels in Prometheus',
  })
  const none = metricSamples(external, [], grid)
  assert.match(
    none.kind === 'error' ? none.message : '',
    /^external metric q: sum\(q\{\}\) returned no series \(the API server's external metrics API/,
  )
})

test('a missing step reads 0 for a KEDA trigger (ignoreNullValues) and fails the sync for an External metric', () => {
  const series = [{labels: {}, values: [1, null, 3, 4]}]
  const keda = metricSamples(promql, series, grid)
  assert.equal(keda.kind, 'ok')
  if (keda.kind === 'ok') {
    assert.deepEqual(keda.readings, [1, 0, 3, 4])
    assert.deepEqual(keda.values, [1, null, 3, 4])
  }
  const hpa = metricSamples(external, series, grid)
  assert.ok(hpa.kind === 'ok' && isReadingError(hpa.readings[1]!))
})

const hpaObject = (behavior?: unknown) =>
  parseScaler({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {name: 'h', namespace: 'llm'},
    spec: {
      scaleTargetRef: {name: 'd'},
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {type: 'External', external: {metric: {name: 'q'}, target: {type: 'AverageValue', averageValue: '5'}}},
        {type: 'External', external: {metric: {name: 'r'}, target: {type: 'Value', value: '2'}}},
      ],
      ...(behavior === undefined ? {} : {behavior}),
    },
  })

test('what-ifs: a threshold for all metrics or one, min/max, and the stabilization window on either path', () => {
  const all = applyScalerWhatIf(
    hpaObject(),
    {thresholds: [{metric: null, value: 8}], minReplicas: 2, maxReplicas: 4},
    'w',
  )
  const spec = deciderSpec(all)
  assert.ok(spec.kind === 'hpa')
  assert.deepEqual(
    spec.hpa.metrics.map((m) => m.targetMilli),
    [8000, 8000],
  )
  assert.equal(spec.hpa.minReplicas, 2)
  assert.equal(spec.hpa.maxReplicas, 4)
  const one = deciderSpec(applyScalerWhatIf(hpaObject(), {thresholds: [{metric: 'r', value: 0.5}]}, 'w'))
  assert.ok(one.kind === 'hpa')
  assert.deepEqual(
    one.hpa.metrics.map((m) => m.targetMilli),
    [5000, 500],
  )
  const legacy = deciderSpec(applyScalerWhatIf(hpaObject(), {stabilizationSeconds: 0}, 'w'))
  assert.ok(legacy.kind === 'hpa')
  assert.equal(legacy.hpa.downscaleStabilizationSeconds, 0)
  assert.equal(legacy.hpa.behavior, undefined)
  const withBehavior = deciderSpec(
    applyScalerWhatIf(hpaObject({scaleUp: {stabilizationWindowSeconds: 30}}), {stabilizationSeconds: 120}, 'w'),
  )
  assert.ok(withBehavior.kind === 'hpa')
  assert.deepEqual(withBehavior.hpa.behavior, {
    scaleUp: {stabilizationWindowSeconds: 30},
    scaleDown: {stabilizationWindowSeconds: 120},
  })
  assert.throws(
    () => applyScalerWhatIf(hpaObject(), {thresholds: [{metric: 'nope', value: 1}]}, 'w'),
    /--threshold nope=1: llm\/h has no metric nope/,
  )
})

const input = (recorded: Array<number | null>, extra: Partial<ScalerReplayInput> = {}): ScalerReplayInput => ({
  grid: {...grid, count: recorded.length},
  recorded,
  fallbackInitialReplicas: 1,
  ttftMs: recorded.map(() => null),
  itlMs: recorded.map(() => null),
  sloTtftMs: null,
  sloItlMs: null,
  acceleratorsPerReplica: 2,
  ...extra,
})

test('summaries: GPU-hours, events, SLO minutes (an estimate when replicas differ) and the largest lag', () => {
  const replicas = [1, 1, 2, 3, 3, 3, 2]
  const wanted = [1, 3, 3, 3, 3, 5, 2]
  const summary = summarize(
    'x',
    replicas,
    input([1, 1, 1, 3, 3, 3, 2], {ttftMs: [100, 900, 900, 100, null, 100, 100], sloTtftMs: 500, sloItlMs: 40}),
    wanted,
  )
  assert.deepEqual(summary, {
    label: 'x',
    gpuHours: 0.5,
    // 1 + 1 + 2 + 3 + 3 + 3 + 2 = 15 replica-minutes, 2 GPUs each.
    replicaHours: 0.25,
    scalingEvents: 3,
    minReplicas: 1,
    maxReplicas: 3,
    minutesOverTtftSlo: 2,
    // No ITL measured: no minutes, not 0.
    minutesOverItlSlo: null,
    sloEstimate: true,
    // Asked for 3 at 00:01, reached at 00:03; asked for 5 at 00:05, the episode ends when the ask drops at 00:06.
    maxLagSeconds: 120,
    maxLagAtMs: grid.startMs + 60_000,
  })
})

test('explanations are kept where the count changed or was held, and at every step with explain all', () => {
  const variant = {label: 'configured', scaler: hpaObject()}
  const samples = new Map([
    ['q', {kind: 'ok' as const, readings: [5, 20, 5, 5], values: [5, 20, 5, 5]}],
    ['r', {kind: 'ok' as const, readings: [1, 1, 1, 1], values: [1, 1, 1, 1]}],
  ])
  const replay = replayVariant(variant, samples, input([1, null, null, null]))
  assert.deepEqual(replay.replicas, [1, 4, 4, 4])
  // 00:01 scales 1 → 4; 00:02 and 00:03 are held at 4 by the 300 s scale-down window.
  assert.deepEqual(
    replay.explanations.map((step) => [
      step.from,
      step.replicas,
      step.hpa?.kind === 'computed' && step.hpa.stabilization.kind,
    ]),
    [
      [1, 4, 'none'],
      [4, 4, 'legacy-scale-down-window'],
      [4, 4, 'legacy-scale-down-window'],
    ],
  )
  assert.deepEqual(replay.metricValues, {q: [5, 20, 5, 5], r: [1, 1, 1, 1]})
  const all = replayVariant(variant, samples, input([1, null, null, null]), 'all')
  assert.equal(all.explanations.length, 4)
})

test('the lag is non-zero when a behavior policy limits scale-up (hand-worked, 15 s steps as the HPA syncs)', () => {
  const hpa = (behavior?: unknown) =>
    parseScaler({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {name: 'h', namespace: 'llm'},
      spec: {
        scaleTargetRef: {name: 'd'},
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          {type: 'External', external: {metric: {name: 'q'}, target: {type: 'AverageValue', averageValue: '5'}}},
        ],
        ...(behavior === undefined ? {} : {behavior}),
      },
    })
  // q (the sum over the replicas) is 5 at 00:00:00, then 20: ceil(20 / 5) = 4 replicas wanted from 00:00:15 on.
  const readings = [5, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20]
  const samples = new Map([['q', {kind: 'ok' as const, readings, values: readings}]])
  const steps = input(
    readings.map((_, index) => (index === 0 ? 1 : null)),
    {grid: {startMs: grid.startMs, stepMs: 15_000, count: readings.length}},
  )
  // At most 1 Pod added per 60 s; a policy period counts the scale events at times > now − 60 s:
  // 00:00:15 1 → 2 (none in the period); 00:00:30–00:01:00 held at 2 (the +1 at 00:00:15 is in the period);
  // 00:01:15 2 → 3 (00:00:15 is not > 00:00:15); held to 00:02:00; 00:02:15 3 → 4. Asked for 4 at 00:00:15, reached
  // at 00:02:15: a lag of 120 s.
  const limited = replayVariant(
    {
      label: 'limited',
      scaler: hpa({
        scaleUp: {stabilizationWindowSeconds: 0, policies: [{type: 'Pods', value: 1, periodSeconds: 60}]},
      }),
    },
    samples,
    steps,
  )
  assert.deepEqual(limited.replicas, [1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4])
  assert.equal(limited.summary.maxLagSeconds, 120)
  assert.equal(limited.summary.maxLagAtMs, grid.startMs + 15_000)
  // Without behavior, the legacy limit max(2 × 1, 4) = 4 lets it reach 4 at once: no lag.
  const legacy = replayVariant({label: 'legacy', scaler: hpa()}, samples, steps)
  assert.deepEqual(legacy.replicas, [1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
  assert.equal(legacy.summary.maxLagSeconds, 0)
})
