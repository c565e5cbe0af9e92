import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  deriveClusterState,
  filterVariants,
  namespacedKey,
  objectKey,
  parseClusterState,
  sortedVariants,
} from '../../../src/core/model/cluster-state.js'
import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {fixtureSources, sourcesOf} from '../decide/saturation/groups/builders.js'

const va = (namespace: string, name: string, spec: unknown): KubeObject => ({
  apiVersion: 'llmd.ai/v1alpha1',
  kind: 'VariantAutoscaling',
  metadata: {namespace, name},
  spec,
})

test('parseClusterState: the CRD shape, the controller (image tag, env, namespace, release) and every VA, once', () => {
  const state = parseClusterState(fixtureSources('crd-c', 'controller-v0.5.1', 'shape-c'))
  assert.equal(state.crdShape?.shape, 'C')
  assert.equal(state.controllerImageTag, 'v0.5.0')
  assert.equal(state.env, state.config.env)
  assert.equal(state.controllerNamespace, state.sources.controllerDeployment?.metadata?.namespace)
  assert.equal(state.release.release, 'v0.5.0')
  assert.deepEqual(
    state.variants.map((variant) => [variant.key, variant.va.shape, variant.va.modelID]),
    [[namespacedKey('llm', 'qwen3-va'), 'C', 'Qwen/Qwen3-0.6B']],
  )
  assert.equal(state.variants[0]?.object, state.sources.variantAutoscalings[0])
})

test('parseClusterState: the CRD shape wins over the VA fields; without a CRD each VA is read by its own', () => {
  // A bare modelID reads as shape A by its fields; the shape-C CRD makes it C (and so its missing scaleTargetRef a
  // problem of that VA alone).
  const bare = va('llm', 'bare', {modelID: 'm'})
  const withCrd = parseClusterState({...fixtureSources('crd-c'), variantAutoscalings: [bare]})
  assert.equal(withCrd.variants[0]?.va.shape, 'C')
  assert.deepEqual(
    withCrd.variants[0]?.va.problems.map((problem) => problem.path),
    ['spec.scaleTargetRef'],
  )
  const without = parseClusterState(sourcesOf([bare]))
  assert.equal(without.crdShape, undefined)
  assert.equal(without.variants[0]?.va.shape, 'A')
})

test('parseClusterState: one broken VA keeps its problems and hides none of the others', () => {
  const broken = va('b', 'broken', 'not a spec')
  const good = va('a', 'good', {modelID: 'm', scaleTargetRef: {kind: 'Deployment', name: 'd'}})
  const state = parseClusterState(sourcesOf([broken, good, {...good, metadata: {name: 'no-namespace'}}]))
  assert.deepEqual(
    state.variants.map((variant) => [variant.key, variant.va.problems.length > 0]),
    [
      [namespacedKey('b', 'broken'), true],
      [namespacedKey('a', 'good'), false],
      [namespacedKey('default', 'no-namespace'), false],
    ],
  )
  assert.deepEqual(
    sortedVariants(state).map((variant) => variant.va.name),
    ['good', 'broken', 'no-namespace'],
  )
  assert.equal(objectKey(broken), namespacedKey('b', 'broken'))
})

test('deriveClusterState keeps the parse of unchanged VAs and the controller; filterVariants keeps objects', () => {
  const state = parseClusterState(fixtureSources('crd-c', 'controller-v0.5.1', 'shape-c'))
  const object = state.sources.variantAutoscalings[0]!
  const changed: KubeObject = {...object, status: {desiredOptimizedAlloc: {numReplicas: 7}}}

  const same = deriveClusterState(state, {pods: undefined})
  assert.equal(same.variants, state.variants)
  assert.equal(same.config, state.config)
  assert.equal(same.sources.pods, undefined)

  const reused = deriveClusterState(state, {variantAutoscalings: [object]})
  assert.equal(reused.variants[0], state.variants[0])

  const reparsed = deriveClusterState(state, {variantAutoscalings: [changed]})
  assert.notEqual(reparsed.variants[0], state.variants[0])
  assert.equal(reparsed.variants[0]?.va.status.desiredReplicas, 7)
  assert.equal(reparsed.variants[0]?.va.shape, 'C')
  assert.equal(reparsed.config, state.config)

  const none = filterVariants(state, () => false)
  assert.deepEqual(none.variants, [])
  assert.deepEqual(none.sources.variantAutoscalings, [])
  assert.equal(state.variants.length, 1)
})
