import type {FitPoint} from '../../src/core/decide/fit/index.js'
import {type HistogramPoint, OpenMetricsBuilder, type Point} from './openmetrics.js'

/**
 * vLLM traffic from a known performance profile, for the profile fit: per pod, the load changes in segments (running
 * batch, input and output tokens), and every series the fit reads advances as a vLLM engine with that profile would:
 * an iteration of a batch of n takes ITL(n) and yields n tokens, requests complete at n / (prefill + (O−1)·ITL)
 * (Little's law without a queue), each prefill takes prefill(n). Multiplicative noise on ITL and prefill per scrape
 * interval; a seeded generator makes it reproducible.
 */
export type TrafficProfile =
  | {form: 'v0.5'; alpha: number; beta: number; gamma: number; delta: number}
  | {form: 'v0.6'; alpha: number; beta: number; gamma: number}

export interface TrafficOptions {
  profile: TrafficProfile
  namespace: string
  modelName: string
  pods: readonly string[]
  /** Unix seconds of the first sample */
  startS: number
  durationS: number
  /** default 15 */
  scrapeS?: number
  seed?: number
  /** relative standard deviation of ITL per scrape interval; default 0.03 */
  itlNoise?: number
  /** relative standard deviation of prefill time per scrape interval; default 0.05 */
  prefillNoise?: number
  /** running batch levels, inclusive; default [1, 48] */
  batch?: [number, number]
  /** default [200, 2000] */
  inputTokens?: [number, number]
  /** default [50, 400] */
  outputTokens?: [number, number]
  /** segment length bounds, seconds; default [300, 900] */
  segmentS?: [number, number]
  /** '0.12' exports inter_token_latency_seconds, '0.10' time_per_output_token_seconds; default '0.12' */
  vllm?: '0.12' | '0.10'
  /** how prefill is exported: its own histogram (default), or only TTFT and queue time */
  prefill?: 'histogram' | 'ttft'
  /** constant time in the queue, seconds; default 0.004 */
  queueS?: number
}

/** A small seeded generator (mulberry32) and a normal variate (Box-Muller). */
export function seededRandom(seed: number): {uniform(): number; normal(): number} {
  let state = seed >>> 0
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  }
}

/** ITL (ms) of the profile at batch n for requests of I input and O output tokens. */
export function profileItlMs(profile: TrafficProfile, n: number, input: number, output: number): number {
  if (profile.form === 'v0.5') return profile.alpha + profile.beta * n
  const compute = (input + output) / (output + 1)
  const memory = input + output / 2
  return profile.alpha + profile.beta * (1 + n * compute) + profile.gamma * memory * (1 + n)
}

/** Prefill time (ms) of the profile at batch n. */
export function profilePrefillMs(profile: TrafficProfile, n: number, input: number, output: number): number {
  if (profile.form === 'v0.5') return profile.gamma + profile.delta * input * n
  const compute = (input + output) / (output + 1)
  const memory = input + output / 2
  return profile.alpha + profile.beta * (n * compute + input) + profile.gamma * (n * memory + input)
}

interface Segment {
  untilS: number
  batch: number
  input: number
  output: number
}

function segments(options: TrafficOptions, random: ReturnType<typeof seededRandom>): Segment[] {
  const scrape = options.scrapeS ?? 15
  const [batchLow, batchHigh] = options.batch ?? [1, 48]
  const [inLow, inHigh] = options.inputTokens ?? [200, 2000]
  const [outLow, outHigh] = options.outputTokens ?? [50, 400]
  const [segLow, segHigh] = options.segmentS ?? [300, 900]
  const out: Segment[] = []
  let at = options.startS
  const end = options.startS + options.durationS
  while (at <= end) {
    const length = Math.max(scrape, Math.round((segLow + random.uniform() * (segHigh - segLow)) / scrape) * scrape)
    at += length
    out.push({
      untilS: at,
      batch: batchLow + Math.floor(random.uniform() * (batchHigh - batchLow + 1)),
      input: Math.round(inLow + random.uniform() * (inHigh - inLow)),
      output: Math.round(outLow + random.uniform() * (outHigh - outLow)),
    })
  }
  return out
}

/** The OpenMetrics text (for promtool backfill, or `kubectl va fit -f`) of the traffic. */
export function profileTrafficOpenMetrics(options: TrafficOptions): string {
  const builder = new OpenMetricsBuilder()
  const random = seededRandom(options.seed ?? 1)
  const scrape = options.scrapeS ?? 15
  const itlNoise = options.itlNoise ?? 0.03
  const prefillNoise = options.prefillNoise ?? 0.05
  const queueS = options.queueS ?? 0.004
  for (const pod of options.pods) {
    const labels = {namespace: options.namespace, pod, model_name: options.modelName, engine: '0'}
    const plan = segments(options, random)
    const running: Point[] = []
    const zeros = () => ({sum: 0, count: 0})
    const itl = zeros()
    const prefill = zeros()
    const ttft = zeros()
    const queue = zeros()
    const prompt = zeros()
    const generation = zeros()
    const iteration = zeros()
    let success = 0
    const series = {
      itl: [] as HistogramPoint[],
      prefill: [] as HistogramPoint[],
      ttft: [] as HistogramPoint[],
      queue: [] as HistogramPoint[],
      prompt: [] as HistogramPoint[],
      generation: [] as HistogramPoint[],
      iteration: [] as HistogramPoint[],
      success: [] as Point[],
    }
    let segment = 0
    for (let t = options.startS; t <= options.startS + options.durationS; t += scrape) {
      while (plan[segment]!.untilS <= t) segment++
      const {batch, input, output} = plan[segment]!
      if (t > options.startS) {
        // The interval (t − scrape, t] runs at the state of t.
        const itlS = (profileItlMs(options.profile, batch, input, output) / 1000) * (1 + itlNoise * random.normal())
        const prefillS =
          (profilePrefillMs(options.profile, batch, input, output) / 1000) * (1 + prefillNoise * random.normal())
        const iterations = scrape / itlS
        const tokens = iterations * batch
        const requests = (batch * scrape) / (prefillS + (output - 1) * itlS)
        itl.count += tokens
        itl.sum += tokens * itlS
        iteration.count += iterations
        iteration.sum += tokens
        prefill.count += requests
        prefill.sum += requests * prefillS
        ttft.count += requests
        ttft.sum += requests * (queueS + prefillS)
        queue.count += requests
        queue.sum += requests * queueS
        prompt.count += requests
        prompt.sum += requests * input
        generation.count += requests
        generation.sum += requests * output
        success += requests
      }
      running.push({t, v: batch})
      series.itl.push({t, ...itl})
      series.prefill.push({t, ...prefill})
      series.ttft.push({t, ...ttft})
      series.queue.push({t, ...queue})
      series.prompt.push({t, ...prompt})
      series.generation.push({t, ...generation})
      series.iteration.push({t, ...iteration})
      series.success.push({t, v: success})
    }
    builder.gauge('vllm:num_requests_running', labels, running)
    builder.histogram(
      options.vllm === '0.10' ? 'vllm:time_per_output_token_seconds' : 'vllm:inter_token_latency_seconds',
      labels,
      series.itl,
    )
    if ((options.prefill ?? 'histogram') === 'histogram')
      builder.histogram('vllm:request_prefill_time_seconds', labels, series.prefill)
    builder.histogram('vllm:time_to_first_token_seconds', labels, series.ttft)
    builder.histogram('vllm:request_queue_time_seconds', labels, series.queue)
    builder.histogram('vllm:request_prompt_tokens', labels, series.prompt)
    builder.histogram('vllm:request_generation_tokens', labels, series.generation)
    builder.histogram('vllm:iteration_tokens_total', labels, series.iteration)
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, series.success)
  }
  return builder.toString()
}

/**
 * FitPoints straight from a profile (no counters): per pod and step a random batch, request size and noise, for
 * unit tests and the bench.
 */
export function syntheticFitPoints(options: {
  profile: TrafficProfile
  pods: number
  steps: number
  stepS?: number
  seed?: number
  itlNoise?: number
  prefillNoise?: number
  batch?: [number, number]
  inputTokens?: [number, number]
  outputTokens?: [number, number]
}): FitPoint[] {
  const random = seededRandom(options.seed ?? 7)
  const [batchLow, batchHigh] = options.batch ?? [1, 48]
  const [inLow, inHigh] = options.inputTokens ?? [200, 2000]
  const [outLow, outHigh] = options.outputTokens ?? [50, 400]
  const stepMs = (options.stepS ?? 60) * 1000
  const points: FitPoint[] = []
  for (let pod = 0; pod < options.pods; pod++) {
    for (let step = 0; step < options.steps; step++) {
      const batch = batchLow + Math.floor(random.uniform() * (batchHigh - batchLow + 1))
      const input = Math.round(inLow + random.uniform() * (inHigh - inLow))
      const output = Math.round(outLow + random.uniform() * (outHigh - outLow))
      const itlMs =
        profileItlMs(options.profile, batch, input, output) * (1 + (options.itlNoise ?? 0.03) * random.normal())
      const prefillMs =
        profilePrefillMs(options.profile, batch, input, output) * (1 + (options.prefillNoise ?? 0.05) * random.normal())
      points.push({
        pod: `pod-${pod}`,
        timeMs: step * stepMs,
        itlMs,
        itlCount: (batch * 60_000) / itlMs,
        batch,
        batchSpread: 0,
        prefillMs,
        prefillCount: (batch * 60_000) / (prefillMs + (output - 1) * itlMs),
        inputTokens: input,
        outputTokens: output,
        requestRate: (batch * 1000) / (prefillMs + (output - 1) * itlMs),
        iterationTokens: batch,
      })
    }
  }
  return points
}
