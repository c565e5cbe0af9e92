import type {SweepResult, SweepRow} from '../sweep/run-sweep.js'
import {type CsvColumn, renderCsv} from './csv.js'
import {formatNumber, formatPercent} from './format.js'
import {type Column, renderTable} from './table.js'

function valueHeader(result: Pick<SweepResult, 'parameter' | 'unit'>): string {
  return `${result.parameter.toUpperCase()}(${result.unit.toUpperCase()})`
}

/** The sweep as a kubectl-style table: one line per value (and per VA when several), NAME first when several. */
export function renderSweepTable(result: SweepResult, options: {wide?: boolean; noHeaders?: boolean} = {}): string {
  const columns: Column<SweepRow>[] = [
    {header: valueHeader(result), value: (row) => formatNumber(row.value, 2), align: 'right'},
    {header: 'DESIRED', value: (row) => (row.desiredReplicas === null ? '<none>' : String(row.desiredReplicas)), align: 'right'},
    {header: 'TTFT(MS)', value: (row) => (row.ttftMs === null ? '-' : formatNumber(row.ttftMs, 1)), align: 'right'},
    {header: 'ITL(MS)', value: (row) => (row.itlMs === null ? '-' : formatNumber(row.itlMs, 1)), align: 'right'},
    {header: 'UTIL', value: (row) => (row.utilization === null ? '-' : formatPercent(row.utilization)), align: 'right'},
    {header: 'COST', value: (row) => (row.cost === null ? '-' : formatNumber(row.cost, 2)), align: 'right'},
    {header: 'BOUND-BY', value: (row) => row.boundBy ?? '-'},
    {header: 'MAX-RPM/REPLICA', value: (row) => (row.maxRpmPerReplica === null ? '-' : formatNumber(row.maxRpmPerReplica, 1)), wide: true, align: 'right'},
    {header: 'OUTCOME', value: (row) => row.outcome},
  ]
  const names = new Set(result.rows.map((row) => `${row.namespace}/${row.name}`))
  const namespaces = new Set(result.rows.map((row) => row.namespace))
  const leading: Column<SweepRow>[] = []
  if (namespaces.size > 1) leading.push({header: 'NAMESPACE', value: (row) => row.namespace})
  if (names.size > 1) leading.push({header: 'NAME', value: (row) => row.name})
  return renderTable(result.rows, [...leading, ...columns], options)
}

/** One line per VA and value, numbers unrounded, for spreadsheets. */
export function renderSweepCsv(result: SweepResult): string {
  const columns: CsvColumn<SweepRow>[] = [
    {header: 'namespace', value: (row) => row.namespace},
    {header: 'name', value: (row) => row.name},
    {header: `${result.parameter}_${result.unit}`, value: (row) => row.value},
    {header: 'outcome', value: (row) => row.outcome},
    {header: 'desired_replicas', value: (row) => row.desiredReplicas},
    {header: 'ttft_ms', value: (row) => row.ttftMs},
    {header: 'itl_ms', value: (row) => row.itlMs},
    {header: 'utilization', value: (row) => row.utilization},
    {header: 'cost', value: (row) => row.cost},
    {header: 'max_rpm_per_replica', value: (row) => row.maxRpmPerReplica},
    {header: 'bound_by', value: (row) => row.boundBy},
    {header: 'reason', value: (row) => row.reason},
  ]
  return renderCsv(result.rows, columns)
}

/** Lines for stderr: each VA whose every point was skipped, once (the table already shows infeasible points). */
export function sweepNotes(result: SweepResult): string[] {
  const byVa = new Map<string, SweepRow[]>()
  for (const row of result.rows) byVa.set(`${row.namespace}/${row.name}`, [...(byVa.get(`${row.namespace}/${row.name}`) ?? []), row])
  const notes: string[] = []
  for (const [name, rows] of byVa) {
    if (rows.every((row) => row.outcome === 'skipped')) notes.push(`variantautoscaling ${name}: skipped: ${rows[0]!.reason ?? 'no reason given'}`)
  }
  return notes
}
