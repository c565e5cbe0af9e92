import type {ModelMetrics} from '../model/metrics.js'
import {type PreparedDecision, prepareDecisions} from './decision-input.js'
import type {WhatIf} from '../model/what-if.js'
import type {ClusterState} from '../model/cluster-state.js'

export {type DecisionLoad, type DecisionTemplate, decisionInput, itemFromDecision} from './decision-input.js'

/** One VA, ready to decide at any load, or the reason simulate skips it. */
export type DecisionTarget = PreparedDecision

/**
 * The decision inputs of every VA of the state, exactly as `simulate` maps them (the same function). `probeLoad` is
 * for callers (replay) that bring their own load per step: a VA whose only problem is the missing load is then not
 * skipped.
 */
export function resolveDecisionTargets(
  state: ClusterState,
  whatIf: WhatIf,
  options: {metrics?: readonly ModelMetrics[] | undefined; probeLoad?: boolean} = {},
): DecisionTarget[] {
  const prepared = prepareDecisions(state, {whatIf, metrics: options.metrics})
  if (!options.probeLoad) return prepared
  return prepared.map((target) =>
    target.template && !target.load ? {...target, skeleton: {...target.skeleton, reason: null}} : target,
  )
}
