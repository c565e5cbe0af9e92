/**
 * What the collector measures for one (namespace, model) pair, as Prometheus returns it (unrounded). `undefined`
 * means "no data" (no series, or NaN), never 0: a model with no traffic has arrivalRateRpm 0, one that is not
 * scraped has undefined.
 */
export interface ModelMetrics {
  namespace: string
  modelID: string
  /** Completed requests per minute: rate(vllm:request_success_total[window]) * 60. */
  arrivalRateRpm?: number | undefined
  avgInputTokens?: number | undefined
  avgOutputTokens?: number | undefined
  /** Mean time to first token, ms. */
  ttftMs?: number | undefined
  /** Mean inter-token latency, ms. */
  itlMs?: number | undefined
}

/** Per-pod saturation inputs (KV cache fraction 0..1, waiting requests), for the saturation engines. */
export interface PodMetrics {
  namespace: string
  name: string
  deployment?: string | undefined
  modelID?: string | undefined
  kvCacheUsage?: number | undefined
  queueLength?: number | undefined
}

/** Our own manifest kind: the collector's measurements at one time, so simulate -f can replay them offline. */
export interface MetricsSnapshot {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'MetricsSnapshot'
  /** RFC 3339 evaluation time. */
  time?: string | undefined
  /** Range-vector window used, e.g. "1m". */
  window?: string | undefined
  models: ModelMetrics[]
  pods?: PodMetrics[] | undefined
  /** increase(vllm:request_success_total[retention]) per model, for scale-to-zero. */
  requestsInRetention?: Array<{namespace: string; modelID: string; requests: number}> | undefined
  /** Read side only, never written: models[] entries set aside as invalid, so their VAs can say why. */
  rejectedModels?: RejectedModelEntry[] | undefined
}

/** A MetricsSnapshot models[] entry that was invalid: its model is decided as if it had no entry. */
export interface RejectedModelEntry {
  namespace: string
  modelID: string
  /** where the entry is: "snapshot.yaml:40 models[3]" */
  source: string
  /** what is wrong with it: "arrivalRate: must not be negative, got -5" */
  message: string
}

export const metricsSnapshotApiVersion = 'kubectl-va.llmd.ai/v1alpha1'
