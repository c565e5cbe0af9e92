/**
 * `kubectl va scalers`: the scalers of a cluster (or manifests) with their current metric values, and the replay of
 * named scalers and their what-ifs over history. One broken scaler is one error line; the others are evaluated.
 */
import {KvaError, PrometheusError, UsageError} from '../errors.js'
import {type Grid, type GridSeries, gridTime, type SeriesReader, singleValues} from '../collect/scaler-series.js'
import {replayScaler} from '../decide/keda/replay.js'
import {resolveHpa} from '../decide/hpa/controller.js'
import {resolveScaledObject} from '../decide/keda/scaled-object.js'
import type {KubeObject} from '../model/kube-object.js'
import {
  isScalerObject,
  parseScaler,
  readTarget,
  type Scaler,
  scalerModel,
  scalesLlmWorkload,
  type TargetInfo,
} from '../model/scaler.js'
import {
  itlQuery,
  loadQuery,
  type PolicyName,
  presetManifest,
  recordedReplicasQuery,
  ttftQuery,
} from '../plan/scaler-queries.js'
import {
  applyScalerWhatIf,
  deciderSpec,
  type ExplainSteps,
  hpaSyncSeconds,
  isEmptyWhatIf,
  type MetricSamples,
  metricSamples,
  replayVariant,
  type ScalerReplayInput,
  type ScalerVariant,
  type ScalerWhatIf,
  summarize,
} from '../simulate/scaler-replay.js'
import {
  type ScalerItemView,
  type ScalerListView,
  type ScalerMetricView,
  type ScalerReplayItemView,
  type ScalerReplayView,
  scalerApiVersion,
} from '../view/scalers.js'

export interface ScalerInputs {
  /** HPAs, ScaledObjects, Deployments and LeaderWorkerSets (others are ignored). */
  readonly objects: readonly KubeObject[]
  /** Named scalers: each must exist (an error line otherwise); shown whatever they scale. */
  readonly names: readonly string[]
  /** Only this namespace (undefined: all). */
  readonly namespace: string | undefined
  /** Where metric values come from; null: none are read (values stay empty). */
  readonly reader: SeriesReader | null
}

export interface ScalerOutcome<View> {
  readonly view: View
  /** One line each (`<object>: <what>; <fix>`), for stderr; the items concerned carry the same text. */
  readonly errors: string[]
  readonly warnings: string[]
  /** What the figures mean here (a sampled replay, estimated SLO minutes): printed under the text output. */
  readonly notes: string[]
  /** Items asked for that could be evaluated / that could not. */
  readonly evaluated: number
  readonly failed: number
  /** Prometheus could not be queried at all. */
  readonly prometheusError: PrometheusError | null
}

interface Resolved {
  readonly scaler: Scaler
  readonly target: TargetInfo | null
  readonly ref: string
  readonly problem: string | null
}

const refOf = (scaler: Scaler) => `${scaler.namespace}/${scaler.name} (${scaler.kind})`

function withFix(message: string, fix: string): string {
  return message.includes('; ') ? message : `${message}; ${fix}`
}

/** Validates a scaler as the controller would: an error line, or null. */
function controllerProblem(variant: ScalerVariant): string | null {
  try {
    const spec = deciderSpec(variant)
    if (spec.kind === 'hpa') resolveHpa(spec.hpa)
    else resolveScaledObject(spec.scaledObject, spec.hpaController)
    return null
  } catch (error) {
    if (!(error instanceof KvaError)) throw error
    return withFix(error.message.replace(/^scaler [^:]+: /, ''), 'fix the manifest')
  }
}

function resolveScalers(inputs: ScalerInputs): {resolved: Resolved[]; missing: string[]} {
  const targets = new Map<string, TargetInfo>()
  for (const object of inputs.objects) {
    if (object.kind !== 'Deployment' && object.kind !== 'LeaderWorkerSet') continue
    const key = `${object.metadata?.namespace ?? 'default'}/${object.kind}/${object.metadata?.name}`
    targets.set(key, readTarget(object))
  }
  const scalers = inputs.objects
    .filter(isScalerObject)
    .filter(
      (object) => inputs.namespace === undefined || (object.metadata?.namespace ?? 'default') === inputs.namespace,
    )
    .map(parseScaler)
    .filter((scaler) => scaler.ownedBy === null)
  const named = new Set(inputs.names)
  const resolved: Resolved[] = []
  for (const scaler of scalers) {
    if (named.size > 0 && !named.has(scaler.name)) continue
    const target =
      scaler.target === null
        ? null
        : (targets.get(`${scaler.namespace}/${scaler.target.kind}/${scaler.target.name}`) ?? null)
    // A scaler whose target is missing is shown (with its error): nothing says it is not an LLM's.
    const targetMissing = scaler.target !== null && target === null
    if (named.size === 0 && !targetMissing && !scalesLlmWorkload(scaler, target)) continue
    let problem = scaler.problem
    if (problem === null && scaler.target !== null && target === null) {
      problem =
        `target ${scaler.target.kind}/${scaler.target.name} not found in namespace "${scaler.namespace}"; create it ` +
        `or fix spec.scaleTargetRef`
    }
    if (problem === null) problem = controllerProblem({label: 'configured', scaler})
    resolved.push({scaler, target, ref: refOf(scaler), problem})
  }
  resolved.sort(
    (a, b) =>
      a.scaler.namespace.localeCompare(b.scaler.namespace) ||
      a.scaler.name.localeCompare(b.scaler.name) ||
      a.scaler.kind.localeCompare(b.scaler.kind),
  )
  const missing = [...named].filter((name) => !resolved.some((entry) => entry.scaler.name === name))
  return {resolved, missing}
}

const notFoundLine = (name: string, namespace: string | undefined) =>
  `${namespace === undefined ? '' : `${namespace}/`}${name}: no HorizontalPodAutoscaler or ScaledObject of that name` +
  `${namespace === undefined ? '' : ` in namespace "${namespace}"`}; list them with "kubectl va scalers"`

/** Reads each distinct query once over the grid. A Prometheus failure ends the reading (prometheusError). */
async function readQueries(
  reader: SeriesReader,
  queries: Iterable<string>,
  grid: Grid,
): Promise<{series: Map<string, GridSeries[]>; error: PrometheusError | null}> {
  const series = new Map<string, GridSeries[]>()
  for (const query of queries) {
    if (series.has(query)) continue
    try {
      series.set(query, await reader.range(query, grid))
    } catch (error) {
      if (error instanceof PrometheusError) return {series, error}
      throw error
    }
  }
  return {series, error: null}
}

const metricQuery = (scaler: Scaler, name: string): string | null => {
  const source = scaler.metrics.find((metric) => metric.name === name)?.source
  return source === undefined || source.kind === 'unavailable' ? null : source.query
}

function samplesOf(scaler: Scaler, series: ReadonlyMap<string, GridSeries[]>, grid: Grid) {
  const samples = new Map<string, MetricSamples>()
  for (const metric of scaler.metrics) {
    const query = metricQuery(scaler, metric.name)
    samples.set(metric.name, metricSamples(metric, query === null ? [] : (series.get(query) ?? []), grid))
  }
  return samples
}

function metricViews(scaler: Scaler, samples: ReadonlyMap<string, MetricSamples> | null, index: number) {
  return scaler.metrics.map((metric): ScalerMetricView => {
    const sample = samples?.get(metric.name)
    return {
      name: metric.name,
      type: metric.type,
      targetType: metric.targetType,
      target: metric.target,
      activationThreshold: metric.activationThreshold,
      query: metric.source.kind === 'unavailable' ? null : metric.source.query,
      value: sample?.kind === 'ok' ? (sample.values[index] ?? null) : null,
      error: sample?.kind === 'error' ? sample.message : null,
    }
  })
}

export interface ListOptions {
  readonly atMs: number
}

/** `kubectl va scalers [NAME...]`: each scaler with its metric values at `atMs`. */
export async function listScalers(inputs: ScalerInputs, options: ListOptions): Promise<ScalerOutcome<ScalerListView>> {
  const {resolved, missing} = resolveScalers(inputs)
  const errors = missing.map((name) => notFoundLine(name, inputs.namespace))
  const warnings: string[] = []
  const grid: Grid = {startMs: options.atMs, stepMs: 1000, count: 1}
  let prometheusError: PrometheusError | null = null
  let series = new Map<string, GridSeries[]>()
  if (inputs.reader !== null) {
    const queries = resolved.flatMap((entry) =>
      entry.problem === null ? entry.scaler.metrics.map((metric) => metricQuery(entry.scaler, metric.name)) : [],
    )
    const read = await readQueries(
      inputs.reader,
      queries.filter((query): query is string => query !== null),
      grid,
    )
    series = read.series
    prometheusError = read.error
  }
  // The HPA KEDA created for each ScaledObject (its status holds the desired replicas), parsed once.
  const kedaHpas = new Map<string, Scaler>()
  for (const object of inputs.objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue
    const hpa = parseScaler(object)
    if (hpa.ownedBy !== null) kedaHpas.set(`${hpa.namespace}/${hpa.ownedBy}`, hpa)
  }
  const items: ScalerItemView[] = []
  let failed = missing.length
  for (const entry of resolved) {
    const {scaler, target} = entry
    const samples = inputs.reader !== null && prometheusError === null ? samplesOf(scaler, series, grid) : null
    let error = entry.problem
    if (error === null && samples !== null) {
      const broken = [...samples.values()].find((sample) => sample.kind === 'error')
      if (broken?.kind === 'error') error = broken.message
    }
    const current = target?.replicas ?? scaler.statusCurrent
    let computed: number | null = null
    if (error === null && samples !== null && current !== null) {
      const readings = new Map<string, readonly (number | {kind: 'error'; message: string})[]>()
      for (const [name, sample] of samples) if (sample.kind === 'ok') readings.set(name, sample.readings)
      const steps = replayScaler(
        deciderSpec({label: 'now', scaler}),
        {initialReplicas: current, readings},
        options.atMs,
        options.atMs,
        1000,
      )
      computed = steps[0]?.replicas ?? null
    }
    const desired =
      scaler.kind === 'ScaledObject'
        ? (kedaHpas.get(`${scaler.namespace}/${scaler.name}`)?.statusDesired ?? null)
        : scaler.statusDesired
    if (error !== null) {
      errors.push(`${entry.ref}: ${error}`)
      failed++
    }
    items.push({
      namespace: scaler.namespace,
      name: scaler.name,
      kind: scaler.kind,
      target: scaler.target === null ? null : {kind: scaler.target.kind, name: scaler.target.name},
      model: scalerModel(scaler, target),
      minReplicas: scaler.minReplicas,
      maxReplicas: scaler.maxReplicas,
      currentReplicas: current,
      desiredReplicas: desired,
      computedReplicas: computed,
      acceleratorsPerReplica: target?.acceleratorsPerReplica ?? null,
      metrics: metricViews(scaler, samples, 0),
      error,
    })
  }
  return {
    view: {
      apiVersion: scalerApiVersion,
      kind: 'ScalerList',
      at: inputs.reader === null || prometheusError !== null ? null : new Date(options.atMs).toISOString(),
      items,
    },
    errors,
    warnings,
    notes: [],
    evaluated: items.length - (failed - missing.length),
    failed,
    prometheusError,
  }
}

export interface ReplayOptions {
  readonly grid: Grid
  readonly whatIf: ScalerWhatIf
  readonly policies: readonly PolicyName[]
  /** Scalers from --scaler-file, replayed on each named scaler's target and traffic. */
  readonly scalerFiles: readonly KubeObject[]
  readonly sloTtftMs: number | null
  readonly sloItlMs: number | null
  /** Accelerators per replica when the target does not say (--accelerators). */
  readonly acceleratorsPerReplica: number | null
  /** Which steps keep their explanation (default: changes and held steps). */
  readonly explain?: ExplainSteps
}

/** `kubectl va scalers NAME... --since/--from`: each named scaler, its what-ifs and the comparison. */
export async function replayScalers(
  inputs: ScalerInputs,
  options: ReplayOptions,
): Promise<ScalerOutcome<ScalerReplayView>> {
  const {resolved, missing} = resolveScalers(inputs)
  const errors = missing.map((name) => notFoundLine(name, inputs.namespace))
  const warnings: string[] = []
  const {grid} = options
  const planned = resolved.map((entry) => planVariants(entry, options))
  for (const plan of planned) errors.push(...plan.errors)
  const queries: string[] = []
  for (const plan of planned) {
    if (plan.entry.problem !== null) continue
    const {scaler, target} = plan.entry
    for (const variant of plan.variants) {
      for (const metric of variant.scaler.metrics) {
        const query = metricQuery(variant.scaler, metric.name)
        if (query !== null) queries.push(query)
      }
    }
    if (scaler.target !== null)
      queries.push(recordedReplicasQuery(scaler.namespace, scaler.target.kind, scaler.target.name))
    const model = scalerModel(scaler, target)
    if (model !== null)
      queries.push(
        loadQuery(scaler.namespace, model),
        ttftQuery(scaler.namespace, model),
        itlQuery(scaler.namespace, model),
      )
  }
  let series = new Map<string, GridSeries[]>()
  let prometheusError: PrometheusError | null = null
  if (inputs.reader !== null) {
    const read = await readQueries(inputs.reader, queries, grid)
    series = read.series
    prometheusError = read.error
  } else {
    prometheusError = new PrometheusError('no metrics to replay from', {
      hint: 'pass --prom-url, or -f with a ScalerMetrics document',
    })
  }
  const items: ScalerReplayItemView[] = []
  let failed = missing.length
  const timesMs = Array.from({length: grid.count}, (_, index) => gridTime(grid, index))
  for (const plan of planned) {
    const {scaler, target} = plan.entry
    const model = scalerModel(scaler, target)
    const values = (query: string | null) =>
      query === null
        ? new Array<number | null>(grid.count).fill(null)
        : singleValues(series.get(query) ?? [], grid.count)
    const recorded = values(
      scaler.target === null ? null : recordedReplicasQuery(scaler.namespace, scaler.target.kind, scaler.target.name),
    )
    const input: ScalerReplayInput = {
      grid,
      recorded,
      fallbackInitialReplicas: target?.replicas ?? scaler.statusCurrent ?? Math.max(1, scaler.minReplicas),
      ttftMs: values(model === null ? null : ttftQuery(scaler.namespace, model)),
      itlMs: values(model === null ? null : itlQuery(scaler.namespace, model)),
      sloTtftMs: options.sloTtftMs,
      sloItlMs: options.sloItlMs,
      acceleratorsPerReplica: target?.acceleratorsPerReplica ?? options.acceleratorsPerReplica,
    }
    let error = plan.entry.problem
    const variants = []
    if (error === null && prometheusError === null) {
      for (const variant of plan.variants) {
        const samples = samplesOf(variant.scaler, series, grid)
        const broken = [...samples.values()].find((sample) => sample.kind === 'error')
        if (broken?.kind === 'error') {
          if (variant === plan.variants[0]) {
            error = broken.message
            break
          }
          errors.push(`${plan.entry.ref}: ${variant.label}: ${broken.message}`)
          continue
        }
        const ok = new Map([...samples].flatMap(([name, s]) => (s.kind === 'ok' ? [[name, s] as const] : [])))
        const replay = replayVariant(variant, ok, input, options.explain ?? 'changes')
        variants.push({
          label: variant.label,
          kind: variant.scaler.kind,
          metrics: metricViews(variant.scaler, samples, 0).map((view) => ({...view, value: null})),
          summary: replay.summary,
          replicas: replay.replicas,
          metricValues: replay.metricValues,
          explanations: replay.explanations,
        })
      }
    }
    if (error !== null) {
      errors.push(`${plan.entry.ref}: ${error}`)
      failed++
    }
    items.push({
      namespace: scaler.namespace,
      name: scaler.name,
      kind: scaler.kind,
      target: scaler.target === null ? null : {kind: scaler.target.kind, name: scaler.target.name},
      model,
      acceleratorsPerReplica: input.acceleratorsPerReplica,
      timesMs,
      recordedReplicas: recorded,
      loadRpm: values(model === null ? null : loadQuery(scaler.namespace, model)),
      ttftMs: input.ttftMs,
      itlMs: input.itlMs,
      recorded: summarize('recorded', recorded, input, null),
      variants: error === null ? variants : [],
      error,
    })
  }
  const notes: string[] = []
  if (grid.stepMs > hpaSyncSeconds * 1000) {
    notes.push(
      `step ${grid.stepMs / 1000}s is coarser than the HPA's ${hpaSyncSeconds}s sync: the replay syncs once per ` +
        `step, a sampled approximation; use --step 15s to reproduce the controller sync for sync`,
    )
  }
  const estimated = (summary: ScalerReplayItemView['recorded']) =>
    summary.sloEstimate && (summary.minutesOverTtftSlo !== null || summary.minutesOverItlSlo !== null)
  if (items.some((item) => item.variants.some((variant) => estimated(variant.summary)))) {
    notes.push(
      '~: an estimate: these replicas differ from the recorded ones, and latency was measured at the recorded ' +
        'replicas',
    )
  }
  return {
    view: {
      apiVersion: scalerApiVersion,
      kind: 'ScalerReplay',
      from: new Date(grid.startMs).toISOString(),
      to: new Date(gridTime(grid, grid.count - 1)).toISOString(),
      stepSeconds: grid.stepMs / 1000,
      sampled: grid.stepMs > hpaSyncSeconds * 1000,
      slo: {ttftMs: options.sloTtftMs, itlMs: options.sloItlMs},
      items,
    },
    errors,
    warnings,
    notes,
    evaluated: items.length - (failed - missing.length),
    failed,
    prometheusError,
  }
}

/** The label of a row the what-if flags changed: `what-if` for the configured scaler, `<row>+what-if` otherwise. */
export const whatIfLabel = (label: string): string => (label === 'configured' ? 'what-if' : `${label}+what-if`)

/**
 * The variants of one scaler: as configured, then with the what-ifs, then each --policy preset and each
 * --scaler-file. The what-if flags apply to every row but the configured one, where they make sense: a --threshold
 * NAME=V to the rows with a metric NAME (a usage error when no row has one), the other flags to every row; a row they
 * change is labelled `what-if` (the configured scaler's) or `<row>+what-if`.
 */
function planVariants(
  entry: Resolved,
  options: ReplayOptions,
): {entry: Resolved; variants: ScalerVariant[]; errors: string[]} {
  const errors: string[] = []
  const variants: ScalerVariant[] = [{label: 'configured', scaler: entry.scaler}]
  if (entry.problem !== null) return {entry, variants, errors}
  const {scaler, target} = entry
  const model = scalerModel(scaler, target)
  const rows: ScalerVariant[] = []
  const add = (label: string, object: KubeObject) => {
    const parsed = parseScaler({
      ...object,
      metadata: {...object.metadata, namespace: scaler.namespace},
      spec: {...(object.spec as Record<string, unknown>), scaleTargetRef: scaler.target},
    })
    const variant: ScalerVariant = {label, scaler: parsed}
    const problem = parsed.problem ?? controllerProblem(variant)
    if (problem !== null) {
      errors.push(`${entry.ref}: ${label}: ${problem}`)
      return
    }
    rows.push(variant)
  }
  for (const policy of options.policies) {
    if (model === null && policy !== 'wva-v0.9') {
      errors.push(`${entry.ref}: --policy ${policy}: the model is unknown; annotate the scaler with llm-d.ai/model-id`)
      continue
    }
    add(
      policy,
      presetManifest(policy, {
        namespace: scaler.namespace,
        name: scaler.name,
        model: model ?? '',
        target: scaler.target ?? {kind: 'Deployment', name: scaler.name, apiVersion: 'apps/v1'},
        minReplicas: scaler.minReplicas,
        maxReplicas: scaler.maxReplicas,
        sloTtftMs: options.sloTtftMs ?? 1000,
        sloItlMs: options.sloItlMs ?? 50,
      }),
    )
  }
  for (const object of options.scalerFiles) add(`file:${object.metadata?.name ?? '?'}`, object)
  const whatIf = options.whatIf
  if (isEmptyWhatIf(whatIf)) return {entry, variants: [...variants, ...rows], errors}
  const candidates = [{label: 'configured', scaler}, ...rows]
  for (const threshold of whatIf.thresholds ?? []) {
    const name = threshold.metric
    if (name === null || candidates.some((row) => row.scaler.metrics.some((metric) => metric.name === name))) continue
    const known = [...new Set(candidates.flatMap((row) => row.scaler.metrics.map((metric) => metric.name)))]
    throw new UsageError(
      `--threshold ${name}=${threshold.value}: ${scaler.namespace}/${scaler.name} has no metric ${name}` +
        `${rows.length > 0 ? ', nor has any --policy or --scaler-file row' : ''}`,
      {hint: `use one of ${known.join(', ')}`},
    )
  }
  for (const row of candidates) {
    const applicable = whatIfFor(row.scaler, whatIf)
    if (row.label !== 'configured') variants.push(isEmptyWhatIf(applicable) ? row : whatIfRow(row, applicable))
    else if (!isEmptyWhatIf(applicable)) variants.push(whatIfRow(row, applicable))
  }
  return {entry, variants, errors}
}

/** The what-ifs that apply to a scaler: a --threshold NAME=V only when it has a metric NAME. */
function whatIfFor(scaler: Scaler, whatIf: ScalerWhatIf): ScalerWhatIf {
  const thresholds = (whatIf.thresholds ?? []).filter(
    (threshold) => threshold.metric === null || scaler.metrics.some((metric) => metric.name === threshold.metric),
  )
  const {thresholds: _all, ...rest} = whatIf
  return thresholds.length > 0 ? {...rest, thresholds} : rest
}

const whatIfRow = (row: ScalerVariant, whatIf: ScalerWhatIf): ScalerVariant =>
  applyScalerWhatIf(row.scaler, whatIf, whatIfLabel(row.label))
