/**
 * Runs the saturation engines the way the installed controller would, per model group, from raw cluster or
 * manifest objects plus per-pod metrics (wva-controller.md 6.2, 6.4; saturation-algorithm.md section 7).
 *
 * Grouping: capacity v0.4.2 groups the VAs by `spec.modelID` alone and queries Prometheus in the namespace of the
 * group's first VA (first by namespace, then name: the API's list order), so same-model VAs in other namespaces
 * get no pods. saturation v0.5.1 groups by `modelID|namespace`.
 *
 * Two phases, because scale-to-zero needs a Prometheus reading the engine cannot make: `planRequestCounts` returns
 * the request-count queries, the caller runs them, and `runSaturationEngines` takes the readings.
 */
import {detectCrdShape} from '../../../model/shape.js'
import {describeProblems} from '../../../model/field-problems.js'
import type {KubeObject} from '../../../model/kube-object.js'
import type {PodMetrics} from '../../../model/metrics.js'
import {
  acceleratorLabel,
  normalizeVariantAutoscaling,
  type VariantAutoscaling,
} from '../../../model/variant-autoscaling.js'
import {
  analyzeCapacityV042,
  analyzeSaturationV051,
  type CapacityResultV042,
  type SaturationGroupInput,
  type SaturationResultV051,
} from '../engine.js'
import type {ScaleDownCheck} from '../model-analysis.js'
import {
  defaultVariantCost,
  resolveScaleToZeroPolicy,
  type EnforcementResult,
  type RequestCountQuery,
  type RequestCountReading,
  type ScaleToZeroConfig,
  type ScaleToZeroPolicy,
} from '../scale-to-zero.js'
import {
  compareNames,
  type ReplicaMetric,
  type SaturationThresholds,
  type ScalingAction,
  type VariantSaturationAnalysis,
  type VariantState,
} from '../types.js'
import type {SourceSet} from '../../../model/sources.js'
import {
  resolveCapacityThresholds,
  resolveConfigLocation,
  resolveSaturationThresholds,
  resolveScaleToZeroConfig,
  type ConfigEntryProblem,
  type ConfigLocation,
  type ConfigMapRef,
} from './config.js'
import {readControllerImageTag} from '../../../model/controller.js'
import {selectEngine, type EngineOverride, type SaturationEngine} from '../../engine-select.js'
import {explainDecision, type GroupFacts} from './explain.js'
import {
  overflowRequestsPerKv,
  readingFromDemand,
  scaleDemand,
  type GroupLoadScaling,
  type PodDemand,
} from './load-model.js'
import {
  deploymentKey,
  mapPodsToVariants,
  type PodAssignment,
  type PodWithoutMetrics,
  type SharedDeployment,
} from './pod-mapping.js'
import {buildVariantState, readDeploymentReplicas} from './variant-state.js'

/** What-if overrides from the command line; thresholds replace the configured ones field by field. */
export interface SaturationOverrides {
  readonly engine?: EngineOverride | undefined
  readonly kvCacheThreshold?: number | undefined
  readonly queueLengthThreshold?: number | undefined
  readonly kvSpareTrigger?: number | undefined
  readonly queueSpareTrigger?: number | undefined
  /** Forces scale-to-zero on or off for every model (a per-model entry, which outranks the ConfigMap and env). */
  readonly scaleToZero?: boolean | undefined
  /** Go duration, e.g. `15m`: the retention window for every model. */
  readonly retention?: string | undefined
}

export interface SaturationRunInput {
  readonly sources: SourceSet
  readonly pods: readonly PodMetrics[]
  /** Readings of `requestCountQueries`, keyed by `requestCountKey(namespace, modelId)`. Without it, the
   *  MetricsSnapshots' `requestsInRetention` are used. */
  readonly requestCounts?: ReadonlyMap<string, number> | undefined
  readonly overrides?: SaturationOverrides | undefined
  /** Load what-ifs per model group, keyed by `requestCountKey(namespace, modelId)` of the group: the readings
   *  (and the scale-to-zero request count) are scaled by the load model (load-model.ts). Absent: as observed. */
  readonly load?: ReadonlyMap<string, GroupLoadScaling> | undefined
}

/** The load model as applied to one group's readings. */
export interface GroupLoadApplied extends GroupLoadScaling {
  /** Requests per minute per unit of KV turning overflow into queue; undefined when not known. */
  readonly requestsPerKv: number | undefined
  /** The demands of the pods fed to the engine, in collector order, with their variant. */
  readonly demands: readonly {readonly variantName: string; readonly demand: PodDemand}[]
}

/** Key of a request-count reading: `namespace\0modelId`. */
export function requestCountKey(namespace: string, modelId: string): string {
  return `${namespace}\u0000${modelId}`
}

/** Why the controller makes no decision for a VA (or computes one it never writes). */
export type SaturationSkip =
  | {readonly kind: 'invalid-va'; readonly message: string}
  | {readonly kind: 'no-accelerator-label'}
  | {readonly kind: 'no-variant-cost'}
  | {readonly kind: 'deployment-not-found'; readonly deployment: string}
  | {readonly kind: 'deployment-at-zero'; readonly deployment: string}
  | {readonly kind: 'shared-deployment'; readonly deployment: string; readonly variantAutoscalings: readonly string[]}
  | {readonly kind: 'not-watched'; readonly watchNamespace: string}
  | {readonly kind: 'other-controller-instance'; readonly controllerInstance: string}
  | {readonly kind: 'no-config'; readonly reason: string}
  /** No pod of the whole model reported: the engine skips the model. */
  | {readonly kind: 'no-metrics'}
  /** Other variants reported, this one did not: it gets no target. */
  | {readonly kind: 'variant-no-metrics'}

/** One pod of the VA as the engine saw it. */
export interface SaturationPodRow {
  readonly pod: string
  /** As fed to the engine: a missing reading is 0; undefined when the pod was dropped. */
  readonly kvCacheUsage: number | undefined
  /** As fed: truncated to an integer, as the controller does; a missing reading is 0. */
  readonly queueLength: number | undefined
  /** undefined when the pod was dropped (neither metric). */
  readonly isSaturated: boolean | undefined
  /** Which readings Prometheus did not return. */
  readonly missing: readonly ('kvCacheUsage' | 'queueLength')[]
}

/** Model-level numbers against their triggers. */
export interface SaturationModelSummary {
  readonly thresholds: SaturationThresholds
  readonly totalReplicas: number
  readonly nonSaturatedCount: number
  /** KV fraction. */
  readonly avgSpareKvCapacity: number
  readonly kvSpareTrigger: number
  /** Waiting requests. */
  readonly avgSpareQueueLength: number
  readonly queueSpareTrigger: number
  readonly shouldScaleUp: boolean
  /** Go's text, "" when no trigger fired. */
  readonly scaleUpReason: string
  readonly scaleDownSafe: boolean
  readonly scaleDownCheck: ScaleDownCheck
}

export interface SaturationGuards {
  readonly pendingReplicas: number
  /** v0.5.1: the whole model is frozen this cycle. */
  readonly modelInTransition: boolean
  readonly transitionReasons: readonly string[]
  /** v0.5.1: this VA was passed over for the scale-up because of pending replicas. */
  readonly isSkippedForPending: boolean
  /** v0.4.2: desired != current, so the VA keeps desired and takes no ±1. */
  readonly isDesiredPreserved: boolean
}

export interface SaturationVariantResult {
  readonly namespace: string
  readonly name: string
  readonly modelId: string
  readonly engine: SaturationEngine
  readonly engineWhy: string
  /** `modelId` (v0.4.2) or `modelId|namespace` (v0.5.1). */
  readonly groupKey: string
  readonly deployment: string
  /** What the controller would write; undefined when it writes nothing (see `skip`). */
  readonly targetReplicas: number | undefined
  /** The engine's target even when the controller would not write it (no accelerator label). */
  readonly computedTargetReplicas: number | undefined
  readonly action: ScalingAction | undefined
  /** Upstream decision reason, e.g. `saturation-only mode: scale-up`. */
  readonly decisionReason: string | undefined
  readonly state: VariantState | undefined
  readonly analysis: VariantSaturationAnalysis | undefined
  readonly pods: readonly SaturationPodRow[]
  readonly model: SaturationModelSummary | undefined
  readonly guards: SaturationGuards | undefined
  readonly enforcement: EnforcementResult | undefined
  readonly skip: SaturationSkip | undefined
  readonly sentences: readonly string[]
}

export type SaturationGroupOutcome =
  | {readonly engine: 'capacity-v0.4.2'; readonly result: CapacityResultV042}
  | {readonly engine: 'saturation-v0.5.1'; readonly result: SaturationResultV051}

export interface SaturationGroupResult {
  readonly key: string
  readonly engine: SaturationEngine
  readonly modelId: string
  /** The namespace the engine queries (v0.4.2: the first VA's). */
  readonly namespace: string
  /** VAs of the group, sorted by namespace and name. */
  readonly variantAutoscalings: readonly string[]
  readonly thresholds: SaturationThresholds | undefined
  /** undefined: hard-coded thresholds (v0.4.2 without ConfigMap) or none (v0.5.1 no config). */
  readonly configMap: ConfigMapRef | undefined
  /** Names of the thresholds the overrides replaced. */
  readonly overriddenThresholds: readonly (keyof SaturationThresholds)[]
  readonly enableLimiter: boolean
  readonly scaleToZeroConfigMap: ConfigMapRef | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy | undefined
  readonly skip: {readonly kind: 'no-config'; readonly reason: string} | {readonly kind: 'no-metrics'} | undefined
  /** undefined when the group was not run (no config). */
  readonly outcome: SaturationGroupOutcome | undefined
  /** Exactly what the engine was given (v0.4.2 ignores the scale-to-zero fields); undefined when not run. */
  readonly engineInput: SaturationGroupInput | undefined
  /** The load model's scaling of this group's readings; undefined without a load what-if. */
  readonly load: GroupLoadApplied | undefined
}

export interface SaturationRun {
  /** Sorted by namespace and name. */
  readonly variants: readonly SaturationVariantResult[]
  readonly groups: readonly SaturationGroupResult[]
  /** VAs the controller sizes with the queueing model instead. */
  readonly queueingModelVariants: readonly {readonly namespace: string; readonly name: string; readonly why: string}[]
  /** The scale-to-zero queries the run needed (enabled models); readings absent from the input count as unknown. */
  readonly requestCountQueries: readonly RequestCountQuery[]
  readonly podsOfUnknownDeployments: readonly PodAssignment[]
  readonly sharedDeployments: readonly SharedDeployment[]
  readonly podsWithoutMetrics: readonly PodWithoutMetrics[]
  readonly configProblems: readonly ConfigEntryProblem[]
  readonly warnings: readonly string[]
}

interface Member {
  readonly va: VariantAutoscaling
  readonly engine: SaturationEngine
  readonly why: string
  readonly deployment: KubeObject | undefined
  /** Excluded from the analysis (its pods and state do not reach the engine). */
  readonly exclusion: SaturationSkip | undefined
}

interface GroupPlan {
  readonly key: string
  readonly engine: SaturationEngine
  readonly modelId: string
  readonly namespace: string
  /** All members with this key, sorted; some may be excluded. */
  readonly members: readonly Member[]
  readonly thresholds: SaturationThresholds | undefined
  readonly configMap: ConfigMapRef | undefined
  readonly overriddenThresholds: readonly (keyof SaturationThresholds)[]
  readonly configSkip: {readonly kind: 'no-config'; readonly reason: string} | undefined
  readonly enableLimiter: boolean
  readonly scaleToZeroConfig: ScaleToZeroConfig
  readonly scaleToZeroConfigMap: ConfigMapRef | undefined
  readonly scaleToZeroPolicy: ScaleToZeroPolicy | undefined
}

interface Plan {
  readonly location: ConfigLocation
  readonly groups: readonly GroupPlan[]
  readonly members: readonly Member[]
  readonly queueing: readonly {namespace: string; name: string; why: string}[]
  readonly configProblems: readonly ConfigEntryProblem[]
  readonly warnings: readonly string[]
}

const thresholdNames = ['kvCacheThreshold', 'queueLengthThreshold', 'kvSpareTrigger', 'queueSpareTrigger'] as const

function applyThresholdOverrides(
  configured: SaturationThresholds | undefined,
  overrides: SaturationOverrides,
): {thresholds: SaturationThresholds | undefined; overridden: (keyof SaturationThresholds)[]} {
  const overridden = thresholdNames.filter((name) => overrides[name] !== undefined)
  if (configured === undefined) {
    // Without a config, only a complete set of overrides gives something to run.
    if (overridden.length < thresholdNames.length) return {thresholds: undefined, overridden}
    return {
      thresholds: Object.fromEntries(
        thresholdNames.map((name) => [name, overrides[name]!]),
      ) as unknown as SaturationThresholds,
      overridden,
    }
  }
  const thresholds = {...configured}
  for (const name of overridden) thresholds[name] = overrides[name]!
  return {thresholds, overridden}
}

function applyScaleToZeroOverrides(
  config: ScaleToZeroConfig,
  modelId: string,
  overrides: SaturationOverrides,
): ScaleToZeroConfig {
  if (overrides.scaleToZero === undefined && overrides.retention === undefined) return config
  const existing = Object.hasOwn(config, modelId) ? config[modelId] : undefined
  const entry = {
    ...existing,
    modelId,
    enableScaleToZero: overrides.scaleToZero ?? existing?.enableScaleToZero,
    retentionPeriod: overrides.retention ?? existing?.retentionPeriod,
  }
  const copy: Record<string, (typeof config)[string]> = {}
  for (const key of Object.keys(config))
    Object.defineProperty(copy, key, {value: config[key], enumerable: true, writable: true, configurable: true})
  Object.defineProperty(copy, modelId, {value: entry, enumerable: true, writable: true, configurable: true})
  return copy
}

const byNamespaceAndName = (
  left: {namespace: string; name: string},
  right: {namespace: string; name: string},
): number => compareNames(left.namespace, right.namespace) || compareNames(left.name, right.name)

function exclusionOf(
  va: VariantAutoscaling,
  engine: SaturationEngine,
  deployment: KubeObject | undefined,
  location: ConfigLocation,
): SaturationSkip | undefined {
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
  if (deployment === undefined) return {kind: 'deployment-not-found', deployment: va.target.name}
  if (engine === 'saturation-v0.5.1' && readDeploymentReplicas(deployment).isScaledToZero)
    return {kind: 'deployment-at-zero', deployment: va.target.name}
  return undefined
}

function planRun(sources: SourceSet, overrides: SaturationOverrides): Plan {
  const location = resolveConfigLocation(sources)
  const crdShape = detectCrdShape(sources.crd)
  const context = {
    crdShape,
    controllerImageTag: readControllerImageTag(sources.controllerDeployment),
    env: sources.controllerDeployment === undefined ? undefined : location.env,
    override: overrides.engine,
  }
  const deployments = new Map(
    sources.deployments.map((deployment) => [
      deploymentKey(deployment.metadata?.namespace ?? 'default', deployment.metadata?.name ?? ''),
      deployment,
    ]),
  )
  const vas = sources.variantAutoscalings
    .map((object) => normalizeVariantAutoscaling(object, crdShape?.shape))
    .sort(byNamespaceAndName)
  const members: Member[] = []
  const queueing: {namespace: string; name: string; why: string}[] = []
  for (const va of vas) {
    const selection = selectEngine(va, context)
    if (selection.engine === 'queueing-model') {
      queueing.push({namespace: va.namespace, name: va.name, why: selection.why})
      continue
    }
    const deployment = deployments.get(deploymentKey(va.namespace, va.target.name))
    members.push({
      va,
      engine: selection.engine,
      why: selection.why,
      deployment,
      exclusion: exclusionOf(va, selection.engine, deployment, location),
    })
  }
  const keyed = new Map<string, Member[]>()
  for (const member of members) {
    if (member.exclusion?.kind === 'invalid-va') continue
    const key = member.engine === 'capacity-v0.4.2' ? member.va.modelID : `${member.va.modelID}|${member.va.namespace}`
    // v0.5.1 never lists inactive VAs, so they join no group.
    if (member.engine === 'saturation-v0.5.1' && member.exclusion !== undefined) continue
    keyed.set(`${member.engine}\u0000${key}`, [...(keyed.get(`${member.engine}\u0000${key}`) ?? []), member])
  }
  const configProblems = new Map<string, ConfigEntryProblem>()
  const warnings: string[] = []
  const groups = [...keyed.values()].map((groupMembers): GroupPlan => {
    const first = groupMembers[0]!
    const {engine} = first
    const modelId = first.va.modelID
    const namespace = first.va.namespace
    const key = engine === 'capacity-v0.4.2' ? modelId : `${modelId}|${namespace}`
    let configured: SaturationThresholds | undefined
    let configMap: ConfigMapRef | undefined
    let missingReason: string | undefined
    let enableLimiter = false
    if (engine === 'capacity-v0.4.2') {
      const resolved = resolveCapacityThresholds(location, modelId, namespace)
      configured = resolved.thresholds
      configMap = resolved.configMap
      for (const problem of resolved.problems) configProblems.set(JSON.stringify(problem), problem)
    } else {
      const resolved = resolveSaturationThresholds(location, namespace)
      enableLimiter = resolved.enableLimiter
      for (const problem of resolved.problems) configProblems.set(JSON.stringify(problem), problem)
      if (resolved.kind === 'ok') {
        configured = resolved.thresholds
        configMap = resolved.configMap
      } else missingReason = resolved.reason
    }
    const {thresholds, overridden} = applyThresholdOverrides(configured, overrides)
    const scaleToZero = engine === 'saturation-v0.5.1' ? resolveScaleToZeroConfig(location, namespace) : undefined
    for (const problem of scaleToZero?.problems ?? []) configProblems.set(JSON.stringify(problem), problem)
    const scaleToZeroConfig = applyScaleToZeroOverrides(scaleToZero?.config ?? {}, modelId, overrides)
    const scaleToZeroPolicy =
      engine === 'saturation-v0.5.1'
        ? resolveScaleToZeroPolicy({modelId, namespace, scaleToZeroConfig, envWvaScaleToZero: location.env.scaleToZero})
        : undefined
    return {
      key,
      engine,
      modelId,
      namespace,
      members: groupMembers,
      thresholds,
      configMap,
      overriddenThresholds: overridden,
      configSkip:
        thresholds === undefined ? {kind: 'no-config', reason: missingReason ?? 'no saturation config'} : undefined,
      enableLimiter,
      scaleToZeroConfig,
      scaleToZeroConfigMap: scaleToZero?.configMap,
      scaleToZeroPolicy,
    }
  })
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
  return {location, groups, members, queueing, configProblems: [...configProblems.values()], warnings}
}

/** Phase 1: the scale-to-zero request-count queries the run will need, before any metric is read. */
export function planRequestCounts(sources: SourceSet, overrides: SaturationOverrides = {}): RequestCountQuery[] {
  return collectQueries(planRun(sources, overrides).groups)
}

function collectQueries(groups: readonly GroupPlan[]): RequestCountQuery[] {
  const queries = new Map<string, RequestCountQuery>()
  for (const group of groups) {
    const query = group.configSkip === undefined ? group.scaleToZeroPolicy?.requestCountQuery : undefined
    if (query !== undefined) queries.set(requestCountKey(query.namespace, query.modelId), query)
  }
  return [...queries.values()]
}

/** Go `strconv.ParseFloat(s, 64)` for the decimal forms a cost takes; anything else is upstream's fallback 10. */
export function parseVariantCost(text: string | undefined): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return defaultVariantCost
  return Number(text)
}

function readingFor(input: SaturationRunInput, namespace: string, modelId: string): RequestCountReading | undefined {
  const key = requestCountKey(namespace, modelId)
  if (input.requestCounts !== undefined) {
    const requests = input.requestCounts.get(key)
    return requests === undefined ? undefined : {kind: 'count', requests}
  }
  for (const snapshot of input.sources.metricsSnapshots) {
    const found = snapshot.requestsInRetention?.find(
      (entry) => entry.namespace === namespace && entry.modelID === modelId,
    )
    if (found !== undefined) return {kind: 'count', requests: found.requests}
  }
  return undefined
}

function podRow(pod: PodMetrics, isSaturated: boolean | undefined): SaturationPodRow {
  const missing = [
    ...(pod.kvCacheUsage === undefined ? ['kvCacheUsage' as const] : []),
    ...(pod.queueLength === undefined ? ['queueLength' as const] : []),
  ]
  const dropped = missing.length === 2
  return {
    pod: pod.name,
    kvCacheUsage: dropped ? undefined : (pod.kvCacheUsage ?? 0),
    queueLength: dropped ? undefined : Math.trunc(pod.queueLength ?? 0),
    isSaturated,
    missing,
  }
}

function skipSentence(
  skip: SaturationSkip,
  va: VariantAutoscaling,
  group: GroupPlan | undefined,
  computed: number | undefined,
): string {
  const desired = va.status.desiredReplicas
  const keeps = desired === undefined ? 'its desired replicas stay unset' : `desired stays ${desired}`
  switch (skip.kind) {
    case 'invalid-va':
      return `skipped: the VA is invalid (${skip.message})`
    case 'no-accelerator-label':
      return computed === undefined
        ? `skipped: label ${acceleratorLabel} is missing, and v0.4.2 requires it`
        : `the controller computes ${computed} but never writes it: label ${acceleratorLabel} is missing`
    case 'no-variant-cost':
      return 'skipped: spec.variantCost is empty, and the v0.4.2 capacity path requires it'
    case 'deployment-not-found':
      return `skipped: Deployment ${skip.deployment} not found in ${va.namespace}`
    case 'deployment-at-zero':
      return (
        `not analysed: Deployment ${skip.deployment} is at 0 replicas; the v0.5 scale-from-zero engine scales ` +
        `it to 1 once the EPP queues requests for ${va.modelID}`
      )
    case 'shared-deployment':
      return (
        `skipped: VAs ${skip.variantAutoscalings.join(' and ')} all target Deployment ${skip.deployment}, so ` +
        `the v0.5 controller cannot map its pods (upstream issue #948); ${keeps}`
      )
    case 'not-watched':
      return `skipped: the controller only watches namespace ${skip.watchNamespace}`
    case 'other-controller-instance':
      return (
        `skipped: the controller only handles VAs labelled ` +
        `wva.llmd.ai/controller-instance=${skip.controllerInstance}`
      )
    case 'no-config':
      return `skipped: no saturation config (${skip.reason}); the controller skips model ${va.modelID}`
    case 'no-metrics':
      return (
        `no decision: no pod of ${va.modelID} in ${group?.namespace ?? va.namespace} reported KV-cache or ` +
        `queue metrics, so the controller skips the model; ${keeps}`
      )
    case 'variant-no-metrics': {
      const elsewhere = group !== undefined && group.engine === 'capacity-v0.4.2' && va.namespace !== group.namespace
      return elsewhere
        ? `no decision: v0.4.2 queries model ${va.modelID} only in namespace ${group.namespace} (its first ` +
            `VA's), so this VA's pods are never read; ${keeps}`
        : `no decision: none of its pods reported metrics while its siblings did; ${keeps}`
    }
  }
}

function summarize(group: GroupPlan, result: CapacityResultV042 | SaturationResultV051): SaturationModelSummary {
  const {analysis} = result
  return {
    thresholds: group.thresholds!,
    totalReplicas: analysis.totalReplicas,
    nonSaturatedCount: analysis.nonSaturatedCount,
    avgSpareKvCapacity: analysis.avgSpareKvCapacity,
    kvSpareTrigger: group.thresholds!.kvSpareTrigger,
    avgSpareQueueLength: analysis.avgSpareQueueLength,
    queueSpareTrigger: group.thresholds!.queueSpareTrigger,
    shouldScaleUp: analysis.shouldScaleUp,
    scaleUpReason: analysis.scaleUpReason,
    scaleDownSafe: analysis.scaleDownSafe,
    scaleDownCheck: result.scaleDownCheck,
  }
}

/** Phase 2: every saturation-engine VA's decision, with the evidence and the sentences. */
export function runSaturationEngines(input: SaturationRunInput): SaturationRun {
  const overrides = input.overrides ?? {}
  const plan = planRun(input.sources, overrides)
  const {sources} = input
  const mappings = (['capacity-v0.4.2', 'saturation-v0.5.1'] as const).map((engine) => {
    const vas = plan.members
      .filter((member) => member.engine === engine && member.exclusion?.kind !== 'invalid-va')
      .map((member) => member.va)
    return vas.length === 0
      ? undefined
      : mapPodsToVariants({
          rule: engine === 'capacity-v0.4.2' ? 'selector' : 'owner-chain',
          pods: input.pods,
          podObjects: sources.pods,
          replicaSets: sources.replicaSets,
          deployments: sources.deployments,
          variantAutoscalings: vas,
        })
  })
  const assignments = new Map<string, readonly PodAssignment[]>()
  mappings.forEach((mapping, index) => {
    if (mapping !== undefined)
      assignments.set(index === 0 ? 'capacity-v0.4.2' : 'saturation-v0.5.1', mapping.assignments)
  })
  const sharedBy = new Map<string, SharedDeployment>()
  for (const shared of mappings[1]?.sharedDeployments ?? []) {
    for (const name of shared.variantAutoscalings) sharedBy.set(deploymentKey(shared.namespace, name), shared)
  }

  const variants: SaturationVariantResult[] = []
  const groups: SaturationGroupResult[] = []
  const grouped = new Set<Member>()
  for (const group of plan.groups) {
    for (const member of group.members) grouped.add(member)
    const {results, groupResult} = runGroup(plan, group, input, assignments.get(group.engine) ?? [], sharedBy)
    variants.push(...results)
    groups.push(groupResult)
  }
  for (const member of plan.members) {
    if (grouped.has(member)) continue
    const skip = member.exclusion!
    variants.push(
      emptyResult(
        member,
        member.engine === 'capacity-v0.4.2' ? member.va.modelID : `${member.va.modelID}|${member.va.namespace}`,
        skip,
        [skipSentence(skip, member.va, undefined, undefined)],
      ),
    )
  }
  const seen = new Set<string>()
  const podsOfUnknownDeployments = mappings
    .flatMap((mapping) => mapping?.unknownDeploymentPods ?? [])
    .filter((assignment) => {
      const key = deploymentKey(assignment.pod.namespace, assignment.pod.name)
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  return {
    variants: variants.sort(byNamespaceAndName),
    groups,
    queueingModelVariants: plan.queueing,
    requestCountQueries: collectQueries(plan.groups),
    // A pod maps to no VA of either engine only if both mappings left it out.
    podsOfUnknownDeployments: mappings.every((mapping) => mapping !== undefined)
      ? podsOfUnknownDeployments.filter((assignment) =>
          mappings.every((mapping) => mapping!.unknownDeploymentPods.some((other) => other.pod === assignment.pod)),
        )
      : podsOfUnknownDeployments,
    sharedDeployments: mappings[1]?.sharedDeployments ?? [],
    podsWithoutMetrics: mappings.flatMap((mapping) => mapping?.podsWithoutMetrics ?? []),
    configProblems: plan.configProblems,
    warnings: plan.warnings,
  }
}

function emptyResult(
  member: Member,
  groupKey: string,
  skip: SaturationSkip,
  sentences: string[],
): SaturationVariantResult {
  return {
    namespace: member.va.namespace,
    name: member.va.name,
    modelId: member.va.modelID,
    engine: member.engine,
    engineWhy: member.why,
    groupKey,
    deployment: member.va.target.name,
    targetReplicas: undefined,
    computedTargetReplicas: undefined,
    action: undefined,
    decisionReason: undefined,
    state: member.deployment === undefined ? undefined : buildVariantState(member.va, member.deployment),
    analysis: undefined,
    pods: [],
    model: undefined,
    guards: undefined,
    enforcement: undefined,
    skip,
    sentences,
  }
}

function runGroup(
  plan: Plan,
  group: GroupPlan,
  input: SaturationRunInput,
  assignments: readonly PodAssignment[],
  sharedBy: ReadonlyMap<string, SharedDeployment>,
): {results: SaturationVariantResult[]; groupResult: SaturationGroupResult} {
  const memberSkip = (member: Member): SaturationSkip | undefined => {
    if (member.exclusion !== undefined) return member.exclusion
    const shared =
      group.engine === 'saturation-v0.5.1'
        ? sharedBy.get(deploymentKey(member.va.namespace, member.va.name))
        : undefined
    return shared === undefined
      ? undefined
      : {kind: 'shared-deployment', deployment: shared.deployment, variantAutoscalings: shared.variantAutoscalings}
  }
  // Members whose state and pods reach the engine (v0.5.1 keeps shared-Deployment VAs as states without pods).
  const analysed = group.members.filter((member) => member.exclusion === undefined)
  const podsOf = new Map<string, PodMetrics[]>()
  for (const assignment of assignments) {
    const {pod, variantName} = assignment
    if (variantName === undefined || pod.namespace !== group.namespace) continue
    if (pod.modelID !== undefined && pod.modelID !== group.modelId) continue
    podsOf.set(`${pod.namespace}\u0000${variantName}`, [
      ...(podsOf.get(`${pod.namespace}\u0000${variantName}`) ?? []),
      pod,
    ])
  }
  const feeds = (member: Member): readonly PodMetrics[] =>
    memberSkip(member) === undefined ? (podsOf.get(`${member.va.namespace}\u0000${member.va.name}`) ?? []) : []
  const replicaMetrics: ReplicaMetric[] = []
  const memberOfPod = new Map<PodMetrics, Member>()
  for (const member of analysed) for (const pod of feeds(member)) memberOfPod.set(pod, member)
  const reporting: {pod: PodMetrics; member: Member}[] = []
  // Collector order: the input pod order.
  for (const assignment of assignments) {
    const member = memberOfPod.get(assignment.pod)
    const {pod} = assignment
    if (member === undefined || (pod.kvCacheUsage === undefined && pod.queueLength === undefined)) continue
    reporting.push({pod, member})
  }
  const scaling = input.load?.get(requestCountKey(group.namespace, group.modelId))
  const load = scaling === undefined ? undefined : applyLoadModel(scaling, reporting)
  const fed = new Map<PodMetrics, PodMetrics>()
  reporting.forEach(({pod, member}, index) => {
    const demand = load?.demands[index]?.demand
    const reading = demand === undefined ? undefined : readingFromDemand(demand, load!.requestsPerKv)
    const scaled =
      reading === undefined ? pod : {...pod, kvCacheUsage: reading.kvCacheUsage, queueLength: reading.queueLength}
    fed.set(pod, scaled)
    replicaMetrics.push({
      podName: pod.name,
      variantName: member.va.name,
      kvCacheUsage: scaled.kvCacheUsage ?? 0,
      queueLength: Math.trunc(scaled.queueLength ?? 0),
      acceleratorName: member.va.acceleratorLabel ?? '',
      cost: parseVariantCost(member.va.variantCost),
    })
  })
  const variantStates = analysed.map((member) => buildVariantState(member.va, member.deployment!))
  const base = {
    key: group.key,
    engine: group.engine,
    modelId: group.modelId,
    namespace: group.namespace,
    variantAutoscalings: group.members.map((member) => member.va.name),
    thresholds: group.thresholds,
    configMap: group.configMap,
    overriddenThresholds: group.overriddenThresholds,
    enableLimiter: group.enableLimiter,
    scaleToZeroConfigMap: group.scaleToZeroConfigMap,
    scaleToZeroPolicy: group.scaleToZeroPolicy,
    load,
  }
  if (group.configSkip !== undefined) {
    const skip = group.configSkip
    return {
      results: group.members.map((member) =>
        emptyResult(member, group.key, memberSkip(member) ?? skip, [
          skipSentence(memberSkip(member) ?? skip, member.va, group, undefined),
        ]),
      ),
      groupResult: {...base, skip, outcome: undefined, engineInput: undefined},
    }
  }
  const groupInput = {
    modelId: group.modelId,
    namespace: group.namespace,
    config: group.thresholds!,
    replicaMetrics,
    variantStates,
  }
  const engineInput: SaturationGroupInput =
    group.engine === 'capacity-v0.4.2'
      ? groupInput
      : {
          ...groupInput,
          scaleToZeroConfig: group.scaleToZeroConfig,
          envWvaScaleToZero: plan.location.env.scaleToZero,
          requestCount: scaleRequestCount(readingFor(input, group.namespace, group.modelId), scaling),
        }
  const outcome: SaturationGroupOutcome =
    group.engine === 'capacity-v0.4.2'
      ? {engine: 'capacity-v0.4.2', result: analyzeCapacityV042(engineInput)}
      : {engine: 'saturation-v0.5.1', result: analyzeSaturationV051(engineInput)}
  const result = outcome.result
  const groupSkip = result.engineSkip === undefined ? undefined : ({kind: 'no-metrics'} as const)
  const model = summarize(group, result)
  const saturation = outcome.engine === 'saturation-v0.5.1' ? outcome.result : undefined
  const capacity = outcome.engine === 'capacity-v0.4.2' ? outcome.result : undefined
  const facts: GroupFacts = {
    engine: group.engine,
    modelId: group.modelId,
    namespace: group.namespace,
    thresholds: group.thresholds!,
    detail: result,
    variantNames: analysed.map((member) => member.va.name),
    scaledVariant: result.scaledVariant,
    transitionReasons: saturation?.transitionReasons ?? [],
    skippedForPendingReplicas: saturation?.skippedForPendingReplicas ?? [],
    preservedVariants: capacity?.preservedVariants ?? [],
    enforcement: saturation?.enforcement,
    scaleToZeroPolicy: saturation?.scaleToZeroPolicy,
    enableLimiter: group.enableLimiter,
  }
  const analyses = new Map(result.analysis.variantAnalyses.map((variant) => [variant.variantName, variant]))
  const decisions = new Map<string, (typeof result.decisions)[number]>(
    result.decisions.map((decision) => [decision.variantName, decision]),
  )
  const assessed = new Map(result.replicas.map((replica) => [replica.podName, replica.isSaturated]))
  const costOf = (name: string): number => analyses.get(name)?.cost ?? defaultVariantCost
  const results = group.members.map((member): SaturationVariantResult => {
    const skip = memberSkip(member)
    const ownPods = (
      member.exclusion === undefined ? (podsOf.get(`${member.va.namespace}\u0000${member.va.name}`) ?? []) : []
    ).map((pod) => podRow(fed.get(pod) ?? pod, skip === undefined ? assessed.get(pod.name) : undefined))
    if (member.exclusion !== undefined)
      return emptyResult(member, group.key, member.exclusion, [
        skipSentence(member.exclusion, member.va, group, undefined),
      ])
    const state = variantStates.find((candidate) => candidate.variantName === member.va.name)!
    const decision = groupSkip === undefined ? decisions.get(member.va.name) : undefined
    const noDecision: SaturationSkip | undefined =
      skip?.kind === 'shared-deployment'
        ? skip
        : (groupSkip ?? (decision === undefined ? {kind: 'variant-no-metrics'} : undefined))
    const guards: SaturationGuards = {
      pendingReplicas: state.pendingReplicas ?? 0,
      modelInTransition: saturation?.modelInTransition ?? false,
      transitionReasons: saturation?.transitionReasons ?? [],
      isSkippedForPending: saturation?.skippedForPendingReplicas.includes(member.va.name) ?? false,
      isDesiredPreserved: capacity?.preservedVariants.includes(member.va.name) ?? false,
    }
    const common = {
      ...emptyResult(member, group.key, noDecision ?? {kind: 'no-metrics'}, []),
      state,
      pods: ownPods,
      model: groupSkip === undefined ? model : undefined,
      guards,
      enforcement: saturation?.enforcement,
    }
    if (noDecision !== undefined || decision === undefined) {
      const why = noDecision ?? {kind: 'variant-no-metrics' as const}
      return {...common, skip: why, sentences: [skipSentence(why, member.va, group, undefined)]}
    }
    const sentences = explainDecision(
      facts,
      {
        name: member.va.name,
        state,
        targetReplicas: decision.targetReplicas,
        action: decision.action,
        reportingPods: analyses.get(member.va.name)?.replicaCount ?? 0,
        cost: costOf(member.va.name),
      },
      costOf,
    )
    // v0.5.1 computes a target for a VA without the accelerator label but never writes it.
    const isUnwritten = group.engine === 'saturation-v0.5.1' && member.va.acceleratorLabel === undefined
    const unwritten: SaturationSkip | undefined = isUnwritten ? {kind: 'no-accelerator-label'} : undefined
    return {
      ...common,
      targetReplicas: isUnwritten ? undefined : decision.targetReplicas,
      computedTargetReplicas: decision.targetReplicas,
      action: decision.action,
      decisionReason: decision.reason,
      analysis: analyses.get(member.va.name),
      skip: unwritten,
      sentences: isUnwritten
        ? [skipSentence(unwritten!, member.va, group, decision.targetReplicas), ...sentences]
        : sentences,
    }
  })
  return {results, groupResult: {...base, skip: groupSkip, outcome, engineInput}}
}

/** The load model's steps 1 and 2 on the group's reporting pods (load-model.ts). */
function applyLoadModel(
  scaling: GroupLoadScaling,
  reporting: readonly {pod: PodMetrics; member: Member}[],
): GroupLoadApplied {
  const observed = reporting.map(({pod}) => ({
    name: pod.name,
    kvCacheUsage: pod.kvCacheUsage ?? 0,
    queueLength: pod.queueLength ?? 0,
  }))
  return {
    ...scaling,
    requestsPerKv: overflowRequestsPerKv(observed, scaling.observedRateRpm),
    demands: observed.map((reading, index) => ({
      variantName: reporting[index]!.member.va.name,
      demand: scaleDemand(reading, scaling.scale),
    })),
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
