import {modelGrouping} from './scope.js'

/**
 * Which PromQL the collector runs. The WVA profiles reproduce the controller's queries of that version
 * (wva-controller.md §7, vllm-metrics.md §1.2), batched over all scopes with `sum by (model_name, namespace)`
 * instead of one query per VA: per (namespace, model) pair the numbers are the same, because the controller's
 * matchers are exactly those two labels. `kubectl-va` is our default and measures what the names promise.
 *
 * - `wva-v0.0.1`: v0.0.1 and v0.0.2. Arrival rate ×60 inside PromQL; avg input tokens hard-coded 0; "TTFT" is
 *   really the mean queue time (vllm:request_queue_time_seconds); ITL from vllm:time_per_output_token_seconds.
 * - `wva-4cf6eb6`: the unmerged single-variant branch (shape B); the same query text as v0.0.2.
 * - `wva-v0.0.3`: v0.0.3 to v0.4.2 (and the untagged collector v1). Adds prompt tokens; TTFT from the TTFT histogram.
 * - `wva-v0.5`: v0.5.0/v0.5.1. The controller no longer measures arrival rate, TTFT or ITL (commit 0eb8772); v0.5.1
 *   reads per-pod 5m average input/output tokens (`max by (pod)`), which we report per model as the max over pods.
 * - `kubectl-va`: request-weighted means with a `> 0` denominator (idle → no value rather than NaN), and ITL from
 *   vllm:inter_token_latency_seconds falling back per pod to vllm:time_per_output_token_seconds (vLLM ≥ 0.12 drops
 *   the old name; 0.10.2–0.11 emit both with the same observations, so a union would double-count).
 *
 * NaN and empty results: the collector reports both as undefined. The controller turns NaN, ±Inf and empty results
 * into 0 (FixValue in v0.0.1–v0.4.2; fixNaN in v0.5 parseVector), so a caller that wants the controller's inputs
 * (e.g. to replay its optimizer) applies `controllerValue` (below) for the WVA profiles.
 */
export type CollectorProfileName = 'kubectl-va' | 'wva-v0.0.1' | 'wva-4cf6eb6' | 'wva-v0.0.3' | 'wva-v0.5'

export const collectorProfileNames: readonly CollectorProfileName[] = [
  'kubectl-va',
  'wva-v0.0.1',
  'wva-4cf6eb6',
  'wva-v0.0.3',
  'wva-v0.5',
]

export type ModelQuantity = 'arrivalRate' | 'avgInputTokens' | 'avgOutputTokens' | 'ttft' | 'itl'

/** The unit a query returns; converted to ModelMetrics' units in one place (model-metrics.ts). */
export type QuantityUnit = 'requestsPerSecond' | 'requestsPerMinute' | 'tokens' | 'seconds'

export type QuantityDefinition =
  | {quantity: ModelQuantity; kind: 'query'; unit: QuantityUnit; promql: (selector: string, window: string) => string}
  /** The controller uses a constant instead of a query (v0.0.1/v0.0.2 avg input tokens = 0). */
  | {quantity: ModelQuantity; kind: 'constant'; value: number}

export interface CollectorProfile {
  name: CollectorProfileName
  /** Range window when the caller gives none; the controller hard-codes it. */
  defaultWindow: string
  /** True when the controller replaces NaN/empty by 0 for these quantities. */
  controllerZeroesMissing: boolean
  quantities: readonly QuantityDefinition[]
  /** Whether per-pod KV usage falls back to vllm:gpu_cache_usage_perc (the controller only queries the new name). */
  kvCacheFallback: boolean
}

const by = `by (${modelGrouping})`

/** `sum by (model_name, namespace) (rate(metric{SEL}[W]))`. */
function sumRate(metric: string, selector: string, window: string): string {
  return `sum ${by} (rate(${metric}{${selector}}[${window}]))`
}

/** The controller's ratio of sums, `sum(rate(a))/sum(rate(b))`, batched; NaN when idle. */
function controllerRatio(histogram: string) {
  return (selector: string, window: string) =>
    `${sumRate(`${histogram}_sum`, selector, window)}/${sumRate(`${histogram}_count`, selector, window)}`
}

/** The same ratio with a `> 0` denominator: an idle model gives no sample instead of NaN. */
function guardedRatio(histogram: string) {
  return (selector: string, window: string) =>
    `${sumRate(`${histogram}_sum`, selector, window)} / (${sumRate(`${histogram}_count`, selector, window)} > 0)`
}

/** Per-pod `or` between the ITL histogram and its deprecated name, then the ratio (vllm-metrics.md §4.2, item 10). */
function itlWithFallback(selector: string, window: string): string {
  const perPod = (suffix: 'sum' | 'count') =>
    `sum by (${modelGrouping}, pod, instance) ` +
    `(rate(vllm:inter_token_latency_seconds_${suffix}{${selector}}[${window}]))` +
    ` or sum by (${modelGrouping}, pod, instance) ` +
    `(rate(vllm:time_per_output_token_seconds_${suffix}{${selector}}[${window}]))`
  return `sum ${by} (${perPod('sum')}) / (sum ${by} (${perPod('count')}) > 0)`
}

/** v0.5.1: `max by (pod) (rate(a[5m]) / rate(b[5m]))`, reduced to one value per model with max. */
function perPodMaxRatio(histogram: string) {
  return (selector: string, window: string) =>
    `max ${by} (rate(${histogram}_sum{${selector}}[${window}]) / rate(${histogram}_count{${selector}}[${window}]))`
}

const wvaV001Quantities: readonly QuantityDefinition[] = [
  {
    quantity: 'arrivalRate',
    kind: 'query',
    unit: 'requestsPerMinute',
    promql: (s, w) => `${sumRate('vllm:request_success_total', s, w)} * 60`,
  },
  {quantity: 'avgInputTokens', kind: 'constant', value: 0},
  {
    quantity: 'avgOutputTokens',
    kind: 'query',
    unit: 'tokens',
    promql: controllerRatio('vllm:request_generation_tokens'),
  },
  {quantity: 'ttft', kind: 'query', unit: 'seconds', promql: controllerRatio('vllm:request_queue_time_seconds')},
  {quantity: 'itl', kind: 'query', unit: 'seconds', promql: controllerRatio('vllm:time_per_output_token_seconds')},
]

export const collectorProfiles: Readonly<Record<CollectorProfileName, CollectorProfile>> = {
  'kubectl-va': {
    name: 'kubectl-va',
    defaultWindow: '1m',
    controllerZeroesMissing: false,
    kvCacheFallback: true,
    quantities: [
      {
        quantity: 'arrivalRate',
        kind: 'query',
        unit: 'requestsPerSecond',
        promql: (s, w) => sumRate('vllm:request_success_total', s, w),
      },
      {quantity: 'avgInputTokens', kind: 'query', unit: 'tokens', promql: guardedRatio('vllm:request_prompt_tokens')},
      {
        quantity: 'avgOutputTokens',
        kind: 'query',
        unit: 'tokens',
        promql: guardedRatio('vllm:request_generation_tokens'),
      },
      {quantity: 'ttft', kind: 'query', unit: 'seconds', promql: guardedRatio('vllm:time_to_first_token_seconds')},
      {quantity: 'itl', kind: 'query', unit: 'seconds', promql: itlWithFallback},
    ],
  },
  'wva-v0.0.1': {
    name: 'wva-v0.0.1',
    defaultWindow: '1m',
    controllerZeroesMissing: true,
    kvCacheFallback: false,
    quantities: wvaV001Quantities,
  },
  'wva-4cf6eb6': {
    name: 'wva-4cf6eb6',
    defaultWindow: '1m',
    controllerZeroesMissing: true,
    kvCacheFallback: false,
    quantities: wvaV001Quantities,
  },
  'wva-v0.0.3': {
    name: 'wva-v0.0.3',
    defaultWindow: '1m',
    controllerZeroesMissing: true,
    kvCacheFallback: false,
    quantities: [
      // Upstream multiplies by 60 in Go from v0.0.3 on; the conversion happens at our unit boundary instead.
      {
        quantity: 'arrivalRate',
        kind: 'query',
        unit: 'requestsPerSecond',
        promql: (s, w) => sumRate('vllm:request_success_total', s, w),
      },
      {
        quantity: 'avgInputTokens',
        kind: 'query',
        unit: 'tokens',
        promql: controllerRatio('vllm:request_prompt_tokens'),
      },
      {
        quantity: 'avgOutputTokens',
        kind: 'query',
        unit: 'tokens',
        promql: controllerRatio('vllm:request_generation_tokens'),
      },
      {quantity: 'ttft', kind: 'query', unit: 'seconds', promql: controllerRatio('vllm:time_to_first_token_seconds')},
      {quantity: 'itl', kind: 'query', unit: 'seconds', promql: controllerRatio('vllm:time_per_output_token_seconds')},
    ],
  },
  'wva-v0.5': {
    name: 'wva-v0.5',
    defaultWindow: '5m',
    controllerZeroesMissing: true,
    kvCacheFallback: false,
    quantities: [
      {quantity: 'avgInputTokens', kind: 'query', unit: 'tokens', promql: perPodMaxRatio('vllm:request_prompt_tokens')},
      {
        quantity: 'avgOutputTokens',
        kind: 'query',
        unit: 'tokens',
        promql: perPodMaxRatio('vllm:request_generation_tokens'),
      },
    ],
  },
}

/**
 * The profile that reproduces a controller version (a tag such as `v0.4.2`, or the shape-B commit); `kubectl-va`
 * when the version is unknown.
 */
export function profileForControllerVersion(version: string | undefined): CollectorProfileName {
  if (version === undefined) return 'kubectl-va'
  if (version.startsWith('4cf6eb6')) return 'wva-4cf6eb6'
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)
  if (match === null) return 'kubectl-va'
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number]
  if (major > 0 || minor >= 5) return 'wva-v0.5'
  if (minor === 0 && patch <= 2) return 'wva-v0.0.1'
  return 'wva-v0.0.3'
}

/** What the controller would use for a value the collector reports as undefined (no data or NaN): 0. */
export function controllerValue(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? 0 : value
}
