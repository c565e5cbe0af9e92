import {type FitRange, type FitSeries, collectFitSeries} from '../collect/fit-series.js'
import {InputError, PrometheusError} from '../errors.js'
import {type ClusterState, parseClusterState} from '../model/cluster-state.js'
import type {ModelScope} from '../plan/scope.js'
import type {ReadClusterOptions} from '../read/kube/read-sources.js'
import type {Secrets} from '../redact.js'
import type {PrometheusSettings} from './prometheus-connect.js'

/**
 * The live I/O of `kubectl va fit`: the VA (or only the namespace, for --model) from the cluster, the Prometheus URL
 * found as for get (flag, env, controller ConfigMap, well-known Services), then the fit's range queries.
 */
export interface LiveFitRequest {
  /** undefined: --model with a Prometheus URL given, no cluster read at all */
  cluster: ReadClusterOptions | undefined
  prometheus: PrometheusSettings
  /** the VA to fit, or the model scope (--model) */
  target: {vaName: string; namespace?: string | undefined} | {scope: ModelScope}
  range: FitRange
  /** the run's secrets: tokens read are added and redacted from every error */
  secrets: Secrets
}

export interface LiveFit {
  /** the cluster as read, parsed once (undefined with --model and --prom-url: no cluster read) */
  state: ClusterState | undefined
  scope: ModelScope
  vaName: string | undefined
  series: FitSeries
  prometheusUrl: string
}

export async function fitLive(request: LiveFitRequest): Promise<LiveFit> {
  let state: ClusterState | undefined
  let connection: Awaited<ReturnType<typeof import('../read/kube/kubeconfig.js').loadKubeconfig>> | undefined
  if (request.cluster !== undefined) {
    const {loadKubeconfig} = await import('../read/kube/kubeconfig.js')
    const {readClusterSources} = await import('../read/kube/read-sources.js')
    connection =
      request.cluster.connection ?? (await loadKubeconfig({...request.cluster.kubeconfig, secrets: request.secrets}))
    state = parseClusterState(await readClusterSources({...request.cluster, connection}))
  }
  let scope: ModelScope
  let vaName: string | undefined
  if ('vaName' in request.target) {
    vaName = request.target.vaName
    const variant = state?.variants.find((candidate) => candidate.va.name === vaName)
    if (variant === undefined) {
      throw new InputError(`variantautoscaling ${vaName}: not found`, {hint: 'check the name and -n'})
    }
    const {va} = variant
    if (va.modelID === '') {
      throw new InputError(`variantautoscaling ${va.namespace}/${va.name}: spec.modelID is empty`, {
        hint: 'fit the model with --model ID instead',
      })
    }
    scope = {namespace: va.namespace, modelID: va.modelID}
  } else scope = request.target.scope

  const {findPrometheus, openPrometheus} = await import('./prometheus-connect.js')
  const found = await findPrometheus({
    settings: request.prometheus,
    config: state?.config,
    connection,
    requestTimeoutMs: request.cluster?.requestTimeoutMs,
  })
  if (found.error !== undefined) throw found.error
  const {resolved} = found
  if (!resolved) {
    throw new PrometheusError(
      'no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL and none in the cluster',
      {
        hint: 'pass --prom-url, or fit a capture offline with -f',
      },
    )
  }
  const client = await openPrometheus(resolved, request.prometheus, connection, request.secrets)
  try {
    const series = await collectFitSeries(client, scope, request.range)
    return {state, scope, vaName, series, prometheusUrl: client.displayUrl}
  } finally {
    await client.close()
  }
}
