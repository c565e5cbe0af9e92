import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {OpenMetricsBuilder, timesBetween} from '../support/openmetrics.js'
import {startPrometheus} from '../support/prometheus.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'
import {joinRegExp} from '../support/regexp.js'

// A v0.5.1 cluster (shape C, pods owned through a ReplicaSet, a namespace-local saturation ConfigMap in llm with
// kvCacheThreshold 0.70 / queueLengthThreshold 3 / kvSpareTrigger 0.15) and per-pod gauges in a real Prometheus.
const at = new Date(1_700_003_600_000)
const times = timesBetween(at.getTime() / 1000 - 600, at.getTime() / 1000 + 60, 15)
const model = 'Qwen/Qwen3-0.6B'

function podGauges(readings: ReadonlyArray<{pod: string; kv: number; queue: number}>): string {
  const builder = new OpenMetricsBuilder()
  for (const reading of readings) {
    const labels = {model_name: model, namespace: 'llm', pod: reading.pod}
    builder.gauge(
      'vllm:kv_cache_usage_perc',
      labels,
      times.map((t) => ({t, v: reading.kv})),
    )
    builder.gauge(
      'vllm:num_requests_waiting',
      labels,
      times.map((t) => ({t, v: reading.queue})),
    )
  }
  return builder.toString()
}

test('live v0.5: get, describe and snapshot decide shape C VAs with the saturation engine', async (t) => {
  const objects = clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1')
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, objects),
    startPrometheus(t, {
      openmetrics: podGauges([
        {pod: 'qwen3-0-6b-decode-7c9d8f6b5d-abcde', kv: 0.82, queue: 1},
        {pod: 'qwen3-0-6b-decode-7c9d8f6b5d-fghij', kv: 0.6, queue: 0},
      ]),
    }),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const atFlag = `--at=${at.toISOString()}`

  const get = await kubectlVa(['get', atFlag, '-o', 'json'], {env})
  assert.ok(get.code === 0 || get.code === 6, get.stderr)
  const [report] = JSON.parse(get.stdout).items
  assert.equal(report.engine, 'saturation')
  assert.equal(report.recomputed.saturation.engine, 'saturation-v0.5.1')
  assert.deepEqual(
    report.recomputed.saturation.pods.map((pod: any) => [pod.name, pod.kvCacheUsage, pod.isSaturated]),
    [
      ['qwen3-0-6b-decode-7c9d8f6b5d-abcde', 0.82, true],
      ['qwen3-0-6b-decode-7c9d8f6b5d-fghij', 0.6, false],
    ],
  )
  // Namespace-local config: spare KV of the non-saturated pod 0.70 - 0.60 = 0.10 < trigger 0.15 asks for a scale-up,
  // but the Deployment has a replica pending (2 current, 1 ready), so v0.5.1 holds.
  assert.equal(report.recomputed.saturation.action, 'no-change')
  assert.equal(report.recomputed.saturation.pendingReplicas, 1)
  assert.equal(report.recomputed.replicas, report.recomputed.saturation.currentReplicas)

  const describe = await kubectlVa(['describe', 'qwen3-va', atFlag], {env})
  assert.match(describe.stdout, /^Decision \(kubectl-va, same saturation-v0\.5\.1 engine as the controller\):$/m)
  assert.match(describe.stdout, /^ {4}qwen3-0-6b-decode-7c9d8f6b5d-abcde\s+82%\s+1\s+yes$/m)
  assert.match(
    describe.stdout,
    joinRegExp(
      [
        /Reason:\s+scale-up needed: average spare KV 0\.10 < trigger 0\.15, 1\/2 replicas saturated; /,
        /but every variant has pending replicas$/,
      ],
      'm',
    ),
  )
  assert.match(describe.stdout, /^\s+blocked: 1 replica pending$/m)

  const dir = mkdtempSync(join(tmpdir(), 'kva-sat-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const snapshot = await kubectlVa(['snapshot', atFlag], {env})
  assert.ok(snapshot.code === 0 || snapshot.code === 6, snapshot.stderr)
  writeFileSync(join(dir, 'snapshot.yaml'), snapshot.stdout)
  const offline = await kubectlVa(['simulate', '-f', join(dir, 'snapshot.yaml'), '-o', 'json'], {env: cleanEnv()})
  const live = await kubectlVa(['simulate', atFlag, '-o', 'json'], {env})
  const decisions = (run: {stdout: string}) =>
    JSON.parse(run.stdout).items.map((item: any) => [
      item.name,
      item.engine,
      item.desired?.replicas,
      item.saturation?.action,
    ])
  assert.deepEqual(decisions(offline), decisions(live))
  const from = new Date(at.getTime() - 5 * 60_000).toISOString()
  const replay = await kubectlVa(
    ['simulate', '--from', from, '--to', at.toISOString(), '--step', '30s', '-o', 'json'],
    {env},
  )
  assert.equal(replay.code, 0, replay.stderr)
  const [replayed] = JSON.parse(replay.stdout).items
  assert.equal(replayed.name, 'qwen3-va')
  assert.ok(replayed.simulation, 'a saturation replay says how it simulated the controller cycles')
  const ours = replayed.steps.map((step: any) => step.desiredReplicas)
  assert.equal(ours.length, 11)
  assert.ok(
    ours.every((replicas: number | null) => typeof replicas === 'number' && replicas >= 1),
    `replayed replicas: ${ours}`,
  )
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('live v0.4.2: shape A without EXPERIMENTAL_HYBRID_OPTIMIZATION is decided by the capacity analyzer', async (t) => {
  const pods = ['llama-3-1-8b-decode-6f7d9c-aaaaa', 'llama-3-1-8b-decode-6f7d9c-bbbbb'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, namespace: 'llm', labels: {'llm-d.ai/model': 'llama-3-1-8b', 'llm-d.ai/role': 'decode'}},
    spec: {containers: [{name: 'vllm'}]},
    status: {phase: 'Running'},
  }))
  const builder = new OpenMetricsBuilder()
  for (const [pod, kv, queue] of [
    [pods[0]!.metadata.name, 0.91, 7],
    [pods[1]!.metadata.name, 0.86, 6],
  ] as const) {
    const labels = {model_name: 'meta-llama/Llama-3.1-8B-Instruct', namespace: 'llm', pod}
    builder.gauge(
      'vllm:kv_cache_usage_perc',
      labels,
      times.map((time) => ({t: time, v: kv})),
    )
    builder.gauge(
      'vllm:num_requests_waiting',
      labels,
      times.map((time) => ({t: time, v: queue})),
    )
  }
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, [...clusterFixture('crd-a-v0.4.2', 'shape-a-v0.4.2', 'controller-v0.4.2'), ...pods]),
    startPrometheus(t, {openmetrics: builder.toString()}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const run = await kubectlVa(['get', `--at=${at.toISOString()}`, '-o', 'json'], {env})
  assert.equal(run.code, 0, run.stderr)
  const [report] = JSON.parse(run.stdout).items
  assert.equal(report.engine, 'capacity')
  assert.equal(report.recomputed.saturation.engine, 'capacity-v0.4.2')
  assert.match(report.recomputed.saturation.engineWhy, /EXPERIMENTAL_HYBRID_OPTIMIZATION is "off"/)
  // Both pods are saturated (KV >= 0.80, queue >= 5): no spare capacity, scale up; desired 3 != current 2 is preserved.
  assert.deepEqual(
    report.recomputed.saturation.pods.map((pod: any) => pod.isSaturated),
    [true, true],
  )
  assert.equal(report.recomputed.replicas, 3)
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})
