import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../src/core/model/kube-object.js'
import {startFakeApiServer} from '../support/fake-api-server.js'
import {clusterFixture} from '../support/kube-fixtures.js'
import {assertPinnedOutput} from '../support/expected-output.js'
import {linearCounter, linearHistogram, OpenMetricsBuilder, timesBetween} from '../support/openmetrics.js'
import {repoRoot} from '../support/paths.js'
import {sendJson, startFakePrometheus} from '../support/prometheus-fake.js'
import {startPrometheus} from '../support/prometheus.js'
import {startVictoriaMetrics} from '../support/victoria-metrics.js'
import {cleanEnv, kubectlVa, runCommand} from '../support/run-cli.js'
import {joinRegExp} from '../support/regexp.js'

// The quickstart's cluster objects on a fake API server, and vLLM series in a real Prometheus whose rates at AT are
// exactly the quickstart snapshot's, so live and offline runs must agree number for number.
const at = new Date(1_700_003_600_000)
const atS = at.getTime() / 1000
const times = timesBetween(atS - 900, atS + 300, 15)

function vllmSeries(graniteRpm = 300.2): string {
  const builder = new OpenMetricsBuilder()
  const pods = [
    {
      model: 'meta/llama-3.1-8b',
      pod: 'llama-8b-h100-0',
      requestsPerS: 8200.5 / 60 / 2,
      input: 512.3,
      output: 250.9,
      ttftS: 0.2104,
      itlS: 0.0231,
    },
    {
      model: 'meta/llama-3.1-8b',
      pod: 'llama-8b-h100-1',
      requestsPerS: 8200.5 / 60 / 2,
      input: 512.3,
      output: 250.9,
      ttftS: 0.2104,
      itlS: 0.0231,
    },
    {
      model: 'ibm/granite-13b',
      pod: 'granite-13b-l40s-0',
      requestsPerS: graniteRpm / 60,
      input: 1024,
      output: 180.4,
      ttftS: 0.9502,
      itlS: 0.0617,
    },
  ]
  for (const pod of pods) {
    const labels = {model_name: pod.model, namespace: 'llm', pod: pod.pod}
    builder.counter(
      'vllm:request_success',
      {...labels, finished_reason: 'stop'},
      linearCounter(times, pod.requestsPerS),
    )
    const histogram = (name: string, mean: number, perRequest = 1) =>
      builder.histogram(
        name,
        labels,
        linearHistogram(times, {
          requestsPerS: pod.requestsPerS,
          meanObservation: mean,
          observationsPerRequest: perRequest,
        }),
      )
    histogram('vllm:request_prompt_tokens', pod.input)
    histogram('vllm:request_generation_tokens', pod.output)
    histogram('vllm:time_to_first_token_seconds', pod.ttftS)
    histogram('vllm:inter_token_latency_seconds', pod.itlS, pod.output - 1)
  }
  return builder.toString()
}

// Ten days before the real now: AGE is measured from the wall clock (not --at), and "10d" holds for a whole day.
const created = new Date(Date.now() - 10 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
const creationTimestamp = created

function quickstartClusterObjects(): KubeObject[] {
  const text = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')
  return [
    ...clusterFixture('crd-a-v0.0.4'),
    ...parseAllDocuments(text)
      .map((document) => document.toJS() as KubeObject)
      .filter((object) => object.kind !== 'MetricsSnapshot')
      .map((object) => ({...object, metadata: {...object.metadata, creationTimestamp}})),
    controller,
  ]
}

const controller: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'workload-variant-autoscaler-controller-manager',
    namespace: 'workload-variant-autoscaler-system',
    labels: {'control-plane': 'controller-manager'},
  },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: 'manager',
            image: 'ghcr.io/llm-d/workload-variant-autoscaler:v0.0.4',
            env: [
              {name: 'WVA_SCALE_TO_ZERO', value: 'false'},
              {name: 'PROMETHEUS_BEARER_TOKEN', value: 'controller-secret-token-123'},
            ],
          },
        ],
      },
    },
  },
}

test('live: get, describe, simulate and snapshot against a fake API server and a real Prometheus', async (t) => {
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, quickstartClusterObjects()),
    startPrometheus(t, {openmetrics: vllmSeries()}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const atFlag = `--at=${at.toISOString()}`

  await t.test('get shows live load and latency against the SLOs and our recomputed replicas', async () => {
    const run = await kubectlVa(['get', atFlag], {env})
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, 'live-get', {CREATED: created})
  })

  await t.test('get -o wide adds shape, engine, bound-by and cost', async () => {
    const run = await kubectlVa(['get', atFlag, '-o', 'wide'], {env})
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, 'live-get-wide', {CREATED: created})
  })

  await t.test('simulate prints the same decisions as a table', async () => {
    const run = await kubectlVa(['simulate', atFlag], {env})
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, 'live-simulate', {CREATED: created})
  })

  await t.test('describe explains the decision and shows the PromQL', async () => {
    const run = await kubectlVa(['describe', 'llama-8b-h100', atFlag, '--show-queries'], {env})
    assert.equal(run.code, 0, run.stderr)
    // Pinned up to the queries, whose text the assertions below check.
    const [decision] = run.stdout.split('\n  Queries:\n')
    assertPinnedOutput(`${decision}\n`, 'live-describe', {CREATED: created, PROM_URL: prom.url})
    assert.match(run.stdout, /^Live metrics:\s+Prometheus, window 1m, at 2023-11-14T23:13:20\.000Z$/m)
    assert.match(run.stdout, /^ {2}Arrival rate:\s+8200\.5 req\/min$/m)
    assert.match(run.stdout, /^ {4}llama-8b-h100-0\s+4100\.25\s+210\.4\s+23\.1$/m)
    assert.match(run.stdout, /^ {4}llama-8b-h100-1\s+4100\.25\s+210\.4\s+23\.1$/m)
    assert.match(run.stdout, /^ {2}Replicas:\s+2 current \/ 3 desired$/m)
    assert.match(run.stdout, /^ {2}Max rate per replica:\s+3712 req\/min \(bound by ITL SLO\)$/m)
    assert.match(run.stdout, /sum by \(model_name, namespace\) \(rate\(vllm:request_success_total\{/)
    assert.match(run.stdout, /^Prometheus:\s+http:\/\/127\.0\.0\.1:\d+\/?$/m)
    assert.match(run.stdout, /^ {2}Found by:\s+env KUBECTL_VA_PROM_URL$/m)
  })

  await t.test('snapshot then simulate -f gives the same decision as the live simulate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kva-snapshot-'))
    t.after(() => rmSync(dir, {recursive: true, force: true}))
    const live = await kubectlVa(['simulate', atFlag, '-o', 'json'], {env})
    assert.equal(live.code, 0, live.stderr)
    const snapshot = await kubectlVa(['snapshot', atFlag], {env})
    assert.equal(snapshot.code, 0, snapshot.stderr)
    assert.doesNotMatch(snapshot.stdout, new RegExp(api.token))
    assert.doesNotMatch(snapshot.stdout, /controller-secret-token-123|PROMETHEUS_BEARER_TOKEN/)
    assert.match(snapshot.stdout, /name: WVA_SCALE_TO_ZERO\n\s+value: "false"/)
    const file = join(dir, 'snapshot.yaml')
    writeFileSync(file, snapshot.stdout)
    const offline = await kubectlVa(['simulate', '-f', file, '-o', 'json'], {env: cleanEnv()})
    assert.equal(offline.code, 0, offline.stderr)
    const decisions = (run: {stdout: string}) =>
      JSON.parse(run.stdout).items.map((item: any) => [item.name, item.outcome, item.desired, item.prediction])
    assert.deepEqual(decisions(offline), decisions(live))
    assert.deepEqual(
      JSON.parse(live.stdout).items.map((item: any) => item.desired?.replicas),
      [1, 3],
    )
  })

  await t.test('simulate --from/--to replays the history with a chart and a summary', async () => {
    const from = new Date(at.getTime() - 10 * 60_000).toISOString()
    const run = await kubectlVa(
      ['simulate', 'llama-8b-h100', '--from', from, '--to', at.toISOString(), '--step', '1m'],
      {env},
    )
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /llama-8b-h100/)
    assert.doesNotMatch(run.stdout, /[^\x00-\x7F]/, 'piped output is plain ASCII')
    const json = await kubectlVa(
      ['simulate', 'llama-8b-h100', '--from', from, '--to', at.toISOString(), '--step', '1m', '-o', 'json'],
      {env},
    )
    const [item] = JSON.parse(json.stdout).items
    const ours = item.steps
      .filter((step: any) => step.desiredReplicas !== null)
      .map((step: any) => step.desiredReplicas)
    assert.ok(ours.length >= 10, `replayed ${ours.length} steps`)
    assert.ok(
      ours.every((replicas: number) => replicas === 3),
      `every step at 8200.5 req/min needs 3 replicas: ${ours}`,
    )
    const csv = await kubectlVa(
      ['simulate', 'llama-8b-h100', '--from', from, '--to', at.toISOString(), '--step', '1m', '-o', 'csv'],
      {env},
    )
    assert.equal(csv.code, 0, csv.stderr)
    assert.match(csv.stdout.split('\n')[0]!, /^time,namespace,name,arrival_rate_rpm,/)
  })

  await t.test('in a real terminal (a pseudo-terminal from script) the replay chart uses Unicode', async () => {
    const from = new Date(at.getTime() - 10 * 60_000).toISOString()
    const command = `kubectl va simulate llama-8b-h100 --from ${from} --to ${at.toISOString()} --step 1m`
    const run = await runCommand('script', ['-qec', command, '/dev/null'], {
      env: {...env, COLUMNS: '100', LINES: '40', TERM: 'xterm'},
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /llama-8b-h100/)
    assert.match(
      run.stdout,
      /[\u2800-\u28FF\u2580-\u259F\u2500-\u257F]/,
      'the TTY chart draws with braille, block or box characters',
    )
  })

  await t.test('nothing was written to the cluster', () => {
    assert.deepEqual(
      api.requests.filter((request) => request.method !== 'GET'),
      [],
    )
  })
})

test('live: describe says when the controller version would decide differently from its own inputs', async (t) => {
  const objects = quickstartClusterObjects().map((object) =>
    object === controller
      ? {
          ...controller,
          spec: {
            template: {
              spec: {containers: [{name: 'manager', image: 'ghcr.io/llm-d/workload-variant-autoscaler:v0.0.2'}]},
            },
          },
        }
      : object,
  )
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, objects),
    startPrometheus(t, {openmetrics: vllmSeries(1500)}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const run = await kubectlVa(['describe', 'granite-13b-l40s', `--at=${at.toISOString()}`], {env})
  assert.equal(run.code, 0, run.stderr)
  // v0.0.1/v0.0.2 collect 0 input tokens: without the 1024-token prefill, granite's TTFT bound is looser.
  assert.match(run.stdout, /^ {2}Replicas:\s+1 current \/ 3 desired$/m)
  assert.match(run.stdout, /^ {2}With controller inputs:\s+2 \(allocated\): the controller \(wva-v0\.0\.1 collector\)/m)
  const compat = await kubectlVa(
    ['simulate', 'granite-13b-l40s', `--at=${at.toISOString()}`, '--wva-compat', '-o', 'json'],
    {env},
  )
  assert.equal(JSON.parse(compat.stdout).items[0].load.avgInputTokens, 0)
})

test('live: Prometheus down keeps the cluster view, marks metrics unavailable and exits 5', async (t) => {
  const api = await startFakeApiServer(t, quickstartClusterObjects())
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['get', '--prom-url', 'http://127.0.0.1:9', '--prom-timeout', '2s'], {env})
  assert.equal(run.code, 5)
  assert.match(run.stdout, /^llama-8b-h100\s+<unknown>\s+<unknown>\s+<unknown>\s+2\s/m)
  assert.match(run.stderr, /^error: .*127\.0\.0\.1:9.*\(metrics columns are unavailable\)$/m)
})

test('live: no URL configured: a prometheus-operated Service is found, via the API server proxy', async (t) => {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 'prometheus-operated', namespace: 'monitoring'},
    spec: {ports: [{name: 'web', port: 9090}]},
  }
  const api = await startFakeApiServer(t, [...quickstartClusterObjects(), service])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['describe', 'llama-8b-h100'], {env})
  // The fake API server does not proxy: the 404 proves the route, and the hint names the fixes.
  assert.equal(run.code, 5)
  assert.match(
    run.stdout,
    joinRegExp(
      [
        /^ {2}Found by:\s+Prometheus Operator Service monitoring\/prometheus-operated, /,
        /through the API server service proxy$/,
      ],
      'm',
    ),
  )
  assert.ok(
    api.requests.some((request) =>
      request.path.startsWith(
        '/api/v1/namespaces/monitoring/services/http:prometheus-operated:9090/proxy/api/v1/query',
      ),
    ),
    'queried through the service proxy',
  )
  assert.match(
    run.stderr,
    /the Service or port was not found: check PROMETHEUS_BASE_URL in the controller ConfigMap, or pass --prom-url/,
  )
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('live: a Prometheus-Service lookup that times out says so, not that there is no Service', async (t) => {
  const api = await startFakeApiServer(t, quickstartClusterObjects(), {silentPaths: ['/api/v1/services']})
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const run = await kubectlVa(['get', '--request-timeout', '1s'], {env})
  assert.equal(run.code, 5)
  assert.match(run.stdout, /^llama-8b-h100\s/m, 'the cluster view stays')
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('error: '))
  assert.equal(lines.length, 1, run.stderr)
  assert.match(
    lines[0]!,
    new RegExp(
      '^error: no Prometheus URL found: the lookup of Prometheus Services failed: ' +
        `API server ${api.url.replaceAll('.', '\\.')}: no answer within 1s; pass --prom-url`,
    ),
  )
  assert.doesNotMatch(run.stderr, /no thanos-querier, prometheus-operated or kube-prometheus-stack Service/)
})

test('live on VictoriaMetrics: get and simulate print the Prometheus outputs; replays read the same', async (t) => {
  // The same series imported into VictoriaMetrics: rates at AT need no extrapolation (samples line up with the
  // window), so the pinned Prometheus outputs hold; the replay's 61 steps exceed the 50 points from which
  // VictoriaMetrics would move the evaluation times to multiples of the step, so this also checks they are not moved.
  const [api, prom, vm] = await Promise.all([
    startFakeApiServer(t, quickstartClusterObjects()),
    startPrometheus(t, {openmetrics: vllmSeries()}),
    startVictoriaMetrics(t, {openmetrics: vllmSeries()}),
  ])
  const kubeconfig = api.writeKubeconfig({namespace: 'llm'})
  const on = (url: string) => cleanEnv({KUBECONFIG: kubeconfig, KUBECTL_VA_PROM_URL: url})
  const atFlag = `--at=${at.toISOString()}`
  for (const [args, pinned] of [
    [['get', atFlag], 'live-get'],
    [['simulate', atFlag], 'live-simulate'],
  ] as const) {
    const run = await kubectlVa(args, {env: on(vm.url)})
    assert.equal(run.stderr, '')
    assert.equal(run.code, 0)
    assertPinnedOutput(run.stdout, pinned, {CREATED: created})
  }
  const from = new Date(at.getTime() - 60 * 60_000).toISOString()
  const replay = ['simulate', 'llama-8b-h100', '--from', from, '--to', at.toISOString(), '--step', '1m', '-o', 'json']
  const [onVm, onProm] = await Promise.all([
    kubectlVa(replay, {env: on(vm.url)}),
    kubectlVa(replay, {env: on(prom.url)}),
  ])
  assert.equal(onVm.code, 0, onVm.stderr)
  assert.equal(onVm.stderr, onProm.stderr)
  // Equal to 10 significant digits: the backends sum floating point in different orders (last-bit differences).
  const steps = (run: {stdout: string}) =>
    JSON.parse(run.stdout, (_key, value) => (typeof value === 'number' ? Number(value.toPrecision(10)) : value))
      .items[0].steps
  assert.equal(steps(onVm).length, 61)
  assert.deepEqual(steps(onVm), steps(onProm))
})

test('live: Prometheus warnings and infos (a Thanos partial response) go to stderr once per query', async (t) => {
  const [api, thanos] = await Promise.all([
    startFakeApiServer(t, quickstartClusterObjects()),
    startFakePrometheus(t, (request, response) =>
      sendJson(response, 200, {
        status: 'success',
        warnings: ['partial response: store 10.0.0.7:10901 unavailable'],
        infos: ['PromQL info: metric might not be a counter'],
        data: {resultType: request.url.includes('query_range') ? 'matrix' : 'vector', result: []},
      }),
    ),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: thanos.url})
  const lines = (stderr: string, quantity: string) => stderr.split('\n').filter((l) => l.includes(`: ${quantity}: `))
  const get = await kubectlVa(['get', `--at=${at.toISOString()}`], {env})
  assert.equal(get.code, 0, get.stderr)
  assert.deepEqual(lines(get.stderr, 'arrivalRate'), [
    'warning: prometheus: arrivalRate: partial response: store 10.0.0.7:10901 unavailable',
    'warning: prometheus: arrivalRate: PromQL info: metric might not be a counter',
  ])
  // A replay of 11 steps in chunks of 5: three requests per query, each warning still once.
  const from = new Date(at.getTime() - 10 * 60_000).toISOString()
  const range = ['--from', from, '--to', at.toISOString(), '--step', '1m', '--prom-max-points', '5']
  const before = thanos.requests.length
  const replay = await kubectlVa(['simulate', 'llama-8b-h100', ...range, '-o', 'json'], {env})
  assert.equal(replay.code, 0, replay.stderr)
  assert.deepEqual(lines(replay.stderr, 'arrivalRate'), lines(get.stderr, 'arrivalRate'))
  const rangeRequests = thanos.requests.slice(before).filter((r) => r.url.endsWith('query_range'))
  assert.ok(rangeRequests.length >= 3 && rangeRequests.length % 3 === 0, `${rangeRequests.length} range requests`)
})
