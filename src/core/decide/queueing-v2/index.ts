/**
 * The queueing-model engine of WVA v0.6.0-v0.9.0 ("queueing-v2": 3 parameters alpha, beta, gamma; float32).
 * See docs/engines/queueing-v2.md. Pure functions: no clock, I/O or module state.
 */
export {
  decodeTimeMs,
  iterationTimeMs,
  prefillTimeMs,
  type RequestSizeV2,
  type ServiceParmsV2,
  serviceRatesPerMs,
} from './service-time.js'
export {
  type AchievedPerfV2,
  type AnalysisMetricsV2,
  analyzeRateV2,
  type AnalyzeV2Result,
  buildQueueAnalyzerV2,
  type BuildQueueAnalyzerV2Result,
  DEFAULT_MAX_NUM_TOKENS,
  MAX_BATCH_SIZE_LIMIT,
  MAX_OCCUPANCY_LIMIT,
  type QueueAnalyzerV2,
  type QueueConfigV2,
  sizeForTargetsV2,
  type SizeV2Result,
  type SizeV2Success,
  type TargetPerfV2,
  type TargetRateV2,
} from './queue-analyzer.js'
export {
  aggregateWorkloadMetrics,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_QUEUE_SIZE,
  type ReplicaWorkload,
  type SLOTargetV2,
  sizeVariantCapacity,
  type VariantSizing,
  type VariantSizingFailure,
  type VariantSizingInput,
  type VariantWorkload,
  variantMaxBatchSize,
  type WorkloadMetrics,
} from './variant-capacity.js'
export {
  DEFAULT_FALLBACK_HEADROOM,
  DEFAULT_MAX_FALLBACK_ITL_MS,
  DEFAULT_MAX_FALLBACK_TTFT_MS,
  DEFAULT_SLO_MULTIPLIER,
  type InferredSLOTarget,
  inferSLOTarget,
  type SLOTargetSource,
} from './slo-target.js'
export {
  analyzeQueueingModel,
  MAX_REPLICAS_PER_MODEL,
  MAX_VARIANTS_PER_MODEL,
  type QueueingModelAnalysis,
  type QueueingModelInput,
  type VariantCapacityV2,
  type VariantReplicaState,
} from './model-analyzer.js'
