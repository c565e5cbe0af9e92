import {InputError} from '../errors.js'
import type {Outcome} from '../inspect/simulation-result.js'
import type {WhatIf} from '../inspect/what-if.js'
import type {ModelMetrics} from '../model/metrics.js'
import {createMemoisedDecider} from '../optimizer/memo.js'
import {decisionInput, itemFromDecision, resolveDecisionTargets} from '../replay/decision-template.js'
import type {SourceSet} from '../sources.js'
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
}

export interface SweepResult {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'SweepResult'
  parameter: SweepParameter
  unit: string
  values: number[]
  /** ordered by namespace, name, then value */
  rows: SweepRow[]
}

export interface SweepOptions {
  /** Live metrics (one instant), as for simulate; otherwise MetricsSnapshot documents in the sources. */
  metrics?: readonly ModelMetrics[] | undefined
}

/**
 * `simulate`'s decision once per value of the swept parameter, everything else as in baseWhatIf, through one
 * memoised decider. Pure and offline: the
 * sources can be manifests only. A VA the optimizer skips (no SLO, no profile, no load…) gets one row per value with
 * outcome `skipped` and the reason, as in simulate. Throws InputError when the target VA is not in the sources or
 * its name is ambiguous, UsageError when baseWhatIf already fixes the swept parameter.
 */
export function runSweep(sources: SourceSet, target: SweepTarget, spec: SweepSpec, baseWhatIf: WhatIf, options: SweepOptions = {}): SweepResult {
  checkSweepAgainstWhatIf(spec, baseWhatIf)
  const selected = selectVariantAutoscalings(sources, target)
  const scoped: SourceSet = {...sources, variantAutoscalings: selected}
  const rows: SweepRow[] = []
  // One memo for the whole sweep: along arrival-rate every point after the first reuses the sizing.
  const decider = createMemoisedDecider()
  for (const value of spec.values) {
    const targets = resolveDecisionTargets(scoped, whatIfAt(spec, baseWhatIf, value), {metrics: options.metrics})
    for (const target of targets) {
      const item = target.template && target.load
        ? itemFromDecision(target.skeleton, target.load, decider.decide(decisionInput(target.template, target.load, target.skeleton.current.replicas)))
        : target.skeleton
      rows.push({
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
      })
    }
  }
  rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.value - b.value)
  return {apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'SweepResult', parameter: spec.parameter, unit: sweepParameters[spec.parameter].unit, values: [...spec.values], rows}
}

function selectVariantAutoscalings(sources: SourceSet, target: SweepTarget): SourceSet['variantAutoscalings'] {
  const all = sources.variantAutoscalings
  if (target.name === undefined) {
    return target.namespace === undefined ? all : all.filter((object) => (object.metadata?.namespace ?? 'default') === target.namespace)
  }
  const named = all.filter((object) => object.metadata?.name === target.name && (target.namespace === undefined || (object.metadata?.namespace ?? 'default') === target.namespace))
  const where = target.namespace === undefined ? '' : ` in namespace ${target.namespace}`
  if (named.length === 0) throw new InputError(`variantautoscaling "${target.name}" not found${where}`, {hint: 'check the name with kubectl va get, or the -f files'})
  if (named.length > 1) {
    const namespaces = named.map((object) => object.metadata?.namespace ?? 'default').join(', ')
    throw new InputError(`variantautoscaling "${target.name}" exists in several namespaces (${namespaces})`, {hint: 'pass -n NAMESPACE'})
  }
  return named
}
