import type {SweepResult, SweepRow, SweepSaturation} from '../simulate/run-sweep.js'
import {type CsvColumn, renderCsv} from './csv.js'
import {formatNumber, formatPercent} from './format.js'
import {formatSpare} from './simulation.js'
import {type Column, renderTable} from './table.js'

function valueHeader(result: Pick<SweepResult, 'parameter' | 'unit'>): string {
  return `${result.parameter.toUpperCase()}(${result.unit.toUpperCase()})`
}

const isQueueing = (row: SweepRow) => row.engine === 'queueing-model'
const families = (rows: readonly SweepRow[]) => {
  const saturation = rows.some((row) => !isQueueing(row))
  return {queueing: rows.some(isQueueing) || !saturation, saturation}
}
// A cell that does not apply to the row's engine, or a value there is not (kubectl's marker for absent values).
const dash = '<none>'
const number = (value: number | null, decimals: number) => (value === null ? dash : formatNumber(value, decimals))
const percent = (value: number | null) => (value === null ? dash : formatPercent(value))
const right = 'right' as const
const maxRpm = (row: SweepRow) => number(row.maxRpmPerReplica, 1)
function saturationCell(pick: (figures: SweepSaturation) => string) {
  return (row: SweepRow) => (row.saturation === null ? dash : pick(row.saturation))
}
function spare(spareValue: number | null, trigger: number | null, decimals: number): string {
  return spareValue === null || trigger === null ? dash : formatSpare(spareValue, trigger, decimals)
}

/** RECOMPUTED: the replicas at this value; `<infeasible>` or `<none>` (skipped) when there are none. */
function recomputed(row: SweepRow): string {
  if (row.desiredReplicas !== null) return String(row.desiredReplicas)
  return row.outcome === 'infeasible' ? '<infeasible>' : '<none>'
}

/**
 * The sweep as a kubectl-style table: one line per value (and per VA when several), NAME first when several. The
 * queueing model's columns show when a row uses it, the saturation engines' when a row uses one of them.
 */
export function renderSweepTable(result: SweepResult, options: {wide?: boolean; noHeaders?: boolean} = {}): string {
  const shown = families(result.rows)
  const queueingColumns: Column<SweepRow>[] = [
    {header: 'PRED-TTFT(MS)', value: (row) => number(row.ttftMs, 1), align: 'right'},
    {header: 'PRED-ITL(MS)', value: (row) => number(row.itlMs, 1), align: 'right'},
    {header: 'UTIL', value: (row) => percent(row.utilization), wide: true, align: 'right'},
  ]
  const saturationColumns: Column<SweepRow>[] = [
    {header: 'MAX-KV', value: saturationCell((figures) => percent(figures.maxKvCacheUsage)), align: 'right'},
    {header: 'MAX-QUEUE', value: saturationCell((figures) => number(figures.maxQueueLength, 0)), align: 'right'},
    {
      header: 'SATURATED',
      value: saturationCell((figures) =>
        figures.reportingReplicas === null ? dash : `${figures.saturatedReplicas}/${figures.reportingReplicas}`,
      ),
      wide: true,
      align: 'right',
    },
    {
      header: 'SPARE-KV',
      value: saturationCell((it) => spare(it.avgSpareKvCapacity, it.kvSpareTrigger, 2)),
      align: 'right',
    },
    {
      header: 'SPARE-QUEUE',
      value: saturationCell((it) => spare(it.avgSpareQueueLength, it.queueSpareTrigger, 1)),
      wide: true,
      align: 'right',
    },
    {header: 'CYCLES', value: saturationCell((figures) => number(figures.settleCycles, 0)), wide: true, align: 'right'},
  ]
  // The vocabulary of simulate (docs/output.md): RECOMPUTED replicas, PRED- latencies, TOTAL-COST of all of them.
  const columns: Column<SweepRow>[] = [
    {header: valueHeader(result), value: (row) => formatNumber(row.value, 2), align: 'right'},
    {header: 'RECOMPUTED', value: recomputed, align: 'right'},
    ...(shown.queueing ? queueingColumns : []),
    {header: 'TOTAL-COST', value: (row) => number(row.cost, 2), align: 'right'},
    ...(shown.queueing ? [{header: 'BOUND-BY', value: (row: SweepRow) => row.boundBy ?? dash}] : []),
    ...(shown.queueing ? [{header: 'MAX-RPM/REPLICA', value: maxRpm, wide: true, align: right}] : []),
    ...(shown.saturation ? saturationColumns : []),
    {header: 'OUTCOME', value: (row) => row.outcome, wide: true},
  ]
  const names = new Set(result.rows.map((row) => `${row.namespace}/${row.name}`))
  const namespaces = new Set(result.rows.map((row) => row.namespace))
  const leading: Column<SweepRow>[] = []
  if (namespaces.size > 1) leading.push({header: 'NAMESPACE', value: (row) => row.namespace})
  if (names.size > 1) leading.push({header: 'NAME', value: (row) => row.name})
  return renderTable(result.rows, [...leading, ...columns], options)
}

/**
 * One line per VA and value, numbers unrounded, for spreadsheets. The saturation engines' columns follow the
 * others when a row uses one of them.
 */
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
  const saturation = (pick: (figures: SweepSaturation) => number | string | null) => (row: SweepRow) =>
    row.saturation === null ? null : pick(row.saturation)
  const saturationColumns: CsvColumn<SweepRow>[] = [
    {header: 'engine', value: (row) => row.engine},
    {header: 'load_scale', value: saturation((figures) => figures.loadScale)},
    {header: 'max_kv_cache_usage', value: saturation((figures) => figures.maxKvCacheUsage)},
    {header: 'max_queue_length', value: saturation((figures) => figures.maxQueueLength)},
    {header: 'saturated_replicas', value: saturation((figures) => figures.saturatedReplicas)},
    {header: 'reporting_replicas', value: saturation((figures) => figures.reportingReplicas)},
    {header: 'avg_spare_kv', value: saturation((figures) => figures.avgSpareKvCapacity)},
    {header: 'kv_spare_trigger', value: saturation((figures) => figures.kvSpareTrigger)},
    {header: 'avg_spare_queue', value: saturation((figures) => figures.avgSpareQueueLength)},
    {header: 'queue_spare_trigger', value: saturation((figures) => figures.queueSpareTrigger)},
    {header: 'next_action', value: saturation((figures) => figures.action)},
    {header: 'settle_cycles', value: saturation((figures) => figures.settleCycles)},
    {header: 'settle_status', value: saturation((figures) => figures.settleStatus)},
  ]
  return renderCsv(result.rows, families(result.rows).saturation ? [...columns, ...saturationColumns] : columns)
}

/** Lines for stderr: each VA whose every point was skipped, once (the table already shows infeasible points). */
export function sweepNotes(result: SweepResult): string[] {
  const byVa = new Map<string, SweepRow[]>()
  for (const row of result.rows)
    byVa.set(`${row.namespace}/${row.name}`, [...(byVa.get(`${row.namespace}/${row.name}`) ?? []), row])
  const notes: string[] = []
  for (const [name, rows] of byVa) {
    if (rows.every((row) => row.outcome === 'skipped'))
      notes.push(`variantautoscaling ${name}: skipped: ${rows[0]!.reason ?? 'no reason given'}`)
  }
  return notes
}
