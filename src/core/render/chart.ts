import type {ReplayStep, VaReplay} from '../simulate/replay.js'
import {escapeTerminal, formatNumber} from './format.js'

/**
 * Terminal charts of a replay, one per VA: replicas (ours, the controller's, actual) over load, sized to the
 * terminal. On a TTY: Unicode markers and eighth-blocks; otherwise plain ASCII that survives logs and diffs.
 * Steps with no data stay blank (also on the axis); they are never drawn as 0.
 * Several steps share a column when there are more steps than columns: replicas show the column's maximum (the
 * peak is what capacity must cover), load its mean over known steps.
 */
export interface ChartOptions {
  /** total width in columns, axis labels included */
  width: number
  unicode: boolean
  /** rows of the replicas panel above 0 (default 8; fewer when the peak is smaller) */
  replicaRows?: number
  /** rows of the load panel (default 4) */
  loadRows?: number
  /** the legend's names of the three series (default ours, controller, actual) */
  labels?: {ours: string; controller: string; actual: string} | undefined
}

export const DEFAULT_CHART_WIDTH = 80
/** Narrower than this and the chart says so instead of drawing. */
export const MIN_CHART_WIDTH = 24

/** Unicode and the terminal's width on a TTY (unless TERM=dumb); ASCII and 80 columns otherwise. */
export function chartOptionsFor(
  stream: {isTTY?: boolean | undefined; columns?: number | undefined},
  env: Readonly<Record<string, string | undefined>>,
): ChartOptions {
  const tty = stream.isTTY === true && env.TERM !== 'dumb'
  const columns = tty && stream.columns !== undefined && stream.columns > 0 ? stream.columns : DEFAULT_CHART_WIDTH
  return {width: columns, unicode: tty}
}

interface Glyphs {
  ours: string
  controller: string
  actual: string
  axis: string
  axisCorner: string
  tick: string
  ellipsis: string
  blocks: readonly string[]
}

const unicodeGlyphs: Glyphs = {
  ours: '●',
  controller: '◆',
  actual: '░',
  axis: '─',
  axisCorner: '┼',
  tick: '┤',
  ellipsis: '…',
  blocks: [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
}
const asciiGlyphs: Glyphs = {
  ours: 'o',
  controller: 'x',
  actual: ':',
  axis: '-',
  axisCorner: '+',
  tick: '|',
  ellipsis: '..',
  blocks: [' ', ' ', ' ', ' ', '#', '#', '#', '#', '#'],
}

const labelWidth = 6

interface ChartColumn {
  ours: number | null
  controller: number | null
  actual: number | null
  loadRpm: number | null
  hasData: boolean
}

function maxOf(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null)
  return known.length === 0 ? null : Math.max(...known)
}

function columnsOf(steps: readonly ReplayStep[], plotWidth: number): ChartColumn[] {
  // Column i covers steps [floor(i·n/c), floor((i+1)·n/c)): the whole width is used whatever the ratio.
  const count = Math.min(steps.length, plotWidth)
  const columns: ChartColumn[] = []
  for (let index = 0; index < count; index++) {
    const bucket = steps.slice(
      Math.floor((index * steps.length) / count),
      Math.floor(((index + 1) * steps.length) / count),
    )
    const loads = bucket
      .map((step) => step.load?.arrivalRateRpm)
      .filter((value): value is number => value !== undefined)
    columns.push({
      ours: maxOf(bucket.map((step) => step.desiredReplicas)),
      controller: maxOf(bucket.map((step) => step.controllerReplicas)),
      actual: maxOf(bucket.map((step) => step.actualReplicas)),
      loadRpm: loads.length === 0 ? null : loads.reduce((a, b) => a + b, 0) / loads.length,
      hasData: bucket.some((step) => step.outcome !== 'noData'),
    })
  }
  return columns
}

function label(text: string): string {
  return text.length >= labelWidth ? text.slice(0, labelWidth) : ' '.repeat(labelWidth - text.length) + text
}

function shortNumber(value: number): string {
  if (value >= 10_000) return `${formatNumber(value / 1000, 0)}k`
  if (value >= 1000) return `${formatNumber(value / 1000, 1)}k`
  return formatNumber(value, 0)
}

function timeLabel(timeMs: number, withDate: boolean): string {
  const iso = new Date(timeMs).toISOString()
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16)
}

/** One VA's chart: a title, the replicas panel, the load panel, a time axis and a legend; lines fit `width`. */
export function renderReplayChart(va: VaReplay, options: ChartOptions): string {
  const glyphs = options.unicode ? unicodeGlyphs : asciiGlyphs
  const title = `${va.namespace}/${va.name}`
  if (options.width < MIN_CHART_WIDTH) return `${title}: terminal too narrow for a chart (${options.width} columns)\n`
  if (va.steps.length === 0) return `${title}: no steps\n`
  const plotWidth = options.width - labelWidth - 1
  const columns = columnsOf(va.steps, plotWidth)
  const lines: string[] = []
  const first = va.steps[0]!.timeMs
  const last = va.steps.at(-1)!.timeMs
  const withDate = last - first >= 86_400_000 || new Date(first).getUTCDate() !== new Date(last).getUTCDate()
  const fit = (text: string) => fitWidth(text, options.width, glyphs.ellipsis)
  lines.push(
    fit(
      `${title}  ${timeLabel(first, true)} ${glyphs.ellipsis} ${timeLabel(last, true)} UTC, step ` +
        `${formatStep(va.summary.stepSeconds)}`,
    ),
  )

  // Replicas: one row per `unit` replicas, 0 at the bottom.
  const peak = Math.max(1, maxOf(columns.flatMap((c) => [c.ours, c.controller, c.actual])) ?? 1)
  const rows = Math.min(options.replicaRows ?? 8, peak)
  const unit = peak / rows
  const rowOf = (value: number) => Math.round(value / unit)
  lines.push('replicas')
  for (let row = rows; row >= 0; row--) {
    const cells = columns.map((column) => {
      if (column.ours !== null && rowOf(column.ours) === row) return glyphs.ours
      if (column.controller !== null && rowOf(column.controller) === row) return glyphs.controller
      if (row > 0 && column.actual !== null && rowOf(column.actual) >= row) return glyphs.actual
      if (row === 0) return column.hasData || column.actual !== null ? glyphs.axis : ' '
      return ' '
    })
    const tick = row === 0 ? glyphs.axisCorner : glyphs.tick
    const value = row % 2 === 0 || rows <= 4 ? formatNumber(row * unit, unit % 1 === 0 ? 0 : 1) : ''
    lines.push(`${label(value)}${tick}${cells.join('')}`.trimEnd())
  }

  // Load: eighth blocks (Unicode) or # (ASCII) per row; blank columns are gaps.
  const loadRows = options.loadRows ?? 4
  const peakLoad = Math.max(0, ...columns.map((c) => c.loadRpm ?? 0))
  lines.push('load (req/min)')
  for (let row = loadRows - 1; row >= 0; row--) {
    const cells = columns.map((column) => {
      if (column.loadRpm === null || peakLoad === 0) return ' '
      const fill = Math.min(Math.max((column.loadRpm / peakLoad) * loadRows - row, 0), 1)
      return glyphs.blocks[Math.round(fill * 8)]!
    })
    const scale = row === loadRows - 1 ? shortNumber(peakLoad) : ''
    lines.push(`${label(scale)}${glyphs.tick}${cells.join('')}`.trimEnd())
  }
  const loadAxis = columns.map((column) => (column.loadRpm === null ? ' ' : glyphs.axis)).join('')
  lines.push(`${label('0')}${glyphs.axisCorner}${loadAxis}`.trimEnd())
  const startLabel = timeLabel(first, withDate)
  const endLabel = timeLabel(last, withDate)
  const gap = Math.max(1, columns.length - startLabel.length - endLabel.length + 1)
  lines.push(fit(`${' '.repeat(labelWidth)}${startLabel}${' '.repeat(gap)}${endLabel}`))
  const names = options.labels ?? {ours: 'ours', controller: 'controller', actual: 'actual'}
  lines.push(
    fit(
      `${glyphs.ours} ${names.ours}  ${glyphs.controller} ${names.controller}  ${glyphs.actual} ${names.actual}  ` +
        '(blank: no data)',
    ),
  )
  return escapeTerminal(`${lines.join('\n')}\n`, {keepNewlines: true})
}

/** Every VA's chart, separated by a blank line. */
export function renderReplayCharts(items: readonly VaReplay[], options: ChartOptions): string {
  return items.map((item) => renderReplayChart(item, options)).join('\n')
}

function formatStep(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

function fitWidth(text: string, width: number, ellipsis: string): string {
  const chars = [...text]
  return chars.length <= width ? text : chars.slice(0, width - ellipsis.length).join('') + ellipsis
}
