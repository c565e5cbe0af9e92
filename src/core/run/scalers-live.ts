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
  const {findPrometheus, openPrometheus} = await import('./prometheus-connect.js')
  // No controller ConfigMap here: the scalers are not WVA's (flag, env, then well-known Services).
  const found = await findPrometheus({
    settings: prometheus,
    config: undefined,
    connection,
    requestTimeoutMs: cluster.requestTimeoutMs,
  })
  result.clusterRequestCount += found.clusterRequestCount
  if (found.error !== undefined) {
    result.prometheusError = found.error
    return result
  }
  const {resolved} = found
  if (!resolved) {
    result.prometheusError = new PrometheusError(
      'no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL, and no thanos-querier, prometheus-operated ' +
        'or kube-prometheus-stack Service',
      {hint: 'pass --prom-url (or --no-metrics to list the scalers without values)'},
    )
    return result
  }
  const client = await openPrometheus(resolved, prometheus, connection, connection.secrets)
  const {prometheusSeriesReader} = await import('../collect/scaler-series.js')
  result.reader = prometheusSeriesReader(client)
  result.close = () => client.close()
  return result
}
