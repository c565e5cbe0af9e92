import assert from 'node:assert/strict'
import {createServer, request as httpRequest} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, test} from 'node:test'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {type HistogramPoint, OpenMetricsBuilder, type Point, timesBetween} from '../../support/openmetrics.js'
import {startPrometheus} from '../../support/prometheus.js'
import {cleanEnv, kubectlVa} from '../../support/run-cli.js'
import {type ReferenceMetric, referenceReplicas} from '../../support/scaler-reference.js'

// Issue 14 end to end: a real Prometheus backfilled with a day of EPP and vLLM series, the fake API server serving an
// HPA on wva_desired_replicas and a KEDA ScaledObject (its CRD installed), and `kubectl va scalers` through real
// kubectl. Each replay (the configured scalers and the four llm-d overlays plus the WVA v0.9 HPA as presets) is
// checked step by step against test/support/scaler-reference.ts, the documented algorithm written down again.

const dayStartS = 1_700_006_400 // 2023-11-15T00:00:00Z
const day = 86_400
const namespace = 'llm'
const model = 'meta-llama/Llama-3.1-8B-Instruct'
const labels = {namespace, model_name: model}

/** Requests per minute over the day: flat, a ramp up, a plateau with a spike, a ramp down. */
function rpm(t: number): number {
  const h = (t - dayStartS) / 3600
  if (h < 6) return 600
  if (h < 10) return 600 + (h - 6) * 600
  if (h < 16) return h >= 13 && h < 13.25 ? 5400 : 3000
  if (h < 20) return 3000 - (h - 16) * 600
  return 600
}
/** The replicas that ran: WVA's desired count, 3 minutes late. */
const recorded = (t: number) => Math.max(1, Math.ceil(rpm(t - 180) / 800))

function openMetrics(): string {
  const times = timesBetween(dayStartS - 600, dayStartS + day, 60)
  const builder = new OpenMetricsBuilder()
  const gauge = (name: string, extra: Record<string, string>, value: (t: number) => number) =>
    builder.gauge(
      name,
      extra,
      times.map((t) => ({t, v: Number(value(t).toFixed(4))})),
    )
  const counter = (name: string, perMinute: (t: number) => number) => {
    let total = 0
    const points: Point[] = times.map((t) => {
      total += perMinute(t)
      return {t, v: total}
    })
    builder.counter(name, {...labels, pod: 'llama-8b-0'}, points)
  }
  const histogram = (name: string, perMinute: (t: number) => number, seconds: (t: number) => number) => {
    let count = 0
    let sum = 0
    const bounds = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    const buckets = new Map(bounds.map((le) => [le, 0]))
    const points: HistogramPoint[] = times.map((t) => {
      const n = perMinute(t)
      const value = seconds(t)
      count += n
      sum += n * value
      for (const le of bounds) if (value <= le) buckets.set(le, buckets.get(le)! + n)
      return {t, count, sum, buckets: bounds.map((le) => [le, buckets.get(le)!] as const)}
    })
    builder.histogram(name, {...labels, pod: 'llama-8b-0'}, points)
  }
  const perReplica = (t: number) => rpm(t) / recorded(t)
  gauge('wva_desired_replicas', {variant_name: 'llama-8b', exported_namespace: namespace}, (t) =>
    Math.ceil(rpm(t) / 800),
  )
  gauge('kube_deployment_status_replicas', {namespace, deployment: 'llama-8b'}, recorded)
  gauge('llm_d_epp_flow_control_queue_size', labels, (t) => Math.max(0, perReplica(t) - 700) / 10)
  gauge('llm_d_epp_request_running', labels, (t) => rpm(t) / 40)
  gauge('llm_d_epp_flow_control_pool_saturation', labels, (t) => Math.min(1, perReplica(t) / 1000))
  gauge('vllm:kv_cache_usage_perc', {...labels, pod: 'llama-8b-0'}, (t) => Math.min(0.99, perReplica(t) / 1100))
  counter('vllm:request_success', rpm)
  counter('vllm:prompt_tokens', (t) => rpm(t) * 900)
  histogram('vllm:time_to_first_token_seconds', rpm, (t) => (perReplica(t) > 750 ? 0.9 : 0.2))
  histogram(
    'vllm:inter_token_latency_seconds',
    (t) => rpm(t) * 200,
    (t) => (perReplica(t) > 750 ? 0.045 : 0.02),
  )
  return builder.toString()
}

const prom = await startPrometheus({after}, {openmetrics: openMetrics()})

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'llama-8b', namespace, labels: {'llm-d.ai/model': model}},
  spec: {
    replicas: 2,
    selector: {matchLabels: {app: 'llama-8b'}},
    template: {
      metadata: {labels: {app: 'llama-8b'}},
      spec: {
        containers: [{name: 'vllm', image: 'vllm/vllm-openai:v0.11.0', resources: {limits: {'nvidia.com/gpu': '1'}}}],
      },
    },
  },
}
const hpa: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: {name: 'llama-8b-wva', namespace, annotations: {'llm-d.ai/model-id': model}},
  spec: {
    scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-8b'},
    minReplicas: 1,
    maxReplicas: 8,
    metrics: [
      {
        type: 'External',
        external: {
          metric: {
            name: 'wva_desired_replicas',
            selector: {matchLabels: {variant_name: 'llama-8b', exported_namespace: namespace}},
          },
          target: {type: 'AverageValue', averageValue: '1'},
        },
      },
    ],
  },
  status: {currentReplicas: 2, desiredReplicas: 2},
}
const scaledObject: KubeObject = {
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: {name: 'llama-8b-saturation', namespace},
  spec: {
    scaleTargetRef: {name: 'llama-8b'},
    minReplicaCount: 1,
    maxReplicaCount: 8,
    triggers: [
      {
        type: 'prometheus',
        name: 'saturation',
        metricType: 'Value',
        metadata: {
          query: `max(llm_d_epp_flow_control_pool_saturation{namespace="llm",model_name="${model}"})`,
          threshold: '0.7',
        },
      },
    ],
  },
}
const plainWeb: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: {name: 'web', namespace: 'web'},
  spec: {
    scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'web'},
    maxReplicas: 3,
    metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 80}}}],
  },
}
const webDeployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'web', namespace: 'web'},
  spec: {replicas: 1, template: {spec: {containers: [{name: 'web', image: 'nginx'}]}}},
}

const api = await startFakeApiServer({after} as never, [
  ...clusterFixture('crd-keda-scaledobjects'),
  deployment,
  hpa,
  scaledObject,
  plainWeb,
  webDeployment,
])
const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace}), KUBECTL_VA_PROM_URL: prom.url})
const iso = (s: number) => new Date(s * 1000).toISOString()

async function queryAt(promql: string, atS: number): Promise<number> {
  const url = new URL('api/v1/query', prom.url)
  url.searchParams.set('query', promql)
  url.searchParams.set('time', String(atS))
  const body = (await (await fetch(url)).json()) as {data: {result: Array<{value: [number, string]}>}}
  return Number(body.data.result[0]!.value[1])
}

test('scalers -A lists the vLLM scalers with values from Prometheus, in four GETs, and skips the web HPA', async () => {
  const before = api.requests.length
  const at = dayStartS + 13 * 3600 + 300
  const run = await kubectlVa(['scalers', '-A', '--at', iso(at), '-o', 'json'], {env})
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const list = JSON.parse(run.stdout)
  assert.deepEqual(
    list.items.map((item: any) => [
      item.name,
      item.kind,
      item.model,
      item.currentReplicas,
      item.acceleratorsPerReplica,
    ]),
    [
      ['llama-8b-saturation', 'ScaledObject', model, 2, 1],
      ['llama-8b-wva', 'HorizontalPodAutoscaler', model, 2, 1],
    ],
  )
  for (const item of list.items) {
    assert.equal(item.metrics[0].value, await queryAt(item.metrics[0].query, at))
  }
  // In the spike: 5400 req/min asks WVA for 7 replicas.
  assert.equal(list.items[1].metrics[0].value, 7)
  // From the 2 replicas the target runs, one sync may go to max(2 × 2, 4) at most (the legacy scale-up limit).
  assert.equal(list.items[1].computedReplicas, 4)
  const requests = api.requests.slice(before).filter((r) => r.path.startsWith('/api') && !r.path.includes('discovery'))
  assert.deepEqual([...new Set(requests.map((r) => r.method))], ['GET'])
  assert.equal(
    requests.filter((r) => /horizontalpodautoscalers|scaledobjects|deployments|leaderworkersets/.test(r.path)).length,
    4,
  )
})

/**
 * The served value of a KEDA trigger or plain-HPA reading: Go's `%.3f` (an exact binary tie rounds to even, any other
 * value to the nearer, as toFixed); no sample reads as 0 for KEDA (ignoreNullValues).
 */
function served(value: number | null, keda: boolean): number | null {
  if (value === null) return keda ? 0 : null
  const positive = Math.max(0, value)
  if (Number.isInteger(positive * 2000) && !Number.isInteger(positive * 1000)) {
    const floor = Math.floor(positive * 1000)
    return (floor % 2 === 0 ? floor : floor + 1) / 1000
  }
  return Number(positive.toFixed(3))
}

function referenceMetrics(variant: any): ReferenceMetric[] {
  const values = (name: string, keda: boolean) =>
    (variant.metricValues[name] as Array<number | null>).map((value) => served(value, keda))
  if (variant.label === 'slo-aware') {
    const ttft = values('ttft', true)
    const tpot = values('tpot', true)
    const composite = ttft.map((value, index) => {
      const worst = Math.max(value!, tpot[index]!)
      const result = worst > 1 ? worst : worst < 0.5 ? worst * 2 : 1
      return Math.trunc(result * 1000) / 1000
    })
    return [{type: 'Value', target: 1, values: composite}]
  }
  return variant.metrics.map((metric: any) => ({
    type: metric.targetType,
    target: metric.target,
    values: values(metric.name, metric.type === 'prometheus'),
  }))
}

test('a day at 1m: the HPA on wva_desired_replicas and the four overlays follow the documented algorithm', async () => {
  const run = await kubectlVa(
    [
      'scalers',
      'llama-8b-wva',
      '--from',
      iso(dayStartS),
      '--to',
      iso(dayStartS + day),
      '--step',
      '1m',
      ...['queue', 'saturation', 'token-aware', 'slo-aware', 'wva-v0.9'].flatMap((policy) => ['--policy', policy]),
      '--slo-ttft',
      '500',
      '--slo-itl',
      '40',
      '-o',
      'json',
    ],
    {env, timeoutMs: 120_000},
  )
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const [item] = JSON.parse(run.stdout).items
  assert.deepEqual(
    item.variants.map((variant: any) => variant.label),
    ['configured', 'queue', 'saturation', 'token-aware', 'slo-aware', 'wva-v0.9'],
  )
  assert.equal(item.recordedReplicas[0], 1)
  assert.equal(item.recordedReplicas.length, 1441)
  for (const variant of item.variants) {
    const replicas: number[] = variant.replicas
    const expected = referenceReplicas({
      min: 1,
      max: 8,
      initial: 1,
      stepSeconds: 60,
      metrics: referenceMetrics(variant),
    })
    assert.deepEqual(replicas, expected, variant.label)
    // Every policy scales up into the plateau; all but slo-aware come back down by the end of the day. At low load
    // the P90 ITL sits in its lowest bucket, 0.0225 s, 0.56 of the 40 ms SLO: between half the SLO and the SLO the
    // slo-aware formula holds (its hysteresis band), so it keeps its replicas.
    assert.ok(Math.max(...replicas) >= 3, `${variant.label} scales up`)
    if (variant.label === 'slo-aware') assert.equal(replicas.at(-1), Math.max(...replicas.slice(-600)))
    else assert.ok(replicas.at(-1)! < Math.max(...replicas), `${variant.label} scales down`)
    const summary = variant.summary
    assert.equal(summary.gpuHours, summary.replicaHours)
    assert.equal(
      summary.scalingEvents,
      replicas.filter((r: number, i: number) => i > 0 && r !== replicas[i - 1]).length,
    )
    assert.ok(summary.minutesOverTtftSlo > 0 && summary.minutesOverItlSlo > 0)
  }
  // The preset on wva_desired_replicas is the configured HPA: the same replicas.
  assert.deepEqual(item.variants[5].replicas, item.variants[0].replicas)
  // The recorded replicas ran 3 minutes late: SLO minutes measured where load per replica was over 750 req/min.
  assert.ok(item.recorded.minutesOverTtftSlo > 0)
  assert.equal(item.recorded.maxLagSeconds, null)
})

test('a ScaledObject at --step 15s: KEDA polls every 30 s, before the HPA syncs every 15 s', async () => {
  const from = dayStartS + 6 * 3600
  const run = await kubectlVa(
    [
      'scalers',
      'llama-8b-saturation',
      '--from',
      iso(from),
      '--to',
      iso(from + 7200),
      '--step',
      '15s',
      '--why',
      'all',
      '-o',
      'json',
    ],
    {env, timeoutMs: 120_000},
  )
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  const replay = JSON.parse(run.stdout)
  assert.equal(replay.sampled, false)
  const [variant] = replay.items[0].variants
  assert.equal(variant.replicas.length, 481)
  // --why all: every step a controller ran is explained; the HPA ran at every step, KEDA at every other one.
  const times: number[] = replay.items[0].timesMs
  assert.deepEqual(
    variant.explanations.map((step: any) => step.timeMs),
    times,
  )
  assert.ok(variant.explanations.every((step: any) => step.hpa !== null))
  assert.deepEqual(
    variant.explanations.flatMap((step: any, index: number) => (step.keda === null ? [] : [index])),
    Array.from({length: 241}, (_, i) => i * 2),
  )
  const replicas: number[] = variant.replicas
  assert.deepEqual(
    replicas,
    referenceReplicas({
      min: 1,
      max: 8,
      initial: replay.items[0].recordedReplicas[0],
      stepSeconds: 15,
      metrics: referenceMetrics(variant),
    }),
  )
  assert.ok(Math.max(...replicas) > replicas[0]!)
})

test('a missing scaler exits 3 and is named; named scalers are listed whatever their order', async () => {
  const missing = await kubectlVa(['scalers', 'nope'], {env})
  assert.equal(missing.code, 3)
  assert.equal(missing.stdout, '')
  assert.match(missing.stderr, /^error: llm\/nope: no HorizontalPodAutoscaler or ScaledObject of that name/m)
  // -o wide shows the KIND (the default table leaves it out to stay within 100 columns).
  const named = await kubectlVa(
    ['scalers', 'llama-8b-wva', 'llama-8b-saturation', '--at', iso(dayStartS + 3600), '-o', 'wide'],
    {env},
  )
  assert.equal(named.code, 0, named.stderr)
  assert.match(named.stdout, /^llama-8b-saturation\s+ScaledObject\s+Deployment\/llama-8b\s/m)
  assert.match(named.stdout, /^llama-8b-wva\s+HPA\s+Deployment\/llama-8b\s/m)
})

test('without the KEDA CRD the ScaledObjects are not served: the HPAs are listed, without a warning', async () => {
  const bare = await startFakeApiServer({after} as never, [deployment, hpa, plainWeb, webDeployment])
  const run = await kubectlVa(['scalers', '-A', '--at', iso(dayStartS + 3600), '-o', 'json'], {
    env: cleanEnv({KUBECONFIG: bare.writeKubeconfig({namespace}), KUBECTL_VA_PROM_URL: prom.url}),
  })
  assert.equal(run.stderr, '')
  assert.equal(run.code, 0)
  assert.deepEqual(
    JSON.parse(run.stdout).items.map((item: any) => item.name),
    ['llama-8b-wva'],
  )
  assert.ok(bare.requests.some((request) => request.path === '/apis/keda.sh/v1alpha1/scaledobjects'))
})

/**
 * A real HTTP server in front of the real Prometheus that forwards every request unchanged and records its path and
 * PromQL (the client POSTs form bodies): what the command asked Prometheus, counted.
 */
async function recordingProxy(
  backendUrl: string,
): Promise<{url: string; requests: Array<{path: string; query: string}>}> {
  const backend = new URL(backendUrl)
  const requests: Array<{path: string; query: string}> = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(request.url ?? '/', 'http://proxy')
      const form = new URLSearchParams(body.toString('utf8'))
      requests.push({path: url.pathname, query: form.get('query') ?? url.searchParams.get('query') ?? ''})
      const upstream = httpRequest(
        {
          host: backend.hostname,
          port: backend.port,
          method: request.method,
          path: request.url,
          headers: {...request.headers, host: backend.host},
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        },
      )
      upstream.on('error', () => response.destroy())
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests}
}

test('Prometheus: one query_range per distinct query and chunk, constant in steps; API: the same GETs', async () => {
  const proxy = await recordingProxy(prom.url)
  const proxied = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace}), KUBECTL_VA_PROM_URL: proxy.url})
  const run = async (args: string[]) => {
    const promBefore = proxy.requests.length
    const apiBefore = api.requests.length
    const result = await kubectlVa([...args, '-o', 'json'], {env: proxied, timeoutMs: 120_000})
    assert.equal(result.stderr, '', args.join(' '))
    assert.equal(result.code, 0)
    return {
      prometheus: proxy.requests.slice(promBefore),
      apiServer: api.requests.slice(apiBefore),
      output: JSON.parse(result.stdout),
    }
  }
  const wva = 'sum(wva_desired_replicas{variant_name="llama-8b",exported_namespace="llm"})'
  const saturation = `max(llm_d_epp_flow_control_pool_saturation{namespace="llm",model_name="${model}"})`
  const sel = `namespace="llm",model_name="${model}"`
  // What a replay of llama-8b-wva reads besides its metric: the recorded replicas, the load and the two latencies.
  const context = [
    'max(kube_deployment_status_replicas{namespace="llm",deployment="llama-8b"})',
    `sum(rate(vllm:request_success_total{${sel}}[1m])) * 60`,
    `1000 * sum(rate(vllm:time_to_first_token_seconds_sum{${sel}}[1m])) / ` +
      `sum(rate(vllm:time_to_first_token_seconds_count{${sel}}[1m]))`,
    `1000 * sum(rate(vllm:inter_token_latency_seconds_sum{${sel}}[1m])) / ` +
      `sum(rate(vllm:inter_token_latency_seconds_count{${sel}}[1m]))`,
  ]
  const sorted = (requests: Array<{query: string}>) => requests.map((r) => r.query).sort()

  // A live list (namespace llm, the kubeconfig's): one request per trigger (two scalers, one metric each).
  const list = await run(['scalers', '--at', iso(dayStartS + 3600)])
  assert.deepEqual(sorted(list.prometheus), [saturation, wva].sort())
  assert.ok(list.prometheus.every((r) => r.path === '/api/v1/query_range'))

  // A replay: one request per distinct query, whatever the number of steps (121, 481, 5761: all under 11,000 points).
  const from = dayStartS
  const replays = [
    ['--to', iso(from + 7200), '--step', '1m'],
    ['--to', iso(from + 7200), '--step', '15s'],
    ['--to', iso(from + day), '--step', '15s'],
  ]
  const runs = []
  for (const range of replays) {
    const replay = await run(['scalers', 'llama-8b-wva', '--from', iso(from), ...range])
    assert.deepEqual(sorted(replay.prometheus), [wva, ...context].sort(), range.join(' '))
    runs.push(replay)
  }
  assert.equal(runs[2]!.output.items[0].timesMs.length, 5761)
  // A preset adds its own triggers' queries, once each (saturation: pool saturation and running requests).
  const preset = await run(['scalers', 'llama-8b-wva', '--from', iso(from), ...replays[0]!, '--policy', 'saturation'])
  const running = `sum(llm_d_epp_request_running{${sel}})`
  assert.deepEqual(sorted(preset.prometheus), [wva, saturation, running, ...context].sort())
  // Over the chunk limit: 481 steps at 100 points per request are 5 chunks, each query sent once per chunk.
  const chunked = await run([
    'scalers',
    'llama-8b-wva',
    '--from',
    iso(from),
    ...replays[1]!,
    '--prom-max-points',
    '100',
  ])
  assert.equal(chunked.prometheus.length, 5 * 5)
  for (const query of [wva, ...context]) {
    assert.equal(chunked.prometheus.filter((r) => r.query === query).length, 5, query)
  }
  // The chunked replay decides the same replicas as the one-request replay.
  assert.deepEqual(chunked.output.items[0].variants[0].replicas, runs[1]!.output.items[0].variants[0].replicas)

  // The API server: GET only, and the same four requests (HPAs, ScaledObjects, Deployments, LeaderWorkerSets) for a
  // list and every replay, whatever the steps.
  const all = [list, ...runs, preset, chunked]
  for (const one of all) assert.deepEqual([...new Set(one.apiServer.map((r) => r.method))], ['GET'])
  const paths = (one: (typeof all)[number]) => one.apiServer.map((r) => r.path).sort()
  for (const one of all.slice(1)) assert.deepEqual(paths(one), paths(list))
  assert.equal(list.apiServer.length, 4)
})

test('simulate NAME --from/--to, NAME a live HPA (no such VA): the scaler replay, as scalers NAME', async () => {
  const args = ['llama-8b-wva', '--from', iso(dayStartS), '--to', iso(dayStartS + 7200), '-o', 'json']
  const before = api.requests.length
  const simulate = await kubectlVa(['simulate', ...args], {env})
  assert.equal(simulate.stderr, '')
  assert.equal(simulate.code, 0)
  // Besides the scaler replay's four GETs, three to tell a scaler from a VA: VAs, HPAs and ScaledObjects.
  const requests = api.requests.slice(before)
  assert.deepEqual([...new Set(requests.map((r) => r.method))], ['GET'])
  assert.ok(requests.some((r) => r.path === '/apis/llmd.ai/v1alpha1/namespaces/llm/variantautoscalings'))
  assert.equal(requests.length, 7)
  const scalers = await kubectlVa(['scalers', ...args], {env})
  assert.equal(scalers.code, 0, scalers.stderr)
  assert.deepEqual(JSON.parse(simulate.stdout), JSON.parse(scalers.stdout))
  assert.equal(JSON.parse(simulate.stdout).kind, 'ScalerReplay')
})
