// Prints how many API and Prometheus requests `kubectl va get -A` makes, and how long it takes, for growing numbers
// of VAs: the counts must stay constant (issues: 500 VAs in 20 namespaces; 200 VAs in 10 namespaces with metrics).
// Then 200 VAs with live metrics side by side with the same command and --no-metrics: each VA has its own
// profile, token mix and SLOs at maxBatchSize 512, so that every one is sized (the queue model's cost).
// Run: npm run build && node_modules/.bin/node dist/bench/get.js
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
function fleet(vaCount: number, namespaceCount: number, distinct = false): {objects: KubeObject[]; openmetrics: string} {
  const objects: KubeObject[] = [...clusterFixture('crd-a-v0.0.4')]
  const builder = new OpenMetricsBuilder()
  const classes: string[] = []
  for (let index = 0; index < vaCount; index++) {
    const namespace = `team-${index % namespaceCount}`
    const name = `variant-${String(index).padStart(4, '0')}`
    const model = `org/model-${index}`
    const base = PROFILES[index % PROFILES.length]
    const scale = distinct ? 1 + (index % 13) / 100 : 1
    const parm = (value: number, digits: number): string => (value * scale).toFixed(digits)
    const perfParms = {
      decodeParms: {alpha: parm(base.alpha, 3), beta: parm(base.beta, 4)},
      prefillParms: {gamma: parm(base.gamma, 2), delta: parm(base.delta, 6)},
    }
    const profile = distinct ? perfParms : {decodeParms: {alpha: '7.47', beta: '0.044'}, prefillParms: {gamma: '15.4', delta: '0.0003'}}
    const maxBatchSize = distinct ? 512 : 256
    objects.push({
      apiVersion: 'llmd.ai/v1alpha1',
      kind: 'VariantAutoscaling',
      metadata: {name, namespace, labels: {'inference.optimization/acceleratorName': 'H100'}, creationTimestamp: '2026-11-01T00:00:00Z'},
      spec: {modelID: model, modelProfile: {accelerators: [{acc: 'H100', accCount: 1, maxBatchSize, perfParms: profile}]}},
    })
    objects.push({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace}, spec: {replicas: 2}, status: {replicas: 2, readyReplicas: 2}})
    const [sloTpot, sloTtft] = distinct ? [[20, 300], [24, 500], [30, 1000], [40, 2000]][index % 4] : [24, 500]
    classes.push(`- {model: ${model}, slo-tpot: ${sloTpot}, slo-ttft: ${sloTtft}}`)
    const labels = {model_name: model, namespace, pod: `${name}-0`}
    const requestsPerS = 1 + (index % 50)
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, linearCounter(times, requestsPerS))
    const promptTokens = distinct ? 256 + 64 * (index % 17) : 512
    const outputTokens = distinct ? 128 + 32 * (index % 11) : 256
    for (const [metric, mean] of [['vllm:request_prompt_tokens', promptTokens], ['vllm:request_generation_tokens', outputTokens], ['vllm:time_to_first_token_seconds', 0.2]] as const) {
      builder.histogram(metric, labels, linearHistogram(times, {requestsPerS, meanObservation: mean}))
    }
    builder.histogram('vllm:inter_token_latency_seconds', labels, linearHistogram(times, {requestsPerS, meanObservation: 0.02, observationsPerRequest: 255}))
  }
  const system = 'workload-variant-autoscaler-system'
  objects.push(
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'service-classes-config', namespace: system}, data: {'premium.yaml': `name: Premium\npriority: 1\ndata:\n${classes.join('\n')}\n`}},
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'accelerator-unit-costs', namespace: system}, data: {H100: '{"device": "NVIDIA-H100-80GB-HBM3", "cost": "100.0"}'}},
    {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'workload-variant-autoscaler-controller-manager', namespace: system, labels: {'control-plane': 'controller-manager'}}, spec: {template: {spec: {containers: [{name: 'manager', image: 'wva:v0.0.4'}]}}}},
  )
  return {objects, openmetrics: builder.toString()}
}

/** A v0.5 cluster: shape C VAs, each Deployment with `podsPerVa` pods owned through a ReplicaSet, KV/queue gauges. */
function saturationFleet(vaCount: number, namespaceCount: number, podsPerVa: number): {objects: KubeObject[]; openmetrics: string} {
  const objects: KubeObject[] = [...clusterFixture('crd-c')]
  const builder = new OpenMetricsBuilder()
  for (let index = 0; index < vaCount; index++) {
    const namespace = `team-${index % namespaceCount}`
    const name = `variant-${String(index).padStart(4, '0')}`
    const model = `org/model-${Math.floor(index / 2)}`
    const deployment = `${name}-decode`
    objects.push({apiVersion: 'llmd.ai/v1alpha1', kind: 'VariantAutoscaling', metadata: {name, namespace, labels: {'inference.optimization/acceleratorName': index % 2 ? 'L40S' : 'H100'}, creationTimestamp: '2026-11-01T00:00:00Z'}, spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: deployment}, modelID: model, variantCost: index % 2 ? '10.0' : '30.0'}})
    objects.push({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: deployment, namespace, uid: `uid-${name}`}, spec: {replicas: podsPerVa}, status: {replicas: podsPerVa, readyReplicas: podsPerVa}})
    objects.push({apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: `${deployment}-5d8f7`, namespace, ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, controller: true}]}, spec: {replicas: podsPerVa}})
    for (let pod = 0; pod < podsPerVa; pod++) {
      const podName = `${deployment}-5d8f7-${pod}`
      objects.push({apiVersion: 'v1', kind: 'Pod', metadata: {name: podName, namespace, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment}-5d8f7`, controller: true}]}, spec: {containers: [{name: 'vllm'}]}, status: {phase: 'Running'}})
      const labels = {model_name: model, namespace, pod: podName}
      builder.gauge('vllm:kv_cache_usage_perc', labels, times.map((t) => ({t, v: 0.5 + ((index + pod) % 5) / 10})))
      builder.gauge('vllm:num_requests_waiting', labels, times.map((t) => ({t, v: (index + pod) % 4})))
    }
  }
  objects.push(
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'wva-saturation-scaling-config', namespace: 'workload-variant-autoscaler-system'}, data: {default: 'kvCacheThreshold: 0.80\nqueueLengthThreshold: 5\nkvSpareTrigger: 0.1\nqueueSpareTrigger: 3\n'}},
    {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'workload-variant-autoscaler-controller-manager', namespace: 'workload-variant-autoscaler-system', labels: {'control-plane': 'controller-manager'}}, spec: {template: {spec: {containers: [{name: 'manager', image: 'wva:v0.5.1'}]}}}},
  )
  return {objects, openmetrics: builder.toString()}
}

/** A loopback proxy in front of Prometheus that counts the requests the plugin makes. */
async function countingProxy(target: string): Promise<{url: string; count: () => number; close: () => Promise<void>}> {
  let count = 0
  const server = createServer((request, response) => {
    count++
    const upstream = httpRequest(new URL(request.url ?? '/', target), {method: request.method, headers: request.headers}, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    upstream.on('error', () => response.destroy())
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}`, count: () => count, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const cleanups: Array<() => unknown> = []
const t = {after: (fn: () => unknown) => cleanups.push(fn)}

interface Timed {
  timings: number[]
  apiRequests: number
  promRequests: number
}

/** Runs `kubectl va get -A` `rounds` times against a fake API server (and Prometheus behind a counting proxy). */
async function timeGetAll(objects: KubeObject[], openmetrics: string | undefined, rounds: number): Promise<Timed> {
  const api = await startFakeApiServer(t as never, objects)
  const prom = openmetrics === undefined ? undefined : await countingProxy((await startPrometheus(t, {openmetrics})).url)
  if (prom) t.after(prom.close)
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'default'}), ...(prom ? {KUBECTL_VA_PROM_URL: prom.url} : {})})
  const args = ['va', 'get', '-A', `--at=${at.toISOString()}`, ...(prom ? [] : ['--no-metrics'])]
  const timings: number[] = []
  let apiRequests = 0
  let promRequests = 0
  for (let round = 0; round < rounds; round++) {
    const apiBefore = api.requests.length
    const promBefore = prom?.count() ?? 0
    const start = performance.now()
    // Async: the fake API server runs in this process.
    const run = await runCommand('kubectl', args, {env})
    timings.push(performance.now() - start)
    if (run.code !== 0) throw new Error(`kubectl va get failed (${run.code}): ${run.stderr}`)
    apiRequests = api.requests.length - apiBefore
    promRequests = (prom?.count() ?? 0) - promBefore
  }
  await api.close()
  return {timings, apiRequests, promRequests}
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
    const {objects, openmetrics} = saturation ? saturationFleet(vaCount, namespaceCount, 4) : fleet(vaCount, namespaceCount)
    const {timings, apiRequests, promRequests} = await timeGetAll(objects, withMetrics ? openmetrics : undefined, 3)
    const kind = saturation ? ` v0.5, ${vaCount * 4} pods` : withMetrics ? ' with metrics' : ''
    console.log(`get -A: ${String(vaCount).padStart(3)} VAs in ${String(namespaceCount).padStart(2)} namespaces${kind.padEnd(22)}: ` +
      `${apiRequests} API requests, ${promRequests} Prometheus requests, median ${Math.round(median(timings))} ms (3 runs, kubectl plugin discovery included)`)
  }
  // Live metrics against --no-metrics on the same 200 distinct VAs, runs alternating so that load drifts hit both.
  const rounds = 5
  const distinct = fleet(200, 10, true)
  const live: number[] = []
  const offline: number[] = []
  for (let round = 0; round < rounds; round++) {
    offline.push(...(await timeGetAll(distinct.objects, undefined, 1)).timings)
    live.push(...(await timeGetAll(distinct.objects, distinct.openmetrics, 1)).timings)
  }
  const ms = (values: number[]): string => `median ${Math.round(median(values))} ms, min ${Math.round(Math.min(...values))} ms`
  console.log('get -A: 200 VAs in 10 namespaces, each its own profile, tokens and SLOs, maxBatchSize 512 ' +
    `(${rounds} runs each):`)
  console.log(`  with live metrics: ${ms(live)}`)
  console.log(`  --no-metrics:      ${ms(offline)}`)
  console.log(`  ratio ${(median(live) / median(offline)).toFixed(2)}x (medians), ${(Math.min(...live) / Math.min(...offline)).toFixed(2)}x (minima)`)
  console.log(`(plugin: ${join(binDir, 'kubectl-va')}; the WVA controller itself issues 5 Prometheus queries per VA)`)
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup()
}
