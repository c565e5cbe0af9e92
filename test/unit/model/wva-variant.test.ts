import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {
  acceleratorOf,
  parseManagedScaler,
  parseManagedScalers,
  parseShapeDVariant,
  roleOf,
  targetPodTemplate,
} from '../../../src/core/model/wva-variant.js'

function va(spec: Record<string, unknown>, status?: Record<string, unknown>, labels?: Record<string, string>) {
  return {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name: 'llama-h100', namespace: 'llm', ...(labels ? {labels} : {})},
    spec,
    ...(status ? {status} : {}),
  } satisfies KubeObject
}

const ref = {scaleTargetRef: {kind: 'Deployment', name: 'llama-h100'}}

test('a v0.6 VA defaults minReplicas to 1 and maxReplicas to 2, and the cost to 10', () => {
  const parsed = parseShapeDVariant(va({...ref, modelID: 'meta/llama'}))
  assert.ok(parsed.ok)
  assert.equal(parsed.variant.minReplicas, 1)
  assert.equal(parsed.variant.maxReplicas, 2)
  assert.equal(parsed.variant.cost, 10)
  assert.equal(parsed.variant.costText, '10.0')
  assert.deepEqual(parsed.variant.target, {apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-h100'})
})

test('a VA without status.desiredOptimizedAlloc.numReplicas has no decision (undefined, never 0)', () => {
  const none = parseShapeDVariant(va({...ref, modelID: 'm'}, {desiredOptimizedAlloc: {lastRunTime: 'x'}}))
  assert.ok(none.ok)
  assert.equal(none.variant.desiredReplicas, undefined)
  const zero = parseShapeDVariant(va({...ref, modelID: 'm', minReplicas: 0}, {desiredOptimizedAlloc: {numReplicas: 0}}))
  assert.ok(zero.ok)
  assert.equal(zero.variant.desiredReplicas, 0)
})

test('a VA may scale a LeaderWorkerSet, whose leader template carries the accelerator', () => {
  const parsed = parseShapeDVariant(
    va({
      scaleTargetRef: {apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'ds'},
      modelID: 'm',
    }),
  )
  assert.ok(parsed.ok)
  assert.equal(parsed.variant.target.kind, 'LeaderWorkerSet')
  const lws: KubeObject = {
    kind: 'LeaderWorkerSet',
    metadata: {name: 'ds'},
    spec: {
      leaderWorkerTemplate: {
        leaderTemplate: {spec: {nodeSelector: {'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3'}}},
        workerTemplate: {spec: {nodeSelector: {'nvidia.com/gpu.product': 'worker'}}},
      },
    },
  }
  assert.equal(acceleratorOf(targetPodTemplate(lws), undefined, 'v0.6'), 'NVIDIA-H100-80GB-HBM3')
})

test('min > max, an empty modelID and a missing target are one problem each for that VA', () => {
  const bounds = parseShapeDVariant(va({...ref, modelID: 'm', minReplicas: 3, maxReplicas: 2}))
  assert.ok(!bounds.ok)
  assert.match(bounds.problem.message, /min replicas 3 is greater than max replicas 2/)
  assert.equal(bounds.problem.source, 'variantautoscaling llm/llama-h100')
  const model = parseShapeDVariant(va({...ref, modelID: ''}))
  assert.ok(!model.ok)
  assert.match(model.problem.message, /modelID/)
  const target = parseShapeDVariant(va({modelID: 'm'}))
  assert.ok(!target.ok)
  assert.match(target.problem.message, /scaleTargetRef/)
})

test('the accelerator: node selector, then required and preferred affinity, then the VA label, per release', () => {
  const selector = {spec: {nodeSelector: {'cloud.google.com/gke-accelerator': 'tpu', 'nvidia.com/gpu.product': 'H100'}}}
  // v0.6-v0.8 check NVIDIA first; v0.9 sorts the keys alphabetically, so GKE wins.
  assert.equal(acceleratorOf(selector, undefined, 'v0.6'), 'H100')
  assert.equal(acceleratorOf(selector, undefined, 'v0.9'), 'tpu')
  const affinity = {
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {matchExpressions: [{key: 'amd.com/gpu.product-name', operator: 'NotIn', values: ['x']}]},
              {matchExpressions: [{key: 'amd.com/gpu.product-name', operator: 'In', values: ['MI300X', 'MI250']}]},
            ],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 1,
              preference: {matchExpressions: [{key: 'nvidia.com/gpu.product', operator: 'In', values: ['A']}]},
            },
          ],
        },
      },
    },
  }
  assert.equal(acceleratorOf(affinity, undefined, 'v0.7'), 'MI300X')
  assert.equal(acceleratorOf({spec: {}}, 'L40S', 'v0.6'), 'L40S')
  // v0.6/v0.7 return "" without a pod template (the label is not consulted); v0.8+ fall through to it.
  assert.equal(acceleratorOf(undefined, 'L40S', 'v0.6'), '')
  assert.equal(acceleratorOf(undefined, 'L40S', 'v0.8'), 'L40S')
  assert.equal(acceleratorOf(undefined, undefined, 'v0.9'), 'unknown')
})

function hpa(annotations: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {name: 'llama-decode', namespace: 'llm', annotations},
    spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-decode'}, maxReplicas: 4, ...spec},
    status: {currentReplicas: 2, desiredReplicas: 3},
  }
}

const managed = {'llm-d.ai/managed': 'true', 'llm-d.ai/model-id': 'meta/llama'}

test('an annotated HPA is a variant named after the HPA; minReplicas defaults to 1, the cost to 10', () => {
  const parsed = parseManagedScaler(hpa({...managed, 'llm-d.ai/variant': 'h100', 'llm-d.ai/role': 'decode'}))
  assert.ok(parsed?.ok)
  const variant = parsed.variant
  assert.equal(variant.name, 'llama-decode')
  assert.equal(variant.kind, 'HorizontalPodAutoscaler')
  assert.equal(variant.modelID, 'meta/llama')
  assert.equal(variant.minReplicas, 1)
  assert.equal(variant.maxReplicas, 4)
  assert.equal(variant.cost, 10)
  assert.equal(variant.variantLabel, 'h100')
  assert.equal(variant.desiredReplicas, 3)
  assert.deepEqual(variant.scaler, {
    kind: 'HorizontalPodAutoscaler',
    triggers: [],
    currentReplicas: 2,
    desiredReplicas: 3,
  })
  assert.equal(roleOf(undefined, variant.roleAnnotation), 'decode')
})

test('a ScaledObject: minReplicaCount defaults to 0 and maxReplicaCount to 100, as KEDA', () => {
  const parsed = parseManagedScaler({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {name: 'qwen', namespace: 'llm', annotations: {...managed, 'llm-d.ai/variant-cost': '25.5'}},
    spec: {scaleTargetRef: {name: 'qwen'}, triggers: [{type: 'prometheus', metadata: {}}]},
  })
  assert.ok(parsed?.ok)
  assert.equal(parsed.variant.minReplicas, 0)
  assert.equal(parsed.variant.maxReplicas, 100)
  assert.equal(parsed.variant.cost, 25.5)
  assert.deepEqual(parsed.variant.scaler?.triggers, ['prometheus'])
})

test('only llm-d.ai/managed exactly "true" opts a scaler in', () => {
  assert.equal(parseManagedScaler(hpa({'llm-d.ai/managed': 'True', 'llm-d.ai/model-id': 'm'})), undefined)
  assert.equal(parseManagedScaler(hpa({})), undefined)
})

test('bad annotated scalers: each is one problem, the others stay', () => {
  const objects = [
    hpa({'llm-d.ai/managed': 'true', 'llm-d.ai/model-id': ''}),
    hpa({...managed, 'llm-d.ai/variant-cost': 'cheap'}),
    hpa({...managed, 'llm-d.ai/variant-cost': '-1'}),
    hpa(managed, {minReplicas: 5, maxReplicas: 2}),
    {...hpa(managed), spec: {maxReplicas: 3}},
    {...hpa(managed), metadata: {name: 'good', namespace: 'llm', annotations: managed}},
  ]
  const {variants, problems} = parseManagedScalers(objects)
  assert.deepEqual(
    variants.map((variant) => variant.name),
    ['good'],
  )
  assert.equal(problems.length, 5)
  assert.match(problems[0]!.message, /llm-d.ai\/model-id is missing or empty/)
  assert.match(problems[1]!.message, /variant-cost "cheap" is not a non-negative number/)
  assert.match(problems[2]!.message, /variant-cost "-1"/)
  assert.match(problems[3]!.message, /min replicas 5 is greater than max replicas 2/)
  assert.match(problems[4]!.message, /scaleTargetRef is missing/)
  for (const problem of problems) {
    assert.equal(problem.source, 'horizontalpodautoscaler llm/llama-decode')
    assert.match(problem.hint, /\S/)
  }
})

test('the role comes from the pod template label before the annotation; anything else is both', () => {
  const template = {metadata: {labels: {'llm-d.ai/role': 'prefill'}}}
  assert.equal(roleOf(template, 'decode'), 'prefill')
  assert.equal(roleOf({}, 'decode'), 'decode')
  assert.equal(roleOf({}, 'leader'), 'both')
})
