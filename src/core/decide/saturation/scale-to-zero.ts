/**
 * saturation v0.5.1 scale-to-zero / minimum-replica enforcer (`internal/engines/pipeline/enforcer.go`, `EnforcePolicy`)
 * and the scale-to-zero config helpers it calls. Spec: saturation-algorithm.md section 5.
 *
 * Upstream calls Prometheus in the middle of `EnforcePolicy`; here the policy is resolved first
 * (`resolveScaleToZeroPolicy`, which also builds the query), the caller runs the query, and
 * `enforceScaleToZeroPolicy` applies the reading.
 */
import {
  formatGoDuration,
  formatPrometheusDuration,
  goDurationSeconds,
  nanosecondsPerSecond,
  parseGoDuration,
} from './go-duration.js'
import {compareNames, compareNumbers, targetOf, toTargets, type ReplicaTargets} from './types.js'

/** The key of the global entry in the scale-to-zero ConfigMap. */
export const scaleToZeroDefaultKey = 'default'
/** Retention used when no entry gives a usable one: 10 minutes. */
export const defaultRetentionNanoseconds = 10n * 60n * nanosecondsPerSecond
/** Upstream only warns above this retention (24 h); it is still used. */
export const longRetentionWarningNanoseconds = 24n * 3600n * nanosecondsPerSecond
/** Cost of a target that has no variant analysis (upstream's default variant cost). */
export const defaultVariantCost = 10

/** One parsed entry of the scale-to-zero ConfigMap (snake_case in YAML). */
export interface ScaleToZeroEntry {
  readonly modelId?: string | undefined
  /** Parsed but never used for lookups upstream. */
  readonly namespace?: string | undefined
  /** undefined = unset (falls through to the next source). */
  readonly enableScaleToZero?: boolean | undefined
  /** Go duration string; "" or undefined = unset. */
  readonly retentionPeriod?: string | undefined
}

/** Keys are model IDs, plus `default`. */
export type ScaleToZeroConfig = Readonly<Record<string, ScaleToZeroEntry>>

/** Where the retention came from, for explanations. */
export type RetentionSource = 'model' | 'default-entry' | 'built-in'

export interface Retention {
  readonly nanoseconds: bigint
  readonly seconds: number
  /** Go's `Duration.String`, e.g. `1h30m0s`. */
  readonly goText: string
  /** The PromQL `[range]`, e.g. `90m`. */
  readonly promqlRange: string
  readonly source: RetentionSource
  /** Upstream logs a warning above 24 h. */
  readonly isLongerThanOneDay: boolean
}

export type EnabledSource = 'model' | 'default-entry' | 'env'

export interface RequestCountQuery {
  readonly modelId: string
  readonly namespace: string
  readonly retention: Retention
  /** The production PromQL. */
  readonly promql: string
}

export interface ScaleToZeroPolicy {
  readonly scaleToZeroEnabled: boolean
  /** What decided it; undefined when nothing enabled it and the env var is not "true". */
  readonly enabledSource: EnabledSource | undefined
  /** Computed even when disabled, as upstream's helper would return it. */
  readonly retention: Retention
  /** Present only when enabled: upstream queries only then. */
  readonly requestCountQuery: RequestCountQuery | undefined
}

/** What the request-count query returned. `error` covers a failed query, no result and no sample. */
export type RequestCountReading =
  | {readonly kind: 'count'; readonly requests: number}
  | {readonly kind: 'error'; readonly message: string}

function entryOf(config: ScaleToZeroConfig, key: string): ScaleToZeroEntry | undefined {
  return Object.hasOwn(config, key) ? config[key] : undefined
}

/** Mirrors upstream `IsScaleToZeroEnabled`: model entry, then `default`, then env `WVA_SCALE_TO_ZERO` (any case). */
export function resolveScaleToZeroEnabled(
  config: ScaleToZeroConfig,
  modelId: string,
  envWvaScaleToZero: string | undefined,
): {readonly scaleToZeroEnabled: boolean; readonly enabledSource: EnabledSource | undefined} {
  const modelFlag = entryOf(config, modelId)?.enableScaleToZero
  if (modelFlag !== undefined) return {scaleToZeroEnabled: modelFlag, enabledSource: 'model'}
  const defaultFlag = entryOf(config, scaleToZeroDefaultKey)?.enableScaleToZero
  if (defaultFlag !== undefined) return {scaleToZeroEnabled: defaultFlag, enabledSource: 'default-entry'}
  // strings.EqualFold: only a case-insensitive "true" counts, never "1".
  const isEnvTrue = envWvaScaleToZero?.toLowerCase() === 'true'
  return {scaleToZeroEnabled: isEnvTrue, enabledSource: isEnvTrue ? 'env' : undefined}
}

function positiveDuration(text: string): bigint | undefined {
  const parsed = parseGoDuration(text)
  return parsed.kind === 'ok' && parsed.nanoseconds > 0n ? parsed.nanoseconds : undefined
}

function toRetention(nanoseconds: bigint, source: RetentionSource): Retention {
  return {
    nanoseconds,
    seconds: goDurationSeconds(nanoseconds),
    goText: formatGoDuration(nanoseconds),
    promqlRange: formatPrometheusDuration(nanoseconds),
    source,
    isLongerThanOneDay: nanoseconds > longRetentionWarningNanoseconds,
  }
}

/** Mirrors upstream `GetScaleToZeroRetentionPeriod`: model entry, then `default`, then 10 min; each must parse > 0. */
export function resolveRetention(config: ScaleToZeroConfig, modelId: string): Retention {
  const modelText = entryOf(config, modelId)?.retentionPeriod ?? ''
  if (modelText !== '') {
    const nanoseconds = positiveDuration(modelText)
    if (nanoseconds !== undefined) return toRetention(nanoseconds, 'model')
  }
  const defaultText = entryOf(config, scaleToZeroDefaultKey)?.retentionPeriod ?? ''
  if (defaultText !== '') {
    const nanoseconds = positiveDuration(defaultText)
    if (nanoseconds !== undefined) return toRetention(nanoseconds, 'default-entry')
  }
  return toRetention(defaultRetentionNanoseconds, 'built-in')
}

/** The production request-count query (v0.5.1 collector); values are interpolated as upstream does, unescaped. */
export function formatRequestCountPromql(modelId: string, namespace: string, promqlRange: string): string {
  return `sum(increase(vllm:request_success_total{namespace="${namespace}",model_name="${modelId}"}[${promqlRange}]))`
}

/** Everything `EnforcePolicy` decides before it looks at the request count. */
export function resolveScaleToZeroPolicy(input: {
  readonly modelId: string
  readonly namespace: string
  readonly scaleToZeroConfig: ScaleToZeroConfig
  readonly envWvaScaleToZero: string | undefined
}): ScaleToZeroPolicy {
  const enabled = resolveScaleToZeroEnabled(input.scaleToZeroConfig, input.modelId, input.envWvaScaleToZero)
  const retention = resolveRetention(input.scaleToZeroConfig, input.modelId)
  return {
    ...enabled,
    retention,
    requestCountQuery: enabled.scaleToZeroEnabled
      ? {
          modelId: input.modelId,
          namespace: input.namespace,
          retention,
          promql: formatRequestCountPromql(input.modelId, input.namespace, retention.promqlRange),
        }
      : undefined,
  }
}

/** Why the enforcer did (or did not) change the targets. */
export type EnforcementOutcome =
  | {readonly kind: 'scaled-to-zero'; readonly requests: number}
  | {readonly kind: 'kept-recent-requests'; readonly requests: number}
  | {readonly kind: 'kept-request-count-unknown'; readonly message: string}
  | {
      readonly kind: 'minimum-preserved'
      readonly variantName: string
      readonly cost: number
      readonly isOrderDependent: boolean
    }
  | {readonly kind: 'kept-has-replicas'}
  | {readonly kind: 'kept-no-targets'}

export interface EnforcementResult {
  readonly targets: ReplicaTargets
  /** Upstream's `applied`: scale-to-zero set every target to 0, or the minimum rule set one to 1. */
  readonly applied: boolean
  readonly outcome: EnforcementOutcome
}

/** A variant's cost for the minimum rule. */
export interface VariantCost {
  readonly variantName: string
  readonly cost: number
}

/**
 * Mirrors v0.5.1 `EnforcePolicy`. `requestCount` is the reading of `policy.requestCountQuery`; when it is missing
 * while enabled, the count counts as unknown (as a failed query: targets kept).
 */
export function enforceScaleToZeroPolicy(input: {
  readonly targets: ReplicaTargets
  readonly variantCosts: readonly VariantCost[]
  readonly policy: ScaleToZeroPolicy
  readonly requestCount?: RequestCountReading | undefined
}): EnforcementResult {
  const {targets, policy} = input
  if (policy.scaleToZeroEnabled) {
    const reading = input.requestCount ?? {kind: 'error', message: 'request count not queried'}
    switch (reading.kind) {
      case 'error':
        return {targets, applied: false, outcome: {kind: 'kept-request-count-unknown', message: reading.message}}
      case 'count':
        if (reading.requests > 0) {
          return {targets, applied: false, outcome: {kind: 'kept-recent-requests', requests: reading.requests}}
        }
        // Even 0 targets or an empty map count as applied; a negative count also scales to zero.
        return {
          targets: toTargets(Object.keys(targets).map((name) => [name, 0])),
          applied: true,
          outcome: {kind: 'scaled-to-zero', requests: reading.requests},
        }
    }
  }
  return preserveMinimumReplica(targets, input.variantCosts)
}

/**
 * The disabled branch: with every target at 0, the cheapest variant gets 1. Upstream scans keys in random map
 * order with a running minimum that starts at -1 ("unset"), so once a negative cost is met every later key replaces
 * the pick. This port scans in name order: the (cost, name) minimum for costs >= 0, and one of upstream's possible
 * outcomes otherwise (reported as `isOrderDependent`).
 */
export function preserveMinimumReplica(
  targets: ReplicaTargets,
  variantCosts: readonly VariantCost[],
): EnforcementResult {
  const names = Object.keys(targets).sort(compareNames)
  let totalReplicas = 0
  for (const name of names) totalReplicas += targetOf(targets, name)!
  if (totalReplicas > 0) return {targets, applied: false, outcome: {kind: 'kept-has-replicas'}}
  const costs = new Map(variantCosts.map((variant) => [variant.variantName, variant.cost]))
  let cheapestName = ''
  let cheapestCost = -1
  let isOrderDependent = false
  for (const name of names) {
    const cost = costs.get(name) ?? defaultVariantCost
    if (cost < 0) isOrderDependent = true
    if (cheapestCost < 0 || compareNumbers(cost, cheapestCost) < 0 || (cost === cheapestCost && name < cheapestName)) {
      cheapestName = name
      cheapestCost = cost
    }
  }
  // Upstream tests `cheapest != ""`, so a variant named "" is never raised.
  if (cheapestName === '') return {targets, applied: false, outcome: {kind: 'kept-no-targets'}}
  return {
    targets: toTargets(names.map((name) => [name, name === cheapestName ? 1 : targetOf(targets, name)!])),
    applied: true,
    outcome: {kind: 'minimum-preserved', variantName: cheapestName, cost: cheapestCost, isOrderDependent},
  }
}
