/** Overrides a user asks `simulate` to apply on top of what the manifests or the cluster say. */
export interface WhatIf {
  arrivalRateRpm?: number | undefined
  avgInputTokens?: number | undefined
  avgOutputTokens?: number | undefined
  /** Multiplies the arrival rate, whatever its source. */
  loadScale?: number | undefined
  sloTtftMs?: number | undefined
  sloItlMs?: number | undefined
  maxBatchSize?: number | undefined
  /** Current replicas for VAs whose sources give none (no Deployment, no status). */
  replicas?: number | undefined
  scaleToZero?: boolean | undefined
  /** Saturation engines: a replica at or above this KV-cache fraction (0..1) is saturated. */
  kvCacheThreshold?: number | undefined
  /** Saturation engines: a replica with at least this many waiting requests is saturated. */
  queueLengthThreshold?: number | undefined
  /** Saturation engines: scale up when the average spare KV fraction drops below this. */
  kvSpareTrigger?: number | undefined
  /** Saturation engines: scale up when the average spare queue length drops below this. */
  queueSpareTrigger?: number | undefined
  /** Scale-to-zero retention window (Go duration, e.g. 10m). */
  retention?: string | undefined
  /** Force the decision engine instead of detecting it. */
  engine?: 'queueing-model' | 'capacity' | 'saturation' | undefined
}

export const noWhatIf: WhatIf = {}
