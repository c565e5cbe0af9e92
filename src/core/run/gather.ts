import type {ReadClusterOptions} from '../read/kube/read-sources.js'
import type {PodBreakdown} from '../collect/pod-breakdown.js'
import {controllerValue, profileForControllerVersion, type CollectorProfileName} from '../plan/profiles.js'
import {PrometheusError} from '../errors.js'
import {type ClusterState, parseClusterState} from '../model/cluster-state.js'
import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {PrometheusClient, PrometheusTuning} from '../read/prometheus/client.js'
import type {ReplayRange} from './fetch-history.js'
import type {WhatIf} from '../model/what-if.js'
import {saturationOverrides} from '../simulate/simulate.js'
import {presentInferenceEngines, wvaQueryReleaseOf, type WvaQueryRelease} from '../plan/wva-queries.js'
import {targetPodTemplate} from '../model/wva-variant.js'
import type {SourceSet} from '../model/sources.js'

/** What the Prometheus side needs, already validated by the CLI. */
export interface PrometheusRequest {
  enabled: boolean
  /** --prom-url */
  url: string | undefined
  /** $KUBECTL_VA_PROM_URL (read by the CLI; core reads no environment) */
  envUrl: string | undefined
  bearerToken: string | undefined
  bearerTokenFile: string | undefined
  headers: string[]
  caFile: string | undefined
  certFile: string | undefined
  keyFile: string | undefined
  insecureSkipTlsVerify: boolean
  timeoutMs: number
  /** --prom-timeout as given, --prom-max-points, --prom-retries: passed to the client as they are. */
  tuning?: PrometheusTuning | undefined
  window: string
  at: Date | undefined
  wvaCompat: boolean
  /** Also query rate and latency per pod (describe). */
  podBreakdown?: boolean | undefined
  /** simulate's what-ifs: the saturation overrides change which scale-to-zero readings are needed. */
  whatIf?: WhatIf | undefined
  /** Replay history over this range instead of reading one instant (simulate --since/--from). */
  replay?: {range: ReplayRange; whatIf: WhatIf; names: readonly string[]} | undefined
}

export interface PrometheusOutcome {
  /** The URL queried (credentials never included); undefined when none was found or metrics are off. */
  url: string | undefined
  /**
   * How the URL was found, for describe: "flag --prom-url", "ConfigMap ns/name PROMETHEUS_BASE_URL via the API server
   * proxy".
   */
  foundBy: string | undefined
  window: string
  at: Date | undefined
  profile: CollectorProfileName
  queries: Array<{quantity: string; promql: string}>
  requestCount: number
  /** Set when Prometheus could not be queried: the cluster view is still shown. */
  error: PrometheusError | undefined
  warnings: string[]
}

export interface LiveGather {
  /** What was read, parsed once for the whole run (its `sources` are the raw snapshot). */
  state: ClusterState
  clusterRequestCount: number
  metrics: ModelMetrics[] | undefined
  /** The controller's desired-replicas gauge per VA (namespace\0name). */
  gauges: Map<string, {desiredReplicas: number; metricName: string}>
  /** Per-pod rate and latency, when asked for. */
  pods: PodBreakdown[] | undefined
  /** Per-pod KV-cache and queue readings for the saturation engines. */
  saturationPods: PodMetrics[] | undefined
  /** increase(vllm:request_success_total[retention]) per namespace\0model, for scale-to-zero. */
  requestCounts: Map<string, number> | undefined
  /**
   * With podBreakdown (describe): the metrics as the controller version in the cluster reads them, when that differs.
   */
  compat: {profile: CollectorProfileName; metrics: ModelMetrics[]} | undefined
  /** The replayed history, with replay. */
  replay: Awaited<ReturnType<typeof import('./fetch-history.js').replayFromPrometheus>> | undefined
  prometheus: PrometheusOutcome | undefined
}

/** The I/O edge of get/describe/simulate against a cluster: reads the cluster, then Prometheus, once each. */
export async function gatherLive(cluster: ReadClusterOptions, prometheus: PrometheusRequest): Promise<LiveGather> {
  const {loadKubeconfig} = await import('../read/kube/kubeconfig.js')
  const {readClusterSources} = await import('../read/kube/read-sources.js')
  const connection = cluster.connection ?? (await loadKubeconfig(cluster.kubeconfig ?? {}))
  // Pods and ReplicaSets map pods to Deployments for the saturation engines (two more GETs, whatever the VA count).
  const read = await readClusterSources({...cluster, connection, includePods: true})
  // WVA v0.6-v0.9: variants (VAs, annotated HPAs and ScaledObjects) become the rows; bad ones are problems.
  const state = parseClusterState(read, {crdMissing: read.crdMissing})
  const sources = state.sources as typeof read
  const {config} = state
  const result: LiveGather = {
    state,
    clusterRequestCount: sources.requestCount,
    metrics: undefined,
    gauges: new Map(),
    pods: undefined,
    saturationPods: undefined,
    requestCounts: undefined,
    compat: undefined,
    replay: undefined,
    prometheus: undefined,
  }
  // Planned from the parsed state (pure, decide/saturation/groups) before any metric is read.
  const {missingSaturationConfigWarnings} = await import('../decide/saturation/groups/config-warnings.js')
  sources.warnings.push(...missingSaturationConfigWarnings(state, saturationOverrides(prometheus.whatIf)))
  if (!prometheus.enabled || sources.variantAutoscalings.length === 0) return result

  const profile = prometheus.wvaCompat ? compatProfile(state) : 'kubectl-va'
  const outcome: PrometheusOutcome = {
    url: undefined,
    foundBy: undefined,
    window: prometheus.window,
    at: prometheus.at,
    profile,
    queries: [],
    requestCount: 0,
    error: undefined,
    warnings: [],
  }
  result.prometheus = outcome
  const {findPrometheus, openPrometheus} = await import('./prometheus-connect.js')
  const found = await findPrometheus({
    settings: prometheus,
    config,
    connection,
    requestTimeoutMs: cluster.requestTimeoutMs,
  })
  result.clusterRequestCount += found.clusterRequestCount
  if (found.error !== undefined) {
    outcome.error = found.error
    return result
  }
  const {resolved} = found
  if (!resolved) {
    outcome.error = new PrometheusError(
      'no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL, no PROMETHEUS_BASE_URL in the ' +
        'controller ConfigMap, and no thanos-querier, prometheus-operated or kube-prometheus-stack Service',
      {
        hint: 'pass --prom-url (or --no-metrics to skip live metrics)',
      },
    )
    return result
  }
  outcome.foundBy = resolved.description

  const client = await openPrometheus(resolved, prometheus, connection, connection.secrets)
  outcome.url = client.displayUrl
  try {
    if (prometheus.replay) {
      if (sources.wva !== undefined) {
        const {decideInstallation} = await import('../simulate/wva-items.js')
        const engine = decideInstallation(sources)?.selection.engine
        if (engine !== undefined && engine !== 'saturation-v1') {
          outcome.warnings.push(
            `history replay of WVA ${sources.wva.release} ${engine} is not implemented: the rows replay the ` +
              'v0.5 engines on the variants; simulate without --since/--from decides with the release',
          )
        }
      }
      const {replayFromPrometheus} = await import('./fetch-history.js')
      const {replaySaturationFromPrometheus} = await import('./saturation-fetch.js')
      const {whatIf, names, range} = prometheus.replay
      const model = await replayFromPrometheus(client, state, range, {
        whatIf,
        names,
        window: prometheus.window,
        profile,
      })
      const saturation = await replaySaturationFromPrometheus(client, state, range, {
        overrides: saturationOverrides(whatIf),
        load: {loadScale: whatIf.loadScale, arrivalRateRpm: whatIf.arrivalRateRpm},
        names,
        window: prometheus.window,
        profile,
      })
      // The saturation engines' VAs are replayed by their own engine; drop their queueing-model "skipped" rows.
      const bySaturation = new Set(saturation.items.map((item) => `${item.namespace}\u0000${item.name}`))
      const items = [
        ...model.items.filter((item) => !bySaturation.has(`${item.namespace}\u0000${item.name}`)),
        ...saturation.items,
      ]
      items.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
      result.replay = {
        ...model,
        items,
        queries: [...model.queries, ...saturation.queries],
        warnings: [...model.warnings, ...saturation.warnings],
        requests: model.requests + saturation.requests,
      }
      outcome.queries = result.replay.queries
      outcome.warnings.push(...result.replay.warnings)
      return result
    }
    const vas = state.variants.map((variant) => variant.va)
    const {collectModelMetrics} = await import('../collect/model-metrics.js')
    const {collectDesiredReplicas} = await import('../collect/desired-replicas.js')
    const {collectPodBreakdown} = await import('../collect/pod-breakdown.js')
    const scopes = vas.map((va) => ({namespace: va.namespace, modelID: va.modelID}))
    const {collectPodMetrics} = await import('../collect/pod-metrics.js')
    const requestCountQueries = await plannedRequestCounts(state, prometheus.whatIf)
    const wvaRelease = sources.wva === undefined ? undefined : wvaQueryReleaseOf(sources.wva.release)
    const [models, gauges, pods, saturationPods, requestCounts, wvaReadings] = await Promise.all([
      collectModelMetrics(client, scopes, {window: prometheus.window, at: prometheus.at, profile}),
      collectDesiredReplicas(
        client,
        vas.map((va) => ({namespace: va.namespace, variantName: va.name})),
        {at: prometheus.at},
      ),
      prometheus.podBreakdown
        ? collectPodBreakdown(client, scopes, {window: prometheus.window, at: prometheus.at})
        : undefined,
      collectPodMetrics(client, scopes, {at: prometheus.at, profile}),
      collectRequestCountsByRetention(client, requestCountQueries, prometheus.at),
      wvaRelease === undefined ? undefined : collectWvaInstallationReadings(client, sources, wvaRelease, prometheus.at),
    ])
    // describe: the controller's wva_* gauges of every variant, one query per gauge.
    const wvaGauges =
      wvaRelease !== undefined && prometheus.podBreakdown
        ? await (await import('../collect/wva-readings.js')).collectWvaGauges(client, wvaRelease, {at: prometheus.at})
        : undefined
    if (wvaGauges !== undefined) sources.wvaGauges = wvaGauges.gauges
    if (wvaReadings !== undefined) {
      sources.wvaReadings = {
        apiVersion: 'kubectl-va.llmd.ai/v1alpha1',
        kind: 'MetricsSnapshot',
        models: wvaReadings.models,
        pods: wvaReadings.pods,
        requestsInRetention: wvaReadings.requestCounts.length > 0 ? wvaReadings.requestCounts : undefined,
      }
    }
    outcome.queries = [
      ...models.queries,
      ...gauges.queries,
      ...(pods?.queries ?? []),
      ...saturationPods.queries,
      ...requestCounts.queries,
      ...(wvaReadings?.queries ?? []),
      ...(wvaGauges?.queries ?? []),
    ]
    outcome.warnings.push(
      ...models.warnings,
      ...gauges.warnings,
      ...(pods?.warnings ?? []),
      ...saturationPods.warnings,
      ...requestCounts.warnings,
      ...(wvaReadings?.warnings ?? []),
      ...(wvaGauges?.warnings ?? []),
    )
    result.pods = pods?.pods
    result.saturationPods = saturationPods.pods
    result.requestCounts = requestCounts.values
    const controllerProfile = compatProfile(state)
    if (prometheus.podBreakdown && profile === 'kubectl-va' && controllerProfile !== 'kubectl-va') {
      // describe tells when the controller's own (version-specific) inputs would lead to another decision.
      const controllerView = await collectModelMetrics(client, scopes, {
        window: prometheus.window,
        at: prometheus.at,
        profile: controllerProfile,
      })
      result.compat = {profile: controllerProfile, metrics: controllerView.models.map(asControllerSees)}
    }
    result.metrics = profile === 'kubectl-va' ? models.models : models.models.map(asControllerSees)
    if (prometheus.at === undefined) {
      const stale = await staleSeriesWarning(client, models.models, saturationPods.pods, prometheus.window)
      if (stale) outcome.warnings.push(stale)
    }
    for (const gauge of gauges.replicas)
      result.gauges.set(`${gauge.namespace}\u0000${gauge.variantName}`, {
        desiredReplicas: gauge.desiredReplicas,
        metricName: gauge.metricName,
      })
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error
    outcome.error = resolved.viaApiServer ? throughProxy(error, resolved.inClusterUrl ?? resolved.url) : error
  } finally {
    outcome.requestCount = client.requestCount
    await client.close()
  }
  return result
}

/** WVA v0.6-v0.9: the release's own readings for every model of the installation's variants. */
async function collectWvaInstallationReadings(
  client: PrometheusClient,
  sources: SourceSet,
  release: WvaQueryRelease,
  at: Date | undefined,
) {
  const installation = sources.wva!
  const {collectWvaReadings} = await import('../collect/wva-readings.js')
  const targetNames = new Map<string, string[]>()
  for (const target of installation.targets) {
    const namespace = target.metadata?.namespace ?? 'default'
    targetNames.set(namespace, [...(targetNames.get(namespace) ?? []), target.metadata?.name ?? ''])
  }
  // v0.9 sends the SGLang queries for the models whose scale targets run SGLang.
  const templateOf = (variant: (typeof installation.variants)[number]) =>
    targetPodTemplate(
      installation.targets.find(
        (target) =>
          (target.metadata?.namespace ?? 'default') === variant.namespace &&
          target.metadata?.name === variant.target.name,
      ),
    )
  const scopes = installation.variants.map((variant) => ({
    namespace: variant.namespace,
    modelID: variant.modelID,
    engines: presentInferenceEngines(
      installation.variants
        .filter((other) => other.namespace === variant.namespace && other.modelID === variant.modelID)
        .map(templateOf)
        .filter((template) => template !== undefined),
    ),
  }))
  return collectWvaReadings(client, release, scopes, {at, targetNames})
}

/**
 * Through the API server's service proxy, 404 and 403 are about the Service or the user's rights, not about the
 * Prometheus path: say so, with the fixes that apply.
 */
function throughProxy(error: PrometheusError, inClusterUrl: string): PrometheusError {
  if (/HTTP 404\b/.test(error.message)) {
    return new PrometheusError(`${error.message} (through the API server's service proxy to ${inClusterUrl})`, {
      hint:
        'the Service or port was not found: check PROMETHEUS_BASE_URL in the controller ConfigMap, or pass ' +
        '--prom-url',
      cause: error,
    })
  }
  if (/HTTP 403\b/.test(error.message)) {
    return new PrometheusError(`${error.message} (through the API server's service proxy to ${inClusterUrl})`, {
      hint:
        'your user may not "get services/proxy" in that namespace; ask for it, or pass --prom-url (e.g. after ' +
        'kubectl port-forward)',
      cause: error,
    })
  }
  return error
}

/** Raw vLLM series every profile reads; their newest sample says whether the data just stopped. */
const stalenessProbe = '{__name__=~"vllm:request_success_total|vllm:kv_cache_usage_perc|vllm:gpu_cache_usage_perc"'
const stalenessLookback = '7d'

/**
 * Without --at, when no model and no pod has a single reading, finds the newest vLLM sample in the last week (a
 * 5m-step subquery sees every sample through the 5m lookback) and, when there is one, says --at would show it.
 */
async function staleSeriesWarning(
  client: PrometheusClient,
  models: readonly ModelMetrics[],
  pods: readonly PodMetrics[],
  window: string,
): Promise<string | undefined> {
  const modelReadings = models.flatMap((model) => [model.arrivalRateRpm, model.avgInputTokens, model.ttftMs])
  const podReadings = pods.flatMap((pod) => [pod.kvCacheUsage, pod.queueLength])
  const hasReading = [...modelReadings, ...podReadings].some((value) => value !== undefined)
  const namespaces = models.map((model) => model.namespace)
  if (hasReading || namespaces.length === 0) return undefined
  const {labelMatcher} = await import('../read/prometheus/label-value.js')
  const selector = `${stalenessProbe}, ${labelMatcher('namespace', namespaces)}}`
  let newestS: number | undefined
  try {
    const answer = await client.query(`max(max_over_time(timestamp(${selector})[${stalenessLookback}:5m]))`)
    newestS = answer.data.kind === 'vector' ? answer.data.samples[0]?.value : undefined
  } catch (error) {
    // Only a hint: a Prometheus that refuses the subquery must not turn good output into an error.
    if (error instanceof PrometheusError) return undefined
    throw error
  }
  if (newestS === undefined || !Number.isFinite(newestS)) return undefined
  const newest = new Date(Math.round(newestS) * 1000).toISOString().replace('.000Z', 'Z')
  const where = [...new Set(namespaces)].sort().join(', ')
  return (
    `no samples in the last ${window}: the newest vLLM samples in ${where} are from ${newest}, ` +
    `so every metric shows as <unknown>; pass --at=${newest} to see them as they were then`
  )
}

/** The scale-to-zero request-count readings the saturation engines will need (none unless scale-to-zero is on). */
async function plannedRequestCounts(state: ClusterState, whatIf: WhatIf | undefined) {
  const {planRequestCounts} = await import('../decide/saturation/groups/run-groups.js')
  return planRequestCounts(state, saturationOverrides(whatIf))
}

/** One query per distinct retention window, however many models. */
async function collectRequestCountsByRetention(
  client: PrometheusClient,
  queries: ReadonlyArray<{modelId: string; namespace: string; retention: {seconds: number}}>,
  at: Date | undefined,
) {
  const {collectRequestCounts} = await import('../collect/request-counts.js')
  const byRetention = new Map<number, Array<{namespace: string; modelID: string}>>()
  for (const query of queries)
    byRetention.set(query.retention.seconds, [
      ...(byRetention.get(query.retention.seconds) ?? []),
      {namespace: query.namespace, modelID: query.modelId},
    ])
  const out = {
    values: new Map<string, number>(),
    queries: [] as Array<{quantity: string; promql: string}>,
    warnings: [] as string[],
  }
  for (const [seconds, scopes] of byRetention) {
    const answer = await collectRequestCounts(client, scopes, {retention: `${seconds}s`, at})
    out.queries.push(...answer.queries)
    out.warnings.push(...answer.warnings)
    for (const entry of answer.requestsInRetention)
      out.values.set(`${entry.namespace}\u0000${entry.modelID}`, entry.requests)
  }
  return out
}

// The controller turns NaN and empty results into 0; with --wva-compat we feed the optimizer what it sees.
function asControllerSees(model: ModelMetrics): ModelMetrics {
  return {
    ...model,
    arrivalRateRpm: controllerValue(model.arrivalRateRpm),
    avgInputTokens: controllerValue(model.avgInputTokens),
    avgOutputTokens: controllerValue(model.avgOutputTokens),
  }
}

/**
 * The collector profile of the controller version in the cluster: its image tag (profileForControllerVersion), else,
 * for a tag that names no version (`latest`, none), the CRD shape.
 */
function compatProfile(state: ClusterState): CollectorProfileName {
  const byTag = profileForControllerVersion(state.controllerImageTag)
  if (byTag !== 'kubectl-va') return byTag
  switch (state.crdShape?.shape) {
    case 'A':
      return state.crdShape.release === 'v0.0.1' ? 'wva-v0.0.1' : 'wva-v0.0.3'
    case 'B0':
    case 'B1':
    case 'B2':
      return 'wva-4cf6eb6'
    case 'C':
      return 'wva-v0.5'
    default:
      return 'kubectl-va'
  }
}
