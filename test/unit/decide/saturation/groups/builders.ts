/** Small builders of raw Kubernetes objects for the saturation input layer. */
import type {KubeObject} from '../../../../../src/core/model/kube-object.js'
import type {PodMetrics} from '../../../../../src/core/model/metrics.js'
import type {SourceSet} from '../../../../../src/core/model/sources.js'
import {clusterFixture} from '../../../../support/kube-fixtures.js'

export const accelerator = 'inference.optimization/acceleratorName'

/** A shape C VA targeting `deployment` (defaults to `<name>-decode`). */
export function shapeCVa(
  name: string,
  options: {
    namespace?: string
    modelID?: string
    accelerator?: string | null
    cost?: string
    deployment?: string
    desired?: number
  } = {},
): KubeObject {
  const labels: Record<string, string> =
    options.accelerator === null ? {} : {[accelerator]: options.accelerator ?? 'H100'}
  return {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name, namespace: options.namespace ?? 'llm', labels},
    spec: {
      scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: options.deployment ?? `${name}-decode`},
      modelID: options.modelID ?? 'ibm/granite-8b',
      ...(options.cost === undefined ? {} : {variantCost: options.cost}),
    },
    ...(options.desired === undefined
      ? {}
      : {status: {desiredOptimizedAlloc: {numReplicas: options.desired, accelerator: options.accelerator ?? 'H100'}}}),
  }
}

/** A shape A (v0.4.x) VA: the Deployment has the VA's name. */
export function shapeAVa(
  name: string,
  options: {
    namespace?: string
    modelID?: string
    accelerator?: string | null
    cost?: string | null
    desired?: number
  } = {},
): KubeObject {
  const labels: Record<string, string> =
    options.accelerator === null ? {} : {[accelerator]: options.accelerator ?? 'H100'}
  return {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {name, namespace: options.namespace ?? 'llm', labels},
    spec: {
      modelID: options.modelID ?? 'ibm/granite-8b',
      ...(options.cost === null ? {} : {variantCost: options.cost ?? '10.0'}),
    },
    ...(options.desired === undefined ? {} : {status: {desiredOptimizedAlloc: {numReplicas: options.desired}}}),
  }
}

export function deployment(
  name: string,
  options: {
    namespace?: string
    replicas?: number
    statusReplicas?: number
    ready?: number
    gpus?: Record<string, string | number>
    limits?: Record<string, string | number>
    app?: string
    selector?: unknown
  } = {},
): KubeObject {
  const replicas = options.replicas ?? 1
  const app = options.app ?? name
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace: options.namespace ?? 'llm', uid: `uid-${name}`},
    spec: {
      replicas,
      selector: options.selector ?? {matchLabels: {app}},
      template: {
        metadata: {labels: {app}},
        spec: {
          containers: [
            {
              name: 'vllm',
              image: 'vllm',
              resources: {
                ...(options.gpus ? {requests: options.gpus} : {}),
                ...(options.limits ? {limits: options.limits} : {}),
              },
            },
          ],
        },
      },
    },
    status: {
      replicas: options.statusReplicas ?? replicas,
      readyReplicas: options.ready ?? options.statusReplicas ?? replicas,
    },
  }
}

export function replicaSet(name: string, deploymentName: string | undefined, namespace = 'llm'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace,
      ...(deploymentName
        ? {ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, controller: true}]}
        : {}),
    },
  }
}

export function podObject(
  name: string,
  options: {namespace?: string; replicaSet?: string; labels?: Record<string, string>; phase?: string} = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'llm',
      labels: options.labels ?? {},
      ...(options.replicaSet
        ? {ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: options.replicaSet, controller: true}]}
        : {}),
    },
    status: {phase: options.phase ?? 'Running'},
  }
}

export function configMap(name: string, namespace: string | undefined, data: Record<string, string>): KubeObject {
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, ...(namespace === undefined ? {} : {namespace})}, data}
}

export function podMetrics(
  name: string,
  kvCacheUsage: number | undefined,
  queueLength: number | undefined,
  options: Partial<PodMetrics> = {},
): PodMetrics {
  return {namespace: 'llm', name, modelID: 'ibm/granite-8b', kvCacheUsage, queueLength, ...options}
}

/** Sorts raw objects into a SourceSet by kind. The controller is the Deployment named *controller-manager. */
export function sourcesOf(objects: readonly KubeObject[], extra: Partial<SourceSet> = {}): SourceSet {
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind)
  const deployments = ofKind('Deployment')
  const controller = deployments.find(
    (object) => object.metadata?.name === 'workload-variant-autoscaler-controller-manager',
  )
  const pods = ofKind('Pod')
  const replicaSets = ofKind('ReplicaSet')
  return {
    variantAutoscalings: ofKind('VariantAutoscaling'),
    deployments: deployments.filter(
      (object) => object !== controller && !(object.metadata?.name ?? '').endsWith('controller-manager'),
    ),
    configMaps: ofKind('ConfigMap'),
    crd: ofKind('CustomResourceDefinition')[0],
    controllerDeployment: controller,
    controllerNamespace: controller?.metadata?.namespace,
    ...(pods.length > 0 ? {pods} : {}),
    ...(replicaSets.length > 0 ? {replicaSets} : {}),
    metricsSnapshots: [],
    warnings: [],
    ...extra,
  }
}

export function fixtureSources(...names: string[]): SourceSet {
  return sourcesOf(clusterFixture(...names))
}

/** A v0.5.1 controller in wva-system with the default saturation ConfigMap (0.80/5/0.10/3). */
export function controllerV051(
  options: {
    scaleToZero?: string | undefined
    enableLimiter?: boolean
    env?: Array<Record<string, unknown>>
    image?: string
  } = {},
): KubeObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'workload-variant-autoscaler-controller-manager',
        namespace: 'wva-system',
        labels: {'control-plane': 'controller-manager'},
      },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'manager',
                image: options.image ?? 'ghcr.io/llm-d/llm-d-workload-variant-autoscaler:v0.5.0',
                env: [
                  ...(options.scaleToZero === undefined
                    ? []
                    : [{name: 'WVA_SCALE_TO_ZERO', value: options.scaleToZero}]),
                  ...(options.env ?? []),
                ],
              },
            ],
          },
        },
      },
    },
    configMap('wva-saturation-scaling-config', 'wva-system', {
      default:
        `kvCacheThreshold: 0.80\nqueueLengthThreshold: 5\nkvSpareTrigger: 0.1\nqueueSpareTrigger: ` +
        `3\nenableLimiter: ${options.enableLimiter ?? false}\n`,
    }),
  ]
}
