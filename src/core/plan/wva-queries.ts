/**
 * The PromQL the WVA controller sends, per release from v0.5.0 to v0.9.0, as data (docs/collector-queries.md lists
 * it in prose). Written from upstream `internal/collector/registration/*.go`, `internal/collector/replica_metrics.go`,
 * `internal/collector/engine_queries.go`, `internal/engines/saturation/engine.go` and `cmd/main.go` at v0.5.0,
 * v0.5.1, v0.6.0, v0.7.0, v0.8.0 and d5d58640 (the v0.9.0 release-prep commit).
 *
 * How upstream builds a query (`source/query_template.go`, `source/prometheus/prometheus_source.go`, unchanged from
 * v0.5.0 to v0.9.0): every parameter value is escaped (`\` then `"`), then each `{{.name}}` placeholder is replaced.
 * `renderWvaTemplate` does the same with `escapeLabelValue`, which also escapes a newline (upstream would send an
 * invalid query); for every value without a newline the text is byte-identical. Upstream replaces placeholders one
 * parameter at a time in Go map order, so a value that itself contains `{{.x}}` gives a random result there; we
 * substitute in one pass.
 *
 * `wvaQueries` gives what one model's cycle sends; `wvaReadings` adds, per query, the alternatives a collector may
 * try when the controller's own query returns no series (renamed vLLM ITL, renamed EPP metrics, SGLang); and
 * `wvaGaugeReadings` reads the controller's exported `wva_*` gauges under either namespace label.
 */
import {releasesIn, type WvaRelease, type WvaReleaseRange} from '../model/wva-release.js'
import {escapeLabelValue} from '../read/prometheus/label-value.js'

/** Releases whose queries are catalogued here (v0.6 = v0.6.0, …, v0.9 = v0.9.0; patch tags are not distinct). */
export type WvaQueryRelease = 'v0.5.0' | 'v0.5.1' | 'v0.6' | 'v0.7' | 'v0.8' | 'v0.9'

export const wvaQueryReleases: readonly WvaQueryRelease[] = ['v0.5.0', 'v0.5.1', 'v0.6', 'v0.7', 'v0.8', 'v0.9']

/** Where each release's queries were read (tag, or commit for v0.9.0 which has no tag in the fork). */
export const wvaQuerySourceCommits: Readonly<Record<WvaQueryRelease, string>> = {
  'v0.5.0': 'v0.5.0 (c95d877)',
  'v0.5.1': 'v0.5.1 (c760bb7)',
  'v0.6': 'v0.6.0 (0ee5ba11)',
  'v0.7': 'v0.7.0 (75341525)',
  'v0.8': 'v0.8.0 (fbbdbbb9)',
  'v0.9': 'd5d58640 (v0.9.0 release prep)',
}

export type WvaQueryParam = 'namespace' | 'modelID' | 'retentionPeriod' | 'inferencePool'

/** The serving engine of a scale target (v0.9 `inferenceengine.Detect`). */
export type InferenceEngine = 'vllm' | 'sglang'

/**
 * When the controller sends a registered query:
 * - `every-cycle`: per model and cycle, in the shared replica batch (`CollectReplicaMetrics`), whatever the engine;
 * - `after-replicas`: per cycle, only when that batch found at least one replica (`prepareModelData`);
 * - `throughput-analyzer`: only when the throughput analyzer is enabled in the saturation ConfigMap (its queries
 *   are registered at start-up only then; otherwise the batch asks for them and fails to build them, so nothing
 *   is sent);
 * - `scale-to-zero`: only when scale-to-zero is enabled for the model (the enforcer asks for the request count);
 * - `coordinator`: only with EXPERIMENTAL_COORDINATOR_ENABLED (v0.8+ GPU-rebalance plugin, per inference pool);
 * - `startup`: once, to validate the Prometheus connection;
 * - `never`: registered, but no code path at that release asks for it.
 */
export type WvaQuerySent =
  | 'every-cycle'
  | 'after-replicas'
  | 'throughput-analyzer'
  | 'scale-to-zero'
  | 'coordinator'
  | 'startup'
  | 'never'

/** Which part of the controller reads the result (from the upstream comments and call sites). */
export type WvaQueryConsumer =
  | 'saturation-v1'
  | 'saturation-v2'
  | 'queueing-model'
  | 'throughput-analyzer'
  | 'scale-to-zero'
  | 'gpu-rebalance'
  | 'connection-check'

export interface WvaQueryTemplate {
  /** The registered name; at v0.9 the SGLang registration of a logical query is `sglang/<logical>`. */
  readonly name: string
  /** The logical name the results are merged under. */
  readonly logical: string
  /** Set for engine-specific queries: which engine's metrics it reads. */
  readonly engine?: InferenceEngine
  /** Go template text with `{{.namespace}}`, `{{.modelID}}`, `{{.retentionPeriod}}`, `{{.inferencePool}}`. */
  readonly template: string
  /** Parameters the registration declares (placeholders in the text). */
  readonly params: readonly WvaQueryParam[]
  readonly purpose: string
  /** Upstream file that registers (or builds) it. */
  readonly file: string
  readonly sent: WvaQuerySent
  /** Empty when the result is read by nothing at that release. */
  readonly usedBy: readonly WvaQueryConsumer[]
}

// ---------------------------------------------------------------------------------------------------------------
// Template pieces. Every template below is assembled from these; test/unit/plan/upstream-templates.ts holds an
// independent verbatim copy of upstream's strings, compared byte for byte.

const modelSelector = 'namespace="{{.namespace}}",model_name="{{.modelID}}"'
/** v0.5.x-v0.7 group per pod; v0.8 adds the instance (IP:port) and the llm-d.ai/variant pod label. */
const podGrouping = 'pod'
const instanceGrouping = 'instance, pod, llm_d_ai_variant'

const peakOverMinute = (grouping: string, metric: string) =>
  `max by (${grouping}) (max_over_time(${metric}{${modelSelector}}[1m]))`

const perPodMean = (grouping: string, histogram: string, window: '1m' | '5m') =>
  `max by (${grouping}) (rate(${histogram}_sum{${modelSelector}}[${window}]) / ` +
  `rate(${histogram}_count{${modelSelector}}[${window}]))`

const requestCount = (counter: string) => `sum(increase(${counter}{${modelSelector}}[{{.retentionPeriod}}]))`

/** EPP flow-control gauge, model-level: the `target_model_name` series, or the older EPP's `model_name` series. */
const flowControl = (metric: string) =>
  `sum(${metric}{target_model_name="{{.modelID}}"}) or sum(${metric}{model_name="{{.modelID}}",target_model_name=""})`

/** EPP successful scheduling attempts per endpoint, with the same two-halves fallback. */
const dispatchRate = (metric: string, grouping: string) => {
  const half = (matchers: string) =>
    `sum by (${grouping}) (rate(${metric}{status="success",namespace="{{.namespace}}",${matchers}}[1m]))`
  return `${half('target_model_name="{{.modelID}}"')} or ${half('model_name="{{.modelID}}",target_model_name=""')}`
}

const eppQueueSize = 'inference_extension_flow_control_queue_size'
const eppQueueBytes = 'inference_extension_flow_control_queue_bytes'
const eppAttempts = 'inference_extension_scheduler_attempts_total'
const itlMetric = 'vllm:inter_token_latency_seconds'
const tpotMetric = 'vllm:time_per_output_token_seconds'

/** The engine-specific logical queries of v0.9 (`registration.EngineSpecificQueries`). */
const engineSpecificLogicals = new Set([
  'kv_cache_usage',
  'queue_length',
  'cache_config_info',
  'avg_output_tokens',
  'avg_input_tokens',
  'prefix_cache_hit_rate',
  'avg_ttft',
  'avg_itl',
  'generation_token_rate',
  'kv_usage_instant',
  'request_rate',
  'model_request_count',
])

/** The SGLang text of an engine-specific logical query, with a release's grouping (v0.9 registration text). */
function sglangTemplate(logical: string, grouping: string): string | undefined {
  switch (logical) {
    case 'kv_cache_usage':
      return peakOverMinute(grouping, 'sglang:token_usage')
    case 'queue_length':
      return peakOverMinute(grouping, 'sglang:num_queue_reqs')
    case 'cache_config_info':
      return `max by (${grouping}) (sglang:max_total_num_tokens{${modelSelector}})`
    case 'avg_output_tokens':
      return perPodMean(grouping, 'sglang:generation_tokens_histogram', '5m')
    case 'avg_input_tokens':
      return perPodMean(grouping, 'sglang:prompt_tokens_histogram', '5m')
    case 'prefix_cache_hit_rate':
      return (
        `sum by (${grouping}) (rate(sglang:cached_tokens_total{${modelSelector}}[5m])) / ` +
        `sum by (${grouping}) (rate(sglang:prompt_tokens_total{${modelSelector}}[5m]))`
      )
    case 'avg_ttft':
      return perPodMean(grouping, 'sglang:time_to_first_token_seconds', '1m')
    case 'avg_itl':
      return perPodMean(grouping, 'sglang:inter_token_latency_seconds', '1m')
    case 'generation_token_rate':
      return `sum by (${grouping}) (rate(sglang:generation_tokens_histogram_sum{${modelSelector}}[1m]))`
    case 'kv_usage_instant':
      return `max by (${grouping}) (sglang:token_usage{${modelSelector}})`
    case 'request_rate':
    case 'vllm_request_rate':
      return `sum by (${grouping}) (rate(sglang:generation_tokens_histogram_count{${modelSelector}}[1m]))`
    case 'model_request_count':
      return requestCount('sglang:num_requests_total')
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The catalogue.

interface ReleaseTraits {
  release: WvaQueryRelease
  grouping: string
  itl: string
  dispatchGrouping: string
}

const satOnly: readonly WvaQueryConsumer[] = ['saturation-v1', 'saturation-v2']

function saturationTemplates(t: ReleaseTraits): WvaQueryTemplate[] {
  const atLeast08 = t.release === 'v0.8' || t.release === 'v0.9'
  // v0.5.1 collects the V2 inputs but nothing reads them (V2 only exists after v0.5.1). The queueing model reads
  // the token means (not the cache size or prefix hits); the v0.8+ throughput analyzer reads all four.
  const ta: readonly WvaQueryConsumer[] = atLeast08 ? ['throughput-analyzer'] : []
  const v2Only: readonly WvaQueryConsumer[] = t.release === 'v0.5.1' ? [] : ['saturation-v2', ...ta]
  const tokenMeans: readonly WvaQueryConsumer[] =
    t.release === 'v0.5.1' ? [] : ['saturation-v2', 'queueing-model', ...ta]
  const base: WvaQueryTemplate[] = [
    {
      name: 'kv_cache_usage',
      logical: 'kv_cache_usage',
      engine: 'vllm',
      template: peakOverMinute(t.grouping, 'vllm:kv_cache_usage_perc'),
      params: ['namespace', 'modelID'],
      purpose: 'peak KV-cache utilization (0-1) per replica over the last minute',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: t.release === 'v0.5.0' || t.release === 'v0.5.1' ? ['saturation-v1'] : satOnly,
    },
    {
      name: 'queue_length',
      logical: 'queue_length',
      engine: 'vllm',
      template: peakOverMinute(t.grouping, 'vllm:num_requests_waiting'),
      params: ['namespace', 'modelID'],
      purpose: 'peak number of waiting requests per replica over the last minute',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: t.release === 'v0.5.0' || t.release === 'v0.5.1' ? ['saturation-v1'] : satOnly,
    },
  ]
  if (t.release === 'v0.5.0') return base
  return [
    ...base,
    {
      name: 'cache_config_info',
      logical: 'cache_config_info',
      engine: 'vllm',
      // v0.8 dropped the model filter: vllm:cache_config_info carries no model_name label.
      template: atLeast08
        ? `max by (${t.grouping}, num_gpu_blocks, block_size) (vllm:cache_config_info{namespace="{{.namespace}}"})`
        : `max by (${t.grouping}, num_gpu_blocks, block_size) (vllm:cache_config_info{${modelSelector}})`,
      params: atLeast08 ? ['namespace'] : ['namespace', 'modelID'],
      purpose: 'KV-cache size per replica: num_gpu_blocks × block_size tokens (labels of an info metric)',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: v2Only,
    },
    {
      name: 'avg_output_tokens',
      logical: 'avg_output_tokens',
      engine: 'vllm',
      template: perPodMean(t.grouping, 'vllm:request_generation_tokens', '5m'),
      params: ['namespace', 'modelID'],
      purpose: 'mean output tokens per finished request per replica (5m)',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: tokenMeans,
    },
    {
      name: 'avg_input_tokens',
      logical: 'avg_input_tokens',
      engine: 'vllm',
      template: perPodMean(t.grouping, 'vllm:request_prompt_tokens', '5m'),
      params: ['namespace', 'modelID'],
      purpose: 'mean prompt tokens per finished request per replica (5m)',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: tokenMeans,
    },
    {
      name: 'prefix_cache_hit_rate',
      logical: 'prefix_cache_hit_rate',
      engine: 'vllm',
      template:
        `max by (${t.grouping}) (rate(vllm:prefix_cache_hits{${modelSelector}}[5m]) / ` +
        `rate(vllm:prefix_cache_queries{${modelSelector}}[5m]))`,
      params: ['namespace', 'modelID'],
      purpose: 'prefix-cache hit rate (0-1) per replica (5m)',
      file: 'saturation.go',
      sent: 'every-cycle',
      usedBy: v2Only,
    },
    {
      name: 'scheduler_queue_size',
      logical: 'scheduler_queue_size',
      template: flowControl(eppQueueSize),
      params: ['modelID'],
      purpose: 'requests queued in the EPP flow-control layer for the model (no namespace label upstream)',
      file: 'saturation.go',
      sent: atLeast08 ? 'after-replicas' : 'never',
      usedBy: atLeast08 ? (t.release === 'v0.9' ? ['saturation-v2', 'throughput-analyzer'] : ['saturation-v2']) : [],
    },
    {
      name: 'scheduler_queue_bytes',
      logical: 'scheduler_queue_bytes',
      template: flowControl(eppQueueBytes),
      params: ['modelID'],
      purpose: 'bytes of request bodies queued in the EPP flow-control layer for the model',
      file: 'saturation.go',
      sent: atLeast08 ? 'after-replicas' : 'never',
      usedBy: atLeast08 ? ['saturation-v2'] : [],
    },
  ]
}

function queueingTemplates(t: ReleaseTraits): WvaQueryTemplate[] {
  const atLeast08 = t.release === 'v0.8' || t.release === 'v0.9'
  const users: readonly WvaQueryConsumer[] = atLeast08 ? ['queueing-model', 'throughput-analyzer'] : ['queueing-model']
  return [
    {
      name: 'scheduler_dispatch_rate',
      logical: 'scheduler_dispatch_rate',
      template: dispatchRate(eppAttempts, t.dispatchGrouping),
      params: ['namespace', 'modelID'],
      purpose: 'requests per second the EPP dispatched to each endpoint (pod_name) for the model',
      file: 'queueing_model.go',
      sent: 'every-cycle',
      usedBy: users,
    },
    {
      name: 'avg_ttft',
      logical: 'avg_ttft',
      engine: 'vllm',
      template: perPodMean(t.grouping, 'vllm:time_to_first_token_seconds', '1m'),
      params: ['namespace', 'modelID'],
      purpose: 'mean time to first token per replica (seconds, 1m)',
      file: 'queueing_model.go',
      sent: 'every-cycle',
      usedBy: ['queueing-model'],
    },
    {
      name: 'avg_itl',
      logical: 'avg_itl',
      engine: 'vllm',
      template: perPodMean(t.grouping, t.itl, '1m'),
      params: ['namespace', 'modelID'],
      purpose: 'mean inter-token latency per replica (seconds, 1m)',
      file: 'queueing_model.go',
      sent: 'every-cycle',
      usedBy: users,
    },
  ]
}

function throughputTemplates(t: ReleaseTraits): WvaQueryTemplate[] {
  const ta: readonly WvaQueryConsumer[] = ['throughput-analyzer']
  const requestRateName = t.release === 'v0.8' ? 'vllm_request_rate' : 'request_rate'
  const list: WvaQueryTemplate[] = [
    {
      name: 'generation_token_rate',
      logical: 'generation_token_rate',
      engine: 'vllm',
      template: `sum by (${t.grouping}) (rate(vllm:request_generation_tokens_sum{${modelSelector}}[1m]))`,
      params: ['namespace', 'modelID'],
      purpose: 'output tokens generated per second per replica',
      file: 'throughput_analyzer.go',
      sent: 'throughput-analyzer',
      usedBy: ta,
    },
    {
      name: 'kv_usage_instant',
      logical: 'kv_usage_instant',
      engine: 'vllm',
      template: `max by (${t.grouping}) (vllm:kv_cache_usage_perc{${modelSelector}})`,
      params: ['namespace', 'modelID'],
      purpose: 'current KV-cache utilization per replica (no max_over_time)',
      file: 'throughput_analyzer.go',
      sent: 'throughput-analyzer',
      usedBy: ta,
    },
    {
      name: requestRateName,
      logical: requestRateName,
      engine: 'vllm',
      template: `sum by (${t.grouping}) (rate(vllm:request_generation_tokens_count{${modelSelector}}[1m]))`,
      params: ['namespace', 'modelID'],
      purpose: 'finished requests per second per replica (fallback demand when the EPP is absent)',
      file: 'throughput_analyzer.go',
      sent: 'throughput-analyzer',
      usedBy: ta,
    },
  ]
  if (t.release === 'v0.9') {
    list.push({
      name: 'model_arrival_rate',
      logical: 'model_arrival_rate',
      template:
        `sum by (namespace) (rate(${eppAttempts}{status="success",namespace="{{.namespace}}",` +
        `target_model_name="{{.modelID}}"}[1m]))`,
      params: ['namespace', 'modelID'],
      purpose: 'requests per second the EPP dispatched for the whole model (no model_name fallback half)',
      file: 'throughput_analyzer.go',
      sent: 'throughput-analyzer',
      usedBy: ta,
    })
  }
  return list
}

function scaleToZeroTemplate(): WvaQueryTemplate {
  return {
    name: 'model_request_count',
    logical: 'model_request_count',
    engine: 'vllm',
    template: requestCount('vllm:request_success_total'),
    params: ['namespace', 'modelID', 'retentionPeriod'],
    purpose: 'requests completed over the scale-to-zero retention period (error or no sample: keep replicas)',
    file: 'scale_to_zero.go',
    sent: 'scale-to-zero',
    usedBy: ['scale-to-zero'],
  }
}

function sglangRegistrations(list: readonly WvaQueryTemplate[]): WvaQueryTemplate[] {
  const out: WvaQueryTemplate[] = []
  for (const query of list) {
    if (query.engine !== 'vllm' || !engineSpecificLogicals.has(query.logical)) continue
    const template = sglangTemplate(query.logical, instanceGrouping)
    if (template === undefined) continue
    out.push({
      ...query,
      name: `sglang/${query.logical}`,
      engine: 'sglang',
      template,
      params: ['namespace', 'modelID', ...query.params.filter((param) => param === 'retentionPeriod')],
      // The enforcer always calls the vLLM request count (CollectModelRequestCount); SGLang models are gated out.
      sent: query.logical === 'model_request_count' ? 'never' : query.sent,
      usedBy: query.logical === 'model_request_count' ? [] : query.usedBy,
    })
  }
  return out
}

const startupTemplate: WvaQueryTemplate = {
  name: 'up',
  logical: 'up',
  template: 'up',
  params: [],
  purpose: 'Prometheus connection check at start-up, retried with backoff',
  file: 'internal/utils/utils.go (v0.9: internal/prometheus/api.go) ValidatePrometheusAPI',
  sent: 'startup',
  usedBy: ['connection-check'],
}

const coordinatorTemplate: WvaQueryTemplate = {
  name: 'epp_pool_queue_size',
  logical: 'epp_pool_queue_size',
  // Upstream formats the pool with Go's %q (strconv.Quote); identical to this for any Kubernetes object name.
  template: `sum(${eppQueueSize}{inference_pool="{{.inferencePool}}"})`,
  params: ['inferencePool'],
  purpose: 'EPP queue of an inference pool, for the experimental GPU-rebalance coordinator plugin',
  file: 'internal/coordinator/plugins/gpurebalance/plugin.go',
  sent: 'coordinator',
  usedBy: ['gpu-rebalance'],
}

function buildCatalog(release: WvaQueryRelease): readonly WvaQueryTemplate[] {
  const atLeast08 = release === 'v0.8' || release === 'v0.9'
  const traits: ReleaseTraits = {
    release,
    grouping: atLeast08 ? instanceGrouping : podGrouping,
    itl: release === 'v0.6' ? tpotMetric : itlMetric,
    dispatchGrouping: atLeast08 ? 'pod_name, port, namespace' : 'pod_name, namespace',
  }
  const vllm: WvaQueryTemplate[] = [...saturationTemplates(traits)]
  if (release !== 'v0.5.0' && release !== 'v0.5.1') vllm.push(...queueingTemplates(traits))
  if (atLeast08) vllm.push(...throughputTemplates(traits))
  vllm.push(scaleToZeroTemplate())
  const all = release === 'v0.9' ? [...vllm, ...sglangRegistrations(vllm)] : vllm
  return [...all, startupTemplate, ...(atLeast08 ? [coordinatorTemplate] : [])]
}

const catalogs: Readonly<Record<WvaQueryRelease, readonly WvaQueryTemplate[]>> = {
  'v0.5.0': buildCatalog('v0.5.0'),
  'v0.5.1': buildCatalog('v0.5.1'),
  'v0.6': buildCatalog('v0.6'),
  'v0.7': buildCatalog('v0.7'),
  'v0.8': buildCatalog('v0.8'),
  'v0.9': buildCatalog('v0.9'),
}

/** Every query template registered (or built) at a release, including those it never sends. */
export function wvaQueryCatalog(release: WvaQueryRelease): readonly WvaQueryTemplate[] {
  return catalogs[release]
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering.

export type WvaTemplateValues = Partial<Record<WvaQueryParam, string>>

/**
 * Fills a template as upstream's Build does after escaping: each `{{.name}}` whose value is given is replaced by
 * the escaped value (one pass); a placeholder without a value stays as it is (upstream validates only the declared
 * parameters, and every template here declares all its placeholders).
 */
export function renderWvaTemplate(template: string, values: WvaTemplateValues): string {
  return template.replace(/\{\{\.(namespace|modelID|retentionPeriod|inferencePool)\}\}/g, (placeholder, name) => {
    const value = values[name as WvaQueryParam]
    return value === undefined ? placeholder : escapeLabelValue(value)
  })
}

/**
 * A retention period as upstream writes it into the request-count query (`FormatPrometheusDuration`, the same at
 * every tag): whole days `Nd`, else whole hours `Nh`, else whole minutes `Nm`, else seconds rounded down `Ns`,
 * and `1s` below one second. Unlike model.Duration.String it never combines units: 90 s is `90s`.
 */
export function formatWvaRetentionPeriod(durationMs: number): string {
  const second = 1000
  const units: ReadonlyArray<[string, number]> = [
    ['d', 86_400 * second],
    ['h', 3_600 * second],
    ['m', 60 * second],
    ['s', second],
  ]
  for (const [suffix, size] of units) {
    if (durationMs >= size && durationMs % size === 0) return `${durationMs / size}${suffix}`
  }
  const seconds = Math.floor(durationMs / second)
  return seconds > 0 ? `${seconds}s` : '1s'
}

/** The scale-to-zero retention period upstream uses when the ConfigMap gives none (or an invalid one): 10m. */
export const defaultWvaRetentionPeriodMs = 600_000

export interface WvaQueryParams {
  namespace: string
  modelID: string
  /**
   * v0.9: the engines detected among the model's scale targets (`presentInferenceEngines`; default vLLM). Each
   * engine-specific query is sent once per engine, vLLM first. Earlier releases always read vLLM metrics.
   */
  engines?: readonly InferenceEngine[] | undefined
  /** Scale-to-zero enabled for the model: include the request count over this retention period. */
  retentionPeriodMs?: number | undefined
  /** v0.8+: the throughput analyzer is enabled in the saturation ConfigMap. */
  throughputAnalyzer?: boolean | undefined
  /** v0.8+: EXPERIMENTAL_COORDINATOR_ENABLED and the scaler's `llm-d.ai/epp-inference-pool` annotation. */
  inferencePool?: string | undefined
}

export interface WvaQuery {
  /** The registered name (`sglang/<logical>` for v0.9 SGLang). */
  readonly name: string
  readonly logical: string
  readonly promql: string
  readonly usedBy: readonly WvaQueryConsumer[]
}

/** The order `CollectReplicaMetrics` lists the per-replica queries in (v0.9: agnostic first, then × engines). */
const replicaOrder: Readonly<Record<WvaQueryRelease, readonly string[]>> = {
  'v0.5.0': ['kv_cache_usage', 'queue_length'],
  'v0.5.1': [
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
  ],
  'v0.6': [
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
    'scheduler_dispatch_rate',
    'avg_ttft',
    'avg_itl',
  ],
  'v0.7': [
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
    'scheduler_dispatch_rate',
    'avg_ttft',
    'avg_itl',
  ],
  'v0.8': [
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
    'scheduler_dispatch_rate',
    'avg_ttft',
    'avg_itl',
    'generation_token_rate',
    'kv_usage_instant',
    'vllm_request_rate',
  ],
  'v0.9': [
    'scheduler_dispatch_rate',
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
    'avg_ttft',
    'avg_itl',
    'generation_token_rate',
    'kv_usage_instant',
    'request_rate',
  ],
}

/** After the replica batch: the scheduler queue (v0.8+), then the v0.9 model arrival rate. */
const afterReplicaOrder = ['scheduler_queue_size', 'scheduler_queue_bytes', 'model_arrival_rate']

function selectedEngines(release: WvaQueryRelease, engines: readonly InferenceEngine[] | undefined): InferenceEngine[] {
  if (release !== 'v0.9' || engines === undefined || engines.length === 0) return ['vllm']
  // inferenceengine.Present: deterministic order, vLLM first.
  return (['vllm', 'sglang'] as const).filter((engine) => engines.includes(engine))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The engine v0.9 assumes for a scale target's (leader) pod template (`inferenceengine.Detect`): SGLang when a
 * container's image contains `sglang` (any case), or its command and args joined with spaces contain
 * `sglang.launch_server` or `sglang serve`; vLLM otherwise, including when there is no template.
 */
export function detectInferenceEngine(podTemplate: unknown): InferenceEngine {
  const spec = isRecord(podTemplate) ? podTemplate.spec : undefined
  const containers: unknown[] = isRecord(spec) && Array.isArray(spec.containers) ? spec.containers : []
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [])
  for (const container of containers) {
    if (!isRecord(container)) continue
    if (typeof container.image === 'string' && container.image.toLowerCase().includes('sglang')) return 'sglang'
    const command = [...strings(container.command), ...strings(container.args)].join(' ').toLowerCase()
    if (command.includes('sglang.launch_server') || command.includes('sglang serve')) return 'sglang'
  }
  return 'vllm'
}

/** The engines of a model's scale targets, vLLM first (`inferenceengine.Present`); vLLM alone when none. */
export function presentInferenceEngines(podTemplates: readonly unknown[]): InferenceEngine[] {
  const seen = new Set(podTemplates.map(detectInferenceEngine))
  if (seen.size === 0) return ['vllm']
  return (['vllm', 'sglang'] as const).filter((engine) => seen.has(engine))
}

/**
 * The queries one model's cycle sends at a release, in the order the controller lists them, with the parameters
 * filled in: the per-replica batch (always), the scheduler queue and arrival rate after it (when the release sends
 * them and, for the throughput analyzer's, when it is enabled), the request count when a retention period is
 * given (scale-to-zero on), and the coordinator's pool queue when a pool is given (v0.8+). Registered queries the
 * release never sends are left out (see `wvaQueryCatalog`).
 */
export function wvaQueries(release: WvaQueryRelease, params: WvaQueryParams): WvaQuery[] {
  const catalog = catalogs[release]
  const engines = selectedEngines(release, params.engines)
  const values: WvaTemplateValues = {namespace: params.namespace, modelID: params.modelID}
  if (params.retentionPeriodMs !== undefined) {
    values.retentionPeriod = formatWvaRetentionPeriod(params.retentionPeriodMs)
  }
  if (params.inferencePool !== undefined) values.inferencePool = params.inferencePool
  const sends = (query: WvaQueryTemplate) =>
    query.sent === 'every-cycle' ||
    query.sent === 'after-replicas' ||
    (query.sent === 'throughput-analyzer' && params.throughputAnalyzer === true)
  const find = (logical: string, engine: InferenceEngine | undefined) =>
    catalog.find((query) => query.logical === logical && (query.engine === undefined || query.engine === engine))
  const out: WvaQuery[] = []
  const emit = (query: WvaQueryTemplate | undefined) => {
    if (query === undefined) return
    const promql = renderWvaTemplate(query.template, values)
    out.push({name: query.name, logical: query.logical, promql, usedBy: query.usedBy})
  }
  for (const logical of replicaOrder[release]) {
    const specific = catalog.some((query) => query.logical === logical && query.engine !== undefined)
    for (const engine of specific ? engines : ['vllm' as const]) {
      const query = find(logical, engine)
      if (query !== undefined && sends(query)) emit(query)
    }
  }
  for (const logical of afterReplicaOrder) {
    const query = find(logical, undefined)
    if (query !== undefined && sends(query)) emit(query)
  }
  if (params.retentionPeriodMs !== undefined) emit(find('model_request_count', 'vllm'))
  if (params.inferencePool !== undefined) emit(find('epp_pool_queue_size', undefined))
  return out
}

/** The query catalogue of a release, when it is v0.5.0 or later (earlier ones: src/core/plan/profiles.ts). */
export function wvaQueryReleaseOf(release: WvaRelease): WvaQueryRelease | undefined {
  return (wvaQueryReleases as readonly string[]).includes(release) ? (release as WvaQueryRelease) : undefined
}

/** The catalogues a detected range spans, in order (empty when it is entirely before v0.5.0). */
export function wvaQueryReleasesIn(value: WvaReleaseRange): WvaQueryRelease[] {
  return releasesIn(value)
    .map(wvaQueryReleaseOf)
    .filter((release): release is WvaQueryRelease => release !== undefined)
}
