import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseAllDocuments} from 'yaml'

import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {repoRoot} from '../../support/paths.js'
import {closedPort} from '../../support/prometheus.js'

/**
 * Bad scalers for `kubectl va scalers` (issue 14): each breaks one of the two scalers of examples/scalers and expects
 * a one-line error for it while the other is still evaluated (exit 6), offline from manifests and recorded metrics.
 */
const workloads = readFileSync(join(repoRoot, 'examples', 'scalers', 'workloads.yaml'), 'utf8')
const metrics = readFileSync(join(repoRoot, 'examples', 'scalers', 'metrics.yaml'), 'utf8')
const saturationQuery =
  'max(llm_d_epp_flow_control_pool_saturation{namespace="llm",model_name="Qwen/Qwen2.5-32B-Instruct"})'

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`corpus: "${from}" is not in the example`)
  return text.replace(from, to)
}

/** A second series answering the saturation query (another pool label). */
const secondSeries =
  `  - query: ${saturationQuery}\n    labels: {pool: other}\n    start: 2026-08-10T10:00:00Z\n    step: 1m\n` +
  `    values: [${Array(121).fill('0.5').join(', ')}]\n`

corpusSuite('corpus: bad scalers', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-corpus-scalers-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  let index = 0
  const inputs = (scalers: string, recorded = metrics): string[] => {
    const folder = join(dir, String(index++))
    rmSync(folder, {recursive: true, force: true})
    writeFileSync(`${folder}-w.yaml`, scalers)
    writeFileSync(`${folder}-m.yaml`, recorded)
    return ['-f', `${folder}-w.yaml`, '-f', `${folder}-m.yaml`]
  }
  const replay = ['--from', '2026-08-10T10:00:00Z', '--to', '2026-08-10T11:00:00Z', '--no-chart']
  const keptLlama = {code: 6, stdout: /^llama-8b\s/m}
  const keptQwen = {code: 6, stdout: /^qwen-32b\s/m}
  const qwenError = (what: string) => new RegExp(`^error: llm/qwen-32b \\(ScaledObject\\): ${what}`, 'm')
  const llamaError = (what: string) => new RegExp(`^error: llm/llama-8b \\(HorizontalPodAutoscaler\\): ${what}`, 'm')
  const severalSeries = `${metrics}${secondSeries}`
  const cases: CorpusCase[] = [
    {
      name: 'scalers: a trigger query returns several series',
      args: ['scalers', ...inputs(workloads, severalSeries)],
      ...keptLlama,
      stderr: qwenError(
        'trigger saturation: the query returned 2 series at 2026-08-10T12:00:00.000Z, the scaler reads one; ' +
          'aggregate it',
      ),
    },
    {
      name: 'scalers: a trigger query returns several series (replay)',
      args: ['scalers', 'llama-8b', 'qwen-32b', ...inputs(workloads, severalSeries), ...replay],
      code: 6,
      stdout: /^llm\/llama-8b\s+configured\s/m,
      stderr: qwenError('trigger saturation: the query returned 2 series at 2026-08-10T10:00:00.000Z'),
    },
    {
      name: 'scalers: a trigger query returns no series',
      args: ['scalers', ...inputs(edit(workloads, 'pool_saturation{', 'pool_saturatoin{'))],
      ...keptLlama,
      stderr: qwenError('trigger saturation: the query returned no series; check the query and its labels'),
    },
    {
      name: 'scalers: a formula references an unknown trigger',
      args: [
        'scalers',
        ...inputs(
          edit(
            workloads,
            '  pollingInterval: 30\n',
            '  pollingInterval: 30\n  advanced:\n    scalingModifiers:\n      formula: "saturation + queue"\n' +
              '      target: "1"\n',
          ),
        ),
      ],
      ...keptLlama,
      stderr: qwenError('.*queue'),
    },
    {
      name: 'scalers: a threshold that is not a number',
      args: ['scalers', ...inputs(edit(workloads, 'threshold: "0.7"', 'threshold: "high"'))],
      ...keptLlama,
      stderr: qwenError('trigger saturation: threshold "high" is not a number; write it as a decimal string'),
    },
    {
      name: 'scalers: the target is missing',
      args: [
        'scalers',
        ...inputs(edit(workloads, 'kind: Deployment, name: qwen-32b}', 'kind: Deployment, name: qwen-33b}')),
      ],
      ...keptLlama,
      stderr: qwenError(
        'target Deployment/qwen-33b not found in namespace "llm"; create it or fix spec.scaleTargetRef',
      ),
    },
    {
      name: 'scalers: an external metric nothing serves',
      args: ['scalers', ...inputs(edit(workloads, 'name: wva_desired_replicas', 'name: wva_desired_replica'))],
      ...keptQwen,
      stderr: llamaError(
        'external metric wva_desired_replica: sum\\(wva_desired_replica\\{.*\\}\\) returned no series \\(the API ' +
          "server's external metrics API may serve it",
      ),
    },
    {
      name: 'scalers: an external metric nothing serves (replay)',
      args: [
        'scalers',
        'llama-8b',
        'qwen-32b',
        ...inputs(edit(workloads, 'name: wva_desired_replicas', 'name: wva_desired_replica')),
        ...replay,
      ],
      code: 6,
      stdout: /^llm\/qwen-32b\s+configured\s/m,
      stderr: llamaError('external metric wva_desired_replica: .* returned no series'),
    },
    {
      name: 'scalers: a cpu metric is not read from Prometheus',
      args: [
        'scalers',
        ...inputs(
          edit(
            workloads,
            '  - type: External\n    external:\n      metric:\n        name: wva_desired_replicas\n' +
              '        selector:\n' +
              '          matchLabels: {variant_name: llama-8b, exported_namespace: llm}\n' +
              '      target: {type: AverageValue, averageValue: "1"}\n',
            '  - type: Resource\n    resource:\n      name: cpu\n' +
              '      target: {type: Utilization, averageUtilization: 80}\n',
          ),
        ),
      ],
      ...keptQwen,
      stderr: llamaError('metric cpu: cpu usage comes from the resource metrics API, which kubectl-va cannot read'),
    },
    {
      name: 'scalers: a ScalerMetrics value that is not a number',
      args: ['scalers', ...inputs(workloads, edit(metrics, 'values: [ 1, 1,', 'values: [ "x", 1,'))],
      code: 6,
      stdout: /^qwen-32b\s/m,
      stderr:
        /^error: \S+:\d+ \(ScalerMetrics\): series\[0\]\.values\[0\]: "x" is not a number; write a number or null$/m,
    },
    {
      name: 'scalers: a named scaler that does not exist',
      args: ['scalers', 'nope', ...inputs(workloads)],
      code: 3,
      stderr: /^error: llm\/nope: no HorizontalPodAutoscaler or ScaledObject of that name|^error: nope: no Horizontal/m,
    },
    {
      name: 'scalers: --threshold is not a number',
      args: ['scalers', 'qwen-32b', ...inputs(workloads), ...replay, '--threshold', 'abc'],
      code: 2,
      stderr: /^error: --threshold abc: not a positive number; use e\.g\. --threshold 0\.8/m,
    },
    {
      name: 'scalers: --threshold names an unknown metric',
      args: ['scalers', 'qwen-32b', ...inputs(workloads), ...replay, '--threshold', 'queue=3'],
      code: 2,
      stderr: /^error: --threshold queue=3: llm\/qwen-32b has no metric queue; use one of saturation$/m,
    },
    {
      name: 'scalers: --policy is unknown',
      args: ['scalers', 'qwen-32b', ...inputs(workloads), ...replay, '--policy', 'fastest'],
      code: 2,
      stderr: /^error: --policy fastest: unknown policy; use one of queue, saturation/m,
    },
    {
      name: 'scalers: --min above --max',
      args: ['scalers', 'qwen-32b', ...inputs(workloads), ...replay, '--min', '5', '--max', '2'],
      code: 2,
      stderr: /^error: --min 5: greater than --max 2; pass --min at most --max$/m,
    },
    {
      name: 'scalers: a what-if without a replay',
      args: ['scalers', ...inputs(workloads), '--threshold', '0.5'],
      code: 2,
      stderr: /need --since or --from; replay history/,
    },
    {
      name: 'scalers: a replay without a name',
      args: ['scalers', ...inputs(workloads), ...replay],
      code: 2,
      stderr: /^error: --since\/--from: name the scalers to replay; e\.g\./m,
    },
  ]
  return cases
})

/**
 * Live: the scalers of examples/scalers served by the fake API server (KEDA's CRD installed), and a Prometheus that
 * cannot be reached (a closed port). Listing (the scalers still shown, without values) and replaying fail with exit 5
 * and one error line.
 */
corpusSuite('corpus: scalers with Prometheus unreachable', async (t) => {
  const objects = parseAllDocuments(workloads).map((document) => document.toJS() as KubeObject)
  const api = await startFakeApiServer(t, [...clusterFixture('crd-keda-scaledobjects'), ...objects])
  const env = {KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})}
  const promUrl = `http://127.0.0.1:${await closedPort()}`
  const unreachable = /^error: Prometheus at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range: connection refused; check/
  return [
    {
      name: 'scalers: Prometheus unreachable (list)',
      args: ['scalers', '--prom-url', promUrl, '--prom-retries', '0'],
      env,
      code: 5,
      // The scalers are still listed, without values.
      stdout: /^qwen-32b\s+Deployment\/qwen-32b\s+<unknown>\/0\.7\s/m,
      stderr: unreachable,
    },
    {
      name: 'scalers NAME --since: Prometheus unreachable (replay)',
      args: ['scalers', 'qwen-32b', '--since', '1h', '--prom-url', promUrl, '--prom-retries', '0', '--no-chart'],
      env,
      code: 5,
      stderr: unreachable,
    },
  ]
})
