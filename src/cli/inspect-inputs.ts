import type {VaReport, VaReportList} from '../core/view/va-report.js'
import type {ModelMetrics} from '../core/model/metrics.js'
import {type CommandInputs, loadInputs, type LoadOptions} from './load-inputs.js'
import type {InputOptions} from './input-options.js'
import {noResourcesMessage, reportInputProblems} from './report.js'

export interface InspectedInputs {
  inputs: CommandInputs
  list: VaReportList
  /** The reports asked for (all when no names were given). */
  items: VaReport[]
  /** Names given offline that no manifest defines (the cluster reader fails on those itself). */
  missing: string[]
  /** The same reports computed from other metrics (describe's controller-inputs comparison). */
  inspectWith: (metrics: readonly ModelMetrics[] | undefined) => VaReportList
}

/**
 * What get and describe share: read the inputs, inspect every VA, keep the named ones, and report on stderr the
 * problems, warnings and "No resources found" before the command prints its product.
 */
export async function inspectInputs(
  input: InputOptions,
  options: Pick<LoadOptions, 'podBreakdown' | 'secrets'> = {},
): Promise<InspectedInputs> {
  const names = input.names
  const inputs = await loadInputs(input, options)
  const {inspectAll} = await import('../core/view/inspect.js')
  const inspectWith = (metrics: readonly ModelMetrics[] | undefined) =>
    inspectAll(inputs.state, {
      metrics,
      gauges: inputs.gauges,
      pods: inputs.saturationPods,
      requestCounts: inputs.requestCounts,
    })
  const list = inspectWith(inputs.metrics)
  const items = names.length > 0 ? list.items.filter((item) => names.includes(item.name)) : list.items
  const missing =
    inputs.mode === 'offline' ? names.filter((name) => !list.items.some((item) => item.name === name)) : []
  reportInputProblems(inputs, missing)
  for (const warning of list.warnings) process.stderr.write(`warning: ${warning}\n`)
  if (items.length === 0 && missing.length === 0)
    process.stderr.write(`${noResourcesMessage(inputs, input.allNamespaces)}\n`)
  return {inputs, list, items, missing, inspectWith}
}
