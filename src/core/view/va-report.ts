import type {Condition} from '../model/variant-autoscaling.js'
import type {SimulationItem} from '../simulate/simulation-result.js'

/**
 * Why the recomputed decision is what it is, as a stable code (docs/va-report.md); render/explain.ts words it.
 * - queueing model: `sized-ttft` / `sized-itl` (replicas sized for the load, bound by that SLO), `zero-load` (no
 *   load: the minimum replicas), `infeasible` (the SLOs cannot be met), `skipped` (inputs missing or invalid);
 * - saturation engines (capacity v0.4.2, saturation v0.5.1): `saturation-scale-up`, `saturation-scale-down`,
 *   `saturation-no-change` (the engine's action), `saturation-skipped` (no target written; `recomputed.reason`
 *   and `recomputed.saturation.explanation` say why).
 * - WVA v0.6-v0.9 saturation V2 and queueing model: `wva-scale-up`, `wva-scale-down`, `wva-no-change` (the target
 *   against the scale target's replicas), `wva-held` (v0.9.0 refuses the queueing model and keeps the replicas),
 *   `wva-undecided` (no target; `recomputed.reason` says why).
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
 * Everything `get` and `describe` show about one VA: the view model behind the tables, JSON and YAML
 * (docs/va-report.md). `null` means unknown or not applicable, never 0.
 */
export interface VaReport {
  namespace: string
  name: string
  shape: string
  /** Which decision logic applies to this VA (queueing model for shapes A v0.0.x and B). */
  engine: SimulationItem['engine']
  modelID: string
  accelerator: string | null
  variantID: string | null
  creationTimestamp: string | null
  target: {kind: string; name: string; found: boolean | null}
  /** Live replicas of the target Deployment. */
  replicas: {desired: number | null; current: number | null; ready: number | null}
  slo: {ttftMs: number; itlMs: number; serviceClass: string | null} | null
  /** Per-replica cost (spec.variantCost) or the accelerator unit cost from accelerator-unit-costs. */
  cost: string | null
  profile: {
    maxBatchSize: number
    acceleratorCount: number
    decodeParms: Record<string, string>
    prefillParms: Record<string, string>
  } | null
  /** The controller's own view: status and exported gauge. */
  controller: {
    desiredReplicas: number | null
    desiredAccelerator: string | null
    lastRunTime: string | null
    actuationApplied: boolean | null
    conditions: Condition[]
    /** The controller's exported gauge (inferno_desired_replicas / wva_desired_replicas), when Prometheus has it. */
    gaugeDesiredReplicas: number | null
  }
  /** Live load and latency (Prometheus), from a MetricsSnapshot, or from shape A's status (stale). */
  metrics: {
    source: 'prometheus' | 'snapshot' | 'status'
    arrivalRateRpm: number | null
    avgInputTokens: number | null
    avgOutputTokens: number | null
    ttftMs: number | null
    itlMs: number | null
  } | null
  /** Our optimizer's decision from the same inputs as the controller. */
  recomputed: {
    outcome: SimulationItem['outcome']
    replicas: number | null
    reason: string | null
    boundBy: 'ttft' | 'itl' | null
    prediction: SimulationItem['prediction']
    /**
     * The saturation engines' reasoning (per-pod saturation, spare capacity vs triggers); null for the queueing model.
     */
    saturation: SimulationItem['saturation']
  }
  /** Why `recomputed` is what it is (see ReasonCode): the data the explanation is worded from. */
  reason: ReasonCode
  /** Problems with this VA's spec or config (the row still prints). */
  problems: string[]
  /** WVA v0.6-v0.9 only: the variant's source (VA or scaler), bounds, and the V2 / queueing-v2 figures. */
  variant?: SimulationItem['variant']
}

export interface VaReportList {
  apiVersion: 'kubectl-va.llmd.ai/v1alpha1'
  kind: 'VariantAutoscalingReportList'
  items: VaReport[]
  /** Problems that concern no single VA (config entries, pods feeding no VA); also printed on stderr. */
  warnings: string[]
}

/** The reason code of a recomputed decision, from its outcome, binding SLO and saturation action. */
export function reasonCodeOf(item: Pick<VaReport['recomputed'], 'outcome' | 'boundBy' | 'saturation'>): ReasonCode {
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
