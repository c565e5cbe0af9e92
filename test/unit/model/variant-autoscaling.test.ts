import assert from 'node:assert/strict'
import {test} from 'node:test'

import {detectShapeFromObject, normalizeVariantAutoscaling} from '../../../src/core/model/variant-autoscaling.js'

const profile = {
  perfParms: {decodeParms: {alpha: '20.58', beta: '0.41'}, prefillParms: {gamma: '5.2', delta: '0.1'}},
  maxBatchSize: 4,
}

test('shape A takes the accelerator from the label and the profile entry for it', () => {
  const va = normalizeVariantAutoscaling({
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {
      name: 'vllme-deployment',
      namespace: 'llm-d-sim',
      labels: {'inference.optimization/acceleratorName': 'A100'},
    },
    spec: {
      modelID: 'default/default',
      modelProfile: {
        accelerators: [
          {acc: 'L40S', accCount: 2, ...profile},
          {acc: 'A100', accCount: 1, ...profile},
        ],
      },
    },
    status: {
      currentAlloc: {
        numReplicas: 3,
        load: {arrivalRate: '120.50', avgInputTokens: '0.00', avgOutputTokens: '250.10'},
        ttftAverage: '212.00',
        itlAverage: '23.40',
      },
      desiredOptimizedAlloc: {numReplicas: 4, accelerator: 'A100'},
    },
  })
  assert.equal(va.shape, 'A')
  assert.equal(va.accelerator, 'A100')
  assert.equal(va.profile?.acceleratorCount, 1)
  assert.equal(va.target.name, 'vllme-deployment')
  assert.deepEqual(va.status.load, {
    arrivalRateRpm: 120.5,
    avgInputTokens: 0,
    avgOutputTokens: 250.1,
    ttftMs: 212,
    itlMs: 23.4,
  })
  assert.equal(va.status.currentReplicas, 3)
  assert.equal(va.status.desiredReplicas, 4)
  assert.deepEqual(va.problems, [])
})

test('shape B1 takes the accelerator and bounds from the spec', () => {
  const object = {
    metadata: {name: 'llama-8b-a100', namespace: 'llm'},
    spec: {
      modelID: 'meta/llama-3.1-8b',
      variantID: 'meta/llama-3.1-8b-A100-1',
      accelerator: 'A100',
      acceleratorCount: 1,
      variantProfile: profile,
      variantCost: '10.5',
      minReplicas: 0,
      maxReplicas: 4,
    },
  }
  assert.equal(detectShapeFromObject(object), 'B1')
  const va = normalizeVariantAutoscaling(object)
  assert.equal(va.accelerator, 'A100')
  assert.equal(va.profile?.maxBatchSize, 4)
  assert.equal(va.maxReplicas, 4)
})

test('shape C targets the scaleTargetRef Deployment and has no profile', () => {
  const va = normalizeVariantAutoscaling({
    metadata: {name: 'qwen-va', namespace: 'llm'},
    spec: {
      scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'qwen-decode'},
      modelID: 'Qwen/Qwen3-0.6B',
      variantCost: '10.0',
    },
  })
  assert.equal(va.shape, 'C')
  assert.equal(va.target.name, 'qwen-decode')
  assert.equal(va.profile, undefined)
})

test('wrong field types are collected with their paths instead of throwing', () => {
  const va = normalizeVariantAutoscaling({
    metadata: {name: 'broken', namespace: 'llm', labels: {'inference.optimization/acceleratorName': 'H100'}},
    spec: {
      modelID: 42,
      modelProfile: {
        accelerators: [
          {
            acc: 'H100',
            accCount: 'one',
            maxBatchSize: 8,
            perfParms: {decodeParms: {alpha: 7.4, beta: '0.1'}, prefillParms: {}},
          },
        ],
      },
    },
  })
  assert.deepEqual(
    va.problems.map((problem) => problem.path),
    [
      'spec.modelID',
      'spec.modelProfile.accelerators[0].accCount',
      'spec.modelProfile.accelerators[0].perfParms.decodeParms.alpha',
      'spec.modelProfile.accelerators[0].perfParms.prefillParms.gamma',
      'spec.modelProfile.accelerators[0].perfParms.prefillParms.delta',
    ],
  )
})
