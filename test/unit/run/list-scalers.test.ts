import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {listScalers} from '../../../src/core/run/scalers.js'

const objects: KubeObject[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'd', namespace: 'llm'},
    spec: {replicas: 3, template: {spec: {containers: [{image: 'vllm/vllm-openai'}]}}},
  },
  {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {name: 'so', namespace: 'llm'},
    spec: {scaleTargetRef: {name: 'd'}, triggers: [{type: 'prometheus', metadata: {query: 'sum(x)', threshold: '1'}}]},
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {name: 'keda-hpa-so', namespace: 'llm', labels: {'scaledobject.keda.sh/name': 'so'}},
    spec: {
      scaleTargetRef: {name: 'd'},
      maxReplicas: 100,
      metrics: [
        {
          type: 'External',
          external: {metric: {name: 's0-prometheus'}, target: {type: 'AverageValue', averageValue: '1'}},
        },
      ],
    },
    status: {currentReplicas: 3, desiredReplicas: 4},
  },
]

test("a ScaledObject is listed once, with its KEDA HPA's desired replicas; no metrics, no values", async () => {
  const outcome = await listScalers({objects, names: [], namespace: undefined, reader: null}, {atMs: 0})
  assert.deepEqual(outcome.errors, [])
  assert.equal(outcome.view.at, null)
  assert.deepEqual(
    outcome.view.items.map((item) => [
      item.kind,
      item.name,
      item.currentReplicas,
      item.desiredReplicas,
      item.computedReplicas,
    ]),
    [['ScaledObject', 'so', 3, 4, null]],
  )
  assert.deepEqual(
    outcome.view.items[0]!.metrics.map((metric) => [metric.name, metric.query, metric.value]),
    [['s0-prometheus', 'sum(x)', null]],
  )
})
