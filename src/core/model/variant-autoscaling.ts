import {FieldReader, type FieldProblem, isRecord} from './field-problems.js'
import {type KubeObject, MAX_INT32} from './kube-object.js'
import {MAX_ACCELERATOR_COUNT, MAX_BATCH_SIZE} from './limits.js'

export const acceleratorLabel = 'inference.optimization/acceleratorName'

/**
 * The VariantAutoscaling shapes found in clusters (docs/shapes.md): A (v0.0.1-v0.4.2, modelProfile.accelerators[]),
 * B0/B1/B2 (single-variant branch: variantID, accelerator, variantProfile), C (v0.5.x: scaleTargetRef, no profile).
 */
export type VaShape = 'A' | 'B0' | 'B1' | 'B2' | 'C'

export interface PerformanceProfile {
  accelerator: string
  /** Accelerator units per replica. */
  acceleratorCount: number
  maxBatchSize: number
  /** alpha, beta (ms): ITL = alpha + beta * batch. Decimal strings, parsed by the optimizer as Go does. */
  decodeParms: Readonly<Record<string, string>>
  /** gamma, delta (ms): prefill = gamma + delta * inputTokens * batch. */
  prefillParms: Readonly<Record<string, string>>
}

export interface Condition {
  type: string
  status: string
  reason?: string | undefined
  message?: string | undefined
  lastTransitionTime?: string | undefined
}

/** Load, TTFT and ITL that shape A still carried in status.currentAlloc (strings in the CRD). */
export interface StatusLoad {
  arrivalRateRpm?: number | undefined
  avgInputTokens?: number | undefined
  avgOutputTokens?: number | undefined
  ttftMs?: number | undefined
  itlMs?: number | undefined
}

export interface VariantAutoscaling {
  namespace: string
  name: string
  shape: VaShape
  modelID: string
  /** The accelerator the controller uses: spec.accelerator in shape B, the acceleratorName label otherwise. */
  accelerator: string | undefined
  acceleratorLabel: string | undefined
  variantID: string | undefined
  /** Every profile the VA declares (shape A may list several accelerators). */
  profiles: PerformanceProfile[]
  /** The profile the controller sizes with: the one for `accelerator`. */
  profile: PerformanceProfile | undefined
  /** spec.variantCost: per-replica cost (shapes A v0.0.5+, B, C). */
  variantCost: string | undefined
  minReplicas: number | undefined
  maxReplicas: number | undefined
  target: {kind: string; name: string; apiVersion: string | undefined}
  creationTimestamp: string | undefined
  labels: Readonly<Record<string, string>>
  status: {
    desiredReplicas: number | undefined
    desiredAccelerator: string | undefined
    lastRunTime: string | undefined
    /** status.currentAlloc.numReplicas: the Deployment's spec.replicas at the controller's last write (stale-prone). */
    currentReplicas: number | undefined
    actuationApplied: boolean | undefined
    conditions: Condition[]
    load: StatusLoad | undefined
  }
  /**
   * Fields with the wrong type or missing: the VA is still listed, and the problems explain why it cannot be evaluated.
   */
  problems: FieldProblem[]
}

/**
 * Shape of one VA from the fields it carries, for when the CRD cannot be read.
 * - B: scaleTargetRef → B2; minReplicas/maxReplicas → B1 (B1's CRD defaults minReplicas, so objects served by a B1
 *   cluster always carry it); otherwise B0.
 * - A: modelProfile, sloClassRef or a status.currentAlloc; also a bare modelID (an A v0.4.x capacity VA rendered
 *   without a profile has only modelID and variantCost). C always has scaleTargetRef.
 */
export function detectShapeFromObject(object: KubeObject): VaShape {
  const spec = isRecord(object.spec) ? object.spec : {}
  const status = isRecord(object.status) ? object.status : {}
  if ('variantID' in spec || 'variantProfile' in spec) {
    if ('scaleTargetRef' in spec) return 'B2'
    return 'minReplicas' in spec || 'maxReplicas' in spec ? 'B1' : 'B0'
  }
  if ('modelProfile' in spec || 'sloClassRef' in spec || isRecord(status.currentAlloc)) return 'A'
  if ('scaleTargetRef' in spec) return 'C'
  return 'A'
}

export function normalizeVariantAutoscaling(object: KubeObject, shapeHint?: VaShape): VariantAutoscaling {
  const read = new FieldReader()
  const metadata = object.metadata ?? {}
  const spec = read.record(object.spec, 'spec', true) ?? {}
  const status = isRecord(object.status) ? object.status : {}
  const shape = shapeHint ?? detectShapeFromObject(object)
  const labels = isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {}
  const label =
    typeof labels[acceleratorLabel] === 'string' && labels[acceleratorLabel] !== ''
      ? labels[acceleratorLabel]
      : undefined

  const modelID = read.string(spec.modelID, 'spec.modelID', true) ?? ''
  const variantCost = read.string(spec.variantCost, 'spec.variantCost')
  const profiles: PerformanceProfile[] = []
  let accelerator = label
  let variantID: string | undefined
  let minReplicas: number | undefined
  let maxReplicas: number | undefined

  if (shape === 'A') {
    const modelProfile = read.record(spec.modelProfile, 'spec.modelProfile')
    const accelerators = modelProfile?.accelerators
    if (accelerators !== undefined && !Array.isArray(accelerators)) {
      read.problems.push({path: 'spec.modelProfile.accelerators', message: 'must be a list'})
    } else if (Array.isArray(accelerators)) {
      accelerators.forEach((entry: unknown, index: number) => {
        const path = `spec.modelProfile.accelerators[${index}]`
        const item = read.record(entry, path, true)
        if (!item) return
        const acc = read.string(item.acc, `${path}.acc`, true)
        const perfParms = read.record(item.perfParms, `${path}.perfParms`)
        profiles.push({
          accelerator: acc ?? '',
          acceleratorCount: read.integer(item.accCount, `${path}.accCount`, acceleratorCountRule) ?? 1,
          maxBatchSize: read.integer(item.maxBatchSize, `${path}.maxBatchSize`, maxBatchSizeRule) ?? 0,
          decodeParms: read.stringMap(perfParms?.decodeParms, `${path}.perfParms.decodeParms`) ?? {},
          prefillParms: read.stringMap(perfParms?.prefillParms, `${path}.perfParms.prefillParms`) ?? {},
        })
      })
    }
  } else if (shape === 'B0' || shape === 'B1' || shape === 'B2') {
    variantID = read.string(spec.variantID, 'spec.variantID')
    accelerator = read.string(spec.accelerator, 'spec.accelerator', true) ?? label
    const variantProfile = read.record(spec.variantProfile, 'spec.variantProfile', true)
    const perfParms = read.record(
      variantProfile?.perfParms,
      'spec.variantProfile.perfParms',
      variantProfile !== undefined,
    )
    if (variantProfile) {
      profiles.push({
        accelerator: accelerator ?? '',
        acceleratorCount: read.integer(spec.acceleratorCount, 'spec.acceleratorCount', acceleratorCountRule) ?? 1,
        maxBatchSize:
          read.integer(variantProfile.maxBatchSize, 'spec.variantProfile.maxBatchSize', maxBatchSizeRule) ?? 0,
        decodeParms: read.stringMap(perfParms?.decodeParms, 'spec.variantProfile.perfParms.decodeParms') ?? {},
        prefillParms: read.stringMap(perfParms?.prefillParms, 'spec.variantProfile.perfParms.prefillParms') ?? {},
      })
    }
    if (shape !== 'B0') {
      minReplicas = read.integer(spec.minReplicas, 'spec.minReplicas', {min: 0, max: MAX_INT32})
      maxReplicas = read.integer(spec.maxReplicas, 'spec.maxReplicas', {min: 1, max: MAX_INT32})
    }
  } else {
    // Later C builds added min/max replicas (PR #864); tolerate them.
    minReplicas = read.integer(spec.minReplicas, 'spec.minReplicas', {min: 0, max: MAX_INT32})
    maxReplicas = read.integer(spec.maxReplicas, 'spec.maxReplicas', {min: 1, max: MAX_INT32})
  }

  for (const [index, profile] of profiles.entries()) {
    checkPerfParms(
      profile,
      shape === 'A' ? `spec.modelProfile.accelerators[${index}].perfParms` : 'spec.variantProfile.perfParms',
      read,
    )
  }
  const name = typeof metadata.name === 'string' ? metadata.name : ''
  const scaleTargetRef = read.record(spec.scaleTargetRef, 'spec.scaleTargetRef', shape === 'C')
  const target = scaleTargetRef
    ? {
        kind: read.string(scaleTargetRef.kind, 'spec.scaleTargetRef.kind') ?? 'Deployment',
        name: read.string(scaleTargetRef.name, 'spec.scaleTargetRef.name', true) ?? name,
        apiVersion: read.string(scaleTargetRef.apiVersion, 'spec.scaleTargetRef.apiVersion'),
      }
    : {kind: 'Deployment', name, apiVersion: 'apps/v1'}

  const desired = isRecord(status.desiredOptimizedAlloc) ? status.desiredOptimizedAlloc : {}
  const currentAlloc = isRecord(status.currentAlloc) ? status.currentAlloc : {}
  return {
    namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default',
    name,
    shape,
    modelID,
    accelerator,
    acceleratorLabel: label,
    variantID,
    profiles,
    profile: profiles.find((profile) => profile.accelerator === accelerator),
    variantCost,
    minReplicas,
    maxReplicas,
    target,
    creationTimestamp: typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : undefined,
    labels,
    status: {
      desiredReplicas: typeof desired.numReplicas === 'number' ? desired.numReplicas : undefined,
      desiredAccelerator: typeof desired.accelerator === 'string' ? desired.accelerator : undefined,
      lastRunTime: typeof desired.lastRunTime === 'string' ? desired.lastRunTime : undefined,
      currentReplicas: typeof currentAlloc.numReplicas === 'number' ? currentAlloc.numReplicas : undefined,
      actuationApplied:
        isRecord(status.actuation) && typeof status.actuation.applied === 'boolean'
          ? status.actuation.applied
          : undefined,
      conditions: readConditions(status.conditions),
      load: readStatusLoad(currentAlloc),
    },
    problems: read.problems,
  }
}

/** maxBatchSize: upstream's minimum 1, and our bound (docs/limits.md). */
const maxBatchSizeRule = {
  min: 1,
  max: MAX_BATCH_SIZE,
  hint: `set maxBatchSize to the server's max_num_seqs (1 to ${MAX_BATCH_SIZE})`,
}
const acceleratorCountRule = {min: 1, max: MAX_ACCELERATOR_COUNT}

/**
 * The controller parses each parameter with strconv.ParseFloat(s, 32) and skips the VA on any failure, which
 * includes values beyond float32's range; a negative time makes the queueing model invalid (the optimizer would only
 * say "isValid=false"), so it is refused here with the field's name.
 */
export function perfParmProblem(value: string): string | undefined {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return `must be a decimal number in quotes, like "0.044", got ${JSON.stringify(value)}`
  }
  const number = Number(value)
  if (number < 0) return `must not be negative, got ${JSON.stringify(value)}`
  if (!Number.isFinite(Math.fround(number))) return `is beyond float32's range, got ${JSON.stringify(value)}`
  return undefined
}

function checkPerfParms(profile: PerformanceProfile, path: string, read: FieldReader): void {
  for (const [group, keys, values] of [
    ['decodeParms', ['alpha', 'beta'], profile.decodeParms],
    ['prefillParms', ['gamma', 'delta'], profile.prefillParms],
  ] as const) {
    for (const key of keys) {
      const value = values[key]
      const at = `${path}.${group}.${key}`
      if (value === undefined) {
        if (!read.problems.some((problem) => problem.path === at)) read.problems.push({path: at, message: 'required'})
        continue
      }
      const message = perfParmProblem(value)
      const hint = 'use the fitted profile values (milliseconds, 0 or more)'
      if (message !== undefined) read.problems.push({path: at, message, hint})
    }
  }
}

function readConditions(value: unknown): Condition[] {
  if (!Array.isArray(value)) return []
  return value.filter(isRecord).map((condition) => ({
    type: String(condition.type ?? ''),
    status: String(condition.status ?? 'Unknown'),
    reason: typeof condition.reason === 'string' ? condition.reason : undefined,
    message: typeof condition.message === 'string' ? condition.message : undefined,
    lastTransitionTime: typeof condition.lastTransitionTime === 'string' ? condition.lastTransitionTime : undefined,
  }))
}

// Shape A stored these as 2-decimal strings; anything unparsable is treated as absent.
function readStatusLoad(currentAlloc: Record<string, unknown>): StatusLoad | undefined {
  const load = isRecord(currentAlloc.load) ? currentAlloc.load : undefined
  if (!load && currentAlloc.ttftAverage === undefined && currentAlloc.itlAverage === undefined) return undefined
  return {
    arrivalRateRpm: decimal(load?.arrivalRate),
    avgInputTokens: decimal(load?.avgInputTokens),
    avgOutputTokens: decimal(load?.avgOutputTokens),
    ttftMs: decimal(currentAlloc.ttftAverage),
    itlMs: decimal(currentAlloc.itlAverage),
  }
}

function decimal(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : undefined
}
