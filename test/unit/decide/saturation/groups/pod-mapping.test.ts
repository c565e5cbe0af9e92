import assert from 'node:assert/strict'
import {test} from 'node:test'

import {normalizeVariantAutoscaling} from '../../../../../src/core/model/variant-autoscaling.js'
import {matchLabelSelector} from '../../../../../src/core/decide/saturation/groups/label-selector.js'
import {mapPodsToVariants, matchNamePrefix} from '../../../../../src/core/decide/saturation/groups/pod-mapping.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'
import {deployment, podMetrics, podObject, replicaSet, shapeAVa, shapeCVa} from './builders.js'

const cVas = (...objects: ReturnType<typeof shapeCVa>[]) => objects.map((object) => normalizeVariantAutoscaling(object))

test('v0.5 follows the owner chain of the shape C fixture: pod, ReplicaSet, Deployment, VA', () => {
  const objects = clusterFixture('shape-c')
  const mapping = mapPodsToVariants({
    rule: 'owner-chain',
    pods: [podMetrics('qwen3-0-6b-decode-7c9d8f6b5d-abcde', 0.5, 1)],
    podObjects: objects.filter((object) => object.kind === 'Pod'),
    replicaSets: objects.filter((object) => object.kind === 'ReplicaSet'),
    deployments: objects.filter((object) => object.kind === 'Deployment'),
    variantAutoscalings: [normalizeVariantAutoscaling(objects[0]!)],
  })
  assert.equal(mapping.usedClusterObjects, true)
  assert.deepEqual(
    mapping.assignments.map(({deployment, method, variantName}) => ({deployment, method, variantName})),
    [{deployment: 'qwen3-0-6b-decode', method: 'owner-chain', variantName: 'qwen3-va'}],
  )
  assert.deepEqual(mapping.podsWithoutMetrics, [
    {
      namespace: 'llm',
      name: 'qwen3-0-6b-decode-7c9d8f6b5d-fghij',
      deployment: 'qwen3-0-6b-decode',
      variantName: 'qwen3-va',
      phase: 'Pending',
    },
  ])
})

test('the owner chain ignores pod names: a pod named like another Deployment still maps through its owners', () => {
  const mapping = mapPodsToVariants({
    rule: 'owner-chain',
    pods: [podMetrics('small-decode-abc-1', 0.5, 0), podMetrics('orphan-1', 0.2, 0), podMetrics('gone-1', 0.1, 0)],
    podObjects: [podObject('small-decode-abc-1', {replicaSet: 'big-decode-rs'}), podObject('orphan-1')],
    replicaSets: [replicaSet('big-decode-rs', 'big-decode')],
    deployments: [deployment('small-decode'), deployment('big-decode')],
    variantAutoscalings: cVas(shapeCVa('small'), shapeCVa('big')),
  })
  assert.deepEqual(
    mapping.assignments.map(({variantName, unassignedReason}) => [variantName, unassignedReason]),
    [
      ['big', undefined],
      [undefined, 'pod has no controller ReplicaSet'],
      [undefined, 'pod not found in the cluster (deleted since Prometheus scraped it?)'],
    ],
  )
  assert.deepEqual(
    mapping.unknownDeploymentPods.map((assignment) => assignment.pod.name),
    ['orphan-1', 'gone-1'],
  )
})

test('two VAs on one Deployment leave its pods unassigned and are reported (upstream issue #948)', () => {
  const mapping = mapPodsToVariants({
    rule: 'owner-chain',
    pods: [podMetrics('shared-abc-1', 0.5, 0)],
    podObjects: [podObject('shared-abc-1', {replicaSet: 'shared-abc'})],
    replicaSets: [replicaSet('shared-abc', 'shared')],
    deployments: [deployment('shared')],
    variantAutoscalings: cVas(shapeCVa('b', {deployment: 'shared'}), shapeCVa('a', {deployment: 'shared'})),
  })
  assert.deepEqual(mapping.sharedDeployments, [
    {namespace: 'llm', deployment: 'shared', variantAutoscalings: ['a', 'b']},
  ])
  assert.equal(mapping.assignments[0]!.variantName, undefined)
  assert.equal(mapping.assignments[0]!.unassignedReason, 'VAs a, b all target Deployment shared')
})

test('v0.4 selects pods with the Deployment selector, including matchExpressions', () => {
  const selector = {
    matchLabels: {app: 'llama'},
    matchExpressions: [
      {key: 'role', operator: 'In', values: ['decode']},
      {key: 'canary', operator: 'DoesNotExist'},
    ],
  }
  const mapping = mapPodsToVariants({
    rule: 'selector',
    pods: [podMetrics('x-1', 0.3, 0), podMetrics('x-2', 0.3, 0), podMetrics('llama-h100-zz', 0.3, 0)],
    podObjects: [
      podObject('x-1', {labels: {app: 'llama', role: 'decode'}}),
      podObject('x-2', {labels: {app: 'llama', role: 'decode', canary: 'yes'}}),
    ],
    deployments: [deployment('llama-h100', {selector})],
    variantAutoscalings: [normalizeVariantAutoscaling(shapeAVa('llama-h100'), 'A')],
  })
  assert.deepEqual(
    mapping.assignments.map(({method, variantName}) => [method, variantName]),
    [
      ['selector', 'llama-h100'],
      [undefined, undefined],
      ['name-prefix', 'llama-h100'],
    ],
  )
})

test('label selectors as Kubernetes: NotIn accepts a missing key, Exists needs it, bad operators match none', () => {
  const notIn = {matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['cpu']}]}
  assert.equal(matchLabelSelector(notIn, {}).kind, 'matches')
  assert.equal(matchLabelSelector(notIn, {tier: 'cpu'}).kind, 'no-match')
  assert.equal(matchLabelSelector({matchExpressions: [{key: 'tier', operator: 'Exists'}]}, {}).kind, 'no-match')
  assert.equal(matchLabelSelector({}, {any: 'thing'}).kind, 'matches')
  assert.equal(matchLabelSelector(undefined, {}).kind, 'invalid')
  assert.equal(
    matchLabelSelector({matchExpressions: [{key: 'a', operator: 'Gt', values: ['1']}]}, {a: '2'}).kind,
    'invalid',
  )
})

test('the name-prefix fallback takes the longest Deployment name followed by a dash', () => {
  assert.equal(
    matchNamePrefix('llama-8b-h100-7c9d-abcde', ['llama-8b', 'llama-8b-h100', 'llama-8b-h1']),
    'llama-8b-h100',
  )
  assert.equal(matchNamePrefix('llama-8b', ['llama-8b']), undefined)
})

test('offline, a snapshot pod maps through its deployment field, else through the name prefix', () => {
  const mapping = mapPodsToVariants({
    rule: 'owner-chain',
    pods: [
      podMetrics('p-1', 0.5, 1, {deployment: 'big-decode'}),
      podMetrics('small-decode-7c-x', 0.5, 1),
      podMetrics('stray', 0.1, 0),
    ],
    deployments: [deployment('small-decode'), deployment('big-decode')],
    variantAutoscalings: cVas(shapeCVa('small'), shapeCVa('big')),
  })
  assert.equal(mapping.usedClusterObjects, false)
  assert.deepEqual(
    mapping.assignments.map(({method, variantName}) => [method, variantName]),
    [
      ['snapshot-deployment', 'big'],
      ['name-prefix', 'small'],
      [undefined, undefined],
    ],
  )
  assert.deepEqual(mapping.podsWithoutMetrics, [])
})

test('pods without ReplicaSets fall back to the offline rules even for v0.5', () => {
  const mapping = mapPodsToVariants({
    rule: 'owner-chain',
    pods: [podMetrics('small-decode-7c-x', 0.5, 1)],
    podObjects: [podObject('small-decode-7c-x', {replicaSet: 'small-decode-7c'})],
    deployments: [deployment('small-decode')],
    variantAutoscalings: cVas(shapeCVa('small')),
  })
  assert.equal(mapping.assignments[0]!.method, 'name-prefix')
})
