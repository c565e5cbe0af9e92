import {
  linearCounter,
  linearHistogram,
  OpenMetricsBuilder,
  timesBetween,
  type LabelSet,
  type Point,
} from './openmetrics.js'

/**
 * Synthetic vLLM series for backfilling, with hand-computable answers. All samples are 15 s apart and aligned to
 * `at`, so a `[1m]` window at `at` holds exactly the samples at at-60 … at (Prometheus 2.x ranges are closed) and
 * rate() needs no extrapolation: it equals the slope of each linear counter.
 */
export const scenarioAt = new Date(1_700_003_600_000)
const atS = scenarioAt.getTime() / 1000
const stepS = 15
/** Series start 15 minutes before `at` and go on 5 minutes after it. */
const times = timesBetween(atS - 900, atS + 300, stepS)

interface PodLoad {
  namespace: string
  model: string
  pod: string
  /** vLLM V1 label. */
  engine?: boolean
  requestsPerS: number
  promptTokens: number
  outputTokens: number
  ttftS: number
  queueS: number
  /** Seconds per output token, and which histogram names carry it. */
  itlS: number
  itlNames: ReadonlyArray<'vllm:time_per_output_token_seconds' | 'vllm:inter_token_latency_seconds'>
  /** Replaces the linear request_success counter (counter reset scenario). */
  successPoints?: Point[]
}

function addPod(builder: OpenMetricsBuilder, load: PodLoad): void {
  const labels: LabelSet = {
    model_name: load.model,
    namespace: load.namespace,
    pod: load.pod,
    ...(load.engine ? {engine: '0'} : {}),
  }
  builder.counter(
    'vllm:request_success',
    {...labels, finished_reason: 'stop'},
    load.successPoints ?? linearCounter(times, load.requestsPerS),
  )
  if (load.engine)
    builder.counter('vllm:request_success', {...labels, finished_reason: 'abort'}, linearCounter(times, 0))
  const histogram = (name: string, meanObservation: number, observationsPerRequest = 1) =>
    builder.histogram(
      name,
      labels,
      linearHistogram(times, {requestsPerS: load.requestsPerS, meanObservation, observationsPerRequest}),
    )
  histogram('vllm:request_prompt_tokens', load.promptTokens)
  histogram('vllm:request_generation_tokens', load.outputTokens)
  histogram('vllm:time_to_first_token_seconds', load.ttftS)
  histogram('vllm:request_queue_time_seconds', load.queueS)
  for (const name of load.itlNames) histogram(name, load.itlS, load.outputTokens - 1)
}

/** A gauge at `base` except at the given offsets from `at` (seconds). */
function gaugePoints(base: number, peaks: Readonly<Record<number, number>>): Point[] {
  return times.map((t) => ({t, v: peaks[t - atS] ?? base}))
}

export const steadyLoad = {
  at: scenarioAt,
  /** Expected values at `at` with a 1m window, computed by hand (see the comments in steadyLoadOpenMetrics). */
  expected: {
    // llm/granite-8b: pods p0 (2 req/s) and p1 (1 req/s), TPOT only.
    granite: {
      arrivalRateRpm: 180,
      avgInputTokens: 200,
      avgOutputTokens: 60,
      ttftMs: 200,
      itlMs: (1000 * (98 * 0.02 + 79 * 0.05)) / 177,
      queueMs: 50 / 3,
    },
    // llm/llama-70b: q0 (0.12: ITL only; request_success resets at at-35) and q1 (0.11: ITL and TPOT, same data).
    llama: {arrivalRateRpm: 110, avgInputTokens: 1000, avgOutputTokens: 200, ttftMs: 500, itlMs: 50, tpotOnlyItlMs: 60},
    // team-b/granite-8b: r0, 0.5 req/s.
    graniteTeamB: {arrivalRateRpm: 30, avgInputTokens: 300, avgOutputTokens: 30, ttftMs: 200, itlMs: 10},
    // team-b/idle-model: counters flat.
    idle: {arrivalRateRpm: 0},
    // quotes/we"ird\model.v1 (1 req/s) and quotes/m+(1) (2 req/s); decoys weXird... and mm1 also have traffic.
    weird: {arrivalRateRpm: 60},
    plusParens: {arrivalRateRpm: 120},
    // increase(request_success_total[10m]): granite 3 req/s × 600 s; llama q0 (855-300)+35 = 590, q1 600.
    requestsIn10m: {granite: 1800, llama: 1190},
  },
  weirdModel: 'we"ird\\model.v1',
  weirdDecoy: 'we"ird\\modelXv1',
  plusModel: 'm+(1)',
  plusDecoy: 'mm1',
} as const

export function steadyLoadOpenMetrics(): string {
  const builder = new OpenMetricsBuilder()
  const tpot = ['vllm:time_per_output_token_seconds'] as const
  const itl = ['vllm:inter_token_latency_seconds'] as const
  // granite: arrival 2+1 = 3 req/s; input (2×100 + 1×400)/3 = 200; output (2×50 + 1×80)/3 = 60;
  // TTFT (2×0.1 + 1×0.4)/3 = 0.2 s; queue (2×0.01 + 1×0.03)/3 s; TPOT (98×0.02 + 79×0.05)/(98 + 79) s.
  addPod(builder, {
    namespace: 'llm',
    model: 'granite-8b',
    pod: 'granite-p0',
    engine: true,
    requestsPerS: 2,
    promptTokens: 100,
    outputTokens: 50,
    ttftS: 0.1,
    queueS: 0.01,
    itlS: 0.02,
    itlNames: tpot,
  })
  addPod(builder, {
    namespace: 'llm',
    model: 'granite-8b',
    pod: 'granite-p1',
    engine: true,
    requestsPerS: 1,
    promptTokens: 400,
    outputTokens: 80,
    ttftS: 0.4,
    queueS: 0.03,
    itlS: 0.05,
    itlNames: tpot,
  })
  // llama q0: request_success 1 req/s from 0 at at-900, a restart at at-35, then 1 req/s again from 0:
  // samples at-60 = 840, at-45 = 855, at-30 = 5, at-15 = 20, at = 35 → rate = (35 - 840 + 855)/60 = 50/60 req/s.
  const q0Success = times.map((t) => ({t, v: t <= atS - 45 ? t - (atS - 900) : t - (atS - 35)}))
  addPod(builder, {
    namespace: 'llm',
    model: 'llama-70b',
    pod: 'llama-q0',
    engine: true,
    requestsPerS: 1,
    promptTokens: 1000,
    outputTokens: 200,
    ttftS: 0.5,
    queueS: 0.02,
    itlS: 0.04,
    itlNames: itl,
    successPoints: q0Success,
  })
  // q1 emits ITL and TPOT with the same observations: a name union would double-count; per-pod `or` gives
  // ITL = (199×0.04 + 199×0.06)/(2×199) = 0.05 s; TPOT alone (WVA ≤ v0.4) sees q1 only: 0.06 s.
  addPod(builder, {
    namespace: 'llm',
    model: 'llama-70b',
    pod: 'llama-q1',
    engine: true,
    requestsPerS: 1,
    promptTokens: 1000,
    outputTokens: 200,
    ttftS: 0.5,
    queueS: 0.02,
    itlS: 0.06,
    itlNames: [...itl, ...tpot],
  })
  addPod(builder, {
    namespace: 'team-b',
    model: 'granite-8b',
    pod: 'granite-r0',
    requestsPerS: 0.5,
    promptTokens: 300,
    outputTokens: 30,
    ttftS: 0.2,
    queueS: 0.01,
    itlS: 0.01,
    itlNames: tpot,
  })
  addPod(builder, {
    namespace: 'team-b',
    model: 'idle-model',
    pod: 'idle-s0',
    engine: true,
    requestsPerS: 0,
    promptTokens: 10,
    outputTokens: 10,
    ttftS: 0.1,
    queueS: 0.01,
    itlS: 0.01,
    itlNames: itl,
  })
  for (const [model, pod, rate] of [
    [steadyLoad.weirdModel, 'weird-w0', 1],
    [steadyLoad.weirdDecoy, 'weird-w1', 7],
    [steadyLoad.plusModel, 'plus-x0', 2],
    [steadyLoad.plusDecoy, 'plus-x1', 9],
  ] as const) {
    addPod(builder, {
      namespace: 'quotes',
      model,
      pod,
      requestsPerS: rate,
      promptTokens: 10,
      outputTokens: 10,
      ttftS: 0.1,
      queueS: 0.01,
      itlS: 0.01,
      itlNames: itl,
    })
  }

  // Saturation gauges: peaks inside the last minute count, the larger ones 75-90 s ago must not.
  const granite = {model_name: 'granite-8b', namespace: 'llm'}
  builder.gauge(
    'vllm:kv_cache_usage_perc',
    {...granite, pod: 'granite-p0', engine: '0'},
    gaugePoints(0.3, {[-30]: 0.7, [-90]: 0.9}),
  )
  builder.gauge('vllm:gpu_cache_usage_perc', {...granite, pod: 'granite-p1', engine: '0'}, gaugePoints(0.4, {}))
  builder.gauge(
    'vllm:num_requests_waiting',
    {...granite, pod: 'granite-p0', engine: '0'},
    gaugePoints(0, {[-15]: 5, [-75]: 9}),
  )
  builder.gauge('vllm:num_requests_waiting', {...granite, pod: 'granite-p1', engine: '0'}, gaugePoints(2, {}))

  // The controller's gauges, as scraped through its ServiceMonitor (VA namespace in exported_namespace).
  const controller = {namespace: 'wva-system', job: 'wva-controller'}
  builder.gauge(
    'wva_desired_replicas',
    {...controller, variant_name: 'granite-8b-a100', exported_namespace: 'llm', accelerator_type: 'A100'},
    gaugePoints(3, {}),
  )
  builder.gauge(
    'wva_desired_replicas',
    {...controller, variant_name: 'granite-8b-a100', exported_namespace: 'team-b', accelerator_type: 'A100'},
    gaugePoints(5, {}),
  )
  builder.gauge(
    'inferno_desired_replicas',
    {...controller, variant_name: 'old-va', exported_namespace: 'llm', accelerator_type: 'L40S'},
    gaugePoints(2, {}),
  )
  return builder.toString()
}
