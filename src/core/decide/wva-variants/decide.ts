/**
 * What WVA v0.6-v0.9 decides for its variants (VAs of shape D, or annotated HPAs/ScaledObjects): the engine the
 * release selects (`selectSaturationEngine`), then per model the V2 engine's targets (`decideSaturationV2Model`,
 * cost-aware) from the variants, their scale targets and the per-pod readings. v0.9.0 refuses the queueing model
 * (OptimizationRefused: replicas held); v0.6-v0.8 run it only with the learned parameters given
 * (`VariantServiceParms`), which the controller never exports. Pure.
 */
import {field, type KubeObject} from '../../model/kube-object.js'
import type {ModelMetrics, PodMetrics, VariantServiceParms} from '../../model/metrics.js'
import {
  acceleratorOf,
  roleOf,
  targetPodTemplate,
  type WvaRole,
  type WvaVariant,
  type WvaVariantRelease,
} from '../../model/wva-variant.js'
import {parseScaleToZeroConfigMap} from '../saturation/groups/config.js'
import type {RequestCountReading} from '../saturation/scale-to-zero.js'
import {
  resolveSaturationEntry,
  selectSaturationEngine,
  toSaturationV2Config,
  type SaturationEngineSelection,
} from '../saturation-v2/config.js'
import {costAwareOptimizerName, optimizeCostAware} from '../saturation-v2/cost-aware-optimizer.js'
import {decideSaturationV2Model} from '../saturation-v2/engine.js'
import {enforcePolicyOnDecisions, resolveV2ScaleToZeroPolicy} from '../saturation-v2/enforcer.js'
import type {SaturationV2Release} from '../saturation-v2/release.js'
import type {V2Analysis, V2ReplicaMetric, V2VariantInput} from '../saturation-v2/types.js'
import {analyzeQueueingModel, type ServiceParmsV2} from '../queueing-v2/index.js'
import {
  findWvaConfigMap,
  parseQueueingModelConfigMap,
  parseV2SaturationConfigMap,
  resolveQueueingModelEntry,
  type WvaConfigProblem,
} from './config-maps.js'

export const saturationConfigMapBase = 'wva-saturation-scaling-config'
export const queueingConfigMapBase = 'wva-queueing-model-config'
export const scaleToZeroConfigMapBase = 'wva-model-scale-to-zero-config'

export interface WvaDecideInput {
  readonly release: WvaVariantRelease
  readonly variants: readonly WvaVariant[]
  /** Deployments and LeaderWorkerSets (scale targets) of the variants' namespaces. */
  readonly targets: readonly KubeObject[]
  /** The controller's ConfigMaps. */
  readonly configMaps: readonly KubeObject[]
  readonly env?: {readonly saturationConfigMapName?: string | undefined; readonly scaleToZero?: string | undefined}
  /** Per-pod readings; undefined = no metrics at all (offline without a snapshot, or Prometheus failed). */
  readonly pods: readonly PodMetrics[] | undefined
  /** Per-model readings (the EPP scheduler queue). */
  readonly models?: readonly ModelMetrics[] | undefined
  readonly serviceParms?: readonly VariantServiceParms[] | undefined
  /** increase(request_success_total[retention]) per model, when read. */
  readonly requestCounts?: ReadonlyArray<{namespace: string; modelID: string; requests: number}> | undefined
  /** What-ifs: V2's thresholds instead of those the ConfigMap resolves to (every model). */
  readonly thresholds?: {
    readonly scaleUpThreshold?: number | undefined
    readonly scaleDownBoundary?: number | undefined
  }
}

export type WvaEngine = 'saturation-v2' | 'queueing-model' | 'saturation-v1'

export interface WvaCapacitySummary {
  /** Tokens (V2) or requests per second (queueing model). */
  readonly unit: 'tokens' | 'rps'
  readonly supply: number
  readonly demand: number
  readonly utilization: number
  readonly required: number
  readonly spare: number
}

/** Why a variant has no target (`undecided`/`held`): a code, beside the words of `reason`. */
export type WvaCause =
  | 'no-metrics'
  | 'scale-target-not-found'
  | 'unknown-analyzer'
  | 'no-service-parms'
  | 'optimization-refused'
  | 'v1-engine'
  | 'no-decision'

export interface WvaVariantDecision {
  /** Set when there is no target of ours. */
  readonly cause?: WvaCause | undefined
  readonly namespace: string
  readonly name: string
  readonly engine: WvaEngine
  /** `decided`: a target; `held`: the controller keeps the replicas (v0.9 queueing model); `undecided`: none. */
  readonly outcome: 'decided' | 'held' | 'undecided'
  readonly desiredReplicas: number | undefined
  /** The scale target's spec.replicas (undefined when the target is missing). */
  readonly currentReplicas: number | undefined
  readonly readyReplicas: number | undefined
  readonly accelerator: string
  readonly role: WvaRole
  readonly reason: string
  /** One line each, `<what>; <fix>`: the variant's own problems (the row still prints). */
  readonly problems: readonly string[]
  /** The model's capacity (V2: per variant utilization is in `utilization`). */
  readonly capacity: WvaCapacitySummary | undefined
  /** The variant's own demand / capacity, when the engine computed it. */
  readonly utilization: number | undefined
}

export interface WvaDecideResult {
  readonly selection: SaturationEngineSelection
  readonly decisions: readonly WvaVariantDecision[]
  /** ConfigMap entries set aside; they concern no single variant. */
  readonly configProblems: readonly WvaConfigProblem[]
  readonly notes: readonly string[]
}

/** The V2 code line a release runs (v0.7 = v0.6). */
export function v2ReleaseOf(release: WvaVariantRelease): SaturationV2Release {
  return release === 'v0.7' ? 'v0.6' : release
}

const key = (namespace: string, name: string) => `${namespace}\u0000${name}`

interface TargetState {
  readonly object: KubeObject | undefined
  readonly podTemplate: unknown
  readonly current: number | undefined
  readonly ready: number | undefined
}

function targetState(variant: WvaVariant, targets: ReadonlyMap<string, KubeObject>): TargetState {
  const kind = variant.target.kind
  const object = targets.get(`${kind}\u0000${key(variant.namespace, variant.target.name)}`)
  if (object === undefined) return {object, podTemplate: undefined, current: undefined, ready: undefined}
  const replicas = field(object.spec, 'replicas')
  const current = typeof replicas === 'number' ? replicas : 1
  const readyRaw = field(object.status, 'readyReplicas')
  const ready = typeof readyRaw === 'number' ? readyRaw : object.status === undefined ? current : 0
  return {object, podTemplate: targetPodTemplate(object), current, ready}
}

const gpuResources = ['nvidia.com/gpu', 'amd.com/gpu', 'gpu.intel.com/i915', 'habana.ai/gaudi', 'google.com/tpu']

function containersOf(podTemplate: unknown): unknown[] {
  const containers = field(field(podTemplate, 'spec'), 'containers')
  return Array.isArray(containers) ? containers : []
}

function gpusPerReplica(podTemplate: unknown): number {
  let total = 0
  for (const container of containersOf(podTemplate)) {
    const resources = field(container, 'resources')
    const limits = field(resources, 'limits') ?? field(resources, 'requests')
    for (const resource of gpuResources) {
      const value = Number(field(limits, resource) ?? 0)
      if (Number.isFinite(value)) total += value
    }
  }
  return total
}

function engineArgs(podTemplate: unknown): {args: string[] | undefined; image: string | undefined} {
  const containers = containersOf(podTemplate)
  if (podTemplate === undefined) return {args: undefined, image: undefined}
  const args: string[] = []
  let image: string | undefined
  for (const container of containers) {
    for (const part of ['command', 'args']) {
      const list = field(container, part)
      if (Array.isArray(list)) for (const item of list) if (typeof item === 'string') args.push(item)
    }
    const containerImage = field(container, 'image')
    if (image === undefined && typeof containerImage === 'string') image = containerImage
  }
  return {args, image}
}

/** Pods of a variant: those of its scale target (by `deployment`), else those labelled with its variant name. */
function podsOfVariant(variant: WvaVariant, pods: readonly PodMetrics[]): PodMetrics[] {
  const inModel = pods.filter(
    (pod) => pod.namespace === variant.namespace && (pod.modelID === undefined || pod.modelID === variant.modelID),
  )
  const byTarget = inModel.filter((pod) => pod.deployment === variant.target.name)
  if (byTarget.length > 0) return byTarget
  const label = variant.variantLabel ?? variant.name
  return inModel.filter((pod) => pod.deployment === undefined && pod.variant === label)
}

function replicaMetric(variant: WvaVariant, accelerator: string, pod: PodMetrics): V2ReplicaMetric {
  const blocks = pod.numGpuBlocks ?? 0
  const blockSize = pod.blockSize ?? 0
  const hasCacheConfig = pod.numGpuBlocks !== undefined && pod.blockSize !== undefined
  const total = hasCacheConfig ? Math.min(blocks * blockSize, Number.MAX_SAFE_INTEGER) : 0
  const kvCacheUsage = pod.kvCacheUsage ?? 0
  const tokensInUse = hasCacheConfig ? Math.min(Math.max(Math.round(kvCacheUsage * total), 0), total) : 0
  return {
    podName: pod.name,
    variantName: variant.name,
    acceleratorName: accelerator,
    cost: variant.cost,
    kvCacheUsage,
    queueLength: Math.trunc(pod.queueLength ?? 0),
    numGpuBlocks: blocks,
    blockSize,
    totalKvCapacityTokens: total,
    tokensInUse,
    avgInputTokens: pod.avgInputTokens ?? 0,
    avgOutputTokens: pod.avgOutputTokens ?? 0,
    prefixCacheHitRate: pod.prefixCacheHitRate ?? 0,
  }
}

interface Prepared {
  readonly variant: WvaVariant
  readonly target: TargetState
  readonly accelerator: string
  readonly role: WvaRole
  readonly problems: string[]
  readonly pods: PodMetrics[]
}

function undecided(prepared: Prepared, engine: WvaEngine, reason: string, cause?: WvaCause): WvaVariantDecision {
  return {
    cause,
    namespace: prepared.variant.namespace,
    name: prepared.variant.name,
    engine,
    outcome: 'undecided',
    desiredReplicas: undefined,
    currentReplicas: prepared.target.current,
    readyReplicas: prepared.target.ready,
    accelerator: prepared.accelerator,
    role: prepared.role,
    reason,
    problems: prepared.problems,
    capacity: undefined,
    utilization: undefined,
  }
}

/** Every variant's decision (sorted by namespace, then name). */
export function decideWvaVariants(input: WvaDecideInput): WvaDecideResult {
  const release = v2ReleaseOf(input.release)
  const notes: string[] = []
  const saturationConfigMap = findWvaConfigMap(input.configMaps, [
    ...(input.env?.saturationConfigMapName ? [input.env.saturationConfigMapName] : []),
    saturationConfigMapBase,
  ])
  const saturation = parseV2SaturationConfigMap(saturationConfigMap)
  const queueing = parseQueueingModelConfigMap(findWvaConfigMap(input.configMaps, [queueingConfigMapBase]))
  const scaleToZeroMap = findWvaConfigMap(input.configMaps, [scaleToZeroConfigMapBase])
  const scaleToZeroConfig = scaleToZeroMap === undefined ? {} : parseScaleToZeroConfigMap(scaleToZeroMap, '').config
  const selection = selectSaturationEngine({
    globalEntries: saturation.entries,
    queueingModelHasDefault: Object.hasOwn(queueing.entries, 'default'),
    release,
  })
  if (selection.engine !== 'saturation-v1' && selection.optimizer === 'greedy-by-score') {
    notes.push(
      'enableLimiter selects GreedyByScore with GPU limiters; kubectl-va does not read the GPU inventory and decides ' +
        'with the cost-aware optimizer (what v0.8/v0.9 do when no constraint provider answers)',
    )
  }

  const targets = new Map<string, KubeObject>()
  for (const object of input.targets) {
    const kind = object.kind ?? 'Deployment'
    targets.set(`${kind}\u0000${key(object.metadata?.namespace ?? 'default', object.metadata?.name ?? '')}`, object)
  }
  const prepared: Prepared[] = [...input.variants]
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : 1))
    .map((variant) => {
      const target = targetState(variant, targets)
      const problems: string[] = []
      if (target.object === undefined && input.targets.length > 0) {
        problems.push(
          `scale target ${variant.target.kind} ${variant.namespace}/${variant.target.name}: not found; check ` +
            `spec.scaleTargetRef.name, or create the ${variant.target.kind}`,
        )
      }
      return {
        variant,
        target,
        accelerator: acceleratorOf(target.podTemplate, variant.acceleratorLabel, input.release),
        role: roleOf(target.podTemplate, variant.roleAnnotation),
        problems,
        pods: input.pods === undefined ? [] : podsOfVariant(variant, input.pods),
      }
    })

  const decisions: WvaVariantDecision[] = []
  const byModel = new Map<string, Prepared[]>()
  for (const item of prepared) {
    const modelKey = key(item.variant.namespace, item.variant.modelID)
    byModel.set(modelKey, [...(byModel.get(modelKey) ?? []), item])
  }
  for (const group of byModel.values()) {
    decisions.push(...decideModel(group, input, selection, saturation, queueing, scaleToZeroConfig, notes))
  }
  decisions.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : 1))
  return {selection, decisions, configProblems: [...saturation.problems, ...queueing.problems], notes}
}

function decideModel(
  group: readonly Prepared[],
  input: WvaDecideInput,
  selection: SaturationEngineSelection,
  saturation: ReturnType<typeof parseV2SaturationConfigMap>,
  queueing: ReturnType<typeof parseQueueingModelConfigMap>,
  scaleToZeroConfig: ReturnType<typeof parseScaleToZeroConfigMap>['config'],
  notes: string[],
): WvaVariantDecision[] {
  const release = v2ReleaseOf(input.release)
  const first = group[0]!.variant
  const {modelID, namespace} = first
  const engine: WvaEngine = selection.engine
  if (selection.engine === 'saturation-v1') {
    return group.map((item) =>
      undecided(
        item,
        engine,
        'the V1 saturation engine decides this model (no analyzers: in the default entry)',
        'v1-engine',
      ),
    )
  }
  if (selection.engine === 'queueing-model' && input.release === 'v0.9') {
    return group.map((item) => ({
      ...undecided(
        item,
        engine,
        'v0.9.0 refuses the queueing model (OptimizationRefused); replicas held at the last value',
        'optimization-refused',
      ),
      outcome: 'held' as const,
      desiredReplicas: item.variant.desiredReplicas ?? item.target.current,
    }))
  }
  const entryKey = `${modelID}#${namespace}`
  const unknownAnalyzer = Object.hasOwn(saturation.unknownAnalyzers, entryKey)
    ? saturation.unknownAnalyzers[entryKey]
    : Object.hasOwn(saturation.unknownAnalyzers, 'default') && !Object.hasOwn(saturation.entries, entryKey)
      ? saturation.unknownAnalyzers.default
      : undefined
  if (unknownAnalyzer !== undefined) {
    const where = saturation.configMap?.name ?? saturationConfigMapBase
    const problem =
      `${where} entry for ${modelID} names analyzer "${unknownAnalyzer}", which no WVA release has; ` +
      'use saturation (or throughput), or remove it'
    return group.map((item) => ({
      ...undecided(item, engine, `analyzer "${unknownAnalyzer}" cannot be replayed`, 'unknown-analyzer'),
      problems: [...item.problems, problem],
    }))
  }
  const usable = group.filter((item) => item.target.object !== undefined || input.targets.length === 0)
  const left = group.filter((item) => !usable.includes(item))
  const out: WvaVariantDecision[] = left.map((item) =>
    undecided(item, engine, 'scale target not found', 'scale-target-not-found'),
  )
  if (input.pods === undefined) {
    return [
      ...out,
      ...usable.map((item) =>
        undecided(item, engine, 'no metrics (pass a MetricsSnapshot or Prometheus)', 'no-metrics'),
      ),
    ]
  }
  const variants: V2VariantInput[] = usable.map((item) => {
    const {args, image} = engineArgs(item.target.podTemplate)
    const current = item.target.current ?? item.variant.desiredReplicas ?? 0
    return {
      variantName: item.variant.name,
      acceleratorName: item.accelerator,
      currentReplicas: current,
      pendingReplicas: Math.max(current - (item.target.ready ?? current), 0),
      gpusPerReplica: gpusPerReplica(item.target.podTemplate),
      role: item.role,
      minReplicas: item.variant.minReplicas,
      maxReplicas: item.variant.maxReplicas,
      engineArgs: args ?? null,
      engineImage: image ?? null,
    }
  })
  const replicaMetrics = usable.flatMap((item) =>
    item.pods.map((pod) => replicaMetric(item.variant, item.accelerator, pod)),
  )
  const model = input.models?.find((entry) => entry.namespace === namespace && entry.modelID === modelID)
  const resolved = resolveSaturationEntry(saturation.entries, modelID, namespace, release)
  const inlineOf = (entryName: string) => {
    const entry = Object.hasOwn(saturation.entries, entryName) ? saturation.entries[entryName] : undefined
    return entry?.scaleToZero
  }
  const policy = resolveV2ScaleToZeroPolicy({
    modelId: modelID,
    scaleToZeroConfig,
    envWvaScaleToZero: input.env?.scaleToZero,
    inline: release === 'v0.9' ? {defaultEntry: inlineOf('default'), modelEntry: inlineOf(entryKey)} : undefined,
  })
  if (selection.engine === 'queueing-model') {
    return [...out, ...decideQueueingModel(usable, variants, input, queueing, policy.scaleToZeroEnabled)]
  }
  const count = input.requestCounts?.find((entry) => entry.namespace === namespace && entry.modelID === modelID)
  const requestCount: RequestCountReading = count
    ? {kind: 'count', requests: count.requests}
    : {kind: 'error', message: 'request count not read'}
  const decision = decideSaturationV2Model(
    {
      modelId: modelID,
      namespace,
      config: withThresholds(toSaturationV2Config(resolved, release), input.thresholds, notes, modelID, namespace),
      variants,
      replicaMetrics,
      schedulerQueue:
        model?.schedulerQueueSize !== undefined
          ? {queueSize: model.schedulerQueueSize, queueBytes: model.schedulerQueueBytes ?? 0}
          : undefined,
    },
    release,
    {scaleToZero: {scaleToZeroEnabled: policy.scaleToZeroEnabled, requestCount}},
  )
  const capacity: WvaCapacitySummary = {
    unit: 'tokens',
    supply: decision.analysis.totalSupply,
    demand: decision.analysis.totalDemand,
    utilization: decision.analysis.utilization,
    required: decision.analysis.requiredCapacity,
    spare: decision.analysis.spareCapacity,
  }
  for (const item of usable) {
    const target = decision.decisions.find((entry) => entry.variantName === item.variant.name)
    const variantCapacity = decision.analysis.variantCapacities.find((vc) => vc.variantName === item.variant.name)
    if (target === undefined) {
      const why =
        decision.skipped === 'no-metrics'
          ? 'no replica metrics for the model (the controller skips it)'
          : decision.skipped === 'uninformative'
            ? 'no variant of the model has a capacity signal (the controller leaves it alone)'
            : 'the optimizer gave no decision'
      out.push({
        ...undecided(item, engine, why, decision.skipped === 'no-metrics' ? 'no-metrics' : 'no-decision'),
        capacity,
      })
      continue
    }
    const bounded = Math.min(Math.max(target.targetReplicas, item.variant.minReplicas), item.variant.maxReplicas)
    const reason = target.reason + (bounded !== target.targetReplicas ? ` (bounded to ${bounded} by min/max)` : '')
    out.push({
      namespace,
      name: item.variant.name,
      engine,
      outcome: 'decided',
      desiredReplicas: bounded,
      currentReplicas: item.target.current,
      readyReplicas: item.target.ready,
      accelerator: item.accelerator,
      role: item.role,
      reason,
      problems: item.problems,
      capacity,
      utilization: variantCapacity?.utilization,
    })
  }
  return out
}

/**
 * v0.6-v0.8 queueing model: the analyzer sizes each variant from its pods' dispatch rate, tokens and latencies and
 * the variant's learned alpha/beta/gamma; its required and spare capacity (requests per second) then go through the
 * release's cost-aware optimizer and the scale-to-zero enforcer, as V2's tokens do.
 */
function decideQueueingModel(
  usable: readonly Prepared[],
  variants: readonly V2VariantInput[],
  input: WvaDecideInput,
  queueing: ReturnType<typeof parseQueueingModelConfigMap>,
  scaleToZeroEnabled: boolean,
): WvaVariantDecision[] {
  const engine: WvaEngine = 'queueing-model'
  const first = usable[0]
  if (first === undefined) return []
  const {modelID, namespace} = first.variant
  const parms = new Map<string, ServiceParmsV2>()
  for (const item of usable) {
    const found = input.serviceParms?.find(
      (entry) => entry.namespace === item.variant.namespace && entry.variant === item.variant.name,
    )
    if (found !== undefined) parms.set(item.variant.name, {alpha: found.alpha, beta: found.beta, gamma: found.gamma})
  }
  if (parms.size === 0) {
    return usable.map((item) =>
      undecided(
        item,
        engine,
        'the queueing model needs the alpha/beta/gamma the controller learns and never exports; give them in a ' +
          'MetricsSnapshot serviceParms entry (kubectl va fit estimates them)',
        'no-service-parms',
      ),
    )
  }
  const config = resolveQueueingModelEntry(queueing.entries, modelID, namespace)
  const replicaMetrics = usable.flatMap((item) =>
    item.pods.map((pod) => ({
      variantName: item.variant.name,
      acceleratorName: item.accelerator,
      cost: item.variant.cost,
      arrivalRateRps: pod.arrivalRate ?? 0,
      avgInputTokens: pod.avgInputTokens ?? 0,
      avgOutputTokens: pod.avgOutputTokens ?? 0,
      avgTTFTSeconds: (pod.ttftMs ?? 0) / 1000,
      avgITLSeconds: (pod.itlMs ?? 0) / 1000,
      maxBatchSize: 0,
    })),
  )
  const analysis = analyzeQueueingModel({
    modelId: modelID,
    namespace,
    replicaMetrics,
    variantStates: variants.map((variant) => ({
      variantName: variant.variantName,
      currentReplicas: variant.currentReplicas,
      pendingReplicas: variant.pendingReplicas,
      role: variant.role,
    })),
    serviceParmsByVariant: parms,
    configuredSLOTarget:
      config.slo === undefined ? undefined : {targetTTFTMs: config.slo.ttftMs, targetITLMs: config.slo.itlMs},
    ...(config.sloMultiplier === undefined ? {} : {sloMultiplier: config.sloMultiplier}),
  })
  if (!analysis.ok) return usable.map((item) => undecided(item, engine, analysis.error, 'no-decision'))
  const capacity: WvaCapacitySummary = {
    unit: 'rps',
    supply: analysis.totalSupplyRps,
    demand: analysis.totalDemandRps,
    utilization: analysis.utilization,
    required: analysis.requiredCapacityRps,
    spare: analysis.spareCapacityRps,
  }
  // Upstream hands the analysis to the same cost-aware optimizer and enforcer as V2 (engine_queueing_model.go),
  // capacities in requests per second instead of tokens.
  const v2Analysis: V2Analysis = {
    analyzerName: 'saturation-token-based',
    totalSupply: analysis.totalSupplyRps,
    totalDemand: analysis.totalDemandRps,
    totalAnticipatedSupply: analysis.totalSupplyRps,
    utilization: analysis.utilization,
    requiredCapacity: analysis.requiredCapacityRps,
    spareCapacity: analysis.spareCapacityRps,
    roleCapacities: undefined,
    variantCapacities: analysis.variantCapacities.map((vc) => ({
      variantName: vc.variantName,
      acceleratorName: vc.acceleratorName,
      cost: vc.cost,
      role: vc.role,
      replicaCount: vc.replicaCount,
      pendingReplicas: vc.pendingReplicas,
      perReplicaCapacity: vc.perReplicaCapacityRps,
      totalCapacity: vc.totalCapacityRps,
      totalDemand: vc.totalDemandRps,
      utilization: vc.utilization,
      reason: undefined,
    })),
  }
  const release = v2ReleaseOf(input.release)
  const optimized = optimizeCostAware(modelID, namespace, v2Analysis, variants, release)
  const count = input.requestCounts?.find((entry) => entry.namespace === namespace && entry.modelID === modelID)
  const enforced = enforcePolicyOnDecisions({
    decisions: optimized.decisions,
    scaleToZeroEnabled: scaleToZeroEnabled,
    requestCount: count
      ? {kind: 'count', requests: count.requests}
      : {kind: 'error', message: 'request count not read'},
    optimizerName: costAwareOptimizerName,
    release,
  })
  return usable.map((item) => {
    const decision = enforced.decisions.find((entry) => entry.variantName === item.variant.name)
    const vc = analysis.variantCapacities.find((entry) => entry.variantName === item.variant.name)
    if (decision === undefined || !parms.has(item.variant.name)) {
      return {...undecided(item, engine, 'no alpha/beta/gamma for this variant', 'no-service-parms'), capacity}
    }
    const target = Math.min(Math.max(decision.targetReplicas, item.variant.minReplicas), item.variant.maxReplicas)
    return {
      namespace,
      name: item.variant.name,
      engine,
      outcome: 'decided' as const,
      desiredReplicas: target,
      currentReplicas: item.target.current,
      readyReplicas: item.target.ready,
      accelerator: item.accelerator,
      role: item.role,
      reason: decision.reason,
      problems: item.problems,
      capacity,
      utilization: vc?.utilization,
    }
  })
}

/**
 * The V2 thresholds under the what-ifs. A pair where scaling up does not sit above scaling down is refused (the
 * controller would not run it either): the ConfigMap's thresholds stay, with a note.
 */
function withThresholds(
  config: ReturnType<typeof toSaturationV2Config>,
  thresholds: WvaDecideInput['thresholds'],
  notes: string[],
  modelID: string,
  namespace: string,
): ReturnType<typeof toSaturationV2Config> {
  if (thresholds?.scaleUpThreshold === undefined && thresholds?.scaleDownBoundary === undefined) return config
  const up = thresholds.scaleUpThreshold ?? config.scaleUpThreshold
  const down = thresholds.scaleDownBoundary ?? config.scaleDownBoundary
  if (up !== undefined && down !== undefined && up <= down) {
    notes.push(
      `model ${modelID} in ${namespace}: the scale-up threshold ${up} is not above the scale-down boundary ${down}; ` +
        'decided with the ConfigMap thresholds; pass --scale-up-threshold above --scale-down-boundary',
    )
    return config
  }
  return {...config, scaleUpThreshold: up, scaleDownBoundary: down}
}
