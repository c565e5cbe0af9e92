import {type KubeObject, podTemplateContainers} from './kube-object.js'

/** Where every WVA release installs by default (wva-controller reference, section 5.1). */
export const defaultControllerNamespace = 'workload-variant-autoscaler-system'

/** ConfigMap names the controller reads, across releases and installers (section 5.1). */
export const knownConfigMapNames = [
  'workload-variant-autoscaler-variantautoscaling-config', // A, B, v0.5.0 (kustomize namePrefix)
  'wva-variantautoscaling-config', // v0.5.1 default
  'workload-variant-autoscaler-wva-variantautoscaling-config', // v0.5.1 kustomize
  'service-classes-config',
  'accelerator-unit-costs',
  'capacity-scaling-config', // v0.0.5-v0.4.2
  'saturation-scaling-config', // v0.5.0
  'wva-saturation-scaling-config', // v0.5.1
  'workload-variant-autoscaler-saturation-scaling-config', // v0.5.1 kustomize
  'model-scale-to-zero-config', // B, v0.5.0
  'wva-model-scale-to-zero-config', // v0.5.1
] as const

/** Helm prefixes the names with `<fullname>-`: match by suffix too. */
const configMapSuffixes = [
  '-variantautoscaling-config',
  '-saturation-scaling-config',
  'model-scale-to-zero-config',
  '-prometheus-ca',
  'wva-manager-config', // v0.8+ main ConfigMap
  '-queueing-model-config', // v0.6+ queueing model
]

/** Names of the saturation and scale-to-zero ConfigMaps that v0.5.1 also looks up in VA namespaces. */
export function isNamespaceLocalConfigMapName(name: string, env: ControllerEnv): boolean {
  return (
    name === env.saturationConfigMapName ||
    name.endsWith('saturation-scaling-config') ||
    name.endsWith('model-scale-to-zero-config')
  )
}

/** The controller settings that live in its Deployment's environment, resolved (configMapKeyRef, fieldRef). */
export interface ControllerEnv {
  podNamespace?: string | undefined
  configMapName?: string | undefined
  saturationConfigMapName?: string | undefined
  /** WVA_SCALE_TO_ZERO as the container sees it ("true", "false", ...). */
  scaleToZero?: string | undefined
  /** EXPERIMENTAL_HYBRID_OPTIMIZATION: "on" and "model-only" enable the model path in v0.0.5-v0.4.2. */
  hybridOptimization?: string | undefined
  controllerInstance?: string | undefined
  /** --watch-namespace argument (v0.5.x namespace-scoped mode). */
  watchNamespace?: string | undefined
  /** ConfigMaps the env refers to through configMapKeyRef. */
  referencedConfigMaps: string[]
}

/**
 * The WVA controller among Deployments: label `control-plane: controller-manager` or a name ending in
 * `controller-manager`. kubebuilder gives every operator that label, so candidates that look like WVA (image or name
 * mentioning the autoscaler, or its env) win; ties go to the default namespace, then by name.
 */
export function findControllerDeployment(deployments: readonly KubeObject[]): KubeObject | undefined {
  const scored = deployments
    .filter(
      (deployment) =>
        deployment.metadata?.labels?.['control-plane'] === 'controller-manager' ||
        (deployment.metadata?.name ?? '').endsWith('controller-manager'),
    )
    .map((deployment) => ({deployment, score: wvaScore(deployment)}))
    .filter((candidate) => candidate.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.deployment.metadata?.namespace === defaultControllerNamespace) -
          Number(a.deployment.metadata?.namespace === defaultControllerNamespace) ||
        ref(a.deployment).localeCompare(ref(b.deployment)),
    )
  return scored[0]?.deployment
}

function wvaScore(deployment: KubeObject): number {
  const text = (value: unknown) => String(value ?? '').toLowerCase()
  const containers = podTemplateContainers(deployment)
  const envNames = new Set(containers.flatMap((container) => (container.env ?? []).map((item) => item?.name)))
  let score = 0
  if (containers.some((container) => /workload-variant-autoscaler|inferno/.test(text(container.image)))) score += 4
  if (/workload-variant-autoscaler|variant-autoscal|wva/.test(text(deployment.metadata?.name))) score += 2
  if (text(deployment.metadata?.labels?.['app.kubernetes.io/name']).includes('workload-variant-autoscaler')) score += 2
  if (
    [
      'CONFIG_MAP_NAME',
      'SATURATION_CONFIG_MAP_NAME',
      'WVA_SCALE_TO_ZERO',
      'EXPERIMENTAL_HYBRID_OPTIMIZATION',
      'PROMETHEUS_TOKEN_PATH',
    ].some((name) => envNames.has(name))
  )
    score += 1
  if (deployment.metadata?.namespace === defaultControllerNamespace) score += 1
  return score
}

/** Reads the controller's env from its manager container (the first container when none is named "manager"). */
export function readControllerEnv(
  deployment: KubeObject | undefined,
  configMaps: readonly KubeObject[] = [],
): ControllerEnv {
  const env: ControllerEnv = {referencedConfigMaps: []}
  if (!deployment) return env
  const containers = podTemplateContainers(deployment)
  const container = containers.find((candidate) => candidate?.name === 'manager') ?? containers[0]
  if (!container) return env
  const namespace = deployment.metadata?.namespace
  const values = new Map<string, string | undefined>()
  for (const item of container.env ?? []) {
    if (!item || typeof item.name !== 'string') continue
    if (typeof item.value === 'string') values.set(item.name, item.value)
    else if (item.valueFrom?.configMapKeyRef) {
      const {name, key} = item.valueFrom.configMapKeyRef
      if (typeof name === 'string' && !env.referencedConfigMaps.includes(name)) env.referencedConfigMaps.push(name)
      const configMap = configMaps.find(
        (candidate) => candidate.metadata?.name === name && candidate.metadata?.namespace === namespace,
      )
      values.set(item.name, configMap?.data?.[String(key)])
    } else if (item.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') values.set(item.name, namespace)
    else if (!item.valueFrom) values.set(item.name, '')
  }
  env.podNamespace = values.get('POD_NAMESPACE')
  env.configMapName = values.get('CONFIG_MAP_NAME') || undefined
  env.saturationConfigMapName = values.get('SATURATION_CONFIG_MAP_NAME') || undefined
  env.scaleToZero = values.get('WVA_SCALE_TO_ZERO')
  env.hybridOptimization = values.get('EXPERIMENTAL_HYBRID_OPTIMIZATION')
  env.controllerInstance = values.get('CONTROLLER_INSTANCE') || undefined
  const args: unknown[] = [...(container.command ?? []), ...(container.args ?? [])]
  for (const [index, arg] of args.entries()) {
    if (typeof arg !== 'string') continue
    const match = /^--?watch-namespace(?:=(.*))?$/.exec(arg)
    if (match)
      env.watchNamespace =
        (match[1] ?? String(args[index + 1] ?? '')).replace(/^\$\(POD_NAMESPACE\)$/, namespace ?? '') || undefined
  }
  return env
}

/** Is this ConfigMap one the controller may read? Known names, names the env points at, and Helm-prefixed names. */
export function isControllerConfigMap(name: string, env: ControllerEnv): boolean {
  if ((knownConfigMapNames as readonly string[]).includes(name)) return true
  if (name === env.configMapName || name === env.saturationConfigMapName || env.referencedConfigMaps.includes(name))
    return true
  return configMapSuffixes.some((suffix) => name.endsWith(suffix))
}

function ref(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
}

export interface ReleaseVersion {
  readonly major: number
  readonly minor: number
  readonly patch: number
}

/** `vX.Y.Z` (optionally `-rc.N`) from an image tag; undefined for `latest`, digests and anything else. */
export function parseReleaseTag(tag: string | undefined): ReleaseVersion | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(tag ?? '')
  return match ? {major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3])} : undefined
}

/** The tag of the controller's manager container image (`ghcr.io/...:v0.4.2@sha256:...` -> `v0.4.2`). */
export function readControllerImageTag(controllerDeployment: KubeObject | undefined): string | undefined {
  const containers = podTemplateContainers(controllerDeployment)
  const container = containers.find((candidate) => candidate?.name === 'manager') ?? containers[0]
  const image = typeof container?.image === 'string' ? (container.image as string).split('@')[0]! : undefined
  if (image === undefined) return undefined
  const lastSlash = image.lastIndexOf('/')
  const colon = image.indexOf(':', lastSlash + 1)
  return colon < 0 ? undefined : image.slice(colon + 1)
}
