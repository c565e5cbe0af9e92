/**
 * Saturation-threshold configuration: `Validate` (v0.4.2 `CapacityScalingConfig`, v0.5.1
 * `SaturationScalingConfig`), the v0.4.2 controller's resolution with per-model overrides, and v0.5.1's
 * "default entry as written". Spec: saturation-algorithm.md section 8.
 */
import {formatGoFixed} from '../queueing/go-format.js'
import {compareNames, type SaturationThresholds} from './types.js'

/** Upstream's hard-coded thresholds (v0.4.2 `DefaultCapacityScalingConfig`). */
export const hardCodedThresholds: SaturationThresholds = {
  kvCacheThreshold: 0.8,
  queueLengthThreshold: 5,
  kvSpareTrigger: 0.1,
  queueSpareTrigger: 3,
}

/** The ConfigMap key of the global entry. */
export const saturationConfigDefaultKey = 'default'

/** One ConfigMap key after YAML parsing (`model_id` becomes `modelId`); a missing number is Go's zero value. */
export interface SaturationConfigEntry {
  readonly modelId?: string | undefined
  readonly namespace?: string | undefined
  readonly kvCacheThreshold?: number | undefined
  readonly queueLengthThreshold?: number | undefined
  readonly kvSpareTrigger?: number | undefined
  readonly queueSpareTrigger?: number | undefined
  /** v0.5.1: read from the global `default` entry only. */
  readonly enableLimiter?: boolean | undefined
  /** v0.5.1: `saturation` selects V2 and adds the two checks below. */
  readonly analyzerName?: string | undefined
  /** v0.5.1 V2 only, fraction in (0, 1]. */
  readonly scaleUpThreshold?: number | undefined
  /** v0.5.1 V2 only, fraction in (0, 1]. */
  readonly scaleDownBoundary?: number | undefined
}

export type ConfigValidation = {readonly kind: 'valid'} | {readonly kind: 'invalid'; readonly error: string}

/** Go's zero values for the fields an entry may omit. */
export function thresholdsOf(entry: SaturationConfigEntry): SaturationThresholds {
  return {
    kvCacheThreshold: entry.kvCacheThreshold ?? 0,
    queueLengthThreshold: entry.queueLengthThreshold ?? 0,
    kvSpareTrigger: entry.kvSpareTrigger ?? 0,
    queueSpareTrigger: entry.queueSpareTrigger ?? 0,
  }
}

const fixed2 = (value: number): string => formatGoFixed(value, 2)
const fixed1 = (value: number): string => formatGoFixed(value, 1)

/** Mirrors v0.4.2 `CapacityScalingConfig.Validate`: the first failing check, in upstream's order. */
export function validateCapacityConfigV042(entry: SaturationConfigEntry): ConfigValidation {
  const {kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger} = thresholdsOf(entry)
  const invalid = (error: string): ConfigValidation => ({kind: 'invalid', error})
  if (kvCacheThreshold < 0 || kvCacheThreshold > 1) {
    return invalid(`kvCacheThreshold must be between 0 and 1, got ${fixed2(kvCacheThreshold)}`)
  }
  if (queueLengthThreshold < 0) return invalid(`queueLengthThreshold must be >= 0, got ${fixed1(queueLengthThreshold)}`)
  if (kvSpareTrigger < 0 || kvSpareTrigger > 1) {
    return invalid(`kvSpareTrigger must be between 0 and 1, got ${fixed2(kvSpareTrigger)}`)
  }
  if (queueSpareTrigger < 0) return invalid(`queueSpareTrigger must be >= 0, got ${fixed1(queueSpareTrigger)}`)
  if (kvCacheThreshold < kvSpareTrigger) {
    return invalid(
      `kvCacheThreshold (${fixed2(kvCacheThreshold)}) should be >= kvSpareTrigger (${fixed2(kvSpareTrigger)})`,
    )
  }
  return {kind: 'valid'}
}

/**
 * Mirrors v0.5.1 `SaturationScalingConfig.Validate`: the v0.4.2 checks, then, for `analyzerName: saturation`, the V2
 * thresholds. Nothing applies the 0.85/0.70 defaults first at v0.5.1, so omitting them is an error.
 */
export function validateSaturationConfigV051(entry: SaturationConfigEntry): ConfigValidation {
  const base = validateCapacityConfigV042(entry)
  if (base.kind === 'invalid' || entry.analyzerName !== 'saturation') return base
  const scaleUpThreshold = entry.scaleUpThreshold ?? 0
  const scaleDownBoundary = entry.scaleDownBoundary ?? 0
  const invalid = (error: string): ConfigValidation => ({kind: 'invalid', error})
  if (scaleUpThreshold <= 0 || scaleUpThreshold > 1) {
    return invalid(`scaleUpThreshold must be in (0, 1], got ${fixed2(scaleUpThreshold)}`)
  }
  if (scaleDownBoundary <= 0 || scaleDownBoundary > 1) {
    return invalid(`scaleDownBoundary must be in (0, 1], got ${fixed2(scaleDownBoundary)}`)
  }
  if (scaleUpThreshold <= scaleDownBoundary) {
    return invalid(
      `scaleUpThreshold (${fixed2(scaleUpThreshold)}) must be > scaleDownBoundary (${fixed2(scaleDownBoundary)})`,
    )
  }
  return {kind: 'valid'}
}

/** Mirrors v0.4.2 `Merge`: only non-zero fields overwrite, so a 0 can never be configured. */
export function mergeNonZeroThresholds(base: SaturationThresholds, entry: SaturationConfigEntry): SaturationThresholds {
  const pick = (value: number | undefined, fallback: number): number =>
    value === undefined || value === 0 ? fallback : value
  return {
    kvCacheThreshold: pick(entry.kvCacheThreshold, base.kvCacheThreshold),
    queueLengthThreshold: pick(entry.queueLengthThreshold, base.queueLengthThreshold),
    kvSpareTrigger: pick(entry.kvSpareTrigger, base.kvSpareTrigger),
    queueSpareTrigger: pick(entry.queueSpareTrigger, base.queueSpareTrigger),
  }
}

/** The entries of a ConfigMap after YAML parsing; `undefined` = the ConfigMap does not exist. */
export type SaturationConfigEntries = Readonly<Record<string, SaturationConfigEntry>> | undefined

export interface CapacityConfigResolution {
  /** Per ConfigMap key, in key order. */
  readonly entryChecks: ReadonlyMap<string, ConfigValidation>
  readonly effective: SaturationThresholds
  /** Whether the `default` entry existed and was valid (otherwise the hard-coded one stood in). */
  readonly usedDefaultEntry: boolean
  /** Keys of the valid overrides that match the VA's model and namespace, in name order. */
  readonly matchingOverrides: readonly string[]
  /** The override applied (upstream takes the first met in random map order; here the first by name). */
  readonly appliedOverride: string | undefined
  /** More than one override matched, so upstream's result depends on map order. */
  readonly isOrderDependent: boolean
}

/** Replicates v0.4.2 `getCapacityScalingConfigForVariant` with the ConfigMap reader's fallbacks. */
export function resolveCapacityConfigV042(
  entries: SaturationConfigEntries,
  modelId: string,
  namespace: string,
): CapacityConfigResolution {
  const entryChecks = new Map<string, ConfigValidation>()
  const valid = new Map<string, SaturationConfigEntry>()
  for (const key of Object.keys(entries ?? {}).sort(compareNames)) {
    const entry = entries![key]!
    const check = validateCapacityConfigV042(entry)
    entryChecks.set(key, check)
    if (check.kind === 'valid') valid.set(key, entry)
  }
  const defaultEntry = valid.get(saturationConfigDefaultKey)
  const matchingOverrides = [...valid]
    .filter(
      ([key, entry]) =>
        key !== saturationConfigDefaultKey &&
        (entry.modelId ?? '') === modelId &&
        (entry.namespace ?? '') === namespace,
    )
    .map(([key]) => key)
  const appliedOverride = matchingOverrides[0]
  let configured =
    defaultEntry === undefined ? hardCodedThresholds : mergeNonZeroThresholds(hardCodedThresholds, defaultEntry)
  if (appliedOverride !== undefined) configured = mergeNonZeroThresholds(configured, valid.get(appliedOverride)!)
  return {
    entryChecks,
    // Hard-coded merged with the resolved entry: zeros fall back to the hard-coded values.
    effective: mergeNonZeroThresholds(hardCodedThresholds, configured),
    usedDefaultEntry: defaultEntry !== undefined,
    matchingOverrides,
    appliedOverride,
    isOrderDependent: matchingOverrides.length > 1,
  }
}

export type SaturationConfigResolution =
  | {readonly kind: 'ok'; readonly thresholds: SaturationThresholds; readonly enableLimiter: boolean}
  | {readonly kind: 'missing'}
  | {readonly kind: 'invalid'; readonly error: string}

/**
 * v0.5.1 engine: only the `default` entry is used, as written (omitted fields stay 0; no merge, no overrides). An
 * absent or invalid `default` makes the engine skip the model.
 */
export function resolveSaturationConfigV051(entries: SaturationConfigEntries): SaturationConfigResolution {
  const entry =
    entries !== undefined && Object.hasOwn(entries, saturationConfigDefaultKey)
      ? entries[saturationConfigDefaultKey]
      : undefined
  if (entry === undefined) return {kind: 'missing'}
  const check = validateSaturationConfigV051(entry)
  switch (check.kind) {
    case 'invalid':
      return {kind: 'invalid', error: check.error}
    case 'valid':
      return {kind: 'ok', thresholds: thresholdsOf(entry), enableLimiter: entry.enableLimiter ?? false}
  }
}
