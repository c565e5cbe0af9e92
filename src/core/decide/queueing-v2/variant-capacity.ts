import {f32} from '../queueing/float32.js'
import {buildQueueAnalyzerV2, sizeForTargetsV2, type SizeV2Success} from './queue-analyzer.js'
import type {ServiceParmsV2} from './service-time.js'

/**
 * The per-variant sizing step of the queueing-model analyzer. Mirrors the loop body of upstream
 * computeAllVariantCapacities and aggregateWorkloadMetrics (internal/engines/analyzers/queueingmodel/analyzer.go,
 * identical in v0.6.0, v0.7.0, v0.8.0 and v0.9.0 apart from the Role field added at v0.9). Float64 here, as
 * upstream; the queue analyzer itself is float32.
 */

/** Upstream DefaultMaxBatchSize: used when no replica reports a max batch size (vLLM max_num_seqs). */
export const DEFAULT_MAX_BATCH_SIZE = 256
/** Upstream DefaultMaxQueueSize: the engine always sizes with this queue. */
export const DEFAULT_MAX_QUEUE_SIZE = 100

/** Traffic of one pod, as the queueing-model collector reports it (upstream domain.ReplicaMetrics, the fields used). */
export interface ReplicaWorkload {
  readonly variantName: string
  readonly acceleratorName: string
  /** cost of the variant (upstream takes the first replica's) */
  readonly cost: number
  /** dispatch rate to this pod, requests per second; <= 0 means idle, and the pod is left out */
  readonly arrivalRateRps: number
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
  readonly avgTTFTSeconds: number
  readonly avgITLSeconds: number
  /** vLLM max_num_seqs of the pod; 0 when not known */
  readonly maxBatchSize: number
}

/** Upstream workloadMetrics: arrival-weighted averages over the busy pods. */
export interface WorkloadMetrics {
  /** mean arrival rate per busy pod, requests per second */
  readonly avgArrivalRatePerPodRps: number
  readonly avgInputTokens: number
  readonly avgOutputTokens: number
  readonly avgTTFTSeconds: number
  readonly avgITLSeconds: number
  /** pods with a positive arrival rate */
  readonly busyPods: number
}

const IDLE_WORKLOAD: WorkloadMetrics = {
  avgArrivalRatePerPodRps: 0,
  avgInputTokens: 0,
  avgOutputTokens: 0,
  avgTTFTSeconds: 0,
  avgITLSeconds: 0,
  busyPods: 0,
}

/**
 * Average token sizes and latencies over the pods with traffic, weighted by their arrival rates; the arrival rate
 * itself is a plain mean over those pods. All zero when no pod has traffic. Mirrors upstream
 * aggregateWorkloadMetrics (sums in pod order).
 */
export function aggregateWorkloadMetrics(replicas: readonly ReplicaWorkload[]): WorkloadMetrics {
  let totalArrivalRps = 0
  let totalInputTokens = 0
  let totalOutputTokens = 0
  let totalTTFTSeconds = 0
  let totalITLSeconds = 0
  let busyPods = 0
  for (const replica of replicas) {
    // Upstream `if rm.ArrivalRate <= 0 { continue }`: a NaN rate is counted, as there.
    if (replica.arrivalRateRps <= 0) continue
    totalArrivalRps += replica.arrivalRateRps
    totalInputTokens += replica.arrivalRateRps * replica.avgInputTokens
    totalOutputTokens += replica.arrivalRateRps * replica.avgOutputTokens
    totalTTFTSeconds += replica.arrivalRateRps * replica.avgTTFTSeconds
    totalITLSeconds += replica.arrivalRateRps * replica.avgITLSeconds
    busyPods++
  }
  if (busyPods === 0) return IDLE_WORKLOAD
  return {
    avgArrivalRatePerPodRps: totalArrivalRps / busyPods,
    avgInputTokens: totalInputTokens / totalArrivalRps,
    avgOutputTokens: totalOutputTokens / totalArrivalRps,
    avgTTFTSeconds: totalTTFTSeconds / totalArrivalRps,
    avgITLSeconds: totalITLSeconds / totalArrivalRps,
    busyPods,
  }
}

/** The first positive max batch size reported by a pod of the variant, else DEFAULT_MAX_BATCH_SIZE (upstream). */
export function variantMaxBatchSize(replicas: readonly ReplicaWorkload[]): number {
  for (const replica of replicas) if (replica.maxBatchSize > 0) return replica.maxBatchSize
  return DEFAULT_MAX_BATCH_SIZE
}

/** TTFT and ITL targets in ms (float32); 0 means unconstrained. Upstream SLOTarget. */
export interface SLOTargetV2 {
  readonly targetTTFTMs: number
  readonly targetITLMs: number
}

/** The part of WorkloadMetrics the sizing reads. */
export type VariantWorkload = Pick<
  WorkloadMetrics,
  'avgArrivalRatePerPodRps' | 'avgInputTokens' | 'avgOutputTokens' | 'busyPods'
>

export interface VariantSizingInput {
  /** learned alpha, beta, gamma; undefined when the tuner has none for the variant */
  readonly serviceParms: ServiceParmsV2 | undefined
  readonly maxBatchSize: number
  /** defaults to DEFAULT_MAX_QUEUE_SIZE, which is what the engine always uses */
  readonly maxQueueSize?: number
  readonly workload: VariantWorkload
  readonly targets: SLOTargetV2
}

/** Why a variant got upstream's zero-capacity entry, in the order upstream checks. */
export type VariantSizingFailure =
  | 'no-busy-pods'
  | 'no-parameters'
  | 'analyzer-failed'
  | 'size-failed'
  | 'zero-capacity'

export type VariantSizing =
  | {
      readonly kind: 'sized'
      /** Size(targets).metrics.throughput as float64, requests per second */
      readonly perReplicaCapacityRps: number
      /** avgArrivalRatePerPodRps x busyPods, requests per second */
      readonly totalArrivalRateRps: number
      /** ceil(totalArrival / perReplicaCapacity), and 1 instead of 0 */
      readonly desiredReplicas: number
      readonly totalCapacityRps: number
      /** (totalArrival / desired) / perReplicaCapacity */
      readonly utilization: number
      readonly size: SizeV2Success
    }
  | {readonly kind: VariantSizingFailure; readonly reason: string}

/**
 * Per-replica capacity of one variant at its SLO and the replicas its current traffic needs. Mirrors the body of
 * upstream computeAllVariantCapacities from the busy-pod check on. A failure is what upstream turns into a
 * zero-capacity entry (and logs); its reason is our text, or upstream's error text for the analyzer failures.
 */
export function sizeVariantCapacity(input: VariantSizingInput): VariantSizing {
  const {workload} = input
  if (workload.busyPods === 0) {
    return {kind: 'no-busy-pods', reason: 'no replicas with traffic to calculate capacity for variant'}
  }
  const parms = input.serviceParms
  if (parms === undefined) return {kind: 'no-parameters', reason: 'no parameters found for variant'}
  // Parameters and targets are float32 upstream; rounding here is a no-op for such values and keeps a caller's
  // float64 from leaking into the float32 model.
  const built = buildQueueAnalyzerV2(
    {
      maxBatchSize: input.maxBatchSize,
      maxQueueSize: input.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE,
      serviceParms: {alpha: f32(parms.alpha), beta: f32(parms.beta), gamma: f32(parms.gamma)},
    },
    {avgInputTokens: f32(workload.avgInputTokens), avgOutputTokens: f32(workload.avgOutputTokens)},
  )
  if (!built.ok) return {kind: 'analyzer-failed', reason: built.error}
  const size = sizeForTargetsV2(built.analyzer, {
    targetTTFTMs: f32(input.targets.targetTTFTMs),
    targetITLMs: f32(input.targets.targetITLMs),
  })
  if (!size.ok) return {kind: 'size-failed', reason: size.error}
  const perReplicaCapacityRps = size.metrics.throughputRps
  if (perReplicaCapacityRps === 0) return {kind: 'zero-capacity', reason: 'sized throughput is 0'}

  const totalArrivalRateRps = workload.avgArrivalRatePerPodRps * workload.busyPods
  let desiredReplicas = Math.ceil(totalArrivalRateRps / perReplicaCapacityRps)
  // Upstream: no traffic still needs one replica (the check also catches -0, as Go's == does).
  if (desiredReplicas === 0) desiredReplicas = 1
  const arrivalRatePerReplicaRps = totalArrivalRateRps / desiredReplicas
  return {
    kind: 'sized',
    perReplicaCapacityRps,
    totalArrivalRateRps,
    desiredReplicas,
    totalCapacityRps: desiredReplicas * perReplicaCapacityRps,
    utilization: arrivalRatePerReplicaRps / perReplicaCapacityRps,
    size,
  }
}
