/**
 * Alternatives per reading: the controller's own query first, then queries a collector may try, in order, when the
 * one before returned no series. The controller itself never falls back (no `or` across metric names in any
 * release), so a value found by an alternative other than the first is one the controller did NOT see: a caller
 * reproducing the controller's decision must use the first alternative's result (an empty result included), and
 * may show the fallback's value beside it to explain why the controller saw nothing.
 *
 * Renames covered:
 * - ITL: v0.6 reads `vllm:time_per_output_token_seconds`, v0.7+ `vllm:inter_token_latency_seconds`; vLLM ≥ 0.12
 *   has only the new name and vLLM before 0.10.2 only the old one (0.10.2-0.11 emit both).
 * - EPP: every release reads `inference_extension_*`; llm-d router EPPs renamed the family to
 *   `llm_d_router_epp_*` and then `llm_d_epp_*` (dual-written with the old name until router v0.11), and on
 *   `scheduler_attempts_total` the endpoint label `pod_name` became `endpoint_name`.
 * - SGLang: before v0.9 the controller reads vLLM metrics only; v0.9 reads `sglang:*` for scale targets it detects
 *   as SGLang (image contains `sglang`, or command and args contain `sglang.launch_server` / `sglang serve`) and
 *   vLLM otherwise, so a misdetected SGLang server gives it nothing.
 *
 * The controller's exported gauges (`wvaGaugeReadings`) carry the variant's namespace in `exported_namespace` when
 * Prometheus scrapes the controller without honorLabels (the shipped ServiceMonitor at every release), and in
 * `namespace` otherwise.
 */
import {escapeLabelValue} from '../read/prometheus/label-value.js'
import {
  formatWvaRetentionPeriod,
  renderWvaTemplate,
  wvaQueries,
  wvaQueryCatalog,
  type WvaQueryParams,
  type WvaQueryRelease,
  type WvaQueryTemplate,
  type WvaTemplateValues,
} from './wva-queries.js'

/**
 * `controller`: what upstream itself sends (or, for the exported gauges, what its shipped scalers select);
 * `fallback`: an alternative of ours, for when the one before returned no series.
 */
export type WvaAlternativeSource = 'controller' | 'fallback'

export interface WvaReadingAlternative {
  /** `<registered name>` for the controller's query, `<registered name>~<what changed>` for a fallback. */
  readonly name: string
  readonly promql: string
  readonly source: WvaAlternativeSource
  /** For a fallback: when it finds what the controller's query does not. */
  readonly why?: string
}

export interface WvaReading {
  /** The controller's registered query name. */
  readonly name: string
  readonly logical: string
  /** The controller's query first; never empty. */
  readonly alternatives: readonly WvaReadingAlternative[]
}

const itlName = 'vllm:inter_token_latency_seconds_'
const tpotName = 'vllm:time_per_output_token_seconds_'

const eppRenames: ReadonlyArray<{prefix: string; why: string}> = [
  {
    prefix: 'llm_d_epp_',
    why: 'llm-d router EPPs name the family llm_d_epp_* (inference_extension_* is dual-written until router v0.11)',
  },
  {prefix: 'llm_d_router_epp_', why: 'llm-d router EPPs of the llm_d_router_epp_* era'},
]

const beforeV09 = (release: WvaQueryRelease) => release !== 'v0.9'
const grouping = (release: WvaQueryRelease) =>
  release === 'v0.8' || release === 'v0.9' ? 'instance, pod, llm_d_ai_variant' : 'pod'

/** The SGLang equivalent of a vLLM template, with the release's grouping (v0.9 registration text otherwise). */
function sglangEquivalent(release: WvaQueryRelease, query: WvaQueryTemplate): string | undefined {
  const logical = query.logical === 'vllm_request_rate' ? 'request_rate' : query.logical
  const v09 = wvaQueryCatalog('v0.9').find((candidate) => candidate.name === `sglang/${logical}`)
  if (v09 === undefined) return undefined
  return v09.template.replaceAll('instance, pod, llm_d_ai_variant', grouping(release))
}

function fallbackTemplates(
  release: WvaQueryRelease,
  query: WvaQueryTemplate,
  engines: readonly string[],
): Array<{suffix: string; template: string; why: string}> {
  const out: Array<{suffix: string; template: string; why: string}> = []
  if (query.logical === 'avg_itl' && query.engine === 'vllm') {
    if (query.template.includes(tpotName)) {
      out.push({
        suffix: 'inter_token_latency',
        template: query.template.replaceAll(tpotName, itlName),
        why: 'vLLM 0.12 and later export only vllm:inter_token_latency_seconds',
      })
    } else {
      out.push({
        suffix: 'time_per_output_token',
        template: query.template.replaceAll(itlName, tpotName),
        why: 'vLLM before 0.10.2 exports only vllm:time_per_output_token_seconds',
      })
    }
  }
  if (query.template.includes('inference_extension_')) {
    for (const rename of eppRenames) {
      let template = query.template.replaceAll('inference_extension_', rename.prefix)
      if (query.template.includes('scheduler_attempts_total')) {
        // The renamed counter labels the endpoint endpoint_name; grouping by both keeps either.
        template = template.replaceAll('sum by (pod_name, ', 'sum by (pod_name, endpoint_name, ')
      }
      out.push({suffix: rename.prefix.replace(/_$/, ''), template, why: rename.why})
    }
  }
  const sglangSent = release === 'v0.9' && engines.includes('sglang')
  if (query.engine === 'vllm' && !sglangSent) {
    const template = sglangEquivalent(release, query)
    if (template !== undefined) {
      const capacity =
        query.logical === 'cache_config_info'
          ? ' (its value is the capacity in tokens, not num_gpu_blocks/block_size labels)'
          : ''
      out.push({
        suffix: 'sglang',
        template,
        why: beforeV09(release)
          ? `an SGLang server: this release reads vLLM metrics only${capacity}`
          : `an SGLang server the controller did not detect as SGLang (it then reads vLLM metrics)${capacity}`,
      })
    }
  }
  return out
}

/**
 * Per query `wvaQueries` gives for these parameters, the controller's query and the fallbacks to try after it, all
 * rendered with the same parameters.
 */
export function wvaReadings(release: WvaQueryRelease, params: WvaQueryParams): WvaReading[] {
  const catalog = wvaQueryCatalog(release)
  const values: WvaTemplateValues = {namespace: params.namespace, modelID: params.modelID}
  if (params.retentionPeriodMs !== undefined) {
    values.retentionPeriod = formatWvaRetentionPeriod(params.retentionPeriodMs)
  }
  if (params.inferencePool !== undefined) values.inferencePool = params.inferencePool
  const engines = params.engines ?? []
  return wvaQueries(release, params).map((sent) => {
    const query = catalog.find((candidate) => candidate.name === sent.name)!
    const fallbacks = fallbackTemplates(release, query, engines).map((fallback) => ({
      name: `${query.name}~${fallback.suffix}`,
      promql: renderWvaTemplate(fallback.template, values),
      source: 'fallback' as const,
      why: fallback.why,
    }))
    const controller: WvaReadingAlternative = {name: sent.name, promql: sent.promql, source: 'controller'}
    return {name: sent.name, logical: sent.logical, alternatives: [controller, ...fallbacks]}
  })
}

/** The controller's exported gauges labelled with a variant and its namespace, per release. */
export function wvaVariantGauges(release: WvaQueryRelease): readonly string[] {
  const all = ['wva_desired_replicas', 'wva_current_replicas', 'wva_desired_ratio']
  if (release === 'v0.8' || release === 'v0.9') {
    all.push(
      'wva_saturation_utilization',
      'wva_spare_capacity',
      'wva_required_capacity',
      'wva_kv_cache_tokens_used',
      'wva_kv_cache_tokens_capacity',
    )
  }
  if (release === 'v0.9') all.push('wva_saturation_metrics_up')
  return all
}

export interface WvaGaugeParams {
  /** The VA name; at v0.9 (and for annotated scalers at v0.8) the HPA or ScaledObject name. */
  variantName: string
  namespace: string
}

/**
 * Reads of one variant's exported gauges, as the scalers upstream ships read them:
 * 1. `exported_namespace="NS"`: Prometheus scraped the controller without honorLabels (the shipped ServiceMonitor
 *    at every release), so the controller's `namespace` label was renamed; the prometheus-adapter samples at every
 *    release and the v0.9 e2e KEDA trigger select this way.
 * 2. `namespace="NS",exported_namespace=""`: honorLabels (or a relabelling) kept the label. The v0.8 annotation
 *    KEDA sample and the v0.6-v0.8 e2e triggers select `namespace="NS"` alone; the empty `exported_namespace` guard
 *    keeps a controller running in NS from matching a same-named variant of another namespace.
 */
export function wvaGaugeReadings(release: WvaQueryRelease, params: WvaGaugeParams): WvaReading[] {
  const variant = `variant_name="${escapeLabelValue(params.variantName)}"`
  const namespace = escapeLabelValue(params.namespace)
  return wvaVariantGauges(release).map((gauge) => ({
    name: gauge,
    logical: gauge,
    alternatives: [
      {
        name: gauge,
        promql: `${gauge}{${variant},exported_namespace="${namespace}"}`,
        source: 'controller',
        why: 'scraped without honorLabels (the shipped ServiceMonitor): the variant namespace is exported_namespace',
      },
      {
        name: `${gauge}~namespace`,
        promql: `${gauge}{${variant},namespace="${namespace}",exported_namespace=""}`,
        source: 'fallback',
        why: 'scraped with honorLabels, or relabelled: the variant namespace stays in namespace',
      },
    ],
  }))
}
