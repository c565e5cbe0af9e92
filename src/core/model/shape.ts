import {field, type KubeObject} from './kube-object.js'
import {detectShapeFromObject} from './variant-autoscaling.js'

/**
 * The VariantAutoscaling API shapes (docs: wva-controller reference, section 0):
 * A = multi-accelerator modelProfile (v0.0.1-v0.4.2); B0/B1/B2 = the unreleased single-variant branch (PR #233 and
 * #243); C = scaleTargetRef + saturation engine (v0.5.x).
 */
export type VaShape = 'A' | 'B0' | 'B1' | 'B2' | 'C'

/** Which shape-A release line a CRD schema matches, by the fields it has. */
export type ShapeARelease = 'v0.0.1' | 'v0.0.2-v0.0.4' | 'v0.0.5' | 'v0.4.x'

export interface CrdShape {
  shape: VaShape
  /** Shape A only: the release line the schema belongs to. */
  release?: ShapeARelease | undefined
  /** spec.minReplicas/maxReplicas exist (B1, B2, and C builds after 2026-03). */
  hasReplicaBounds: boolean
}

/** One `.spec.versions[]` entry of a CRD as read, unvalidated: the fields detectCrdShape looks at. */
interface RawCrdVersion {
  name?: unknown
  schema?: {openAPIV3Schema?: {properties?: {spec?: {properties?: unknown}; status?: {properties?: unknown}}}}
}

/**
 * Shape of the installed CRD, from `.spec.versions[].schema.openAPIV3Schema.properties.spec.properties` of the
 * served v1alpha1 version (else the first). Undefined when the schema says nothing we recognise.
 */
export function detectCrdShape(crd: KubeObject | undefined): CrdShape | undefined {
  const rawVersions = field(crd?.spec, 'versions')
  const versions: Array<RawCrdVersion | null | undefined> = Array.isArray(rawVersions) ? rawVersions : []
  const version = versions.find((candidate) => candidate?.name === 'v1alpha1') ?? versions[0]
  const schema = version?.schema?.openAPIV3Schema?.properties
  const spec = schema?.spec?.properties
  if (!spec || typeof spec !== 'object') return undefined
  const status = (schema?.status?.properties ?? {}) as object
  const has = (field: string) => Object.hasOwn(spec, field)
  const hasReplicaBounds = has('minReplicas') || has('maxReplicas')
  if (has('variantID')) return {shape: has('scaleTargetRef') ? 'B2' : hasReplicaBounds ? 'B1' : 'B0', hasReplicaBounds}
  if (has('modelProfile')) {
    let release: ShapeARelease
    if (!Object.hasOwn(status, 'conditions')) release = 'v0.0.1'
    else if (has('variantCost')) release = has('sloClassRef') ? 'v0.0.5' : 'v0.4.x'
    else release = 'v0.0.2-v0.0.4'
    return {shape: 'A', release, hasReplicaBounds}
  }
  if (has('scaleTargetRef')) return {shape: 'C', hasReplicaBounds}
  return undefined
}

/** Shape of one VA from its fields (see detectShapeFromObject); undefined for an object without a spec. */
export function detectObjectShape(va: KubeObject): VaShape | undefined {
  return va.spec && typeof va.spec === 'object' ? detectShapeFromObject(va) : undefined
}
