import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import type {Cleanup} from './prometheus.js'

/**
 * An HTTP server on 127.0.0.1 that exposes vLLM-like `/metrics` whose counters and histograms advance at a steady
 * request rate. Names, types, labels and buckets follow the real captures in test/fixtures/vllm-metrics/
 * (vendored from ../shared/fixtures):
 * - `0.10`: V1 engine as in vllm-0.10-v1-ngc25.09 (engine="0", `_created` gauges, TPOT, gpu_ and kv_cache_usage_perc);
 * - `0.12`: V1 after the renames (inter_token_latency_seconds instead of TPOT, kv_cache_usage_perc only);
 * - `v0`: the V0 engine as in vllm-0.4.3 (model_name only, no `_created`, gpu_cache_usage_perc only).
 * `namespace` and `pod` are not emitted (vLLM does not); give them as scrape target labels.
 */
export type EmulatedVllmVersion = '0.10' | '0.12' | 'v0'

export interface VllmEmulatorOptions {
  modelName: string
  /** Completed requests per second. */
  requestsPerS: number
  version?: EmulatedVllmVersion
  promptTokens?: number
  outputTokens?: number
  /** Seconds per request. */
  ttftS?: number
  /** Seconds between output tokens. */
  itlS?: number
  queueTimeS?: number
  kvCacheUsage?: number
  waiting?: number
  running?: number
  /** ms since the epoch; Date.now by default. */
  clock?: () => number
}

export interface RunningVllmEmulator {
  /** host:port, for a scrape target. */
  address: string
  url: string
  /** Number of /metrics requests served. */
  readonly scrapes: number
  /** The exposition text at a given time (ms), as /metrics would serve it. */
  render(nowMs?: number): string
  /** Requests completed by a given time. */
  completedRequests(nowMs?: number): number
  stop(): Promise<void>
}

const buckets = {
  tokens: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
  ttft: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
    640.0, 2560.0,
  ],
  itl: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0],
  latency: [
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
    1920.0, 7680.0,
  ],
} as const

/** Python's repr of a float, as prometheus_client prints values and `le` (1 → "1.0"). */
function pyFloat(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`
  return String(value)
}

function labelText(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort()
  const escaped = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
  return `{${names.map((name) => `${name}="${escaped(labels[name]!)}"`).join(',')}}`
}

export function renderVllmMetrics(options: VllmEmulatorOptions, startMs: number, nowMs: number): string {
  const version = options.version ?? '0.12'
  const v1 = version !== 'v0'
  const base: Record<string, string> = v1
    ? {engine: '0', model_name: options.modelName}
    : {model_name: options.modelName}
  const createdS = startMs / 1000
  const completed = Math.floor((Math.max(0, nowMs - startMs) / 1000) * options.requestsPerS)
  const promptTokens = options.promptTokens ?? 128
  const outputTokens = options.outputTokens ?? 64
  const ttftS = options.ttftS ?? 0.05
  const itlS = options.itlS ?? 0.02
  const queueS = options.queueTimeS ?? 0.01
  const out: string[] = []
  const family = (name: string, type: string, help: string) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
  const created = (name: string, help: string, labels: Record<string, string>) => {
    if (!v1) return
    family(`${name}_created`, 'gauge', help)
    out.push(`${name}_created${labelText(labels)} ${createdS.toExponential()}`)
  }
  const gauge = (name: string, help: string, value: number, labels = base) => {
    family(name, 'gauge', help)
    out.push(`${name}${labelText(labels)} ${pyFloat(value)}`)
  }
  const counter = (name: string, help: string, series: Array<[Record<string, string>, number]>) => {
    family(`${name}_total`, 'counter', help)
    for (const [labels, value] of series) out.push(`${name}_total${labelText(labels)} ${pyFloat(value)}`)
    if (v1) {
      family(`${name}_created`, 'gauge', help)
      for (const [labels] of series) out.push(`${name}_created${labelText(labels)} ${createdS.toExponential()}`)
    }
  }
  /** All observations equal `observation`, so they fall in the first bucket at or above it. */
  const histogram = (name: string, help: string, bounds: readonly number[], count: number, observation: number) => {
    family(name, 'histogram', help)
    for (const le of [...bounds, Number.POSITIVE_INFINITY]) {
      out.push(`${name}_bucket${labelText({...base, le: pyFloat(le)})} ${pyFloat(observation <= le ? count : 0)}`)
    }
    out.push(`${name}_count${labelText(base)} ${pyFloat(count)}`)
    out.push(`${name}_sum${labelText(base)} ${pyFloat(count * observation)}`)
    created(name, help, base)
  }

  gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', options.running ?? 1)
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', options.waiting ?? 0)
  if (version !== '0.12') {
    gauge(
      'vllm:gpu_cache_usage_perc',
      'GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use vllm:kv_cache_usage_perc instead.',
      options.kvCacheUsage ?? 0.25,
    )
  }
  if (v1) gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', options.kvCacheUsage ?? 0.25)
  counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', [[base, completed * promptTokens]])
  counter('vllm:generation_tokens', 'Number of generation tokens processed.', [[base, completed * outputTokens]])
  const reasons = v1 ? ['stop', 'length', 'abort'] : ['stop']
  counter(
    'vllm:request_success',
    'Count of successfully processed requests.',
    reasons.map((reason) => [{...base, finished_reason: reason}, reason === 'stop' ? completed : 0]),
  )
  histogram(
    'vllm:request_prompt_tokens',
    'Number of prefill tokens processed.',
    buckets.tokens,
    completed,
    promptTokens,
  )
  histogram(
    'vllm:request_generation_tokens',
    'Number of generation tokens processed.',
    buckets.tokens,
    completed,
    outputTokens,
  )
  histogram(
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    buckets.ttft,
    completed,
    ttftS,
  )
  const tokenObservations = completed * Math.max(0, outputTokens - 1)
  if (version === '0.12') {
    histogram(
      'vllm:inter_token_latency_seconds',
      'Histogram of inter-token latency in seconds.',
      buckets.itl,
      tokenObservations,
      itlS,
    )
  } else {
    histogram(
      'vllm:time_per_output_token_seconds',
      'Histogram of time per output token in seconds.',
      buckets.itl,
      tokenObservations,
      itlS,
    )
  }
  const e2eS = queueS + ttftS + itlS * Math.max(0, outputTokens - 1)
  histogram(
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    buckets.latency,
    completed,
    e2eS,
  )
  if (v1)
    histogram(
      'vllm:request_queue_time_seconds',
      'Histogram of time spent in WAITING phase for request.',
      buckets.latency,
      completed,
      queueS,
    )
  gauge('vllm:cache_config_info', 'Information of the LLMEngine CacheConfig', 1, {
    block_size: '16',
    ...(v1 ? {engine: '0'} : {}),
    gpu_memory_utilization: '0.9',
    num_gpu_blocks: '850',
  })
  return `${out.join('\n')}\n`
}

/** Starts the emulator; it stops in `t.after`. */
export async function startVllmEmulator(t: Cleanup, options: VllmEmulatorOptions): Promise<RunningVllmEmulator> {
  const clock = options.clock ?? Date.now
  const startMs = clock()
  let scrapes = 0
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('not found\n')
      return
    }
    scrapes++
    response.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8'})
    response.end(renderVllmMetrics(options, startMs, clock()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }))
  t.after(stop)
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/metrics`,
    get scrapes() {
      return scrapes
    },
    render: (nowMs = clock()) => renderVllmMetrics(options, startMs, nowMs),
    completedRequests: (nowMs = clock()) => Math.floor((Math.max(0, nowMs - startMs) / 1000) * options.requestsPerS),
    stop,
  }
}
