/**
 * Replays a scaler (and its what-ifs) over sampled history and sums each up: GPU-hours, scaling events, minutes
 * over the SLOs and the largest lag between the metrics asking for more replicas and the replicas following.
 * Pure: the samples come in (collect/scaler-series.ts), the controllers are decide/hpa and decide/keda.
 */
import {InputError, UsageError} from '../errors.js'
import type {Grid, GridSeries} from '../collect/scaler-series.js'
import {gridTime} from '../collect/scaler-series.js'
import {readingError, type HpaWhy, type MetricReading} from '../decide/hpa/types.js'
import type {KedaPollWhy} from '../decide/keda/types.js'
import {iterateReplay, type ScalerSpec} from '../decide/keda/replay.js'
import type {ParsedBehavior, ParsedScalerSpec, Scaler, ScalerMetric} from '../model/scaler.js'

/** kube-controller-manager's default `--horizontal-pod-autoscaler-sync-period`. */
export const hpaSyncSeconds = 15

/** The what-if flags of `kubectl va scalers`, validated by cli/scaler-flags.ts. */
export interface ScalerWhatIf {
  /** `--threshold V` (every metric; a formula's target) or `--threshold NAME=V`. */
  readonly thresholds?: ReadonlyArray<{readonly metric: string | null; readonly value: number}>
  readonly minReplicas?: number
  readonly maxReplicas?: number
  /** `--stabilization`: the scale-down stabilization window, seconds. */
  readonly stabilizationSeconds?: number
}

export const isEmptyWhatIf = (whatIf: ScalerWhatIf): boolean =>
  (whatIf.thresholds ?? []).length === 0 &&
  whatIf.minReplicas === undefined &&
  whatIf.maxReplicas === undefined &&
  whatIf.stabilizationSeconds === undefined

/** A scaler to replay: as configured, with what-ifs, a preset or a file; `label` names its comparison row. */
export interface ScalerVariant {
  readonly label: string
  readonly scaler: Scaler
  /** The controller flag `--horizontal-pod-autoscaler-downscale-stabilization` (legacy path), seconds. */
  readonly downscaleStabilizationSeconds?: number
}

function withBehaviorWindow(behavior: ParsedBehavior | undefined, seconds: number): ParsedBehavior | undefined {
  if (behavior === undefined) return undefined
  return {...behavior, scaleDown: {...behavior.scaleDown, stabilizationWindowSeconds: seconds}}
}

/** The scaler with the what-ifs applied; an unknown metric name in `--threshold NAME=V` is a usage error. */
export function applyScalerWhatIf(scaler: Scaler, whatIf: ScalerWhatIf, label: string): ScalerVariant {
  const spec = scaler.spec
  if (spec === null) return {label, scaler}
  const thresholds = whatIf.thresholds ?? []
  for (const threshold of thresholds) {
    if (threshold.metric !== null && !scaler.metrics.some((metric) => metric.name === threshold.metric)) {
      throw new UsageError(
        `--threshold ${threshold.metric}=${threshold.value}: ${scaler.namespace}/${scaler.name} has no metric ` +
          `${threshold.metric}`,
        {hint: `use one of ${scaler.metrics.map((metric) => metric.name).join(', ')}`},
      )
    }
  }
  const thresholdFor = (name: string): number | undefined =>
    thresholds.find((entry) => entry.metric === name)?.value ?? thresholds.find((entry) => entry.metric === null)?.value
  const metrics: ScalerMetric[] = scaler.metrics.map((metric) => {
    const value = thresholdFor(metric.name)
    return value === undefined ? metric : {...metric, target: value}
  })
  const stabilization = whatIf.stabilizationSeconds
  let next: ParsedScalerSpec
  if (spec.kind === 'hpa') {
    const hpa = spec.hpa
    const behavior = stabilization === undefined ? hpa.behavior : withBehaviorWindow(hpa.behavior, stabilization)
    next = {
      kind: 'hpa',
      hpa: {
        ...hpa,
        ...(whatIf.minReplicas === undefined ? {} : {minReplicas: whatIf.minReplicas}),
        ...(whatIf.maxReplicas === undefined ? {} : {maxReplicas: whatIf.maxReplicas}),
        metrics: hpa.metrics.map((metric) => {
          const value = thresholdFor(metric.name)
          if (value === undefined) return metric
          return {...metric, targetMilli: metric.targetType === 'Utilization' ? value : Math.ceil(value * 1000 - 1e-9)}
        }),
        ...(behavior === undefined ? {} : {behavior}),
      },
    }
  } else {
    const so = spec.scaledObject
    const behavior = stabilization === undefined ? so.behavior : withBehaviorWindow(so.behavior, stabilization)
    const composite = thresholds.find((entry) => entry.metric === null)?.value
    next = {
      kind: 'keda',
      scaledObject: {
        ...so,
        ...(whatIf.minReplicas === undefined ? {} : {minReplicaCount: whatIf.minReplicas}),
        ...(whatIf.maxReplicas === undefined ? {} : {maxReplicaCount: whatIf.maxReplicas}),
        triggers: so.triggers.map((trigger) => {
          const value = thresholdFor(trigger.name)
          return value === undefined ? trigger : {...trigger, threshold: value}
        }),
        ...(so.scalingModifiers !== undefined && composite !== undefined
          ? {scalingModifiers: {...so.scalingModifiers, target: String(composite)}}
          : {}),
        ...(behavior === undefined ? {} : {behavior}),
      },
    }
  }
  const hasBehavior = spec.kind === 'hpa' ? spec.hpa.behavior !== undefined : spec.scaledObject.behavior !== undefined
  return {
    label,
    scaler: {
      ...scaler,
      metrics,
      spec: next,
      minReplicas: whatIf.minReplicas ?? scaler.minReplicas,
      maxReplicas: whatIf.maxReplicas ?? scaler.maxReplicas,
    },
    ...(stabilization !== undefined && !hasBehavior ? {downscaleStabilizationSeconds: stabilization} : {}),
  }
}

/** A metric's samples as a scaler reads them, or why the scaler cannot be replayed (one line). */
export type MetricSamples =
  | {readonly kind: 'ok'; readonly readings: readonly MetricReading[]; readonly values: ReadonlyArray<number | null>}
  | {readonly kind: 'error'; readonly message: string}

/**
 * Turns a query's series into per-step readings. KEDA's prometheus scaler rejects a result of several series and,
 * with `ignoreNullValues` (default true), reads an empty result as 0; the HPA's external metrics API has no value
 * for an empty result. A query with several series at some step, or none over the whole range, fails the scaler.
 */
export function metricSamples(metric: ScalerMetric, series: readonly GridSeries[], grid: Grid): MetricSamples {
  const source = metric.source
  if (source.kind === 'unavailable') {
    return {
      kind: 'error',
      message:
        `metric ${metric.name}: ${source.reason}, which kubectl-va cannot read; scale on an External metric or a ` +
        'prometheus trigger to replay it',
    }
  }
  const query = source.query
  if (series.length === 0) {
    const what =
      source.kind === 'external'
        ? `external metric ${source.metric}: ${query} returned no series (the API server's external metrics API may ` +
          `serve it from another source, which kubectl-va cannot read)`
        : `trigger ${metric.name}: the query returned no series`
    return {kind: 'error', message: `${what}; check the query and its labels in Prometheus`}
  }
  const readings: MetricReading[] = new Array(grid.count)
  const values: Array<number | null> = new Array(grid.count)
  for (let index = 0; index < grid.count; index++) {
    let value: number | null = null
    let answered = 0
    for (const one of series) {
      const sample = one.values[index]
      if (sample === null || sample === undefined) continue
      answered++
      value = sample
    }
    if (answered > 1) {
      const at = new Date(gridTime(grid, index)).toISOString()
      return {
        kind: 'error',
        message:
          `${source.kind === 'external' ? 'external metric' : 'trigger'} ${metric.name}: the query returned ` +
          `${answered} series at ${at}, the scaler reads one; aggregate it, e.g. sum(${query})`,
      }
    }
    values[index] = value
    if (value !== null) readings[index] = value
    else if (source.kind === 'promql') readings[index] = 0
    else readings[index] = readingError(`external metric ${metric.name}: no value`)
  }
  return {kind: 'ok', readings, values}
}

/** One step's explanation: what KEDA and the HPA did, at a step worth explaining (or every step, on request). */
export interface ScalerExplanation {
  readonly timeMs: number
  /** The replicas before this step and after it. */
  readonly from: number
  readonly replicas: number
  readonly keda: KedaPollWhy | null
  readonly hpa: HpaWhy | null
}

/** Which steps keep their explanation: where the count changed or something bound it, or every step that ran. */
export type ExplainSteps = 'changes' | 'all'

/**
 * A step worth explaining: the count changed, a stabilization window, a rate limit or policy held it, metrics failed,
 * or KEDA did something of its own (activation, cooldown, a hold on error).
 */
function worthExplaining(from: number, replicas: number, keda: KedaPollWhy | null, hpa: HpaWhy | null): boolean {
  if (replicas !== from) return true
  const action = keda?.action.kind
  if (action !== undefined && action !== 'active' && action !== 'none') return true
  if (hpa === null) return false
  if (hpa.kind === 'metrics-failed') return true
  if (hpa.kind !== 'computed') return false
  const limit = hpa.limit.kind
  return (
    hpa.stabilization.kind !== 'none' ||
    (limit !== 'within-range' && limit !== 'too-few-replicas' && limit !== 'too-many-replicas')
  )
}

export interface ScalerSummary {
  readonly label: string
  readonly gpuHours: number | null
  readonly replicaHours: number
  readonly scalingEvents: number
  readonly minReplicas: number | null
  readonly maxReplicas: number | null
  /** Minutes with the measured mean TTFT / ITL over the SLO; null without an SLO or measurements. */
  readonly minutesOverTtftSlo: number | null
  readonly minutesOverItlSlo: number | null
  /** True when these replicas differ from the recorded ones somewhere: latency was measured at other replicas. */
  readonly sloEstimate: boolean
  /** Largest time, seconds, between the metrics asking for more replicas and the replicas reaching it. */
  readonly maxLagSeconds: number | null
  readonly maxLagAtMs: number | null
}

export interface ScalerReplayInput {
  readonly grid: Grid
  /** The replicas that ran, per step (null: unknown). */
  readonly recorded: ReadonlyArray<number | null>
  /** The replica count at --from when nothing was recorded then (scaler status, target spec). */
  readonly fallbackInitialReplicas: number
  readonly ttftMs: ReadonlyArray<number | null>
  readonly itlMs: ReadonlyArray<number | null>
  readonly sloTtftMs: number | null
  readonly sloItlMs: number | null
  readonly acceleratorsPerReplica: number | null
}

export interface VariantReplay {
  readonly label: string
  readonly kind: Scaler['kind']
  /** The replicas after each step. */
  readonly replicas: number[]
  /** Each metric's value per step (null: none), as the scaler read it. */
  readonly metricValues: Record<string, ReadonlyArray<number | null>>
  readonly explanations: ScalerExplanation[]
  readonly summary: ScalerSummary
}

/** decide/'s spec from model/'s (structurally the same; decide validates it). */
export function deciderSpec(variant: ScalerVariant): ScalerSpec {
  const spec = variant.scaler.spec
  if (spec === null) throw new InputError(`${variant.scaler.namespace}/${variant.scaler.name}: no spec`)
  const window = variant.downscaleStabilizationSeconds
  if (spec.kind === 'hpa') {
    return {kind: 'hpa', hpa: {...spec.hpa, ...(window === undefined ? {} : {downscaleStabilizationSeconds: window})}}
  }
  return {
    kind: 'keda',
    scaledObject: spec.scaledObject,
    ...(window === undefined ? {} : {hpaController: {downscaleStabilizationSeconds: window}}),
  }
}

/** Replays one variant with its metrics' samples (keyed by metric name). */
export function replayVariant(
  variant: ScalerVariant,
  samples: ReadonlyMap<string, MetricSamples & {kind: 'ok'}>,
  input: ScalerReplayInput,
  explain: ExplainSteps = 'changes',
): VariantReplay {
  const {grid} = input
  const readings = new Map<string, readonly MetricReading[]>()
  const metricValues: Record<string, ReadonlyArray<number | null>> = {}
  for (const metric of variant.scaler.metrics) {
    const sample = samples.get(metric.name)
    if (sample === undefined) continue
    readings.set(metric.name, sample.readings)
    metricValues[metric.name] = sample.values
  }
  const initialReplicas = input.recorded[0] ?? input.fallbackInitialReplicas
  const steps = iterateReplay(
    deciderSpec(variant),
    {initialReplicas, readings},
    grid.startMs,
    gridTime(grid, grid.count - 1),
    grid.stepMs,
    {hpaSyncPeriodSeconds: hpaSyncSeconds},
  )
  const {minReplicas, maxReplicas} = variant.scaler
  const replicas: number[] = []
  const wanted: Array<number | null> = []
  const explanations: ScalerExplanation[] = []
  let from = initialReplicas
  let want: number | null = null
  for (const step of steps) {
    // What the metrics asked for: the HPA's proposal within min/max; KEDA's count when it activates from 0.
    const hpa = step.hpa
    if (hpa?.kind === 'computed' && hpa.metric !== null) {
      want = Math.min(Math.max(hpa.metricReplicas, minReplicas), maxReplicas)
    } else if (step.keda?.action.kind === 'activate') {
      want = step.keda.action.to
    } else if (step.keda?.active && step.replicas === 0) {
      want = Math.max(1, minReplicas)
    }
    wanted.push(want)
    replicas.push(step.replicas)
    const ran = step.keda !== null || hpa !== null
    if (ran && (explain === 'all' || worthExplaining(from, step.replicas, step.keda, hpa))) {
      explanations.push({timeMs: step.timeMs, from, replicas: step.replicas, keda: step.keda, hpa})
    }
    from = step.replicas
  }
  return {
    label: variant.label,
    kind: variant.scaler.kind,
    replicas,
    metricValues,
    explanations,
    summary: summarize(variant.label, replicas, input, wanted),
  }
}

/** GPU-hours, events, SLO minutes and lag of a replica series (the recorded one too: `wanted` null). */
export function summarize(
  label: string,
  replicas: ReadonlyArray<number | null>,
  input: ScalerReplayInput,
  wanted: ReadonlyArray<number | null> | null,
): ScalerSummary {
  const stepHours = input.grid.stepMs / 3_600_000
  const stepMinutes = input.grid.stepMs / 60_000
  let replicaHours = 0
  let events = 0
  let previous: number | null = null
  let min: number | null = null
  let max: number | null = null
  let overTtft = 0
  let overItl = 0
  let differs = false
  for (let index = 0; index < replicas.length; index++) {
    const count = replicas[index] ?? null
    const recorded = input.recorded[index] ?? null
    if (count !== null && recorded !== null && count !== recorded) differs = true
    const ttft = input.ttftMs[index] ?? null
    const itl = input.itlMs[index] ?? null
    if (input.sloTtftMs !== null && ttft !== null && ttft > input.sloTtftMs) overTtft += stepMinutes
    if (input.sloItlMs !== null && itl !== null && itl > input.sloItlMs) overItl += stepMinutes
    if (count === null) continue
    replicaHours += count * stepHours
    if (previous !== null && count !== previous) events++
    previous = count
    min = min === null ? count : Math.min(min, count)
    max = max === null ? count : Math.max(max, count)
  }
  let maxLag: number | null = null
  let maxLagAt: number | null = null
  if (wanted !== null) {
    maxLag = 0
    let openAt: number | null = null
    let goal = 0
    for (let index = 0; index < replicas.length; index++) {
      const count = replicas[index] ?? 0
      const want = wanted[index] ?? null
      const timeMs = gridTime(input.grid, index)
      if (openAt === null) {
        if (want !== null && want > count) {
          openAt = timeMs
          goal = want
        }
        continue
      }
      if (count >= goal || (want !== null && want <= count) || index === replicas.length - 1) {
        const lag = (timeMs - openAt) / 1000
        if (lag > maxLag) {
          maxLag = lag
          maxLagAt = openAt
        }
        openAt = null
        if (want !== null && want > count) {
          openAt = timeMs
          goal = want
        }
      }
    }
  }
  const measuredTtft = input.ttftMs.some((value) => value !== null)
  const measuredItl = input.itlMs.some((value) => value !== null)
  const round = (value: number, digits: number) => Number(value.toFixed(digits))
  return {
    label,
    gpuHours: input.acceleratorsPerReplica === null ? null : round(replicaHours * input.acceleratorsPerReplica, 3),
    replicaHours: round(replicaHours, 3),
    scalingEvents: events,
    minReplicas: min,
    maxReplicas: max,
    minutesOverTtftSlo: input.sloTtftMs !== null && measuredTtft ? round(overTtft, 2) : null,
    minutesOverItlSlo: input.sloItlMs !== null && measuredItl ? round(overItl, 2) : null,
    sloEstimate: wanted !== null && differs,
    maxLagSeconds: maxLag,
    maxLagAtMs: maxLagAt,
  }
}
