import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {
  externalMetricQuery,
  parseQuantity,
  parseScaler,
  readTarget,
  scalerModel,
  scalesLlmWorkload,
} from '../../../src/core/model/scaler.js'

test('parseQuantity reads Kubernetes quantities and rejects anything else', () => {
  assert.equal(parseQuantity('500m'), 0.5)
  assert.equal(parseQuantity('2k'), 2000)
  assert.equal(parseQuantity('1Gi'), 2 ** 30)
  assert.equal(parseQuantity('1e3'), 1000)
  assert.equal(parseQuantity(3), 3)
  assert.equal(parseQuantity('high'), null)
  assert.equal(parseQuantity('1 k'), null)
})

test('an External metric becomes sum(name{selector}) with matchExpressions as regex matchers', () => {
  assert.equal(
    externalMetricQuery('wva_desired_replicas', {
      matchLabels: {variant_name: 'a', exported_namespace: 'llm'},
      matchExpressions: [
        {key: 'pool', operator: 'In', values: ['x.y', 'z']},
        {key: 'zone', operator: 'NotIn', values: ['b']},
        {key: 'team', operator: 'Exists'},
        {key: 'legacy', operator: 'DoesNotExist'},
      ],
    }),
    'sum(wva_desired_replicas{variant_name="a",exported_namespace="llm",' +
      'pool=~"x\\\\.y|z",zone!~"b",team!="",legacy=""})',
  )
  assert.equal(externalMetricQuery('my-metric', undefined), 'sum({__name__="my-metric"})')
})

const hpa = (spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: {name: 'h', namespace: 'llm'},
  spec: {scaleTargetRef: {kind: 'Deployment', name: 'd', apiVersion: 'apps/v1'}, maxReplicas: 5, ...spec},
  ...extra,
})
const external = (averageValue: string) => ({
  type: 'External',
  external: {metric: {name: 'q', selector: {matchLabels: {a: 'b'}}}, target: {type: 'AverageValue', averageValue}},
})

test('an HPA: metrics in milli as the API server stores them, behavior, min default 1', () => {
  const scaler = parseScaler(
    hpa({
      metrics: [external('500m')],
      behavior: {scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: 'Pods', value: 1, periodSeconds: 30}]}},
    }),
  )
  assert.equal(scaler.problem, null)
  assert.equal(scaler.minReplicas, 1)
  assert.deepEqual(scaler.spec, {
    kind: 'hpa',
    hpa: {
      name: 'llm/h',
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{name: 'q', source: 'External', targetType: 'AverageValue', targetMilli: 500}],
      behavior: {scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: 'Pods', value: 1, periodSeconds: 30}]}},
    },
  })
  assert.deepEqual(scaler.metrics[0]!.source, {kind: 'external', metric: 'q', query: 'sum(q{a="b"})'})
})

test('a broken HPA is a problem naming the field and the fix, never a throw', () => {
  assert.equal(
    parseScaler(hpa({metrics: []})).problem,
    'spec.metrics is empty (the cpu default is not replayed); list the metrics',
  )
  assert.match(
    parseScaler(hpa({metrics: [external('lots')]})).problem!,
    /^spec\.metrics\[0\]: target "lots" is not a positive/,
  )
  assert.match(parseScaler(hpa({minReplicas: 9, metrics: [external('1')]})).problem!, /minReplicas 9 is greater/)
  assert.equal(
    parseScaler(hpa({scaleTargetRef: {}, metrics: [external('1')]})).problem,
    'spec.scaleTargetRef.name is missing; set the target',
  )
})

test("KEDA's HPA is folded into its ScaledObject", () => {
  const owned = parseScaler(
    hpa(
      {metrics: [external('1')]},
      {metadata: {name: 'keda-hpa-x', namespace: 'llm', ownerReferences: [{kind: 'ScaledObject', name: 'x'}]}},
    ),
  )
  assert.equal(owned.ownedBy, 'x')
})

const scaledObject = (triggers: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: {name: 'so', namespace: 'llm', creationTimestamp: '2026-08-10T00:00:00Z'},
  spec: {scaleTargetRef: {name: 'd'}, triggers, ...extra},
})

test('a ScaledObject: trigger names default as KEDA names metrics, thresholds are decimal strings', () => {
  const scaler = parseScaler(
    scaledObject(
      [
        {type: 'prometheus', metadata: {query: 'sum(x)', threshold: '2.5', activationThreshold: '1'}},
        {type: 'cpu', metadata: {value: '80'}},
      ],
      {minReplicaCount: 0, cooldownPeriod: 120},
    ),
  )
  assert.equal(scaler.problem, null)
  assert.equal(scaler.maxReplicas, 100)
  assert.deepEqual(
    scaler.metrics.map((m) => [m.name, m.targetType, m.target, m.activationThreshold, m.source.kind]),
    [
      ['s0-prometheus', 'AverageValue', 2.5, 1, 'promql'],
      ['s1-cpu', 'Utilization', 80, null, 'unavailable'],
    ],
  )
  assert.equal(scaler.spec?.kind === 'keda' && scaler.spec.scaledObject.cooldownPeriodSeconds, 120)
  assert.equal(
    scaler.spec?.kind === 'keda' && scaler.spec.scaledObject.creationTimestampMs,
    Date.parse('2026-08-10T00:00:00Z'),
  )
})

test('a ScaledObject threshold that is not a number names the trigger and the fix', () => {
  const scaler = parseScaler(scaledObject([{type: 'prometheus', name: 'q', metadata: {query: 'x', threshold: 'high'}}]))
  assert.equal(scaler.spec, null)
  assert.equal(scaler.problem, 'trigger q: threshold "high" is not a number; write it as a decimal string, e.g. "5"')
})

test('targets: GPUs per replica (× LeaderWorkerSet size), the model from labels or vLLM arguments', () => {
  const deployment = readTarget({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'd'},
    spec: {
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              image: 'ghcr.io/llm-d/llm-d:v0.3',
              args: ['vllm serve meta/llama --port 8000'],
              resources: {limits: {'nvidia.com/gpu': '2'}},
            },
            {image: 'sidecar', resources: {requests: {'amd.com/gpu': '1'}}},
          ],
        },
      },
    },
  })
  assert.deepEqual(deployment, {
    kind: 'Deployment',
    name: 'd',
    replicas: 3,
    model: 'meta/llama',
    acceleratorsPerReplica: 3,
    llm: true,
  })
  const lws = readTarget({
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: {name: 'l', labels: {'llm-d.ai/model': 'big/model'}},
    spec: {
      replicas: 1,
      leaderWorkerTemplate: {
        size: 4,
        workerTemplate: {spec: {containers: [{image: 'x', resources: {limits: {'nvidia.com/gpu': 8}}}]}},
      },
    },
  })
  assert.equal(lws.acceleratorsPerReplica, 32)
  assert.equal(lws.model, 'big/model')
  const web = readTarget({
    kind: 'Deployment',
    metadata: {name: 'web'},
    spec: {template: {spec: {containers: [{image: 'nginx'}]}}},
  })
  assert.equal(web.llm, false)
  assert.equal(web.acceleratorsPerReplica, null)
  const plain = parseScaler(hpa({metrics: [external('1')]}))
  assert.equal(scalesLlmWorkload(plain, web), false)
  assert.equal(scalesLlmWorkload(plain, deployment), true)
  assert.equal(scalerModel(plain, deployment), 'meta/llama')
  const annotated = parseScaler(
    hpa({metrics: [external('1')]}, {metadata: {name: 'h', annotations: {'llm-d.ai/model-id': 'm'}}}),
  )
  assert.equal(scalesLlmWorkload(annotated, web), true)
  assert.equal(scalerModel(annotated, deployment), 'm')
})
