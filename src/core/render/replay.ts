import type {ReplayResult, ReplayStep, VaReplay} from '../simulate/replay.js'
import {type CsvColumn, csvTime, renderCsv} from './csv.js'
import {formatNumber} from './format.js'
import {type Column, renderTable} from './table.js'

function hours(seconds: number): string {
  return `${formatNumber(seconds / 3600, 1)}h`
}

/** Ours and actual (and the controller's with `ctrl`), slash-separated; `<unknown>` for a series not known. */
const changes = (va: VaReplay, ctrl: boolean) =>
  [
    va.summary.ours.scalingChanges,
    ...(ctrl ? [va.summary.controller?.scalingChanges] : []),
    va.summary.actual?.scalingChanges,
  ]
    .map((n) => (n === undefined ? '<unknown>' : String(n)))
    .join('/')

// Default within 100 columns at typical names; -o wide adds the controller's changes, the largest gap and the rest.
const columns: Column<VaReplay>[] = [
  {header: 'NAME', value: (va) => va.name},
  {header: 'STEPS', value: (va) => String(va.summary.steps), wide: true, align: 'right'},
  {header: 'NO-DATA', value: (va) => String(va.summary.noDataSteps), wide: true, align: 'right'},
  {
    header: 'REPLICA-H(OURS/ACTUAL)',
    value: (va) => {
      const actual = va.summary.actual ? formatNumber(va.summary.actual.replicaHours, 1) : '<unknown>'
      return `${formatNumber(va.summary.ours.replicaHours, 1)}/${actual}`
    },
    align: 'right',
  },
  {
    header: 'COST-H(OURS/ACTUAL)',
    value: (va) => `${formatNumber(va.summary.ours.costHours, 0)}/${formatNumber(va.summary.actual?.costHours, 0)}`,
    align: 'right',
  },
  {header: 'CHANGES(OURS/ACTUAL)', value: (va) => changes(va, false), narrowOnly: true, align: 'right'},
  {header: 'CHANGES(OURS/CTRL/ACTUAL)', value: (va) => changes(va, true), wide: true, align: 'right'},
  {
    header: 'OVER-SLO',
    value: (va) => (va.summary.overSlo ? hours(va.summary.overSlo.eitherSeconds) : '<unknown>'),
    align: 'right',
  },
  {
    header: 'LARGEST-GAP',
    value: (va) => {
      const gap = va.summary.largestGapVsActual
      return gap ? `${gap.difference > 0 ? '+' : ''}${gap.difference}@${csvTime(gap.timeMs)}` : '<none>'
    },
    wide: true,
  },
  {
    header: 'MAX(OURS/ACTUAL)',
    value: (va) => `${formatNumber(va.summary.ours.maxReplicas, 0)}/${formatNumber(va.summary.actual?.maxReplicas, 0)}`,
    wide: true,
    align: 'right',
  },
  {header: 'INFEASIBLE', value: (va) => String(va.summary.infeasibleSteps), wide: true, align: 'right'},
  {
    header: 'OVER-SLO(TTFT/ITL)',
    value: (va) =>
      va.summary.overSlo
        ? `${hours(va.summary.overSlo.ttftSeconds)}/${hours(va.summary.overSlo.itlSeconds)}`
        : '<unknown>',
    wide: true,
    align: 'right',
  },
]

/**
 * One line per VA: replica-hours and cost-hours of ours vs actual, scaling changes, time over SLO (measured) and the
 * largest gap ours − actual (replicas, with its time). NAMESPACE first when there are several.
 */
export function renderReplaySummaryTable(
  result: Pick<ReplayResult, 'items'>,
  options: {wide?: boolean; noHeaders?: boolean} = {},
): string {
  const namespaces = new Set(result.items.map((va) => va.namespace))
  const shown: Column<VaReplay>[] =
    namespaces.size > 1 ? [{header: 'NAMESPACE', value: (va) => va.namespace}, ...columns] : columns
  return renderTable(result.items, shown, options)
}

interface StepRow {
  va: VaReplay
  step: ReplayStep
}

const stepColumns: CsvColumn<StepRow>[] = [
  {header: 'time', value: ({step}) => csvTime(step.timeMs)},
  {header: 'namespace', value: ({va}) => va.namespace},
  {header: 'name', value: ({va}) => va.name},
  {header: 'arrival_rate_rpm', value: ({step}) => step.load?.arrivalRateRpm},
  {header: 'avg_input_tokens', value: ({step}) => step.load?.avgInputTokens},
  {header: 'avg_output_tokens', value: ({step}) => step.load?.avgOutputTokens},
  {header: 'measured_ttft_ms', value: ({step}) => step.measuredTtftMs},
  {header: 'measured_itl_ms', value: ({step}) => step.measuredItlMs},
  {header: 'outcome', value: ({step}) => step.outcome},
  {header: 'desired_replicas', value: ({step}) => step.desiredReplicas},
  {header: 'controller_replicas', value: ({step}) => step.controllerReplicas},
  {header: 'actual_replicas', value: ({step}) => step.actualReplicas},
  {header: 'cost', value: ({step}) => step.cost},
  {header: 'predicted_ttft_ms', value: ({step}) => step.predictedTtftMs},
  {header: 'predicted_itl_ms', value: ({step}) => step.predictedItlMs},
]

/** One line per VA and step (long format); gaps are empty fields, never 0. */
export function renderReplayCsv(result: Pick<ReplayResult, 'items'>): string {
  return renderCsv(
    result.items.flatMap((va) => va.steps.map((step) => ({va, step}))),
    stepColumns,
  )
}

/** Lines for stderr: VAs replayed without a decision, and VAs without any data. */
export function replayNotes(result: Pick<ReplayResult, 'items'>): string[] {
  const notes: string[] = []
  for (const va of result.items) {
    if (va.skipReason !== null)
      notes.push(`variantautoscaling ${va.namespace}/${va.name}: not replayed: ${va.skipReason}`)
    else if (va.summary.noDataSteps === va.summary.steps)
      notes.push(`variantautoscaling ${va.namespace}/${va.name}: no load data for model "${va.modelID}" in the range`)
  }
  return notes
}
