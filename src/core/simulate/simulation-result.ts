import type {LoadSource} from './load.js'

export type Outcome = 'allocated' | 'zeroLoad' | 'infeasible' | 'skipped'

/**
 * Why the decision is what it is, as a stable code (docs/simulation-result.md, docs/va-report.md); render/explain.ts
 * words it.
 * - queueing model: `sized-ttft` / `sized-itl` (replicas sized for the load, bound by that SLO), `zero-load` (no
 *   load: the minimum replicas), `infeasible` (the SLOs cannot be met), `skipped` (inputs missing or invalid);
 * - saturation engines (capacity v0.4.2, saturation v0.5.1): `saturation-scale-up`, `saturation-scale-down`,
 *   `saturation-no-change` (the engine's action), `saturation-skipped` (no target written; `cause` says why);
 * - WVA v0.6-v0.9 saturation V2 and queueing model: `wva-scale-up`, `wva-scale-down`, `wva-no-change` (the target
 *   against the scale target's replicas), `wva-held` (v0.9.0 refuses the queueing model and keeps the replicas),
 *   `wva-undecided` (no target; `cause` and `reason` say why).
 * New codes may be added; existing ones keep their meaning.
 */
export const reasonCodes = [
  'sized-ttft',
  'sized-itl',
  'zero-load',
  'infeasible',
  'skipped',
  'saturation-scale-up',
  'saturation-scale-down',
  'saturation-no-change',
  'saturation-skipped',
  'wva-scale-up',
  'wva-scale-down',
  'wva-no-change',
  'wva-held',
  'wva-undecided',
] as const

export type ReasonCode = (typeof reasonCodes)[number]

/**
 * Why a decision is infeasible or skipped, finer than the reason code (the `reason` text words it).
 * - queueing model, infeasible: `infeasible-ttft` / `infeasible-itl` (that target cannot be met at any load),
 *   `infeasible-other` (the sizing failed otherwise);
 * - queueing model, skipped: `invalid-va` (the VA's fields), `not-queueing-model` (a shape C VA),
 *   `no-accelerator-label`, `no-profile` (no perfParms for the accelerator), `no-slo` (no service class),
 *   `no-accelerator-cost`, `no-load` (no arrival rate or token averages), `invalid-inputs` (the optimizer rejected
 *   a parameter), `not-simulated` (get/describe: no simulation for the VA);
 * - saturation engines: the engine's skip kind (`SaturationSkip`, also `saturation.noDecision` in a replay):
 *   `invalid-va`, `no-accelerator-label`, `no-variant-cost`, `deployment-not-found`, `deployment-at-zero`,
 *   `shared-deployment`, `not-watched`, `other-controller-instance`, `no-config`, `no-metrics`, `variant-no-metrics`;
 * - WVA v0.6-v0.9: `scale-target-not-found`, `unknown-analyzer` (an `analyzers:` entry no release has),
 *   `no-service-parms` (the queueing model without alpha/beta/gamma), `optimization-refused` (v0.9.0 and the
 *   queueing model: replicas held), `no-metrics`.
 * New codes may be added; existing ones keep their meaning.
 */
export const causeCodes = [
  'infeasible-ttft',
  'infeasible-itl',
  'infeasible-other',
  'invalid-va',
  'not-queueing-model',
  'no-accelerator-label',
  'no-profile',
  'no-slo',
  'no-accelerator-cost',
  'no-load',
  'invalid-inputs',
  'not-simulated',
  'no-variant-cost',
  'deployment-not-found',
  'deployment-at-zero',
  'shared-deployment',
  'not-watched',
  'other-controller-instance',
  'no-config',
  'no-metrics',
  'variant-no-metrics',
  'scale-target-not-found',
  'unknown-analyzer',
  'no-service-parms',
  'optimization-refused',
] as const

export type CauseCode = (typeof causeCodes)[number]

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
  /**
   * queueing-model (shapes A v0.0.1-v0.0.4, B), capacity (A v0.0.5-v0.4.2), saturation (C, v0.5; V1 at v0.6+),
   * saturation-v2 and queueing-v2 (WVA v0.6-v0.9).
   */
  engine: 'queueing-model' | 'capacity' | 'saturation' | 'saturation-v2' | 'queueing-v2'
  outcome: Outcome
  /** Why infeasible or skipped, in words; null otherwise. */
  reason: string | null
  /** Why the decision is what it is, as a code (`reasonCodeOf`). */
  reasonCode: ReasonCode
  /** Why infeasible or skipped (or, for a saturation VA, why no target is written), as a code; null otherwise. */
  cause: CauseCode | null
  /** null when the arrival rate is unknown; a token average is null when unknown (an idle model has none). */
  load: {arrivalRate: number; avgInputTokens: number | null; avgOutputTokens: number | null} | null
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
  /** Why the saturation engines decided what they did; null for the queueing model. */
  saturation: SaturationDetail | null
  /** WVA v0.6-v0.9 only: the variant's source, bounds and the V2 / queueing-v2 figures. */
  variant?: WvaVariantDetail | undefined
}

/** A WVA v0.6-v0.9 variant as decided (docs/simulation-result.md). */
export interface WvaVariantDetail {
  /** VariantAutoscaling, HorizontalPodAutoscaler or ScaledObject. */
  kind: string
  /** The WVA release replayed: v0.6, v0.7, v0.8 or v0.9. */
  release: string
  minReplicas: number
  maxReplicas: number
  role: 'prefill' | 'decode' | 'both'
  /** The optimizer, for V2 and the queueing model: cost-aware or greedy-by-score. */
  optimizer: string | null
  /** decided (a target), held (v0.9 refuses the queueing model; replicas kept), undecided. */
  outcome: 'decided' | 'held' | 'undecided'
  /** The model's capacity: tokens (V2) or requests per second (queueing model); null when not analysed. */
  capacity: {
    unit: 'tokens' | 'rps'
    supply: number
    demand: number
    utilization: number
    required: number
    spare: number
  } | null
  /** The variant's demand / capacity. */
  utilization: number | null
  /** What makes this variant undecidable (`<what>; <fix>`): a missing scale target, an unknown analyzer. */
  problems: string[]
  /** The controller's exported wva_* gauges for this variant (live describe only; empty otherwise). */
  gauges: Record<string, number>
  /** The last Kubernetes events about this variant, newest first (at most 5; live only). */
  events: Array<{type: string; reason: string; message: string; count: number; lastSeen: string | null}>
  /** The scaler: type, triggers and the replicas in its status (annotated HPAs and ScaledObjects only). */
  scaler: {kind: string; triggers: string[]; currentReplicas: number | null; desiredReplicas: number | null} | null
}

export interface SaturationDetail {
  engine: 'capacity-v0.4.2' | 'saturation-v0.5.1'
  /** The evidence for the engine: CRD shape, controller image, env. */
  engineWhy: string
  /** The VAs decided together: modelID (v0.4.2) or modelID|namespace (v0.5.1). */
  group: string
  action: 'scale-up' | 'scale-down' | 'no-change' | null
  /** The engine's target even when the controller would not write it (e.g. no accelerator label). */
  computedReplicas: number | null
  currentReplicas: number | null
  pendingReplicas: number | null
  /** KV-cache usage is a fraction 0..1; queue length counts waiting requests. */
  pods: Array<{name: string; kvCacheUsage: number | null; queueLength: number | null; isSaturated: boolean | null}>
  model: {
    avgSpareKvCapacity: number
    kvSpareTrigger: number
    avgSpareQueueLength: number
    queueSpareTrigger: number
    kvCacheThreshold: number
    queueLengthThreshold: number
    nonSaturatedReplicas: number
    totalReplicas: number
    shouldScaleUp: boolean
    scaleDownSafe: boolean
  } | null
  explanation: string[]
  /** The load model applied to the readings above (docs/capacity-planning.md); null: the readings as observed. */
  load: {
    /** Multiplies the observed load. */
    scale: number
    /** The model's observed arrival rate, req/min; null when unknown. */
    observedArrivalRate: number | null
    /** Waiting requests per minute per unit of KV demand beyond a full cache; null: the overflow adds no queue. */
    overflowRequestsPerKv: number | null
  } | null
  /** Where the controller's cycles settle at this load (load or threshold what-ifs, sweeps); null otherwise. */
  settle: {
    /** The VA's replicas there; `desired.replicas` when this is present. */
    replicas: number
    /** Controller cycles until the last change (one replica per model per cycle). */
    cycles: number
    /** `oscillating`: the rule flaps, replicas is the largest count; `cycle-limit`: still moving when we stopped. */
    status: 'settled' | 'oscillating' | 'cycle-limit'
    /** The model's figures there; null when no pod reports there. */
    model: {
      totalReplicas: number
      nonSaturatedReplicas: number
      avgSpareKvCapacity: number
      avgSpareQueueLength: number
      shouldScaleUp: boolean
      scaleDownSafe: boolean
    } | null
  } | null
}

export interface SimulationResult {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'SimulationResult'
  items: SimulationItem[]
  /** Problems that concern no single VA (config entries, pods feeding no VA); also printed on stderr. */
  warnings: string[]
}

/** The reason code of a decision, from its outcome, binding SLO and saturation action. */
export function reasonCodeOf(
  item: Pick<SimulationItem, 'outcome' | 'boundBy'> & {saturation: Pick<SaturationDetail, 'action'> | null},
): ReasonCode {
  if (item.saturation !== null) {
    if (item.outcome === 'skipped') return 'saturation-skipped'
    return `saturation-${item.saturation.action ?? 'no-change'}`
  }
  switch (item.outcome) {
    case 'allocated':
      return item.boundBy === 'itl' ? 'sized-itl' : 'sized-ttft'
    case 'zeroLoad':
      return 'zero-load'
    case 'infeasible':
      return 'infeasible'
    case 'skipped':
      return 'skipped'
  }
}
