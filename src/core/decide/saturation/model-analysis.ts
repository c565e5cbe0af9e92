/**
 * Per-replica saturation and the model analysis shared by capacity v0.4.2 (`AnalyzeModelCapacity`) and saturation
 * V1 v0.5.1 (`AnalyzeModelSaturation`). Spec: saturation-algorithm.md section 2. Every sum runs in the order the
 * note gives: results are compared with the golden vectors bit for bit.
 */
import {formatGoFixed} from '../queueing/go-format.js'
import type {
  CapacityAnalysisV042,
  ModelSaturationAnalysis,
  ReplicaMetric,
  SaturationThresholds,
  VariantSaturationAnalysis,
} from './types.js'

/** Both engines need this many non-saturated pods before they consider removing one. */
export const minNonSaturatedReplicasForScaleDown = 2

/** Where one pod stands against the thresholds. */
export interface ReplicaAssessment {
  readonly podName: string
  readonly variantName: string
  readonly isSaturated: boolean
  /** kvT - kv (KV fraction); only meaningful, and only summed, when the pod is not saturated. */
  readonly spareKvCapacity: number
  /** qT - queue (waiting requests); only meaningful when the pod is not saturated. */
  readonly spareQueueLength: number
}

/** A pod is saturated iff kv >= kvT or queue >= qT (both inclusive, as upstream). */
export function assessReplica(metric: ReplicaMetric, thresholds: SaturationThresholds): ReplicaAssessment {
  const isSaturated =
    metric.kvCacheUsage >= thresholds.kvCacheThreshold || metric.queueLength >= thresholds.queueLengthThreshold
  return {
    podName: metric.podName,
    variantName: metric.variantName,
    isSaturated,
    spareKvCapacity: thresholds.kvCacheThreshold - metric.kvCacheUsage,
    spareQueueLength: thresholds.queueLengthThreshold - metric.queueLength,
  }
}

/**
 * Groups pods by variant in first-appearance order. Upstream ranges over a Go map (random order), which only moves
 * the model averages in the last bits; the golden `expected` values use this order.
 */
export function groupByVariant(metrics: readonly ReplicaMetric[]): ReadonlyMap<string, readonly ReplicaMetric[]> {
  const groups = new Map<string, ReplicaMetric[]>()
  for (const metric of metrics) {
    const group = groups.get(metric.variantName)
    if (group === undefined) groups.set(metric.variantName, [metric])
    else group.push(metric)
  }
  return groups
}

/** Mirrors upstream `analyzeVariant` (the same in both versions). `pods` is non-empty and in pod order. */
export function analyzeVariant(
  variantName: string,
  pods: readonly ReplicaMetric[],
  thresholds: SaturationThresholds,
): VariantSaturationAnalysis {
  const saturatedReplicas: string[] = []
  let totalSpareKv = 0
  let totalSpareQueue = 0
  let nonSaturatedCount = 0
  let maxKvCacheUsage = 0
  let maxQueueLength = 0
  for (const pod of pods) {
    const assessment = assessReplica(pod, thresholds)
    if (assessment.isSaturated) {
      saturatedReplicas.push(pod.podName)
    } else {
      totalSpareKv += assessment.spareKvCapacity
      totalSpareQueue += assessment.spareQueueLength
      nonSaturatedCount++
    }
    if (pod.kvCacheUsage > maxKvCacheUsage) maxKvCacheUsage = pod.kvCacheUsage
    if (pod.queueLength > maxQueueLength) maxQueueLength = pod.queueLength
  }
  const first = pods[0]!
  return {
    variantName,
    acceleratorName: first.acceleratorName,
    cost: first.cost,
    replicaCount: pods.length,
    nonSaturatedCount,
    maxKvCacheUsage,
    maxQueueLength,
    avgSpareKvCapacity: nonSaturatedCount > 0 ? totalSpareKv / nonSaturatedCount : 0,
    avgSpareQueueLength: nonSaturatedCount > 0 ? totalSpareQueue / nonSaturatedCount : 0,
    saturatedReplicas,
  }
}

/** Which scale-up trigger fired; both compare strictly (`<`). */
export interface ScaleUpCheck {
  readonly kvSpareTriggered: boolean
  readonly queueSpareTriggered: boolean
}

/**
 * Whether removing one non-saturated pod keeps both spares at or above their triggers. `too-few` when fewer than
 * two pods are non-saturated.
 */
export type ScaleDownCheck =
  | {readonly kind: 'too-few-non-saturated'; readonly nonSaturatedCount: number}
  | {
      readonly kind: 'simulated'
      readonly nonSaturatedCount: number
      /** KV fraction per remaining pod after spreading the load over one pod fewer. */
      readonly kvLoadAfter: number
      /** Waiting requests per remaining pod after spreading the load over one pod fewer. */
      readonly queueLoadAfter: number
      /** kvT - kvLoadAfter, compared with kvS (>=). */
      readonly remainingSpareKv: number
      /** qT - queueLoadAfter, compared with qS (>=). */
      readonly remainingSpareQueue: number
      readonly isSafe: boolean
    }

/** The analysis plus the intermediates upstream only logs. */
export interface ModelAnalysisDetail<Analysis extends ModelSaturationAnalysis> {
  readonly analysis: Analysis
  /** Every pod, in input order. */
  readonly replicas: readonly ReplicaAssessment[]
  /** undefined when there were no metrics (upstream returns before evaluating triggers). */
  readonly scaleUpCheck: ScaleUpCheck | undefined
  readonly scaleDownCheck: ScaleDownCheck
}

/** Engine-specific wording of the reason texts. */
type ReasonWording = 'capacity' | 'Saturation'

function formatScaleUpReason(
  check: ScaleUpCheck,
  avgSpareKv: number,
  avgSpareQueue: number,
  thresholds: SaturationThresholds,
  wording: ReasonWording,
): string {
  const kv = `${formatGoFixed(avgSpareKv, 3)} < ${formatGoFixed(thresholds.kvSpareTrigger, 3)}`
  const queue = `${formatGoFixed(avgSpareQueue, 1)} < ${formatGoFixed(thresholds.queueSpareTrigger, 1)}`
  if (check.kvSpareTriggered && check.queueSpareTriggered) return `both KV spare (${kv}) and queue spare (${queue})`
  if (check.kvSpareTriggered) return `KV spare ${wording} low (${kv})`
  if (check.queueSpareTriggered) return `queue spare ${wording} low (${queue})`
  return ''
}

interface ModelTotals {
  readonly variantAnalyses: readonly VariantSaturationAnalysis[]
  readonly nonSaturatedCount: number
  readonly avgSpareKvCapacity: number
  readonly avgSpareQueueLength: number
}

function totalModel(metrics: readonly ReplicaMetric[], thresholds: SaturationThresholds): ModelTotals {
  const variantAnalyses = [...groupByVariant(metrics)].map(([name, pods]) => analyzeVariant(name, pods, thresholds))
  let nonSaturatedCount = 0
  let totalSpareKv = 0
  let totalSpareQueue = 0
  for (const variant of variantAnalyses) {
    nonSaturatedCount += variant.nonSaturatedCount
    // Upstream re-weights the variant average by its count rather than summing raw spares: bits differ.
    totalSpareKv += variant.avgSpareKvCapacity * variant.nonSaturatedCount
    totalSpareQueue += variant.avgSpareQueueLength * variant.nonSaturatedCount
  }
  return {
    variantAnalyses,
    nonSaturatedCount,
    avgSpareKvCapacity: nonSaturatedCount > 0 ? totalSpareKv / nonSaturatedCount : 0,
    avgSpareQueueLength: nonSaturatedCount > 0 ? totalSpareQueue / nonSaturatedCount : 0,
  }
}

/** v0.4.2 sums the raw loads of the non-saturated pods in input order (not grouped). */
function checkScaleDownV042(
  replicas: readonly ReplicaAssessment[],
  metrics: readonly ReplicaMetric[],
  thresholds: SaturationThresholds,
): ScaleDownCheck {
  let kvLoad = 0
  let queueLoad = 0
  let nonSaturatedCount = 0
  metrics.forEach((metric, index) => {
    if (replicas[index]!.isSaturated) return
    kvLoad += metric.kvCacheUsage
    queueLoad += metric.queueLength
    nonSaturatedCount++
  })
  if (nonSaturatedCount < minNonSaturatedReplicasForScaleDown) return {kind: 'too-few-non-saturated', nonSaturatedCount}
  const remainingReplicas = nonSaturatedCount - 1
  return simulated(nonSaturatedCount, kvLoad / remainingReplicas, queueLoad / remainingReplicas, thresholds)
}

/** v0.5.1 rebuilds the load from the model averages and scales it by n/(n-1): other rounding at the boundary. */
function checkScaleDownV051(totals: ModelTotals, thresholds: SaturationThresholds): ScaleDownCheck {
  const n = totals.nonSaturatedCount
  if (n < minNonSaturatedReplicasForScaleDown) return {kind: 'too-few-non-saturated', nonSaturatedCount: n}
  const kvLoad = thresholds.kvCacheThreshold - totals.avgSpareKvCapacity
  const queueLoad = thresholds.queueLengthThreshold - totals.avgSpareQueueLength
  const spreadFactor = n / (n - 1)
  return simulated(n, kvLoad * spreadFactor, queueLoad * spreadFactor, thresholds)
}

function simulated(
  nonSaturatedCount: number,
  kvLoadAfter: number,
  queueLoadAfter: number,
  thresholds: SaturationThresholds,
): ScaleDownCheck {
  const remainingSpareKv = thresholds.kvCacheThreshold - kvLoadAfter
  const remainingSpareQueue = thresholds.queueLengthThreshold - queueLoadAfter
  return {
    kind: 'simulated',
    nonSaturatedCount,
    kvLoadAfter,
    queueLoadAfter,
    remainingSpareKv,
    remainingSpareQueue,
    isSafe: remainingSpareKv >= thresholds.kvSpareTrigger && remainingSpareQueue >= thresholds.queueSpareTrigger,
  }
}

function isScaleDownSafe(check: ScaleDownCheck): boolean {
  switch (check.kind) {
    case 'too-few-non-saturated':
      return false
    case 'simulated':
      return check.isSafe
  }
}

const emptyAnalysis: ModelSaturationAnalysis = {
  totalReplicas: 0,
  nonSaturatedCount: 0,
  avgSpareKvCapacity: 0,
  avgSpareQueueLength: 0,
  shouldScaleUp: false,
  scaleUpReason: '',
  scaleDownSafe: false,
  variantAnalyses: [],
}

function analyzeModel(
  metrics: readonly ReplicaMetric[],
  thresholds: SaturationThresholds,
  wording: ReasonWording,
  checkScaleDown: (totals: ModelTotals, replicas: readonly ReplicaAssessment[]) => ScaleDownCheck,
): ModelAnalysisDetail<ModelSaturationAnalysis> {
  if (metrics.length === 0) {
    return {
      analysis: emptyAnalysis,
      replicas: [],
      scaleUpCheck: undefined,
      scaleDownCheck: {kind: 'too-few-non-saturated', nonSaturatedCount: 0},
    }
  }
  const replicas = metrics.map((metric) => assessReplica(metric, thresholds))
  const totals = totalModel(metrics, thresholds)
  const scaleUpCheck: ScaleUpCheck = {
    kvSpareTriggered: totals.avgSpareKvCapacity < thresholds.kvSpareTrigger,
    queueSpareTriggered: totals.avgSpareQueueLength < thresholds.queueSpareTrigger,
  }
  const scaleDownCheck = checkScaleDown(totals, replicas)
  return {
    analysis: {
      totalReplicas: metrics.length,
      nonSaturatedCount: totals.nonSaturatedCount,
      avgSpareKvCapacity: totals.avgSpareKvCapacity,
      avgSpareQueueLength: totals.avgSpareQueueLength,
      shouldScaleUp: scaleUpCheck.kvSpareTriggered || scaleUpCheck.queueSpareTriggered,
      scaleUpReason: formatScaleUpReason(
        scaleUpCheck,
        totals.avgSpareKvCapacity,
        totals.avgSpareQueueLength,
        thresholds,
        wording,
      ),
      scaleDownSafe: isScaleDownSafe(scaleDownCheck),
      variantAnalyses: totals.variantAnalyses,
    },
    replicas,
    scaleUpCheck,
    scaleDownCheck,
  }
}

/** Mirrors v0.4.2 `AnalyzeModelCapacity` (internal/capacity/analyzer.go). */
export function analyzeModelCapacityV042(
  metrics: readonly ReplicaMetric[],
  thresholds: SaturationThresholds,
): ModelAnalysisDetail<CapacityAnalysisV042> {
  const detail = analyzeModel(metrics, thresholds, 'capacity', (_totals, replicas) =>
    checkScaleDownV042(replicas, metrics, thresholds),
  )
  return {...detail, analysis: {...detail.analysis, shouldScaleDown: false}}
}

/** Mirrors v0.5.1 `AnalyzeModelSaturation` (internal/saturation/analyzer.go). */
export function analyzeModelSaturationV051(
  metrics: readonly ReplicaMetric[],
  thresholds: SaturationThresholds,
): ModelAnalysisDetail<ModelSaturationAnalysis> {
  return analyzeModel(metrics, thresholds, 'Saturation', (totals) => checkScaleDownV051(totals, thresholds))
}
