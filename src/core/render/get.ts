import type {VaReport} from '../view/va-report.js'
import {age} from './age.js'
import {type CsvColumn, renderCsv} from './csv.js'
import {escapeTerminal, formatNumber} from './format.js'
import {type Column, renderTable} from './table.js'

export interface GetTableOptions {
  wide: boolean
  noHeaders: boolean
  allNamespaces: boolean
  now: Date
  /** WVA v0.6+ variants are shown: -o wide adds KIND and MIN/MAX. */
  variants?: boolean | undefined
  /** Wraps a cell that is over its SLO (colour on a TTY). */
  highlight?: ((text: string) => string) | undefined
  /** Columns appended at the end (`-L`, `--show-labels`). */
  extraColumns?: readonly Column<VaReport>[] | undefined
}

/** The measured value against its target, `measured/target` (212/500); `<unknown>` when nothing was measured. */
function againstSlo(measured: number | null | undefined, target: number | undefined): string {
  if (measured === null || measured === undefined) return '<unknown>'
  return target === undefined || target === 0
    ? formatNumber(measured, 0)
    : `${formatNumber(measured, 0)}/${formatNumber(target, 0)}`
}

export function isOverSlo(report: VaReport, quantity: 'ttft' | 'itl'): boolean {
  const measured = quantity === 'ttft' ? report.metrics?.ttftMs : report.metrics?.itlMs
  const target = quantity === 'ttft' ? report.slo?.ttftMs : report.slo?.itlMs
  // A target of 0 means "not constrained".
  return measured !== null && measured !== undefined && target !== undefined && target > 0 && measured > target
}

export function recomputedCell(report: VaReport): string {
  if (report.problems.length > 0) return '<error>'
  switch (report.recomputed.outcome) {
    case 'allocated':
    case 'zeroLoad':
      return report.recomputed.replicas === null ? '<unknown>' : String(report.recomputed.replicas)
    case 'infeasible':
      return '<infeasible>'
    case 'skipped':
      return '<none>'
  }
}

/** WVA v0.6+: the object behind the row (VariantAutoscaling, HorizontalPodAutoscaler, ScaledObject). */
function kindOf(report: VaReport): string {
  return report.variant?.kind ?? 'VariantAutoscaling'
}

function boundsOf(report: VaReport): string {
  return report.variant === undefined ? '-' : `${report.variant.minReplicas}/${report.variant.maxReplicas}`
}

/**
 * The columns, in one vocabulary with simulate and describe (docs/output.md): CURRENT (the target's replicas now),
 * CONTROLLER (the controller's desired replicas), RECOMPUTED (ours, from the same inputs); TTFT(MS) and ITL(MS) are
 * measured, against the SLO. The default stays within 100 columns at typical names; -o wide adds the rest.
 */
function columns(options: GetTableOptions): Column<VaReport>[] {
  const count = (value: number | null) => (value === null ? '<unknown>' : String(value))
  const right = 'right' as const
  return [
    ...(options.allNamespaces ? [{header: 'NAMESPACE', value: (report: VaReport) => report.namespace}] : []),
    {header: 'NAME', value: (report) => report.name},
    {header: 'MODEL', value: (report) => report.modelID, wide: true},
    {header: 'ACCELERATOR', value: (report) => report.accelerator ?? '<none>', wide: true},
    {header: 'SHAPE', value: (report) => report.shape, wide: true},
    ...(options.variants ? [{header: 'KIND', value: (report: VaReport) => kindOf(report), wide: true}] : []),
    ...(options.variants ? [{header: 'MIN/MAX', value: (report: VaReport) => boundsOf(report), wide: true}] : []),
    {header: 'ENGINE', value: (report) => report.engine, wide: true},
    {header: 'RPM', value: (report) => formatNumber(report.metrics?.arrivalRateRpm, 1), align: right},
    {header: 'TTFT(MS)', value: (report) => againstSlo(report.metrics?.ttftMs, report.slo?.ttftMs), align: right},
    {header: 'ITL(MS)', value: (report) => againstSlo(report.metrics?.itlMs, report.slo?.itlMs), align: right},
    {header: 'CURRENT', value: (report) => count(report.replicas.desired), align: right},
    {header: 'READY', value: (report) => count(report.replicas.ready), wide: true, align: right},
    {
      header: 'CONTROLLER',
      value: (report) =>
        report.controller.desiredReplicas === null ? '<none>' : String(report.controller.desiredReplicas),
      align: right,
    },
    {header: 'RECOMPUTED', value: recomputedCell, align: right},
    {header: 'BOUND-BY', value: (report) => report.recomputed.boundBy ?? '<none>', wide: true},
    {header: 'COST/REPLICA', value: (report) => report.cost ?? '<none>', wide: true, align: right},
    {
      header: 'LAST-RUN',
      value: (report) => (report.controller.lastRunTime ? age(report.controller.lastRunTime, options.now) : '<none>'),
      wide: true,
    },
    {header: 'AGE', value: (report) => age(report.creationTimestamp ?? undefined, options.now), wide: true},
  ]
}

export function renderGetTable(reports: readonly VaReport[], options: GetTableOptions): string {
  const highlight = options.highlight
  return renderTable(reports, [...columns(options), ...(options.extraColumns ?? [])], {
    wide: options.wide,
    noHeaders: options.noHeaders,
    decorate: highlight
      ? (header, cell, rowIndex) => {
          const report = reports[rowIndex]!
          if (
            (header === 'TTFT(MS)' && isOverSlo(report, 'ttft')) ||
            (header === 'ITL(MS)' && isOverSlo(report, 'itl'))
          )
            return highlight(cell)
          return cell
        }
      : undefined,
  })
}

/** `-o name`, as kubectl prints it. */
export function renderNames(reports: readonly VaReport[]): string {
  const resource = (report: VaReport) =>
    ({HorizontalPodAutoscaler: 'horizontalpodautoscaler.autoscaling', ScaledObject: 'scaledobject.keda.sh'})[
      report.variant?.kind ?? ''
    ] ?? 'variantautoscaling.llmd.ai'
  return reports.map((report) => `${resource(report)}/${escapeTerminal(report.name)}\n`).join('')
}

/** `-o csv`: one line per VA, every value of the wide table at full precision, unknown values empty. */
export function renderGetCsv(reports: readonly VaReport[]): string {
  const csvColumns: CsvColumn<VaReport>[] = [
    {header: 'namespace', value: (report) => report.namespace},
    {header: 'name', value: (report) => report.name},
    {header: 'model', value: (report) => report.modelID},
    {header: 'accelerator', value: (report) => report.accelerator},
    {header: 'shape', value: (report) => report.shape},
    {header: 'engine', value: (report) => report.engine},
    {header: 'arrival_rate_rpm', value: (report) => report.metrics?.arrivalRateRpm},
    {header: 'ttft_ms', value: (report) => report.metrics?.ttftMs},
    {header: 'ttft_slo_ms', value: (report) => report.slo?.ttftMs},
    {header: 'itl_ms', value: (report) => report.metrics?.itlMs},
    {header: 'itl_slo_ms', value: (report) => report.slo?.itlMs},
    {header: 'current_replicas', value: (report) => report.replicas.desired},
    {header: 'ready_replicas', value: (report) => report.replicas.ready},
    {header: 'controller_desired_replicas', value: (report) => report.controller.desiredReplicas},
    {header: 'recomputed_replicas', value: (report) => report.recomputed.replicas},
    {
      header: 'recomputed_outcome',
      value: (report) => (report.problems.length > 0 ? 'error' : report.recomputed.outcome),
    },
    {header: 'bound_by', value: (report) => report.recomputed.boundBy},
    {header: 'cost', value: (report) => report.cost},
    {header: 'last_run_time', value: (report) => report.controller.lastRunTime},
    {header: 'creation_timestamp', value: (report) => report.creationTimestamp},
  ]
  return renderCsv(reports, csvColumns)
}
