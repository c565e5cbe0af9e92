import type {SimulationItem} from '../inspect/simulation-result.js'
import {formatNumber, formatPair, formatPercent} from './format.js'
import {type Column, renderTable} from './table.js'

const columns: Column<SimulationItem>[] = [
  {header: 'NAME', value: (item) => item.name},
  {header: 'MODEL', value: (item) => item.modelID},
  {header: 'ACCELERATOR', value: (item) => item.accelerator ?? '<unset>'},
  {header: 'SHAPE', value: (item) => item.shape, wide: true},
  {header: 'ENGINE', value: (item) => item.engine, wide: true},
  {header: 'RATE(RPM)', value: (item) => formatNumber(item.load?.arrivalRate, 1)},
  {header: 'TOKENS(IN/OUT)', value: (item) => (item.load ? formatPair(formatNumber(item.load.avgInputTokens, 0), formatNumber(item.load.avgOutputTokens, 0)) : '<unknown>')},
  {header: 'SLO(TTFT/ITL)', value: (item) => (item.slo ? formatPair(formatNumber(item.slo.ttftMs, 0), formatNumber(item.slo.itlMs, 0)) : '<none>')},
  {header: 'MAX-BATCH', value: (item) => formatNumber(item.maxBatchSize, 0), wide: true},
  {header: 'CURRENT', value: (item) => String(item.current.replicas)},
  {header: 'DESIRED', value: (item) => (item.desired ? String(item.desired.replicas) : '<none>')},
  {header: 'TTFT(MS)', value: (item) => (item.prediction ? formatNumber(item.prediction.ttftMs, 1) : '-')},
  {header: 'ITL(MS)', value: (item) => (item.prediction ? formatNumber(item.prediction.itlMs, 1) : '-')},
  {header: 'BOUND-BY', value: (item) => item.boundBy ?? '-'},
  {header: 'UTIL', value: (item) => (item.prediction ? formatPercent(item.prediction.utilization) : '-'), wide: true},
  {header: 'MAX-RPM/REPLICA', value: (item) => (item.prediction ? formatNumber(item.prediction.maxRatePerReplica, 1) : '-'), wide: true},
  {header: 'COST', value: (item) => (item.desired ? formatNumber(item.desired.cost, 2) : '-'), wide: true},
  {header: 'OUTCOME', value: (item) => item.outcome, wide: true},
]

export function renderSimulationTable(items: readonly SimulationItem[], options: {wide?: boolean; noHeaders?: boolean; showNamespace?: boolean}): string {
  const withNamespace: Column<SimulationItem>[] = options.showNamespace ? [{header: 'NAMESPACE', value: (item) => item.namespace}, ...columns] : columns
  return renderTable(items, withNamespace, options)
}

/** One line per VA that did not get an allocation, for stderr. */
export function simulationNotes(items: readonly SimulationItem[]): string[] {
  return items
    .filter((item) => item.outcome === 'infeasible' || item.outcome === 'skipped')
    .map((item) => `variantautoscaling ${item.namespace}/${item.name}: ${item.outcome}: ${item.reason ?? 'no reason given'}`)
}
