/** The command line's what-ifs on the saturation config: thresholds, the engine, scale-to-zero and its retention. */
import type {EngineOverride} from '../../engine-select.js'
import type {ScaleToZeroConfig} from '../scale-to-zero.js'
import type {SaturationThresholds} from '../types.js'

/** What-if overrides from the command line; thresholds replace the configured ones field by field. */
export interface SaturationOverrides {
  readonly engine?: EngineOverride | undefined
  readonly kvCacheThreshold?: number | undefined
  readonly queueLengthThreshold?: number | undefined
  readonly kvSpareTrigger?: number | undefined
  readonly queueSpareTrigger?: number | undefined
  /** Forces scale-to-zero on or off for every model (a per-model entry, which outranks the ConfigMap and env). */
  readonly scaleToZero?: boolean | undefined
  /** Go duration, e.g. `15m`: the retention window for every model. */
  readonly retention?: string | undefined
}

const thresholdNames = ['kvCacheThreshold', 'queueLengthThreshold', 'kvSpareTrigger', 'queueSpareTrigger'] as const

/** The thresholds after the overrides, and which ones they replaced; undefined when there is nothing to run with. */
export function applyThresholdOverrides(
  configured: SaturationThresholds | undefined,
  overrides: SaturationOverrides,
): {thresholds: SaturationThresholds | undefined; overridden: (keyof SaturationThresholds)[]} {
  const overridden = thresholdNames.filter((name) => overrides[name] !== undefined)
  if (configured === undefined) {
    // Without a config, only a complete set of overrides gives something to run.
    const {kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger} = overrides
    if (
      kvCacheThreshold === undefined ||
      queueLengthThreshold === undefined ||
      kvSpareTrigger === undefined ||
      queueSpareTrigger === undefined
    )
      return {thresholds: undefined, overridden}
    return {thresholds: {kvCacheThreshold, queueLengthThreshold, kvSpareTrigger, queueSpareTrigger}, overridden}
  }
  const thresholds = {...configured}
  for (const name of thresholdNames) {
    const value = overrides[name]
    if (value !== undefined) thresholds[name] = value
  }
  return {thresholds, overridden}
}

/** The scale-to-zero config with the model's entry forced by `--scale-to-zero` and `--retention`. */
export function applyScaleToZeroOverrides(
  config: ScaleToZeroConfig,
  modelId: string,
  overrides: SaturationOverrides,
): ScaleToZeroConfig {
  if (overrides.scaleToZero === undefined && overrides.retention === undefined) return config
  const existing = Object.hasOwn(config, modelId) ? config[modelId] : undefined
  const entry = {
    ...existing,
    modelId,
    enableScaleToZero: overrides.scaleToZero ?? existing?.enableScaleToZero,
    retentionPeriod: overrides.retention ?? existing?.retentionPeriod,
  }
  const copy: Record<string, (typeof config)[string]> = {}
  for (const key of Object.keys(config))
    Object.defineProperty(copy, key, {value: config[key], enumerable: true, writable: true, configurable: true})
  Object.defineProperty(copy, modelId, {value: entry, enumerable: true, writable: true, configurable: true})
  return copy
}
