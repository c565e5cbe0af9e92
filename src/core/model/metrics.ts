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
  /** WVA v0.6+: requests waiting in the EPP flow-control queue for the model (scheduler_queue_size). */
  schedulerQueueSize?: number | undefined
  /** WVA v0.6+: bytes of those queued prompts (scheduler_queue_bytes). */
  schedulerQueueBytes?: number | undefined
}

/** Per-pod saturation inputs (KV cache fraction 0..1, waiting requests), for the saturation engines. */
export interface PodMetrics {
  namespace: string
  name: string
  deployment?: string | undefined
  modelID?: string | undefined
  kvCacheUsage?: number | undefined
  queueLength?: number | undefined
  /** WVA v0.8+: the pod's `llm_d_ai_variant` label (the `llm-d.ai/variant` pod label), when scraped with it. */
  variant?: string | undefined
  /** vllm:cache_config_info's num_gpu_blocks label: KV-cache capacity = numGpuBlocks x blockSize tokens (V2). */
  numGpuBlocks?: number | undefined
  /** vllm:cache_config_info's block_size label, tokens per block (V2). */
  blockSize?: number | undefined
  /** Mean prompt tokens per request over 5m (V2 queue charge). */
  avgInputTokens?: number | undefined
  /** Mean generated tokens per request over 5m (V2 v0.9 queue charge). */
  avgOutputTokens?: number | undefined
  /** Prefix-cache hits / queries over 5m, 0..1 (V2). */
  prefixCacheHitRate?: number | undefined
  /** EPP dispatch rate to the pod, requests per second (queueing model). */
  arrivalRate?: number | undefined
  /** Mean time to first token of the pod, ms (queueing model). */
  ttftMs?: number | undefined
  /** Mean inter-token latency of the pod, ms (queueing model). */
  itlMs?: number | undefined
}

/**
 * The queueing model's learned parameters for one variant (WVA v0.6+ learns them online with a Kalman filter and
 * does not export them; `kubectl va fit` estimates them). Per-token times in ms.
 */
export interface VariantServiceParms {
  namespace: string
  /** The VA or scaler name. */
  variant: string
  alpha: number
  beta: number
  gamma: number
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
  /** WVA v0.6+ queueing model: the learned alpha, beta, gamma per variant (not observable; measured or fitted). */
  serviceParms?: VariantServiceParms[] | undefined
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
