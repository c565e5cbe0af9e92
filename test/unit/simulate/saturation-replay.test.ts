import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {PodSeries} from '../../../src/core/collect/pod-history.js'
import type {ReplayGrid} from '../../../src/core/simulate/replay.js'
import {
  replaySaturation,
  resolveSaturationCadence,
  type SaturationReplayOptions,
  type SaturationVaReplay,
} from '../../../src/core/simulate/saturation-replay.js'
import {requestCountKey} from '../../../src/core/decide/saturation/groups/run-groups.js'
import {
  configMap,
  controllerV051,
  deployment,
  fixtureSources,
  shapeCVa,
  sourcesOf,
} from '../decide/saturation/groups/builders.js'
import {joinRegExp} from '../../support/regexp.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'

const startMs = 1_700_000_000_000
const granite = 'ibm/granite-8b'
const grid = (count: number, stepSeconds = 30): ReplayGrid => ({startMs, stepSeconds, count})
const timeAt = (index: number, stepSeconds = 30) => startMs + index * stepSeconds * 1000

/** One VA `granite` (v0.5.1, thresholds 0.80/5/0.10/3) on Deployment granite-decode at `replicas`. */
function graniteSources(options: {replicas?: number | undefined; scaleToZero?: string | undefined} = {}) {
  const replicas = options.replicas ?? 2
  return sourcesOf([
    ...controllerV051({scaleToZero: options.scaleToZero}),
    shapeCVa('granite', {modelID: granite, desired: replicas}),
    deployment('granite-decode', {replicas}),
  ])
}

/** A pod of granite-decode whose readings per step are given as [kv, queue] (null: no sample). */
function pod(
  suffix: string,
  readings: ReadonlyArray<readonly [number, number] | null>,
  options: {deployment?: string; modelID?: string} = {},
): PodSeries {
  return {
    namespace: 'llm',
    name: `${options.deployment ?? 'granite-decode'}-7c9d8f6b5d-${suffix}`,
    modelID: options.modelID ?? granite,
    kvCacheUsage: readings.map((reading) => reading?.[0] ?? null),
    queueLength: readings.map((reading) => reading?.[1] ?? null),
  }
}

const saturated = [0.9, 0] as const
const idle = [0.1, 0] as const
const repeat = <T>(value: T, count: number): T[] => Array.from({length: count}, () => value)
const replicas = (va: SaturationVaReplay) => va.steps.map((step) => step.desiredReplicas)
const only = (items: SaturationVaReplay[]) => {
  assert.equal(items.length, 1)
  return items[0]!
}

function replayTwoPods(
  readings: ReadonlyArray<readonly [number, number] | null>,
  options: SaturationReplayOptions & {stepSeconds?: number; replicas?: number} = {},
) {
  const pods = [pod('aaaaa', readings), pod('bbbbb', readings)]
  return only(
    replaySaturation(
      parseClusterState(graniteSources({replicas: options.replicas})),
      {pods},
      grid(readings.length, options.stepSeconds),
      options,
    ),
  )
}

test('as-observed readings: the ±1 rule compounds one replica per cycle while saturated, then steps down to 1', () => {
  const va = replayTwoPods([...repeat(saturated, 4), ...repeat(idle, 6)], {readings: 'as-observed'})
  assert.deepEqual(replicas(va), [3, 4, 5, 6, 5, 4, 3, 2, 1, 1])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.action),
    [
      'scale-up',
      'scale-up',
      'scale-up',
      'scale-up',
      'scale-down',
      'scale-down',
      'scale-down',
      'scale-down',
      'scale-down',
      'no-change',
    ],
  )
  assert.ok(
    va.steps.every((step) => step.outcome === 'allocated' && step.load === null && step.saturation.cycles === 1),
  )
  assert.equal(va.simulation.kind, 'controller-cycles')
  assert.equal(va.simulation.cadenceSeconds, 30)
  assert.match(va.simulation.note, /readings are those of the pods that actually ran/)
})

test('spread-load readings: the added replica takes its share of the load, so the scale-up stops at 3', () => {
  // 2 pods at KV 0.9 spread over 3 replicas read 0.6 each: not saturated (0.2 spare), and removing one is unsafe.
  const va = replayTwoPods(repeat(saturated, 5))
  assert.equal(va.simulation.readings, 'spread-load')
  assert.deepEqual(replicas(va), [3, 3, 3, 3, 3])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.action),
    ['scale-up', 'no-change', 'no-change', 'no-change', 'no-change'],
  )
})

test('spread-load readings: an idle model steps down one replica per cycle to the minimum of 1', () => {
  const va = replayTwoPods(repeat(idle, 4), {replicas: 4})
  assert.equal(va.simulation.initialReplicas, 4)
  assert.equal(va.simulation.initialReplicasSource, 'deployment')
  assert.deepEqual(replicas(va), [3, 2, 1, 1])
})

test("a load what-if scales each step's readings: more load, more replicas; none, the minimum", () => {
  // Two pods at KV 0.45: 0.9 of KV demand at 1x (3 replicas do not change that), 1.8 at 2x: 3 replicas read 0.6 each
  // (not saturated, 0.2 spare), so 2x settles at 3 where 1x stays at 2.
  const busy = [0.45, 0] as const
  assert.deepEqual(replicas(replayTwoPods(repeat(busy, 4))), [2, 2, 2, 2])
  const doubled = replayTwoPods(repeat(busy, 4), {load: {loadScale: 2}})
  assert.deepEqual(replicas(doubled), [3, 3, 3, 3])
  assert.deepEqual(doubled.simulation.load, {loadScale: 2, arrivalRateRpm: null})
  assert.match(doubled.simulation.note, /scaled to the what-if load by the saturation load model/)
  assert.deepEqual(replicas(replayTwoPods(repeat(busy, 4), {load: {arrivalRateRpm: 0}})), [1, 1, 1, 1])
  assert.equal(replayTwoPods(repeat(busy, 4)).simulation.load, null)
})

test('a replica that takes 60s to start is pending: v0.5.1 holds the model until it reports', () => {
  const va = replayTwoPods(repeat(saturated, 7), {readings: 'as-observed', replicaStartupSeconds: 60})
  assert.deepEqual(replicas(va), [3, 3, 4, 4, 5, 5, 6])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.pendingReplicas),
    [1, 1, 1, 1, 1, 1, 1],
  )
  // At 30s the new replica is pending: 2 pods report but 3 are current, so the model is in transition.
  assert.equal(va.steps[1]!.saturation.action, 'no-change')
})

test('steps without pod data are noData and carry the replicas over; the summary counts the gap', () => {
  const readings = [saturated, saturated, null, null, null, saturated] as const
  const va = replayTwoPods(readings, {readings: 'as-observed'})
  assert.deepEqual(replicas(va), [3, 4, 4, 4, 4, 5])
  assert.deepEqual(
    va.steps.map((step) => step.outcome),
    ['allocated', 'allocated', 'noData', 'noData', 'noData', 'allocated'],
  )
  assert.deepEqual(
    va.steps.map((step) => step.saturation.noDecision),
    [null, null, 'no-metrics', 'no-metrics', 'no-metrics', null],
  )
  assert.equal(va.summary.noDataSteps, 3)
  assert.equal(va.summary.longestNoDataSeconds, 90)
  assert.equal(va.summary.ours.scalingChanges, 2)
  assert.equal(va.summary.ours.replicaHours, ((3 + 4 + 4 + 4 + 4 + 5) * 30) / 3600)
  // Cost: spec.variantCost unset, so upstream's 10 per replica.
  assert.equal(va.summary.ours.costHours, ((3 + 4 + 4 + 4 + 4 + 5) * 10 * 30) / 3600)
})

test('a pod missing one metric counts 0 for it; a pod with neither does not report', () => {
  const pods = [pod('aaaaa', [[0.9, 0]]), {...pod('bbbbb', [null]), queueLength: [0]}]
  const va = only(replaySaturation(parseClusterState(graniteSources()), {pods}, grid(1), {readings: 'as-observed'}))
  assert.equal(va.steps[0]!.saturation.reportingPods, 2)
  // Pod bbbbb reads KV 0 and queue 0: spare, so the model is not short of KV (0.8 spare of the one idle pod ≥ 0.1).
  assert.deepEqual(replicas(va), [2])
})

test('cadence mapping: a 60s step holds two 30s cycles on the same readings', () => {
  const va = replayTwoPods(repeat(saturated, 4), {readings: 'as-observed', stepSeconds: 60})
  // Step 0 shows the cycle at 0s; step 1 the cycles at 30s (step 0 readings) and 60s.
  assert.deepEqual(replicas(va), [3, 5, 7, 9])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.cycles),
    [1, 2, 2, 2],
  )
})

test('cadence mapping: a 15s step has a cycle every other step; the others carry over', () => {
  const va = replayTwoPods(repeat(saturated, 6), {readings: 'as-observed', stepSeconds: 15})
  assert.deepEqual(replicas(va), [3, 3, 4, 4, 5, 5])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.cycles),
    [1, 0, 1, 0, 1, 0],
  )
})

test('cycles that would repeat the last one are skipped without changing the result', () => {
  const held = replayTwoPods(repeat(idle, 3), {stepSeconds: 300, replicas: 5})
  // 10 cycles per 5m step: 5 → 4 → 3 → 2 → 1 within the first step, then nothing moves.
  assert.deepEqual(replicas(held), [4, 1, 1])
  assert.deepEqual(
    held.steps.map((step) => step.saturation.cycles),
    [1, 10, 10],
  )
})

test('the controller cadence: 30s for v0.5.x, GLOBAL_OPT_INTERVAL for v0.4.x (60s by default)', () => {
  assert.deepEqual(resolveSaturationCadence(parseClusterState(graniteSources()), 'saturation-v0.5.1').seconds, 30)
  const v042 = fixtureSources('crd-a-v0.4.2', 'controller-v0.4.2', 'shape-a-v0.4.2')
  assert.deepEqual(resolveSaturationCadence(parseClusterState(v042), 'capacity-v0.4.2'), {
    seconds: 60,
    source:
      'GLOBAL_OPT_INTERVAL in ConfigMap ' +
      'workload-variant-autoscaler-system/workload-variant-autoscaler-variantautoscaling-config (60s)',
  })
  const withInterval = (value: string) => ({
    ...v042,
    configMaps: v042.configMaps.map((cm) =>
      cm.metadata?.name === 'workload-variant-autoscaler-variantautoscaling-config'
        ? configMap(cm.metadata.name, cm.metadata.namespace, {...cm.data, GLOBAL_OPT_INTERVAL: value})
        : cm,
    ),
  })
  assert.equal(resolveSaturationCadence(parseClusterState(withInterval('2m30s')), 'capacity-v0.4.2').seconds, 150)
  assert.equal(resolveSaturationCadence(parseClusterState(withInterval('soon')), 'capacity-v0.4.2').seconds, 60)
  assert.match(
    resolveSaturationCadence(parseClusterState(withInterval('soon')), 'capacity-v0.4.2').source,
    /not a positive duration: default 60s$/,
  )
})

test('v0.4.2 replays at its GLOBAL_OPT_INTERVAL: one cycle per two 30s steps, scaling from the reporting pods', () => {
  const sources = fixtureSources('crd-a-v0.4.2', 'controller-v0.4.2', 'shape-a-v0.4.2')
  const readings = repeat(saturated, 6)
  const pods = ['aaaaa', 'bbbbb'].map((suffix) =>
    pod(suffix, readings, {deployment: 'llama-3-1-8b-decode', modelID: 'meta-llama/Llama-3.1-8B-Instruct'}),
  )
  const va = only(replaySaturation(parseClusterState(sources), {pods}, grid(6), {readings: 'as-observed'}))
  assert.equal(va.name, 'llama-3-1-8b-decode')
  assert.equal(va.simulation.engine, 'capacity-v0.4.2')
  assert.equal(va.simulation.cadenceSeconds, 60)
  assert.deepEqual(replicas(va), [3, 3, 4, 4, 5, 5])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.cycles),
    [1, 0, 1, 0, 1, 0],
  )
})

test('the first step starts from the actual replicas; controller and actual series are shown as given', () => {
  const actual = [0, 1, 2].map((index) => ({timeMs: timeAt(index), value: 4}))
  const controller = [{timeMs: timeAt(1), value: 5}]
  const series = new Map([
    [
      'llm/granite',
      {
        actualReplicas: actual,
        controllerReplicas: controller,
        seriesSources: {actual: 'kube_deployment_status_replicas', controller: 'wva_desired_replicas'},
      },
    ],
  ])
  const pods = ['a', 'b', 'c', 'd'].map((suffix) => pod(suffix, repeat(idle, 3)))
  const va = only(replaySaturation(parseClusterState(graniteSources({replicas: 2})), {pods}, grid(3), {series}))
  assert.equal(va.simulation.initialReplicas, 4)
  assert.equal(va.simulation.initialReplicasSource, 'actual')
  assert.deepEqual(replicas(va), [3, 2, 1])
  assert.deepEqual(
    va.steps.map((step) => step.actualReplicas),
    [4, 4, 4],
  )
  assert.deepEqual(
    va.steps.map((step) => step.controllerReplicas),
    [null, 5, null],
  )
  assert.deepEqual(va.seriesSources, {actual: 'kube_deployment_status_replicas', controller: 'wva_desired_replicas'})
  assert.deepEqual(va.summary.largestGapVsActual, {timeMs: timeAt(2), difference: -3, ours: 1, other: 4})
})

test('scale-to-zero: an idle model with no requests goes to 0, and back to 1 when requests arrive', () => {
  const requestCounts = new Map([[requestCountKey('llm', granite), [0, 0, 3, 3]]])
  const pods = ['a', 'b'].map((suffix) => pod(suffix, repeat(idle, 4)))
  const va = only(
    replaySaturation(parseClusterState(graniteSources({scaleToZero: 'true'})), {pods}, grid(4), {requestCounts}),
  )
  assert.deepEqual(replicas(va), [0, 0, 1, 1])
  assert.deepEqual(
    va.steps.map((step) => step.saturation.action),
    ['scale-down', null, 'scale-from-zero', 'no-change'],
  )
  assert.equal(va.steps[1]!.saturation.noDecision, 'deployment-at-zero')
})

test('scale-to-zero with no request-count reading keeps the replicas, as upstream does on a failed query', () => {
  const pods = ['a', 'b'].map((suffix) => pod(suffix, repeat(idle, 2)))
  const va = only(
    replaySaturation(parseClusterState(graniteSources({scaleToZero: 'true'})), {pods}, grid(2), {
      requestCounts: new Map([[requestCountKey('llm', granite), [null, null]]]),
    }),
  )
  // The scale-down still happens (2 → 1); the enforcer just does not zero it.
  assert.deepEqual(replicas(va), [1, 1])
})

test('a VA the controller never decides is skipped for the whole range, its series still shown', () => {
  const sources = sourcesOf([
    ...controllerV051(),
    shapeCVa('granite', {modelID: granite, accelerator: null}),
    deployment('granite-decode', {replicas: 2}),
  ])
  const va = only(replaySaturation(parseClusterState(sources), {pods: [pod('a', [saturated])]}, grid(1)))
  assert.match(
    va.skipReason!,
    joinRegExp([
      /^label inference.optimization\/acceleratorName is missing, /,
      /so the controller computes targets for this VA but never writes them$/,
    ]),
  )
  assert.equal(va.steps[0]!.outcome, 'skipped')
  assert.equal(va.steps[0]!.desiredReplicas, null)
})

test('siblings of one model share each cycle: only the cheapest variant scales up', () => {
  const sources = sourcesOf([
    ...controllerV051(),
    shapeCVa('cheap', {modelID: granite, cost: '5'}),
    deployment('cheap-decode', {replicas: 1}),
    shapeCVa('dear', {modelID: granite, cost: '20'}),
    deployment('dear-decode', {replicas: 1}),
  ])
  const pods = [
    pod('a', repeat(saturated, 3), {deployment: 'cheap-decode'}),
    pod('b', repeat(saturated, 3), {deployment: 'dear-decode'}),
  ]
  const items = replaySaturation(parseClusterState(sources), {pods}, grid(3), {readings: 'as-observed'})
  assert.deepEqual(
    items.map((item) => [item.name, replicas(item)]),
    [
      ['cheap', [2, 3, 4]],
      ['dear', [1, 1, 1]],
    ],
  )
  assert.deepEqual(
    replaySaturation(parseClusterState(sources), {pods}, grid(3), {readings: 'as-observed', names: ['dear']}).map(
      (item) => item.name,
    ),
    ['dear'],
  )
  // Cost per step is the variant cost per replica.
  assert.deepEqual(
    items[0]!.steps.map((step) => step.cost),
    [10, 15, 20],
  )
})
