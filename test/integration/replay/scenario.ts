import {OpenMetricsBuilder, type HistogramPoint, type Point} from '../../support/openmetrics.js'

/**
 * A synthetic day (or several) of vLLM series for meta/llama-3.1-8b in namespace llm (the quickstart's
 * llama-8b-h100), with a known load curve, for replay tests and the bench. Per day, by time of day:
 *   00:00-06:00  20 req/s (TTFT 0.1 s, ITL 10 ms)          a step ...
 *   06:00-12:00 100 req/s (TTFT 0.7 s: over the 500 ms SLO) ... up
 *   12:00-18:00 ramp 20 → 300 req/s (ITL 30 ms: over 24 ms)
 *   18:00-20:00 no samples at all (a scrape gap)
 *   20:00-24:00 0 req/s (counters flat)
 * Requests have 512 prompt and 251 output tokens. Samples every `sampleSeconds`, aligned to minutes, so a [1m]
 * window at a minute holds samples at both ends and rate() is (C(t) - C(t - 60)) / 60 without extrapolation.
 * Also: the controller's wva_desired_replicas (1, 3, 4, absent in the gap, 1) and kube-state-metrics'
 * kube_deployment_status_replicas (2 all day, gap included).
 */
export const replayDayStartS = 1_700_006_400
export const daySeconds = 86_400
const hour = 3600
const counterOffset = 100_000
export const promptTokens = 512
export const outputTokens = 251

/** Requests completed since the day start, as a function of the time of day (s). */
function requestsIntoDay(tau: number): number {
  if (tau <= 6 * hour) return 20 * tau
  if (tau <= 12 * hour) return 20 * 6 * hour + 100 * (tau - 6 * hour)
  const afterStep = 20 * 6 * hour + 100 * 6 * hour
  if (tau <= 18 * hour) {
    const u = tau - 12 * hour
    return afterStep + 20 * u + ((280 / (6 * hour)) * (u * u)) / 2
  }
  return afterStep + 20 * 6 * hour + 140 * 6 * hour
}
const requestsPerDay = requestsIntoDay(daySeconds)

// Segments of the day with their mean TTFT (s) and ITL (s/token).
const segments = [
  {start: 0, end: 6 * hour, ttftS: 0.1, itlS: 0.01},
  {start: 6 * hour, end: 12 * hour, ttftS: 0.7, itlS: 0.01},
  {start: 12 * hour, end: 18 * hour, ttftS: 0.1, itlS: 0.03},
  {start: 18 * hour, end: daySeconds, ttftS: 0.1, itlS: 0.01},
]

/** Cumulative requests at Unix time t (s). */
export function requestsAt(t: number): number {
  const since = t - replayDayStartS
  const day = Math.floor(since / daySeconds)
  return counterOffset + day * requestsPerDay + requestsIntoDay(since - day * daySeconds)
}

/** Cumulative Σ observation over requests (weight per request × mean), for a histogram's _sum. */
function weightedAt(t: number, field: 'ttftS' | 'itlS'): number {
  const since = t - replayDayStartS
  const day = Math.floor(since / daySeconds)
  const tau = since - day * daySeconds
  const perDay = segments.reduce((sum, s) => sum + s[field] * (requestsIntoDay(s.end) - requestsIntoDay(s.start)), 0)
  const today = segments.reduce(
    (sum, s) =>
      tau <= s.start ? sum : sum + s[field] * (requestsIntoDay(Math.min(tau, s.end)) - requestsIntoDay(s.start)),
    0,
  )
  return day * perDay + today
}

/** Whether a sample exists at t: none strictly inside 18:00-20:00. */
export function hasSample(t: number): boolean {
  const tau = (((t - replayDayStartS) % daySeconds) + daySeconds) % daySeconds
  return !(tau > 18 * hour && tau < 20 * hour)
}

/** The load the kubectl-va profile measures at t with a 1m window, by hand; undefined in a gap. */
export function expectedLoadAt(
  t: number,
):
  | {arrivalRateRpm: number; avgInputTokens?: number; avgOutputTokens?: number; ttftMs?: number; itlMs?: number}
  | undefined {
  if (!hasSample(t) || !hasSample(t - 60)) return undefined
  const requests = requestsAt(t) - requestsAt(t - 60)
  if (requests === 0) return {arrivalRateRpm: 0}
  return {
    arrivalRateRpm: requests,
    avgInputTokens: promptTokens,
    avgOutputTokens: outputTokens,
    ttftMs: (1000 * (weightedAt(t, 'ttftS') - weightedAt(t - 60, 'ttftS'))) / requests,
    itlMs: (1000 * (weightedAt(t, 'itlS') - weightedAt(t - 60, 'itlS'))) / requests,
  }
}

/** The controller's desired replicas at t (a gauge), undefined in the gap. */
function controllerAt(t: number): number | undefined {
  const tau = (((t - replayDayStartS) % daySeconds) + daySeconds) % daySeconds
  if (!hasSample(t)) return undefined
  return tau < 6 * hour ? 1 : tau < 12 * hour ? 3 : tau <= 18 * hour ? 4 : 1
}

export const actualReplicas = 2

export function replayScenarioOpenMetrics(options: {days?: number; sampleSeconds?: number} = {}): string {
  const days = options.days ?? 1
  const sampleSeconds = options.sampleSeconds ?? 15
  const times: number[] = []
  for (let t = replayDayStartS - 600; t <= replayDayStartS + days * daySeconds; t += sampleSeconds) times.push(t)
  const sampled = times.filter(hasSample)
  const labels = {model_name: 'meta/llama-3.1-8b', namespace: 'llm', pod: 'llama-8b-h100-0'}
  const builder = new OpenMetricsBuilder()
  builder.counter(
    'vllm:request_success',
    {...labels, finished_reason: 'stop'},
    sampled.map((t): Point => ({t, v: requestsAt(t)})),
  )
  const histogram = (name: string, point: (t: number) => HistogramPoint) =>
    builder.histogram(name, labels, sampled.map(point))
  histogram('vllm:request_prompt_tokens', (t) => ({t, count: requestsAt(t), sum: promptTokens * requestsAt(t)}))
  histogram('vllm:request_generation_tokens', (t) => ({t, count: requestsAt(t), sum: outputTokens * requestsAt(t)}))
  histogram('vllm:time_to_first_token_seconds', (t) => ({t, count: requestsAt(t), sum: weightedAt(t, 'ttftS')}))
  // One ITL observation per output token after the first.
  histogram('vllm:inter_token_latency_seconds', (t) => ({
    t,
    count: (outputTokens - 1) * requestsAt(t),
    sum: (outputTokens - 1) * weightedAt(t, 'itlS'),
  }))
  builder.gauge(
    'wva_desired_replicas',
    {
      namespace: 'wva-system',
      job: 'wva-controller',
      variant_name: 'llama-8b-h100',
      exported_namespace: 'llm',
      accelerator_type: 'H100',
    },
    sampled.map((t): Point => ({t, v: controllerAt(t)!})),
  )
  builder.gauge(
    'kube_deployment_status_replicas',
    {namespace: 'llm', deployment: 'llama-8b-h100'},
    times.map((t): Point => ({t, v: actualReplicas})),
  )
  return builder.toString()
}
