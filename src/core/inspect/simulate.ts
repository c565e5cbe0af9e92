import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import {runSaturationEngines, type SaturationOverrides, type SaturationRun} from '../saturation-inputs/run-groups.js'
import {saturationItem, saturationVariantsByKey} from './saturation-items.js'
import {createMemoisedDecider, type MemoisedDecider} from '../optimizer/memo.js'
import type {SourceSet} from '../sources.js'
import {decisionInput, itemFromDecision, prepareDecisions} from './decision-input.js'
import type {SimulationResult} from './simulation-result.js'
import type {WhatIf} from './what-if.js'

export interface SimulateOptions {
  whatIf: WhatIf
  /** Live metrics from Prometheus; when absent, the MetricsSnapshot documents in the sources are used. */
  metrics?: readonly ModelMetrics[] | undefined
  /** Reused across calls (sweeps); one per call otherwise. VAs sharing a profile, tokens and SLOs size once. */
  decider?: MemoisedDecider | undefined
  /** Per-pod KV-cache and queue readings (saturation engines); the MetricsSnapshot pods otherwise. */
  pods?: readonly PodMetrics[] | undefined
  /** increase(vllm:request_success_total[retention]) per namespace\0model (scale-to-zero). */
  requestCounts?: ReadonlyMap<string, number> | undefined
}

/** Runs the controller's model-based decision for every VA in the sources. Pure: sources in, result out. */
export function simulate(sources: SourceSet, options: SimulateOptions): SimulationResult {
  const decider = options.decider ?? createMemoisedDecider()
  const run = runSaturation(sources, options)
  const saturation = saturationVariantsByKey(run)
  const items = prepareDecisions(sources, options).map((prepared) => {
    const viaSaturation = saturation.get(`${prepared.namespace}\u0000${prepared.name}`)
    if (viaSaturation) return saturationItem(viaSaturation, {...prepared.skeleton, outcome: 'skipped', reason: null})
    return prepared.template && prepared.load
      ? itemFromDecision(prepared.skeleton, prepared.load, decider.decide(decisionInput(prepared.template, prepared.load, prepared.skeleton.current.replicas)))
      : prepared.skeleton
  })
  return {apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'SimulationResult', items, warnings: saturationWarnings(run)}
}

/** What the saturation input layer noticed beyond single VAs: bad config entries, stray or silent pods. */
function saturationWarnings(run: SaturationRun): string[] {
  return [
    ...run.warnings,
    ...run.configProblems.map((problem) => `ConfigMap ${problem.namespace}/${problem.configMap}, key ${problem.key}${problem.field ? `, ${problem.field}` : ''}: ${problem.message}`),
    ...run.sharedDeployments.map((shared) => `Deployment ${shared.namespace}/${shared.deployment} is the target of several VAs (${shared.variantAutoscalings.join(', ')}): the v0.5 controller cannot map its pods and decides none of them; give each VA its own Deployment`),
    ...run.podsOfUnknownDeployments.map((assignment) => `pod ${assignment.pod.namespace}/${assignment.pod.name} reports metrics but feeds no VA (${assignment.unassignedReason ?? 'no Deployment found'})`),
    ...run.podsWithoutMetrics.map((pod) => `pod ${pod.namespace}/${pod.name} of VA ${pod.variantName} reports no KV-cache or queue metrics${pod.phase && pod.phase !== 'Running' ? ` (phase ${pod.phase})` : ''}`),
  ]
}

/** simulate's saturation what-ifs, as the saturation input layer takes them. */
export function saturationOverrides(whatIf: WhatIf | undefined): SaturationOverrides {
  return {
    engine: whatIf?.engine,
    kvCacheThreshold: whatIf?.kvCacheThreshold,
    queueLengthThreshold: whatIf?.queueLengthThreshold,
    kvSpareTrigger: whatIf?.kvSpareTrigger,
    queueSpareTrigger: whatIf?.queueSpareTrigger,
    scaleToZero: whatIf?.scaleToZero,
    retention: whatIf?.retention,
  }
}

/** The saturation engines' VAs (engine detected per VA, or forced with --engine), decided per model group. */
function runSaturation(sources: SourceSet, options: SimulateOptions): SaturationRun {
  const whatIf = options.whatIf
  return runSaturationEngines({
    sources,
    pods: options.pods ?? sources.metricsSnapshots.flatMap((snapshot) => snapshot.pods ?? []),
    requestCounts: options.requestCounts,
    overrides: saturationOverrides(whatIf),
  })
}
