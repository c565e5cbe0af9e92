/**
 * Whether a SourceSet is a WVA v0.6-v0.9 installation, which release decides, and its variants: the VAs (v0.6-v0.8
 * read them) and the HPAs/ScaledObjects annotated `llm-d.ai/managed: "true"` (v0.8 and v0.9 read them; mixed
 * clusters during a migration have both). Pure: parsed once here for get, describe, simulate and snapshot.
 */
import type {KubeObject} from './kube-object.js'
import type {SourceSet} from './sources.js'
import {detectWvaRelease, type WvaRelease, type WvaReleaseDetection, wvaReleases} from './wva-release.js'
import {
  acceleratorOf,
  parseManagedScalers,
  targetPodTemplate,
  parseShapeDVariant,
  type WvaVariant,
  type WvaVariantProblem,
  type WvaVariantRelease,
} from './wva-variant.js'

export interface WvaInstallation {
  /** The release whose behaviour is replayed. */
  readonly release: WvaVariantRelease
  readonly detection: WvaReleaseDetection
  /** Sorted by namespace, then name. */
  readonly variants: readonly WvaVariant[]
  /** The VA or scaler object of each variant, in the same order (what a snapshot writes back). */
  readonly objects: readonly KubeObject[]
  /** One per variant that cannot be used (the others stand). */
  readonly problems: readonly WvaVariantProblem[]
  /** Scale targets: the Deployments and LeaderWorkerSets read. */
  readonly targets: readonly KubeObject[]
  /** Remarks for stderr: how the release was chosen when the evidence left a range. */
  readonly notes: readonly string[]
}

const index = (release: WvaRelease) => wvaReleases.indexOf(release)

/**
 * The v0.6+ installation of `sources`, or undefined when the evidence does not place it at v0.6 or later (older
 * releases keep their own pipeline). `crdMissing`: the API server answered 404 for the VA CRD (live only).
 */
export function resolveWvaInstallation(
  sources: SourceSet,
  options: {crdMissing?: boolean | undefined} = {},
): WvaInstallation | undefined {
  const scalers = sources.scalers ?? []
  const detection = detectWvaRelease({
    crd: sources.crd ?? (options.crdMissing === true ? null : undefined),
    controllerDeployment: sources.controllerDeployment,
    configMaps: sources.configMaps,
    scalers,
  })
  const range = detection.range
  if (range === undefined || index(range.from) < index('v0.6')) return undefined
  const managed = parseManagedScalers(scalers)
  const notes: string[] = []
  let release = detection.release as WvaVariantRelease | undefined
  if (release === undefined) {
    // Scalers are read from v0.8 (v0.9 is the release that reads nothing else); VAs alone point at the oldest.
    release = (managed.variants.length > 0 || sources.variantAutoscalings.length === 0 ? range.to : range.from) as
      | WvaVariantRelease
      | undefined
    notes.push(`WVA release ${detection.label} (from the cluster's evidence); replaying ${release}`)
  }
  if (release === undefined) return undefined
  const problems: WvaVariantProblem[] = [...managed.problems]
  const variants: WvaVariant[] = [...managed.variants]
  const objectOf = new Map<WvaVariant, KubeObject>()
  for (const [index, variant] of managed.variants.entries()) objectOf.set(variant, managed.objects[index]!)
  // v0.9 has no VariantAutoscaling API: any VA left on the cluster is not read by the controller.
  if (release !== 'v0.9') {
    for (const object of sources.variantAutoscalings) {
      const parsed = parseShapeDVariant(object)
      if (parsed.ok) {
        variants.push(parsed.variant)
        objectOf.set(parsed.variant, object)
      } else problems.push(parsed.problem)
    }
  } else if (sources.variantAutoscalings.length > 0) {
    notes.push(
      `${sources.variantAutoscalings.length} VariantAutoscaling object(s) left from an older release: v0.9 reads ` +
        'only annotated HPAs and ScaledObjects, so they are not shown',
    )
  }
  variants.sort((a, b) =>
    a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  return {
    release,
    detection,
    variants,
    objects: variants.map((variant) => objectOf.get(variant)!),
    problems,
    targets: [...sources.deployments, ...(sources.leaderWorkerSets ?? [])],
    notes,
  }
}

/** Annotations kubectl-va puts on the in-memory VA of a variant (never written anywhere). */
export const variantKindAnnotation = 'kubectl-va.llmd.ai/variant-kind'

/**
 * The in-memory VariantAutoscaling of a variant, as v0.8+ builds one from a scaler (upstream
 * VariantAutoscalingFromHPA/FromScaledObject): scaleTargetRef, modelID, variantCost, min/max, and the VA's status
 * when there is a VA. The rows of get, describe and simulate are built from these.
 */
export function variantObject(variant: WvaVariant, accelerator?: string): KubeObject {
  // v0.6+ takes the accelerator from the scale target's pod template (the label is the last resort): the in-memory
  // VA carries the result as the label, which is where the v0.5 engine looks for it.
  const label = accelerator !== undefined && accelerator !== '' ? accelerator : variant.acceleratorLabel
  return {
    apiVersion: 'llmd.ai/v1alpha1',
    kind: 'VariantAutoscaling',
    metadata: {
      name: variant.name,
      namespace: variant.namespace,
      annotations: {[variantKindAnnotation]: variant.kind, 'llm-d.ai/synthetic': 'true'},
      ...(label === undefined ? {} : {labels: {'inference.optimization/acceleratorName': label}}),
      ...(variant.creationTimestamp === undefined ? {} : {creationTimestamp: variant.creationTimestamp}),
    },
    spec: {
      scaleTargetRef: {...variant.target},
      modelID: variant.modelID,
      variantCost: variant.costText,
      minReplicas: variant.minReplicas,
      maxReplicas: variant.maxReplicas,
    },
    status: {
      desiredOptimizedAlloc: {
        ...(variant.kind === 'VariantAutoscaling' && variant.desiredReplicas !== undefined
          ? {numReplicas: variant.desiredReplicas}
          : {}),
        ...(variant.lastRunTime === undefined ? {} : {lastRunTime: variant.lastRunTime}),
      },
      conditions: variant.conditions.map((condition) => ({...condition})),
    },
  }
}

/**
 * `sources` with its v0.6+ installation resolved (`wva`), its VAs replaced by one in-memory VA per usable variant
 * (VAs and annotated scalers alike), and each unusable variant reported as a problem. Unchanged before v0.6.
 */
export function withWvaInstallation<T extends SourceSet>(
  sources: T,
  options: {crdMissing?: boolean | undefined} = {},
): T {
  if (sources.wva !== undefined) return sources
  const installation = resolveWvaInstallation(sources, options)
  if (installation === undefined) return sources
  const problems = [...(sources.problems ?? []), ...installation.problems.map((problem) => ({...problem}))]
  return {
    ...sources,
    wva: installation,
    variantAutoscalings: installation.variants.map((variant) =>
      variantObject(variant, acceleratorOfVariant(installation, variant)),
    ),
    warnings: [...sources.warnings, ...installation.notes],
    problems,
  }
}

/** The accelerator the release reads for a variant, from its scale target's pod template or the VA label. */
export function acceleratorOfVariant(installation: WvaInstallation, variant: WvaVariant): string {
  const target = installation.targets.find(
    (candidate) =>
      (candidate.metadata?.namespace ?? 'default') === variant.namespace &&
      candidate.metadata?.name === variant.target.name &&
      (candidate.kind ?? 'Deployment') === variant.target.kind,
  )
  return acceleratorOf(targetPodTemplate(target), variant.acceleratorLabel, installation.release)
}
