import {collectModelMetricsHistory, type ModelMetricsPoint} from '../collect/history.js'
import {queryRangeStitched} from '../collect/range.js'
import type {IssuedQuery} from '../collect/model-metrics.js'
import type {CollectorProfileName} from '../plan/profiles.js'
import {UsageError} from '../errors.js'
import type {WhatIf} from '../model/what-if.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import {formatPromDuration} from '../read/prometheus/duration.js'
import {labelMatcher} from '../read/prometheus/label-value.js'
import type {ClusterState} from '../model/cluster-state.js'
import {resolveDecisionTargets} from '../simulate/decision-template.js'
import {
  type ReplayGrid,
  replayHistory,
  type ReplayResult,
  type ReplaySeriesSources,
  type TimedValue,
  type VaReplayInput,
} from '../simulate/replay.js'

/** Most steps one replay may have: 30 days at 1m is 43,200; beyond that a larger step reads better anyway. */
export const MAX_REPLAY_STEPS = 50_000

export interface ReplayRange {
  start: Date
  end: Date
  stepSeconds: number
}

/**
 * The replay grid of a range, or a UsageError: end after start, a step no longer than the range, at most
 * MAX_REPLAY_STEPS steps. Range queries are chunked below the backend's points per series (--prom-max-points), so
 * the limit is ours.
 */
export function replayGrid(range: ReplayRange): ReplayGrid {
  const {start, end, stepSeconds} = range
  if (!(stepSeconds > 0) || !Number.isFinite(stepSeconds))
    throw new UsageError(`invalid step ${stepSeconds}s: must be positive`, {hint: 'use e.g. --step 1m'})
  const rangeMs = end.getTime() - start.getTime()
  if (!(rangeMs > 0))
    throw new UsageError(`invalid range: --to (${start.toISOString()} … ${end.toISOString()}) must be after --from`, {
      hint: 'swap --from and --to, or use --since 1d',
    })
  const stepMs = stepSeconds * 1000
  const shown = (ms: number) => (Number.isInteger(ms) && ms > 0 ? formatPromDuration(ms) : `${ms / 1000}s`)
  if (stepMs > rangeMs)
    throw new UsageError(`step ${shown(stepMs)} is longer than the range ${shown(rangeMs)}`, {
      hint: 'use a smaller --step or a longer range',
    })
  const count = Math.floor(rangeMs / stepMs) + 1
  if (count > MAX_REPLAY_STEPS) {
    const minimumStepS = Math.ceil(rangeMs / 1000 / (MAX_REPLAY_STEPS - 1))
    throw new UsageError(
      `range ${shown(rangeMs)} at step ${shown(stepMs)} is ${count} steps; the limit is ${MAX_REPLAY_STEPS}`,
      {hint: `use --step ${formatPromDuration(minimumStepS * 1000)} or more`},
    )
  }
  return {startMs: start.getTime(), stepSeconds, count}
}

/** What identifies a VA's series in Prometheus. */
export interface ReplaySeriesTarget {
  namespace: string
  /** the VA name: variant_name of the controller's gauges */
  name: string
  modelID: string
  /** the scale target: deployment of kube_deployment_status_replicas */
  deploymentName: string
}

export interface VaHistory {
  measured: ModelMetricsPoint[]
  controllerReplicas: TimedValue[]
  actualReplicas: TimedValue[]
  seriesSources: ReplaySeriesSources
}

export interface FetchedHistory {
  /** by `${namespace}/${name}` */
  byVa: Map<string, VaHistory>
  queries: IssuedQuery[]
  warnings: string[]
  /** HTTP range requests sent: (model quantities + 2) × chunks, whatever the number of VAs */
  requests: number
}

export const controllerDesiredMetrics = ['wva_desired_replicas', 'inferno_desired_replicas'] as const
/** Actual replicas, most trusted first: kube-state-metrics (what ran), then the controller's view of it. */
export const actualReplicaMetrics = [
  'kube_deployment_status_replicas',
  'wva_current_replicas',
  'inferno_current_replicas',
] as const

/**
 * The series of a replay for every VA with a constant number of range queries: the collector's model quantities,
 * one query for the controller's desired replicas (both gauge names) and one for the actual replicas
 * (kube-state-metrics or the controller's current-replicas gauges), each split into the same chunks.
 * Per VA one metric name is used for each series (see controllerDesiredMetrics / actualReplicaMetrics for the
 * order); several series of that name (an accelerator_type change) are reduced with max.
 */
export async function fetchReplayHistory(
  client: PrometheusClient,
  targets: readonly ReplaySeriesTarget[],
  range: ReplayRange,
  options: {window?: string | undefined; profile?: CollectorProfileName | undefined} = {},
): Promise<FetchedHistory> {
  replayGrid(range)
  const before = client.requestCount
  const history = await collectModelMetricsHistory(
    client,
    targets.map((t) => ({namespace: t.namespace, modelID: t.modelID})),
    {...range, window: options.window, profile: options.profile},
  )
  const fetched: FetchedHistory = {
    byVa: new Map(),
    queries: [...history.queries],
    warnings: [...history.warnings],
    requests: 0,
  }
  for (const target of targets) {
    const model = history.models.find((m) => m.namespace === target.namespace && m.modelID === target.modelID)
    fetched.byVa.set(vaKey(target.namespace, target.name), {
      measured: model?.points ?? [],
      controllerReplicas: [],
      actualReplicas: [],
      seriesSources: {},
    })
  }
  if (targets.length === 0) return fetched
  const variants = labelMatcher(
    'variant_name',
    targets.map((t) => t.name),
  )
  const desiredQuery =
    `max by (__name__, variant_name, exported_namespace, namespace) ` +
    `({${labelMatcher('__name__', controllerDesiredMetrics)},${variants}})`
  const actualQuery =
    `max by (__name__, deployment, exported_namespace, namespace) (kube_deployment_status_replicas{${labelMatcher(
      'deployment',
      targets.map((t) => t.deploymentName),
    )}})` +
    ` or max by (__name__, variant_name, exported_namespace, namespace) ` +
    `({${labelMatcher('__name__', actualReplicaMetrics.slice(1))},${variants}})`
  fetched.queries.push(
    {quantity: 'controllerReplicas', promql: desiredQuery},
    {quantity: 'actualReplicas', promql: actualQuery},
  )
  const desired = await rangeSeries(client, desiredQuery, range, 'controllerReplicas', fetched.warnings)
  const actual = await rangeSeries(client, actualQuery, range, 'actualReplicas', fetched.warnings)
  for (const target of targets) {
    const va = fetched.byVa.get(vaKey(target.namespace, target.name))!
    const pick = (
      series: LabelledSeries[],
      names: readonly string[],
      matches: (s: LabelledSeries, name: string) => boolean,
    ) => {
      for (const name of names) {
        const points = mergeMax(series.filter((s) => s.labels.__name__ === name && matches(s, name)))
        if (points.length > 0) return {name, points}
      }
      return undefined
    }
    const namespaceOf = (s: LabelledSeries) => s.labels.exported_namespace ?? s.labels.namespace
    const byVariant = (s: LabelledSeries) =>
      s.labels.variant_name === target.name && namespaceOf(s) === target.namespace
    const controller = pick(desired, controllerDesiredMetrics, byVariant)
    const running = pick(actual, actualReplicaMetrics, (s, name) =>
      name === 'kube_deployment_status_replicas'
        ? s.labels.deployment === target.deploymentName && namespaceOf(s) === target.namespace
        : byVariant(s),
    )
    if (controller) {
      va.controllerReplicas = controller.points
      va.seriesSources.controller = controller.name
    }
    if (running) {
      va.actualReplicas = running.points
      va.seriesSources.actual = running.name
    }
  }
  fetched.requests = client.requestCount - before
  return fetched
}

interface LabelledSeries {
  labels: Readonly<Record<string, string>>
  points: TimedValue[]
}

async function rangeSeries(
  client: PrometheusClient,
  promql: string,
  range: ReplayRange,
  quantity: string,
  warnings: string[],
): Promise<LabelledSeries[]> {
  const answer = await queryRangeStitched(client, promql, range, quantity)
  warnings.push(...answer.warnings)
  return answer.series.map((series) => ({
    labels: series.labels,
    points: series.points.filter((p) => Number.isFinite(p.value)).map((p) => ({timeMs: p.timeMs, value: p.value})),
  }))
}

// Several series of one name for one VA (chunks, or label changes): one value per time, the largest.
function mergeMax(series: readonly LabelledSeries[]): TimedValue[] {
  const byTime = new Map<number, number>()
  for (const s of series)
    for (const p of s.points) byTime.set(p.timeMs, Math.max(byTime.get(p.timeMs) ?? -Infinity, p.value))
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([timeMs, value]) => ({timeMs, value}))
}

function vaKey(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

export interface ReplayFromPrometheusOptions {
  whatIf: WhatIf
  /** only these VA names (all when empty or absent) */
  names?: readonly string[] | undefined
  window?: string | undefined
  profile?: CollectorProfileName | undefined
}

/**
 * The whole replay for `kubectl va simulate --since/--from`: decision templates from the sources (the VAs, their
 * ConfigMaps, the what-ifs), the series from Prometheus, then replayHistory. VAs that simulate would skip still
 * get their measured and actual series, with the skip reason.
 */
export async function replayFromPrometheus(
  client: PrometheusClient,
  state: ClusterState,
  range: ReplayRange,
  options: ReplayFromPrometheusOptions,
): Promise<ReplayResult & {queries: IssuedQuery[]; warnings: string[]; requests: number}> {
  const grid = replayGrid(range)
  const names = options.names && options.names.length > 0 ? new Set(options.names) : undefined
  const targets = resolveDecisionTargets(state, options.whatIf, {probeLoad: true}).filter(
    (target) => names === undefined || names.has(target.name),
  )
  const fetched = await fetchReplayHistory(client, targets, range, {window: options.window, profile: options.profile})
  const inputs: VaReplayInput[] = targets.map((target) => {
    const history = fetched.byVa.get(vaKey(target.namespace, target.name))!
    return {
      namespace: target.namespace,
      name: target.name,
      modelID: target.modelID,
      template: target.template,
      skipReason: target.skeleton.reason ?? undefined,
      whatIf: options.whatIf,
      initialReplicas: target.skeleton.current.replicas,
      slo: target.skeleton.slo ? {ttftMs: target.skeleton.slo.ttftMs, itlMs: target.skeleton.slo.itlMs} : undefined,
      measured: history.measured,
      controllerReplicas: history.controllerReplicas,
      actualReplicas: history.actualReplicas,
      seriesSources: history.seriesSources,
    }
  })
  return {
    ...replayHistory(inputs, grid),
    queries: fetched.queries,
    warnings: fetched.warnings,
    requests: fetched.requests,
  }
}
