/**
 * The variants of WVA v0.6-v0.9, parsed once from what the cluster (or a manifest) holds: a v0.6/v0.7
 * VariantAutoscaling (shape D: scaleTargetRef, minReplicas default 1, maxReplicas default 2), or, from v0.8, an HPA
 * or KEDA ScaledObject annotated `llm-d.ai/managed: "true"` (upstream internal/annotations
 * variant_fromannotations.go). Pure: the caller reads, this parses. Reference: ../shared/reference/wva-v0.6-v0.9.md
 * §1, §5 and §8.
 */
import {isRecord} from './field-problems.js'
import {field, type KubeObject} from './kube-object.js'

export type WvaVariantKind = 'VariantAutoscaling' | 'HorizontalPodAutoscaler' | 'ScaledObject'

/** The release lines whose accelerator lookup and defaults differ (v0.7 = v0.6). */
export type WvaVariantRelease = 'v0.6' | 'v0.7' | 'v0.8' | 'v0.9'

export type WvaRole = 'prefill' | 'decode' | 'both'

export const managedAnnotation = 'llm-d.ai/managed'
export const modelIdAnnotation = 'llm-d.ai/model-id'
export const variantCostAnnotation = 'llm-d.ai/variant-cost'
export const variantAnnotation = 'llm-d.ai/variant'
export const roleKey = 'llm-d.ai/role'
export const acceleratorLabel = 'inference.optimization/acceleratorName'
/** The kubebuilder default of spec.variantCost and the annotation's default. */
export const defaultVariantCost = 10

/** What `describe` shows of the scaler behind an annotated variant. */
export interface WvaScalerSummary {
  readonly kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
  /** HPA metrics (`External wva_desired_replicas`) or ScaledObject triggers (`prometheus`), one phrase each. */
  readonly triggers: readonly string[]
  readonly currentReplicas: number | undefined
  readonly desiredReplicas: number | undefined
}

export interface WvaVariant {
  readonly kind: WvaVariantKind
  readonly namespace: string
  /** The VA name, or the scaler name (what `wva_desired_replicas` carries as `variant_name`). */
  readonly name: string
  readonly modelID: string
  /** Per replica; `spec.variantCost` or `llm-d.ai/variant-cost`, default 10. */
  readonly cost: number
  /** As written (`"40.0"`), or the default. */
  readonly costText: string
  /** The `llm-d.ai/variant` annotation, when set. */
  readonly variantLabel: string | undefined
  /** The `llm-d.ai/role` annotation as written, when set (the pod template label decides the role: `roleOf`). */
  readonly roleAnnotation: string | undefined
  readonly minReplicas: number
  readonly maxReplicas: number
  readonly target: {readonly apiVersion: string; readonly kind: string; readonly name: string}
  /**
   * The controller's last decision: a VA's `status.desiredOptimizedAlloc.numReplicas` (undefined: none yet, never 0);
   * a scaler's `status.desiredReplicas`.
   */
  readonly desiredReplicas: number | undefined
  /** The VA label `inference.optimization/acceleratorName`, the accelerator's last resort. */
  readonly acceleratorLabel: string | undefined
  readonly creationTimestamp: string | undefined
  readonly lastRunTime: string | undefined
  readonly conditions: ReadonlyArray<{type: string; status: string; reason?: string; message?: string}>
  readonly scaler: WvaScalerSummary | undefined
}

/** One variant that cannot be used; the others stand. `error: <source>: <message>; <hint>`. */
export interface WvaVariantProblem {
  readonly source: string
  readonly message: string
  readonly hint: string
}

export type WvaVariantParse =
  | {readonly ok: true; readonly variant: WvaVariant}
  | {readonly ok: false; readonly problem: WvaVariantProblem}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined

/** `horizontalpodautoscaler llm/name`, `scaledobject llm/name`, `variantautoscaling llm/name`. */
export function variantSource(kind: WvaVariantKind, namespace: string, name: string): string {
  return `${kind.toLowerCase()} ${namespace}/${name}`
}

function editHint(kind: WvaVariantKind, namespace: string, name: string): string {
  const resource = {VariantAutoscaling: 'va', HorizontalPodAutoscaler: 'hpa', ScaledObject: 'scaledobject'}[kind]
  return `kubectl edit ${resource} ${name} -n ${namespace}`
}

/** `^\d+(\.\d+)?$` (the CRD's pattern) and Go's ParseFloat ≥ 0 for the annotation. */
function parseCost(text: string): number | undefined {
  if (!/^\s*[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) || text.trim() !== text) return undefined
  const value = Number(text)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

function conditionsOf(status: unknown): WvaVariant['conditions'] {
  const raw = field(status, 'conditions')
  if (!Array.isArray(raw)) return []
  return raw.filter(isRecord).map((condition) => ({
    type: str(condition.type) ?? '',
    status: str(condition.status) ?? '',
    ...(typeof condition.reason === 'string' ? {reason: condition.reason} : {}),
    ...(typeof condition.message === 'string' ? {message: condition.message} : {}),
  }))
}

function targetRef(ref: unknown): WvaVariant['target'] | undefined {
  const name = str(field(ref, 'name'))
  if (name === undefined || name === '') return undefined
  return {
    apiVersion: str(field(ref, 'apiVersion')) || 'apps/v1',
    kind: str(field(ref, 'kind')) || 'Deployment',
    name,
  }
}

function boundsProblem(min: number, max: number): string | undefined {
  if (min < 0) return `min replicas ${min} is negative`
  if (max < 1) return `max replicas ${max} must be at least 1`
  if (min > max) return `min replicas ${min} is greater than max replicas ${max}`
  return undefined
}

/**
 * A v0.6/v0.7 (or v0.8, deprecated) VariantAutoscaling: spec.scaleTargetRef, spec.modelID, spec.minReplicas
 * (default 1), spec.maxReplicas (default 2), spec.variantCost (default "10.0"; the engine uses 10 when it does not
 * parse), status.desiredOptimizedAlloc.numReplicas (absent = no decision yet).
 */
export function parseShapeDVariant(object: KubeObject): WvaVariantParse {
  const namespace = object.metadata?.namespace ?? 'default'
  const name = object.metadata?.name ?? ''
  const kind: WvaVariantKind = 'VariantAutoscaling'
  const fail = (message: string, hint: string): WvaVariantParse => ({
    ok: false,
    problem: {source: variantSource(kind, namespace, name), message, hint},
  })
  const spec = object.spec
  const modelID = str(field(spec, 'modelID')) ?? ''
  if (modelID === '')
    return fail('spec.modelID is missing or empty', `set it with "${editHint(kind, namespace, name)}"`)
  const target = targetRef(field(spec, 'scaleTargetRef'))
  if (target === undefined) {
    return fail('spec.scaleTargetRef.name is missing', `name the Deployment or LeaderWorkerSet it scales`)
  }
  const minRaw = field(spec, 'minReplicas')
  const maxRaw = field(spec, 'maxReplicas')
  const minReplicas = minRaw === undefined || minRaw === null ? 1 : int(minRaw)
  const maxReplicas = maxRaw === undefined || maxRaw === null ? 2 : int(maxRaw)
  if (minReplicas === undefined || maxReplicas === undefined) {
    return fail('spec.minReplicas and spec.maxReplicas must be integers', `fix them in the VA`)
  }
  const bounds = boundsProblem(minReplicas, maxReplicas)
  if (bounds !== undefined) return fail(`spec: ${bounds}`, `fix the bounds with "${editHint(kind, namespace, name)}"`)
  const costText = str(field(spec, 'variantCost')) ?? ''
  const cost = costText === '' ? defaultVariantCost : (parseCost(costText) ?? defaultVariantCost)
  const alloc = field(object.status, 'desiredOptimizedAlloc')
  const numReplicas = int(field(alloc, 'numReplicas'))
  return {
    ok: true,
    variant: {
      kind,
      namespace,
      name,
      modelID,
      cost,
      costText: costText === '' ? '10.0' : costText,
      variantLabel: undefined,
      roleAnnotation: undefined,
      minReplicas,
      maxReplicas,
      target,
      desiredReplicas: numReplicas !== undefined && numReplicas >= 0 ? numReplicas : undefined,
      acceleratorLabel: object.metadata?.labels?.[acceleratorLabel],
      creationTimestamp: object.metadata?.creationTimestamp,
      lastRunTime: str(field(alloc, 'lastRunTime')),
      conditions: conditionsOf(object.status),
      scaler: undefined,
    },
  }
}

function scalerTriggers(object: KubeObject): string[] {
  if (object.kind === 'ScaledObject') {
    const triggers = field(object.spec, 'triggers')
    return (Array.isArray(triggers) ? triggers : []).map((trigger) => str(field(trigger, 'type')) ?? '?')
  }
  const metrics = field(object.spec, 'metrics')
  return (Array.isArray(metrics) ? metrics : []).map((metric) => {
    const type = str(field(metric, 'type')) ?? '?'
    const source = field(metric, type.charAt(0).toLowerCase() + type.slice(1))
    const name = str(field(field(source, 'metric'), 'name')) ?? str(field(source, 'name'))
    return name === undefined ? type : `${type} ${name}`
  })
}

/**
 * An HPA or ScaledObject annotated `llm-d.ai/managed: "true"` (v0.8+): the model from `llm-d.ai/model-id`
 * (required, non-empty), the cost from `llm-d.ai/variant-cost` (default 10; must parse and be ≥ 0, otherwise the
 * controller rejects the object), min/max from the scaler (HPA minReplicas default 1; ScaledObject minReplicaCount
 * default 0 and maxReplicaCount default 100, as KEDA's GetHPAMaxReplicas). Undefined for an object that is not
 * managed.
 */
export function parseManagedScaler(object: KubeObject): WvaVariantParse | undefined {
  const annotations = object.metadata?.annotations ?? {}
  if (annotations[managedAnnotation] !== 'true') return undefined
  const kind: WvaVariantKind = object.kind === 'ScaledObject' ? 'ScaledObject' : 'HorizontalPodAutoscaler'
  const namespace = object.metadata?.namespace ?? 'default'
  const name = object.metadata?.name ?? ''
  const edit = editHint(kind, namespace, name)
  const fail = (message: string, hint: string): WvaVariantParse => ({
    ok: false,
    problem: {source: variantSource(kind, namespace, name), message, hint},
  })
  const modelID = annotations[modelIdAnnotation] ?? ''
  if (modelID === '') {
    return fail(`annotation ${modelIdAnnotation} is missing or empty`, `set it to the model's ID with "${edit}"`)
  }
  const costText = annotations[variantCostAnnotation] ?? ''
  const cost = costText === '' ? defaultVariantCost : parseCost(costText)
  if (cost === undefined) {
    return fail(
      `annotation ${variantCostAnnotation} "${costText}" is not a non-negative number (the controller skips it)`,
      `write a decimal such as "40.0" with "${edit}"`,
    )
  }
  const target = targetRef(field(object.spec, 'scaleTargetRef'))
  if (target === undefined) {
    return fail('spec.scaleTargetRef is missing (the controller skips it)', `name the Deployment it scales`)
  }
  let minReplicas: number | undefined
  let maxReplicas: number | undefined
  if (kind === 'ScaledObject') {
    const min = field(object.spec, 'minReplicaCount')
    const max = field(object.spec, 'maxReplicaCount')
    minReplicas = min === undefined || min === null ? 0 : int(min)
    maxReplicas = max === undefined || max === null ? 100 : int(max)
  } else {
    const min = field(object.spec, 'minReplicas')
    minReplicas = min === undefined || min === null ? 1 : int(min)
    maxReplicas = int(field(object.spec, 'maxReplicas'))
  }
  if (minReplicas === undefined || maxReplicas === undefined) {
    return fail('the replica bounds must be integers (maxReplicas is required)', `fix them with "${edit}"`)
  }
  const bounds = boundsProblem(minReplicas, maxReplicas)
  if (bounds !== undefined) return fail(bounds, `fix the bounds with "${edit}"`)
  const status = object.status
  return {
    ok: true,
    variant: {
      kind,
      namespace,
      name,
      modelID,
      cost,
      costText: costText === '' ? '10.0' : costText,
      variantLabel: annotations[variantAnnotation],
      roleAnnotation: annotations[roleKey],
      minReplicas,
      maxReplicas,
      target,
      desiredReplicas: kind === 'HorizontalPodAutoscaler' ? int(field(status, 'desiredReplicas')) : undefined,
      acceleratorLabel: object.metadata?.labels?.[acceleratorLabel],
      creationTimestamp: object.metadata?.creationTimestamp,
      lastRunTime: undefined,
      conditions: conditionsOf(status),
      scaler: {
        kind,
        triggers: scalerTriggers(object),
        currentReplicas: int(field(status, 'currentReplicas')),
        desiredReplicas: int(field(status, 'desiredReplicas')),
      },
    },
  }
}

/** Every managed scaler of a list, parsed; unmanaged ones are left out. */
export function parseManagedScalers(objects: readonly KubeObject[]): {
  variants: WvaVariant[]
  /** The scaler of each variant, in the same order. */
  objects: KubeObject[]
  problems: WvaVariantProblem[]
} {
  const variants: WvaVariant[] = []
  const kept: KubeObject[] = []
  const problems: WvaVariantProblem[] = []
  for (const object of objects) {
    const parsed = parseManagedScaler(object)
    if (parsed === undefined) continue
    if (parsed.ok) {
      variants.push(parsed.variant)
      kept.push(object)
    } else problems.push(parsed.problem)
  }
  return {variants, objects: kept, problems}
}

/** The pod template of a scale target: a Deployment's, or a LeaderWorkerSet's leader (else worker) template. */
export function targetPodTemplate(target: KubeObject | undefined): unknown {
  if (target === undefined) return undefined
  if (target.kind === 'LeaderWorkerSet') {
    const lws = field(target.spec, 'leaderWorkerTemplate')
    return field(lws, 'leaderTemplate') ?? field(lws, 'workerTemplate')
  }
  return field(target.spec, 'template')
}

const productKeys: Readonly<Record<WvaVariantRelease, readonly string[]>> = {
  'v0.6': ['nvidia.com/gpu.product', 'amd.com/gpu.product-name', 'cloud.google.com/gke-accelerator'],
  'v0.7': ['nvidia.com/gpu.product', 'amd.com/gpu.product-name', 'cloud.google.com/gke-accelerator'],
  'v0.8': ['nvidia.com/gpu.product', 'amd.com/gpu.product-name', 'cloud.google.com/gke-accelerator'],
  'v0.9': [
    'amd.com/gpu.product-name',
    'cloud.google.com/gke-accelerator',
    'gpu.intel.com/product',
    'habana.ai/product.name',
    'nvidia.com/gpu.product',
  ],
}

function affinityValue(terms: unknown, keys: readonly string[], preferred: boolean): string | undefined {
  for (const term of Array.isArray(terms) ? terms : []) {
    const selector = preferred ? field(term, 'preference') : term
    const expressions = field(selector, 'matchExpressions')
    for (const expression of Array.isArray(expressions) ? expressions : []) {
      const key = str(field(expression, 'key'))
      const values = field(expression, 'values')
      if (key === undefined || !keys.includes(key) || field(expression, 'operator') !== 'In') continue
      if (Array.isArray(values) && typeof values[0] === 'string') return values[0]
    }
  }
  return undefined
}

/**
 * Upstream `GetAcceleratorNameFromScaleTarget`: the pod template's nodeSelector under the first product key present,
 * then required and preferred node affinity (`In` with a value), then the VA label, then the default (`""` at
 * v0.6/v0.7, which also return `""` without a pod template; `"unknown"` from v0.8).
 */
export function acceleratorOf(
  podTemplate: unknown,
  labelValue: string | undefined,
  release: WvaVariantRelease,
): string {
  const early = release === 'v0.6' || release === 'v0.7'
  if (podTemplate === undefined && early) return ''
  const keys = productKeys[release]
  const podSpec = field(podTemplate, 'spec')
  const selector = field(podSpec, 'nodeSelector')
  for (const key of keys) {
    const value = str(field(selector, key))
    if (value !== undefined && value !== '') return value
  }
  const nodeAffinity = field(field(podSpec, 'affinity'), 'nodeAffinity')
  const required = field(field(nodeAffinity, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms')
  const fromAffinity =
    affinityValue(required, keys, false) ??
    affinityValue(field(nodeAffinity, 'preferredDuringSchedulingIgnoredDuringExecution'), keys, true)
  if (fromAffinity !== undefined) return fromAffinity
  if (labelValue !== undefined && labelValue !== '') return labelValue
  return early ? '' : 'unknown'
}

/** The role from the pod template's `llm-d.ai/role` label (else the scaler's annotation): prefill, decode or both. */
export function roleOf(podTemplate: unknown, annotation: string | undefined): WvaRole {
  const label = str(field(field(field(podTemplate, 'metadata'), 'labels'), roleKey)) ?? annotation
  return label === 'prefill' || label === 'decode' ? label : 'both'
}
