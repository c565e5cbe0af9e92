/**
 * The instant readings WVA v0.6-v0.9 takes per model, run against Prometheus with the release's own queries
 * (plan/wva-readings.ts, the controller's alternative of each reading), into the typed per-pod and per-model
 * readings saturation V2 and the queueing model use (model/metrics.ts). One request per query per model.
 */
import type {ModelMetrics, PodMetrics} from '../model/metrics.js'
import type {PrometheusClient} from '../read/prometheus/client.js'
import type {Labels} from '../read/prometheus/response.js'
import {wvaReadings, wvaVariantGauges} from '../plan/wva-readings.js'
import type {InferenceEngine, WvaQueryRelease} from '../plan/wva-queries.js'
import type {IssuedQuery} from './model-metrics.js'

export interface WvaModelScope {
  readonly namespace: string
  readonly modelID: string
  /** v0.9: engines of the model's scale targets (SGLang queries are sent for SGLang targets). */
  readonly engines?: readonly InferenceEngine[] | undefined
  /** Scale-to-zero on: the request count over this retention is read too. */
  readonly retentionPeriodMs?: number | undefined
}

export interface WvaReadingsResult {
  /** Per pod, sorted by namespace, model and name. */
  readonly pods: PodMetrics[]
  /** Per model: the EPP scheduler queue. */
  readonly models: ModelMetrics[]
  readonly requestCounts: Array<{namespace: string; modelID: string; requests: number}>
  readonly queries: IssuedQuery[]
  readonly warnings: string[]
}

type PodField = Exclude<keyof PodMetrics, 'namespace' | 'name' | 'deployment' | 'modelID' | 'variant'>

/** What each logical reading fills; `ms`: Prometheus seconds become milliseconds. */
const podFields: Readonly<Record<string, {field: PodField; ms?: boolean}>> = {
  kv_cache_usage: {field: 'kvCacheUsage'},
  queue_length: {field: 'queueLength'},
  avg_output_tokens: {field: 'avgOutputTokens'},
  avg_input_tokens: {field: 'avgInputTokens'},
  prefix_cache_hit_rate: {field: 'prefixCacheHitRate'},
  scheduler_dispatch_rate: {field: 'arrivalRate'},
  avg_ttft: {field: 'ttftMs', ms: true},
  avg_itl: {field: 'itlMs', ms: true},
}

/** The pod a series is about: `pod`, else `pod_name` (the EPP's label), else `endpoint_name`. */
function podOf(labels: Labels): string | undefined {
  return labels.pod || labels.pod_name || labels.endpoint_name || undefined
}

/**
 * The owning scale target of a pod by its name: the longest target name `T` with the pod named `T-…` (Deployment
 * pods are `T-<hash>-<id>`, LeaderWorkerSet pods `T-<group>[-<worker>]`).
 */
export function ownerByName(podName: string, targetNames: readonly string[]): string | undefined {
  let best: string | undefined
  for (const name of targetNames) {
    if (podName.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name
  }
  return best
}

/**
 * Reads every model's readings with the release's controller queries. `targetNames` (per namespace) maps each pod
 * to its scale target by name.
 */
export async function collectWvaReadings(
  client: PrometheusClient,
  release: WvaQueryRelease,
  scopes: readonly WvaModelScope[],
  options: {
    at?: Date | undefined
    targetNames?: ReadonlyMap<string, readonly string[]> | undefined
  } = {},
): Promise<WvaReadingsResult> {
  const result: WvaReadingsResult = {pods: [], models: [], requestCounts: [], queries: [], warnings: []}
  const pods = new Map<string, PodMetrics>()
  const seen = new Set<string>()
  for (const scope of scopes) {
    const scopeKey = `${scope.namespace}\u0000${scope.modelID}`
    if (seen.has(scopeKey)) continue
    seen.add(scopeKey)
    const readings = wvaReadings(release, {
      namespace: scope.namespace,
      modelID: scope.modelID,
      engines: scope.engines,
      retentionPeriodMs: scope.retentionPeriodMs,
    })
    const answers = await Promise.all(
      readings.map(async (reading) => {
        const promql = reading.alternatives[0]!.promql
        result.queries.push({quantity: `${scope.namespace}/${scope.modelID} ${reading.name}`, promql})
        return {reading, answer: await client.query(promql, {time: options.at})}
      }),
    )
    const model: ModelMetrics = {namespace: scope.namespace, modelID: scope.modelID}
    const targets = options.targetNames?.get(scope.namespace) ?? []
    const podFor = (name: string, labels: Labels): PodMetrics => {
      const key = `${scope.namespace}\u0000${scope.modelID}\u0000${name}`
      let pod = pods.get(key)
      if (pod === undefined) {
        pod = {namespace: scope.namespace, name, modelID: scope.modelID}
        const owner = ownerByName(name, targets)
        if (owner !== undefined) pod.deployment = owner
        pods.set(key, pod)
      }
      if (pod.variant === undefined && labels.llm_d_ai_variant) pod.variant = labels.llm_d_ai_variant
      return pod
    }
    for (const {reading, answer} of answers) {
      for (const warning of answer.warnings) result.warnings.push(`${reading.name}: ${warning}`)
      if (answer.data.kind !== 'vector') {
        result.warnings.push(`${reading.name}: expected a vector, Prometheus returned a ${answer.data.kind}`)
        continue
      }
      const logical = reading.logical
      for (const sample of answer.data.samples) {
        if (!Number.isFinite(sample.value)) continue
        if (logical === 'scheduler_queue_size') model.schedulerQueueSize = sample.value
        else if (logical === 'scheduler_queue_bytes') model.schedulerQueueBytes = sample.value
        else if (logical === 'model_request_count') {
          result.requestCounts.push({namespace: scope.namespace, modelID: scope.modelID, requests: sample.value})
        } else if (logical === 'cache_config_info') {
          const name = podOf(sample.labels)
          if (name === undefined) continue
          const pod = podFor(name, sample.labels)
          const blocks = Number(sample.labels.num_gpu_blocks)
          const blockSize = Number(sample.labels.block_size)
          if (reading.name.startsWith('sglang/')) {
            // SGLang's max_total_num_tokens is the capacity in tokens: one token per block.
            pod.numGpuBlocks = sample.value
            pod.blockSize = 1
          } else if (Number.isFinite(blocks) && Number.isFinite(blockSize)) {
            pod.numGpuBlocks = blocks
            pod.blockSize = blockSize
          }
        } else {
          const target = podFields[logical]
          const name = podOf(sample.labels)
          if (target === undefined || name === undefined) continue
          const pod = podFor(name, sample.labels)
          pod[target.field] = target.ms === true ? sample.value * 1000 : sample.value
        }
      }
    }
    result.models.push(model)
  }
  // cache_config_info has no model filter from v0.8: keep only pods some model reading saw.
  result.pods.push(
    ...[...pods.values()]
      .filter((pod) => pod.kvCacheUsage !== undefined || pod.queueLength !== undefined || pod.arrivalRate !== undefined)
      .sort((a, b) =>
        a.namespace !== b.namespace
          ? a.namespace < b.namespace
            ? -1
            : 1
          : (a.modelID ?? '') !== (b.modelID ?? '')
            ? (a.modelID ?? '') < (b.modelID ?? '')
              ? -1
              : 1
            : a.name < b.name
              ? -1
              : 1,
      ),
  )
  return result
}

export interface WvaGaugesResult {
  readonly gauges: Array<{namespace: string; variant: string; gauge: string; value: number}>
  readonly queries: IssuedQuery[]
  readonly warnings: string[]
}

/**
 * The controller's exported wva_* gauges of every variant: one query per gauge the release exports, whatever the
 * number of variants. The variant's namespace is `exported_namespace` when Prometheus scraped the controller
 * without honorLabels (the shipped ServiceMonitor), else `namespace`.
 */
export async function collectWvaGauges(
  client: PrometheusClient,
  release: WvaQueryRelease,
  options: {at?: Date | undefined} = {},
): Promise<WvaGaugesResult> {
  const result: WvaGaugesResult = {gauges: [], queries: [], warnings: []}
  const names = wvaVariantGauges(release)
  const answers = await Promise.all(
    names.map(async (gauge) => {
      const promql = `${gauge}{variant_name!=""}`
      result.queries.push({quantity: gauge, promql})
      return {gauge, answer: await client.query(promql, {time: options.at})}
    }),
  )
  for (const {gauge, answer} of answers) {
    for (const warning of answer.warnings) result.warnings.push(`${gauge}: ${warning}`)
    if (answer.data.kind !== 'vector') continue
    for (const sample of answer.data.samples) {
      const namespace = sample.labels.exported_namespace || sample.labels.namespace
      const variant = sample.labels.variant_name
      if (!namespace || !variant || !Number.isFinite(sample.value)) continue
      result.gauges.push({namespace, variant, gauge, value: sample.value})
    }
  }
  return result
}
