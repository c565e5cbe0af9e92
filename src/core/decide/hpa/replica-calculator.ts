/**
 * Per-metric replica proposals, ported from kubernetes v1.34 pkg/controller/podautoscaler/replica_calculator.go.
 *
 * The replay does not model pods: every pod counts as running, ready and reporting a metric, so `statusReplicas`
 * and `readyPodCount` equal the current replica count, and the unready/missing-pod branches never apply.
 */
import {kedaMilli, ceilInt32} from './quantity.js'
import {isReadingError, type HpaMetricSpec, type MetricProposal, type MetricReading} from './types.js'

/** `Tolerances` (v1.33+): a ratio within [1 − scaleDown, 1 + scaleUp] changes nothing. */
export interface Tolerances {
  readonly scaleDown: number
  readonly scaleUp: number
}

/** `Tolerances.isWithin`. NaN is never within. */
export const isWithinTolerance = (tolerances: Tolerances, usageRatio: number): boolean =>
  1.0 - tolerances.scaleDown <= usageRatio && usageRatio <= 1.0 + tolerances.scaleUp

/**
 * `computeReplicasForMetric` for one metric, given the reading its source serves at this sync.
 * - External/Object `Value`: `GetExternalMetricReplicas` / `GetObjectMetricReplicas` → `getUsageRatioReplicaCount`.
 * - External/Object `AverageValue`: `GetExternalPerPodMetricReplicas` / `GetObjectPerPodMetricReplicas`.
 * - Pods and Resource `AverageValue`: `calcPlainMetricReplicas` with all pods ready and reporting.
 * - Resource `Utilization`: `GetResourceReplicas` with all pods ready and reporting (integer percentage).
 */
export function proposeForMetric(
  metric: HpaMetricSpec,
  reading: MetricReading | undefined,
  currentReplicas: number,
  tolerances: Tolerances,
): MetricProposal {
  if (reading === undefined) {
    return {kind: 'error', metric: metric.name, message: `no reading for metric ${metric.name}`}
  }
  if (isReadingError(reading)) return {kind: 'error', metric: metric.name, message: reading.message}
  const target = metric.targetMilli
  const ok = (usage: number, usageRatio: number, withinTolerance: boolean, replicas: number): MetricProposal => ({
    kind: 'ok',
    metric: metric.name,
    usage,
    usageRatio,
    withinTolerance,
    replicas,
  })
  if (metric.targetType === 'Utilization') {
    // GetResourceUtilizationRatio: currentUtilization = int32(metricsTotal*100/requestsTotal), an integer percentage.
    const utilization = Math.trunc(reading)
    const usageRatio = utilization / target
    const within = isWithinTolerance(tolerances, usageRatio)
    return ok(utilization, usageRatio, within, within ? currentReplicas : ceilInt32(usageRatio * currentReplicas))
  }
  const usage = kedaMilli(reading)
  if (metric.source === 'Pods' || metric.source === 'Resource') {
    // calcPlainMetricReplicas: usageRatio = average per pod / target; ceil(ratio × readyPodCount).
    const usageRatio = usage / target
    const within = isWithinTolerance(tolerances, usageRatio)
    return ok(usage / 1000, usageRatio, within, within ? currentReplicas : ceilInt32(usageRatio * currentReplicas))
  }
  if (metric.targetType === 'AverageValue') {
    // GetExternalPerPodMetricReplicas: ratio against target × statusReplicas; new count ceil(usage / target).
    const usageRatio = usage / (target * currentReplicas)
    const within = isWithinTolerance(tolerances, usageRatio)
    return ok(usage / 1000, usageRatio, within, within ? currentReplicas : ceilInt32(usage / target))
  }
  // getUsageRatioReplicaCount: with currentReplicas 0, ceil(ratio) without tolerance (HPAScaleToZero).
  const usageRatio = usage / target
  if (currentReplicas === 0) return ok(usage / 1000, usageRatio, false, ceilInt32(usageRatio))
  const within = isWithinTolerance(tolerances, usageRatio)
  return ok(usage / 1000, usageRatio, within, within ? currentReplicas : ceilInt32(usageRatio * currentReplicas))
}

export interface MetricsOutcome {
  /** -1 when the HPA must not act (`computeReplicasForMetrics` returned -1 with an error). */
  readonly replicas: number
  readonly metric: string | null
  readonly proposals: readonly MetricProposal[]
}

/**
 * `computeReplicasForMetrics`: the largest proposal (the first metric that reaches it names it); -1 when every metric
 * failed, or when some failed and the valid ones would scale down.
 */
export function computeReplicasForMetrics(
  metrics: readonly HpaMetricSpec[],
  readings: ReadonlyMap<string, MetricReading>,
  currentReplicas: number,
  tolerances: Tolerances,
): MetricsOutcome {
  let replicas = 0
  let metric: string | null = null
  let invalid = 0
  const proposals: MetricProposal[] = []
  for (const spec of metrics) {
    const proposal = proposeForMetric(spec, readings.get(spec.name), currentReplicas, tolerances)
    proposals.push(proposal)
    if (proposal.kind === 'error') {
      invalid++
      continue
    }
    if (replicas === 0 || proposal.replicas > replicas) {
      replicas = proposal.replicas
      metric = proposal.metric
    }
  }
  if (invalid >= metrics.length || (invalid > 0 && replicas < currentReplicas)) {
    return {replicas: -1, metric: null, proposals}
  }
  return {replicas, metric, proposals}
}
