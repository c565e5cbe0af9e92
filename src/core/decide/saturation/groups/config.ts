/**
 * Finding and parsing the saturation engines' ConfigMaps (wva-controller.md 5.1, 5.5-5.7; saturation-algorithm.md
 * section 8):
 * * capacity v0.4.2: `capacity-scaling-config` in the controller namespace; `default` plus per model+namespace
 *   overrides, merged onto 0.80/5/0.10/3; missing ConfigMap -> the hard-coded values.
 * * saturation v0.5.1: `SATURATION_CONFIG_MAP_NAME`, else `wva-saturation-scaling-config` (v0.5.1) or
 *   `saturation-scaling-config` (v0.5.0), else a Helm/kustomize-prefixed `<prefix>-saturation-scaling-config`. Only
 *   the `default` entry counts, as written. A ConfigMap of the same name in the VA namespace replaces the global
 *   one for that namespace. No valid `default` -> the model is skipped.
 * * scale-to-zero (v0.5.x): `wva-model-scale-to-zero-config` (v0.5.1) or `model-scale-to-zero-config` (v0.5.0),
 *   snake_case fields, same namespace-local replacement.
 * ConfigMaps without a namespace (from manifest files) count as being in the controller namespace.
 */
import {parse as parseYaml} from 'yaml'

import {defaultControllerNamespace, type ControllerEnv} from '../../../model/controller.js'
import {isRecord, typeName} from '../../../model/field-problems.js'
import type {KubeObject} from '../../../model/kube-object.js'
import {
  resolveCapacityConfigV042,
  saturationConfigDefaultKey,
  validateSaturationConfigV051,
  type CapacityConfigResolution,
  type SaturationConfigEntry,
} from '../config.js'
import {scaleToZeroDefaultKey, type ScaleToZeroConfig, type ScaleToZeroEntry} from '../scale-to-zero.js'
import {compareNames, type SaturationThresholds} from '../types.js'
import type {ClusterState} from '../../../model/cluster-state.js'

export const capacityConfigMapName = 'capacity-scaling-config'
/** v0.5.1 default first, then v0.5.0's. */
export const saturationConfigMapNames = ['wva-saturation-scaling-config', 'saturation-scaling-config'] as const
export const scaleToZeroConfigMapNames = ['wva-model-scale-to-zero-config', 'model-scale-to-zero-config'] as const

/** One problem with one entry (key) of a ConfigMap. */
export interface ConfigEntryProblem {
  readonly namespace: string
  readonly configMap: string
  readonly key: string
  /** The offending field (`kvCacheThreshold`), when one is to blame. */
  readonly field: string | undefined
  readonly message: string
}

export interface ConfigMapRef {
  readonly namespace: string
  readonly name: string
  /** `namespace-local`: a v0.5.1 same-name ConfigMap in the VA namespace that replaces the global one. */
  readonly scope: 'global' | 'namespace-local'
}

/** Where the controller's ConfigMaps live and what its env says. */
export interface ConfigLocation {
  readonly controllerNamespace: string
  readonly env: ControllerEnv
  readonly configMaps: readonly KubeObject[]
}

export function resolveConfigLocation(state: ClusterState): ConfigLocation {
  const controllerNamespace = state.controllerNamespace ?? defaultControllerNamespace
  return {controllerNamespace, env: state.env, configMaps: state.sources.configMaps}
}

function namespaceOf(configMap: KubeObject, location: ConfigLocation): string {
  return configMap.metadata?.namespace ?? location.controllerNamespace
}

function findConfigMap(location: ConfigLocation, namespace: string, name: string): KubeObject | undefined {
  return location.configMaps.find(
    (configMap) => configMap.metadata?.name === name && namespaceOf(configMap, location) === namespace,
  )
}

/** The name the controller reads, and the ConfigMap of that name in the controller namespace (if any). */
function findGlobal(
  location: ConfigLocation,
  exactNames: readonly string[],
  prefixedSuffix: string | undefined,
): {name: string; configMap: KubeObject | undefined} {
  for (const name of exactNames) {
    const configMap = findConfigMap(location, location.controllerNamespace, name)
    if (configMap !== undefined) return {name, configMap}
  }
  if (prefixedSuffix !== undefined) {
    const prefixed = location.configMaps
      .filter(
        (configMap) =>
          namespaceOf(configMap, location) === location.controllerNamespace &&
          (configMap.metadata?.name ?? '').endsWith(prefixedSuffix),
      )
      .sort((left, right) => compareNames(left.metadata?.name ?? '', right.metadata?.name ?? ''))[0]
    if (prefixed !== undefined) return {name: prefixed.metadata!.name!, configMap: prefixed}
  }
  return {name: exactNames[0]!, configMap: undefined}
}

function stringData(configMap: KubeObject): Array<[string, string]> {
  const data = isRecord(configMap.data) ? configMap.data : {}
  return Object.entries(data)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([left], [right]) => compareNames(left, right))
}

type FieldKind = 'number' | 'string' | 'boolean'

/** Reads one key's YAML into typed fields; any wrong type fails the whole entry, as Go's Unmarshal does. */
function readEntry(
  text: string,
  fields: Readonly<Record<string, FieldKind>>,
  report: (field: string | undefined, message: string) => void,
): Record<string, unknown> | undefined {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    report(undefined, `not valid YAML: ${(error as Error).message.split('\n')[0]}`)
    return undefined
  }
  if (document === null || document === undefined) return {}
  if (!isRecord(document)) {
    report(undefined, `must be a YAML map, got ${typeName(document)}`)
    return undefined
  }
  const out: Record<string, unknown> = {}
  let isBroken = false
  for (const [field, kind] of Object.entries(fields)) {
    const value = document[field]
    if (value === undefined || value === null) continue
    if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value))) {
      report(
        field,
        `${field} must be a ${kind}, got ${typeName(value)} ${JSON.stringify(value)}; the controller cannot ` +
          `parse the entry and ignores it`,
      )
      isBroken = true
      continue
    }
    out[field] = value
  }
  return isBroken ? undefined : out
}

const saturationFields: Readonly<Record<string, FieldKind>> = {
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
}

export interface ParsedSaturationConfigMap {
  /** Entries that parsed (not yet validated), by key. */
  readonly entries: Readonly<Record<string, SaturationConfigEntry>>
  readonly problems: readonly ConfigEntryProblem[]
}

/** Parses every key of a capacity/saturation ConfigMap (`model_id` becomes `modelId`). */
export function parseSaturationConfigMap(configMap: KubeObject, namespace: string): ParsedSaturationConfigMap {
  const problems: ConfigEntryProblem[] = []
  const entries: Record<string, SaturationConfigEntry> = {}
  const name = configMap.metadata?.name ?? ''
  for (const [key, text] of stringData(configMap)) {
    const read = readEntry(text, saturationFields, (field, message) =>
      problems.push({namespace, configMap: name, key, field, message}),
    )
    if (read === undefined) continue
    const {model_id: modelId, ...rest} = read
    Object.defineProperty(entries, key, {
      value: {...rest, modelId} as SaturationConfigEntry,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return {entries, problems}
}

/**
 * The field a Go `Validate` message starts with (`kvCacheThreshold must be ...`, `kvCacheThreshold (0.05) should ...`).
 */
function fieldOfValidationError(error: string): string | undefined {
  return /^([A-Za-z]+)\b/.exec(error)?.[1]
}

export interface CapacityThresholds {
  readonly thresholds: SaturationThresholds
  /** undefined: no ConfigMap, the hard-coded thresholds apply. */
  readonly configMap: ConfigMapRef | undefined
  readonly resolution: CapacityConfigResolution
  readonly problems: readonly ConfigEntryProblem[]
}

/** capacity v0.4.2: `capacity-scaling-config` resolved for one model and VA namespace. */
export function resolveCapacityThresholds(
  location: ConfigLocation,
  modelId: string,
  namespace: string,
): CapacityThresholds {
  const found = findGlobal(location, [capacityConfigMapName], `-${capacityConfigMapName}`)
  const parsed =
    found.configMap === undefined ? undefined : parseSaturationConfigMap(found.configMap, location.controllerNamespace)
  const resolution = resolveCapacityConfigV042(parsed?.entries, modelId, namespace)
  const validationProblems = [...resolution.entryChecks].flatMap(([key, check]): ConfigEntryProblem[] =>
    check.kind === 'invalid'
      ? [
          {
            namespace: location.controllerNamespace,
            configMap: found.name,
            key,
            field: fieldOfValidationError(check.error),
            message: `${check.error}; the controller ignores the entry`,
          },
        ]
      : [],
  )
  return {
    thresholds: resolution.effective,
    configMap:
      found.configMap === undefined
        ? undefined
        : {namespace: location.controllerNamespace, name: found.name, scope: 'global'},
    resolution,
    problems: [...(parsed?.problems ?? []), ...validationProblems],
  }
}

export type SaturationThresholdsResolution =
  | {
      readonly kind: 'ok'
      readonly thresholds: SaturationThresholds
      readonly configMap: ConfigMapRef
      /** `default.enableLimiter` of the global ConfigMap (never of a namespace-local one). */
      readonly enableLimiter: boolean
      readonly problems: readonly ConfigEntryProblem[]
    }
  | {
      readonly kind: 'missing'
      /** For the sentence: "no saturation config (...)". */
      readonly reason: string
      readonly enableLimiter: boolean
      readonly problems: readonly ConfigEntryProblem[]
    }

function validateEntries(
  parsed: ParsedSaturationConfigMap,
  namespace: string,
  name: string,
): {valid: Map<string, SaturationConfigEntry>; problems: ConfigEntryProblem[]} {
  const valid = new Map<string, SaturationConfigEntry>()
  const problems: ConfigEntryProblem[] = [...parsed.problems]
  for (const key of Object.keys(parsed.entries)) {
    const entry = parsed.entries[key]!
    const check = validateSaturationConfigV051(entry)
    if (check.kind === 'valid') valid.set(key, entry)
    else
      problems.push({
        namespace,
        configMap: name,
        key,
        field: fieldOfValidationError(check.error),
        message: `${check.error}; the controller ignores the entry`,
      })
  }
  return {valid, problems}
}

/** The saturation ConfigMap name the controller uses, and the global ConfigMap if present. */
export function findSaturationConfigMap(location: ConfigLocation): {name: string; configMap: KubeObject | undefined} {
  const envName = location.env.saturationConfigMapName
  if (envName !== undefined)
    return {name: envName, configMap: findConfigMap(location, location.controllerNamespace, envName)}
  return findGlobal(location, saturationConfigMapNames, '-saturation-scaling-config')
}

/** saturation v0.5.1: the `default` entry, as written, of the namespace-local ConfigMap or else the global one. */
export function resolveSaturationThresholds(
  location: ConfigLocation,
  namespace: string,
): SaturationThresholdsResolution {
  const global = findSaturationConfigMap(location)
  const globalChecked =
    global.configMap === undefined
      ? undefined
      : validateEntries(
          parseSaturationConfigMap(global.configMap, location.controllerNamespace),
          location.controllerNamespace,
          global.name,
        )
  const enableLimiter = globalChecked?.valid.get(saturationConfigDefaultKey)?.enableLimiter ?? false
  const local = namespace === location.controllerNamespace ? undefined : findConfigMap(location, namespace, global.name)
  const chosen =
    local !== undefined
      ? {
          ref: {namespace, name: global.name, scope: 'namespace-local' as const},
          checked: validateEntries(parseSaturationConfigMap(local, namespace), namespace, global.name),
        }
      : globalChecked === undefined
        ? undefined
        : {
            ref: {namespace: location.controllerNamespace, name: global.name, scope: 'global' as const},
            checked: globalChecked,
          }
  if (chosen === undefined) {
    return {
      kind: 'missing',
      reason:
        `ConfigMap ${global.name} not found in ` +
        `${location.controllerNamespace}${namespace === location.controllerNamespace ? '' : ` or ${namespace}`}`,
      enableLimiter,
      problems: [],
    }
  }
  const entry = chosen.checked.valid.get(saturationConfigDefaultKey)
  if (entry === undefined) {
    const isInvalid = chosen.checked.problems.some((problem) => problem.key === saturationConfigDefaultKey)
    return {
      kind: 'missing',
      reason:
        `ConfigMap ${chosen.ref.namespace}/${chosen.ref.name} has ${isInvalid ? 'an invalid' : 'no'} ` +
        `"${saturationConfigDefaultKey}" entry`,
      enableLimiter,
      problems: chosen.checked.problems,
    }
  }
  return {
    kind: 'ok',
    thresholds: {
      kvCacheThreshold: entry.kvCacheThreshold ?? 0,
      queueLengthThreshold: entry.queueLengthThreshold ?? 0,
      kvSpareTrigger: entry.kvSpareTrigger ?? 0,
      queueSpareTrigger: entry.queueSpareTrigger ?? 0,
    },
    configMap: chosen.ref,
    enableLimiter,
    problems: chosen.checked.problems,
  }
}

const scaleToZeroFields: Readonly<Record<string, FieldKind>> = {
  model_id: 'string',
  namespace: 'string',
  enable_scale_to_zero: 'boolean',
  retention_period: 'string',
}

export interface ParsedScaleToZeroConfig {
  /** Keyed by model ID, plus `default`, as the enforcer looks entries up. */
  readonly config: ScaleToZeroConfig
  readonly problems: readonly ConfigEntryProblem[]
}

/**
 * v0.5.x scale-to-zero ConfigMap: `default` plus override keys whose `model_id` names the model. Overrides without
 * `model_id` are skipped. On a duplicate `model_id` upstream's map order decides; here the first key by name wins
 * and the duplicate is reported.
 */
export function parseScaleToZeroConfigMap(configMap: KubeObject, namespace: string): ParsedScaleToZeroConfig {
  const problems: ConfigEntryProblem[] = []
  const config: Record<string, ScaleToZeroEntry> = {}
  const keyOfModel = new Map<string, string>()
  const name = configMap.metadata?.name ?? ''
  for (const [key, text] of stringData(configMap)) {
    const report = (field: string | undefined, message: string): void => {
      problems.push({namespace, configMap: name, key, field, message})
    }
    const read = readEntry(text, scaleToZeroFields, report)
    if (read === undefined) continue
    const entry: ScaleToZeroEntry = {
      modelId: read.model_id as string | undefined,
      namespace: read.namespace as string | undefined,
      enableScaleToZero: read.enable_scale_to_zero as boolean | undefined,
      retentionPeriod: read.retention_period as string | undefined,
    }
    let target = key
    if (key !== scaleToZeroDefaultKey) {
      if (entry.modelId === undefined || entry.modelId === '') {
        report('model_id', 'an override without model_id is skipped by the controller')
        continue
      }
      const earlier = keyOfModel.get(entry.modelId)
      if (earlier !== undefined) {
        report(
          'model_id',
          `model ${entry.modelId} is also configured by key ${earlier}; the controller's choice depends on ` +
            `map order (using ${earlier})`,
        )
        continue
      }
      keyOfModel.set(entry.modelId, key)
      target = entry.modelId
    }
    Object.defineProperty(config, target, {value: entry, enumerable: true, writable: true, configurable: true})
  }
  return {config, problems}
}

export interface ScaleToZeroConfigResolution {
  readonly config: ScaleToZeroConfig
  /** undefined: no ConfigMap (enabled only by env WVA_SCALE_TO_ZERO). */
  readonly configMap: ConfigMapRef | undefined
  readonly problems: readonly ConfigEntryProblem[]
}

/** The scale-to-zero config for VAs in `namespace`: the namespace-local ConfigMap, else the global one. */
export function resolveScaleToZeroConfig(location: ConfigLocation, namespace: string): ScaleToZeroConfigResolution {
  const global = findGlobal(location, scaleToZeroConfigMapNames, undefined)
  const local =
    namespace === location.controllerNamespace
      ? undefined
      : scaleToZeroConfigMapNames
          .map((name) => findConfigMap(location, namespace, name))
          .find((found) => found !== undefined)
  if (local !== undefined) {
    const parsed = parseScaleToZeroConfigMap(local, namespace)
    return {...parsed, configMap: {namespace, name: local.metadata!.name!, scope: 'namespace-local'}}
  }
  if (global.configMap === undefined) return {config: {}, configMap: undefined, problems: []}
  const parsed = parseScaleToZeroConfigMap(global.configMap, location.controllerNamespace)
  return {...parsed, configMap: {namespace: location.controllerNamespace, name: global.name, scope: 'global'}}
}
