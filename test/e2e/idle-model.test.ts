import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from '../support/openmetrics.js'
import {repoRoot} from '../support/paths.js'
import {startPrometheus} from '../support/prometheus.js'
import {cleanEnv, kubectlVa} from '../support/run-cli.js'

// The quickstart on a fake API server; in a real Prometheus llama serves traffic and granite is idle: its request
// counter is scraped but flat, so the rate is a known 0 and every token and latency average is 0/0 (no sample).
// The controller decides zeroLoad for granite: 1 replica, or 0 with WVA_SCALE_TO_ZERO=true. Every path must agree.
const at = new Date(1_700_003_600_000)
const atS = at.getTime() / 1000
const times = timesBetween(atS - 900, atS + 300, 15)
const atFlag = `--at=${at.toISOString()}`

function vllmSeries(): string {
  const builder = new OpenMetricsBuilder()
  const pods = [
    {model: 'meta/llama-3.1-8b', pod: 'llama-8b-h100-0', requestsPerS: 8200.5 / 60, input: 512.3, output: 250.9},
    {model: 'ibm/granite-13b', pod: 'granite-13b-l40s-0', requestsPerS: 0, input: 1024, output: 180.4},
  ]
  for (const pod of pods) {
    const labels = {model_name: pod.model, namespace: 'llm', pod: pod.pod}
    const requests = linearCounter(times, pod.requestsPerS)
    builder.counter('vllm:request_success', {...labels, finished_reason: 'stop'}, requests)
    const histogram = (name: string, mean: number) =>
      builder.histogram(name, labels, linearHistogram(times, {requestsPerS: pod.requestsPerS, meanObservation: mean}))
    histogram('vllm:request_prompt_tokens', pod.input)
    histogram('vllm:request_generation_tokens', pod.output)
    histogram('vllm:time_to_first_token_seconds', 0.2)
  }
  return builder.toString()
}

function clusterObjects(scaleToZero: boolean): KubeObject[] {
  const text = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')
  const quickstart = parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject)
    .filter((object) => object.kind !== 'MetricsSnapshot')
  const controller: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'workload-variant-autoscaler-controller-manager',
      namespace: 'workload-variant-autoscaler-system',
      labels: {'control-plane': 'controller-manager'},
    },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'manager',
              image: 'ghcr.io/llm-d/workload-variant-autoscaler:v0.0.4',
              env: [{name: 'WVA_SCALE_TO_ZERO', value: String(scaleToZero)}],
            },
          ],
        },
      },
    },
  }
  return [...clusterFixture('crd-a-v0.0.4'), ...quickstart, controller]
}

/** granite's get row: RATE 0, TTFT and ITL unknown against their targets, 1 current, RECOMPUTED `recomputed`. */
function getRow(recomputed: number): RegExp {
  const cells = ['granite-13b-l40s', '0', '<unknown>', '<unknown>', '1', '<none>']
  cells.push(String(recomputed))
  return new RegExp(`^${cells.join('\\s+')}\\s`, 'm')
}

interface SimulateItem {
  name: string
  outcome: string
  desired: {replicas: number} | null
  load: {arrivalRate: number; avgInputTokens: number | null; avgOutputTokens: number | null} | null
}

function decisions(stdout: string): Array<[string, string, number | null]> {
  const items = (JSON.parse(stdout) as {items: SimulateItem[]}).items
  return items.map((item) => [item.name, item.outcome, item.desired?.replicas ?? null])
}

test('an idle model (known zero rate, no token averages) decides zeroLoad on every path', async (t) => {
  const prom = await startPrometheus(t, {openmetrics: vllmSeries()})
  const api = await startFakeApiServer(t, clusterObjects(false))
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})

  await t.test('get: RATE 0 and RECOMPUTED 1, exit 0, nothing on stderr', async () => {
    const run = await kubectlVa(['get', atFlag], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr, '')
    assert.match(run.stdout, getRow(1))
    assert.match(run.stdout, /^llama-8b-h100\s+8200\.5\s/m)
  })

  await t.test('describe: zeroLoad at the minimum of 1 replica', async () => {
    const run = await kubectlVa(['describe', 'granite-13b-l40s', atFlag], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^ {2}Arrival rate:\s+0 req\/min$/m)
    assert.match(run.stdout, /^ {2}Outcome:\s+zeroLoad$/m)
    assert.match(run.stdout, /^ {2}Replicas:\s+1 current \/ 1 desired$/m)
  })

  await t.test('simulate: zeroLoad 1 (0 with --scale-to-zero), exit 0, token averages unknown', async () => {
    const run = await kubectlVa(['simulate', atFlag, '-o', 'json'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(decisions(run.stdout), [
      ['granite-13b-l40s', 'zeroLoad', 1],
      ['llama-8b-h100', 'allocated', 3],
    ])
    const granite = (JSON.parse(run.stdout) as {items: SimulateItem[]}).items[0]!
    assert.deepEqual(granite.load, {arrivalRate: 0, avgInputTokens: null, avgOutputTokens: null})
    const table = await kubectlVa(['simulate', atFlag], {env})
    assert.equal(table.code, 0, table.stderr)
    assert.equal(table.stderr, '')
    assert.match(table.stdout, /^granite-13b-l40s\s+0\s+1\s+1\s/m)
    const toZero = await kubectlVa(['simulate', 'granite-13b-l40s', atFlag, '--scale-to-zero', '-o', 'json'], {env})
    assert.equal(toZero.code, 0, toZero.stderr)
    assert.deepEqual(decisions(toZero.stdout), [['granite-13b-l40s', 'zeroLoad', 0]])
  })

  await t.test('snapshot writes arrivalRate 0 and no token averages; simulate -f decides zeroLoad 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kva-idle-'))
    t.after(() => rmSync(dir, {recursive: true, force: true}))
    const snapshot = await kubectlVa(['snapshot', atFlag], {env})
    assert.equal(snapshot.code, 0, snapshot.stderr)
    type Written = KubeObject & {models?: Array<{modelID: string}>}
    const written = parseAllDocuments(snapshot.stdout).map((document) => document.toJS() as Written)
    const models = written.find((object) => object.kind === 'MetricsSnapshot')!.models
    const granite = models?.find((model) => model.modelID === 'ibm/granite-13b')
    assert.deepEqual(granite, {namespace: 'llm', modelID: 'ibm/granite-13b', arrivalRate: 0})
    const file = join(dir, 'snapshot.yaml')
    writeFileSync(file, snapshot.stdout)
    const offline = await kubectlVa(['simulate', '-f', file, '-o', 'json'], {env: cleanEnv()})
    assert.equal(offline.code, 0, offline.stderr)
    const expected = [
      ['granite-13b-l40s', 'zeroLoad', 1],
      ['llama-8b-h100', 'allocated', 3],
    ]
    assert.deepEqual(decisions(offline.stdout), expected)
    const table = await kubectlVa(['simulate', '-f', file], {env: cleanEnv()})
    assert.equal(table.stderr, '')
    assert.match(table.stdout, /^granite-13b-l40s\s+0\s+1\s+1\s/m)
  })

  await t.test('the replay (--from/--to) decides zeroLoad 1 at every step (0 with --scale-to-zero)', async () => {
    const from = new Date(at.getTime() - 10 * 60_000).toISOString()
    const replay = async (extra: string[]) => {
      const range = ['--from', from, '--to', at.toISOString(), '--step', '1m']
      const run = await kubectlVa(['simulate', 'granite-13b-l40s', ...range, '-o', 'json', ...extra], {env})
      assert.equal(run.code, 0, run.stderr)
      type Step = {outcome: string; desiredReplicas: number | null}
      const [item] = (JSON.parse(run.stdout) as {items: Array<{steps: Step[]}>}).items
      return item!.steps.map((step) => `${step.outcome} ${step.desiredReplicas}`)
    }
    const steps = await replay([])
    assert.equal(steps.length, 11)
    assert.deepEqual(new Set(steps), new Set(['zeroLoad 1']))
    assert.deepEqual(new Set(await replay(['--scale-to-zero'])), new Set(['zeroLoad 0']))
  })

  await t.test('a replay whose --load-scale takes a measured rate beyond float32 is a usage error', async () => {
    const from = new Date(at.getTime() - 2 * 60_000).toISOString()
    const range = ['--from', from, '--to', at.toISOString(), '--step', '1m']
    const run = await kubectlVa(['simulate', 'llama-8b-h100', ...range, '--load-scale', '1e36'], {env})
    assert.equal(run.code, 2, run.stderr)
    assert.equal(run.stdout, '')
    assert.match(run.stderr, /^error: variantautoscaling llm\/llama-8b-h100 at \S+: arrival rate [\d.]+ req\/min × /)
    assert.match(run.stderr, /beyond float32 \(the controller's type, at most 3\.4e38\); pass a smaller --load-scale$/m)
  })
})

test('an idle model with WVA_SCALE_TO_ZERO=true: get and describe recompute 0 replicas', async (t) => {
  const prom = await startPrometheus(t, {openmetrics: vllmSeries()})
  const api = await startFakeApiServer(t, clusterObjects(true))
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const get = await kubectlVa(['get', 'granite-13b-l40s', atFlag], {env})
  assert.equal(get.code, 0, get.stderr)
  assert.match(get.stdout, getRow(0))
  const describe = await kubectlVa(['describe', 'granite-13b-l40s', atFlag], {env})
  assert.equal(describe.code, 0, describe.stderr)
  assert.match(describe.stdout, /^ {2}Replicas:\s+1 current \/ 0 desired$/m)
})
