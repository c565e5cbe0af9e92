/**
 * The saturation ConfigMap as V2 reads it, per release: which entry applies to a model (`resolveSaturationConfig`
 * in internal/engines/saturation/engine.go), its defaults (`ApplyDefaults` in internal/config/saturation_scaling.go),
 * the thresholds the threshold step uses (`resolveThresholds`), and which engine and optimizer run
 * (`optimize` / `selectV2Optimizer`). Entries arrive parsed (YAML parsing, including v0.9's folding of analyzer
 * `parameters` into the typed fields, belongs to the ConfigMap reader).
 */
import type {SaturationConfigEntry as SaturationConfigEntryV1} from '../saturation/config.js'
import type {SaturationV2Release} from './release.js'
import type {SaturationV2Config} from './types.js'

/** Upstream `DefaultPriority`, `DefaultScaleUpThreshold`, `DefaultScaleDownBoundary` (all releases). */
export const defaultPriority = 1
export const defaultScaleUpThreshold = 0.85
export const defaultScaleDownBoundary = 0.7
/** v0.8+ `ApplyDefaults` only: v0.6/v0.7 leave these at 0 when the entry omits them. */
export const defaultKvCacheThreshold = 0.8
export const defaultQueueLengthThreshold = 5
export const defaultKvSpareTrigger = 0.1
export const defaultQueueSpareTrigger = 3

/** One `analyzers:` item (upstream `AnalyzerScoreConfig`). */
export interface AnalyzerScoreConfig {
  readonly name: string
  /** v0.9: the analyzer type when it differs from the name. */
  readonly type?: string | undefined
  /** undefined = enabled. */
  readonly enabled?: boolean | undefined
  /** 0/undefined = 1. */
  readonly score?: number | undefined
  /** Per-analyzer override of the entry's threshold (v0.8+ read it for the threshold step). */
  readonly scaleUpThreshold?: number | undefined
  readonly scaleDownBoundary?: number | undefined
}

/**
 * One entry of `wva-saturation-scaling-config` (0 / "" / undefined = omitted, as Go's zero values): V1's entry, plus
 * the V2 fields.
 */
export interface SaturationConfigEntry extends SaturationConfigEntryV1 {
  readonly priority?: number | undefined
  readonly analyzers?: readonly AnalyzerScoreConfig[] | undefined
  /** v0.9 inline `scaleToZero:` block. */
  readonly scaleToZero?: {readonly enabled?: boolean | undefined} | undefined
}

/** The entry after resolution and defaults. */
export interface ResolvedSaturationEntry {
  readonly kvCacheThreshold: number
  readonly queueLengthThreshold: number
  readonly kvSpareTrigger: number
  readonly queueSpareTrigger: number
  readonly enableLimiter: boolean
  readonly analyzerName: string
  readonly scaleUpThreshold: number
  readonly scaleDownBoundary: number
  readonly priority: number
  readonly analyzers: readonly AnalyzerScoreConfig[]
  readonly scaleToZero: {readonly enabled?: boolean | undefined} | undefined
}

function zeroEntry(): ResolvedSaturationEntry {
  return {
    kvCacheThreshold: 0,
    queueLengthThreshold: 0,
    kvSpareTrigger: 0,
    queueSpareTrigger: 0,
    enableLimiter: false,
    analyzerName: '',
    scaleUpThreshold: 0,
    scaleDownBoundary: 0,
    priority: 0,
    analyzers: [],
    scaleToZero: undefined,
  }
}

function fromEntry(entry: SaturationConfigEntry): ResolvedSaturationEntry {
  return {
    kvCacheThreshold: entry.kvCacheThreshold ?? 0,
    queueLengthThreshold: entry.queueLengthThreshold ?? 0,
    kvSpareTrigger: entry.kvSpareTrigger ?? 0,
    queueSpareTrigger: entry.queueSpareTrigger ?? 0,
    enableLimiter: entry.enableLimiter ?? false,
    analyzerName: entry.analyzerName ?? '',
    scaleUpThreshold: entry.scaleUpThreshold ?? 0,
    scaleDownBoundary: entry.scaleDownBoundary ?? 0,
    priority: entry.priority ?? 0,
    analyzers: entry.analyzers ?? [],
    scaleToZero: entry.scaleToZero,
  }
}

/** Mirrors `Merge` (v0.8+): non-zero override fields win; `analyzers` when non-empty; v0.9 also `scaleToZero`. */
function merge(
  base: ResolvedSaturationEntry,
  override: SaturationConfigEntry,
  release: SaturationV2Release,
): ResolvedSaturationEntry {
  const pick = (value: number | undefined, fallback: number): number =>
    value !== undefined && value !== 0 ? value : fallback
  return {
    kvCacheThreshold: pick(override.kvCacheThreshold, base.kvCacheThreshold),
    queueLengthThreshold: pick(override.queueLengthThreshold, base.queueLengthThreshold),
    kvSpareTrigger: pick(override.kvSpareTrigger, base.kvSpareTrigger),
    queueSpareTrigger: pick(override.queueSpareTrigger, base.queueSpareTrigger),
    enableLimiter: override.enableLimiter === true ? true : base.enableLimiter,
    analyzerName: override.analyzerName ? override.analyzerName : base.analyzerName,
    scaleUpThreshold: pick(override.scaleUpThreshold, base.scaleUpThreshold),
    scaleDownBoundary: pick(override.scaleDownBoundary, base.scaleDownBoundary),
    priority: pick(override.priority, base.priority),
    analyzers: override.analyzers !== undefined && override.analyzers.length > 0 ? override.analyzers : base.analyzers,
    scaleToZero: release === 'v0.9' && override.scaleToZero !== undefined ? override.scaleToZero : base.scaleToZero,
  }
}

/** Mirrors `IsV2`: an `analyzers:` list, or `analyzerName: saturation`. */
export function isV2Entry(entry: Pick<ResolvedSaturationEntry, 'analyzers' | 'analyzerName'>): boolean {
  return entry.analyzers.length > 0 || entry.analyzerName === 'saturation'
}

/** Mirrors `ApplyDefaults` of `release`. */
export function applySaturationDefaults(
  entry: ResolvedSaturationEntry,
  release: SaturationV2Release,
): ResolvedSaturationEntry {
  const orDefault = (value: number, fallback: number): number => (value === 0 ? fallback : value)
  let result: ResolvedSaturationEntry = {...entry, priority: orDefault(entry.priority, defaultPriority)}
  if (release !== 'v0.6') {
    result = {
      ...result,
      kvCacheThreshold: orDefault(result.kvCacheThreshold, defaultKvCacheThreshold),
      queueLengthThreshold: orDefault(result.queueLengthThreshold, defaultQueueLengthThreshold),
      kvSpareTrigger: orDefault(result.kvSpareTrigger, defaultKvSpareTrigger),
      queueSpareTrigger: orDefault(result.queueSpareTrigger, defaultQueueSpareTrigger),
    }
  }
  if (isV2Entry(result)) {
    const analyzers = result.analyzers.length > 0 ? result.analyzers : [{name: 'saturation', score: 1, enabled: true}]
    result = {
      ...result,
      scaleUpThreshold: orDefault(result.scaleUpThreshold, defaultScaleUpThreshold),
      scaleDownBoundary: orDefault(result.scaleDownBoundary, defaultScaleDownBoundary),
      analyzers: analyzers.map((analyzer) => ({
        ...analyzer,
        score: analyzer.score === undefined || analyzer.score === 0 ? 1 : analyzer.score,
        enabled: analyzer.enabled ?? true,
      })),
    }
  }
  return result
}

/**
 * Mirrors `resolveSaturationConfig` of `release`:
 * v0.6/v0.7 take the `<modelID>#<namespace>` entry instead of `default` (else `default`, else zeros), then defaults;
 * v0.8 merges the model entry onto `default`, then defaults;
 * v0.9 also applies the V2 thresholds to any entry and resets both to 0.85/0.70 when scaleUp <= scaleDown.
 */
export function resolveSaturationEntry(
  entries: Readonly<Record<string, SaturationConfigEntry>>,
  modelId: string,
  namespace: string,
  release: SaturationV2Release,
): ResolvedSaturationEntry {
  const entryOf = (key: string): SaturationConfigEntry | undefined =>
    Object.hasOwn(entries, key) ? entries[key] : undefined
  const modelEntry = entryOf(`${modelId}#${namespace}`)
  const defaultEntry = entryOf('default')
  if (release === 'v0.6') {
    const chosen = modelEntry ?? defaultEntry
    return applySaturationDefaults(chosen === undefined ? zeroEntry() : fromEntry(chosen), release)
  }
  let base = defaultEntry === undefined ? zeroEntry() : fromEntry(defaultEntry)
  if (modelEntry !== undefined) base = merge(base, modelEntry, release)
  base = applySaturationDefaults(base, release)
  if (release === 'v0.9') {
    base = {
      ...base,
      scaleUpThreshold: base.scaleUpThreshold === 0 ? defaultScaleUpThreshold : base.scaleUpThreshold,
      scaleDownBoundary: base.scaleDownBoundary === 0 ? defaultScaleDownBoundary : base.scaleDownBoundary,
    }
    if (base.scaleUpThreshold <= base.scaleDownBoundary) {
      base = {...base, scaleUpThreshold: defaultScaleUpThreshold, scaleDownBoundary: defaultScaleDownBoundary}
    }
  }
  return base
}

/**
 * The thresholds V2 runs with: k1/k2 thresholds from the entry; RC/SC thresholds from the `saturation` analyzer item
 * when it overrides them (v0.8 matches the item by name, v0.9 by type, else name; v0.6's analyzer reads the entry's).
 */
export function toSaturationV2Config(entry: ResolvedSaturationEntry, release: SaturationV2Release): SaturationV2Config {
  let scaleUpThreshold = entry.scaleUpThreshold
  let scaleDownBoundary = entry.scaleDownBoundary
  if (release !== 'v0.6') {
    const item = entry.analyzers.find(
      (analyzer) => (release === 'v0.9' && analyzer.type ? analyzer.type : analyzer.name) === 'saturation',
    )
    if (item !== undefined) {
      scaleUpThreshold = item.scaleUpThreshold ?? scaleUpThreshold
      scaleDownBoundary = item.scaleDownBoundary ?? scaleDownBoundary
    }
  }
  return {
    kvCacheThreshold: entry.kvCacheThreshold,
    queueLengthThreshold: entry.queueLengthThreshold,
    scaleUpThreshold,
    scaleDownBoundary,
  }
}

/** Which engine the controller runs for every model, and with which optimizer (V2 and the queueing model). */
export type SaturationEngineSelection =
  | {readonly engine: 'queueing-model'; readonly optimizer: 'cost-aware' | 'greedy-by-score'}
  | {readonly engine: 'saturation-v2'; readonly optimizer: 'cost-aware' | 'greedy-by-score'}
  | {readonly engine: 'saturation-v1'}

/**
 * Mirrors the engine's selection (same at v0.6-v0.9): a queueing-model ConfigMap with a `default` entry wins;
 * otherwise the global `default` saturation entry, after ApplyDefaults, selects V2 when it has `analyzers:` or
 * `analyzerName: saturation`, else V1 (also when there is no entry). `enableLimiter` of that entry selects
 * GreedyByScore; v0.8/v0.9 fall back to cost-aware when no constraint provider answers
 * (`constraintProvidersAnswered`), v0.6 does not.
 */
export function selectSaturationEngine(input: {
  readonly globalEntries: Readonly<Record<string, SaturationConfigEntry>>
  readonly queueingModelHasDefault: boolean
  readonly release: SaturationV2Release
  /** v0.8+: false when there is no provider or every provider failed. Default true. */
  readonly constraintProvidersAnswered?: boolean | undefined
}): SaturationEngineSelection {
  const global = Object.hasOwn(input.globalEntries, 'default') ? input.globalEntries.default : undefined
  const resolved = global === undefined ? undefined : applySaturationDefaults(fromEntry(global), input.release)
  const wantsLimiter = resolved?.enableLimiter === true
  // v0.8+ `selectV2Optimizer` falls back to cost-aware; v0.6 runs GreedyByScore with no constraints (deny-all).
  const answered = input.release === 'v0.6' || input.constraintProvidersAnswered !== false
  const optimizer = wantsLimiter && answered ? 'greedy-by-score' : 'cost-aware'
  if (input.queueingModelHasDefault) return {engine: 'queueing-model', optimizer}
  if (resolved !== undefined && isV2Entry(resolved)) return {engine: 'saturation-v2', optimizer}
  return {engine: 'saturation-v1'}
}
