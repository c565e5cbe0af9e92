import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  computedTarget,
  decisionOf,
  isAnalysed,
  planRequestCounts,
  requestCountKey,
  runSaturationEngines,
  type SaturationRun,
  type SaturationVariantResult,
  skipOf,
  writtenTarget,
} from '../../../../../src/core/decide/saturation/groups/index.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'
import {
  configMap,
  controllerV051,
  deployment,
  fixtureSources,
  podMetrics,
  shapeAVa,
  shapeCVa,
  sourcesOf,
} from './builders.js'
import {parseClusterState} from '../../../../../src/core/model/cluster-state.js'
import {saturationSentences} from '../../../../../src/core/simulate/saturation-wording.js'

const qwen = 'Qwen/Qwen3-0.6B'
const abcde = 'qwen3-0-6b-decode-7c9d8f6b5d-abcde'
const fghij = 'qwen3-0-6b-decode-7c9d8f6b5d-fghij'
const shapeC = () => fixtureSources('crd-c', 'controller-v0.5.1', 'shape-c')
const qwenPod = (name: string, kv: number | undefined, queue: number | undefined) =>
  podMetrics(name, kv, queue, {modelID: qwen})
const variant = (run: SaturationRun, name: string) => run.variants.find((candidate) => candidate.name === name)!
/** The result of a VA the engine was fed; fails the test otherwise. */
function analysed(result: SaturationVariantResult) {
  if (!isAnalysed(result)) assert.fail(`${result.name}: ${result.outcome}, not analysed`)
  return result
}

test('shape C fixture: one of two pods reporting freezes the model in transition at current', () => {
  const run = runSaturationEngines({
    state: parseClusterState(shapeC()),
    pods: [qwenPod(abcde, 0.5, 1.9)],
    requestCounts: new Map([[requestCountKey('llm', qwen), 120]]),
  })
  const va = variant(run, 'qwen3-va')
  assert.equal(va.engine, 'saturation-v0.5.1')
  assert.equal(va.groupKey, 'Qwen/Qwen3-0.6B|llm')
  assert.equal(writtenTarget(va), 2)
  assert.equal(decisionOf(va)?.action, 'no-change')
  assert.equal(decisionOf(va)?.decisionReason, 'saturation-only mode: no-change')
  // The queue length is truncated to an integer, as the controller does.
  assert.deepEqual(va.pods, [{pod: abcde, kvCacheUsage: 0.5, queueLength: 1, isSaturated: false, missing: []}])
  assert.equal(analysed(va).model?.avgSpareQueueLength, 2)
  assert.deepEqual(saturationSentences(va), [
    'blocked: model Qwen/Qwen3-0.6B is in transition (qwen3-va: metrics(1)!=current(2)), so every variant ' +
      'holds its desired or current replicas this cycle',
    'scale-to-zero is enabled but 120 requests arrived in the last 15m',
  ])
  assert.deepEqual(run.podsWithoutMetrics, [
    {namespace: 'llm', name: fghij, deployment: 'qwen3-0-6b-decode', variantName: 'qwen3-va', phase: 'Pending'},
  ])
  // The namespace-local ConfigMap in llm replaced the global one.
  assert.deepEqual(run.groups[0]!.configMap, {
    namespace: 'llm',
    name: 'workload-variant-autoscaler-saturation-scaling-config',
    scope: 'namespace-local',
  })
})

test('shape C fixture: both pods saturated, but the only variant has a pending replica, so nothing scales', () => {
  const run = runSaturationEngines({
    state: parseClusterState(shapeC()),
    pods: [qwenPod(abcde, 0.75, 1), qwenPod(fghij, 0.72, 0)],
    requestCounts: new Map([[requestCountKey('llm', qwen), 120]]),
  })
  const va = variant(run, 'qwen3-va')
  assert.equal(writtenTarget(va), 2)
  assert.equal(analysed(va).guards.isSkippedForPending, true)
  assert.equal(analysed(va).model?.scaleUpReason, 'both KV spare (0.000 < 0.150) and queue spare (0.0 < 2.0)')
  assert.deepEqual(saturationSentences(va), [
    'scale-up needed: average spare KV 0.00 < trigger 0.15 and average spare queue 0.0 < trigger 2.0, 2/2 ' +
      'replicas saturated; but every variant has pending replicas',
    'blocked: 1 replica pending',
    'scale-to-zero is enabled but 120 requests arrived in the last 15m',
  ])
})

test('shape C fixture: an idle model with no requests in the retention window scales to zero', () => {
  const sources = shapeC()
  const queries = planRequestCounts(parseClusterState(sources))
  assert.deepEqual(
    queries.map((query) => query.promql),
    ['sum(increase(vllm:request_success_total{namespace="llm",model_name="Qwen/Qwen3-0.6B"}[15m]))'],
  )
  const run = runSaturationEngines({
    state: parseClusterState(sources),
    pods: [qwenPod(abcde, 0.1, 0), qwenPod(fghij, 0.1, 0)],
    requestCounts: new Map([[requestCountKey('llm', qwen), 0]]),
  })
  const va = variant(run, 'qwen3-va')
  assert.equal(writtenTarget(va), 0)
  assert.equal(decisionOf(va)?.action, 'scale-down')
  assert.deepEqual(saturationSentences(va), [
    'scale down qwen3-va by 1 (2 \u2192 1): removing one replica leaves spare KV 0.50 \u2265 0.15 ' +
      'and spare queue 3.0 \u2265 2.0',
    '1 replica pending (not ready)',
    'scale to zero: 0 requests for Qwen/Qwen3-0.6B in the last 15m',
  ])
  assert.deepEqual(run.requestCountQueries, queries)
})

test('shape C fixture: without a reading the request count is unknown and the targets are kept', () => {
  const run = runSaturationEngines({
    state: parseClusterState(shapeC()),
    pods: [qwenPod(abcde, 0.1, 0), qwenPod(fghij, 0.1, 0)],
  })
  assert.equal(writtenTarget(variant(run, 'qwen3-va')), 1)
  assert.equal(
    saturationSentences(variant(run, 'qwen3-va')).at(-1),
    'scale-to-zero is enabled but the request count over the last 15m is unknown (request count not ' +
      'queried); targets kept',
  )
})

test('shape A v0.4.2 fixture: desired 3 differs from current 2, so v0.4.2 keeps desired', () => {
  const sources = fixtureSources('crd-a-v0.4.2', 'controller-v0.4.2', 'shape-a-v0.4.2')
  const model = 'meta-llama/Llama-3.1-8B-Instruct'
  const run = runSaturationEngines({
    state: parseClusterState(sources),
    pods: [
      podMetrics('llama-3-1-8b-decode-5d-aaaaa', 0.85, 0, {modelID: model}),
      podMetrics('llama-3-1-8b-decode-5d-bbbbb', 0.5, 0, {modelID: model}),
    ],
  })
  const va = variant(run, 'llama-3-1-8b-decode')
  assert.equal(va.engine, 'capacity-v0.4.2')
  assert.equal(
    va.engineWhy,
    'the CRD schema is shape A v0.4.x, and EXPERIMENTAL_HYBRID_OPTIMIZATION is "off", which is not on or model-only',
  )
  assert.equal(va.groupKey, model)
  assert.equal(writtenTarget(va), 3)
  assert.equal(decisionOf(va)?.action, 'scale-up')
  assert.equal(decisionOf(va)?.decisionReason, 'capacity-only mode: scale-up')
  assert.deepEqual(
    va.pods.map((pod) => pod.isSaturated),
    [true, false],
  )
  assert.deepEqual(saturationSentences(va), [
    'keeps desired 3 (current 2) until the Deployment converges; v0.4.2 leaves it out of the ±1 step',
  ])
  assert.deepEqual(run.groups[0]!.configMap, {
    namespace: 'workload-variant-autoscaler-system',
    name: 'capacity-scaling-config',
    scope: 'global',
  })
  assert.deepEqual(run.requestCountQueries, [])
})

test('shape A v0.0.4 fixture: the queueing model handles it, not the saturation engines', () => {
  const run = runSaturationEngines({
    state: parseClusterState(fixtureSources('crd-a-v0.0.4', 'controller-v0.0.4', 'shape-a-v0.0.4')),
    pods: [],
  })
  assert.deepEqual(run.variants, [])
  assert.ok(run.queueingModelVariants.length > 0)
  for (const va of run.queueingModelVariants) assert.match(va.why, /v0\.0\.2-v0\.0\.4/)
})

/** Two variants of ibm/granite-8b: cheap L40S and expensive H100, two ready replicas each. */
function granite(extra: Parameters<typeof sourcesOf>[0] = []) {
  return sourcesOf([
    ...clusterFixture('crd-c'),
    ...controllerV051(),
    shapeCVa('granite-l40s', {accelerator: 'L40S', cost: '5'}),
    shapeCVa('granite-h100', {accelerator: 'H100', cost: '20'}),
    deployment('granite-l40s-decode', {replicas: 2}),
    deployment('granite-h100-decode', {replicas: 2}),
    ...extra,
  ])
}
const granitePods = (l40s: [number, number][], h100: [number, number][]) => [
  ...l40s.map(([kv, queue], index) =>
    podMetrics(`granite-l40s-decode-6f-${index}`, kv, queue, {deployment: 'granite-l40s-decode'}),
  ),
  ...h100.map(([kv, queue], index) =>
    podMetrics(`granite-h100-decode-7a-${index}`, kv, queue, {deployment: 'granite-h100-decode'}),
  ),
]

test('hand-built: low spare KV scales up the cheaper variant by one, and the other explains why not', () => {
  const run = runSaturationEngines({
    state: parseClusterState(granite()),
    pods: granitePods(
      [
        [0.78, 0],
        [0.76, 0],
      ],
      [
        [0.7, 0],
        [0.72, 0],
      ],
    ),
  })
  const l40s = variant(run, 'granite-l40s')
  const h100 = variant(run, 'granite-h100')
  assert.deepEqual(
    [writtenTarget(l40s), decisionOf(l40s)?.action, writtenTarget(h100), decisionOf(h100)?.action],
    [3, 'scale-up', 2, 'no-change'],
  )
  assert.deepEqual(saturationSentences(l40s), [
    'scale up granite-l40s by 1 (2 → 3): average spare KV 0.06 < trigger 0.10',
    'the controller moves one variant by one replica per cycle',
  ])
  assert.deepEqual(saturationSentences(h100), [
    'no change: the scale-up goes to cheaper granite-l40s (cost 5.00 vs 20.00 here)',
    'the controller moves one variant by one replica per cycle',
  ])
  assert.equal(analysed(l40s).model?.kvSpareTrigger, 0.1)
  assert.equal(analysed(l40s).enforcement?.outcome.kind, 'kept-has-replicas')
})

test('hand-built: a scale-down that would leave too little spare queue is refused, with the numbers', () => {
  const run = runSaturationEngines({
    state: parseClusterState(granite()),
    pods: granitePods(
      [
        [0.1, 2],
        [0.1, 2],
      ],
      [
        [0.1, 2],
        [0.1, 2],
      ],
    ),
  })
  const h100 = variant(run, 'granite-h100')
  assert.equal(writtenTarget(h100), 2)
  assert.deepEqual(saturationSentences(h100), [
    'no scale-up: average spare KV 0.70 ≥ 0.10 and spare queue 3.0 ≥ 3.0',
    'no scale-down: removing one replica would leave spare queue 2.3 < 3.0',
    'the controller moves one variant by one replica per cycle',
  ])
})

test('hand-built: a safe scale-down takes the most expensive variant', () => {
  const run = runSaturationEngines({
    state: parseClusterState(granite()),
    pods: granitePods(
      [
        [0.1, 0],
        [0.1, 0],
      ],
      [
        [0.1, 0],
        [0.1, 0],
      ],
    ),
  })
  assert.deepEqual([writtenTarget(variant(run, 'granite-h100')), writtenTarget(variant(run, 'granite-l40s'))], [1, 2])
  assert.equal(
    saturationSentences(variant(run, 'granite-h100'))[0],
    'scale down granite-h100 by 1 (2 → 1): removing one replica leaves ' +
      'spare KV 0.67 ≥ 0.10 and spare queue 5.0 ≥ 3.0',
  )
  assert.equal(
    saturationSentences(variant(run, 'granite-l40s'))[0],
    'no change: the scale-down goes to more expensive granite-h100 (cost 20.00 vs 5.00 here)',
  )
})

test('hand-built: threshold overrides replace the configured values field by field', () => {
  const run = runSaturationEngines({
    state: parseClusterState(granite()),
    pods: granitePods(
      [
        [0.5, 0],
        [0.5, 0],
      ],
      [
        [0.5, 0],
        [0.5, 0],
      ],
    ),
    overrides: {kvCacheThreshold: 0.55},
  })
  assert.deepEqual(run.groups[0]!.thresholds, {
    kvCacheThreshold: 0.55,
    queueLengthThreshold: 5,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
  })
  assert.deepEqual(run.groups[0]!.overriddenThresholds, ['kvCacheThreshold'])
  assert.equal(decisionOf(variant(run, 'granite-l40s'))?.action, 'scale-up')
})

test('hand-built: the scale-to-zero override enables it with its own retention and asks for the query', () => {
  const sources = granite()
  assert.deepEqual(planRequestCounts(parseClusterState(sources)), [])
  const queries = planRequestCounts(parseClusterState(sources), {scaleToZero: true, retention: '5m'})
  assert.deepEqual(
    queries.map((query) => query.promql),
    ['sum(increase(vllm:request_success_total{namespace="llm",model_name="ibm/granite-8b"}[5m]))'],
  )
  const run = runSaturationEngines({
    state: parseClusterState(sources),
    pods: granitePods(
      [
        [0.1, 0],
        [0.1, 0],
      ],
      [
        [0.1, 0],
        [0.1, 0],
      ],
    ),
    requestCounts: new Map([[requestCountKey('llm', 'ibm/granite-8b'), 0]]),
    overrides: {scaleToZero: true, retention: '5m'},
  })
  assert.deepEqual(
    run.variants.map((result) => writtenTarget(result)),
    [0, 0],
  )
})

test('hand-built: every skip reason is reported with a sentence, and the others still get decisions', () => {
  const sources = granite([
    // No accelerator label: analysed, but the controller never writes the target.
    shapeCVa('granite-nolabel', {accelerator: null, cost: '30'}),
    deployment('granite-nolabel-decode', {replicas: 1}),
    // Scaled to zero: left to scale-from-zero.
    shapeCVa('granite-idle', {cost: '1'}),
    deployment('granite-idle-decode', {replicas: 0}),
    // Two VAs on one Deployment.
    shapeCVa('shared-a', {modelID: 'org/shared', deployment: 'shared'}),
    shapeCVa('shared-b', {modelID: 'org/shared', deployment: 'shared'}),
    deployment('shared', {replicas: 1}),
    // Deployment missing.
    shapeCVa('ghost', {modelID: 'org/ghost'}),
    // A model in a namespace whose only pods report nothing.
    shapeCVa('quiet', {namespace: 'quiet-ns', modelID: 'org/quiet'}),
    deployment('quiet-decode', {namespace: 'quiet-ns', replicas: 1}),
  ])
  const pods = [
    ...granitePods(
      [
        [0.3, 0],
        [0.3, 0],
      ],
      [
        [0.3, 0],
        [0.3, 0],
      ],
    ),
    podMetrics('granite-nolabel-decode-1-x', 0.3, 0, {deployment: 'granite-nolabel-decode'}),
    podMetrics('shared-1-x', 0.3, 0, {modelID: 'org/shared', deployment: 'shared'}),
    podMetrics('stray-1-x', 0.3, 0, {deployment: 'not-autoscaled'}),
    podMetrics('quiet-decode-1-x', undefined, undefined, {
      namespace: 'quiet-ns',
      modelID: 'org/quiet',
      deployment: 'quiet-decode',
    }),
  ]
  const run = runSaturationEngines({state: parseClusterState(sources), pods})
  const skips = Object.fromEntries(run.variants.map((result) => [result.name, skipOf(result)?.kind]))
  assert.deepEqual(skips, {
    'granite-h100': undefined,
    'granite-idle': 'deployment-at-zero',
    'granite-l40s': undefined,
    'granite-nolabel': 'no-accelerator-label',
    ghost: 'deployment-not-found',
    quiet: 'no-metrics',
    'shared-a': 'shared-deployment',
    'shared-b': 'shared-deployment',
  })
  assert.equal(writtenTarget(variant(run, 'granite-nolabel')), undefined)
  assert.equal(computedTarget(variant(run, 'granite-nolabel')), 1)
  assert.equal(
    saturationSentences(variant(run, 'granite-nolabel'))[0],
    'the controller computes 1 but never writes it: label inference.optimization/acceleratorName is missing',
  )
  assert.equal(
    saturationSentences(variant(run, 'granite-idle'))[0],
    'not analysed: Deployment granite-idle-decode is at 0 replicas; the v0.5 scale-from-zero engine scales ' +
      'it to 1 once the EPP queues requests for ibm/granite-8b',
  )
  assert.equal(
    saturationSentences(variant(run, 'shared-a'))[0],
    'skipped: VAs shared-a and shared-b all target Deployment shared, so the v0.5 controller cannot map its ' +
      'pods (upstream issue #948); its desired replicas stay unset',
  )
  assert.equal(saturationSentences(variant(run, 'ghost'))[0], 'skipped: Deployment ghost-decode not found in llm')
  assert.equal(
    saturationSentences(variant(run, 'quiet'))[0],
    'no decision: no pod of org/quiet in quiet-ns reported KV-cache or queue metrics, so the controller ' +
      'skips the model; its desired replicas stay unset',
  )
  assert.deepEqual(variant(run, 'quiet').pods, [
    {
      pod: 'quiet-decode-1-x',
      kvCacheUsage: undefined,
      queueLength: undefined,
      isSaturated: undefined,
      missing: ['kvCacheUsage', 'queueLength'],
    },
  ])
  assert.deepEqual(run.sharedDeployments, [
    {namespace: 'llm', deployment: 'shared', variantAutoscalings: ['shared-a', 'shared-b']},
  ])
  assert.deepEqual(
    run.podsOfUnknownDeployments.map((assignment) => [assignment.pod.name, assignment.unassignedReason]),
    [['stray-1-x', 'no VA targets Deployment not-autoscaled']],
  )
  // The label-less VA (cost 30, one replica) still takes part: the scale-down passes over it to granite-h100.
  assert.equal(writtenTarget(variant(run, 'granite-h100')), 1)
})

test('hand-built: no saturation ConfigMap skips the model, unless all four thresholds are overridden', () => {
  const objects = [
    ...clusterFixture('crd-c'),
    ...controllerV051().filter((object) => object.kind !== 'ConfigMap'),
    shapeCVa('g', {cost: '5'}),
    deployment('g-decode', {replicas: 1}),
  ]
  const pods = [podMetrics('g-decode-1-x', 0.9, 0, {deployment: 'g-decode'})]
  const skipped = runSaturationEngines({state: parseClusterState(sourcesOf(objects)), pods})
  assert.equal(skipOf(variant(skipped, 'g'))?.kind, 'no-config')
  assert.deepEqual(
    skipped.groups.map((group) => [group.status, group.thresholds, group.outcome, variant(skipped, 'g').outcome]),
    [['no-config', undefined, undefined, 'skipped']],
  )
  assert.equal(
    saturationSentences(variant(skipped, 'g'))[0],
    'skipped: no saturation config (ConfigMap wva-saturation-scaling-config not found in wva-system or llm); ' +
      'the controller skips model ibm/granite-8b',
  )
  const overridden = runSaturationEngines({
    state: parseClusterState(sourcesOf(objects)),
    pods,
    overrides: {kvCacheThreshold: 0.8, queueLengthThreshold: 5, kvSpareTrigger: 0.1, queueSpareTrigger: 3},
  })
  assert.equal(writtenTarget(variant(overridden, 'g')), 2)
})

test('hand-built: invalid config entries are reported with ConfigMap, key and field', () => {
  const sources = granite([
    configMap('wva-saturation-scaling-config', 'llm', {default: 'kvCacheThreshold: 0.8\nkvSpareTrigger: 1.2\n'}),
  ])
  const run = runSaturationEngines({state: parseClusterState(sources), pods: granitePods([[0.3, 0]], [[0.3, 0]])})
  assert.deepEqual(run.configProblems, [
    {
      namespace: 'llm',
      configMap: 'wva-saturation-scaling-config',
      key: 'default',
      field: 'kvSpareTrigger',
      message: 'kvSpareTrigger must be between 0 and 1, got 1.20; the controller ignores the entry',
    },
  ])
  assert.equal(skipOf(variant(run, 'granite-l40s'))?.kind, 'no-config')
})

test('v0.4.2: VAs are grouped by model alone and only the first VA namespace is read', () => {
  const sources = sourcesOf([
    ...clusterFixture('crd-a-v0.4.2', 'controller-v0.4.2'),
    shapeAVa('llama-a', {namespace: 'a-team', cost: '10'}),
    deployment('llama-a', {namespace: 'a-team', replicas: 1}),
    shapeAVa('llama-b', {namespace: 'b-team', cost: '10'}),
    deployment('llama-b', {namespace: 'b-team', replicas: 1}),
    shapeAVa('nocost', {cost: null, modelID: 'org/x'}),
    deployment('nocost', {replicas: 1}),
  ])
  const run = runSaturationEngines({
    state: parseClusterState(sources),
    pods: [
      podMetrics('llama-a-5d-a', 0.3, 0, {namespace: 'a-team'}),
      podMetrics('llama-b-5d-b', 0.3, 0, {namespace: 'b-team'}),
      podMetrics('nocost-1-x', 0.3, 0, {modelID: 'org/x'}),
    ],
  })
  assert.deepEqual(
    run.variants.map((result) => [
      result.namespace,
      result.name,
      result.groupKey,
      writtenTarget(result),
      skipOf(result)?.kind,
    ]),
    [
      ['a-team', 'llama-a', 'ibm/granite-8b', 1, undefined],
      ['b-team', 'llama-b', 'ibm/granite-8b', undefined, 'variant-no-metrics'],
      ['llm', 'nocost', 'org/x', undefined, 'no-variant-cost'],
    ],
  )
  assert.match(saturationSentences(variant(run, 'nocost'))[0]!, /spec\.variantCost is empty/)
  assert.equal(
    saturationSentences(run.variants[1]!)[0],
    "no decision: v0.4.2 queries model ibm/granite-8b only in namespace a-team (its first VA's), so this " +
      "VA's pods are never read; its desired replicas stay unset",
  )
})

test('the engine override runs shape C objects through the v0.4.2 capacity rules', () => {
  const run = runSaturationEngines({
    state: parseClusterState(shapeC()),
    pods: [qwenPod(abcde, 0.1, 0)],
    overrides: {engine: 'capacity'},
  })
  const va = variant(run, 'qwen3-va')
  assert.equal(va.engine, 'capacity-v0.4.2')
  assert.equal(va.groupKey, qwen)
  // v0.4.2 bases the target on the one pod reporting, not the two replicas.
  assert.equal(writtenTarget(va), 1)
  assert.ok(
    saturationSentences(va).includes(
      'v0.4.2 counts the 1 pod reporting metrics, not the 2 replicas the Deployment has',
    ),
    saturationSentences(va).join(' | '),
  )
})
