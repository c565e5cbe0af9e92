import type {ModelMetrics} from '../model/metrics.js'
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
}

/** Runs the controller's model-based decision for every VA in the sources. Pure: sources in, result out. */
export function simulate(sources: SourceSet, options: SimulateOptions): SimulationResult {
  const decider = options.decider ?? createMemoisedDecider()
  const items = prepareDecisions(sources, options).map((prepared) =>
    prepared.template && prepared.load
      ? itemFromDecision(prepared.skeleton, prepared.load, decider.decide(decisionInput(prepared.template, prepared.load, prepared.skeleton.current.replicas)))
      : prepared.skeleton,
  )
  return {apiVersion: 'kubectl-va.llmd.ai/v1alpha1', kind: 'SimulationResult', items}
}
