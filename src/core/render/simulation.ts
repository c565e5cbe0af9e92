import {saturationPodFigures} from '../simulate/saturation-items.js'
import type {SaturationDetail, SimulationItem} from '../simulate/simulation-result.js'
import {type CsvColumn, renderCsv} from './csv.js'
import {formatNumber, formatPair, formatPercent} from './format.js'
import {type Column, renderTable} from './table.js'

/** Which engines a column speaks for: a family's columns show only when the table has one of its rows. */
type Family = 'both' | 'queueing' | 'saturation' | 'wva'
type SimulationColumn = Column<SimulationItem> & {family: Family}

const isQueueing = (item: SimulationItem) => item.engine === 'queueing-model'
/** WVA v0.6-v0.9 rows decided by saturation V2 or the queueing model (V1 rows carry `saturation`). */
const isWva = (item: SimulationItem) => item.variant !== undefined && item.saturation === null
// A cell that does not apply to the row's engine (kubectl's marker for absent values).
const notApplicable = '<none>'
const right = 'right' as const
const queueing = (value: (item: SimulationItem) => string) => (item: SimulationItem) =>
  isQueueing(item) ? value(item) : notApplicable
const saturation = (value: (detail: SaturationDetail) => string) => (item: SimulationItem) =>
  item.saturation === null ? notApplicable : value(item.saturation)

function prediction(item: SimulationItem, show: (value: NonNullable<SimulationItem['prediction']>) => string): string {
  return item.prediction ? show(item.prediction) : notApplicable
}

/** The predicted value against its target, `predicted/target` (46/500), as get shows the measured one. */
function predictedAgainst(predicted: number, target: number | undefined): string {
  return target === undefined || target === 0
    ? formatNumber(predicted, 0)
    : `${formatNumber(predicted, 0)}/${formatNumber(target, 0)}`
}

function figure(pick: (figures: NonNullable<ReturnType<typeof saturationPodFigures>>) => string) {
  return saturation((detail) => {
    const figures = saturationPodFigures(detail)
    return figures === null ? notApplicable : pick(figures)
  })
}

/** `spare<trigger` when the scale-up trigger fires, `spare>=trigger` when it does not. */
export function formatSpare(spare: number, trigger: number, decimals: number): string {
  if (!Number.isFinite(spare) || !Number.isFinite(trigger)) {
    return `${formatNumber(spare, decimals)}/${formatNumber(trigger, decimals)}`
  }
  // Fixed decimals: the two sides line up across rows (0.04<0.10, not 0.04<0.1).
  return `${spare.toFixed(decimals)}${spare < trigger ? '<' : '>='}${trigger.toFixed(decimals)}`
}

/**
 * The columns, in one vocabulary with get and describe (docs/output.md): CURRENT, CONTROLLER (wide), RECOMPUTED (the
 * decision simulated here); PRED-TTFT(MS) and PRED-ITL(MS) are predicted, against the SLO; TOTAL-COST is the cost of
 * all the recomputed replicas. The default stays within 100 columns at typical names; -o wide adds the rest.
 */
const columns: SimulationColumn[] = [
  {family: 'both', header: 'NAME', value: (item) => item.name},
  {family: 'both', header: 'MODEL', value: (item) => item.modelID, wide: true},
  {family: 'both', header: 'ACCELERATOR', value: (item) => item.accelerator ?? '<none>', wide: true},
  {family: 'both', header: 'SHAPE', value: (item) => item.shape, wide: true},
  {family: 'both', header: 'ENGINE', value: (item) => item.engine, wide: true},
  {family: 'both', header: 'RPM', value: (item) => formatNumber(item.load?.arrivalRate, 1), align: right},
  {
    family: 'queueing',
    header: 'TOKENS(IN/OUT)',
    value: queueing((item) => (item.load ? formatTokens(item.load) : '<unknown>')),
    wide: true,
    align: right,
  },
  {
    family: 'queueing',
    header: 'SLO(TTFT/ITL)',
    value: queueing((item) =>
      item.slo ? formatPair(formatNumber(item.slo.ttftMs, 0), formatNumber(item.slo.itlMs, 0)) : '<none>',
    ),
    wide: true,
    align: right,
  },
  {
    family: 'queueing',
    header: 'MAX-BATCH',
    value: queueing((item) => formatNumber(item.maxBatchSize, 0)),
    wide: true,
    align: right,
  },
  {family: 'both', header: 'CURRENT', value: (item) => String(item.current.replicas), align: right},
  {
    family: 'both',
    header: 'CONTROLLER',
    value: (item) => (item.controller.desiredReplicas === null ? '<none>' : String(item.controller.desiredReplicas)),
    wide: true,
    align: right,
  },
  {family: 'both', header: 'RECOMPUTED', value: recomputed, align: right},
  {
    family: 'queueing',
    header: 'PRED-TTFT(MS)',
    value: (item) => prediction(item, (value) => predictedAgainst(value.ttftMs, item.slo?.ttftMs)),
    align: right,
  },
  {
    family: 'queueing',
    header: 'PRED-ITL(MS)',
    value: (item) => prediction(item, (value) => predictedAgainst(value.itlMs, item.slo?.itlMs)),
    align: right,
  },
  {family: 'queueing', header: 'BOUND-BY', value: (item) => item.boundBy ?? notApplicable, wide: true},
  {
    family: 'queueing',
    header: 'UTIL',
    value: (item) => prediction(item, (value) => formatPercent(value.utilization)),
    wide: true,
    align: right,
  },
  {
    family: 'queueing',
    header: 'MAX-RPM/REPLICA',
    value: (item) => prediction(item, (value) => formatNumber(value.maxRatePerReplica, 1)),
    wide: true,
    align: right,
  },
  // The saturation engines' own inputs at the current replicas (under the load model with a load what-if).
  {
    family: 'saturation',
    header: 'MAX-KV',
    value: figure((figures) => formatPercent(figures.maxKvCacheUsage)),
    align: right,
  },
  {
    family: 'saturation',
    header: 'MAX-QUEUE',
    value: figure((figures) => formatNumber(figures.maxQueueLength, 0)),
    align: right,
  },
  {
    family: 'saturation',
    header: 'SATURATED',
    value: figure((figures) => `${figures.saturatedReplicas}/${figures.reportingReplicas}`),
    wide: true,
    align: right,
  },
  {
    family: 'saturation',
    header: 'SPARE-KV',
    value: saturation((detail) =>
      detail.model ? formatSpare(detail.model.avgSpareKvCapacity, detail.model.kvSpareTrigger, 2) : notApplicable,
    ),
    align: right,
  },
  {
    family: 'saturation',
    header: 'SPARE-QUEUE',
    value: saturation((detail) =>
      detail.model ? formatSpare(detail.model.avgSpareQueueLength, detail.model.queueSpareTrigger, 1) : notApplicable,
    ),
    wide: true,
    align: right,
  },
  // WVA v0.6-v0.9: the bounds every decision respects and the variant's demand over its capacity.
  {
    family: 'wva',
    header: 'MIN/MAX',
    value: (item) => (item.variant ? `${item.variant.minReplicas}/${item.variant.maxReplicas}` : notApplicable),
  },
  {
    family: 'wva',
    header: 'VAR-UTIL',
    value: (item) =>
      item.variant?.utilization === null || item.variant?.utilization === undefined
        ? notApplicable
        : formatPercent(item.variant.utilization),
  },
  {
    family: 'both',
    header: 'TOTAL-COST',
    value: (item) => (item.desired ? formatNumber(item.desired.cost, 2) : notApplicable),
    wide: true,
    align: right,
  },
  {family: 'both', header: 'OUTCOME', value: (item) => item.outcome, wide: true},
]

/** RECOMPUTED: the replicas decided here; `<infeasible>` or `<none>` (skipped) when there are none. */
function recomputed(item: SimulationItem): string {
  if (item.desired) return String(item.desired.replicas)
  return item.outcome === 'infeasible' ? '<infeasible>' : '<none>'
}

/** The columns for these rows: the queueing model's when a row uses it, the saturation engines' when a row uses one. */
export function simulationColumns(items: readonly SimulationItem[]): Column<SimulationItem>[] {
  const hasQueueing = items.some(isQueueing)
  const hasWva = items.some(isWva)
  const hasSaturation = items.some((item) => !isQueueing(item) && !isWva(item))
  const shows = (family: Family) => {
    if (family === 'both') return true
    if (family === 'wva') return hasWva
    return family === 'queueing' ? hasQueueing || (!hasSaturation && !hasWva) : hasSaturation
  }
  return columns.filter((column) => shows(column.family))
}

export function renderSimulationTable(
  items: readonly SimulationItem[],
  options: {
    wide?: boolean
    noHeaders?: boolean
    showNamespace?: boolean
    /** Columns appended at the end (`-L`, `--show-labels`). */
    extraColumns?: readonly Column<SimulationItem>[]
  },
): string {
  const shown = simulationColumns(items)
  const namespace: Column<SimulationItem> = {header: 'NAMESPACE', value: (item) => item.namespace}
  const withNamespace: Column<SimulationItem>[] = options.showNamespace ? [namespace, ...shown] : shown
  return renderTable(items, [...withNamespace, ...(options.extraColumns ?? [])], options)
}

/** `-o csv` of one instant: one line per VA, full precision, values that do not apply or are unknown empty. */
export function renderSimulationCsv(items: readonly SimulationItem[]): string {
  const columns: CsvColumn<SimulationItem>[] = [
    {header: 'namespace', value: (item) => item.namespace},
    {header: 'name', value: (item) => item.name},
    {header: 'model', value: (item) => item.modelID},
    {header: 'accelerator', value: (item) => item.accelerator},
    {header: 'engine', value: (item) => item.engine},
    {header: 'outcome', value: (item) => item.outcome},
    {header: 'arrival_rate_rpm', value: (item) => item.load?.arrivalRate},
    {header: 'avg_input_tokens', value: (item) => item.load?.avgInputTokens},
    {header: 'avg_output_tokens', value: (item) => item.load?.avgOutputTokens},
    {header: 'slo_ttft_ms', value: (item) => item.slo?.ttftMs},
    {header: 'slo_itl_ms', value: (item) => item.slo?.itlMs},
    {header: 'current_replicas', value: (item) => item.current.replicas},
    {header: 'recomputed_replicas', value: (item) => item.desired?.replicas},
    {header: 'predicted_ttft_ms', value: (item) => item.prediction?.ttftMs},
    {header: 'predicted_itl_ms', value: (item) => item.prediction?.itlMs},
    {header: 'utilization', value: (item) => item.prediction?.utilization},
    {header: 'bound_by', value: (item) => item.boundBy},
    {header: 'total_cost', value: (item) => item.desired?.cost},
    {header: 'reason', value: (item) => item.reason},
  ]
  return renderCsv(items, columns)
}

// An idle model has no token averages: "<none>" (does not apply) at a zero rate, "<unknown>" otherwise.
function formatTokens(load: NonNullable<SimulationItem['load']>): string {
  const tokens = (value: number | null) =>
    value === null && load.arrivalRate === 0 ? notApplicable : formatNumber(value, 0)
  return formatPair(tokens(load.avgInputTokens), tokens(load.avgOutputTokens))
}

/**
 * One line per VA that did not get an allocation, for stderr: an error for a VA that could not be evaluated, in
 * the form `error: <object>: <what>; <fix>` as get prints it, and a warning for an infeasible one (a valid answer).
 */
export function simulationNotes(items: readonly SimulationItem[]): string[] {
  return items.flatMap((item) => {
    const object = `${(item.variant?.kind ?? 'VariantAutoscaling').toLowerCase()} ${item.namespace}/${item.name}`
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
