// The seams of the split run: the overrides, the planned groups, a group's engine feed, and the tagged results.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import {feedGroup, memberSkip, parseVariantCost} from '../../../../../src/core/decide/saturation/groups/engine-input.js'
import {
  applyScaleToZeroOverrides,
  applyThresholdOverrides,
} from '../../../../../src/core/decide/saturation/groups/overrides.js'
import {
  collectQueries,
  createRunPlanner,
  groupKeyOf,
  planRun,
  requestCountKey,
} from '../../../../../src/core/decide/saturation/groups/plan-groups.js'
import {deploymentKey} from '../../../../../src/core/decide/saturation/groups/pod-mapping.js'
import {runSaturationEngines} from '../../../../../src/core/decide/saturation/groups/run-groups.js'
import {
  computedTarget,
  decisionOf,
  isAnalysed,
  podRow,
  skipOf,
  writtenTarget,
} from '../../../../../src/core/decide/saturation/groups/variant-result.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'
import {controllerV051, deployment, podMetrics, shapeAVa, shapeCVa, sourcesOf} from './builders.js'
import {parseClusterState} from '../../../../../src/core/model/cluster-state.js'

const thresholds = {kvCacheThreshold: 0.8, queueLengthThreshold: 5, kvSpareTrigger: 0.1, queueSpareTrigger: 3}

test('threshold overrides: field by field over a config; without one, only a complete set runs', () => {
  assert.deepEqual(applyThresholdOverrides(thresholds, {kvSpareTrigger: 0.2}), {
    thresholds: {...thresholds, kvSpareTrigger: 0.2},
    overridden: ['kvSpareTrigger'],
  })
  assert.deepEqual(applyThresholdOverrides(undefined, {kvSpareTrigger: 0.2}), {
    thresholds: undefined,
    overridden: ['kvSpareTrigger'],
  })
  assert.deepEqual(applyThresholdOverrides(undefined, thresholds), {
    thresholds,
    overridden: ['kvCacheThreshold', 'queueLengthThreshold', 'kvSpareTrigger', 'queueSpareTrigger'],
  })
  assert.deepEqual(applyThresholdOverrides(thresholds, {}), {thresholds, overridden: []})
})

test('scale-to-zero overrides force the model entry and leave the config given untouched', () => {
  const config = {'org/m': {modelId: 'org/m', enableScaleToZero: false, retentionPeriod: '10m'}}
  assert.equal(applyScaleToZeroOverrides(config, 'org/m', {}), config)
  const forced = applyScaleToZeroOverrides(config, 'org/m', {scaleToZero: true})
  assert.deepEqual(forced['org/m'], {modelId: 'org/m', enableScaleToZero: true, retentionPeriod: '10m'})
  assert.equal(config['org/m'].enableScaleToZero, false)
  const other = applyScaleToZeroOverrides(config, 'org/other', {retention: '5m'})
  assert.deepEqual(other['org/other'], {modelId: 'org/other', enableScaleToZero: undefined, retentionPeriod: '5m'})
  assert.deepEqual(other['org/m'], config['org/m'])
})

/** Two v0.5.1 models in llm (one without a Deployment), one in other-ns, and an invalid VA. */
function mixed() {
  return sourcesOf([
    ...clusterFixture('crd-c'),
    ...controllerV051(),
    shapeCVa('a', {cost: '5'}),
    shapeCVa('b', {cost: '20', accelerator: null}),
    deployment('a-decode', {replicas: 2}),
    deployment('b-decode', {replicas: 1}),
    shapeCVa('ghost', {modelID: 'org/ghost'}),
    shapeCVa('elsewhere', {namespace: 'other-ns'}),
    deployment('elsewhere-decode', {namespace: 'other-ns', replicas: 1}),
  ])
}

test('planRun: v0.5.1 groups by model and namespace; excluded VAs join no group', () => {
  const plan = planRun(parseClusterState(mixed()), {})
  assert.deepEqual(
    plan.groups.map((group) => [group.key, group.members.map((member) => member.va.name), group.config.kind]),
    [
      ['ibm/granite-8b|llm', ['a', 'b'], 'ok'],
      ['ibm/granite-8b|other-ns', ['elsewhere'], 'ok'],
    ],
  )
  const ghost = plan.members.find((member) => member.va.name === 'ghost')
  assert.deepEqual(ghost?.exclusion, {kind: 'deployment-not-found', deployment: 'ghost-decode'})
  assert.equal(groupKeyOf('capacity-v0.4.2', plan.members[0]!.va), 'ibm/granite-8b')
  assert.equal(groupKeyOf('saturation-v0.5.1', plan.members[0]!.va), 'ibm/granite-8b|llm')
})

test('createRunPlanner.withReplicas: typed replicas re-plan exclusions and groups; the config is resolved once', () => {
  const planner = createRunPlanner(parseClusterState(mixed()), {})
  assert.deepEqual(planner.base, planRun(parseClusterState(mixed()), {}))
  const plan = planner.withReplicas({
    deployments: new Map([
      [deploymentKey('llm', 'a-decode'), {replicas: 0, readyReplicas: 0}],
      [deploymentKey('llm', 'b-decode'), {replicas: 4, readyReplicas: 3}],
    ]),
    desired: new Map([[deploymentKey('llm', 'b'), 5]]),
  })
  const a = plan.members.find((member) => member.va.name === 'a')
  const b = plan.members.find((member) => member.va.name === 'b')
  assert.deepEqual(a?.exclusion, {kind: 'deployment-at-zero', deployment: 'a-decode'})
  assert.deepEqual(
    [b?.replicas?.currentReplicas, b?.replicas?.readyReplicas, b?.replicas?.pendingReplicas, b?.desiredReplicas],
    [4, 3, 1, 5],
  )
  assert.deepEqual(
    plan.groups.map((group) => [group.key, group.members.map((member) => member.va.name)]),
    [
      ['ibm/granite-8b|llm', ['b']],
      ['ibm/granite-8b|other-ns', ['elsewhere']],
    ],
  )
  assert.equal(plan.groups[0]!.config, planner.base.groups[0]!.config)
  // Back to the replicas as read: the base plan again.
  assert.deepEqual(
    planner.withReplicas({deployments: new Map(), desired: new Map()}).groups.map((group) => group.members.length),
    [2, 1],
  )
})

test('collectQueries: one request-count query per namespace and model, none for a group without config', () => {
  const plan = planRun(parseClusterState(mixed()), {scaleToZero: true})
  assert.deepEqual(
    collectQueries(plan.groups).map((query) => requestCountKey(query.namespace, query.modelId)),
    [requestCountKey('llm', 'ibm/granite-8b'), requestCountKey('other-ns', 'ibm/granite-8b')],
  )
  const noConfig = plan.groups.map((group) => ({
    ...group,
    config: {kind: 'no-config', skip: {kind: 'no-config', reason: 'test'}} as const,
  }))
  assert.deepEqual(collectQueries(noConfig), [])
})

test('feedGroup: pods in collector order, silent pods not fed, readings scaled by the load model', () => {
  const plan = planRun(parseClusterState(mixed()), {})
  const group = plan.groups[0]!
  const pods = [
    podMetrics('b-decode-1-x', 0.4, 1, {deployment: 'b-decode'}),
    podMetrics('a-decode-1-x', 0.2, 0, {deployment: 'a-decode'}),
    podMetrics('a-decode-1-y', undefined, undefined, {deployment: 'a-decode'}),
  ]
  const assignments = pods.map((pod) => ({
    pod,
    deployment: pod.deployment,
    method: 'owner-chain' as const,
    variantName: pod.deployment?.replace(/-decode$/, ''),
    unassignedReason: undefined,
  }))
  const plain = feedGroup(group, {metricsSnapshots: []}, assignments, new Map())
  assert.deepEqual(
    plain.replicaMetrics.map((metric) => [metric.podName, metric.variantName, metric.kvCacheUsage, metric.cost]),
    [
      ['b-decode-1-x', 'b', 0.4, 20],
      ['a-decode-1-x', 'a', 0.2, 5],
    ],
  )
  assert.deepEqual(
    plain.variantStates.map((state) => [state.variantName, state.currentReplicas]),
    [
      ['a', 2],
      ['b', 1],
    ],
  )
  assert.equal(plain.load, undefined)
  const load = new Map([[requestCountKey('llm', 'ibm/granite-8b'), {scale: 2, observedRateRpm: undefined}]])
  const doubled = feedGroup(group, {metricsSnapshots: [], load}, assignments, new Map())
  assert.deepEqual(
    doubled.replicaMetrics.map((metric) => metric.kvCacheUsage),
    [0.8, 0.4],
  )
  assert.deepEqual(
    doubled.load?.demands.map((entry) => entry.variantName),
    ['b', 'a'],
  )
  // A VA on a shared Deployment keeps its state but feeds no pods.
  const member = group.members[1]!
  const shared = new Map([
    [`llm\u0000${member.va.name}`, {namespace: 'llm', deployment: 'b-decode', variantAutoscalings: ['b', 'c']}],
  ])
  assert.equal(memberSkip(group, member, shared)?.kind, 'shared-deployment')
  const withShared = feedGroup(group, {metricsSnapshots: []}, assignments, shared)
  assert.deepEqual(
    withShared.replicaMetrics.map((metric) => metric.variantName),
    ['a'],
  )
  assert.equal(withShared.variantStates.length, 2)
})

test('parseVariantCost: Go decimal forms, else the fallback 10', () => {
  assert.deepEqual(
    ['5', '2.5', '.5', '1e1', '+3', undefined, 'ten', ''].map(parseVariantCost),
    [5, 2.5, 0.5, 10, 3, 10, 10, 10],
  )
})

test('every outcome is tagged: decided, unwritten, undecided, skipped, invalid, and only decided has no skip', () => {
  const sources = sourcesOf([
    ...mixed().variantAutoscalings,
    ...clusterFixture('crd-c'),
    ...controllerV051(),
    deployment('a-decode', {replicas: 2}),
    deployment('b-decode', {replicas: 1}),
    deployment('elsewhere-decode', {namespace: 'other-ns', replicas: 1}),
    // modelID must be a string: the VA is invalid.
    {
      ...shapeCVa('broken', {cost: '5'}),
      spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'broken-decode'}, modelID: 42},
    },
  ])
  const run = runSaturationEngines({
    state: parseClusterState(sources),
    pods: [
      podMetrics('a-decode-1-x', 0.2, 0, {deployment: 'a-decode'}),
      podMetrics('b-decode-1-x', 0.2, 0, {deployment: 'b-decode'}),
    ],
  })
  const outcomes = Object.fromEntries(run.variants.map((result) => [result.name, result.outcome]))
  assert.deepEqual(
    run.groups.map((group) => [group.key, group.status, group.skip?.kind]),
    [
      ['ibm/granite-8b|llm', 'ran', undefined],
      ['ibm/granite-8b|other-ns', 'ran', 'no-metrics'],
    ],
  )
  assert.deepEqual(outcomes, {
    a: 'decided',
    b: 'unwritten',
    broken: 'invalid',
    elsewhere: 'undecided',
    ghost: 'skipped',
  })
  for (const result of run.variants) {
    assert.equal('skip' in result, result.outcome !== 'decided', result.name)
    assert.equal(skipOf(result) === undefined, result.outcome === 'decided', result.name)
    assert.equal(isAnalysed(result), ['decided', 'unwritten', 'undecided'].includes(result.outcome), result.name)
    if (!isAnalysed(result)) assert.deepEqual(result.pods, [], result.name)
  }
  const a = run.variants.find((result) => result.name === 'a')!
  const b = run.variants.find((result) => result.name === 'b')!
  assert.equal(writtenTarget(a), computedTarget(a))
  assert.equal(writtenTarget(b), undefined)
  assert.equal(typeof computedTarget(b), 'number')
  assert.equal(decisionOf(b)?.decisionReason.startsWith('saturation-only mode'), true)
  assert.equal(skipOf(run.variants.find((result) => result.name === 'elsewhere')!)?.kind, 'no-metrics')
  assert.equal(skipOf(run.variants.find((result) => result.name === 'broken')!)?.kind, 'invalid-va')
})

test('podRow: missing readings are 0 as fed, a pod with neither is dropped, the queue is truncated', () => {
  assert.deepEqual(podRow({namespace: 'llm', name: 'p', kvCacheUsage: 0.5, queueLength: 2.7}, true), {
    pod: 'p',
    kvCacheUsage: 0.5,
    queueLength: 2,
    isSaturated: true,
    missing: [],
  })
  assert.deepEqual(podRow({namespace: 'llm', name: 'p', kvCacheUsage: undefined, queueLength: 1}, false), {
    pod: 'p',
    kvCacheUsage: 0,
    queueLength: 1,
    isSaturated: false,
    missing: ['kvCacheUsage'],
  })
  assert.deepEqual(podRow({namespace: 'llm', name: 'p', kvCacheUsage: undefined, queueLength: undefined}, undefined), {
    pod: 'p',
    kvCacheUsage: undefined,
    queueLength: undefined,
    isSaturated: undefined,
    missing: ['kvCacheUsage', 'queueLength'],
  })
})

test('capacity v0.4.2 reads a model only in its first VA namespace: a later namespace gets no pods', () => {
  const sources = sourcesOf([
    ...clusterFixture('crd-a-v0.4.2', 'controller-v0.4.2'),
    shapeAVa('first', {namespace: 'a-ns'}),
    shapeAVa('second', {namespace: 'b-ns'}),
    deployment('first', {namespace: 'a-ns'}),
    deployment('second', {namespace: 'b-ns'}),
  ])
  const plan = planRun(parseClusterState(sources), {})
  assert.deepEqual(
    plan.groups.map((group) => [group.key, group.namespace, group.members.length]),
    [['ibm/granite-8b', 'a-ns', 2]],
  )
})
