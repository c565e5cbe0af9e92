/**
 * Runs the saturation engines the way the installed controller would, per model group, from raw cluster or
 * manifest objects plus per-pod metrics (wva-controller.md 6.2, 6.4; saturation-algorithm.md section 7).
 *
 * The steps, one module each: plan-groups.ts (each VA's engine and exclusion, the model groups and their config),
 * pod-mapping.ts (pods to VAs), engine-input.ts (a group's replica metrics and states, scaled by a load what-if),
 * the engine (../engine.ts), assemble-results.ts (each VA's tagged result, variant-result.ts, with the facts its
 * explanation is worded from).
 *
 * Two phases, because scale-to-zero needs a Prometheus reading the engine cannot make: `planRequestCounts` returns
 * the request-count queries, the caller runs them, and `runSaturationEngines` takes the readings.
 */
import type {PodMetrics} from '../../../model/metrics.js'
import type {ClusterState} from '../../../model/cluster-state.js'
import type {SaturationEngine} from '../../engine-select.js'
import {analyzeCapacityV042, analyzeSaturationV051} from '../engine.js'
import {analysedResults, unanalysedResult} from './assemble-results.js'
import type {ConfigLocation} from './config.js'
import {engineInputOf, type FeedInput, feedGroup, memberSkip} from './engine-input.js'
import type {GroupLoadScaling} from './load-model.js'
import type {SaturationOverrides} from './overrides.js'
import {
  byNamespaceAndName,
  collectQueries,
  groupKeyOf,
  planRun,
  type GroupPlan,
  type Member,
  type RunPlan,
} from './plan-groups.js'
import {
  deploymentKey,
  mapPodsToVariants,
  type PodAssignment,
  type PodMapping,
  type SharedDeployment,
} from './pod-mapping.js'
import type {
  SaturationGroupOutcome,
  SaturationGroupResult,
  SaturationRun,
  SaturationVariantResult,
} from './variant-result.js'

export type {GroupLoadApplied} from './load-model.js'
export {parseVariantCost} from './engine-input.js'
export type {SaturationOverrides} from './overrides.js'
export {
  createRunPlanner,
  planRequestCounts,
  requestCountKey,
  type RunPlanner,
  type SimulatedReplicas,
} from './plan-groups.js'
export * from './variant-result.js'

export interface SaturationRunInput {
  readonly state: ClusterState
  readonly pods: readonly PodMetrics[]
  /** Readings of `requestCountQueries`, keyed by `requestCountKey(namespace, modelId)`. Without it, the
   *  MetricsSnapshots' `requestsInRetention` are used. */
  readonly requestCounts?: ReadonlyMap<string, number> | undefined
  readonly overrides?: SaturationOverrides | undefined
  /** Load what-ifs per model group, keyed by `requestCountKey(namespace, modelId)` of the group: the readings
   *  (and the scale-to-zero request count) are scaled by the load model (load-model.ts). Absent: as observed. */
  readonly load?: ReadonlyMap<string, GroupLoadScaling> | undefined
  /** The plan to run (a replay cycle's, `createRunPlanner(...).withReplicas`); default `planRun(state, overrides)`. */
  readonly plan?: RunPlan | undefined
}

/** Phase 2: every saturation-engine VA's decision, with the evidence and the sentences. */
export function runSaturationEngines(input: SaturationRunInput): SaturationRun {
  const plan = input.plan ?? planRun(input.state, input.overrides ?? {})
  const capacity = mapPods('capacity-v0.4.2', plan.members, input)
  const saturation = mapPods('saturation-v0.5.1', plan.members, input)
  const mappings = [capacity, saturation]
  const sharedBy = new Map<string, SharedDeployment>()
  for (const shared of saturation?.sharedDeployments ?? []) {
    for (const name of shared.variantAutoscalings) sharedBy.set(deploymentKey(shared.namespace, name), shared)
  }

  const variants: SaturationVariantResult[] = []
  const groups: SaturationGroupResult[] = []
  const grouped = new Set<Member>()
  for (const group of plan.groups) {
    for (const member of group.members) grouped.add(member)
    const assignments = (group.engine === 'capacity-v0.4.2' ? capacity : saturation)?.assignments ?? []
    const {results, groupResult} = runGroup(group, input, plan.location, assignments, sharedBy)
    variants.push(...results)
    groups.push(groupResult)
  }
  for (const member of plan.members) {
    if (grouped.has(member) || member.exclusion === undefined) continue
    variants.push(unanalysedResult(member, groupKeyOf(member.engine, member.va), member.exclusion, undefined))
  }
  return {
    variants: variants.sort(byNamespaceAndName),
    groups,
    queueingModelVariants: plan.queueing,
    requestCountQueries: collectQueries(plan.groups),
    podsOfUnknownDeployments: unknownDeploymentPods(mappings),
    sharedDeployments: saturation?.sharedDeployments ?? [],
    podsWithoutMetrics: mappings.flatMap((mapping) => mapping?.podsWithoutMetrics ?? []),
    configProblems: plan.configProblems,
    warnings: plan.warnings,
  }
}

/** The engine's rule for mapping pods to its VAs (v0.4.2: label selector; v0.5.1: owner chain). */
function mapPods(
  engine: SaturationEngine,
  members: readonly Member[],
  input: SaturationRunInput,
): PodMapping | undefined {
  const vas = members
    .filter((member) => member.engine === engine && member.exclusion?.kind !== 'invalid-va')
    .map((member) => member.va)
  if (vas.length === 0) return undefined
  return mapPodsToVariants({
    rule: engine === 'capacity-v0.4.2' ? 'selector' : 'owner-chain',
    pods: input.pods,
    podObjects: input.state.sources.pods,
    replicaSets: input.state.sources.replicaSets,
    deployments: input.state.sources.deployments,
    variantAutoscalings: vas,
  })
}

/** Pods no VA claims, once each; with both engines present, only those both mappings left out. */
function unknownDeploymentPods(mappings: readonly (PodMapping | undefined)[]): PodAssignment[] {
  const seen = new Set<string>()
  const unknown = mappings
    .flatMap((mapping) => mapping?.unknownDeploymentPods ?? [])
    .filter((assignment) => {
      const key = deploymentKey(assignment.pod.namespace, assignment.pod.name)
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  const present = mappings.filter((mapping) => mapping !== undefined)
  if (present.length < mappings.length) return unknown
  return unknown.filter((assignment) =>
    present.every((mapping) => mapping.unknownDeploymentPods.some((other) => other.pod === assignment.pod)),
  )
}

/** One group: its feed, its engine (unless it has no config), and its VAs' results. */
function runGroup(
  group: GroupPlan,
  input: SaturationRunInput,
  location: ConfigLocation,
  assignments: readonly PodAssignment[],
  sharedBy: ReadonlyMap<string, SharedDeployment>,
): {results: SaturationVariantResult[]; groupResult: SaturationGroupResult} {
  const feed = feedGroup(group, feedInputOf(input), assignments, sharedBy)
  const base = {
    key: group.key,
    engine: group.engine,
    modelId: group.modelId,
    namespace: group.namespace,
    variantAutoscalings: group.members.map((member) => member.va.name),
    configMap: group.configMap,
    overriddenThresholds: group.overriddenThresholds,
    enableLimiter: group.enableLimiter,
    scaleToZeroConfigMap: group.scaleToZeroConfigMap,
    scaleToZeroPolicy: group.scaleToZeroPolicy,
    load: feed.load,
  }
  if (group.config.kind === 'no-config') {
    const {skip} = group.config
    return {
      results: group.members.map((member) =>
        unanalysedResult(member, group.key, memberSkip(group, member, sharedBy) ?? skip, group),
      ),
      groupResult: {
        ...base,
        status: 'no-config',
        thresholds: undefined,
        skip,
        outcome: undefined,
        engineInput: undefined,
      },
    }
  }
  const {thresholds} = group.config
  const engineInput = engineInputOf(group, thresholds, feed, feedInputOf(input), location)
  const outcome: SaturationGroupOutcome =
    group.engine === 'capacity-v0.4.2'
      ? {engine: 'capacity-v0.4.2', result: analyzeCapacityV042(engineInput)}
      : {engine: 'saturation-v0.5.1', result: analyzeSaturationV051(engineInput)}
  const groupSkip = outcome.result.engineSkip === undefined ? undefined : ({kind: 'no-metrics'} as const)
  return {
    results: analysedResults(group, thresholds, feed, outcome, sharedBy),
    groupResult: {...base, status: 'ran', thresholds, skip: groupSkip, outcome, engineInput},
  }
}

function feedInputOf(input: SaturationRunInput): FeedInput {
  return {metricsSnapshots: input.state.sources.metricsSnapshots, requestCounts: input.requestCounts, load: input.load}
}
