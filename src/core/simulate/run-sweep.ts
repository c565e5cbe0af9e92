import {InputError} from '../errors.js'
import {saturationItem, saturationPodFigures, saturationVariantsByKey} from './saturation-items.js'
import {runSaturationWhatIf} from './saturation-what-if.js'
import {saturationContext} from './simulate.js'
import type {Outcome, SimulationItem} from './simulation-result.js'
import {simulateWvaInstallation} from './wva-items.js'
import {whatIfWarningsFor, type WhatIf} from '../model/what-if.js'
import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import {createMemoisedDecider} from '../decide/queueing/memo.js'
import {decisionInput, itemFromDecision, resolveDecisionTargets} from './decision-template.js'
import {type ClusterState, filterVariants, objectKey, type ParsedVariant} from '../model/cluster-state.js'
import {checkSweepAgainstWhatIf, type SweepParameter, sweepParameters, type SweepSpec, whatIfAt} from './sweep-spec.js'

/** Which VAs a sweep covers: one by name (and namespace when the name is ambiguous), or all when name is absent. */
export interface SweepTarget {
  name?: string | undefined
  namespace?: string | undefined
}

/** One VA at one value of the swept parameter. JSON/CSV field names: add freely, rename only after deprecation. */
export interface SweepRow {
  namespace: string
  name: string
  /** the swept parameter's value, in its unit (SweepResult.unit) */
  value: number
  outcome: Outcome
  /** why infeasible or skipped; null otherwise */
  reason: string | null
  desiredReplicas: number | null
  /** predicted per-replica TTFT and ITL at the desired replicas, ms; null unless allocated */
  ttftMs: number | null
  itlMs: number | null
  /** predicted batch occupancy, 0..1 */
  utilization: number | null
  /** cost of the desired replicas: unit cost × accelerator units × replicas */
  cost: number | null
  /** the most requests per minute one replica takes within the SLOs */
  maxRpmPerReplica: number | null
  boundBy: 'ttft' | 'itl' | null
  /** queueing-model, capacity (v0.4.2) or saturation (v0.5.1), as in SimulationItem */
  engine: SimulationItem['engine']
  /** The saturation engines' figures at this point; null for the queueing model. */
  saturation: SweepSaturation | null
}

/** A saturation VA at one point: desiredReplicas is where the cycles settle; the figures are at current replicas. */
export interface SweepSaturation {
  /** The load model's scale of the observed readings (null: as observed). */
  loadScale: number | null
  /** The VA's pods at its current replicas under the load model: largest KV fraction, largest queue (requests). */
  maxKvCacheUsage: number | null
  maxQueueLength: number | null
  saturatedReplicas: number | null
  reportingReplicas: number | null
  /** Model level: average spare KV fraction and queue of the non-saturated pods, against their triggers. */
  avgSpareKvCapacity: number | null
  kvSpareTrigger: number | null
  avgSpareQueueLength: number | null
  queueSpareTrigger: number | null
  /** The next cycle's action at current replicas. */
  action: 'scale-up' | 'scale-down' | 'no-change' | null
  /** Cycles until the replicas settle, and how they ended (see SimulationItem saturation.settle). */
  settleCycles: number | null
  settleStatus: 'settled' | 'oscillating' | 'cycle-limit' | null
}

export interface SweepResult {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'SweepResult'
  parameter: SweepParameter
  unit: string
  values: number[]
  /** ordered by namespace, name, then value */
  rows: SweepRow[]
  /** Problems beyond single rows (flags that cannot apply, load-model notes); also printed on stderr. */
  warnings: string[]
}

export interface SweepOptions {
  /** Live metrics (one instant), as for simulate; otherwise MetricsSnapshot documents in the sources. */
  metrics?: readonly ModelMetrics[] | undefined
  /** Per-pod KV-cache and queue readings (saturation engines); the MetricsSnapshot pods otherwise. */
  pods?: readonly PodMetrics[] | undefined
  /** Scale-to-zero request counts per namespace\0model, as for simulate. */
  requestCounts?: ReadonlyMap<string, number> | undefined
  /** Called after each value (progress on a terminal). */
  onProgress?: ((done: number, total: number) => void) | undefined
}

/**
 * `simulate`'s decision once per value of the swept parameter, everything else as in baseWhatIf, through one
 * memoised decider. Pure and offline: the
 * sources can be manifests only. A VA the optimizer skips (no SLO, no profile, no load…) gets one row per value with
 * outcome `skipped` and the reason, as in simulate. Throws InputError when the target VA is not in the sources or
 * its name is ambiguous, UsageError when baseWhatIf already fixes the swept parameter.
 */
export function runSweep(
  state: ClusterState,
  target: SweepTarget,
  spec: SweepSpec,
  baseWhatIf: WhatIf,
  options: SweepOptions = {},
): SweepResult {
  checkSweepAgainstWhatIf(spec, baseWhatIf)
  const selected = new Set(selectVariantAutoscalings(state, target))
  const scoped = filterVariants(state, (variant) => selected.has(variant))
  // WVA v0.6-v0.9 with saturation V2 or the queueing model: their own engines, one decision per point.
  const wva = sweepWvaInstallation(scoped, spec, baseWhatIf, options)
  if (wva !== undefined) return wva
  // The saturation engines decide a model's VAs together: run them on every VA of the selected models.
  const saturationSources = withSameModels(state, scoped.variants)
  const saturationOptions = {metrics: options.metrics, pods: options.pods, requestCounts: options.requestCounts}
  const selectedKeys = new Set<string>(scoped.variants.map((variant) => objectKey(variant.object)))
  const baseline = runSaturationWhatIf(saturationSources, {...saturationOptions, whatIf: baseWhatIf, settle: false})
  const hasSaturation = baseline.run.variants.some((variant) => selectedKeys.has(key(variant.namespace, variant.name)))
  const rows: SweepRow[] = []
  const warnings = new Set<string>()
  // One memo for the whole sweep: along arrival-rate every point after the first reuses the sizing.
  const decider = createMemoisedDecider()
  for (const [index, value] of spec.values.entries()) {
    const whatIf = whatIfAt(spec, baseWhatIf, value)
    // Every point settles: a sweep asks where the controller ends up, not its next step.
    const saturation = hasSaturation
      ? runSaturationWhatIf(saturationSources, {...saturationOptions, whatIf, settle: true})
      : undefined
    for (const warning of saturation?.warnings ?? []) warnings.add(warning)
    const byKey = saturation === undefined ? new Map() : saturationVariantsByKey(saturation.run)
    const targets = resolveDecisionTargets(scoped, whatIf, {metrics: options.metrics})
    const items = targets.map((target): SimulationItem => {
      const viaSaturation = byKey.get(`${target.namespace}\u0000${target.name}`)
      if (saturation !== undefined && viaSaturation !== undefined) {
        const skeleton: SimulationItem = {...target.skeleton, outcome: 'skipped', reason: null}
        return saturationItem(viaSaturation, skeleton, saturationContext(saturation, viaSaturation))
      }
      return target.template && target.load
        ? itemFromDecision(
            target.skeleton,
            target.load,
            decider.decide(decisionInput(target.template, target.load, target.skeleton.current.replicas)),
            target.template,
          )
        : target.skeleton
    })
    if (value === spec.values[0]) {
      for (const warning of whatIfWarningsFor(whatIf, items)) warnings.add(warning)
    }
    for (const item of items) rows.push(rowOf(item, value))
    options.onProgress?.(index + 1, spec.values.length)
  }
  rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.value - b.value)
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'SweepResult',
    parameter: spec.parameter,
    unit: sweepParameters[spec.parameter].unit,
    values: [...spec.values],
    rows,
    warnings: [...warnings],
  }
}

/**
 * The sweep of a v0.6+ installation decided by V2 or the queueing model (wva-items, wva-load); undefined when there is
 * none or it runs V1. Only the load what-ifs move these engines: another swept parameter leaves every row as at the
 * first point, with the warning simulate prints.
 */
function sweepWvaInstallation(
  scoped: ClusterState,
  spec: SweepSpec,
  baseWhatIf: WhatIf,
  options: SweepOptions,
): SweepResult | undefined {
  if (simulateWvaInstallation(scoped.sources) === undefined) return undefined
  const rows: SweepRow[] = []
  const warnings = new Set<string>()
  for (const [index, value] of spec.values.entries()) {
    const whatIf = whatIfAt(spec, baseWhatIf, value)
    const result = simulateWvaInstallation(scoped.sources, whatIf)
    for (const warning of result?.warnings ?? []) warnings.add(warning)
    const ignored = Object.entries(whatIf).filter(
      ([name, field]) =>
        field !== undefined && !['loadScale', 'arrivalRateRpm', 'scaleUpThreshold', 'scaleDownBoundary'].includes(name),
    )
    if (ignored.length > 0) {
      warnings.add(
        `what-ifs (${ignored.map(([name]) => name).join(', ')}) do not apply to WVA ${scoped.sources.wva?.release} ` +
          'saturation V2 or the queueing model yet: decided without them; only loadScale, arrivalRateRpm, ' +
          'scaleUpThreshold and scaleDownBoundary apply',
      )
    }
    for (const item of result?.items ?? []) rows.push(rowOf(item, value))
    options.onProgress?.(index + 1, spec.values.length)
  }
  rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.value - b.value)
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'SweepResult',
    parameter: spec.parameter,
    unit: sweepParameters[spec.parameter].unit,
    values: [...spec.values],
    rows,
    warnings: [...warnings],
  }
}

function rowOf(item: SimulationItem, value: number): SweepRow {
  const detail = item.saturation
  const figures = saturationPodFigures(detail)
  return {
    namespace: item.namespace,
    name: item.name,
    value,
    outcome: item.outcome,
    reason: item.reason,
    desiredReplicas: item.desired?.replicas ?? null,
    ttftMs: item.prediction?.ttftMs ?? null,
    itlMs: item.prediction?.itlMs ?? null,
    utilization: item.prediction?.utilization ?? null,
    cost: item.desired?.cost ?? null,
    maxRpmPerReplica: item.prediction?.maxRatePerReplica ?? null,
    boundBy: item.boundBy,
    engine: item.engine,
    saturation:
      detail === null
        ? null
        : {
            loadScale: detail.load?.scale ?? null,
            maxKvCacheUsage: figures?.maxKvCacheUsage ?? null,
            maxQueueLength: figures?.maxQueueLength ?? null,
            saturatedReplicas: figures?.saturatedReplicas ?? null,
            reportingReplicas: figures?.reportingReplicas ?? null,
            avgSpareKvCapacity: detail.model?.avgSpareKvCapacity ?? null,
            kvSpareTrigger: detail.model?.kvSpareTrigger ?? null,
            avgSpareQueueLength: detail.model?.avgSpareQueueLength ?? null,
            queueSpareTrigger: detail.model?.queueSpareTrigger ?? null,
            action: detail.action,
            settleCycles: detail.settle?.cycles ?? null,
            settleStatus: detail.settle?.status ?? null,
          },
  }
}

/** The state with every VA sharing a model ID with one of `selected` (the saturation engines' groups). */
function withSameModels(state: ClusterState, selected: readonly ParsedVariant[]): ClusterState {
  const models = new Set(selected.map((variant) => variant.va.modelID))
  return filterVariants(state, (variant) => models.has(variant.va.modelID))
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`
}

function selectVariantAutoscalings(state: ClusterState, target: SweepTarget): readonly ParsedVariant[] {
  const all = state.variants
  if (target.name === undefined) {
    return target.namespace === undefined
      ? all
      : all.filter(({object}) => (object.metadata?.namespace ?? 'default') === target.namespace)
  }
  const named = all.filter(
    ({object}) =>
      object.metadata?.name === target.name &&
      (target.namespace === undefined || (object.metadata?.namespace ?? 'default') === target.namespace),
  )
  const where = target.namespace === undefined ? '' : ` in namespace ${target.namespace}`
  if (named.length === 0)
    throw new InputError(`variantautoscaling "${target.name}" not found${where}`, {
      hint: 'check the name with kubectl va get, or the -f files',
    })
  if (named.length > 1) {
    const namespaces = named.map(({object}) => object.metadata?.namespace ?? 'default').join(', ')
    throw new InputError(`variantautoscaling "${target.name}" exists in several namespaces (${namespaces})`, {
      hint: 'pass -n NAMESPACE',
    })
  }
  return named
}
