/**
 * One model group's engine input, built as the controller's collector would: the pods of its VAs in the group's
 * namespace (collector order), the readings scaled by a load what-if (load-model.ts), the variant states, and for
 * v0.5.1 the scale-to-zero config and request count.
 */
import type {MetricsSnapshot, PodMetrics} from '../../../model/metrics.js'
import type {SaturationGroupInput} from '../engine.js'
import {defaultVariantCost, type RequestCountReading} from '../scale-to-zero.js'
import type {ReplicaMetric, SaturationThresholds, VariantState} from '../types.js'
import type {ConfigLocation} from './config.js'
import {
  overflowRequestsPerKv,
  readingFromDemand,
  scaleDemand,
  type GroupLoadApplied,
  type GroupLoadScaling,
} from './load-model.js'
import {requestCountKey, type GroupPlan, type Member} from './plan-groups.js'
import {deploymentKey, type PodAssignment, type SharedDeployment} from './pod-mapping.js'
import type {ExclusionSkip} from './variant-result.js'
import {variantStateOf} from './variant-state.js'

/** The run's inputs a group's feed reads besides the group itself. */
export interface FeedInput {
  /** The MetricsSnapshots of the sources (their `requestsInRetention`). */
  readonly metricsSnapshots: readonly MetricsSnapshot[]
  /** Readings keyed by `requestCountKey`; without them, the MetricsSnapshots' `requestsInRetention`. */
  readonly requestCounts?: ReadonlyMap<string, number> | undefined
  readonly load?: ReadonlyMap<string, GroupLoadScaling> | undefined
}

/** A member whose state (and pods, unless its Deployment is shared) reach the engine. */
export interface AnalysedMember {
  readonly member: Member
  /** Its state as the engine reads it (v0.4.2 matches states by VA name, so a same-named VA's may win). */
  readonly state: VariantState
}

/** What a group feeds its engine, and how each VA's pods map to it. */
export interface GroupFeed {
  readonly analysed: readonly AnalysedMember[]
  /** The pods of each VA in the group's namespace, keyed by `namespace\0name`. */
  readonly podsOf: ReadonlyMap<string, readonly PodMetrics[]>
  /** Each reporting pod as fed to the engine (scaled by the load model). */
  readonly fed: ReadonlyMap<PodMetrics, PodMetrics>
  readonly replicaMetrics: readonly ReplicaMetric[]
  readonly variantStates: readonly VariantState[]
  readonly scaling: GroupLoadScaling | undefined
  readonly load: GroupLoadApplied | undefined
}

/** Why a member gets no pods: its exclusion, or v0.5.1's shared Deployment; undefined when it is fed. */
export function memberSkip(
  group: GroupPlan,
  member: Member,
  sharedBy: ReadonlyMap<string, SharedDeployment>,
): ExclusionSkip | undefined {
  if (member.exclusion !== undefined) return member.exclusion
  const shared =
    group.engine === 'saturation-v0.5.1' ? sharedBy.get(deploymentKey(member.va.namespace, member.va.name)) : undefined
  return shared === undefined
    ? undefined
    : {kind: 'shared-deployment', deployment: shared.deployment, variantAutoscalings: shared.variantAutoscalings}
}

export const memberPodsKey = (member: Member): string => `${member.va.namespace}\u0000${member.va.name}`

/** The group's replica metrics (collector order: the input pod order) and variant states. */
export function feedGroup(
  group: GroupPlan,
  input: FeedInput,
  assignments: readonly PodAssignment[],
  sharedBy: ReadonlyMap<string, SharedDeployment>,
): GroupFeed {
  // Members whose state and pods reach the engine (v0.5.1 keeps shared-Deployment VAs as states without pods).
  const members = group.members.flatMap((member) =>
    member.exclusion === undefined && member.replicas !== undefined
      ? [{member, state: variantStateOf(member.va.name, member.replicas, member.desiredReplicas)}]
      : [],
  )
  const variantStates = members.map(({state}) => state)
  const firstByName = new Map<string, VariantState>()
  for (const state of variantStates) if (!firstByName.has(state.variantName)) firstByName.set(state.variantName, state)
  const analysed = members.map(({member, state}) => ({member, state: firstByName.get(member.va.name) ?? state}))
  const podsOf = new Map<string, PodMetrics[]>()
  for (const {pod, variantName} of assignments) {
    if (variantName === undefined || pod.namespace !== group.namespace) continue
    if (pod.modelID !== undefined && pod.modelID !== group.modelId) continue
    const key = `${pod.namespace}\u0000${variantName}`
    podsOf.set(key, [...(podsOf.get(key) ?? []), pod])
  }
  const memberOfPod = new Map<PodMetrics, Member>()
  for (const {member} of analysed) {
    if (memberSkip(group, member, sharedBy) !== undefined) continue
    for (const pod of podsOf.get(memberPodsKey(member)) ?? []) memberOfPod.set(pod, member)
  }
  const reporting: {pod: PodMetrics; member: Member}[] = []
  for (const {pod} of assignments) {
    const member = memberOfPod.get(pod)
    if (member === undefined || (pod.kvCacheUsage === undefined && pod.queueLength === undefined)) continue
    reporting.push({pod, member})
  }
  const scaling = input.load?.get(requestCountKey(group.namespace, group.modelId))
  const load = scaling === undefined ? undefined : applyLoadModel(scaling, reporting)
  const fed = new Map<PodMetrics, PodMetrics>()
  const replicaMetrics = reporting.map(({pod, member}, index): ReplicaMetric => {
    const demand = load?.demands[index]?.demand
    const reading = demand === undefined ? undefined : readingFromDemand(demand, load?.requestsPerKv)
    const scaled =
      reading === undefined ? pod : {...pod, kvCacheUsage: reading.kvCacheUsage, queueLength: reading.queueLength}
    fed.set(pod, scaled)
    return {
      podName: pod.name,
      variantName: member.va.name,
      kvCacheUsage: scaled.kvCacheUsage ?? 0,
      queueLength: Math.trunc(scaled.queueLength ?? 0),
      acceleratorName: member.va.acceleratorLabel ?? '',
      cost: parseVariantCost(member.va.variantCost),
    }
  })
  return {analysed, podsOf, fed, replicaMetrics, variantStates, scaling, load}
}

/** Exactly what the engine is given (v0.4.2 ignores the scale-to-zero fields). */
export function engineInputOf(
  group: GroupPlan,
  thresholds: SaturationThresholds,
  feed: GroupFeed,
  input: FeedInput,
  location: ConfigLocation,
): SaturationGroupInput {
  const groupInput = {
    modelId: group.modelId,
    namespace: group.namespace,
    config: thresholds,
    replicaMetrics: feed.replicaMetrics,
    variantStates: feed.variantStates,
  }
  return group.engine === 'capacity-v0.4.2'
    ? groupInput
    : {
        ...groupInput,
        scaleToZeroConfig: group.scaleToZeroConfig,
        envWvaScaleToZero: location.env.scaleToZero,
        requestCount: scaleRequestCount(readingFor(input, group.namespace, group.modelId), feed.scaling),
      }
}

/** Go `strconv.ParseFloat(s, 64)` for the decimal forms a cost takes; anything else is upstream's fallback 10. */
export function parseVariantCost(text: string | undefined): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return defaultVariantCost
  return Number(text)
}

/** The model's request count in the retention window: the reading, else a MetricsSnapshot's. */
export function readingFor(input: FeedInput, namespace: string, modelId: string): RequestCountReading | undefined {
  const key = requestCountKey(namespace, modelId)
  if (input.requestCounts !== undefined) {
    const requests = input.requestCounts.get(key)
    return requests === undefined ? undefined : {kind: 'count', requests}
  }
  for (const snapshot of input.metricsSnapshots) {
    const found = snapshot.requestsInRetention?.find(
      (entry) => entry.namespace === namespace && entry.modelID === modelId,
    )
    if (found !== undefined) return {kind: 'count', requests: found.requests}
  }
  return undefined
}

/** The load model's steps 1 and 2 on the group's reporting pods (load-model.ts). */
function applyLoadModel(
  scaling: GroupLoadScaling,
  reporting: readonly {pod: PodMetrics; member: Member}[],
): GroupLoadApplied {
  const observed = reporting.map(({pod, member}) => ({
    variantName: member.va.name,
    reading: {name: pod.name, kvCacheUsage: pod.kvCacheUsage ?? 0, queueLength: pod.queueLength ?? 0},
  }))
  return {
    ...scaling,
    requestsPerKv: overflowRequestsPerKv(
      observed.map(({reading}) => reading),
      scaling.observedRateRpm,
    ),
    demands: observed.map(({variantName, reading}) => ({variantName, demand: scaleDemand(reading, scaling.scale)})),
  }
}

/** Requests in the retention window grow with the load, like the readings. */
function scaleRequestCount(
  reading: RequestCountReading | undefined,
  scaling: GroupLoadScaling | undefined,
): RequestCountReading | undefined {
  if (reading === undefined || scaling === undefined || reading.kind !== 'count') return reading
  return {...reading, requests: reading.requests * scaling.scale}
}
