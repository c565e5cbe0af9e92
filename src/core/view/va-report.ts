import type {Condition} from '../model/variant-autoscaling.js'
import type {ReasonCode, SimulationItem} from '../simulate/simulation-result.js'

/** The reason codes live with the simulated decision (simulate/simulation-result.ts); VaReport.reason is its code. */
export {reasonCodeOf, reasonCodes, type CauseCode, type ReasonCode} from '../simulate/simulation-result.js'
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
    /** Why infeasible or skipped, as a code (SimulationItem.cause); null otherwise. */
    cause: SimulationItem['cause']
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
