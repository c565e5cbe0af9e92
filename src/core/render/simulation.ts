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
  {header: 'TOKENS(IN/OUT)', value: (item) => (item.load ? formatTokens(item.load) : '<unknown>')},
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

// An idle model has no token averages: "-" (does not apply) at a zero rate, "<unknown>" otherwise.
function formatTokens(load: NonNullable<SimulationItem['load']>): string {
  const tokens = (value: number | null) => (value === null && load.arrivalRate === 0 ? '-' : formatNumber(value, 0))
  return formatPair(tokens(load.avgInputTokens), tokens(load.avgOutputTokens))
}

/**
 * One line per VA that did not get an allocation, for stderr: an error for a VA that could not be evaluated, in
 * the form `error: <object>: <what>; <fix>` as get prints it, and a warning for an infeasible one (a valid answer).
 */
export function simulationNotes(items: readonly SimulationItem[]): string[] {
  return items.flatMap((item) => {
    const object = `variantautoscaling ${item.namespace}/${item.name}`
    if (item.outcome === 'skipped') return [`error: ${object}: ${withFix(item.reason ?? 'cannot be evaluated')}`]
    if (item.outcome === 'infeasible') return [`warning: ${object}: infeasible: ${item.reason ?? 'no reason given'}`]
    return []
  })
}

// Reasons from the optimizer's own input checks (upstream's texts) carry no fix; name the field to correct.
function withFix(reason: string): string {
  if (reason.includes('; ')) return reason
  const perfParms = /^(length of (decode|prefill)Parms|alpha|beta|gamma|delta)\b/
  if (perfParms.test(reason)) return `${reason}; fix the profile's perfParms`
  if (reason.startsWith('unable to parse accelerator cost')) return `${reason}; fix its entry in accelerator-unit-costs`
  if (reason.startsWith('variantCost')) return `${reason}; fix spec.variantCost`
  return `${reason}; check the VA and its ConfigMaps with kubectl va describe`
}
