/**
 * Text forms of `kubectl va scalers`: the list (table, wide, csv), the replay's chart, comparison table, per-step
 * reasons and csv. The reasons are rendered here from the controllers' explanations (data until render).
 */
import type {HpaWhy, LimitWhy, MetricProposal, StabilizationWhy} from '../decide/hpa/types.js'
import type {KedaPollWhy} from '../decide/keda/types.js'
import type {ReplayStep, VaReplay} from '../simulate/replay.js'
import type {ScalerSummary} from '../simulate/scaler-replay.js'
import type {ScalerItemView, ScalerListView, ScalerReplayItemView, ScalerReplayView} from '../view/scalers.js'
import {type ChartOptions, renderReplayChart} from './chart.js'
import {csvTime, renderCsv} from './csv.js'
import {formatNumber} from './format.js'
import {type Column, renderTable} from './table.js'

const kindShort = (kind: string) => (kind === 'ScaledObject' ? 'ScaledObject' : 'HPA')
// The vocabulary get uses (issue 13): `<unknown>` for a value that exists but is not known, `<none>` for
// one that is absent (no target, no model, no SLO given), numbers right-aligned.
const unknown = '<unknown>'
const none = '<none>'
const right = 'right' as const
const count = (value: number | null) => (value === null ? unknown : String(value))
const num = (value: number | null, decimals = 3) => (value === null ? unknown : formatNumber(value, decimals))

/** `current/target` of each metric as kubectl's TARGETS column; with `named`, each prefixed by its name (-o wide). */
function metricCell(item: ScalerItemView, named: boolean): string {
  if (item.metrics.length === 0) return none
  return item.metrics
    .map((metric) => {
      const name = named ? `${metric.name}:` : ''
      if (metric.targetType === 'Utilization') return `${name}${num(metric.value)}%/${num(metric.target)}%`
      if (metric.targetType === 'Value') return `${name}${num(metric.value)}/${num(metric.target)}`
      // As kubectl shows an AverageValue target: the total over the current replicas.
      const replicas = item.currentReplicas
      const average = metric.value === null || replicas === null || replicas === 0 ? null : metric.value / replicas
      return `${name}${num(average)}/${num(metric.target)}(avg)`
    })
    .join(',')
}

export interface ListTableOptions {
  readonly wide: boolean
  readonly noHeaders: boolean
  readonly showNamespace: boolean
}

export function renderScalerTable(view: ScalerListView, options: ListTableOptions): string {
  const columns: Column<ScalerItemView>[] = [
    ...(options.showNamespace ? [{header: 'NAMESPACE', value: (item: ScalerItemView) => item.namespace}] : []),
    {header: 'NAME', value: (item) => item.name},
    {header: 'KIND', value: (item) => kindShort(item.kind), wide: true},
    {header: 'TARGET', value: (item) => (item.target === null ? none : `${item.target.kind}/${item.target.name}`)},
    {header: 'MODEL', value: (item) => item.model ?? none, wide: true},
    {header: 'METRICS', value: (item) => metricCell(item, false), narrowOnly: true},
    {header: 'METRICS', value: (item) => metricCell(item, true), wide: true},
    {header: 'MIN', value: (item) => String(item.minReplicas), align: right},
    {header: 'MAX', value: (item) => String(item.maxReplicas), align: right},
    {header: 'CURRENT', value: (item) => count(item.currentReplicas), align: right},
    {header: 'CONTROLLER', value: (item) => count(item.desiredReplicas), align: right},
    {header: 'RECOMPUTED', value: (item) => count(item.computedReplicas), wide: true, align: right},
    {header: 'GPUS/REPLICA', value: (item) => count(item.acceleratorsPerReplica), wide: true, align: right},
    {header: 'STATUS', value: (item) => (item.error === null ? 'ok' : 'error'), wide: true},
  ]
  return renderTable(view.items, columns, {wide: options.wide, noHeaders: options.noHeaders})
}

/** One row per metric. */
export function renderScalerListCsv(view: ScalerListView): string {
  const rows = view.items.flatMap((item) =>
    (item.metrics.length > 0 ? item.metrics : [null]).map((metric) => ({item, metric})),
  )
  return renderCsv(rows, [
    {header: 'namespace', value: (row) => row.item.namespace},
    {header: 'name', value: (row) => row.item.name},
    {header: 'kind', value: (row) => row.item.kind},
    {
      header: 'target',
      value: (row) => (row.item.target === null ? null : `${row.item.target.kind}/${row.item.target.name}`),
    },
    {header: 'model', value: (row) => row.item.model},
    {header: 'current_replicas', value: (row) => row.item.currentReplicas},
    {header: 'desired_replicas', value: (row) => row.item.desiredReplicas},
    {header: 'computed_replicas', value: (row) => row.item.computedReplicas},
    {header: 'metric', value: (row) => row.metric?.name ?? null},
    {header: 'target_type', value: (row) => row.metric?.targetType ?? null},
    {header: 'target_value', value: (row) => row.metric?.target ?? null},
    {header: 'value', value: (row) => row.metric?.value ?? null},
    {header: 'query', value: (row) => row.metric?.query ?? null},
    {header: 'error', value: (row) => row.item.error},
  ])
}

// ---- reasons

function proposalText(proposal: MetricProposal): string {
  if (proposal.kind === 'error') return `${proposal.metric}: ${proposal.message}`
  const ratio = formatNumber(proposal.usageRatio, 3)
  const tolerance = proposal.withinTolerance ? ', within tolerance' : ''
  return `${proposal.metric}=${formatNumber(proposal.usage, 3)} (ratio ${ratio}${tolerance}) → ${proposal.replicas}`
}

function stabilizationText(why: StabilizationWhy): string | null {
  if (why.kind === 'none') return null
  const window = why.kind === 'scale-up-window' ? 'scale-up' : 'scale-down'
  const at = new Date(why.boundTimeMs).toISOString().slice(11, 19)
  return (
    `held at ${why.boundReplicas} by the ${why.windowSeconds}s ${window} stabilization window ` +
    `(recommendation of ${at})`
  )
}

function limitText(why: LimitWhy): string | null {
  switch (why.kind) {
    case 'within-range':
      return null
    case 'too-few-replicas':
      return `raised to minReplicas ${why.minReplicas}`
    case 'too-many-replicas':
      return `capped at maxReplicas ${why.maxReplicas}`
    case 'legacy-scale-up-limit':
      return `capped at ${why.limit} by the scale-up limit max(2 × current, 4)`
    default: {
      if (why.policy === null) return `${why.kind === 'scale-up-policy' ? 'scale-up' : 'scale-down'} disabled`
      const policy = `${why.policy.type} ${why.policy.value}/${why.policy.periodSeconds}s`
      const direction = why.kind === 'scale-up-policy' ? 'scale-up' : 'scale-down'
      return (
        `limited to ${why.limit} by the ${direction} policy ${policy} (selectPolicy ${why.selectPolicy}, ` +
        `${why.periodStartReplicas ?? '?'} replicas at the period start)`
      )
    }
  }
}

export function hpaReason(why: HpaWhy): string {
  switch (why.kind) {
    case 'scaling-disabled':
      return 'HPA idle at 0 replicas (scaling disabled until KEDA activates)'
    case 'above-max':
      return `above maxReplicas: set to ${why.maxReplicas}`
    case 'below-min':
      return `below minReplicas: set to ${why.minReplicas}`
    case 'metrics-failed':
      return `no change: ${
        why.proposals
          .filter((p) => p.kind === 'error')
          .map(proposalText)
          .join('; ') || 'metrics failed'
      }`
    case 'computed': {
      const winner = why.proposals.find((p) => p.kind === 'ok' && p.metric === why.metric)
      const parts = [winner === undefined ? `proposal ${why.metricReplicas}` : proposalText(winner)]
      const stabilized = stabilizationText(why.stabilization)
      if (stabilized !== null) parts.push(stabilized)
      const limited = limitText(why.limit)
      if (limited !== null) parts.push(limited)
      return parts.join('; ')
    }
  }
}

export function kedaReason(why: KedaPollWhy): string | null {
  const action = why.action
  switch (action.kind) {
    case 'activate':
      return `KEDA activated ${action.from} → ${action.to} (a trigger is above its activation threshold)`
    case 'deactivate':
      return `KEDA scaled ${action.from} → ${action.to} (inactive past the cooldown)`
    case 'set-min':
      return `KEDA set minReplicaCount ${action.to}`
    case 'cooling-down':
      return `KEDA inactive, cooling down until ${new Date(action.deactivateAfterMs).toISOString().slice(11, 19)}`
    case 'hold-on-error':
      return 'KEDA holds: a trigger failed'
    default:
      return null
  }
}

/** The reason for a step: KEDA's action, then the HPA's, whichever ran. */
export function stepReason(step: {keda: KedaPollWhy | null; hpa: HpaWhy | null}): string {
  const parts: string[] = []
  const keda = step.keda === null ? null : kedaReason(step.keda)
  if (keda !== null) parts.push(keda)
  if (step.hpa !== null) parts.push(hpaReason(step.hpa))
  return parts.join('; ')
}

// ---- replay

function chartOf(item: ScalerReplayItemView, stepSeconds: number): VaReplay {
  const first = item.variants[0]
  const second = item.variants[1]
  const steps: ReplayStep[] = item.timesMs.map((timeMs, index) => {
    const load = item.loadRpm[index] ?? null
    return {
      timeMs,
      load: load === null ? null : {arrivalRateRpm: load, avgInputTokens: 0, avgOutputTokens: 0},
      measuredTtftMs: item.ttftMs[index] ?? null,
      measuredItlMs: item.itlMs[index] ?? null,
      outcome: 'decided' as ReplayStep['outcome'],
      desiredReplicas: first?.replicas[index] ?? null,
      cost: null,
      predictedTtftMs: null,
      predictedItlMs: null,
      controllerReplicas: second?.replicas[index] ?? null,
      actualReplicas: item.recordedReplicas[index] ?? null,
    }
  })
  const empty = {
    knownSteps: 0,
    replicaHours: 0,
    costHours: null,
    scalingChanges: 0,
    minReplicas: null,
    maxReplicas: null,
  }
  return {
    namespace: item.namespace,
    name: item.name,
    modelID: item.model ?? '',
    skipReason: null,
    seriesSources: {},
    steps,
    summary: {
      steps: steps.length,
      stepSeconds,
      noDataSteps: 0,
      longestNoDataSeconds: 0,
      infeasibleSteps: 0,
      ours: empty,
      controller: null,
      actual: null,
      largestGapVsActual: null,
      largestGapVsController: null,
      overSlo: null,
    },
  }
}

export function renderScalerCharts(view: ScalerReplayView, options: ChartOptions): string {
  return view.items
    .filter((item) => item.error === null)
    .map((item) =>
      renderReplayChart(chartOf(item, view.stepSeconds), {
        ...options,
        labels: {
          ours: item.variants[0]?.label ?? 'configured',
          controller: item.variants[1]?.label ?? '-',
          actual: 'recorded',
        },
      }),
    )
    .join('\n')
}

// The recorded row has no lag (it is the reference), and no SLO given means no SLO minutes: absent, `<none>`.
const lagText = (summary: ScalerSummary) =>
  summary.maxLagSeconds === null ? none : `${formatNumber(summary.maxLagSeconds, 0)}s`
const sloText = (value: number | null, estimate: boolean) =>
  value === null ? none : `${formatNumber(value, 1)}${estimate ? '~' : ''}`

/** The side-by-side comparison: the recorded replicas, then each variant; replica-hours and min/max under -o wide. */
export function renderComparisonTable(view: ScalerReplayView, options: {noHeaders: boolean; wide: boolean}): string {
  const rows = view.items.flatMap((item) =>
    item.error === null
      ? [item.recorded, ...item.variants.map((variant) => variant.summary)].map((summary) => ({item, summary}))
      : [],
  )
  const columns: Column<(typeof rows)[number]>[] = [
    {header: 'SCALER', value: (row) => `${row.item.namespace}/${row.item.name}`},
    {header: 'POLICY', value: (row) => row.summary.label},
    {header: 'GPU-HOURS', value: (row) => num(row.summary.gpuHours, 2), align: right},
    {header: 'REPLICA-HOURS', value: (row) => num(row.summary.replicaHours, 2), wide: true, align: right},
    {header: 'EVENTS', value: (row) => String(row.summary.scalingEvents), align: right},
    {header: 'MIN', value: (row) => count(row.summary.minReplicas), wide: true, align: right},
    {header: 'MAX', value: (row) => count(row.summary.maxReplicas), wide: true, align: right},
    {
      header: 'TTFT>SLO(MIN)',
      value: (row) => sloText(row.summary.minutesOverTtftSlo, row.summary.sloEstimate),
      align: right,
    },
    {
      header: 'ITL>SLO(MIN)',
      value: (row) => sloText(row.summary.minutesOverItlSlo, row.summary.sloEstimate),
      align: right,
    },
    {header: 'MAX-LAG', value: (row) => lagText(row.summary), align: right},
  ]
  return renderTable(rows, columns, {noHeaders: options.noHeaders, wide: options.wide})
}

/** Per variant, each step where the replicas changed, and why; with `all`, every explained step. */
export function renderReasons(view: ScalerReplayView, options: {all: boolean}): string {
  const lines: string[] = []
  for (const item of view.items) {
    for (const variant of item.variants) {
      lines.push(`${item.namespace}/${item.name} ${variant.label}:`)
      let shown = 0
      for (const step of variant.explanations) {
        const changed = step.replicas !== step.from
        if (!changed && !options.all) continue
        const time = new Date(step.timeMs).toISOString().replace('.000Z', 'Z')
        const move = changed ? `${step.from} → ${step.replicas}` : `${step.replicas}`
        lines.push(`  ${time}  ${move}  ${stepReason(step)}`)
        shown++
      }
      if (shown === 0) lines.push(`  no change from ${variant.replicas[0] ?? '-'} replicas`)
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

/** One row per step per variant (the recorded replicas and load repeated on each); `why` where explained. */
export function renderScalerReplayCsv(view: ScalerReplayView): string {
  const rows = view.items.flatMap((item) =>
    item.variants.flatMap((variant) => {
      const explained = new Map(variant.explanations.map((step) => [step.timeMs, step]))
      const names = Object.keys(variant.metricValues)
      return item.timesMs.map((timeMs, index) => {
        const metrics: Record<string, number | null> = {}
        for (const name of names) metrics[name] = variant.metricValues[name]?.[index] ?? null
        const step = explained.get(timeMs)
        return {item, variant, index, timeMs, metrics, why: step === undefined ? '' : stepReason(step)}
      })
    }),
  )
  return renderCsv(rows, [
    {header: 'time', value: (row) => csvTime(row.timeMs)},
    {header: 'namespace', value: (row) => row.item.namespace},
    {header: 'name', value: (row) => row.item.name},
    {header: 'policy', value: (row) => row.variant.label},
    {header: 'replicas', value: (row) => row.variant.replicas[row.index] ?? null},
    {header: 'recorded_replicas', value: (row) => row.item.recordedReplicas[row.index] ?? null},
    {header: 'load_rpm', value: (row) => row.item.loadRpm[row.index] ?? null},
    {header: 'ttft_ms', value: (row) => row.item.ttftMs[row.index] ?? null},
    {header: 'itl_ms', value: (row) => row.item.itlMs[row.index] ?? null},
    {header: 'metrics', value: (row) => JSON.stringify(row.metrics)},
    {header: 'why', value: (row) => row.why},
  ])
}
