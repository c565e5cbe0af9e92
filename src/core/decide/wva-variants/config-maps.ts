/**
 * The v0.6-v0.9 controller ConfigMaps as the V2 engine and the queueing model read them: every entry of
 * `wva-saturation-scaling-config` with its V2 fields (`analyzers:`, `priority`, v0.9's inline `scaleToZero:`), and
 * `wva-queueing-model-config` (`default` selects the queueing model; per-model entries carry SLO targets). Each bad
 * entry is set aside with a problem; the others stand. Reference: ../shared/reference/wva-v0.6-v0.9.md §6.1 and §7.
 */
import {parse as parseYaml} from 'yaml'

import {isRecord, typeName} from '../../model/field-problems.js'
import type {KubeObject} from '../../model/kube-object.js'
import type {AnalyzerScoreConfig, SaturationConfigEntry} from '../saturation-v2/config.js'

/** Analyzers some release registers; any other name is one kubectl-va cannot replay. */
export const knownAnalyzers = ['saturation', 'throughput'] as const

export interface WvaConfigProblem {
  /** `configmap wva-system/wva-saturation-scaling-config key default` */
  readonly source: string
  readonly message: string
}

export interface ParsedV2SaturationConfig {
  /** The ConfigMap read, when there is one. */
  readonly configMap: {readonly namespace: string; readonly name: string} | undefined
  /** Entries by their address: `default`, or `<modelID>#<namespace>` for a per-model entry. */
  readonly entries: Readonly<Record<string, SaturationConfigEntry>>
  /** Entries (by address) whose `analyzers:` names an analyzer no release has: that analyzer, per entry. */
  readonly unknownAnalyzers: Readonly<Record<string, string>>
  readonly problems: readonly WvaConfigProblem[]
}

export interface QueueingModelEntry {
  readonly modelId?: string | undefined
  readonly namespace?: string | undefined
  readonly sloMultiplier?: number | undefined
  /** ms */
  readonly targetTTFT?: number | undefined
  /** ms */
  readonly targetITL?: number | undefined
  readonly tuningEnabled?: boolean | undefined
}

export interface ParsedQueueingModelConfig {
  readonly configMap: {readonly namespace: string; readonly name: string} | undefined
  readonly entries: Readonly<Record<string, QueueingModelEntry>>
  readonly problems: readonly WvaConfigProblem[]
}

/** The ConfigMap named `name` (or Helm-prefixed `<release>-name`), preferring the exact name. */
export function findWvaConfigMap(configMaps: readonly KubeObject[], names: readonly string[]): KubeObject | undefined {
  for (const name of names) {
    const exact = configMaps.find((configMap) => configMap.metadata?.name === name)
    if (exact !== undefined) return exact
  }
  for (const name of names) {
    const prefixed = configMaps
      .filter((configMap) => (configMap.metadata?.name ?? '').endsWith(`-${name}`))
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1))[0]
    if (prefixed !== undefined) return prefixed
  }
  return undefined
}

function sortedData(configMap: KubeObject): Array<[string, string]> {
  const data = isRecord(configMap.data) ? configMap.data : {}
  return Object.entries(data)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function readYaml(text: string): {value: Record<string, unknown>} | {error: string} {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    return {error: `not valid YAML: ${(error as Error).message.split('\n')[0]}`}
  }
  if (document === null || document === undefined) return {value: {}}
  if (!isRecord(document)) return {error: `must be a YAML map, got ${typeName(document)}`}
  return {value: document}
}

type Kind = 'number' | 'string' | 'boolean'

function typed(
  document: Record<string, unknown>,
  fields: Readonly<Record<string, Kind>>,
): {values: Record<string, unknown>} | {error: string} {
  const values: Record<string, unknown> = {}
  for (const [name, kind] of Object.entries(fields)) {
    const value = document[name]
    if (value === undefined || value === null) continue
    if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value))) {
      return {error: `${name} must be a ${kind}, got ${typeName(value)} ${JSON.stringify(value)}`}
    }
    values[name] = value
  }
  return {values}
}

const saturationFields: Readonly<Record<string, Kind>> = {
  model_id: 'string',
  namespace: 'string',
  kvCacheThreshold: 'number',
  queueLengthThreshold: 'number',
  kvSpareTrigger: 'number',
  queueSpareTrigger: 'number',
  enableLimiter: 'boolean',
  analyzerName: 'string',
  scaleUpThreshold: 'number',
  scaleDownBoundary: 'number',
  priority: 'number',
}

const analyzerFields: Readonly<Record<string, Kind>> = {
  name: 'string',
  type: 'string',
  enabled: 'boolean',
  score: 'number',
  scaleUpThreshold: 'number',
  scaleDownBoundary: 'number',
}

/** One `analyzers:` item, with v0.9's `parameters` folded into the typed fields (a typed field already set wins). */
function readAnalyzer(raw: unknown, index: number): {analyzer: AnalyzerScoreConfig} | {error: string} {
  if (!isRecord(raw)) return {error: `analyzers[${index}] must be a map, got ${typeName(raw)}`}
  const fields = typed(raw, analyzerFields)
  if ('error' in fields) return {error: `analyzers[${index}].${fields.error}`}
  const values = {...fields.values}
  const parameters = raw.parameters
  if (isRecord(parameters)) {
    for (const key of ['scaleUpThreshold', 'scaleDownBoundary', 'score'] as const) {
      if (values[key] !== undefined || parameters[key] === undefined) continue
      if (typeof parameters[key] !== 'number') {
        return {error: `analyzers[${index}].parameters.${key} must be a number, got ${typeName(parameters[key])}`}
      }
      values[key] = parameters[key]
    }
    if (values.enabled === undefined && parameters.enabled !== undefined) {
      if (typeof parameters.enabled !== 'boolean') {
        return {error: `analyzers[${index}].parameters.enabled must be a boolean`}
      }
      values.enabled = parameters.enabled
    }
  }
  return {
    analyzer: {
      name: (values.name as string | undefined) ?? '',
      type: values.type as string | undefined,
      enabled: values.enabled as boolean | undefined,
      score: values.score as number | undefined,
      scaleUpThreshold: values.scaleUpThreshold as number | undefined,
      scaleDownBoundary: values.scaleDownBoundary as number | undefined,
    },
  }
}

/**
 * Every entry of the saturation ConfigMap. A key other than `default` is addressed `<model_id>#<namespace>` (the
 * controller ignores one without both). A wrong type fails its entry, as Go's Unmarshal does.
 */
export function parseV2SaturationConfigMap(configMap: KubeObject | undefined): ParsedV2SaturationConfig {
  if (configMap === undefined) return {configMap: undefined, entries: {}, unknownAnalyzers: {}, problems: []}
  const namespace = configMap.metadata?.namespace ?? ''
  const name = configMap.metadata?.name ?? ''
  const problems: WvaConfigProblem[] = []
  const entries: Record<string, SaturationConfigEntry> = {}
  const unknownAnalyzers: Record<string, string> = {}
  for (const [key, text] of sortedData(configMap)) {
    const source = `configmap ${namespace === '' ? name : `${namespace}/${name}`} key ${key}`
    const document = readYaml(text)
    if ('error' in document) {
      problems.push({source, message: `${document.error}; the controller ignores the entry`})
      continue
    }
    const fields = typed(document.value, saturationFields)
    if ('error' in fields) {
      problems.push({source, message: `${fields.error}; the controller ignores the entry`})
      continue
    }
    const analyzers: AnalyzerScoreConfig[] = []
    const rawAnalyzers = document.value.analyzers
    let broken: string | undefined
    if (rawAnalyzers !== undefined && rawAnalyzers !== null) {
      if (!Array.isArray(rawAnalyzers)) broken = `analyzers must be a list, got ${typeName(rawAnalyzers)}`
      else {
        for (const [index, raw] of rawAnalyzers.entries()) {
          const read = readAnalyzer(raw, index)
          if ('error' in read) {
            broken = read.error
            break
          }
          analyzers.push(read.analyzer)
        }
      }
    }
    if (broken !== undefined) {
      problems.push({source, message: `${broken}; the controller ignores the entry`})
      continue
    }
    const values = fields.values
    const modelId = values.model_id as string | undefined
    const entryNamespace = values.namespace as string | undefined
    let address = key
    if (key !== 'default') {
      if (!modelId || !entryNamespace) {
        problems.push({source, message: 'an entry other than default needs model_id and namespace; it is ignored'})
        continue
      }
      address = `${modelId}#${entryNamespace}`
    }
    const scaleToZeroRaw = document.value.scaleToZero
    const scaleToZero =
      isRecord(scaleToZeroRaw) && typeof scaleToZeroRaw.enabled === 'boolean'
        ? {enabled: scaleToZeroRaw.enabled}
        : isRecord(scaleToZeroRaw)
          ? {}
          : undefined
    const entry: SaturationConfigEntry = {
      modelId,
      namespace: entryNamespace,
      kvCacheThreshold: values.kvCacheThreshold as number | undefined,
      queueLengthThreshold: values.queueLengthThreshold as number | undefined,
      kvSpareTrigger: values.kvSpareTrigger as number | undefined,
      queueSpareTrigger: values.queueSpareTrigger as number | undefined,
      enableLimiter: values.enableLimiter as boolean | undefined,
      analyzerName: values.analyzerName as string | undefined,
      scaleUpThreshold: values.scaleUpThreshold as number | undefined,
      scaleDownBoundary: values.scaleDownBoundary as number | undefined,
      priority: values.priority as number | undefined,
      analyzers,
      scaleToZero,
    }
    Object.defineProperty(entries, address, {value: entry, enumerable: true, writable: true, configurable: true})
    const unknown = analyzers.find(
      (analyzer) =>
        analyzer.enabled !== false &&
        !(knownAnalyzers as readonly string[]).includes(analyzer.type ? analyzer.type : analyzer.name),
    )
    if (unknown !== undefined) {
      const shown = unknown.type ? unknown.type : unknown.name
      Object.defineProperty(unknownAnalyzers, address, {value: shown, enumerable: true})
    }
  }
  return {configMap: {namespace, name}, entries, unknownAnalyzers, problems}
}

const queueingFields: Readonly<Record<string, Kind>> = {
  model_id: 'string',
  namespace: 'string',
  sloMultiplier: 'number',
  targetTTFT: 'number',
  targetITL: 'number',
  tuningEnabled: 'boolean',
}

/** Every entry of `wva-queueing-model-config` (keys: `default`, or any name with `model_id` and `namespace`). */
export function parseQueueingModelConfigMap(configMap: KubeObject | undefined): ParsedQueueingModelConfig {
  if (configMap === undefined) return {configMap: undefined, entries: {}, problems: []}
  const namespace = configMap.metadata?.namespace ?? ''
  const name = configMap.metadata?.name ?? ''
  const problems: WvaConfigProblem[] = []
  const entries: Record<string, QueueingModelEntry> = {}
  for (const [key, text] of sortedData(configMap)) {
    const source = `configmap ${namespace === '' ? name : `${namespace}/${name}`} key ${key}`
    const document = readYaml(text)
    const fields = 'error' in document ? document : typed(document.value, queueingFields)
    if ('error' in fields) {
      problems.push({source, message: `${fields.error}; the controller ignores the entry`})
      continue
    }
    const values = fields.values
    const entry: QueueingModelEntry = {
      modelId: values.model_id as string | undefined,
      namespace: values.namespace as string | undefined,
      sloMultiplier: values.sloMultiplier as number | undefined,
      targetTTFT: values.targetTTFT as number | undefined,
      targetITL: values.targetITL as number | undefined,
      tuningEnabled: values.tuningEnabled as boolean | undefined,
    }
    Object.defineProperty(entries, key, {value: entry, enumerable: true, writable: true, configurable: true})
  }
  return {configMap: {namespace, name}, entries, problems}
}

/** Upstream `buildQMConfig`: `default` then the model's entry; SLO targets only when both are > 0. */
export function resolveQueueingModelEntry(
  entries: Readonly<Record<string, QueueingModelEntry>>,
  modelId: string,
  namespace: string,
): {sloMultiplier: number | undefined; slo: {ttftMs: number; itlMs: number} | undefined} {
  let sloMultiplier: number | undefined
  const base = Object.hasOwn(entries, 'default') ? entries.default : undefined
  if (base?.sloMultiplier !== undefined && base.sloMultiplier > 1) sloMultiplier = base.sloMultiplier
  let slo: {ttftMs: number; itlMs: number} | undefined
  for (const [key, entry] of Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key === 'default' || entry.modelId !== modelId || entry.namespace !== namespace) continue
    if (entry.sloMultiplier !== undefined && entry.sloMultiplier > 1) sloMultiplier = entry.sloMultiplier
    if ((entry.targetTTFT ?? 0) > 0 && (entry.targetITL ?? 0) > 0) {
      slo = {ttftMs: entry.targetTTFT!, itlMs: entry.targetITL!}
    }
    break
  }
  return {sloMultiplier, slo}
}
