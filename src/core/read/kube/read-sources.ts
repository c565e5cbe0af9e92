import {ClusterError, InputError} from '../../errors.js'
import {field, type KubeObject, listObjects} from '../../model/kube-object.js'
import {detectWvaRelease, isManagedScaler} from '../../model/wva-release.js'
import {readWvaScalers, type WvaScalerSources} from './read-wva-scalers.js'
import type {SourceSet} from '../../model/sources.js'
import {
  type ControllerEnv,
  defaultControllerNamespace,
  findControllerDeployment,
  isControllerConfigMap,
  isNamespaceLocalConfigMapName,
  readControllerEnv,
} from '../../model/controller.js'
import {createKubeReader, type KubeReader, type KubeResponse} from './kube-client.js'
import {type ClusterConnection, type KubeconfigOptions, loadKubeconfig} from './kubeconfig.js'
import {type CrdShape, detectCrdShape, detectObjectShape} from '../../model/shape.js'

export const vaGroup = 'llmd.ai'
export const vaVersion = 'v1alpha1'
export const vaPlural = 'variantautoscalings'
export const vaCrdName = `${vaPlural}.${vaGroup}`

export interface ReadClusterOptions {
  /** How to reach the cluster, when no `connection` is given (-n goes in here too). */
  kubeconfig?: KubeconfigOptions | undefined
  /** An already loaded connection (tests, or a command that loaded it earlier). */
  connection?: ClusterConnection | undefined
  /** -A: every namespace; the namespace of the connection is ignored. */
  allNamespaces?: boolean | undefined
  /** Named VAs; each must exist (InputError otherwise). */
  names?: readonly string[] | undefined
  /** -l: label selector on the VAs. */
  labelSelector?: string | undefined
  /** Where the controller runs, when not in workload-variant-autoscaler-system and not discoverable. */
  controllerNamespace?: string | undefined
  /** Per request; 0 or undefined = none. */
  requestTimeoutMs?: number | undefined
  /** Also read Pods and ReplicaSets of the VA namespaces (the saturation engine maps pods to Deployments). */
  includePods?: boolean | undefined
}

/** The SourceSet, plus what the cluster read learnt on the way. */
export interface ClusterSources extends SourceSet {
  /** The shape of the installed CRD, when the CRD was readable and recognised. */
  crdShape?: CrdShape | undefined
  controllerEnv: ControllerEnv
  /** The namespace read (undefined with -A). */
  namespace: string | undefined
  /** GET requests sent; constant in the number of VAs. */
  requestCount: number
  /** The API server does not serve the VA type (no CRD: WVA v0.9, or not installed). */
  crdMissing: boolean
}

/**
 * Reads everything `inspect` needs from the cluster, with GETs only and a constant number of requests whatever the
 * number of VAs: the VAs (one list, or one GET for a single name), the Deployments and optionally Pods and
 * ReplicaSets of their namespaces (one list each, cluster-wide with -A), the CRD, the controller Deployment, and the
 * controller's ConfigMaps (one list). A 403 or 404 on anything but the VAs becomes a warning.
 */
export async function readClusterSources(options: ReadClusterOptions): Promise<ClusterSources> {
  const connection = options.connection ?? (await loadKubeconfig(options.kubeconfig ?? {}))
  const reader = await createKubeReader(connection, {requestTimeoutMs: options.requestTimeoutMs})
  const allNamespaces = options.allNamespaces === true
  const namespace = allNamespaces ? undefined : connection.namespace
  const names = [...new Set(options.names ?? [])]
  const warnings: string[] = []
  const problems: NonNullable<SourceSet['problems']> = []
  const controllerNamespaceGuess = options.controllerNamespace ?? defaultControllerNamespace

  const vaPath =
    namespace === undefined
      ? `/apis/${vaGroup}/${vaVersion}/${vaPlural}`
      : `/apis/${vaGroup}/${vaVersion}/namespaces/${namespace}/${vaPlural}`
  const deploymentsPath =
    namespace === undefined ? '/apis/apps/v1/deployments' : `/apis/apps/v1/namespaces/${namespace}/deployments`
  const controllerDeploymentsPath = `/apis/apps/v1/namespaces/${controllerNamespaceGuess}/deployments`

  // Wave 1: everything whose path is known up front, in parallel.
  const vaRequest =
    names.length === 1 && namespace !== undefined
      ? reader.get(`${vaPath}/${names[0]}`)
      : reader.get(vaPath, {labelSelector: options.labelSelector})
  const crdRequest = reader.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${vaCrdName}`)
  const deploymentsRequest = reader.get(deploymentsPath)
  const controllerRequest =
    allNamespaces || controllerDeploymentsPath === deploymentsPath
      ? deploymentsRequest
      : reader.get(controllerDeploymentsPath)
  const podsRequest = options.includePods
    ? reader.get(namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${namespace}/pods`)
    : undefined
  const replicaSetsRequest = options.includePods
    ? reader.get(
        namespace === undefined ? '/apis/apps/v1/replicasets' : `/apis/apps/v1/namespaces/${namespace}/replicasets`,
      )
    : undefined
  const settled = await Promise.allSettled([
    vaRequest,
    crdRequest,
    deploymentsRequest,
    controllerRequest,
    podsRequest,
    replicaSetsRequest,
  ])
  // Auth and transport failures affect every request: report the VA request's, which matters most.
  for (const result of settled) if (result.status === 'rejected') throw result.reason
  const [vaResult, crdResult, deploymentsResult, controllerResult, podsResult, replicaSetsResult] = settled.map(
    (result) => (result as PromiseFulfilledResult<KubeResponse | undefined>).value,
  )

  // A 404 for the VAs is "no such VA" or "no such resource type": decide from the CRD (or discovery) just read, not
  // from the 404's optional `details`, which some proxies and aggregators strip.
  const isVa404 = vaResult!.kind === 'error' && vaResult!.code === 404
  const vaTypeServed = isVa404 ? await isVaTypeServed(reader, crdResult!) : undefined
  const labelSelector = options.labelSelector
  const vaContext = {names, namespace, labelSelector, connection, vaTypeServed, problems}
  // WVA v0.9 has no VA CRD: its variants are annotated HPAs and ScaledObjects (read-wva-scalers.ts).
  let wvaScalers: WvaScalerSources | undefined
  const crdMissing = isVa404 && vaTypeServed === false
  if (crdMissing) wvaScalers = await readWvaScalers(reader, namespace)
  const managedScalers = (wvaScalers?.scalers ?? []).filter(isManagedScaler)
  const variantAutoscalings = managedScalers.length > 0 ? [] : readVariantAutoscalings(vaResult!, vaContext)
  for (const name of managedScalers.length > 0 ? names : []) {
    if (!managedScalers.some((scaler) => scaler.metadata?.name === name)) {
      const where = namespace === undefined ? 'all namespaces' : `namespace "${namespace}"`
      throw new InputError(
        `${where}: no variant "${name}": no VariantAutoscaling CRD (WVA v0.9), and no HPA or ScaledObject of ` +
          'that name is annotated llm-d.ai/managed: "true"',
        {hint: 'list the variants with "kubectl va get -A"'},
      )
    }
  }
  const vaNamespaces = new Set([...variantAutoscalings, ...managedScalers].map((object) => object.metadata?.namespace))
  const inVaNamespaces = (object: KubeObject) => vaNamespaces.has(object.metadata?.namespace)

  let crd: KubeObject | undefined
  if (crdResult!.kind === 'ok') crd = crdResult!.body
  else if (!(crdMissing && managedScalers.length > 0))
    warnings.push(
      `cannot read CustomResourceDefinition ${vaCrdName} (${describe(crdResult!)}); detecting the VA shape ` +
        `from each object instead`,
    )
  const crdShape = detectCrdShape(crd)
  if (crd && !crdShape)
    warnings.push(
      `CustomResourceDefinition ${vaCrdName} has a schema of no known WVA release; detecting the VA shape ` +
        `from each object instead`,
    )

  const list = (response: KubeResponse, what: string, consequence: string) =>
    listItems(response, what, warnings, consequence, problems)
  const deployments = list(
    deploymentsResult!,
    `deployments ${scope(namespace)}`,
    'the target Deployments are unknown; grant "list deployments"',
  )
  const controllerCandidates =
    controllerResult === deploymentsResult
      ? deployments
      : list(
          controllerResult!,
          `deployments in namespace "${controllerNamespaceGuess}"`,
          'the controller settings are unknown; pass --controller-namespace or grant "list deployments" there',
        )
  let controllerDeployment = findControllerDeployment(controllerCandidates)

  // Wave 2: the controller may live elsewhere (Helm into any namespace); its ConfigMaps follow it.
  if (!controllerDeployment && !allNamespaces && options.controllerNamespace === undefined) {
    const anywhere = await reader.get('/apis/apps/v1/deployments', {labelSelector: 'control-plane=controller-manager'})
    if (anywhere.kind === 'ok') {
      controllerDeployment = findControllerDeployment(listObjects(anywhere.body?.items, 'deployments').objects)
    }
  }
  const controllerNamespace = controllerDeployment?.metadata?.namespace ?? controllerNamespaceGuess
  if (!controllerDeployment) {
    const where =
      options.controllerNamespace === undefined && !allNamespaces
        ? 'in any namespace you can read'
        : scope(allNamespaces ? undefined : controllerNamespace)
    warnings.push(
      `WVA controller Deployment not found ${where}; ` +
        `assuming namespace "${controllerNamespace}" and the default ConfigMap names`,
    )
  }
  let controllerEnv = readControllerEnv(controllerDeployment)
  const configMapsResult = await reader.get(`/api/v1/namespaces/${controllerNamespace}/configmaps`)
  const controllerConfigMaps = list(
    configMapsResult,
    `configmaps in namespace "${controllerNamespace}"`,
    'the controller configuration is unknown; grant "list configmaps" there',
  )
  controllerEnv = readControllerEnv(controllerDeployment, controllerConfigMaps)
  const configMaps = controllerConfigMaps.filter((configMap) =>
    isControllerConfigMap(configMap.metadata?.name ?? '', controllerEnv),
  )

  // v0.5.1 lets a VA namespace override the saturation and scale-to-zero ConfigMaps with one of the same name.
  const mayOverride = crdShape
    ? crdShape.shape === 'C'
    : variantAutoscalings.some((va) => detectObjectShape(va) === 'C')
  const localNamespaces = [...vaNamespaces].filter((ns): ns is string => ns !== undefined && ns !== controllerNamespace)
  if (mayOverride && localNamespaces.length > 0) {
    const localPath = namespace === undefined ? '/api/v1/configmaps' : `/api/v1/namespaces/${namespace}/configmaps`
    const local = await reader.get(localPath)
    if (local.kind === 'ok') {
      const items: KubeObject[] = listObjects(local.body?.items, 'configmaps').objects
      configMaps.push(
        ...items.filter(
          (item) =>
            inVaNamespaces(item) &&
            item.metadata?.namespace !== controllerNamespace &&
            isNamespaceLocalConfigMapName(item.metadata?.name ?? '', controllerEnv),
        ),
      )
    } else if (local.code !== 404) {
      warnings.push(
        `cannot list configmaps ${scope(namespace)} (${describe(local)}): namespace-local saturation and ` +
          `scale-to-zero ConfigMaps are ignored`,
      )
    }
  }

  // v0.8+ (or a LeaderWorkerSet target): annotated scalers and LeaderWorkerSets, three more GETs at most.
  if (wvaScalers === undefined && wantsWvaScalers(crd, controllerDeployment, configMaps, variantAutoscalings)) {
    wvaScalers = await readWvaScalers(reader, namespace)
  }
  if (wvaScalers !== undefined) {
    warnings.push(...wvaScalers.warnings)
    problems.push(...wvaScalers.problems)
    for (const scaler of wvaScalers.scalers.filter(isManagedScaler)) vaNamespaces.add(scaler.metadata?.namespace)
  }
  const sources: ClusterSources = {
    variantAutoscalings,
    deployments: deployments.filter(inVaNamespaces),
    configMaps,
    crd,
    crdShape,
    controllerDeployment,
    controllerNamespace,
    controllerEnv,
    namespace,
    metricsSnapshots: [],
    warnings,
    problems,
    requestCount: 0,
    crdMissing,
  }
  if (wvaScalers !== undefined) {
    sources.scalers = wvaScalers.scalers
    sources.leaderWorkerSets = wvaScalers.leaderWorkerSets
    sources.events = wvaScalers.events.filter(inVaNamespaces)
  }
  if (podsResult)
    sources.pods = list(
      podsResult,
      `pods ${scope(namespace)}`,
      'pending and per-pod metrics are unknown; grant "list pods"',
    ).filter(inVaNamespaces)
  if (replicaSetsResult)
    sources.replicaSets = list(
      replicaSetsResult,
      `replicasets ${scope(namespace)}`,
      'pods cannot be mapped to Deployments; grant "list replicasets"',
    ).filter(inVaNamespaces)
  sources.requestCount = reader.requestCount
  return sources
}

/**
 * Whether the WVA v0.6+ extras can matter (annotated scalers, LeaderWorkerSets, the controller's events): the
 * evidence read so far (CRD, controller image, ConfigMaps) places the cluster at v0.6 or later, or a VA scales a
 * LeaderWorkerSet.
 */
function wantsWvaScalers(
  crd: KubeObject | undefined,
  controllerDeployment: KubeObject | undefined,
  configMaps: readonly KubeObject[],
  variantAutoscalings: readonly KubeObject[],
): boolean {
  const release = detectWvaRelease({crd, controllerDeployment, configMaps}).range
  const late = release !== undefined && ['v0.6', 'v0.7', 'v0.8', 'v0.9'].includes(release.from)
  const lws = variantAutoscalings.some((va) => field(field(va.spec, 'scaleTargetRef'), 'kind') === 'LeaderWorkerSet')
  return late || lws
}

function readVariantAutoscalings(
  response: KubeResponse,
  context: {
    names: string[]
    namespace: string | undefined
    labelSelector: string | undefined
    connection: ClusterConnection
    /** After a 404: whether the CRD or discovery says the server serves the VA type (undefined: could not tell). */
    vaTypeServed: boolean | undefined
    problems: NonNullable<SourceSet['problems']>
  },
): KubeObject[] {
  const {names, namespace, vaTypeServed} = context
  if (response.kind === 'error') {
    const isNamedGet = names.length === 1 && namespace !== undefined
    // Without the CRD and discovery (both unreadable), the Status details are the only evidence left.
    const isMissingObject = vaTypeServed ?? response.status.details?.name === names[0]
    if (response.code === 404 && isNamedGet && isMissingObject) throw notFound(names[0]!, namespace)
    if (response.code === 404 && vaTypeServed !== true) {
      throw new ClusterError(
        `the server has no resource type "${vaCrdName}": the VariantAutoscaling CRD is not installed on ` +
          `${context.connection.server}`,
        {
          hint: `is WVA installed? Check with "kubectl get crd ${vaCrdName}", or pick another --context`,
        },
      )
    }
    if (response.code === 403) {
      throw new ClusterError(
        `cannot ${isNamedGet ? 'get' : 'list'} ${vaCrdName} ${scope(namespace)}: ` +
          `${response.status.message ?? 'forbidden'}`,
        {
          hint:
            `ask for RBAC "${isNamedGet ? 'get' : 'list'} ${vaCrdName}"; check with "kubectl auth can-i list ` +
            `${vaCrdName}${namespace ? ` -n ${namespace}` : ' -A'}"`,
        },
      )
    }
    throw new ClusterError(`reading ${vaCrdName} ${scope(namespace)} failed: ${describe(response)}`, {
      hint: 'retry, or check the API server health',
    })
  }
  const body = response.body
  const single = names.length === 1 && namespace !== undefined
  if (!single && body?.items !== undefined && body?.items !== null && !Array.isArray(body.items)) {
    throw new ClusterError(`listing ${vaCrdName} ${scope(namespace)}: the answer's items is not a list`, {
      hint: 'the API server or a proxy returned a broken list: retry, or report it',
    })
  }
  const items = single ? listObjects([body], vaPlural).objects : collectObjects(body?.items, vaPlural, context.problems)
  for (const item of items) {
    // Lists of custom resources carry apiVersion and kind on each item, but be safe: normalisation keys on them.
    item.apiVersion ??= `${vaGroup}/${vaVersion}`
    item.kind ??= 'VariantAutoscaling'
  }
  if (names.length === 0) return items
  const wanted = items.filter((item) => names.includes(item.metadata?.name ?? ''))
  for (const name of names) if (!wanted.some((item) => item.metadata?.name === name)) throw notFound(name, namespace)
  return names.flatMap((name) => wanted.filter((item) => item.metadata?.name === name))
}

/**
 * Whether the API server serves llmd.ai/v1alpha1 variantautoscalings: from the CRD when it was read (a 404 for it
 * means it is not installed), else from discovery of the group version; undefined when neither can be read.
 */
async function isVaTypeServed(reader: KubeReader, crdResult: KubeResponse): Promise<boolean | undefined> {
  const versions: unknown = crdResult.kind === 'ok' ? crdResult.body?.spec?.versions : undefined
  if (Array.isArray(versions)) {
    type Version = {name?: unknown; served?: unknown}
    return versions.some((version: Version) => version?.name === vaVersion && version.served !== false)
  }
  if (crdResult.kind === 'error' && crdResult.code === 404) return false
  const discovery = await reader.get(`/apis/${vaGroup}/${vaVersion}`)
  if (discovery.kind === 'error') return discovery.code === 404 ? false : undefined
  const resources: unknown = discovery.body?.resources
  if (!Array.isArray(resources)) return undefined
  return resources.some((resource: {name?: unknown}) => resource?.name === vaPlural)
}

function notFound(name: string, namespace: string | undefined): InputError {
  // kubectl's words after the scope: `namespace "llm": variantautoscalings.llmd.ai "nope" not found`.
  const where = namespace === undefined ? 'all namespaces' : `namespace "${namespace}"`
  const hint =
    namespace === undefined
      ? 'list them with "kubectl get va -A"'
      : `list them with "kubectl get va -n ${namespace}", or pass -n or -A`
  return new InputError(`${where}: ${vaCrdName} "${name}" not found`, {hint})
}

/** Items of a list response, or [] plus a warning when it was refused; an item that is no object is a problem. */
function listItems(
  response: KubeResponse,
  what: string,
  warnings: string[],
  consequence: string,
  problems: NonNullable<SourceSet['problems']>,
): KubeObject[] {
  if (response.kind === 'ok') return collectObjects(response.body?.items, what.split(' ')[0]!, problems)
  warnings.push(`cannot list ${what} (${describe(response)}): ${consequence}`)
  return []
}

function describe(response: Extract<KubeResponse, {kind: 'error'}>): string {
  const reason =
    response.status.reason ?? ({403: 'Forbidden', 404: 'NotFound'} as Record<number, string>)[response.code] ?? 'Error'
  return `${response.code} ${reason}`
}

function scope(namespace: string | undefined): string {
  return namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`
}

/** The objects of a list's items, each broken item (null, a string, a number as name) reported for itself. */
function collectObjects(items: unknown, resource: string, problems: NonNullable<SourceSet['problems']>): KubeObject[] {
  const listed = listObjects(items, resource)
  problems.push(...listed.problems)
  return listed.objects
}
