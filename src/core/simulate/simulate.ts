import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {SaturationRun, SaturationVariantResult} from '../decide/saturation/groups/run-groups.js'
import {saturationItem, saturationVariantsByKey, type SaturationItemContext} from './saturation-items.js'
import {runSaturationWhatIf, type SaturationWhatIfRun} from './saturation-what-if.js'
import {createMemoisedDecider, type MemoisedDecider} from '../decide/queueing/memo.js'
import type {ClusterState} from '../model/cluster-state.js'
import {decisionInput, itemFromDecision, prepareDecisions} from './decision-input.js'
import type {SimulationItem, SimulationResult} from './simulation-result.js'
import type {WhatIf} from '../model/what-if.js'
import {boundV1Items, simulateWvaInstallation} from './wva-items.js'

const wvaLoadWhatIfs: readonly string[] = ['loadScale', 'arrivalRateRpm', 'scaleUpThreshold', 'scaleDownBoundary']

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
  /** Saturation engines: report where the cycles settle (sweeps); default: with a load or threshold what-if. */
  settle?: boolean | undefined
}

/** Runs the controller's decision for every VA of the parsed state. Pure: state in, result out. */
export function simulate(state: ClusterState, options: SimulateOptions): SimulationResult {
  // WVA v0.6-v0.9 with saturation V2 or the queueing model: decided by their own engines (V1 runs below).
  const wva = simulateWvaInstallation(state.sources, options.whatIf)
  if (wva !== undefined) {
    // V2 and the queueing model take the load what-ifs (wva-load.ts); the other what-ifs move the older engines'
    // inputs only.
    const given = Object.entries(options.whatIf).filter(
      ([name, value]) => value !== undefined && !wvaLoadWhatIfs.includes(name),
    )
    if (given.length > 0) {
      wva.warnings.push(
        `what-ifs (${given.map(([name]) => name).join(', ')}) do not apply to WVA ${state.sources.wva?.release} ` +
          'saturation V2 or the queueing model yet: decided without them; only loadScale, arrivalRateRpm, ' +
          'scaleUpThreshold and scaleDownBoundary apply',
      )
    }
    return wva
  }
  const decider = options.decider ?? createMemoisedDecider()
  const saturationRun = runSaturationWhatIf(state, options)
  const {run} = saturationRun
  const saturation = saturationVariantsByKey(run)
  const items = prepareDecisions(state, options).map((prepared) => {
    const viaSaturation = saturation.get(`${prepared.namespace}\u0000${prepared.name}`)
    if (viaSaturation) {
      const skeleton: SimulationItem = {...prepared.skeleton, outcome: 'skipped', reason: null}
      return saturationItem(viaSaturation, skeleton, saturationContext(saturationRun, viaSaturation))
    }
    return prepared.template && prepared.load
      ? itemFromDecision(
          prepared.skeleton,
          prepared.load,
          decider.decide(decisionInput(prepared.template, prepared.load, prepared.skeleton.current.replicas)),
          prepared.template,
        )
      : prepared.skeleton
  })
  return {
    apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
    kind: 'SimulationResult',
    // WVA v0.6-v0.9 with V1 selected: the v0.5 engine's targets, within the variants' min/max as v0.6+ bounds them.
    items: state.sources.wva === undefined ? items : boundV1Items(items, state.sources),
    warnings: [...saturationWarnings(run), ...saturationRun.warnings],
  }
}

/** What saturation-items needs beyond the VA's result: the group's load model and where its cycles settle. */
export function saturationContext(
  whatIfRun: SaturationWhatIfRun,
  result: SaturationVariantResult,
): SaturationItemContext {
  const group = whatIfRun.run.groups.find(
    (candidate) => candidate.key === result.groupKey && candidate.engine === result.engine,
  )
  return {load: group?.load, settle: whatIfRun.settles.get(result.groupKey)}
}

/** What the saturation input layer noticed beyond single VAs: bad config entries, stray or silent pods. */
function saturationWarnings(run: SaturationRun): string[] {
  return [
    ...run.warnings,
    ...run.configProblems.map(
      (problem) =>
        `ConfigMap ${problem.namespace}/${problem.configMap}, key ` +
        `${problem.key}${problem.field ? `, ${problem.field}` : ''}: ${problem.message}`,
    ),
    ...run.sharedDeployments.map(
      (shared) =>
        `Deployment ${shared.namespace}/${shared.deployment} is the target of several VAs ` +
        `(${shared.variantAutoscalings.join(', ')}): the v0.5 controller cannot map its pods and decides ` +
        `none of them; give each VA its own Deployment`,
    ),
    ...run.podsOfUnknownDeployments.map(
      (assignment) =>
        `pod ${assignment.pod.namespace}/${assignment.pod.name} reports metrics but feeds no VA ` +
        `(${assignment.unassignedReason ?? 'no Deployment found'})`,
    ),
    ...run.podsWithoutMetrics.map(
      (pod) =>
        `pod ${pod.namespace}/${pod.name} of VA ${pod.variantName} reports no KV-cache or queue ` +
        `metrics${pod.phase && pod.phase !== 'Running' ? ` (phase ${pod.phase})` : ''}`,
    ),
  ]
}

export {saturationOverrides} from './saturation-what-if.js'
