import type {ControllerEnv} from '../model/controller.js'
import {type KubeObject, podTemplateContainers} from '../model/kube-object.js'
import {metricsSnapshotApiVersion, type MetricsSnapshot, type ModelMetrics, type PodMetrics} from '../model/metrics.js'
import {stripUrlUserinfo} from '../redact.js'
import type {ClusterState} from '../model/cluster-state.js'
import type {SourceSet} from '../model/sources.js'

/** Main ConfigMap keys that hold credentials. */
const secretKeys = /TOKEN|PASSWORD|SECRET|KEY_PATH|CLIENT_KEY|BEARER/i

export interface SnapshotInput {
  state: ClusterState
  metrics: readonly ModelMetrics[]
  /** Per-pod KV-cache and queue readings (saturation engines). */
  pods?: readonly PodMetrics[] | undefined
  /** Scale-to-zero readings, namespace\0model → requests in the retention window. */
  requestCounts?: ReadonlyMap<string, number> | undefined
  time: Date
  window: string
}

/**
 * Everything `simulate -f` needs to reproduce today's decision offline, as objects: the VAs, their Deployments, the
 * controller ConfigMaps they use, a trimmed controller Deployment and a MetricsSnapshot. Server-managed fields
 * (managedFields, resourceVersion, uid, ...) and anything secret are left out.
 */
export function buildSnapshot(input: SnapshotInput): KubeObject[] {
  const {sources, config} = input.state
  const vas = input.state.variants
  const targets = new Set(vas.map(({va}) => `${va.namespace}/${va.target.name}`))
  const deployments = sources.deployments.filter((deployment) =>
    targets.has(`${deployment.metadata?.namespace ?? 'default'}/${deployment.metadata?.name}`),
  )
  const configMaps = sources.configMaps
    .filter(
      (cm) =>
        (cm.metadata?.namespace ?? config.namespace) === config.namespace ||
        vas.some(({va}) => va.namespace === cm.metadata?.namespace),
    )
    .map((cm) => withoutSecretKeys(cm))
  // WVA v0.6+: write the VAs and annotated scalers as read (the in-memory VAs are ours), and LeaderWorkerSet targets.
  const variantObjects = sources.wva?.objects ?? vas.map(({object}) => object)
  const leaderWorkerSets = (sources.leaderWorkerSets ?? []).filter((target) =>
    targets.has(`${target.metadata?.namespace ?? 'default'}/${target.metadata?.name}`),
  )
  const objects: KubeObject[] = [
    ...variantObjects.map((object) => clean(object)),
    ...deployments.map((deployment) => clean(deployment)),
    ...leaderWorkerSets.map((target) => clean(target)),
    ...configMaps.map((cm) => clean(cm)),
  ]
  if (sources.controllerDeployment) objects.push(trimmedController(sources.controllerDeployment, config.env))
  // WVA v0.6+: the release's own per-pod readings (KV capacity, tokens, ...) replace the V1 ones.
  const pods = sources.wvaReadings?.pods ?? input.pods
  const snapshot: MetricsSnapshot = {
    apiVersion: metricsSnapshotApiVersion,
    kind: 'MetricsSnapshot',
    time: input.time.toISOString(),
    window: input.window,
    models: withWvaModels(input.metrics, sources.wvaReadings?.models).map(toSnapshotModel) as unknown as ModelMetrics[],
    ...(pods && pods.length > 0 ? {pods: pods.map(withDeployment(sources))} : {}),
    ...(input.requestCounts && input.requestCounts.size > 0
      ? {
          requestsInRetention: [...input.requestCounts].map(([key, requests]) => ({
            namespace: key.split('\u0000')[0]!,
            modelID: key.split('\u0000')[1]!,
            requests,
          })),
        }
      : {}),
  }
  objects.push(snapshot as unknown as KubeObject)
  // The file is attached to bug reports: no URL in it keeps a user:password@ (e.g. PROMETHEUS_BASE_URL).
  return objects.map((object) => withoutUrlUserinfo(object) as KubeObject)
}

function withoutUrlUserinfo(value: unknown): unknown {
  if (typeof value === 'string') return stripUrlUserinfo(value)
  if (Array.isArray(value)) return value.map(withoutUrlUserinfo)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutUrlUserinfo(item)]))
}

// The documented YAML names (docs/metrics-snapshot.md); absent values stay absent, never 0.
function toSnapshotModel(model: ModelMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {namespace: model.namespace, modelID: model.modelID}
  if (model.arrivalRateRpm !== undefined) out.arrivalRate = model.arrivalRateRpm
  if (model.avgInputTokens !== undefined) out.avgInputTokens = model.avgInputTokens
  if (model.avgOutputTokens !== undefined) out.avgOutputTokens = model.avgOutputTokens
  if (model.ttftMs !== undefined) out.ttftMs = model.ttftMs
  if (model.itlMs !== undefined) out.itlMs = model.itlMs
  if (model.schedulerQueueSize !== undefined) out.schedulerQueueSize = model.schedulerQueueSize
  if (model.schedulerQueueBytes !== undefined) out.schedulerQueueBytes = model.schedulerQueueBytes
  return out
}

/** The models' readings with the EPP queue of the WVA v0.6+ readings added (models only they saw are appended). */
function withWvaModels(metrics: readonly ModelMetrics[], wva: readonly ModelMetrics[] | undefined): ModelMetrics[] {
  if (wva === undefined) return [...metrics]
  const out = metrics.map((model) => {
    const extra = wva.find((entry) => entry.namespace === model.namespace && entry.modelID === model.modelID)
    return extra === undefined
      ? model
      : {...model, schedulerQueueSize: extra.schedulerQueueSize, schedulerQueueBytes: extra.schedulerQueueBytes}
  })
  for (const extra of wva) {
    if (!out.some((model) => model.namespace === extra.namespace && model.modelID === extra.modelID)) out.push(extra)
  }
  return out
}

/**
 * Offline there are no Pod and ReplicaSet objects to follow owner references, so each pod row carries its
 * Deployment (pod → controller ReplicaSet → controller Deployment), as the MetricsSnapshot schema allows.
 */
function withDeployment(sources: SourceSet): (pod: PodMetrics) => PodMetrics {
  const replicaSetOwner = new Map<string, string>()
  for (const replicaSet of sources.replicaSets ?? []) {
    const owner = replicaSet.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'Deployment',
    )
    if (owner?.name) replicaSetOwner.set(`${replicaSet.metadata?.namespace}/${replicaSet.metadata?.name}`, owner.name)
  }
  const podOwner = new Map<string, string>()
  for (const pod of sources.pods ?? []) {
    const owner = pod.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'ReplicaSet',
    )
    const deployment = owner?.name ? replicaSetOwner.get(`${pod.metadata?.namespace}/${owner.name}`) : undefined
    if (deployment) podOwner.set(`${pod.metadata?.namespace}/${pod.metadata?.name}`, deployment)
  }
  return (pod) => {
    const deployment = pod.deployment ?? podOwner.get(`${pod.namespace}/${pod.name}`)
    const out: PodMetrics = {namespace: pod.namespace, name: pod.name}
    if (deployment) out.deployment = deployment
    if (pod.modelID) out.modelID = pod.modelID
    if (pod.kvCacheUsage !== undefined) out.kvCacheUsage = pod.kvCacheUsage
    if (pod.queueLength !== undefined) out.queueLength = pod.queueLength
    if (pod.variant !== undefined) out.variant = pod.variant
    for (const field of v2PodFields) if (pod[field] !== undefined) out[field] = pod[field]
    return out
  }
}

const v2PodFields = [
  'numGpuBlocks',
  'blockSize',
  'avgInputTokens',
  'avgOutputTokens',
  'prefixCacheHitRate',
  'arrivalRate',
  'ttftMs',
  'itlMs',
] as const

function clean(object: KubeObject): KubeObject {
  const {
    managedFields: _managed,
    resourceVersion: _rv,
    uid: _uid,
    generation: _generation,
    selfLink: _self,
    ...metadata
  } = object.metadata ?? {}
  const annotations = {...(metadata.annotations ?? {})}
  delete annotations['kubectl.kubernetes.io/last-applied-configuration']
  const out: KubeObject = {
    ...object,
    metadata: {...metadata, ...(Object.keys(annotations).length > 0 ? {annotations} : {annotations: undefined})},
  }
  if (out.metadata && out.metadata.annotations === undefined) delete out.metadata.annotations
  return out
}

function withoutSecretKeys(configMap: KubeObject): KubeObject {
  if (!configMap.data) return configMap
  return {
    ...configMap,
    data: Object.fromEntries(Object.entries(configMap.data).filter(([key]) => !secretKeys.test(key))),
  }
}

/** Only the controller env vars that change decisions; everything else (tokens, URLs with credentials) stays out. */
function decisionEnv(env: ControllerEnv): Array<{name: string; value: string}> {
  const entries: Array<[string, string | undefined]> = [
    ['POD_NAMESPACE', env.podNamespace],
    ['CONFIG_MAP_NAME', env.configMapName],
    ['SATURATION_CONFIG_MAP_NAME', env.saturationConfigMapName],
    ['WVA_SCALE_TO_ZERO', env.scaleToZero],
    ['EXPERIMENTAL_HYBRID_OPTIMIZATION', env.hybridOptimization],
    ['CONTROLLER_INSTANCE', env.controllerInstance],
  ]
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ({name, value}))
}

function trimmedController(deployment: KubeObject, env: ControllerEnv): KubeObject {
  const containers = podTemplateContainers(deployment)
  const manager = containers.find((container) => container?.name === 'manager') ?? containers[0]
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deployment.metadata?.name,
      namespace: deployment.metadata?.namespace,
      labels: deployment.metadata?.labels,
    },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'manager',
              ...(typeof manager?.image === 'string' ? {image: manager.image} : {}),
              env: decisionEnv(env),
              ...(env.watchNamespace ? {args: [`--watch-namespace=${env.watchNamespace}`]} : {}),
            },
          ],
        },
      },
    },
  }
}
