import assert from 'node:assert/strict'
import {test} from 'node:test'

import {normalizeVariantAutoscaling} from '../../../../../src/core/model/variant-autoscaling.js'
import {
  buildVariantState,
  gpusPerReplicaOf,
  readDeploymentReplicas,
} from '../../../../../src/core/decide/saturation/groups/variant-state.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'
import {deployment, shapeCVa} from './builders.js'

test('pending replicas are current minus ready, never negative', () => {
  assert.deepEqual(readDeploymentReplicas(deployment('d', {replicas: 3, statusReplicas: 3, ready: 1})), {
    specReplicas: 3,
    statusReplicas: 3,
    currentReplicas: 3,
    readyReplicas: 1,
    pendingReplicas: 2,
    gpusPerReplica: 1,
    isScaledToZero: false,
  })
  assert.equal(readDeploymentReplicas(deployment('d', {replicas: 2, statusReplicas: 2, ready: 3})).pendingReplicas, 0)
})

test('current falls back to spec.replicas while status.replicas is 0', () => {
  const fresh = deployment('d', {replicas: 4, statusReplicas: 0, ready: 0})
  assert.equal(readDeploymentReplicas(fresh).currentReplicas, 4)
  assert.equal(readDeploymentReplicas(fresh).pendingReplicas, 4)
  const atZero = readDeploymentReplicas(deployment('d', {replicas: 0, statusReplicas: 0, ready: 0}))
  assert.equal(atZero.currentReplicas, 0)
  assert.equal(atZero.isScaledToZero, true)
})

test('GPUs per replica sum every vendor over the containers, requests before limits, default 1', () => {
  assert.equal(gpusPerReplicaOf(deployment('d', {gpus: {'nvidia.com/gpu': '2'}})), 2)
  assert.equal(gpusPerReplicaOf(deployment('d', {limits: {'amd.com/gpu': 4}})), 4)
  assert.equal(gpusPerReplicaOf(deployment('d', {gpus: {'nvidia.com/gpu': '2'}, limits: {'nvidia.com/gpu': '8'}})), 2)
  assert.equal(gpusPerReplicaOf(deployment('d', {gpus: {cpu: '4'}})), 1)
  const twoContainers = deployment('d')
  ;(twoContainers.spec as any).template.spec.containers = [
    {name: 'a', resources: {requests: {'nvidia.com/gpu': '1'}}},
    {name: 'b', resources: {limits: {'intel.com/gpu': '2'}}},
  ]
  assert.equal(gpusPerReplicaOf(twoContainers), 3)
})

test('the shape C fixture has one of its two replicas pending and desired 2 from the VA status', () => {
  const objects = clusterFixture('shape-c')
  const va = normalizeVariantAutoscaling(objects.find((object) => object.kind === 'VariantAutoscaling')!)
  const target = objects.find((object) => object.kind === 'Deployment')!
  assert.deepEqual(buildVariantState(va, target), {
    variantName: 'qwen3-va',
    currentReplicas: 2,
    desiredReplicas: 2,
    pendingReplicas: 1,
    gpusPerReplica: 1,
  })
  assert.equal(buildVariantState(normalizeVariantAutoscaling(shapeCVa('v')), deployment('v-decode')).desiredReplicas, 0)
})
