import {stripUrlUserinfo} from '../../redact.js'

/**
 * Where kubectl-va finds Prometheus, in this order (ecosystem.md §5.3):
 *   1. the explicit flag (--prom-url);
 *   2. env KUBECTL_VA_PROM_URL;
 *   3. the controller ConfigMap's PROMETHEUS_BASE_URL (what WVA itself queries);
 *   4. a well-known Service: OpenShift thanos-querier in openshift-monitoring, then kube-prometheus-stack's
 *      prometheus-operated or *-kube-prometheus-prometheus.
 * In-cluster `*.svc` URLs (3 and 4) do not resolve from a laptop, so unless we run in the cluster they become the
 * API server's service-proxy URL, to be used with the kube credentials.
 * Pure: the caller reads the env, the ConfigMap and the Service list.
 */
export type PrometheusUrlSource = 'flag' | 'env' | 'configmap' | 'service'

export interface ServicePort {
  name?: string | undefined
  port: number
}

export interface ServiceRef {
  namespace: string
  name: string
  ports: readonly ServicePort[]
}

export interface PrometheusUrlInputs {
  flag?: string | undefined
  env?: Readonly<Record<string, string | undefined>> | undefined
  /** `data` of the controller ConfigMap, and where it came from (for the description). */
  controllerConfigMap?: {namespace: string; name: string; data: Readonly<Record<string, string>>} | undefined
  services?: readonly ServiceRef[] | undefined
  /** The API server URL of the current kube context, for service-proxy URLs. */
  apiServerUrl?: string | undefined
  /** True when running inside a pod, where *.svc names resolve. */
  inCluster?: boolean | undefined
}

export interface ResolvedPrometheusUrl {
  /** The URL to query (a service-proxy URL when `viaApiServer`). */
  url: string
  source: PrometheusUrlSource
  /**
   * One line for `describe`, e.g. `ConfigMap wva/workload-variant-autoscaler-variantautoscaling-config
   * PROMETHEUS_BASE_URL`.
   */
  description: string
  /** True when `url` goes through the API server: send the kube credentials and CA with it. */
  viaApiServer: boolean
  /** The in-cluster URL behind a service-proxy URL. */
  inClusterUrl?: string | undefined
}

export const prometheusUrlEnvVar = 'KUBECTL_VA_PROM_URL'

/** `https://<svc>.<ns>.svc[.cluster.local][:port][/path]` → its parts; undefined for any other URL. */
export function parseInClusterServiceUrl(
  text: string,
): {scheme: 'http' | 'https'; service: string; namespace: string; port: number; path: string} | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?\.?$/.exec(url.hostname)
  if (match === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port)
  return {scheme, service: match[1]!, namespace: match[2]!, port, path: url.pathname.replace(/^\/+/, '')}
}

/**
 * The API server's proxy URL for a Service port: `<api>/api/v1/namespaces/<ns>/services/<scheme>:<svc>:<port>/proxy/`.
 */
export function serviceProxyUrl(
  apiServerUrl: string,
  service: {scheme: 'http' | 'https'; service: string; namespace: string; port: number; path?: string},
): string {
  const base = apiServerUrl.replace(/\/+$/, '')
  const ns = encodeURIComponent(service.namespace)
  const name = `${service.scheme}:${encodeURIComponent(service.service)}:${service.port}`
  const rest = (service.path ?? '').replace(/^\/+/, '')
  const suffix = rest === '' || rest.endsWith('/') ? rest : `${rest}/`
  return `${base}/api/v1/namespaces/${ns}/services/${name}/proxy/${suffix}`
}

/** Known Prometheus-compatible Services, most specific first. */
const wellKnownServices: ReadonlyArray<{
  matches: (svc: ServiceRef) => boolean
  scheme: 'http' | 'https'
  portName: string
  defaultPort: number
  label: string
}> = [
  {
    matches: (svc) => svc.namespace === 'openshift-monitoring' && svc.name === 'thanos-querier',
    scheme: 'https',
    portName: 'web',
    defaultPort: 9091,
    label: 'OpenShift thanos-querier',
  },
  {
    matches: (svc) => svc.name === 'prometheus-operated',
    scheme: 'http',
    portName: 'web',
    defaultPort: 9090,
    label: 'Prometheus Operator',
  },
  {
    matches: (svc) => svc.name.endsWith('-kube-prometheus-prometheus') || svc.name === 'kube-prometheus-prometheus',
    scheme: 'http',
    portName: 'http-web',
    defaultPort: 9090,
    label: 'kube-prometheus-stack',
  },
]

function pickPort(svc: ServiceRef, portName: string, defaultPort: number): number {
  return (
    svc.ports.find((port) => port.name === portName)?.port ??
    svc.ports.find((port) => port.name === 'web' || port.name === 'http-web')?.port ??
    svc.ports.find((port) => port.port === defaultPort)?.port ??
    svc.ports[0]?.port ??
    defaultPort
  )
}

function viaProxyIfInCluster(
  url: string,
  source: PrometheusUrlSource,
  description: string,
  inputs: PrometheusUrlInputs,
): ResolvedPrometheusUrl {
  const service = parseInClusterServiceUrl(url)
  if (service === undefined || inputs.inCluster === true || inputs.apiServerUrl === undefined) {
    return {url, source, description, viaApiServer: false}
  }
  return {
    url: serviceProxyUrl(inputs.apiServerUrl, service),
    source,
    description: `${description}, through the API server service proxy`,
    viaApiServer: true,
    // Shown in messages and describe; credentials in it are not sent through the proxy either.
    inClusterUrl: stripUrlUserinfo(url),
  }
}

/** Applies the discovery order; undefined when nothing applies (the caller lists what it tried). */
export function resolvePrometheusUrl(inputs: PrometheusUrlInputs): ResolvedPrometheusUrl | undefined {
  const flag = inputs.flag?.trim()
  if (flag) return {url: flag, source: 'flag', description: 'flag --prom-url', viaApiServer: false}
  const env = inputs.env?.[prometheusUrlEnvVar]?.trim()
  if (env) return {url: env, source: 'env', description: `env ${prometheusUrlEnvVar}`, viaApiServer: false}
  const configMap = inputs.controllerConfigMap
  const fromConfigMap = configMap?.data.PROMETHEUS_BASE_URL?.trim()
  if (configMap !== undefined && fromConfigMap) {
    return viaProxyIfInCluster(
      fromConfigMap,
      'configmap',
      `ConfigMap ${configMap.namespace}/${configMap.name} PROMETHEUS_BASE_URL`,
      inputs,
    )
  }
  const services = [...(inputs.services ?? [])].sort((a, b) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  )
  for (const known of wellKnownServices) {
    const svc = services.find(known.matches)
    if (svc === undefined) continue
    const port = pickPort(svc, known.portName, known.defaultPort)
    const url = `${known.scheme}://${svc.name}.${svc.namespace}.svc:${port}`
    return viaProxyIfInCluster(url, 'service', `${known.label} Service ${svc.namespace}/${svc.name}`, inputs)
  }
  return undefined
}
