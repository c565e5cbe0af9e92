import {readFileSync} from 'node:fs'

import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {fixturePath} from './paths.js'

/** Objects of one or more test/fixtures/cluster/<name>.yaml files (multi-document), in file order. */
export function clusterFixture(...names: string[]): KubeObject[] {
  return names.flatMap((name) => {
    const file = fixturePath('cluster', name.endsWith('.yaml') ? name : `${name}.yaml`)
    return parseAllDocuments(readFileSync(file, 'utf8'))
      .map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`)
        return document.toJS() as KubeObject | null
      })
      .filter((object): object is KubeObject => object !== null)
  })
}

/** `count` VAs of shape C, each with its Deployment, in namespace `namespace` (load tests). */
export function manyShapeCObjects(count: number, namespace = 'llm'): KubeObject[] {
  const objects: KubeObject[] = []
  for (let index = 0; index < count; index++) {
    const name = `model-${String(index).padStart(4, '0')}`
    objects.push({
      apiVersion: 'llmd.ai/v1alpha1',
      kind: 'VariantAutoscaling',
      metadata: {name: `${name}-va`, namespace, labels: {'inference.optimization/acceleratorName': 'H100'}},
      spec: {
        scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-decode`},
        modelID: `org/${name}`,
        variantCost: '10.0',
      },
    })
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: `${name}-decode`, namespace},
      spec: {
        replicas: 1,
        selector: {matchLabels: {app: name}},
        template: {
          metadata: {labels: {app: name}},
          spec: {containers: [{name: 'vllm', image: 'ghcr.io/llm-d/llm-d:v0.4.0'}]},
        },
      },
      status: {replicas: 1, readyReplicas: 1},
    })
  }
  return objects
}
