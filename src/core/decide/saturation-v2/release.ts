/**
 * What changes between the releases of saturation V2, one named field per difference that moves a number.
 * Sources: `git diff v0.6.0 v0.8.0 -- internal/engines`, `git diff v0.8.0 d5d58640 -- internal/engines` in the
 * upstream repository, and ../shared/reference/wva-v0.6-v0.9.md section 6.2. v0.7.0 behaves as v0.6.0 (its diff
 * only turns literals into constants), so it has no entry of its own.
 */

export type SaturationV2Release = 'v0.6' | 'v0.8' | 'v0.9'

export interface ReleaseBehaviour {
  readonly release: SaturationV2Release
  /**
   * Charge for requests waiting in a replica's local queue.
   * `truncated-input`: `if avgIn > 0 { demand += int64(queueLength) * int64(avgIn) }` (v0.6, v0.8; every role).
   * `role-aware`: `waitingQueueDemand`, `queueLength x (avgIn + avgOut)` in float64 (input only for prefill), then
   * int64 (v0.9, "role-aware queue charge" in analyzer.go).
   */
  readonly queueCharge: 'truncated-input' | 'role-aware'
  /** k2 history key `model|accelerator|gpuCount|bucket` (v0.8 added gpuCount) instead of `model|accelerator|bucket`. */
  readonly historyKeyHasGpuCount: boolean
  /**
   * v0.9 counts a variant's replica rows (vLLM DP instances) as its replicaCount and scales pending by rows/ready;
   * v0.6/v0.8 use ready = current - pending for every branch.
   */
  readonly replicaCountFromRows: boolean
  /** v0.9 labels each variant's capacity (`P1-obs` .. `P4-k1`, `P0-store`, `no-data`). */
  readonly hasVariantReasons: boolean
  /**
   * v0.6's engine never hands the scheduler (EPP) queue to the analyzer (a TODO in runV2AnalysisOnly); its analyzer
   * would use one, which is what saturation-v2-v0.6-cases.json exercises.
   */
  readonly passesSchedulerQueue: boolean
  /**
   * When the optimizer leaves a model without decisions.
   * `no-metrics`: the engine's prepareModelData skips a model with no replica metrics (v0.6, v0.8).
   * `uninformative`: `ResultIsInformative` is false: every variant `no-data`/`error` (v0.9, bindingAnchor).
   */
  readonly modelSkip: 'no-metrics' | 'uninformative'
  /**
   * Cost-aware optimizer. `v0.6`: per variant, ceil(remaining / capacity) on the cheapest-per-token first; scale-down
   * cost-descending with the cheapest kept at 1 only when nothing else has replicas. `role-paired`: v0.8's rewrite
   * around `allocateForModelPaired` / `scaleDownRoleIterated` (analyzer_helpers.go).
   */
  readonly costAwareOptimizer: 'v0.6' | 'role-paired'
  /** Decision reasons: v0.6 `V2 scale-up (optimizer: cost-aware, required: %.0f)` ...; v0.8+ category `V2`. */
  readonly decisionReasons: 'v0.6' | 'v0.8'
  /** v0.9 parses SGLang arguments when the scale target runs SGLang (inferenceengine.Detect). */
  readonly detectsSglang: boolean
  /**
   * v0.9's `buildDecisionsWithOptimizer` copies RC, SC (the role's, for P/D) and the variant's utilization onto each
   * decision for the wva_* gauges; v0.8's leaves them 0.
   */
  readonly decisionsCarryCapacitySignals: boolean
}

export const releaseBehaviours: Readonly<Record<SaturationV2Release, ReleaseBehaviour>> = {
  'v0.6': {
    release: 'v0.6',
    queueCharge: 'truncated-input',
    historyKeyHasGpuCount: false,
    replicaCountFromRows: false,
    hasVariantReasons: false,
    passesSchedulerQueue: false,
    modelSkip: 'no-metrics',
    costAwareOptimizer: 'v0.6',
    decisionReasons: 'v0.6',
    detectsSglang: false,
    decisionsCarryCapacitySignals: false,
  },
  'v0.8': {
    release: 'v0.8',
    queueCharge: 'truncated-input',
    historyKeyHasGpuCount: true,
    replicaCountFromRows: false,
    hasVariantReasons: false,
    passesSchedulerQueue: true,
    modelSkip: 'no-metrics',
    costAwareOptimizer: 'role-paired',
    decisionReasons: 'v0.8',
    detectsSglang: false,
    decisionsCarryCapacitySignals: false,
  },
  'v0.9': {
    release: 'v0.9',
    queueCharge: 'role-aware',
    historyKeyHasGpuCount: true,
    replicaCountFromRows: true,
    hasVariantReasons: true,
    passesSchedulerQueue: true,
    modelSkip: 'uninformative',
    costAwareOptimizer: 'role-paired',
    decisionReasons: 'v0.8',
    detectsSglang: true,
    decisionsCarryCapacitySignals: true,
  },
}

/** v0.7.0 is v0.6.0 for V2; anything else must be named exactly. */
export function behaviourOf(release: SaturationV2Release): ReleaseBehaviour {
  return releaseBehaviours[release]
}
