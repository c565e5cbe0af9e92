/**
 * The live inputs of `kubectl va scalers`: the cluster's scalers and targets (read/kube/read-scalers.ts, four GETs)
 * and a Prometheus series reader (--prom-url, $KUBECTL_VA_PROM_URL, else a well-known monitoring Service through the
 * API server proxy).
 */
import {PrometheusError} from '../errors.js'
import type {KubeObject} from '../model/kube-object.js'
import type {ReadScalersOptions} from '../read/kube/read-scalers.js'
import type {SeriesReader} from '../collect/scaler-series.js'
import type {PrometheusRequest} from './gather.js'

export interface LiveScalerInputs {
  readonly objects: KubeObject[]
  readonly namespace: string | undefined
  readonly reader: SeriesReader | null
  readonly prometheusError: PrometheusError | null
  readonly warnings: string[]
  readonly clusterRequestCount: number
  close(): Promise<void>
}

export async function readLiveScalerInputs(
  cluster: ReadScalersOptions,
  prometheus: Omit<PrometheusRequest, 'at' | 'replay' | 'whatIf' | 'podBreakdown' | 'wvaCompat'>,
): Promise<LiveScalerInputs> {
  const {readClusterScalers} = await import('../read/kube/read-scalers.js')
  const read = await readClusterScalers(cluster)
  const result = {
    objects: [...read.scalers, ...read.targets],
    namespace: read.namespace,
    reader: null as SeriesReader | null,
    prometheusError: null as PrometheusError | null,
    warnings: [...read.warnings],
    clusterRequestCount: read.requestCount,
    close: async () => {},
  }
  if (!prometheus.enabled) return result
  const connection = read.connection
  const {resolvePrometheusUrl} = await import('../read/prometheus/resolve-url.js')
  const urlInputs = {
    flag: prometheus.url,
    env: {KUBECTL_VA_PROM_URL: prometheus.envUrl},
    apiServerUrl: connection.server,
    inCluster: connection.source === 'in-cluster',
  }
  let resolved = resolvePrometheusUrl(urlInputs)
  if (!resolved) {
    const [{createKubeReader}, {findPrometheusServices}] = await Promise.all([
      import('../read/kube/kube-client.js'),
      import('../read/kube/prometheus-services.js'),
    ])
    const reader = await createKubeReader(connection, {requestTimeoutMs: cluster.requestTimeoutMs})
    try {
      resolved = resolvePrometheusUrl({...urlInputs, services: await findPrometheusServices(reader)})
    } catch (error) {
      if (!(error instanceof PrometheusError)) throw error
      result.prometheusError = error
      return result
    } finally {
      result.clusterRequestCount += reader.requestCount
    }
  }
  if (!resolved) {
    result.prometheusError = new PrometheusError(
      'no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL, and no thanos-querier, prometheus-operated ' +
        'or kube-prometheus-stack Service',
      {hint: 'pass --prom-url (or --no-metrics to list the scalers without values)'},
    )
    return result
  }
  const {createPrometheusClient} = await import('../read/prometheus/client.js')
  const transport = resolved.viaApiServer
    ? await (await import('../read/kube/kube-client.js')).kubeTransport(connection)
    : undefined
  const client = createPrometheusClient({
    secrets: connection.secrets,
    url: resolved.url,
    bearerToken: prometheus.bearerToken,
    bearerTokenFile: prometheus.bearerTokenFile,
    headers: prometheus.headers,
    caFile: prometheus.caFile,
    certFile: prometheus.certFile,
    keyFile: prometheus.keyFile,
    insecureSkipTlsVerify: prometheus.insecureSkipTlsVerify,
    timeoutMs: prometheus.timeoutMs,
    transport,
    readOnlyMethods: resolved.viaApiServer,
  })
  const {prometheusSeriesReader} = await import('../collect/scaler-series.js')
  result.reader = prometheusSeriesReader(client)
  result.close = () => client.close()
  return result
}
