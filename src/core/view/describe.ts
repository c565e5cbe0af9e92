import type {PodBreakdown} from '../collect/pod-breakdown.js'
import type {DescribeEvent} from './events.js'
import type {VaReport, VaReportList} from './va-report.js'

/** The decision from the metrics exactly as the controller version in the cluster collects them (`--wva-compat`). */
export interface ControllerInputsDecision {
  profile: string
  replicas: number | null
  outcome: string
}

/** One VA as `describe` shows it, in text, JSON and YAML: its report and what describe adds to it. */
export interface DescribeItem extends VaReport {
  /** Why our replicas and the controller's are what they are, one sentence per line. */
  explanation: string[]
  withControllerInputs: ControllerInputsDecision | null
  /** Pods serving this VA's model in its namespace (all variants of the model: the controller aggregates them). */
  pods: PodBreakdown[] | null
  /** The last Events of the VA, its target and its scaler (live only; null offline or when they could not be read). */
  events: DescribeEvent[] | null
}

/** Where the live metrics came from; `null` fields are unknown or not applicable. */
export interface DescribePrometheus {
  url: string | null
  foundBy: string | null
  window: string
  /** ISO time of the instant queried; null for "now". */
  at: string | null
  queries: Array<{quantity: string; promql: string}>
  error: string | null
}

/** The view model of `describe`: `-o json|yaml` serialise it, the text output renders it. */
export interface DescribeView extends Omit<VaReportList, 'items'> {
  items: DescribeItem[]
  prometheus: DescribePrometheus | null
}

/** The Prometheus outcome of a live run, as far as describe shows it. */
export interface PrometheusSummary {
  url?: string | undefined
  foundBy?: string | undefined
  window: string
  at?: Date | undefined
  queries: Array<{quantity: string; promql: string}>
  error?: {message: string} | undefined
}

export interface DescribeViewInputs {
  /** The whole list (its apiVersion, kind and warnings) and the reports asked for. */
  list: VaReportList
  items: readonly VaReport[]
  prometheus: PrometheusSummary | undefined
  /** Per-pod readings of every model (live runs with a pod breakdown). */
  pods: readonly PodBreakdown[] | undefined
  /** The decision with the controller's own inputs, for `--wva-compat` comparisons. */
  controllerInputs: (name: string, namespace: string) => ControllerInputsDecision | undefined
  /** The explanation of a report (render/explain.ts `explainDecision` at the run's time). */
  explain: (report: VaReport) => string[]
  /** The Events of a report (live runs); none when omitted. */
  events?: ((report: VaReport) => DescribeEvent[] | null) | undefined
}

/** One describe item: the report, its explanation, the compat decision and the pods of its model. */
export function describeItem(
  report: VaReport,
  inputs: Pick<DescribeViewInputs, 'explain'> &
    Partial<Pick<DescribeViewInputs, 'pods' | 'controllerInputs' | 'events'>>,
): DescribeItem {
  return {
    ...report,
    explanation: inputs.explain(report),
    withControllerInputs: inputs.controllerInputs?.(report.name, report.namespace) ?? null,
    pods: inputs.pods?.filter((pod) => pod.namespace === report.namespace && pod.modelID === report.modelID) ?? null,
    events: inputs.events?.(report) ?? null,
  }
}

export function describePrometheus(prometheus: PrometheusSummary | undefined): DescribePrometheus | null {
  if (!prometheus) return null
  return {
    url: prometheus.url ?? null,
    foundBy: prometheus.foundBy ?? null,
    window: prometheus.window,
    at: prometheus.at?.toISOString() ?? null,
    queries: prometheus.queries,
    error: prometheus.error?.message ?? null,
  }
}

/** The describe view: the list's fields, one item per report asked for, and the Prometheus outcome. */
export function buildDescribeView(inputs: DescribeViewInputs): DescribeView {
  return {
    ...inputs.list,
    items: inputs.items.map((report) => describeItem(report, inputs)),
    prometheus: describePrometheus(inputs.prometheus),
  }
}
