/**
 * Saturation V2 analyzer (upstream internal/engines/analyzers/saturation_v2 analyzer.go, capacity_store.go,
 * history.go, and internal/engines/aggregation) plus the engine's pre-population of the capacity store from the scale
 * targets (engine_v2.go `runV2AnalysisOnly`) and the RC/SC threshold step (`applyUniversalThreshold`; inside the
 * analyzer at v0.6, same formula). Spec: ../shared/reference/saturation-v2-algorithm.md sections 0-4.
 *
 * Every call starts from a fresh capacity store and k2 history, as one cycle of a freshly started controller (and
 * the golden harness) does. Cross-cycle history is not modelled.
 */
import {isCapacityCompatible, parseEngineParams, type EngineParams} from './engine-params.js'
import {addInt64, divideInt64, int64FromFloat, multiplyInt64} from './int64.js'
import {behaviourOf, type ReleaseBehaviour, type SaturationV2Release} from './release.js'
import {goSortSlice} from './go-sort.js'
import {
  canonicalRole,
  compareGoStrings,
  roleBoth,
  roleDecode,
  rolePrefill,
  type K2Source,
  type ReplicaCapacity,
  type RoleCapacity,
  type SaturationV2Config,
  type SchedulerQueue,
  type V2Analysis,
  type V2ModelInput,
  type V2ReplicaMetric,
  type V2VariantInput,
  type VariantCapacity,
  type VariantCapacityReason,
} from './types.js'

/** Upstream `RollingAverageWindowSize`: k2 samples kept per history key. */
export const rollingAverageWindowSize = 10
/** Upstream `BytesPerToken`: queued prompt bytes per token. */
export const bytesPerToken = 4
/** Output-length buckets of the k2 history key (tokens; upper bounds exclusive). */
export const shortOutputThreshold = 100
export const mediumOutputThreshold = 500
/** Input bounds: a model with more rows or variants than this is a bad input, not a workload. */
export const maxReplicaMetrics = 100_000
export const maxVariants = 10_000

type LearnedFrom = 'live' | 'deployment'

/** Upstream `CapacityRecord`. Tokens. */
interface CapacityRecord {
  readonly acceleratorName: string
  readonly gpuCount: number
  readonly totalKvCapacityTokens: number
  readonly effectiveCapacity: number
  readonly engineParams: EngineParams | undefined
  readonly learnedFrom: LearnedFrom
}

/**
 * Upstream `CapacityKnowledgeStore` for one model in one cycle (the key's namespace and model are fixed, so records
 * are keyed by variant). Insertion order stands in for Go's random map order in `findCompatible` (see there).
 */
class CapacityStore {
  private readonly records = new Map<string, CapacityRecord>()

  get(variantName: string): CapacityRecord | undefined {
    return this.records.get(variantName)
  }

  update(variantName: string, record: CapacityRecord): void {
    this.records.set(variantName, record)
  }

  /** Mirrors `LoadFromScaleTarget`: never overwrites a live record. */
  loadFromScaleTarget(variantName: string, acceleratorName: string, gpuCount: number, params: EngineParams): void {
    if (this.records.get(variantName)?.learnedFrom === 'live') return
    let totalKvCapacityTokens = 0
    if (params.numGpuBlocksOverride > 0) {
      totalKvCapacityTokens = multiplyInt64(params.numGpuBlocksOverride, params.blockSize)
    } else if (params.totalKvTokensOverride > 0) totalKvCapacityTokens = params.totalKvTokensOverride
    this.records.set(variantName, {
      acceleratorName,
      gpuCount,
      totalKvCapacityTokens,
      effectiveCapacity: Math.max(params.effectiveMaxBatchedTokens, 0),
      engineParams: params,
      learnedFrom: 'deployment',
    })
  }

  /**
   * Mirrors `FindCompatible`: same accelerator and GPU count, compatible params, some capacity; a live record beats
   * a deployment one. Upstream ranges over a Go map, so among several live (or several deployment) matches the
   * pick is random; this port takes the first in insertion order. Compatible deployment records always carry the
   * same capacity (EMBT is part of compatibility), so only several live matches with different capacities differ.
   */
  findCompatible(acceleratorName: string, gpuCount: number, params: EngineParams): CapacityRecord | undefined {
    let best: CapacityRecord | undefined
    for (const record of this.records.values()) {
      if (record.acceleratorName !== acceleratorName || record.gpuCount !== gpuCount) continue
      if (record.engineParams === undefined || !isCapacityCompatible(record.engineParams, params)) continue
      if (record.effectiveCapacity <= 0 && record.totalKvCapacityTokens <= 0) continue
      if (best === undefined || (best.learnedFrom !== 'live' && record.learnedFrom === 'live')) best = record
    }
    return best
  }
}

/** Upstream `rollingAverage` per history key, for one cycle. */
class K2History {
  private readonly samples = new Map<string, number[]>()

  add(key: string, value: number): void {
    const values = this.samples.get(key) ?? []
    if (values.length >= rollingAverageWindowSize) values.shift()
    values.push(value)
    this.samples.set(key, values)
  }

  average(key: string): number {
    const values = this.samples.get(key)
    if (values === undefined || values.length === 0) return 0
    let sum = 0
    for (const value of values) sum += value
    return sum / values.length
  }
}

/** Mirrors `classifyOutputLength`. */
export function classifyOutputLength(avgOutputTokens: number): 'short' | 'medium' | 'long' {
  if (avgOutputTokens < shortOutputThreshold) return 'short'
  if (avgOutputTokens < mediumOutputThreshold) return 'medium'
  return 'long'
}

/** Mirrors `estimateCapacityFromParams`: n = min(B*O/(I+O), S); k2 = int64(n*(I+O/2)) when > 0, else 0. */
export function estimateCapacityFromParams(
  params: EngineParams | undefined,
  avgInputTokens: number,
  avgOutputTokens: number,
): number {
  if (params === undefined || params.effectiveMaxBatchedTokens <= 0 || avgOutputTokens <= 0) return 0
  const batchTokens = params.effectiveMaxBatchedTokens
  const maxSeqs = params.maxNumSeqs
  let steadySeqs = (batchTokens * avgOutputTokens) / (avgInputTokens + avgOutputTokens)
  if (steadySeqs > maxSeqs) steadySeqs = maxSeqs
  const derived = int64FromFloat(steadySeqs * (avgInputTokens + avgOutputTokens / 2))
  return Math.max(derived, 0)
}

/**
 * Tokens charged for a replica's local waiting queue. v0.9 `waitingQueueDemand`: queue x (avgIn + avgOut) in float64,
 * input only for prefill, 0 unless 0 < x < 2^63. v0.6/v0.8: `int64(queueLength) * int64(avgIn)` when avgIn > 0, for
 * every role (a negative queue length charges negatively there).
 */
export function waitingQueueDemand(metric: V2ReplicaMetric, role: string, behaviour: ReleaseBehaviour): number {
  switch (behaviour.queueCharge) {
    case 'truncated-input':
      return metric.avgInputTokens > 0
        ? multiplyInt64(Math.trunc(metric.queueLength), int64FromFloat(metric.avgInputTokens))
        : 0
    case 'role-aware': {
      if (metric.queueLength <= 0) return 0
      let tokensPerRequest = metric.avgInputTokens
      if (canonicalRole(role) !== rolePrefill) tokensPerRequest += metric.avgOutputTokens
      const demand = metric.queueLength * tokensPerRequest
      if (!(demand > 0) || demand >= 2 ** 63) return 0
      return int64FromFloat(demand)
    }
  }
}

interface LiveReplica {
  readonly podName: string
  readonly variantName: string
  readonly acceleratorName: string
  readonly tokensInUse: number
  readonly totalKvCapacityTokens: number
  readonly k1: number
  readonly k2: number
  readonly k2Source: K2Source
  readonly effectiveCapacity: number
  readonly isSaturated: boolean
  readonly replicaDemand: number
}

interface AnalyzerState {
  readonly modelId: string
  readonly config: SaturationV2Config
  readonly behaviour: ReleaseBehaviour
  readonly store: CapacityStore
  readonly history: K2History
}

/** Mirrors `computeK2`: observed, historical, derived from params, else k1. */
function computeK2(
  state: AnalyzerState,
  metric: V2ReplicaMetric,
  gpuCount: number,
  engineParams: EngineParams | undefined,
  k1: number,
): {readonly k2: number; readonly source: K2Source} {
  const bucket = classifyOutputLength(metric.avgOutputTokens)
  const historyKey = state.behaviour.historyKeyHasGpuCount
    ? `${state.modelId}|${metric.acceleratorName}|${gpuCount}|${bucket}`
    : `${state.modelId}|${metric.acceleratorName}|${bucket}`
  // Go: `queueLen >= int(queueThreshold)`, the threshold truncated toward zero.
  if (metric.queueLength >= int64FromFloat(state.config.queueLengthThreshold) && metric.tokensInUse > 0) {
    state.history.add(historyKey, metric.tokensInUse)
    return {k2: metric.tokensInUse, source: 'P1-obs'}
  }
  const historical = state.history.average(historyKey)
  if (historical > 0) return {k2: int64FromFloat(historical), source: 'P2-hist'}
  const derived = estimateCapacityFromParams(engineParams, metric.avgInputTokens, metric.avgOutputTokens)
  if (derived > 0) return {k2: derived, source: 'P3-k2'}
  return {k2: k1, source: 'P4-k1'}
}

/** Mirrors `computeReplicaCapacity` (and its fallback); undefined = the replica is dropped. */
function computeReplicaCapacity(
  state: AnalyzerState,
  metric: V2ReplicaMetric,
  gpuCount: number,
  role: string,
): LiveReplica | undefined {
  const {config, store, behaviour} = state
  if (metric.totalKvCapacityTokens <= 0) {
    // Fallback without cache_config_info: the store record's capacity, demand from the KV fraction.
    const record = store.get(metric.variantName)
    if (record === undefined || record.effectiveCapacity <= 0) return undefined
    const capacity = int64FromFloat(record.effectiveCapacity * config.kvCacheThreshold)
    if (capacity <= 0) return undefined
    const demand = addInt64(int64FromFloat(metric.kvCacheUsage * capacity), waitingQueueDemand(metric, role, behaviour))
    return {
      podName: metric.podName,
      variantName: metric.variantName,
      acceleratorName: metric.acceleratorName,
      tokensInUse: demand,
      totalKvCapacityTokens: capacity,
      k1: capacity,
      k2: capacity,
      k2Source: 'P4-k1',
      effectiveCapacity: capacity,
      isSaturated: demand >= capacity,
      replicaDemand: demand,
    }
  }
  const demand = addInt64(metric.tokensInUse, waitingQueueDemand(metric, role, behaviour))
  const k1 = int64FromFloat(metric.totalKvCapacityTokens * config.kvCacheThreshold)
  const existing = store.get(metric.variantName)
  const {k2, source} = computeK2(state, metric, gpuCount, existing?.engineParams, k1)
  const effectiveCapacity = Math.min(k2, k1)
  store.update(metric.variantName, {
    acceleratorName: metric.acceleratorName,
    gpuCount,
    totalKvCapacityTokens: metric.totalKvCapacityTokens,
    effectiveCapacity,
    engineParams: existing?.engineParams,
    learnedFrom: 'live',
  })
  return {
    podName: metric.podName,
    variantName: metric.variantName,
    acceleratorName: metric.acceleratorName,
    tokensInUse: metric.tokensInUse,
    totalKvCapacityTokens: metric.totalKvCapacityTokens,
    k1,
    k2,
    k2Source: source,
    effectiveCapacity,
    isSaturated: demand >= effectiveCapacity,
    replicaDemand: demand,
  }
}

/** Mirrors `median` over int64: the mean of the two middle values (truncated) for an even count. */
export function medianInt64(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = goSortSlice(values, (left, right) => left < right)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length % 2 === 0) return divideInt64(addInt64(sorted[middle - 1]!, sorted[middle]!), 2)
  return sorted[middle]!
}

/** Mirrors `k2SourceLabel`: the label of the lower-median replica by effective capacity. */
function k2SourceLabel(replicas: readonly LiveReplica[]): K2Source {
  const sorted = goSortSlice(replicas, (left, right) => left.effectiveCapacity < right.effectiveCapacity)
  return sorted[Math.floor((sorted.length - 1) / 2)]!.k2Source
}

/** Mirrors `computeModelWorkloadAverages`: over rows with some token average. */
export function computeModelWorkloadAverages(metrics: readonly V2ReplicaMetric[]): {
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
  readonly avgHitRate: number
} {
  let avgInputTokens = 0
  let avgOutputTokens = 0
  let avgHitRate = 0
  let count = 0
  for (const metric of metrics) {
    if (metric.avgInputTokens > 0 || metric.avgOutputTokens > 0) {
      avgInputTokens += metric.avgInputTokens
      avgOutputTokens += metric.avgOutputTokens
      avgHitRate += metric.prefixCacheHitRate
      count++
    }
  }
  if (count > 0) {
    avgInputTokens /= count
    avgOutputTokens /= count
    avgHitRate /= count
  }
  return {avgInputTokens, avgOutputTokens, avgHitRate}
}

/** Mirrors `estimateStoredCapacity` for a variant without live replicas. Tokens. */
function estimateStoredCapacity(
  state: AnalyzerState,
  record: CapacityRecord,
  averages: ReturnType<typeof computeModelWorkloadAverages>,
): number {
  if (record.learnedFrom === 'live') return record.effectiveCapacity
  if (record.engineParams !== undefined && averages.avgOutputTokens > 0) {
    const derived = estimateCapacityFromParams(record.engineParams, averages.avgInputTokens, averages.avgOutputTokens)
    if (derived > 0) {
      let bounded = derived
      const threshold = state.config.kvCacheThreshold
      if (record.totalKvCapacityTokens > 0 && threshold > 0) {
        const k1 = int64FromFloat(record.totalKvCapacityTokens * threshold)
        if (k1 > 0 && k1 < bounded) bounded = k1
      }
      const compatible = state.store.findCompatible(record.acceleratorName, record.gpuCount, record.engineParams)
      const isLiveBound = compatible?.learnedFrom === 'live' && compatible.effectiveCapacity > 0
      if (isLiveBound && compatible.effectiveCapacity < bounded) bounded = compatible.effectiveCapacity
      return bounded
    }
  }
  return record.effectiveCapacity
}

/** Mirrors `aggregateByVariant`: one entry per variant state, in state order. */
function aggregateByVariant(
  state: AnalyzerState,
  replicas: readonly LiveReplica[],
  metrics: readonly V2ReplicaMetric[],
  variants: readonly V2VariantInput[],
): VariantCapacity[] {
  const byVariant = new Map<string, LiveReplica[]>()
  for (const replica of replicas) {
    const list = byVariant.get(replica.variantName) ?? []
    list.push(replica)
    byVariant.set(replica.variantName, list)
  }
  const firstRow = new Map<string, V2ReplicaMetric>()
  for (const metric of metrics) if (!firstRow.has(metric.variantName)) firstRow.set(metric.variantName, metric)
  const averages = computeModelWorkloadAverages(metrics)
  const fromRows = state.behaviour.replicaCountFromRows
  return variants.map((variant): VariantCapacity => {
    const rows = byVariant.get(variant.variantName) ?? []
    let acceleratorName = firstRow.get(variant.variantName)?.acceleratorName ?? ''
    const cost = firstRow.get(variant.variantName)?.cost ?? 0
    const readyCount = Math.max(0, variant.currentReplicas - variant.pendingReplicas)
    let replicaCount = readyCount
    let pendingReplicas = variant.pendingReplicas
    let perReplicaCapacity = 0
    let totalDemand = 0
    let reason: VariantCapacityReason
    const ownRecord = state.store.get(variant.variantName)
    if (rows.length > 0) {
      for (const row of rows) totalDemand += row.replicaDemand
      perReplicaCapacity = medianInt64(rows.map((row) => row.effectiveCapacity))
      if (fromRows) {
        // v0.9: rows are engine instances (DP ranks); pending is converted to the same unit.
        replicaCount = rows.length
        if (readyCount > 0) {
          const instancesPerUnit = Math.floor(rows.length / readyCount)
          if (instancesPerUnit > 1) pendingReplicas = variant.pendingReplicas * instancesPerUnit
        }
      }
      if (acceleratorName === '') acceleratorName = rows[0]!.acceleratorName
      reason = k2SourceLabel(rows)
    } else if (ownRecord !== undefined && ownRecord.effectiveCapacity > 0) {
      perReplicaCapacity = estimateStoredCapacity(state, ownRecord, averages)
      reason = 'P0-store'
    } else {
      // lookupCompatibleCapacity: needs the variant's own (deployment) params.
      const compatible =
        ownRecord?.engineParams === undefined
          ? undefined
          : state.store.findCompatible(acceleratorName, variant.gpusPerReplica, ownRecord.engineParams)
      if (compatible !== undefined) {
        perReplicaCapacity = compatible.effectiveCapacity
        reason = 'P0-store'
      } else reason = 'no-data'
    }
    const totalCapacity = replicaCount * perReplicaCapacity
    return {
      variantName: variant.variantName,
      acceleratorName,
      cost,
      role: variant.role,
      replicaCount,
      pendingReplicas,
      perReplicaCapacity,
      totalCapacity,
      totalDemand,
      utilization: totalCapacity > 0 ? totalDemand / totalCapacity : 0,
      reason: state.behaviour.hasVariantReasons ? reason : undefined,
    }
  })
}

/** Mirrors `estimateSchedulerQueueDemand`. Tokens. */
export function estimateSchedulerQueueDemand(
  queue: SchedulerQueue | undefined,
  metrics: readonly V2ReplicaMetric[],
  activeRoles: ReadonlySet<string>,
): {readonly total: number; readonly byRole: ReadonlyMap<string, number>} {
  if (queue === undefined || (queue.queueSize === 0 && queue.queueBytes === 0)) return {total: 0, byRole: new Map()}
  const averages = computeModelWorkloadAverages(metrics)
  const fromBytes = queue.queueBytes / bytesPerToken
  const fromCount = queue.queueSize * averages.avgInputTokens
  let inputTokens = fromBytes
  if (fromCount > inputTokens) inputTokens = fromCount
  inputTokens *= 1 - averages.avgHitRate
  const outputTokens = queue.queueSize * averages.avgOutputTokens
  const total = inputTokens + outputTokens
  const byRole = new Map<string, number>()
  for (const role of activeRoles) {
    if (role === rolePrefill) byRole.set(rolePrefill, inputTokens)
    else if (role === roleDecode) byRole.set(roleDecode, inputTokens + outputTokens)
    else byRole.set(role, total)
  }
  return {total, byRole}
}

/** RC = max(0, D/up - anticipated) and SC = max(0, S - D/down); a threshold <= 0 leaves the signal at 0. */
export function applyUniversalThreshold(
  totals: {readonly totalDemand: number; readonly totalSupply: number; readonly totalAnticipatedSupply: number},
  scaleUpThreshold: number,
  scaleDownBoundary: number,
): {readonly requiredCapacity: number; readonly spareCapacity: number} {
  let requiredCapacity = 0
  let spareCapacity = 0
  if (scaleUpThreshold > 0) {
    requiredCapacity = totals.totalDemand / scaleUpThreshold - totals.totalAnticipatedSupply
    if (requiredCapacity < 0) requiredCapacity = 0
  }
  if (scaleDownBoundary > 0) {
    spareCapacity = totals.totalSupply - totals.totalDemand / scaleDownBoundary
    if (spareCapacity < 0) spareCapacity = 0
  }
  return {requiredCapacity, spareCapacity}
}

/** Mirrors `aggregateByRole` (+ `AggregateByRole` and the threshold step per role); undefined without P/D roles. */
function aggregateByRole(
  variantCapacities: readonly VariantCapacity[],
  queueDemandByRole: ReadonlyMap<string, number>,
  config: SaturationV2Config,
): Record<string, RoleCapacity> | undefined {
  if (!variantCapacities.some((variant) => variant.role !== '' && variant.role !== roleBoth)) return undefined
  const totals = new Map<string, {totalSupply: number; totalAnticipatedSupply: number; totalDemand: number}>()
  for (const variant of variantCapacities) {
    const role = canonicalRole(variant.role)
    const entry = totals.get(role) ?? {totalSupply: 0, totalAnticipatedSupply: 0, totalDemand: 0}
    entry.totalSupply += variant.replicaCount * variant.perReplicaCapacity
    entry.totalAnticipatedSupply += (variant.replicaCount + variant.pendingReplicas) * variant.perReplicaCapacity
    entry.totalDemand += variant.totalDemand
    totals.set(role, entry)
  }
  for (const [role, demand] of queueDemandByRole) {
    const entry = totals.get(role)
    if (entry !== undefined) entry.totalDemand += demand
  }
  const roles = [...totals.keys()].sort(compareGoStrings)
  const result: Record<string, RoleCapacity> = {}
  for (const role of roles) {
    const entry = totals.get(role)!
    const signals = applyUniversalThreshold(entry, config.scaleUpThreshold, config.scaleDownBoundary)
    Object.defineProperty(result, role, {value: {role, ...entry, ...signals}, enumerable: true, writable: false})
  }
  return result
}

/** The analysis plus the per-replica breakdown (in metric order). */
export interface V2AnalyzeResult {
  readonly replicaCapacities: readonly ReplicaCapacity[]
  readonly analysis: V2Analysis
}

function checkBounds(input: V2ModelInput): void {
  const rows = input.replicaMetrics?.length ?? 0
  const variants = input.variants?.length ?? 0
  if (rows > maxReplicaMetrics) {
    throw new RangeError(`saturation V2: ${rows} replica metrics, at most ${maxReplicaMetrics}`)
  }
  if (variants > maxVariants) throw new RangeError(`saturation V2: ${variants} variants, at most ${maxVariants}`)
}

/**
 * One V2 analysis of one model: store pre-population from each variant's engine args, `Analyze`, then the RC/SC
 * threshold step. Pure: fresh store and history per call. The analyzer uses `schedulerQueue` at every release; the
 * v0.6 engine never hands it over (see `decideSaturationV2Model`).
 */
export function analyzeSaturationV2(input: V2ModelInput, release: SaturationV2Release): V2AnalyzeResult {
  checkBounds(input)
  const behaviour = behaviourOf(release)
  const variants = input.variants ?? []
  const metrics = input.replicaMetrics ?? []
  const state: AnalyzerState = {
    modelId: input.modelId,
    config: input.config,
    behaviour,
    store: new CapacityStore(),
    history: new K2History(),
  }
  for (const variant of variants) {
    if (variant.engineArgs === null || variant.engineArgs === undefined) continue
    const params = parseEngineParams(
      [{commandAndArgs: variant.engineArgs, image: variant.engineImage ?? undefined}],
      behaviour.detectsSglang,
    )
    state.store.loadFromScaleTarget(variant.variantName, variant.acceleratorName, variant.gpusPerReplica, params)
  }
  // Go map lookups: a later duplicate state wins; an unknown variant reads 0 GPUs and role "".
  const gpusByVariant = new Map(variants.map((variant) => [variant.variantName, variant.gpusPerReplica]))
  const roleByVariant = new Map(variants.map((variant) => [variant.variantName, variant.role]))
  const live: LiveReplica[] = []
  const replicaCapacities = metrics.map((metric): ReplicaCapacity => {
    const gpuCount = gpusByVariant.get(metric.variantName) ?? 0
    const replica = computeReplicaCapacity(state, metric, gpuCount, roleByVariant.get(metric.variantName) ?? '')
    if (replica === undefined) return {podName: metric.podName, variantName: metric.variantName, dropped: true}
    live.push(replica)
    return {...replica, dropped: false}
  })
  const variantCapacities = aggregateByVariant(state, live, metrics, variants)
  let totalSupply = 0
  let totalAnticipatedSupply = 0
  let totalDemand = 0
  for (const variant of variantCapacities) totalSupply += variant.replicaCount * variant.perReplicaCapacity
  for (const variant of variantCapacities) {
    totalAnticipatedSupply += (variant.replicaCount + variant.pendingReplicas) * variant.perReplicaCapacity
  }
  for (const variant of variantCapacities) totalDemand += variant.totalDemand
  const activeRoles = new Set(variantCapacities.map((variant) => canonicalRole(variant.role)))
  const queueDemand = estimateSchedulerQueueDemand(input.schedulerQueue ?? undefined, metrics, activeRoles)
  totalDemand += queueDemand.total
  const totals = {totalSupply, totalDemand, totalAnticipatedSupply}
  const signals = applyUniversalThreshold(totals, input.config.scaleUpThreshold, input.config.scaleDownBoundary)
  return {
    replicaCapacities,
    analysis: {
      analyzerName: 'saturation-token-based',
      ...totals,
      utilization: totalSupply > 0 ? totalDemand / totalSupply : 0,
      ...signals,
      roleCapacities: aggregateByRole(variantCapacities, queueDemand.byRole, input.config),
      variantCapacities,
    },
  }
}
