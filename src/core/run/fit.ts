import {type FitRange, type FitSeries, collectFitSeries} from '../collect/fit-series.js'
import {InputError, PrometheusError} from '../errors.js'
import {type ClusterState, parseClusterState} from '../model/cluster-state.js'
import type {ModelScope} from '../plan/scope.js'
import type {ReadClusterOptions} from '../read/kube/read-sources.js'
import type {Secrets} from '../redact.js'
import type {PrometheusRequest} from './gather.js'

/**
 * The live I/O of `kubectl va fit`: the VA (or only the namespace, for --model) from the cluster, the Prometheus URL
 * found as for get (flag, env, controller ConfigMap, well-known Services), then the fit's range queries.
 */
export interface LiveFitRequest {
  /** undefined: --model with a Prometheus URL given, no cluster read at all */
  cluster: ReadClusterOptions | undefined
  prometheus: Pick<
    PrometheusRequest,
    | 'url'
    | 'envUrl'
    | 'bearerToken'
    | 'bearerTokenFile'
    | 'headers'
    | 'caFile'
    | 'certFile'
    | 'keyFile'
    | 'insecureSkipTlsVerify'
    | 'timeoutMs'
  >
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

  const {resolvePrometheusUrl} = await import('../read/prometheus/resolve-url.js')
  const config = state?.config
  const urlInputs = {
    flag: request.prometheus.url,
    env: {KUBECTL_VA_PROM_URL: request.prometheus.envUrl},
    controllerConfigMap: config?.mainConfigMapName
      ? {namespace: config.namespace, name: config.mainConfigMapName, data: config.main}
      : undefined,
    apiServerUrl: connection?.server ?? '',
    inCluster: connection?.source === 'in-cluster',
  }
  let resolved = resolvePrometheusUrl(urlInputs)
  if (!resolved && connection !== undefined) {
    const [{createKubeReader}, {findPrometheusServices}] = await Promise.all([
      import('../read/kube/kube-client.js'),
      import('../read/kube/prometheus-services.js'),
    ])
    const reader = await createKubeReader(connection, {requestTimeoutMs: request.cluster?.requestTimeoutMs})
    resolved = resolvePrometheusUrl({...urlInputs, services: await findPrometheusServices(reader)})
  }
  if (!resolved) {
    throw new PrometheusError(
      'no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL and none in the cluster',
      {
        hint: 'pass --prom-url, or fit a capture offline with -f',
      },
    )
  }
  const {createPrometheusClient} = await import('../read/prometheus/client.js')
  const transport =
    resolved.viaApiServer && connection !== undefined
      ? await (await import('../read/kube/kube-client.js')).kubeTransport(connection)
      : undefined
  const client = createPrometheusClient({
    secrets: request.secrets,
    url: resolved.url,
    bearerToken: request.prometheus.bearerToken,
    bearerTokenFile: request.prometheus.bearerTokenFile,
    headers: request.prometheus.headers,
    caFile: request.prometheus.caFile,
    certFile: request.prometheus.certFile,
    keyFile: request.prometheus.keyFile,
    insecureSkipTlsVerify: request.prometheus.insecureSkipTlsVerify,
    timeoutMs: request.prometheus.timeoutMs,
    transport,
    readOnlyMethods: resolved.viaApiServer,
  })
  try {
    const series = await collectFitSeries(client, scope, request.range)
    return {state, scope, vaName, series, prometheusUrl: client.displayUrl}
  } finally {
    await client.close()
  }
}
