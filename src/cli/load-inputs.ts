import type {LiveGather, PrometheusOutcome, PrometheusRequest} from '../core/run/gather.js'
import type {ManifestProblem} from '../core/read/manifests/read-manifests.js'
import {type ClusterState, parseClusterState} from '../core/model/cluster-state.js'
import type {ModelMetrics} from '../core/model/metrics.js'
import type {SourceSet} from '../core/model/sources.js'
import type {InputOptions} from './input-options.js'
import {UsageError} from '../core/errors.js'
import {Secrets} from '../core/redact.js'

export interface CommandInputs {
  mode: 'offline' | 'cluster'
  /** The raw snapshot read (the same object as `state.sources`). */
  sources: SourceSet
  /** The snapshot parsed once for the whole run (VAs, CRD shape, controller config): what core takes. */
  state: ClusterState
  metrics: ModelMetrics[] | undefined
  gauges: LiveGather['gauges']
  pods: LiveGather['pods']
  saturationPods: LiveGather['saturationPods']
  requestCounts: LiveGather['requestCounts']
  compat: LiveGather['compat']
  replay: LiveGather['replay']
  prometheus: PrometheusOutcome | undefined
  /** Per-document problems of -f manifests (the rest is still used). */
  problems: ManifestProblem[]
  clusterRequestCount: number
  /** The namespace read from the cluster (undefined with -A or offline). */
  namespace: string | undefined
  /** The run's secrets (tokens and passwords read), redacted from everything printed. */
  secrets: Secrets
}

/** Offline from -f manifests, or live from the cluster and Prometheus: the same SourceSet either way. */
export interface LoadOptions {
  podBreakdown?: boolean
  replay?: PrometheusRequest['replay']
  whatIf?: PrometheusRequest['whatIf']
  /** The run's secrets registry (BaseCommand.secrets); a new one when omitted. */
  secrets?: Secrets
}

export async function loadInputs(input: InputOptions, options: LoadOptions = {}): Promise<CommandInputs> {
  const secrets = options.secrets ?? new Secrets()
  const promSettings = input.prometheus
  const source = input.source
  if (source.kind === 'manifests') {
    if (options.replay) {
      throw new UsageError('--since/--from: replay history from Prometheus and cannot be combined with -f', {
        hint: 'use --sweep to explore loads offline',
      })
    }
    const {readManifests} = await import('../core/read/manifests/read-manifests.js')
    const read = await readManifests([...source.paths], {recursive: source.recursive})
    if (input.namespace !== undefined && !input.allNamespaces) {
      const namespace = input.namespace
      const inNamespace = (object: {metadata?: {namespace?: string | undefined} | undefined}) =>
        (object.metadata?.namespace ?? 'default') === namespace
      read.sources.variantAutoscalings = read.sources.variantAutoscalings.filter(inNamespace)
      if (read.sources.scalers) read.sources.scalers = read.sources.scalers.filter(inNamespace)
    }
    // WVA v0.6-v0.9: the variants (VAs, annotated HPAs and ScaledObjects) become the rows; bad ones are problems.
    const state = parseClusterState(read.sources)
    const wvaProblems = state.sources.wva?.problems ?? []
    return {
      mode: 'offline',
      sources: state.sources,
      state,
      metrics: undefined,
      gauges: new Map(),
      pods: undefined,
      saturationPods: undefined,
      requestCounts: undefined,
      compat: undefined,
      replay: undefined,
      prometheus: undefined,
      problems: [...read.problems, ...wvaProblems],
      clusterRequestCount: 0,
      namespace: undefined,
      secrets,
    }
  }
  const {cluster: clusterOptions, at} = source
  const {gatherLive} = await import('../core/run/gather.js')
  const live = await gatherLive(
    {...clusterOptions, kubeconfig: {...clusterOptions.kubeconfig, secrets}},
    {...promSettings, at, podBreakdown: options.podBreakdown, replay: options.replay, whatIf: options.whatIf},
  )
  return {
    mode: 'cluster',
    sources: live.state.sources,
    state: live.state,
    metrics: live.metrics,
    gauges: live.gauges,
    pods: live.pods,
    saturationPods: live.saturationPods,
    requestCounts: live.requestCounts,
    compat: live.compat,
    replay: live.replay,
    prometheus: live.prometheus,
    problems: live.state.sources.problems ?? [],
    clusterRequestCount: live.clusterRequestCount,
    namespace: (live.state.sources as {namespace?: string}).namespace,
    secrets,
  }
}
