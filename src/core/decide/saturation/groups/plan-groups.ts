/**
 * Which VAs the saturation engines decide, and in which model groups, with each group's resolved config
 * (wva-controller.md 6.2, 6.4).
 *
 * Grouping: capacity v0.4.2 groups the VAs by `spec.modelID` alone and queries Prometheus in the namespace of the
 * group's first VA (first by namespace, then name: the API's list order), so same-model VAs in other namespaces
 * get no pods. saturation v0.5.1 groups by `modelID|namespace`.
 */
import {describeProblems} from '../../../model/field-problems.js'
import type {KubeObject} from '../../../model/kube-object.js'
import type {VariantAutoscaling} from '../../../model/variant-autoscaling.js'
import type {ClusterState} from '../../../model/cluster-state.js'
import {selectEngine, type SaturationEngine} from '../../engine-select.js'
import {
  resolveScaleToZeroPolicy,
  type RequestCountQuery,
  type ScaleToZeroConfig,
  type ScaleToZeroPolicy,
} from '../scale-to-zero.js'
import {compareNames, type SaturationThresholds} from '../types.js'
import {
  resolveCapacityThresholds,
  resolveConfigLocation,
  resolveSaturationThresholds,
  resolveScaleToZeroConfig,
  type ConfigEntryProblem,
  type ConfigLocation,
  type ConfigMapRef,
} from './config.js'
import {applyScaleToZeroOverrides, applyThresholdOverrides, type SaturationOverrides} from './overrides.js'
import {deploymentKey} from './pod-mapping.js'
import type {ExclusionSkip} from './variant-result.js'
import {type DeploymentReplicas, readDeploymentReplicas, simulatedReplicas} from './variant-state.js'

/** A saturation-engine VA, with what leaves it out of the analysis. */
export interface Member {
  readonly va: VariantAutoscaling
  readonly engine: SaturationEngine
  readonly why: string
  readonly deployment: KubeObject | undefined
  /** Its Deployment's replicas (parsed once; a replay cycle's simulated ones), undefined without a Deployment. */
  readonly replicas: DeploymentReplicas | undefined
  /** The desired replicas the VA's status holds (`status.desiredOptimizedAlloc.numReplicas`; a replay's own). */
  readonly desiredReplicas: number | undefined
  /** Excluded from the analysis (its pods and state do not reach the engine). */
  readonly exclusion: ExclusionSkip | undefined
}

/** The config a group runs with, or why it has none. */
export type GroupConfig =
  | {readonly kind: 'ok'; readonly thresholds: SaturationThresholds}
  | {readonly kind: 'no-config'; readonly skip: {readonly kind: 'no-config'; readonly reason: string}}

export interface GroupPlan {
  readonly key: string
  readonly engine: SaturationEngine
  readonly modelId: string
  readonly namespace: string
  /** All members with this key, sorted; some may be excluded. */
  readonly members: readonly Member[]
  readonly config: GroupConfig
  readonly configMap: ConfigMapRef | undefined
  readonly overriddenThresholds: readonly (keyof SaturationThresholds)[]
  readonly enableLimiter: boolean
  readonly scaleToZeroConfig: ScaleToZeroConfig
  readonly scaleToZeroConfigMap: ConfigMapRef | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy | undefined
}

export interface RunPlan {
  readonly location: ConfigLocation
  readonly groups: readonly GroupPlan[]
  readonly members: readonly Member[]
  readonly queueing: readonly {namespace: string; name: string; why: string}[]
  readonly configProblems: readonly ConfigEntryProblem[]
  readonly warnings: readonly string[]
}

/** Key of a request-count reading: `namespace\0modelId`. */
export function requestCountKey(namespace: string, modelId: string): string {
  return `${namespace}\u0000${modelId}`
}

/** `modelId` (v0.4.2) or `modelId|namespace` (v0.5.1). */
export function groupKeyOf(engine: SaturationEngine, va: VariantAutoscaling): string {
  return engine === 'capacity-v0.4.2' ? va.modelID : `${va.modelID}|${va.namespace}`
}

export const byNamespaceAndName = (
  left: {namespace: string; name: string},
  right: {namespace: string; name: string},
): number => compareNames(left.namespace, right.namespace) || compareNames(left.name, right.name)

/** Why the controller leaves a VA out before the engine runs; undefined when it does not. */
export function exclusionOf(
  va: VariantAutoscaling,
  engine: SaturationEngine,
  replicas: DeploymentReplicas | undefined,
  location: ConfigLocation,
): ExclusionSkip | undefined {
  if (va.problems.length > 0) return {kind: 'invalid-va', message: describeProblems(va.problems)}
  if (engine === 'saturation-v0.5.1') {
    const instance = location.env.controllerInstance
    if (instance !== undefined && va.labels['wva.llmd.ai/controller-instance'] !== instance)
      return {kind: 'other-controller-instance', controllerInstance: instance}
    const watched = location.env.watchNamespace
    if (watched !== undefined && va.namespace !== watched) return {kind: 'not-watched', watchNamespace: watched}
  } else {
    // v0.4.2 collectMetricsForCapacityMode requires the label and a non-empty cost before anything else.
    if (va.acceleratorLabel === undefined) return {kind: 'no-accelerator-label'}
    if (va.variantCost === undefined || va.variantCost === '') return {kind: 'no-variant-cost'}
  }
  if (replicas === undefined) return {kind: 'deployment-not-found', deployment: va.target.name}
  if (engine === 'saturation-v0.5.1' && replicas.isScaledToZero)
    return {kind: 'deployment-at-zero', deployment: va.target.name}
  return undefined
}

/** Every VA's engine and exclusion, and the model groups with their config. */
export function planRun(state: ClusterState, overrides: SaturationOverrides): RunPlan {
  return createRunPlanner(state, overrides).base
}

/** Simulated replicas for one replay cycle (saturation-replay.ts), typed: no object is written or parsed again. */
export interface SimulatedReplicas {
  /** Per Deployment, keyed by `deploymentKey(namespace, name)`: its replicas, and how many of them are ready. */
  readonly deployments: ReadonlyMap<string, {readonly replicas: number; readonly readyReplicas: number}>
  /** Per VA, keyed by `deploymentKey(namespace, name)`: the desired replicas its status would hold. */
  readonly desired: ReadonlyMap<string, number>
}

/** A run plan made once, then re-planned for simulated replicas without resolving the config again. */
export interface RunPlanner {
  /** The plan of the cluster as read. */
  readonly base: RunPlan
  /** The plan with these replicas: exclusions (a v0.5.1 Deployment at 0) and groups follow them. */
  readonly withReplicas: (simulated: SimulatedReplicas) => RunPlan
}

export function createRunPlanner(state: ClusterState, overrides: SaturationOverrides): RunPlanner {
  const location = resolveConfigLocation(state)
  const {members, queueing} = selectMembers(state, overrides, location)
  const configProblems = new Map<string, ConfigEntryProblem>()
  // A group's config depends on its engine, model and namespace only (not on which members are active).
  const configs = new Map<string, Omit<GroupPlan, 'members'>>()
  const planFor = (planMembers: readonly Member[]): RunPlan => {
    const groups = groupMembers(planMembers).map((grouped): GroupPlan => {
      const first = grouped[0]
      const key = `${first.engine}\u0000${groupKeyOf(first.engine, first.va)}\u0000${first.va.namespace}`
      let config = configs.get(key)
      if (config === undefined) {
        config = planGroup(first, location, overrides, (problems) => {
          for (const problem of problems) configProblems.set(JSON.stringify(problem), problem)
        })
        configs.set(key, config)
      }
      return {...config, members: grouped}
    })
    return {
      location,
      groups,
      members: planMembers,
      queueing,
      configProblems: [...configProblems.values()],
      warnings: retentionWarnings(groups, overrides),
    }
  }
  return {
    base: planFor(members),
    withReplicas: (simulated) =>
      planFor(
        members.map((member) => {
          const deployment = simulated.deployments.get(deploymentKey(member.va.namespace, member.va.target.name))
          const desired = simulated.desired.get(deploymentKey(member.va.namespace, member.va.name))
          if (deployment === undefined && desired === undefined) return member
          const replicas =
            deployment === undefined || member.replicas === undefined
              ? member.replicas
              : simulatedReplicas(member.replicas, deployment.replicas, deployment.readyReplicas)
          return {
            ...member,
            replicas,
            desiredReplicas: desired ?? member.desiredReplicas,
            exclusion: exclusionOf(member.va, member.engine, replicas, location),
          }
        }),
      ),
  }
}

function retentionWarnings(groups: readonly GroupPlan[], overrides: SaturationOverrides): string[] {
  const warnings: string[] = []
  if (
    overrides.retention !== undefined &&
    groups.some(
      (group) =>
        group.scaleToZeroPolicy?.retention.source === 'default-entry' ||
        group.scaleToZeroPolicy?.retention.source === 'built-in',
    )
  ) {
    warnings.push(
      `retention ${JSON.stringify(overrides.retention)} is not a positive Go duration (like 15m or 1h30m); ` +
        `the configured retention applies`,
    )
  }
  return warnings
}

/** The VAs in list order (namespace, name), each with its engine: saturation members, or queueing-model VAs. */
function selectMembers(
  state: ClusterState,
  overrides: SaturationOverrides,
  location: ConfigLocation,
): {members: Member[]; queueing: {namespace: string; name: string; why: string}[]} {
  const {sources} = state
  const context = {
    crdShape: state.crdShape,
    controllerImageTag: state.controllerImageTag,
    env: sources.controllerDeployment === undefined ? undefined : location.env,
    override: overrides.engine,
  }
  const deployments = new Map(
    sources.deployments.map((deployment) => [
      deploymentKey(deployment.metadata?.namespace ?? 'default', deployment.metadata?.name ?? ''),
      deployment,
    ]),
  )
  const vas = state.variants.map((variant) => variant.va).sort(byNamespaceAndName)
  const members: Member[] = []
  const queueing: {namespace: string; name: string; why: string}[] = []
  for (const va of vas) {
    const selection = selectEngine(va, context)
    if (selection.engine === 'queueing-model') {
      queueing.push({namespace: va.namespace, name: va.name, why: selection.why})
      continue
    }
    const deployment = deployments.get(deploymentKey(va.namespace, va.target.name))
    const replicas = deployment === undefined ? undefined : readDeploymentReplicas(deployment)
    members.push({
      va,
      engine: selection.engine,
      why: selection.why,
      deployment,
      replicas,
      desiredReplicas: va.status.desiredReplicas,
      exclusion: exclusionOf(va, selection.engine, replicas, location),
    })
  }
  return {members, queueing}
}

/** The members of each group, in first-member order; invalid VAs, and v0.5.1's inactive ones, join none. */
export function groupMembers(members: readonly Member[]): (readonly [Member, ...Member[]])[] {
  const keyed = new Map<string, [Member, ...Member[]]>()
  for (const member of members) {
    if (member.exclusion?.kind === 'invalid-va') continue
    // v0.5.1 never lists inactive VAs, so they join no group.
    if (member.engine === 'saturation-v0.5.1' && member.exclusion !== undefined) continue
    const key = `${member.engine}\u0000${groupKeyOf(member.engine, member.va)}`
    const existing = keyed.get(key)
    if (existing === undefined) keyed.set(key, [member])
    else existing.push(member)
  }
  return [...keyed.values()]
}

/**
 * One group's thresholds, limiter and scale-to-zero config, as the controller resolves them, after the overrides;
 * `first` is its first member (its engine, model and namespace).
 */
function planGroup(
  first: Member,
  location: ConfigLocation,
  overrides: SaturationOverrides,
  report: (problems: readonly ConfigEntryProblem[]) => void,
): Omit<GroupPlan, 'members'> {
  const {engine} = first
  const modelId = first.va.modelID
  const namespace = first.va.namespace
  let configured: SaturationThresholds | undefined
  let configMap: ConfigMapRef | undefined
  let missingReason: string | undefined
  let enableLimiter = false
  if (engine === 'capacity-v0.4.2') {
    const resolved = resolveCapacityThresholds(location, modelId, namespace)
    configured = resolved.thresholds
    configMap = resolved.configMap
    report(resolved.problems)
  } else {
    const resolved = resolveSaturationThresholds(location, namespace)
    enableLimiter = resolved.enableLimiter
    report(resolved.problems)
    if (resolved.kind === 'ok') {
      configured = resolved.thresholds
      configMap = resolved.configMap
    } else missingReason = resolved.reason
  }
  const {thresholds, overridden} = applyThresholdOverrides(configured, overrides)
  const scaleToZero = engine === 'saturation-v0.5.1' ? resolveScaleToZeroConfig(location, namespace) : undefined
  report(scaleToZero?.problems ?? [])
  const scaleToZeroConfig = applyScaleToZeroOverrides(scaleToZero?.config ?? {}, modelId, overrides)
  const scaleToZeroPolicy =
    engine === 'saturation-v0.5.1'
      ? resolveScaleToZeroPolicy({modelId, namespace, scaleToZeroConfig, envWvaScaleToZero: location.env.scaleToZero})
      : undefined
  return {
    key: groupKeyOf(engine, first.va),
    engine,
    modelId,
    namespace,
    config:
      thresholds === undefined
        ? {kind: 'no-config', skip: {kind: 'no-config', reason: missingReason ?? 'no saturation config'}}
        : {kind: 'ok', thresholds},
    configMap,
    overriddenThresholds: overridden,
    enableLimiter,
    scaleToZeroConfig,
    scaleToZeroConfigMap: scaleToZero?.configMap,
    scaleToZeroPolicy,
  }
}

/** Phase 1: the scale-to-zero request-count queries the run will need, before any metric is read. */
export function planRequestCounts(state: ClusterState, overrides: SaturationOverrides = {}): RequestCountQuery[] {
  return collectQueries(planRun(state, overrides).groups)
}

/** The request-count queries of the groups that run, one per namespace and model. */
export function collectQueries(groups: readonly GroupPlan[]): RequestCountQuery[] {
  const queries = new Map<string, RequestCountQuery>()
  for (const group of groups) {
    const query = group.config.kind === 'ok' ? group.scaleToZeroPolicy?.requestCountQuery : undefined
    if (query !== undefined) queries.set(requestCountKey(query.namespace, query.modelId), query)
  }
  return [...queries.values()]
}
