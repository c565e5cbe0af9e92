import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  parseReleaseTag,
  readControllerEnv,
  readControllerImageTag,
  type ControllerEnv,
} from '../../../src/core/model/controller.js'
import {detectCrdShape} from '../../../src/core/model/shape.js'
import {normalizeVariantAutoscaling} from '../../../src/core/model/variant-autoscaling.js'
import {selectEngine} from '../../../src/core/decide/engine-select.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {shapeAVa, shapeCVa} from './saturation/groups/builders.js'

const crd = (name: string) => detectCrdShape(clusterFixture(name)[0])
const env = (hybridOptimization?: string): ControllerEnv => ({referencedConfigMaps: [], hybridOptimization})
const vaOf = (fixture: string) =>
  normalizeVariantAutoscaling(clusterFixture(fixture).find((object) => object.kind === 'VariantAutoscaling')!)

test('each CRD shape and release picks the engine its controller runs', () => {
  const cases: Array<[string, string, string]> = [
    ['crd-a-v0.0.4', 'shape-a-v0.0.4', 'queueing-model'],
    ['crd-a-v0.4.2', 'shape-a-v0.4.2', 'capacity-v0.4.2'],
    ['crd-b0', 'shape-b0', 'queueing-model'],
    ['crd-b1', 'shape-b1', 'queueing-model'],
    ['crd-c', 'shape-c', 'saturation-v0.5.1'],
  ]
  for (const [crdName, vaName, engine] of cases) {
    assert.equal(selectEngine(vaOf(vaName), {crdShape: crd(crdName), env: env()}).engine, engine, crdName)
  }
})

test('the hybrid flag sends shape A v0.4.x to the queueing model only when it is exactly on or model-only', () => {
  const va = vaOf('shape-a-v0.4.2')
  const crdShape = crd('crd-a-v0.4.2')
  assert.equal(selectEngine(va, {crdShape, env: env('on')}).engine, 'queueing-model')
  assert.equal(selectEngine(va, {crdShape, env: env('model-only')}).engine, 'queueing-model')
  const helmBoolean = selectEngine(va, {crdShape, env: env('true')})
  assert.equal(helmBoolean.engine, 'capacity-v0.4.2')
  assert.equal(
    helmBoolean.why,
    'the CRD schema is shape A v0.4.x, and EXPERIMENTAL_HYBRID_OPTIMIZATION is "true", which is not on or model-only',
  )
  assert.equal(selectEngine(va, {crdShape, env: env('off')}).engine, 'capacity-v0.4.2')
  // v0.0.1-v0.0.4 only have the queueing model, whatever the flag says.
  assert.equal(
    selectEngine(vaOf('shape-a-v0.0.4'), {crdShape: crd('crd-a-v0.0.4'), env: env('off')}).engine,
    'queueing-model',
  )
})

test('the hybrid flag read from the v0.4.2 controller fixture keeps the capacity analyzer', () => {
  const objects = clusterFixture('controller-v0.4.2')
  const controller = objects.find((object) => object.kind === 'Deployment')
  const controllerEnv = readControllerEnv(
    controller,
    objects.filter((object) => object.kind === 'ConfigMap'),
  )
  assert.equal(controllerEnv.hybridOptimization, 'off')
  assert.deepEqual(
    selectEngine(vaOf('shape-a-v0.4.2'), {crdShape: crd('crd-a-v0.4.2'), env: controllerEnv}).engine,
    'capacity-v0.4.2',
  )
})

test('without the CRD the controller image tag decides, and latest says nothing', () => {
  const va = normalizeVariantAutoscaling(shapeAVa('a', {cost: null}), 'A')
  assert.equal(selectEngine(va, {controllerImageTag: 'v0.0.4', env: env()}).engine, 'queueing-model')
  assert.equal(selectEngine(va, {controllerImageTag: 'v0.4.1', env: env()}).engine, 'capacity-v0.4.2')
  assert.equal(selectEngine(va, {controllerImageTag: 'v0.4.1', env: env('on')}).engine, 'queueing-model')
  assert.equal(parseReleaseTag('latest'), undefined)
  assert.deepEqual(parseReleaseTag('v0.5.1-rc.2'), {major: 0, minor: 5, patch: 1})
})

test('as a last resort the VA fields decide: variantCost means v0.0.5+, a profile without cost means v0.0.4', () => {
  const withCost = normalizeVariantAutoscaling(shapeAVa('a'), 'A')
  const capacity = selectEngine(withCost, {})
  assert.equal(capacity.engine, 'capacity-v0.4.2')
  assert.match(capacity.why, /controller env unknown/)
  const profile = normalizeVariantAutoscaling(
    {...shapeAVa('b', {cost: null}), spec: {modelID: 'm', modelProfile: {accelerators: []}}},
    'A',
  )
  assert.equal(
    selectEngine(
      {
        ...profile,
        profiles: [{accelerator: 'H100', acceleratorCount: 1, maxBatchSize: 8, decodeParms: {}, prefillParms: {}}],
      },
      {},
    ).engine,
    'queueing-model',
  )
  assert.equal(selectEngine(normalizeVariantAutoscaling(shapeCVa('c')), {}).engine, 'saturation-v0.5.1')
})

test('an explicit override wins over every piece of evidence', () => {
  const va = vaOf('shape-c')
  assert.deepEqual(selectEngine(va, {crdShape: crd('crd-c'), override: 'capacity'}), {
    engine: 'capacity-v0.4.2',
    why: '--engine capacity',
  })
  assert.equal(
    selectEngine(vaOf('shape-a-v0.4.2'), {crdShape: crd('crd-a-v0.4.2'), override: 'saturation'}).engine,
    'saturation-v0.5.1',
  )
  assert.equal(selectEngine(va, {override: 'queueing-model'}).engine, 'queueing-model')
})

test('the image tag is read from the manager container, ignoring registry ports and digests', () => {
  const controller = (image: string) => ({
    spec: {
      template: {
        spec: {
          containers: [
            {name: 'kube-rbac-proxy', image: 'proxy:v1'},
            {name: 'manager', image},
          ],
        },
      },
    },
  })
  assert.equal(readControllerImageTag(controller('ghcr.io/llm-d/llm-d-workload-variant-autoscaler:v0.4.2')), 'v0.4.2')
  assert.equal(readControllerImageTag(controller('registry:5000/wva:v0.5.0@sha256:abc')), 'v0.5.0')
  assert.equal(readControllerImageTag(controller('registry:5000/wva')), undefined)
  assert.equal(readControllerImageTag(undefined), undefined)
})
