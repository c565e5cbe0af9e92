import assert from 'node:assert/strict'
import {test} from 'node:test'

import {detectCrdShape, detectObjectShape} from '../../../src/core/model/shape.js'
import {clusterFixture} from '../../support/kube-fixtures.js'

const crd = (name: string) => clusterFixture(name)[0]

test('the CRD schema tells each shape and shape-A release apart', () => {
  assert.deepEqual(detectCrdShape(crd('crd-a-v0.0.4')), {shape: 'A', release: 'v0.0.2-v0.0.4', hasReplicaBounds: false})
  assert.deepEqual(detectCrdShape(crd('crd-a-v0.4.2')), {shape: 'A', release: 'v0.4.x', hasReplicaBounds: false})
  assert.deepEqual(detectCrdShape(crd('crd-b0')), {shape: 'B0', hasReplicaBounds: false})
  assert.deepEqual(detectCrdShape(crd('crd-b1')), {shape: 'B1', hasReplicaBounds: true})
  assert.deepEqual(detectCrdShape(crd('crd-c')), {shape: 'C', hasReplicaBounds: false})
})

test('shape-A releases follow the recipe: no conditions is v0.0.1, variantCost with sloClassRef is v0.0.5', () => {
  const schema = (spec: string[], status: string[]) => ({
    spec: {
      versions: [
        {
          name: 'v1alpha1',
          schema: {
            openAPIV3Schema: {
              properties: {
                spec: {properties: Object.fromEntries(spec.map((field) => [field, {}]))},
                status: {properties: Object.fromEntries(status.map((field) => [field, {}]))},
              },
            },
          },
        },
      ],
    },
  })
  assert.equal(detectCrdShape(schema(['modelID', 'modelProfile', 'sloClassRef'], ['currentAlloc']))?.release, 'v0.0.1')
  assert.equal(
    detectCrdShape(schema(['modelID', 'modelProfile', 'sloClassRef', 'variantCost'], ['conditions']))?.release,
    'v0.0.5',
  )
  assert.deepEqual(detectCrdShape(schema(['modelID', 'variantID', 'scaleTargetRef', 'minReplicas'], [])), {
    shape: 'B2',
    hasReplicaBounds: true,
  })
  assert.deepEqual(detectCrdShape(schema(['modelID', 'scaleTargetRef', 'minReplicas', 'maxReplicas'], [])), {
    shape: 'C',
    hasReplicaBounds: true,
  })
  assert.equal(detectCrdShape(schema(['somethingElse'], [])), undefined)
  assert.equal(detectCrdShape(undefined), undefined)
})

test('each fixture VA is recognised from its own fields', () => {
  const vaShape = (file: string) =>
    clusterFixture(file)
      .filter((object) => object.kind === 'VariantAutoscaling')
      .map(detectObjectShape)
  assert.deepEqual(vaShape('shape-a-v0.0.4'), ['A', 'A'])
  assert.deepEqual(vaShape('shape-a-v0.4.2'), ['A'])
  assert.deepEqual(vaShape('shape-b0'), ['B0'])
  assert.deepEqual(vaShape('shape-b1'), ['B1'])
  assert.deepEqual(vaShape('shape-c'), ['C'])
})

test('per-object detection covers B2, the bare A of the v0.4.x chart, and objects without a spec', () => {
  assert.equal(
    detectObjectShape({spec: {modelID: 'm', variantID: 'm-A100-1', scaleTargetRef: {kind: 'Deployment', name: 'd'}}}),
    'B2',
  )
  assert.equal(detectObjectShape({spec: {modelID: 'm', variantCost: '10.0'}}), 'A')
  // B1's CRD defaults minReplicas, so a B object served without it comes from a B0 cluster.
  assert.equal(detectObjectShape({spec: {modelID: 'm', variantID: 'm-A100-1'}}), 'B0')
  assert.equal(detectObjectShape({spec: {modelID: 'm', variantID: 'm-A100-1', minReplicas: 0}}), 'B1')
  assert.equal(detectObjectShape({metadata: {name: 'x'}}), undefined)
})
