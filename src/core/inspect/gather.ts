import type {ReadClusterOptions} from '../cluster/read-sources.js'
import type {CollectorProfileName} from '../collector/profiles.js'
import {PrometheusError} from '../errors.js'
import {readControllerConfig} from '../model/controller-config.js'
import type {ModelMetrics} from '../model/metrics.js'
import {normalizeVariantAutoscaling} from '../model/variant-autoscaling.js'
import type {SourceSet} from '../sources.js'

/** What the Prometheus side needs, already validated by the CLI. */
export interface PrometheusRequest {
  enabled: boolean
  url: string | undefined
  bearerToken: string | undefined
  bearerTokenFile: string | undefined
  headers: string[]
  caFile: string | undefined
  certFile: string | undefined
  keyFile: string | undefined
  insecureSkipTlsVerify: boolean
  timeoutMs: number
  window: string
  at: Date | undefined
  wvaCompat: boolean
}

export interface PrometheusOutcome {
  /** The URL queried (credentials never included); undefined when none was found or metrics are off. */
  url: string | undefined
  /** How the URL was found, for describe: "flag --prom-url", "ConfigMap ns/name PROMETHEUS_BASE_URL via the API server proxy". */
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
  sources: SourceSet
  clusterRequestCount: number
  metrics: ModelMetrics[] | undefined
  /** The controller's desired-replicas gauge per VA (namespace\0name). */
  gauges: Map<string, {desiredReplicas: number; metricName: string}>
  prometheus: PrometheusOutcome | undefined
}

/** The I/O edge of get/describe/simulate against a cluster: reads the cluster, then Prometheus, once each. */
export async function gatherLive(cluster: ReadClusterOptions, prometheus: PrometheusRequest): Promise<LiveGather> {
  const {loadKubeconfig} = await import('../cluster/kubeconfig.js')
  const {readClusterSources} = await import('../cluster/read-sources.js')
  const connection = cluster.connection ?? (await loadKubeconfig(cluster.kubeconfig ?? {}))
  const sources = await readClusterSources({...cluster, connection})
  const result: LiveGather = {sources, clusterRequestCount: sources.requestCount, metrics: undefined, gauges: new Map(), prometheus: undefined}
  if (!prometheus.enabled || sources.variantAutoscalings.length === 0) return result

  const profile = prometheus.wvaCompat ? compatProfile(sources) : 'kubectl-va'
  const outcome: PrometheusOutcome = {url: undefined, foundBy: undefined, window: prometheus.window, at: prometheus.at, profile, queries: [], requestCount: 0, error: undefined, warnings: []}
  result.prometheus = outcome
  const {resolvePrometheusUrl} = await import('../prometheus/resolve-url.js')
  const config = readControllerConfig(sources.configMaps, sources.controllerDeployment, sources.controllerNamespace)
  const resolved = resolvePrometheusUrl({
    flag: prometheus.url,
    controllerConfigMap: config.mainConfigMapName ? {namespace: config.namespace, name: config.mainConfigMapName, data: config.main} : undefined,
    apiServerUrl: connection.server,
    inCluster: connection.source === 'in-cluster',
  })
  if (!resolved) {
    outcome.error = new PrometheusError('no Prometheus URL found: no --prom-url, no KUBECTL_VA_PROM_URL, and no PROMETHEUS_BASE_URL in the controller ConfigMap', {
      hint: 'pass --prom-url (or --no-metrics to skip live metrics)',
    })
    return result
  }
  outcome.foundBy = resolved.description

  const {createPrometheusClient} = await import('../prometheus/client.js')
  const transport = resolved.viaApiServer ? await (await import('../cluster/kube-client.js')).kubeTransport(connection) : undefined
  const client = createPrometheusClient({
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
  })
  outcome.url = client.displayUrl
  try {
    const vas = sources.variantAutoscalings.map((object) => normalizeVariantAutoscaling(object))
    const {collectModelMetrics} = await import('../collector/model-metrics.js')
    const {collectDesiredReplicas} = await import('../collector/desired-replicas.js')
    const [models, gauges] = await Promise.all([
      collectModelMetrics(client, vas.map((va) => ({namespace: va.namespace, modelID: va.modelID})), {window: prometheus.window, at: prometheus.at, profile}),
      collectDesiredReplicas(client, vas.map((va) => ({namespace: va.namespace, variantName: va.name})), {at: prometheus.at}),
    ])
    outcome.queries = [...models.queries, ...gauges.queries]
    outcome.warnings.push(...models.warnings, ...gauges.warnings)
    result.metrics = profile === 'kubectl-va' ? models.models : models.models.map(asControllerSees)
    for (const gauge of gauges.replicas) result.gauges.set(`${gauge.namespace}\u0000${gauge.variantName}`, {desiredReplicas: gauge.desiredReplicas, metricName: gauge.metricName})
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error
    outcome.error = error
  } finally {
    outcome.requestCount = client.requestCount
    await client.close()
  }
  return result
}

// The controller turns NaN and empty results into 0; with --wva-compat we feed the optimizer what it sees.
function asControllerSees(model: ModelMetrics): ModelMetrics {
  const zero = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? 0 : value)
  return {...model, arrivalRateRpm: zero(model.arrivalRateRpm), avgInputTokens: zero(model.avgInputTokens), avgOutputTokens: zero(model.avgOutputTokens)}
}

/** The collector profile of the controller version in the cluster: image tag first, else the CRD shape. */
function compatProfile(sources: SourceSet & {crdShape?: {shape: string; release?: string | undefined} | undefined}): CollectorProfileName {
  const containers = sources.controllerDeployment?.spec?.template?.spec?.containers
  const image: string | undefined = Array.isArray(containers) ? (containers.find((c: any) => c?.name === 'manager') ?? containers[0])?.image : undefined
  const tag = image?.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : undefined
  if (tag && /^v?\d+\.\d+\.\d+/.test(tag)) {
    if (/^v?0\.0\.[12]\b/.test(tag)) return 'wva-v0.0.1'
    if (/^v?0\.[0-4]\./.test(tag)) return 'wva-v0.0.3'
    return 'wva-v0.5'
  }
  switch (sources.crdShape?.shape) {
    case 'A':
      return sources.crdShape.release === 'v0.0.1' ? 'wva-v0.0.1' : 'wva-v0.0.3'
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
