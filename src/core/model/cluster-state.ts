import {readControllerImageTag, type ControllerEnv} from './controller.js'
import {readControllerConfig, type ControllerConfig} from './controller-config.js'
import type {KubeObject} from './kube-object.js'
import {type CrdShape, detectCrdShape} from './shape.js'
import type {SourceSet} from './sources.js'
import {normalizeVariantAutoscaling, type VariantAutoscaling} from './variant-autoscaling.js'
import {detectWvaRelease, type WvaReleaseDetection} from './wva-release.js'
import {withWvaInstallation} from './wva-installation.js'

/** The one key of a namespaced object (a VA, a Deployment): `namespace\0name`. */
export type NamespacedKey = string & {readonly __namespacedKey: true}

export function namespacedKey(namespace: string, name: string): NamespacedKey {
  return `${namespace}\u0000${name}` as NamespacedKey
}

/** The key of a raw object, with Kubernetes' defaults (namespace `default`, name empty). */
export function objectKey(object: KubeObject): NamespacedKey {
  return namespacedKey(object.metadata?.namespace ?? 'default', object.metadata?.name ?? '')
}

/** One VA, parsed with the CRD's shape; its problems (if any) are its own and hide no other VA. */
export interface ParsedVariant {
  readonly key: NamespacedKey
  readonly va: VariantAutoscaling
  /**
   * The object as read. Only two later steps need it: the snapshot (it writes the object back out) and the
   * saturation replay (it writes the simulated replicas and desired allocation onto it each cycle).
   */
  readonly object: KubeObject
}

/**
 * The parsed state of one run: the raw snapshot (`sources`) and everything parsed from it once, in this layer: the
 * VAs (with the CRD shape), the CRD shape, the controller config and env, its image tag and namespace, and the WVA
 * release. Later layers take a ClusterState and never re-parse the VAs or the controller config from the sources.
 */
export interface ClusterState {
  /** The raw snapshot (Deployments, pods, ConfigMaps, MetricsSnapshots, warnings); VAs are read from `variants`. */
  readonly sources: SourceSet
  /** The installed CRD's shape, when its schema was read and recognised. */
  readonly crdShape: CrdShape | undefined
  /** Every VA of the sources, in source order. */
  readonly variants: readonly ParsedVariant[]
  /** The controller's configuration (ConfigMaps and Deployment env), parsed once. */
  readonly config: ControllerConfig
  /** The controller Deployment's env, resolved (the same object as `config.env`). */
  readonly env: ControllerEnv
  /** The controller's manager image tag (`v0.4.2`), when the Deployment was found and its image has a tag. */
  readonly controllerImageTag: string | undefined
  /** The controller namespace as given (--controller-namespace), else the Deployment's, else its POD_NAMESPACE. */
  readonly controllerNamespace: string | undefined
  /** The WVA release the installation runs, with its evidence (image tag, CRD, ConfigMaps). */
  readonly release: WvaReleaseDetection
}

/**
 * Parses a raw snapshot once: every VA (one bad VA keeps its own problems), the CRD shape, the controller. A WVA
 * v0.6-v0.9 installation is resolved here too (`sources.wva`): its variants (VAs, annotated HPAs and ScaledObjects)
 * become the in-memory VAs every later layer reads. `crdMissing`: the API server does not serve the VA type.
 */
export function parseClusterState(raw: SourceSet, options: {crdMissing?: boolean | undefined} = {}): ClusterState {
  const sources = withWvaInstallation(raw, options)
  const crdShape = detectCrdShape(sources.crd)
  const config = readControllerConfig(sources.configMaps, sources.controllerDeployment, sources.controllerNamespace)
  const controllerImageTag = readControllerImageTag(sources.controllerDeployment)
  return {
    sources,
    crdShape,
    variants: parseVariants(sources.variantAutoscalings, crdShape, new Map()),
    config,
    env: config.env,
    controllerImageTag,
    controllerNamespace:
      sources.controllerNamespace ?? sources.controllerDeployment?.metadata?.namespace ?? config.env.podNamespace,
    release:
      sources.wva?.detection ??
      detectWvaRelease({
        crd: sources.crd ?? (options.crdMissing === true ? null : undefined),
        controllerDeployment: sources.controllerDeployment,
        configMaps: sources.configMaps,
        scalers: sources.scalers,
      }),
  }
}

/** The objects a derived state may replace; the controller's objects (and so its config) stay. */
export type ClusterStatePatch = Partial<
  Pick<SourceSet, 'variantAutoscalings' | 'deployments' | 'pods' | 'replicaSets' | 'metricsSnapshots'>
>

/**
 * The state with some objects replaced (a sweep's selected VAs, a replay cycle's simulated replicas): VAs whose
 * object is unchanged keep their parse; new objects are parsed with the same CRD shape; the controller is kept.
 */
export function deriveClusterState(state: ClusterState, patch: ClusterStatePatch): ClusterState {
  const sources: SourceSet = {...state.sources, ...patch}
  if (patch.variantAutoscalings === undefined) return {...state, sources}
  const known = new Map(state.variants.map((variant) => [variant.object, variant]))
  return {...state, sources, variants: parseVariants(patch.variantAutoscalings, state.crdShape, known)}
}

/** The state with only the VAs `keep` accepts. */
export function filterVariants(state: ClusterState, keep: (variant: ParsedVariant) => boolean): ClusterState {
  const variants = state.variants.filter(keep)
  return {
    ...state,
    sources: {...state.sources, variantAutoscalings: variants.map((variant) => variant.object)},
    variants,
  }
}

/** The VAs sorted by namespace, then name (the order of every list the product prints). */
export function sortedVariants(state: ClusterState): ParsedVariant[] {
  return [...state.variants].sort(
    (a, b) => a.va.namespace.localeCompare(b.va.namespace) || a.va.name.localeCompare(b.va.name),
  )
}

function parseVariants(
  objects: readonly KubeObject[],
  crdShape: CrdShape | undefined,
  known: ReadonlyMap<KubeObject, ParsedVariant>,
): ParsedVariant[] {
  return objects.map((object) => {
    const reused = known.get(object)
    if (reused !== undefined) return reused
    const va = normalizeVariantAutoscaling(object, crdShape?.shape)
    return {key: namespacedKey(va.namespace, va.name), va, object}
  })
}
