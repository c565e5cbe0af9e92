import {PrometheusError} from '../errors.js'
import type {ControllerConfig} from '../model/controller-config.js'
import type {ClusterConnection} from '../read/kube/kubeconfig.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {ResolvedPrometheusUrl} from '../read/prometheus/resolve-url.js'
import type {Secrets} from '../redact.js'
import type {PrometheusRequest} from './gather.js'

/** The client settings of a PrometheusRequest: everything but what to query. */
export type PrometheusSettings = Pick<
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
  | 'tuning'
>

export interface FindPrometheusInputs {
  settings: PrometheusSettings
  /** The controller's configuration (its ConfigMap may name PROMETHEUS_BASE_URL); undefined without a cluster read. */
  config: ControllerConfig | undefined
  /** The cluster connection; undefined when no cluster was read (then only the flag and env are tried). */
  connection: ClusterConnection | undefined
  requestTimeoutMs?: number | undefined
}

export interface FoundPrometheus {
  /** The URL and how it was found; undefined when nothing applied (the caller says what it tried). */
  resolved: ResolvedPrometheusUrl | undefined
  /** API requests spent looking for monitoring Services (0 when the flag, env or ConfigMap answered). */
  clusterRequestCount: number
  /** The Service lookup failed (permission, timeout): not the same as "no Service found". */
  error?: PrometheusError | undefined
}

/**
 * Finds Prometheus as every command does: --prom-url, $KUBECTL_VA_PROM_URL, the controller ConfigMap's
 * PROMETHEUS_BASE_URL, then well-known monitoring Services (only then is the cluster asked). A failed Service lookup
 * is returned as `error`, never taken for "none found".
 */
export async function findPrometheus(inputs: FindPrometheusInputs): Promise<FoundPrometheus> {
  const {resolvePrometheusUrl} = await import('../read/prometheus/resolve-url.js')
  const {settings, config, connection} = inputs
  const urlInputs = {
    flag: settings.url,
    env: {KUBECTL_VA_PROM_URL: settings.envUrl},
    controllerConfigMap: config?.mainConfigMapName
      ? {namespace: config.namespace, name: config.mainConfigMapName, data: config.main}
      : undefined,
    apiServerUrl: connection?.server ?? '',
    inCluster: connection?.source === 'in-cluster',
  }
  const resolved = resolvePrometheusUrl(urlInputs)
  if (resolved !== undefined || connection === undefined) return {resolved, clusterRequestCount: 0}
  const [{createKubeReader}, {findPrometheusServices}] = await Promise.all([
    import('../read/kube/kube-client.js'),
    import('../read/kube/prometheus-services.js'),
  ])
  const reader = await createKubeReader(connection, {requestTimeoutMs: inputs.requestTimeoutMs})
  try {
    const services = await findPrometheusServices(reader)
    return {resolved: resolvePrometheusUrl({...urlInputs, services}), clusterRequestCount: reader.requestCount}
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error
    return {resolved: undefined, clusterRequestCount: reader.requestCount, error}
  }
}

/** Opens the client for a found URL: through the API server's service proxy (GET only) when it says so. */
export async function openPrometheus(
  resolved: ResolvedPrometheusUrl,
  settings: PrometheusSettings,
  connection: ClusterConnection | undefined,
  secrets: Secrets,
): Promise<PrometheusClient> {
  const {createPrometheusClient} = await import('../read/prometheus/client.js')
  const transport =
    resolved.viaApiServer && connection !== undefined
      ? await (await import('../read/kube/kube-client.js')).kubeTransport(connection)
      : undefined
  return createPrometheusClient({
    secrets,
    url: resolved.url,
    bearerToken: settings.bearerToken,
    bearerTokenFile: settings.bearerTokenFile,
    headers: settings.headers,
    caFile: settings.caFile,
    certFile: settings.certFile,
    keyFile: settings.keyFile,
    insecureSkipTlsVerify: settings.insecureSkipTlsVerify,
    timeoutMs: settings.timeoutMs,
    ...settings.tuning,
    transport,
    readOnlyMethods: resolved.viaApiServer,
  })
}
