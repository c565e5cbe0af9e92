import {isScaleToZeroEnabled, readControllerConfig} from '../model/controller-config.js'
import type {KubeObject} from '../model/kube-object.js'
import type {ModelMetrics} from '../model/metrics.js'
import {normalizeVariantAutoscaling} from '../model/variant-autoscaling.js'
import {type LoadSource, resolveLoad} from '../inspect/load.js'
import {simulate} from '../inspect/simulate.js'
import type {SimulationItem} from '../inspect/simulation-result.js'
import type {WhatIf} from '../inspect/what-if.js'
import type {ModelBasedDecision, ModelBasedInput} from '../optimizer/model-based.js'
import type {SourceSet} from '../sources.js'

/** The load-dependent part of a decision's input. */
export type DecisionLoad = Pick<ModelBasedInput, 'arrivalRateRpm' | 'avgInputTokens' | 'avgOutputTokens'>

/** Everything a VA's decision needs except the load and the current replicas, which change per step. */
export type DecisionTemplate = Omit<ModelBasedInput, 'arrivalRateRpm' | 'avgInputTokens' | 'avgOutputTokens' | 'currentReplicas'>

/** One VA, ready to decide at any load, or the reason simulate skips it. */
export interface DecisionTarget {
  namespace: string
  name: string
  modelID: string
  /** the scale target (Deployment) name */
  deploymentName: string
  /** simulate's item at zero load: identity, SLO, max batch, current replicas and, when skipped, the reason */
  skeleton: SimulationItem
  /** undefined when skipped */
  template: DecisionTemplate | undefined
  /** the load simulate would use (what-ifs, then measured, then status; times loadScale); undefined when missing */
  load: DecisionLoad | undefined
  loadSources: LoadSource[]
}

/**
 * The decision inputs of every VA in `sources`, validated by `simulate` itself so that skip reasons stay the same
 * text: simulate runs once with loadScale 0 (a zero-load decision costs nothing and scaling never fills a missing
 * quantity, so what is skipped does not change). `probeLoad` fills load quantities that are missing, for callers
 * (replay) that bring their own load per step.
 *
 * The template mirrors simulate.ts's decideModelBased call; test/unit/sweep/decision-template.test.ts checks that
 * deciding from it gives simulate's numbers. TODO: export that mapping from simulate.ts and drop this copy.
 */
export function resolveDecisionTargets(sources: SourceSet, whatIf: WhatIf, options: {metrics?: readonly ModelMetrics[] | undefined; probeLoad?: boolean} = {}): DecisionTarget[] {
  const probe: WhatIf = options.probeLoad
    ? {arrivalRateRpm: whatIf.arrivalRateRpm ?? 0, avgInputTokens: whatIf.avgInputTokens ?? 0, avgOutputTokens: whatIf.avgOutputTokens ?? 0}
    : {}
  const skeletons = simulate(sources, {whatIf: {...whatIf, ...probe, loadScale: 0}, metrics: options.metrics}).items
  const config = readControllerConfig(sources.configMaps, sources.controllerDeployment, sources.controllerNamespace)
  const measuredSource = options.metrics ? 'prometheus' : 'snapshot'
  // As simulate: later snapshots win.
  const measured = new Map((options.metrics ?? sources.metricsSnapshots.flatMap((snapshot) => snapshot.models)).map((model) => [key(model.namespace, model.modelID), model]))
  const objects = new Map<string, KubeObject>()
  for (const object of sources.variantAutoscalings) objects.set(key(object.metadata?.namespace ?? 'default', object.metadata?.name ?? ''), object)
  return skeletons.map((zeroLoadItem) => {
    const va = normalizeVariantAutoscaling(objects.get(key(zeroLoadItem.namespace, zeroLoadItem.name))!)
    const resolved = resolveLoad(va, measured.get(key(va.namespace, va.modelID)), measuredSource, whatIf)
    const load = resolved.load && {arrivalRateRpm: resolved.load.arrivalRate, avgInputTokens: resolved.load.avgInputTokens, avgOutputTokens: resolved.load.avgOutputTokens}
    // The item as simulate gives it when skipped: with the real load, not the zero-load probe.
    const skeleton: SimulationItem = options.probeLoad ? zeroLoadItem : {...zeroLoadItem, load: resolved.load ?? null, loadSources: resolved.sources}
    const base = {namespace: skeleton.namespace, name: skeleton.name, modelID: skeleton.modelID, deploymentName: va.target.name, skeleton, load, loadSources: resolved.sources}
    const profile = va.profile
    const cost = va.accelerator === undefined ? undefined : config.acceleratorCosts.get(va.accelerator)
    if (skeleton.outcome === 'skipped' || !profile || !cost || !skeleton.slo || va.accelerator === undefined) return {...base, template: undefined}
    const isBoundedShape = va.shape === 'B1' || va.shape === 'B2'
    const template: DecisionTemplate = {
      modelId: va.modelID,
      accelerator: va.accelerator,
      acceleratorCount: profile.acceleratorCount,
      maxBatchSize: skeleton.maxBatchSize ?? 0,
      decodeParms: profile.decodeParms,
      prefillParms: profile.prefillParms,
      acceleratorUnitCost: cost.cost,
      sloTtftMs: skeleton.slo.ttftMs,
      sloTpotMs: skeleton.slo.itlMs,
      scaleToZero: whatIf.scaleToZero ?? isScaleToZeroEnabled(config),
      ...(isBoundedShape ? {minReplicas: va.minReplicas ?? 0, ...(va.maxReplicas !== undefined ? {maxReplicas: va.maxReplicas} : {}), ...(va.variantCost !== undefined ? {variantCost: va.variantCost} : {})} : {}),
    }
    return {...base, template}
  })
}

/** The input of one decision: the template at a load, with the replicas running now. */
export function decisionInput(template: DecisionTemplate, load: DecisionLoad, currentReplicas: number): ModelBasedInput {
  return {...template, ...load, currentReplicas}
}

/** simulate's item for a decision, from the skeleton (same mapping as simulate.ts). */
export function itemFromDecision(skeleton: SimulationItem, load: DecisionLoad, decision: ModelBasedDecision): SimulationItem {
  const allocation = decision.allocation
  return {
    ...skeleton,
    load: {arrivalRate: load.arrivalRateRpm, avgInputTokens: load.avgInputTokens, avgOutputTokens: load.avgOutputTokens},
    outcome: decision.outcome,
    reason: decision.outcome === 'infeasible' ? `${decision.reason}: ${decision.cause}` : decision.outcome === 'skipped' ? decision.reason : null,
    desired: decision.desired && decision.cost !== null ? {replicas: decision.desired.numReplicas, accelerator: decision.desired.accelerator, cost: decision.cost} : null,
    prediction: allocation && decision.outcome === 'allocated'
      ? {ttftMs: allocation.ttftMs, itlMs: allocation.itlMs, utilization: allocation.rho, maxRatePerReplica: allocation.maxRpmPerReplica}
      : null,
    boundBy: decision.outcome === 'allocated' ? (decision.boundBy ?? null) : null,
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`
}
