import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import type {SourceSet} from '../../../src/core/model/sources.js'
import {resolveWvaInstallation, variantObject, withWvaInstallation} from '../../../src/core/model/wva-installation.js'

function controller(tag: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'workload-variant-autoscaler-controller-manager', namespace: 'wva-system'},
    spec: {template: {spec: {containers: [{name: 'manager', image: `ghcr.io/llm-d/wva:${tag}`}]}}},
  }
}

const va: KubeObject = {
  apiVersion: 'llmd.ai/v1alpha1',
  kind: 'VariantAutoscaling',
  metadata: {name: 'llama-h100', namespace: 'llm'},
  spec: {scaleTargetRef: {kind: 'Deployment', name: 'llama-h100'}, modelID: 'meta/llama', maxReplicas: 3},
}

const hpa: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: {
    name: 'llama-a100',
    namespace: 'llm',
    annotations: {'llm-d.ai/managed': 'true', 'llm-d.ai/model-id': 'meta/llama'},
  },
  spec: {scaleTargetRef: {name: 'llama-a100'}, maxReplicas: 5},
}

function sources(extra: Partial<SourceSet>): SourceSet {
  return {variantAutoscalings: [], deployments: [], configMaps: [], metricsSnapshots: [], warnings: [], ...extra}
}

test('before v0.6 there is no v0.6+ installation: the old pipeline keeps the VAs', () => {
  const old = sources({variantAutoscalings: [va], controllerDeployment: controller('v0.5.1')})
  assert.equal(resolveWvaInstallation(old), undefined)
  assert.equal(withWvaInstallation(old), old)
})

test('v0.7 reads its VAs; v0.8 reads VAs and annotated scalers; v0.9 only scalers', () => {
  const v07 = resolveWvaInstallation(sources({variantAutoscalings: [va], controllerDeployment: controller('v0.7.0')}))
  assert.equal(v07?.release, 'v0.7')
  assert.deepEqual(
    v07?.variants.map((variant) => variant.name),
    ['llama-h100'],
  )
  const mixed = {variantAutoscalings: [va], scalers: [hpa]}
  const v08 = resolveWvaInstallation(sources({...mixed, controllerDeployment: controller('v0.8.0')}))
  assert.deepEqual(
    v08?.variants.map((variant) => `${variant.kind}/${variant.name}`),
    ['HorizontalPodAutoscaler/llama-a100', 'VariantAutoscaling/llama-h100'],
  )
  assert.deepEqual(v08?.objects, [hpa, va])
  const v09 = resolveWvaInstallation(sources({...mixed, controllerDeployment: controller('v0.9.0')}))
  assert.deepEqual(
    v09?.variants.map((variant) => variant.name),
    ['llama-a100'],
  )
  assert.match(v09?.notes[0] ?? '', /v0\.9 reads only annotated HPAs and ScaledObjects/)
})

test('without a tag, no VA CRD and annotated scalers mean v0.8-v0.9: the latest is replayed and said so', () => {
  const installation = resolveWvaInstallation(sources({scalers: [hpa]}), {crdMissing: true})
  assert.equal(installation?.release, 'v0.9')
  assert.deepEqual(installation?.notes, ["WVA release v0.8-v0.9 (from the cluster's evidence); replaying v0.9"])
})

test('the in-memory VA of a scaler carries its bounds and no decision; a bad scaler is a problem', () => {
  const bad: KubeObject = {...hpa, metadata: {...hpa.metadata, name: 'bad', annotations: {'llm-d.ai/managed': 'true'}}}
  const result = withWvaInstallation(sources({scalers: [hpa, bad], controllerDeployment: controller('v0.9.0')}))
  assert.equal(result.variantAutoscalings.length, 1)
  const object = result.variantAutoscalings[0]!
  assert.deepEqual(object.spec, {
    scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-a100'},
    modelID: 'meta/llama',
    variantCost: '10.0',
    minReplicas: 1,
    maxReplicas: 5,
  })
  assert.deepEqual(object.status, {desiredOptimizedAlloc: {}, conditions: []})
  assert.deepEqual(
    result.problems?.map((problem) => problem.source),
    ['horizontalpodautoscaler llm/bad'],
  )
  assert.equal(
    variantObject(result.wva!.variants[0]!).metadata?.annotations?.['kubectl-va.llmd.ai/variant-kind'],
    'HorizontalPodAutoscaler',
  )
})
