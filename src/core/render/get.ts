import type {VaReport} from '../view/va-report.js'
import {age} from './age.js'
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
}

/** `measured/target`, e.g. 212/500; `-` when nothing was measured. */
function againstSlo(measured: number | null | undefined, target: number | undefined): string {
  if (measured === null || measured === undefined) return target === undefined ? '-' : `-/${formatNumber(target, 0)}`
  return target === undefined ? formatNumber(measured, 0) : `${formatNumber(measured, 0)}/${formatNumber(target, 0)}`
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
      return report.recomputed.replicas === null ? '-' : String(report.recomputed.replicas)
    case 'infeasible':
      return '<infeasible>'
    case 'skipped':
      return '-'
  }
}

/** WVA v0.6+: the object behind the row (VariantAutoscaling, HorizontalPodAutoscaler, ScaledObject). */
function kindOf(report: VaReport): string {
  return report.variant?.kind ?? 'VariantAutoscaling'
}

function boundsOf(report: VaReport): string {
  return report.variant === undefined ? '-' : `${report.variant.minReplicas}/${report.variant.maxReplicas}`
}

function columns(options: GetTableOptions): Column<VaReport>[] {
  const number = (value: number | null) => (value === null ? '<unknown>' : String(value))
  return [
    ...(options.allNamespaces ? [{header: 'NAMESPACE', value: (report: VaReport) => report.namespace}] : []),
    {header: 'NAME', value: (report) => report.name},
    {header: 'MODEL', value: (report) => report.modelID},
    {header: 'ACCELERATOR', value: (report) => report.accelerator ?? '<unset>'},
    {header: 'SHAPE', value: (report) => report.shape, wide: true},
    ...(options.variants ? [{header: 'KIND', value: (report: VaReport) => kindOf(report), wide: true}] : []),
    ...(options.variants ? [{header: 'MIN/MAX', value: (report: VaReport) => boundsOf(report), wide: true}] : []),
    {header: 'ENGINE', value: (report) => report.engine, wide: true},
    {
      header: 'RATE(RPM)',
      value: (report) =>
        report.metrics?.arrivalRateRpm == null ? '-' : formatNumber(report.metrics.arrivalRateRpm, 1),
    },
    {header: 'TTFT(MS)', value: (report) => againstSlo(report.metrics?.ttftMs, report.slo?.ttftMs)},
    {header: 'ITL(MS)', value: (report) => againstSlo(report.metrics?.itlMs, report.slo?.itlMs)},
    {header: 'CURRENT', value: (report) => number(report.replicas.desired)},
    {header: 'READY', value: (report) => number(report.replicas.ready)},
    {
      header: 'DESIRED',
      value: (report) =>
        report.controller.desiredReplicas === null ? '<none>' : String(report.controller.desiredReplicas),
    },
    {header: 'RECOMPUTED', value: recomputedCell},
    {header: 'BOUND-BY', value: (report) => report.recomputed.boundBy ?? '-', wide: true},
    {header: 'COST', value: (report) => report.cost ?? '<unset>', wide: true},
    {
      header: 'LAST-RUN',
      value: (report) => (report.controller.lastRunTime ? age(report.controller.lastRunTime, options.now) : '<never>'),
      wide: true,
    },
    {header: 'AGE', value: (report) => age(report.creationTimestamp ?? undefined, options.now)},
  ]
}

export function renderGetTable(reports: readonly VaReport[], options: GetTableOptions): string {
  const highlight = options.highlight
  return renderTable(reports, columns(options), {
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
