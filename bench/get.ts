// Prints how many API and Prometheus requests `kubectl va get -A` makes, and how long it takes, for growing numbers
// of VAs: the counts must stay constant (issues: 500 VAs in 20 namespaces; 200 VAs in 10 namespaces with metrics).
// Then 200 VAs with live metrics side by side with the same command and --no-metrics: each VA has its own
// profile, token mix and SLOs at maxBatchSize 512, so that every one is sized (the queue model's cost).
// Run: npm run build && node_modules/.bin/node dist/bench/get.js
import {existsSync} from 'node:fs'
import {createServer, request as httpRequest} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import type {KubeObject} from '../src/core/model/kube-object.js'
import {startFakeApiServer} from '../test/support/fake-api-server.js'
import {clusterFixture} from '../test/support/kube-fixtures.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from '../test/support/openmetrics.js'
import {binDir} from '../test/support/paths.js'
import {startPrometheus} from '../test/support/prometheus.js'
import {cleanEnv, runCommand} from '../test/support/run-cli.js'

const at = new Date(1_700_003_600_000)
const times = timesBetween(at.getTime() / 1000 - 600, at.getTime() / 1000 + 60, 15)

/** Decode/prefill parameters per accelerator family; each VA scales them a little (see fleet). */
const PROFILES = [
  {alpha: 7.47, beta: 0.044, gamma: 15.4, delta: 0.0003},
  {alpha: 10.2, beta: 0.062, gamma: 21.8, delta: 0.00041},
  {alpha: 13.9, beta: 0.081, gamma: 30.5, delta: 0.00057},
]

/**
 * VAs in shape A (v0.0.4). `distinct`: every VA its own profile (parameters scaled by up to 12 %), prompt and
 * output lengths, SLOs and maxBatchSize 512, so none shares a sizing with another; otherwise one profile at 256.
 */
function fleet(
  vaCount: number,
  namespaceCount: number,
  distinct = false,
): {objects: KubeObject[]; openmetrics: string} {
  const objects: KubeObject[] = [...clusterFixture('crd-a-v0.0.4')]
  const builder = new OpenMetricsBuilder()
  const classes: string[] = []
  for (let index = 0; index < vaCount; index++) {
    const namespace = `team-${index % namespaceCount}`
    const name = `variant-${String(index).padStart(4, '0')}`
    const model = `org/model-${index}`
    const base = PROFILES[index % PROFILES.length]!
    const scale = distinct ? 1 + (index % 13) / 100 : 1
    const parm = (value: number, digits: number): string => (value * scale).toFixed(digits)
    const perfParms = {
      decodeParms: {alpha: parm(base.alpha, 3), beta: parm(base.beta, 4)},
      prefillParms: {gamma: parm(base.gamma, 2), delta: parm(base.delta, 6)},
    }
    const shared = {decodeParms: {alpha: '7.47', beta: '0.044'}, prefillParms: {gamma: '15.4', delta: '0.0003'}}
    const profile = distinct ? perfParms : shared
    const maxBatchSize = distinct ? 512 : 256
    const accelerator = {acc: 'H100', accCount: 1, maxBatchSize, perfParms: profile}
    objects.push({
      apiVersion: 'llmd.ai/v1alpha1',
      kind: 'VariantAutoscaling',
      metadata: {
        name,
        namespace,
        labels: {'inference.optimization/acceleratorName': 'H100'},
        creationTimestamp: '2026-11-01T00:00:00Z',
      },
      spec: {modelID: model, modelProfile: {accelerators: [accelerator]}},
    })
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name, namespace},
      spec: {replicas: 2},
      status: {replicas: 2, readyReplicas: 2},
    })
    const [sloTpot, sloTtft] = distinct
      ? [
          [20, 300],
          [24, 500],
          [30, 1000],
          [40, 2000],
        ][index % 4]!
      : [24, 500]
    classes.push(`- {model: ${model}, slo-tpot: ${sloTpot}, slo-ttft: ${sloTtft}}`)
    const labels = {model_name: model, namespace, pod: `${name}-0`}
    const requestsPerS = 1 + (index % 50)
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, linearCounter(times, requestsPerS))
    const promptTokens = distinct ? 256 + 64 * (index % 17) : 512
    const outputTokens = distinct ? 128 + 32 * (index % 11) : 256
    const means = [
      ['vllm:request_prompt_tokens', promptTokens],
      ['vllm:request_generation_tokens', outputTokens],
      ['vllm:time_to_first_token_seconds', 0.2],
    ] as const
    for (const [metric, mean] of means) {
      builder.histogram(metric, labels, linearHistogram(times, {requestsPerS, meanObservation: mean}))
    }
    builder.histogram(
      'vllm:inter_token_latency_seconds',
      labels,
      linearHistogram(times, {requestsPerS, meanObservation: 0.02, observationsPerRequest: 255}),
    )
  }
  const system = 'workload-variant-autoscaler-system'
  objects.push(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'service-classes-config', namespace: system},
      data: {'premium.yaml': `name: Premium\npriority: 1\ndata:\n${classes.join('\n')}\n`},
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'accelerator-unit-costs', namespace: system},
      data: {H100: '{"device": "NVIDIA-H100-80GB-HBM3", "cost": "100.0"}'},
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'workload-variant-autoscaler-controller-manager',
        namespace: system,
        labels: {'control-plane': 'controller-manager'},
      },
      spec: {template: {spec: {containers: [{name: 'manager', image: 'wva:v0.0.4'}]}}},
    },
  )
  return {objects, openmetrics: builder.toString()}
}

/** A v0.5 cluster: shape C VAs, each Deployment with `podsPerVa` pods owned through a ReplicaSet, KV/queue gauges. */
function saturationFleet(
  vaCount: number,
  namespaceCount: number,
  podsPerVa: number,
): {objects: KubeObject[]; openmetrics: string} {
  const objects: KubeObject[] = [...clusterFixture('crd-c')]
  const builder = new OpenMetricsBuilder()
  for (let index = 0; index < vaCount; index++) {
    const namespace = `team-${index % namespaceCount}`
    const name = `variant-${String(index).padStart(4, '0')}`
    const model = `org/model-${Math.floor(index / 2)}`
    const deployment = `${name}-decode`
    objects.push({
      apiVersion: 'llmd.ai/v1alpha1',
      kind: 'VariantAutoscaling',
      metadata: {
        name,
        namespace,
        labels: {'inference.optimization/acceleratorName': index % 2 ? 'L40S' : 'H100'},
        creationTimestamp: '2026-11-01T00:00:00Z',
      },
      spec: {
        scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: deployment},
        modelID: model,
        variantCost: index % 2 ? '10.0' : '30.0',
      },
    })
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: deployment, namespace, uid: `uid-${name}`},
      spec: {replicas: podsPerVa},
      status: {replicas: podsPerVa, readyReplicas: podsPerVa},
    })
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment}-5d8f7`,
        namespace,
        ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, controller: true}],
      },
      spec: {replicas: podsPerVa},
    })
    for (let pod = 0; pod < podsPerVa; pod++) {
      const podName = `${deployment}-5d8f7-${pod}`
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace,
          ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment}-5d8f7`, controller: true}],
        },
        spec: {containers: [{name: 'vllm'}]},
        status: {phase: 'Running'},
      })
      const labels = {model_name: model, namespace, pod: podName}
      builder.gauge(
        'vllm:kv_cache_usage_perc',
        labels,
        times.map((t) => ({t, v: 0.5 + ((index + pod) % 5) / 10})),
      )
      builder.gauge(
        'vllm:num_requests_waiting',
        labels,
        times.map((t) => ({t, v: (index + pod) % 4})),
      )
    }
  }
  objects.push(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'wva-saturation-scaling-config', namespace: 'workload-variant-autoscaler-system'},
      data: {default: 'kvCacheThreshold: 0.80\nqueueLengthThreshold: 5\nkvSpareTrigger: 0.1\nqueueSpareTrigger: 3\n'},
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'workload-variant-autoscaler-controller-manager',
        namespace: 'workload-variant-autoscaler-system',
        labels: {'control-plane': 'controller-manager'},
      },
      spec: {template: {spec: {containers: [{name: 'manager', image: 'wva:v0.5.1'}]}}},
    },
  )
  return {objects, openmetrics: builder.toString()}
}

/** A loopback proxy in front of Prometheus that counts the requests the plugin makes. */
async function countingProxy(target: string): Promise<{url: string; count: () => number; close: () => Promise<void>}> {
  let count = 0
  const server = createServer((request, response) => {
    count++
    const upstream = httpRequest(
      new URL(request.url ?? '/', target),
      {method: request.method, headers: request.headers},
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => response.destroy())
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const cleanups: Array<() => unknown> = []
const t = {after: (fn: () => unknown) => cleanups.push(fn)}

interface GetRun {
  ms: number
  cpuMs?: number | undefined
  apiRequests: number
  promRequests: number
}

/** GNU time, when installed: reports the CPU time of the command and the processes it waited for. */
const TIME_BINARY = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const CPU_MARKER = 'bench-get-cpu-seconds'

/** A fake API server with `objects`, and Prometheus behind a counting proxy when there are metrics. */
async function startCluster(objects: KubeObject[], openmetrics: string | undefined) {
  const api = await startFakeApiServer(t as never, objects)
  const prometheus = openmetrics === undefined ? undefined : await startPrometheus(t, {openmetrics})
  const prom = prometheus && (await countingProxy(prometheus.url))
  if (prom) t.after(prom.close)
  const kubeconfig = api.writeKubeconfig({namespace: 'default'})
  const env = cleanEnv({KUBECONFIG: kubeconfig, ...(prom ? {KUBECTL_VA_PROM_URL: prom.url} : {})})
  /**
   * One `kubectl va get -A` (through kubectl's plugin discovery): wall time, the requests it made, and with
   * /usr/bin/time the CPU time of kubectl and the plugin (not the servers'), steadier on a shared machine.
   */
  const getAll = async (withMetrics: boolean): Promise<GetRun> => {
    const args = ['va', 'get', '-A', `--at=${at.toISOString()}`, ...(withMetrics ? [] : ['--no-metrics'])]
    const apiBefore = api.requests.length
    const promBefore = prom?.count() ?? 0
    const start = performance.now()
    // Async: the fake API server runs in this process.
    const run = TIME_BINARY
      ? await runCommand(TIME_BINARY, ['-f', `${CPU_MARKER} %U %S`, 'kubectl', ...args], {env})
      : await runCommand('kubectl', args, {env})
    const ms = performance.now() - start
    if (run.code !== 0) throw new Error(`kubectl va get failed (${run.code}): ${run.stderr}`)
    const cpu = new RegExp(`${CPU_MARKER} ([0-9.]+) ([0-9.]+)`).exec(run.stderr)
    const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined
    return {ms, cpuMs, apiRequests: api.requests.length - apiBefore, promRequests: (prom?.count() ?? 0) - promBefore}
  }
  return {getAll, close: () => api.close()}
}

/**
 * `get -A` with live metrics against --no-metrics on the same servers, alternating so that drifts in the machine's
 * load hit both; after one warm-up run each (Prometheus answers its first queries slower).
 */
async function compareLiveToOffline(label: string, va200: {objects: KubeObject[]; openmetrics: string}): Promise<void> {
  const rounds = 5
  const cluster = await startCluster(va200.objects, va200.openmetrics)
  const live: GetRun[] = []
  const offline: GetRun[] = []
  await cluster.getAll(true)
  await cluster.getAll(false)
  for (let round = 0; round < rounds; round++) {
    offline.push(await cluster.getAll(false))
    live.push(await cluster.getAll(true))
  }
  await cluster.close()
  const wall = (runs: GetRun[]): number[] => runs.map((run) => run.ms)
  const cpu = (runs: GetRun[]): number[] => runs.flatMap((run) => (run.cpuMs === undefined ? [] : [run.cpuMs]))
  const figures = (runs: GetRun[]): string =>
    `wall median ${String(Math.round(median(wall(runs)))).padStart(4)} ms` +
    (cpu(runs).length ? `, CPU median ${String(Math.round(median(cpu(runs)))).padStart(4)} ms` : '')
  const ratio = (values: (runs: GetRun[]) => number[]): string =>
    (median(values(live)) / median(values(offline))).toFixed(2)
  console.log(
    `get -A: 200 VAs in 10 namespaces, ${label}: live metrics ${figures(live)}; ` +
      `--no-metrics ${figures(offline)}; ratio ${ratio(wall)}x wall` +
      (cpu(live).length ? `, ${ratio(cpu)}x CPU` : '') +
      ` (${rounds} runs each, alternating)`,
  )
}

try {
  const cases = [
    {vaCount: 50, namespaceCount: 5, withMetrics: false, saturation: false},
    {vaCount: 500, namespaceCount: 20, withMetrics: false, saturation: false},
    {vaCount: 20, namespaceCount: 5, withMetrics: true, saturation: false},
    {vaCount: 200, namespaceCount: 10, withMetrics: true, saturation: false},
    {vaCount: 10, namespaceCount: 5, withMetrics: true, saturation: true},
    {vaCount: 50, namespaceCount: 5, withMetrics: true, saturation: true},
  ]
  for (const {vaCount, namespaceCount, withMetrics, saturation} of cases) {
    const {objects, openmetrics} = saturation
      ? saturationFleet(vaCount, namespaceCount, 4)
      : fleet(vaCount, namespaceCount)
    const cluster = await startCluster(objects, withMetrics ? openmetrics : undefined)
    const runs: GetRun[] = []
    for (let round = 0; round < 3; round++) runs.push(await cluster.getAll(withMetrics))
    await cluster.close()
    const timings = runs.map((run) => run.ms)
    const {apiRequests, promRequests} = runs[runs.length - 1]! // three rounds above
    const kind = saturation ? ` v0.5, ${vaCount * 4} pods` : withMetrics ? ' with metrics' : ''
    console.log(
      `get -A: ${String(vaCount).padStart(3)} VAs in ${String(namespaceCount).padStart(2)} namespaces${kind.padEnd(22)}: ` +
        `${apiRequests} API requests, ${promRequests} Prometheus requests, median ${Math.round(median(timings))} ms (3 runs, kubectl plugin discovery included)`,
    )
  }
  // Live metrics against --no-metrics on the same 200 VAs: the case, where each VA is sized, and for
  // comparison the same count sharing one profile (one sizing, so nearly no queue-model work).
  await compareLiveToOffline('each its own profile, tokens and SLOs, maxBatchSize 512', fleet(200, 10, true))
  await compareLiveToOffline('all one profile, tokens and SLOs (one sizing)         ', fleet(200, 10))
  console.log(`(plugin: ${join(binDir, 'kubectl-va')}; the WVA controller itself issues 5 Prometheus queries per VA)`)
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup()
}
