import {queryRangeStitched} from '../collect/range.js'
import type {IssuedQuery} from '../collect/model-metrics.js'
import {collectPodMetricsHistory} from '../collect/pod-history.js'
import type {CollectorProfileName} from '../plan/profiles.js'
import {
  modelGrouping,
  scopeKeySet,
  scopeSelector,
  seriesScopeKey,
  uniqueScopes,
  type ModelScope,
} from '../plan/scope.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import {
  planRequestCounts,
  requestCountKey,
  runSaturationEngines,
  type SaturationOverrides,
} from '../decide/saturation/groups/run-groups.js'
import {field, recordOr} from '../model/kube-object.js'
import {type ClusterState, deriveClusterState} from '../model/cluster-state.js'
import {fetchReplayHistory, type ReplayRange, replayGrid, type ReplaySeriesTarget} from './fetch-history.js'
import type {ReplayGrid} from '../simulate/replay.js'
import type {ReadingsModel} from '../model/saturation-readings.js'
import {
  replaySaturation,
  type SaturationReplayLoad,
  type SaturationSeries,
  type SaturationVaReplay,
} from '../simulate/saturation-replay.js'

export interface SaturationReplayFromPrometheusOptions {
  /** simulate's saturation what-ifs: --engine, thresholds, --scale-to-zero, --retention. */
  overrides?: SaturationOverrides | undefined
  /** Only these VA names in the output (all are simulated: siblings share a model). */
  names?: readonly string[] | undefined
  /** Window of the model quantities fetchReplayHistory also reads (only measured latency is shown). */
  window?: string | undefined
  profile?: CollectorProfileName | undefined
  cadenceSeconds?: number | undefined
  readings?: ReadingsModel | undefined
  replicaStartupSeconds?: number | undefined
  /** --load-scale and --arrival-rate: the readings of each step go through the saturation load model. */
  load?: SaturationReplayLoad | undefined
}

export interface SaturationReplayFetch {
  items: SaturationVaReplay[]
  startMs: number
  stepSeconds: number
  queries: IssuedQuery[]
  warnings: string[]
  /**
   * HTTP range requests sent, all × chunks: fetchReplayHistory's (model quantities + controller + actual), 2 per-pod
   * queries, and 1 request-count query per distinct scale-to-zero retention. Independent of the number of VAs.
   */
  requests: number
}

/**
 * `increase(vllm:request_success_total[retention])` per model over the grid, for the scale-to-zero enforcer: one
 * batched range query per distinct retention (× chunks), keyed by requestCountKey and aligned to the grid (null =
 * no sample, which the enforcer treats as a failed query).
 */
export async function collectRequestCountHistory(
  client: PrometheusClient,
  queries: ReadonlyArray<{modelId: string; namespace: string; retention: {promqlRange: string}}>,
  range: ReplayRange,
  grid: ReplayGrid,
): Promise<{values: Map<string, Array<number | null>>; queries: IssuedQuery[]; warnings: string[]}> {
  const out = {values: new Map<string, Array<number | null>>(), queries: [] as IssuedQuery[], warnings: [] as string[]}
  const byRetention = new Map<string, ModelScope[]>()
  for (const query of queries)
    byRetention.set(query.retention.promqlRange, [
      ...(byRetention.get(query.retention.promqlRange) ?? []),
      {namespace: query.namespace, modelID: query.modelId},
    ])
  const stepMs = grid.stepSeconds * 1000
  for (const [retention, scopes] of byRetention) {
    const distinct = uniqueScopes(scopes)
    const inScope = scopeKeySet(distinct)
    const promql =
      `sum by (${modelGrouping}) ` + `(increase(vllm:request_success_total{${scopeSelector(distinct)}}[${retention}]))`
    out.queries.push({quantity: 'requestsInRetention', promql})
    for (const scope of distinct)
      out.values.set(requestCountKey(scope.namespace, scope.modelID), new Array(grid.count).fill(null))
    const answer = await queryRangeStitched(client, promql, range, 'requestsInRetention')
    out.warnings.push(...answer.warnings)
    for (const series of answer.series) {
      const key = seriesScopeKey(series.labels)
      if (key === undefined || !inScope.has(key)) continue
      const values = out.values.get(requestCountKey(series.labels.namespace!, series.labels.model_name!))!
      for (const {timeMs, value} of series.points) {
        const index = Math.round((timeMs - grid.startMs) / stepMs)
        if (Number.isFinite(value) && index >= 0 && index < grid.count) values[index] = value
      }
    }
  }
  return out
}

// Scale-from-zero needs the request counts of models whose Deployments are at 0 now, which the engine would not
// plan (it skips inactive VAs): plan as if every target Deployment ran.
function withEveryTargetRunning(state: ClusterState): ClusterState {
  return deriveClusterState(state, {
    deployments: state.sources.deployments.map((deployment) => {
      const replicas = field(deployment.spec, 'replicas')
      return typeof replicas === 'number' && replicas <= 0
        ? {...deployment, spec: {...recordOr(deployment.spec), replicas: 1}}
        : deployment
    }),
  })
}

/**
 * The saturation replay for `kubectl va simulate --since/--from`, mirroring replayFromPrometheus: the saturation
 * VAs from the sources, their controller and actual replica series (fetchReplayHistory), the per-pod KV and queue
 * history, the scale-to-zero request counts, then replaySaturation. A constant number of range requests.
 */
export async function replaySaturationFromPrometheus(
  client: PrometheusClient,
  state: ClusterState,
  range: ReplayRange,
  options: SaturationReplayFromPrometheusOptions = {},
): Promise<SaturationReplayFetch> {
  const grid = replayGrid(range)
  const overrides = options.overrides ?? {}
  const before = client.requestCount
  const baseline = runSaturationEngines({
    state: deriveClusterState(state, {pods: undefined, replicaSets: undefined, metricsSnapshots: []}),
    pods: [],
    overrides,
    requestCounts: new Map(),
  })
  const targets: ReplaySeriesTarget[] = baseline.variants.map((variant) => ({
    namespace: variant.namespace,
    name: variant.name,
    modelID: variant.modelId,
    deploymentName: variant.deployment,
  }))
  const result: SaturationReplayFetch = {
    items: [],
    startMs: grid.startMs,
    stepSeconds: grid.stepSeconds,
    queries: [],
    warnings: [],
    requests: 0,
  }
  if (targets.length === 0) return result
  const history = await fetchReplayHistory(client, targets, range, {window: options.window, profile: options.profile})
  const scopes = targets.map((target) => ({namespace: target.namespace, modelID: target.modelID}))
  const pods = await collectPodMetricsHistory(client, scopes, range, {profile: options.profile})
  const counts = await collectRequestCountHistory(
    client,
    planRequestCounts(withEveryTargetRunning(state), overrides),
    range,
    grid,
  )
  result.queries = [...history.queries, ...pods.queries, ...counts.queries]
  result.warnings = [...history.warnings, ...pods.warnings, ...counts.warnings]
  const series = new Map<string, SaturationSeries>([...history.byVa].map(([key, va]) => [key, va]))
  result.items = replaySaturation(state, pods, grid, {
    overrides,
    names: options.names,
    series,
    requestCounts: counts.values,
    cadenceSeconds: options.cadenceSeconds,
    readings: options.readings,
    replicaStartupSeconds: options.replicaStartupSeconds,
    load: options.load,
  })
  result.requests = client.requestCount - before
  return result
}
