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
}

export const noWhatIf: WhatIf = {}
