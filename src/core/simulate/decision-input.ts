import {infeasibleInWords} from './infeasible.js'
import {findServiceClass, isScaleToZeroEnabled, type ControllerConfig} from '../model/controller-config.js'
import {type ClusterState, sortedVariants} from '../model/cluster-state.js'
import {describeProblems} from '../model/field-problems.js'
import {field, type KubeObject} from '../model/kube-object.js'
import type {ModelMetrics, RejectedModelEntry} from '../model/metrics.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import type {ModelBasedDecision, ModelBasedInput} from '../decide/queueing/model-based.js'
import {type LoadSource, type ResolvedLoad, resolveLoad} from './load.js'
import {reasonCodeOf, type CauseCode, type SimulationItem} from './simulation-result.js'
import type {WhatIf} from '../model/what-if.js'

/** The load-dependent part of a decision's input. */
export type DecisionLoad = Pick<ModelBasedInput, 'arrivalRateRpm' | 'avgInputTokens' | 'avgOutputTokens'>

/** Everything a VA's decision needs except the load and the current replicas, which change per step. */
export type DecisionTemplate = Omit<
  ModelBasedInput,
  'arrivalRateRpm' | 'avgInputTokens' | 'avgOutputTokens' | 'currentReplicas'
>

/** One VA, ready to decide at any load, or the reason it cannot be decided. */
export interface PreparedDecision {
  namespace: string
  name: string
  modelID: string
  /** the scale target (Deployment) name */
  deploymentName: string
  /**
   * The item before deciding: identity, load, SLOs, current replicas; `skipped` with the reason when it cannot be
   * decided.
   */
  skeleton: SimulationItem
  /** undefined when the VA itself or its config is unusable (the load does not matter) */
  template: DecisionTemplate | undefined
  /** the load to decide at (what-ifs, then measured, then status; times loadScale); undefined when missing */
  load: DecisionLoad | undefined
  loadSources: LoadSource[]
}

export interface PrepareOptions {
  whatIf: WhatIf
  /** Live metrics from Prometheus; when absent, the MetricsSnapshot documents in the sources are used. */
  metrics?: readonly ModelMetrics[] | undefined
}

/**
 * Maps every VA of the sources to the controller's model-based decision input, the way the controller glue does
 * (profile for its accelerator, service class SLOs, unit cost, load, current replicas, scale-to-zero, shape B bounds),
 * with a reason naming the object and field for each VA that cannot be decided. Sorted by namespace, name.
 */
export function prepareDecisions(state: ClusterState, options: PrepareOptions): PreparedDecision[] {
  const {sources, config} = state
  const measuredSource = options.metrics ? 'prometheus' : 'snapshot'
  const metrics = indexMetrics(options.metrics ?? sources.metricsSnapshots.flatMap((snapshot) => snapshot.models))
  const snapshots = options.metrics ? [] : sources.metricsSnapshots
  const rejectedEntries = snapshots.flatMap((snapshot) => snapshot.rejectedModels ?? [])
  const rejected = new Map(rejectedEntries.map((entry) => [key(entry.namespace, entry.modelID), entry]))
  const haveSnapshots = sources.metricsSnapshots.length > 0
  const deployments = new Map(
    sources.deployments.map((deployment) => [
      key(deployment.metadata?.namespace ?? 'default', deployment.metadata?.name ?? ''),
      deployment,
    ]),
  )
  const whatIf = options.whatIf
  const context: Context = {config, metrics, rejected, haveSnapshots, measuredSource, deployments, whatIf}
  return sortedVariants(state).map(({va}) => prepareOne(va, context))
}

/** The input of one decision: the template at a load, with the replicas running now. */
export function decisionInput(
  template: DecisionTemplate,
  load: DecisionLoad,
  currentReplicas: number,
): ModelBasedInput {
  return {...template, ...load, currentReplicas}
}

/** The item for a decision, from the skeleton. */
export function itemFromDecision(
  skeleton: SimulationItem,
  load: DecisionLoad,
  decision: ModelBasedDecision,
  /** The profile decided on, to say an infeasible target in an operator's words (simulate/infeasible.ts). */
  template?: Pick<DecisionTemplate, 'decodeParms' | 'prefillParms'>,
): SimulationItem {
  const allocation = decision.allocation
  // A token average the skeleton does not know (an idle model) was fed to the optimizer as 0: still show it unknown.
  const unknown = (shown: number | null | undefined, fed: number) => (shown === null && fed === 0 ? null : fed)
  return {
    ...skeleton,
    load: {
      arrivalRate: load.arrivalRateRpm,
      avgInputTokens: unknown(skeleton.load?.avgInputTokens, load.avgInputTokens),
      avgOutputTokens: unknown(skeleton.load?.avgOutputTokens, load.avgOutputTokens),
    },
    outcome: decision.outcome,
    reason:
      decision.outcome === 'infeasible'
        ? ((template && infeasibleInWords(decision.cause, {...template, avgInputTokens: load.avgInputTokens})) ??
          `${decision.reason}: ${decision.cause}`)
        : decision.outcome === 'skipped'
          ? decision.reason
          : null,
    reasonCode: reasonCodeOf({
      outcome: decision.outcome,
      boundBy: decision.outcome === 'allocated' ? (decision.boundBy ?? null) : null,
      saturation: null,
    }),
    cause:
      decision.outcome === 'infeasible'
        ? decision.slo === undefined
          ? 'infeasible-other'
          : `infeasible-${decision.slo}`
        : decision.outcome === 'skipped'
          ? 'invalid-inputs'
          : null,
    desired:
      decision.desired && decision.cost !== null
        ? {replicas: decision.desired.numReplicas, accelerator: decision.desired.accelerator, cost: decision.cost}
        : null,
    prediction:
      allocation && decision.outcome === 'allocated'
        ? {
            ttftMs: allocation.ttftMs,
            itlMs: allocation.itlMs,
            utilization: allocation.rho,
            maxRatePerReplica: allocation.maxRpmPerReplica,
          }
        : null,
    boundBy: decision.outcome === 'allocated' ? (decision.boundBy ?? null) : null,
  }
}

interface Context {
  config: ControllerConfig
  metrics: Map<string, ModelMetrics>
  /** invalid MetricsSnapshot entries by namespace\0model, offline only */
  rejected: Map<string, RejectedModelEntry>
  haveSnapshots: boolean
  measuredSource: 'prometheus' | 'snapshot'
  deployments: Map<string, KubeObject>
  whatIf: WhatIf
}

function prepareOne(va: VariantAutoscaling, context: Context): PreparedDecision {
  const {config, whatIf} = context
  const measured = context.metrics.get(key(va.namespace, va.modelID))
  const resolvedLoad = resolveLoad(va, measured, context.measuredSource, whatIf)
  const current = currentReplicas(va, context.deployments.get(key(va.namespace, va.target.name)), whatIf)
  const classMatch = findServiceClass(config.serviceClasses, va.modelID)
  const sloTtftMs = whatIf.sloTtftMs ?? classMatch?.target.sloTtftMs
  const sloItlMs = whatIf.sloItlMs ?? classMatch?.target.sloItlMs
  const profile = va.profile
  const maxBatchSize = whatIf.maxBatchSize ?? profile?.maxBatchSize
  const base: SimulationItem = {
    namespace: va.namespace,
    name: va.name,
    modelID: va.modelID,
    accelerator: va.accelerator ?? null,
    shape: va.shape,
    engine: 'queueing-model',
    outcome: 'skipped',
    reason: null,
    reasonCode: 'skipped',
    cause: null,
    load: resolvedLoad.shown ?? null,
    loadSources: resolvedLoad.sources,
    measured:
      measured && (measured.ttftMs !== undefined || measured.itlMs !== undefined)
        ? {ttftMs: measured.ttftMs ?? null, itlMs: measured.itlMs ?? null}
        : va.status.load && (va.status.load.ttftMs !== undefined || va.status.load.itlMs !== undefined)
          ? {ttftMs: va.status.load.ttftMs ?? null, itlMs: va.status.load.itlMs ?? null}
          : null,
    slo:
      sloTtftMs !== undefined && sloItlMs !== undefined
        ? {ttftMs: sloTtftMs, itlMs: sloItlMs, serviceClass: classMatch?.serviceClass.name ?? null}
        : null,
    maxBatchSize: maxBatchSize ?? null,
    current,
    controller: {desiredReplicas: va.status.desiredReplicas ?? null},
    desired: null,
    prediction: null,
    boundBy: null,
    saturation: null,
  }
  const load: DecisionLoad | undefined = resolvedLoad.load && {
    arrivalRateRpm: resolvedLoad.load.arrivalRate,
    avgInputTokens: resolvedLoad.load.avgInputTokens,
    avgOutputTokens: resolvedLoad.load.avgOutputTokens,
  }
  const identity = {
    namespace: va.namespace,
    name: va.name,
    modelID: va.modelID,
    deploymentName: va.target.name,
    load,
    loadSources: resolvedLoad.sources,
  }
  const skip = (cause: CauseCode, reason: string): PreparedDecision => ({
    ...identity,
    skeleton: {...base, outcome: 'skipped', reason, cause},
    template: undefined,
  })

  if (va.problems.length > 0) return skip('invalid-va', `${describeProblems(va.problems)}; fix the VariantAutoscaling`)
  if (va.shape === 'C') {
    return skip(
      'not-queueing-model',
      'shape C VAs (WVA v0.5) carry no performance profile: the controller scales them with the saturation ' +
        'engine, not the queueing model; simulate it with --engine saturation',
    )
  }
  if (!va.accelerator)
    return skip(
      'no-accelerator-label',
      `label ${'inference.optimization/acceleratorName'} is missing, so the controller cannot tell which ` +
        `accelerator the variant runs on; add the label`,
    )
  if (!profile) {
    const declared = va.profiles.map((entry) => entry.accelerator).join(', ')
    if (va.shape !== 'A')
      return skip('no-profile', 'spec.variantProfile is missing; add it with perfParms and maxBatchSize')
    const accelerators = `spec.modelProfile.accelerators has no entry for accelerator "${va.accelerator}"`
    return skip('no-profile', `${accelerators}${declared ? ` (declared: ${declared})` : ''}; add one with perfParms`)
  }
  if (sloTtftMs === undefined || sloItlMs === undefined) {
    const dropped = config.problems.find((entry) => entry.models?.includes(va.modelID))
    const fix = 'fix the value, or pass --slo-ttft and --slo-itl'
    if (dropped) return skip('no-slo', `ConfigMap ${dropped.configMap}, key ${dropped.key}: ${dropped.message}; ${fix}`)
    return skip(
      'no-slo',
      config.found.serviceClasses
        ? `no class in ConfigMap service-classes-config lists model "${va.modelID}"; add one, or pass ` +
            `--slo-ttft and --slo-itl`
        : 'ConfigMap service-classes-config not found; include it in the manifests, or pass --slo-ttft and --slo-itl',
    )
  }
  const cost = config.acceleratorCosts.get(va.accelerator)
  if (!cost) {
    const problem = config.problems.find(
      (entry) => entry.configMap === 'accelerator-unit-costs' && entry.key === va.accelerator,
    )
    if (problem)
      return skip(
        'no-accelerator-cost',
        `ConfigMap accelerator-unit-costs, key ${problem.key}: ${problem.message}; fix the entry`,
      )
    return skip(
      'no-accelerator-cost',
      config.found.acceleratorCosts
        ? `ConfigMap accelerator-unit-costs has no entry for accelerator "${va.accelerator}"; add one`
        : 'ConfigMap accelerator-unit-costs not found; include it in the manifests',
    )
  }
  const isBoundedShape = va.shape === 'B1' || va.shape === 'B2'
  const template: DecisionTemplate = {
    modelId: va.modelID,
    accelerator: va.accelerator,
    acceleratorCount: profile.acceleratorCount,
    maxBatchSize: maxBatchSize ?? 0,
    decodeParms: profile.decodeParms,
    prefillParms: profile.prefillParms,
    acceleratorUnitCost: cost.cost,
    sloTtftMs,
    sloTpotMs: sloItlMs,
    scaleToZero: whatIf.scaleToZero ?? isScaleToZeroEnabled(config),
    ...(isBoundedShape
      ? {
          minReplicas: va.minReplicas ?? 0,
          ...(va.maxReplicas !== undefined ? {maxReplicas: va.maxReplicas} : {}),
          ...(va.variantCost !== undefined ? {variantCost: va.variantCost} : {}),
        }
      : {}),
  }
  if (!resolvedLoad.load) {
    const reason = noLoadReason(va, resolvedLoad, measured, context)
    return {...identity, skeleton: {...base, outcome: 'skipped', reason, cause: 'no-load'}, template}
  }
  return {...identity, skeleton: base, template}
}

const loadFlags: Record<string, string> = {
  'arrival rate': '--arrival-rate',
  'average input tokens': '--input-tokens',
  'average output tokens': '--output-tokens',
}
const snapshotFields: Record<string, string> = {
  'arrival rate': 'arrivalRate',
  'average input tokens': 'avgInputTokens',
  'average output tokens': 'avgOutputTokens',
}

/** Why a VA has no load to decide at, naming where the load should have come from, and the fix. */
function noLoadReason(
  va: VariantAutoscaling,
  resolved: ResolvedLoad,
  measured: ModelMetrics | undefined,
  context: Context,
): string {
  if (resolved.problem) return resolved.problem
  const missing = resolved.missing
  const prefix = `no load for model "${va.modelID}" in namespace ${va.namespace} (missing ${missing.join(', ')})`
  const flags = `pass ${listed(missing.map((quantity) => loadFlags[quantity]!))}`
  const allFlags = 'pass --arrival-rate, --input-tokens and --output-tokens'
  if (context.measuredSource === 'prometheus') {
    const what = missing.includes('arrival rate')
      ? 'no vllm:request_success_total series in the window'
      : 'no token averages in the window while the rate is not 0'
    return `${prefix}: Prometheus has ${what}; check that the model's pods are scraped, or ${allFlags}`
  }
  const rejected = context.rejected.get(key(va.namespace, va.modelID))
  if (!measured && rejected) {
    const entry = `its MetricsSnapshot entry (${rejected.source}) is invalid: ${rejected.message}`
    return `${prefix}: ${entry}; fix the entry, or ${allFlags}`
  }
  if (!measured) {
    const where = context.haveSnapshots ? 'no MetricsSnapshot entry lists it' : 'the manifests hold no MetricsSnapshot'
    return `${prefix}: ${where}; add one (docs/metrics-snapshot.md), or ${allFlags}`
  }
  const fields = listed(missing.map((quantity) => snapshotFields[quantity]!))
  const rate = resolved.shown ? `, which a rate of ${resolved.shown.arrivalRate} req/min needs` : ''
  const them = missing.length > 1 ? 'them' : 'it'
  return `${prefix}: its MetricsSnapshot entry has no ${fields}${rate}; add ${them}, or ${flags}`
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** Deployment spec.replicas, else the VA's status.currentAlloc.numReplicas, else --replicas, else 1. */
function currentReplicas(
  va: VariantAutoscaling,
  deployment: KubeObject | undefined,
  whatIf: WhatIf,
): SimulationItem['current'] {
  const specReplicas = field(deployment?.spec, 'replicas')
  if (typeof specReplicas === 'number') return {replicas: specReplicas, source: 'deployment'}
  // A Deployment without spec.replicas runs 1 (the API server defaults it).
  if (deployment) return {replicas: 1, source: 'deployment'}
  if (va.status.currentReplicas !== undefined) return {replicas: va.status.currentReplicas, source: 'status'}
  if (whatIf.replicas !== undefined) return {replicas: whatIf.replicas, source: 'flag'}
  return {replicas: 1, source: 'default'}
}

function indexMetrics(models: readonly ModelMetrics[]): Map<string, ModelMetrics> {
  // Later snapshots win, so a file can be amended by appending a newer document.
  return new Map(models.map((model) => [key(model.namespace, model.modelID), model]))
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`
}
