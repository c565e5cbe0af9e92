import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import {runSaturationEngines, type SaturationOverrides, type SaturationVariantResult} from '../saturation-inputs/run-groups.js'
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
  const saturation = runSaturation(sources, options)
  const items = prepareDecisions(sources, options).map((prepared) => {
    const viaSaturation = saturation.get(`${prepared.namespace}\u0000${prepared.name}`)
    if (viaSaturation) return saturationItem(viaSaturation, {...prepared.skeleton, outcome: 'skipped', reason: null})
    return prepared.template && prepared.load
      ? itemFromDecision(prepared.skeleton, prepared.load, decider.decide(decisionInput(prepared.template, prepared.load, prepared.skeleton.current.replicas)))
      : prepared.skeleton
  })
  return {apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'SimulationResult', items}
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
function runSaturation(sources: SourceSet, options: SimulateOptions): Map<string, SaturationVariantResult> {
  const whatIf = options.whatIf
  const run = runSaturationEngines({
    sources,
    pods: options.pods ?? sources.metricsSnapshots.flatMap((snapshot) => snapshot.pods ?? []),
    requestCounts: options.requestCounts,
    overrides: saturationOverrides(whatIf),
  })
  return saturationVariantsByKey(run)
}
