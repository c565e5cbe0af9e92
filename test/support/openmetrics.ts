/**
 * A small builder of OpenMetrics text with timestamps, for backfilling a real Prometheus with
 * `promtool tsdb create-blocks-from openmetrics`. Counters are declared without `_total` and their samples carry
 * it, histograms expose `_bucket{le}`, `_sum` and `_count`, and the text ends with `# EOF`, as promtool requires.
 * Timestamps are Unix seconds.
 */
export type LabelSet = Readonly<Record<string, string>>

/** A counter or gauge value at a time (Unix seconds). */
export interface Point {
  t: number
  v: number
}

/** A histogram state at a time: cumulative sum and count, and optionally cumulative bucket counts by upper bound. */
export interface HistogramPoint {
  t: number
  sum: number
  count: number
  buckets?: ReadonlyArray<readonly [le: number, count: number]>
}

type Family = {
  name: string
  type: 'counter' | 'gauge' | 'histogram'
  help?: string
  lines: Array<{t: number; text: string}>
}

/** Escapes a label value for the exposition formats: backslash, double quote and newline. */
export function escapeExpositionLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export function formatLabels(labels: LabelSet): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([name, value]) => `${name}="${escapeExpositionLabelValue(value)}"`).join(',')}}`
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

function formatLe(le: number): string {
  return le === Number.POSITIVE_INFINITY ? '+Inf' : String(le)
}

export class OpenMetricsBuilder {
  readonly #families = new Map<string, Family>()

  #family(name: string, type: Family['type']): Family {
    let family = this.#families.get(name)
    if (family === undefined) {
      family = {name, type, lines: []}
      this.#families.set(name, family)
    } else if (family.type !== type) {
      throw new Error(`metric family ${name} is already a ${family.type}`)
    }
    return family
  }

  /** `name` without `_total` (e.g. `vllm:request_success`). */
  counter(name: string, labels: LabelSet, points: readonly Point[]): this {
    if (name.endsWith('_total')) throw new Error(`declare counter ${name} without _total`)
    const family = this.#family(name, 'counter')
    for (const {t, v} of points)
      family.lines.push({t, text: `${name}_total${formatLabels(labels)} ${formatValue(v)} ${t}`})
    return this
  }

  gauge(name: string, labels: LabelSet, points: readonly Point[]): this {
    const family = this.#family(name, 'gauge')
    for (const {t, v} of points) family.lines.push({t, text: `${name}${formatLabels(labels)} ${formatValue(v)} ${t}`})
    return this
  }

  /** A classic histogram; without buckets only `le="+Inf"` (= count) is written. */
  histogram(name: string, labels: LabelSet, points: readonly HistogramPoint[]): this {
    const family = this.#family(name, 'histogram')
    for (const point of points) {
      const buckets = [
        ...(point.buckets ?? []).filter(([le]) => le !== Number.POSITIVE_INFINITY),
        [Number.POSITIVE_INFINITY, point.count] as const,
      ]
      for (const [le, count] of buckets) {
        family.lines.push({
          t: point.t,
          text: `${name}_bucket${formatLabels({...labels, le: formatLe(le)})} ${formatValue(count)} ${point.t}`,
        })
      }
      family.lines.push({t: point.t, text: `${name}_sum${formatLabels(labels)} ${formatValue(point.sum)} ${point.t}`})
      family.lines.push({
        t: point.t,
        text: `${name}_count${formatLabels(labels)} ${formatValue(point.count)} ${point.t}`,
      })
    }
    return this
  }

  /** The OpenMetrics text; samples of a family are ordered by time (stable), as the TSDB appender needs per series. */
  toString(): string {
    const out: string[] = []
    for (const family of this.#families.values()) {
      out.push(`# TYPE ${family.name} ${family.type}`)
      if (family.help !== undefined) out.push(`# HELP ${family.name} ${family.help}`)
      const ordered = family.lines
        .map((line, index) => ({...line, index}))
        .sort((a, b) => a.t - b.t || a.index - b.index)
      for (const line of ordered) out.push(line.text)
    }
    out.push('# EOF')
    return `${out.join('\n')}\n`
  }
}

/** Times from `start` to `end` inclusive, every `step` seconds. */
export function timesBetween(start: number, end: number, step: number): number[] {
  const times: number[] = []
  for (let t = start; t <= end; t += step) times.push(t)
  return times
}

/** A counter that grows by `ratePerS` per second from `startValue` at `times[0]`. */
export function linearCounter(times: readonly number[], ratePerS: number, startValue = 0): Point[] {
  const t0 = times[0] ?? 0
  return times.map((t) => ({t, v: startValue + ratePerS * (t - t0)}))
}

/**
 * A histogram where requests complete at `requestsPerS` and each observation is `meanObservation` (so
 * sum/count = meanObservation exactly). `observationsPerRequest` > 1 models per-token histograms (ITL).
 */
export function linearHistogram(
  times: readonly number[],
  options: {requestsPerS: number; meanObservation: number; observationsPerRequest?: number; startCount?: number},
): HistogramPoint[] {
  const t0 = times[0] ?? 0
  const perRequest = options.observationsPerRequest ?? 1
  return times.map((t) => {
    const count = (options.startCount ?? 0) + options.requestsPerS * perRequest * (t - t0)
    return {t, count, sum: count * options.meanObservation}
  })
}
