import {findServiceClass} from '../model/controller-config.js'
import {type ClusterState, sortedVariants} from '../model/cluster-state.js'
import {describeProblems} from '../model/field-problems.js'
import {field, type KubeObject} from '../model/kube-object.js'
import type {ModelMetrics} from '../model/metrics.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import {simulate, type SimulateOptions} from '../simulate/simulate.js'
import type {SimulationItem} from '../simulate/simulation-result.js'
import {reasonCodeOf, type VaReport, type VaReportList} from './va-report.js'
import type {WhatIf} from '../model/what-if.js'

export interface InspectOptions {
  /** Live metrics; absent means offline (MetricsSnapshot documents in the sources, if any). */
  metrics?: readonly ModelMetrics[] | undefined
  whatIf?: WhatIf | undefined
  /** The controller's desired-replicas gauge per VA, keyed namespace\0name. */
  gauges?: ReadonlyMap<string, {desiredReplicas: number}> | undefined
  /** Per-pod KV-cache and queue readings, for the saturation engines. */
  pods?: SimulateOptions['pods']
  requestCounts?: SimulateOptions['requestCounts']
}

/** Joins VA, target Deployment, controller config, metrics and our decision into one report per VA. */
export function inspectAll(state: ClusterState, options: InspectOptions = {}): VaReportList {
  const {sources, config} = state
  const simulation = simulate(state, {
    whatIf: options.whatIf ?? {},
    metrics: options.metrics,
    pods: options.pods,
    requestCounts: options.requestCounts,
  })
  const simulated = new Map(simulation.items.map((item) => [key(item.namespace, item.name), item]))
  const deployments = new Map(
    sources.deployments.map((deployment) => [
      key(deployment.metadata?.namespace ?? 'default', deployment.metadata?.name ?? ''),
      deployment,
    ]),
  )
  const snapshotOrLive = options.metrics ?? sources.metricsSnapshots.flatMap((snapshot) => snapshot.models)
  const metrics = new Map(snapshotOrLive.map((model) => [key(model.namespace, model.modelID), model]))
  const haveDeployments = sources.deployments.length > 0 || options.metrics !== undefined

  const items = sortedVariants(state).map(({va}): VaReport => {
    const item = simulated.get(key(va.namespace, va.name))
    const deployment = deployments.get(key(va.namespace, va.target.name))
    const classMatch = findServiceClass(config.serviceClasses, va.modelID)
    const problems = va.problems.length > 0 ? [describeProblems(va.problems)] : []
    if (item?.variant !== undefined) problems.push(...item.variant.problems)
    else if (haveDeployments && !deployment) {
      const byRef = va.shape === 'C' || va.shape === 'B2' || va.target.name !== va.name
      const sameName = 'the VA name (the controller looks up the Deployment of the same name)'
      const where = byRef ? 'spec.scaleTargetRef.name' : sameName
      const target = `${va.namespace}/${va.target.name}`
      problems.push(`target Deployment ${target}: not found; check ${where}, or add the Deployment`)
    }
    return {
      namespace: va.namespace,
      name: va.name,
      shape: item?.variant !== undefined ? item.shape : va.shape,
      engine: item?.engine ?? 'queueing-model',
      modelID: va.modelID,
      accelerator: item?.variant !== undefined ? item.accelerator : (va.accelerator ?? null),
      variantID: va.variantID ?? null,
      creationTimestamp: va.creationTimestamp ?? null,
      target: {kind: va.target.kind, name: va.target.name, found: haveDeployments ? deployment !== undefined : null},
      replicas: deploymentReplicas(deployment),
      slo: classMatch
        ? {
            ttftMs: classMatch.target.sloTtftMs,
            itlMs: classMatch.target.sloItlMs,
            serviceClass: classMatch.serviceClass.name,
          }
        : null,
      cost: va.variantCost ?? (va.accelerator ? (config.acceleratorCosts.get(va.accelerator)?.cost ?? null) : null),
      profile: va.profile
        ? {
            maxBatchSize: va.profile.maxBatchSize,
            acceleratorCount: va.profile.acceleratorCount,
            decodeParms: {...va.profile.decodeParms},
            prefillParms: {...va.profile.prefillParms},
          }
        : null,
      controller: {
        desiredReplicas: va.status.desiredReplicas ?? null,
        desiredAccelerator: va.status.desiredAccelerator ?? null,
        lastRunTime: va.status.lastRunTime ?? null,
        actuationApplied: va.status.actuationApplied ?? null,
        conditions: va.status.conditions,
        gaugeDesiredReplicas: options.gauges?.get(key(va.namespace, va.name))?.desiredReplicas ?? null,
      },
      metrics: reportMetrics(
        va,
        metrics.get(key(va.namespace, va.modelID)),
        options.metrics ? 'prometheus' : 'snapshot',
      ),
      ...recomputedAndReason(item),
      problems,
      ...(item?.variant === undefined ? {} : {variant: item.variant}),
    }
  })
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'VariantAutoscalingReportList',
    items,
    warnings: simulation.warnings,
  }
}

function deploymentReplicas(deployment: KubeObject | undefined): VaReport['replicas'] {
  if (!deployment) return {desired: null, current: null, ready: null}
  const number = (value: unknown) => (typeof value === 'number' ? value : null)
  return {
    desired: number(field(deployment.spec, 'replicas')) ?? 1,
    // A Deployment's status omits zero counts.
    current: deployment.status ? (number(field(deployment.status, 'replicas')) ?? 0) : null,
    ready: deployment.status ? (number(field(deployment.status, 'readyReplicas')) ?? 0) : null,
  }
}

function reportMetrics(
  va: VariantAutoscaling,
  measured: ModelMetrics | undefined,
  source: 'prometheus' | 'snapshot',
): VaReport['metrics'] {
  if (measured) {
    return {
      source,
      arrivalRateRpm: measured.arrivalRateRpm ?? null,
      avgInputTokens: measured.avgInputTokens ?? null,
      avgOutputTokens: measured.avgOutputTokens ?? null,
      ttftMs: measured.ttftMs ?? null,
      itlMs: measured.itlMs ?? null,
    }
  }
  const load = va.status.load
  if (!load) return null
  return {
    source: 'status',
    arrivalRateRpm: load.arrivalRateRpm ?? null,
    avgInputTokens: load.avgInputTokens ?? null,
    avgOutputTokens: load.avgOutputTokens ?? null,
    ttftMs: load.ttftMs ?? null,
    itlMs: load.itlMs ?? null,
  }
}

function recomputedAndReason(item: SimulationItem | undefined): Pick<VaReport, 'recomputed' | 'reason'> {
  const ours = recomputed(item)
  // WVA v0.6+ variants carry their own code (wva-*, or saturation-* under V1).
  if (item?.variant !== undefined) return {recomputed: ours, reason: item.reasonCode}
  return {recomputed: ours, reason: reasonCodeOf(ours)}
}

function recomputed(item: SimulationItem | undefined): VaReport['recomputed'] {
  if (!item)
    return {
      outcome: 'skipped',
      replicas: null,
      reason: 'not simulated',
      cause: 'not-simulated',
      boundBy: null,
      prediction: null,
      saturation: null,
    }
  return {
    outcome: item.outcome,
    replicas: item.desired?.replicas ?? null,
    reason: item.reason,
    cause: item.cause,
    boundBy: item.boundBy,
    prediction: item.prediction,
    saturation: item.saturation,
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`
}
