import type {LoadSource} from './load.js'

export type Outcome = 'allocated' | 'zeroLoad' | 'infeasible' | 'skipped'

/**
 * One VA's simulated decision: the view model behind `simulate`'s table, JSON and YAML (docs/simulation-result.md).
 * Field names are part of the public JSON: add freely, rename only after a deprecation.
 */
export interface SimulationItem {
  namespace: string
  name: string
  modelID: string
  accelerator: string | null
  shape: string
  engine: 'queueing-model'
  outcome: Outcome
  /** Why infeasible or skipped; null otherwise. */
  reason: string | null
  load: {arrivalRate: number; avgInputTokens: number; avgOutputTokens: number} | null
  loadSources: LoadSource[]
  /** Measured latency, when known (MetricsSnapshot or Prometheus). */
  measured: {ttftMs: number | null; itlMs: number | null} | null
  slo: {ttftMs: number; itlMs: number; serviceClass: string | null} | null
  maxBatchSize: number | null
  current: {replicas: number; source: 'deployment' | 'status' | 'flag' | 'default'}
  /** The controller's own last decision (status.desiredOptimizedAlloc.numReplicas). */
  controller: {desiredReplicas: number | null}
  desired: {replicas: number; accelerator: string; cost: number} | null
  prediction: {ttftMs: number; itlMs: number; utilization: number; maxRatePerReplica: number} | null
  boundBy: 'ttft' | 'itl' | null
}

export interface SimulationResult {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'SimulationResult'
  items: SimulationItem[]
}
