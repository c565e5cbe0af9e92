import {stringify} from 'yaml'

import type {FitFormView, FitPatch, FitResiduals, FitView} from '../view/fit.js'
import {type ChartOptions, MIN_CHART_WIDTH} from './chart.js'
import {escapeTerminal, formatNumber} from './format.js'
import {renderTable} from './table.js'

/** Text output of `kubectl va fit`: the fitted and configured values, fit quality, decisions, residual charts. */

const formTitle = {
  'v0.5': '4-PARAMETER PROFILE (WVA up to v0.5: ITL = α + β·n, prefill = γ + δ·I·n)',
  'v0.6': '3-PARAMETER MODEL (WVA v0.6+, wva-queueing-model-config)',
} as const

/** Four significant digits, no exponent for the usual magnitudes. */
export function significant(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-'
  if (!Number.isFinite(value)) return formatNumber(value)
  if (value === 0) return '0'
  const text = String(Number(value.toPrecision(4)))
  return text.includes('e') ? value.toExponential(3) : text
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}`
}

function renderForm(fit: FitFormView): string {
  const lines: string[] = [formTitle[fit.form]]
  if (fit.outcome === 'refused') {
    lines.push(`  refused: ${fit.parameters.join(', ')}: ${fit.reason}; ${fit.fix}`)
    return `${lines.join('\n')}\n`
  }
  const hasConfigured = fit.parameters.some((p) => p.configured !== null)
  const table = renderTable(fit.parameters, [
    {header: 'PARAMETER', value: (p) => `${p.name}(${p.unit})`},
    {header: 'FITTED', value: (p) => significant(p.value), align: 'right'},
    {header: '95%-INTERVAL', value: (p) => `${significant(p.ci95[0])}…${significant(p.ci95[1])}`},
    ...(hasConfigured
      ? [
          {
            header: 'CONFIGURED',
            value: (p: (typeof fit.parameters)[number]) => significant(p.configured),
            align: 'right' as const,
          },
        ]
      : []),
  ])
  lines.push(
    ...table
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
  )
  for (const equation of fit.equations) {
    lines.push(
      `  ${equation.observations === 'itl' ? 'ITL' : 'prefill'}: R² ${equation.r2.toFixed(3)}, residual rms ` +
        `${significant(equation.residualMs.rms)} ms (p95 ${significant(equation.residualMs.p95)} ms), ` +
        `${equation.points} points (${equation.rejected} outliers), batch ${significant(equation.batchRange[0])}–` +
        `${significant(equation.batchRange[1])}`,
    )
  }
  return `${lines.join('\n')}\n`
}

function renderDecisions(view: FitView): string {
  if (view.decisions.length === 0 || view.load === null) return ''
  const load = view.load
  const lines = [
    `DECISIONS at ${utc(load.time)} UTC: ${significant(load.arrivalRateRpm)} req/min, ` +
      `${significant(load.avgInputTokens)} in / ` +
      `${significant(load.avgOutputTokens)} out tokens, ${load.busyPods} busy pods` +
      (view.slo
        ? `; SLO TTFT ${significant(view.slo.ttftMs)} ms, ITL ${significant(view.slo.itlMs)} ms (${view.slo.source})`
        : ''),
  ]
  const table = renderTable(view.decisions, [
    {header: 'PROFILE', value: (d) => `${d.profile}(${d.form})`},
    {header: 'OUTCOME', value: (d) => d.outcome},
    {header: 'REPLICAS', value: (d) => (d.replicas === null ? '-' : String(d.replicas)), align: 'right'},
    {header: 'MAX-REQ/MIN/REPLICA', value: (d) => significant(d.maxRpmPerReplica), align: 'right'},
  ])
  lines.push(
    ...table
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
  )
  return `${lines.join('\n')}\n`
}

/** The whole text view. */
export function renderFitText(view: FitView, residuals: FitResiduals, chart: ChartOptions | undefined): string {
  const {data} = view
  const va = view.target.variantAutoscaling === null ? '' : `, VariantAutoscaling ${view.target.variantAutoscaling}`
  const parts = [
    `MODEL ${view.target.modelID} (namespace ${view.target.namespace}${va}) from ${view.source}\n` +
      `RANGE ${utc(view.range.start)} … ${utc(view.range.end)} UTC, step ${view.range.stepSeconds}s, window ` +
      `${view.range.window}: ${data.pods} pods, ${data.points} points, batch ${significant(data.batchRange?.[0])}–` +
      `${significant(data.batchRange?.[1])}, ${data.droppedLoadChange} dropped (load change)` +
      (data.iterationTokensPerRunning === null
        ? '\n'
        : `\nBATCH CHECK: ${significant(data.iterationTokensPerRunning)} tokens per iteration per running request\n`),
    ...view.fits.map(renderForm),
  ]
  const decisions = renderDecisions(view)
  if (decisions !== '') parts.push(decisions)
  if (chart !== undefined) {
    for (const fit of view.fits) {
      const points = residuals[fit.form]?.filter((r) => r.observations === 'itl')
      if (fit.outcome === 'fitted' && points && points.length > 0)
        parts.push(renderResidualChart(`ITL residuals of the ${fit.form} fit (ms) by running batch`, points, chart))
    }
  }
  return escapeTerminal(parts.join('\n'), {keepNewlines: true})
}

/**
 * A scatter of residuals (rows, ms) over the running batch (columns): each cell shows how many kept points fall in
 * it (one dot, a bullet for several). A good fit is a flat band around the zero line; a curve means the model's form
 * does not match, a funnel means the noise grows with the batch.
 */
export function renderResidualChart(
  title: string,
  points: ReadonlyArray<{batch: number; residualMs: number}>,
  options: ChartOptions,
): string {
  if (options.width < MIN_CHART_WIDTH) return `${title}: terminal too narrow for a chart (${options.width} columns)\n`
  const labelWidth = 7
  const plotWidth = Math.min(options.width - labelWidth - 1, 72)
  const rows = 9
  const sortedAbs = points.map((p) => Math.abs(p.residualMs)).sort((a, b) => a - b)
  const bound = Math.max(sortedAbs[Math.floor(0.99 * (sortedAbs.length - 1))] ?? 0, 1e-9)
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const p of points) {
    low = Math.min(low, p.batch)
    high = Math.max(high, p.batch)
  }
  const span = high - low || 1
  const counts = Array.from({length: rows}, () => new Array<number>(plotWidth).fill(0))
  for (const p of points) {
    const column = Math.min(plotWidth - 1, Math.floor(((p.batch - low) / span) * (plotWidth - 1) + 0.5))
    const clamped = Math.max(-bound, Math.min(bound, p.residualMs))
    const row = Math.round(((bound - clamped) / (2 * bound)) * (rows - 1))
    counts[row]![column]!++
  }
  const [one, many, axis] = options.unicode ? ['·', '•', '─'] : ['.', 'o', '-']
  const middle = (rows - 1) / 2
  const lines = [title]
  for (let row = 0; row < rows; row++) {
    const value = bound - (row * 2 * bound) / (rows - 1)
    const label = row === 0 || row === middle || row === rows - 1 ? significant(value) : ''
    const cells = counts[row]!.map((count) => (count === 0 ? (row === middle ? axis : ' ') : count === 1 ? one : many))
    lines.push(`${label.padStart(labelWidth)}|${cells.join('')}`.trimEnd())
  }
  const lowLabel = significant(low)
  const highLabel = significant(high)
  lines.push(
    `${' '.repeat(labelWidth + 1)}${lowLabel}` +
      `${' '.repeat(Math.max(1, plotWidth - lowLabel.length - highLabel.length))}${highLabel}`,
  )
  lines.push(`${' '.repeat(labelWidth + 1)}running batch (${one} one point, ${many} several)`)
  return `${lines.join('\n')}\n`
}

/** The -o yaml patch with its comments. */
export function renderFitPatch(patch: FitPatch): string {
  const header = [`# ${patch.apply}`, ...patch.comments.map((line) => `# ${line}`)]
  return `${header.join('\n')}\n${stringify(patch.document, {lineWidth: 0})}`
}
