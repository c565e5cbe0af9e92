import type {KubeObject} from '../../../src/core/model/kube-object.js'
import {corpusSuite, type CorpusCase} from '../../support/corpus.js'
import {type FakeApiServer, startFakeApiServer} from '../../support/fake-api-server.js'
import {clusterFixture} from '../../support/kube-fixtures.js'
import {linearCounter, OpenMetricsBuilder, timesBetween} from '../../support/openmetrics.js'
import {startPrometheus} from '../../support/prometheus.js'

/** vLLM series for granite-13b-l40s that stopped two hours before now (a scrape outage, a dead pod). */
function stoppedSeries(): {openmetrics: string; newest: string} {
  const endS = Math.floor(Date.now() / 60_000) * 60 - 7200
  const builder = new OpenMetricsBuilder()
  const labels = {model_name: 'ibm/granite-13b', namespace: 'llm', pod: 'granite-13b-l40s-0', finished_reason: 'stop'}
  builder.counter('vllm:request_success', labels, linearCounter(timesBetween(endS - 900, endS, 15), 10))
  return {openmetrics: builder.toString(), newest: new Date(endS * 1000).toISOString().replace('.000Z', 'Z')}
}

// Wrong diagnoses: what the tool says must follow from what it read, not from an optional field of a response.
corpusSuite('diagnosis corpus', async (t) => {
  const quickstart = clusterFixture('crd-a-v0.0.4', 'shape-a-v0.0.4', 'controller-v0.0.4')
  const vaKinds = ['CustomResourceDefinition', 'VariantAutoscaling']
  const isVaType = (object: KubeObject) => vaKinds.includes(object.kind ?? '')
  const withoutCrd = quickstart.filter((object) => !isVaType(object))
  const isSaturationConfig = (object: KubeObject) =>
    object.kind === 'ConfigMap' && /saturation-scaling-config$/.test(object.metadata?.name ?? '')
  const shapeCWithoutSaturationConfig = clusterFixture('crd-c', 'shape-c', 'controller-v0.5.1').filter(
    (object) => !isSaturationConfig(object),
  )
  const stopped = stoppedSeries()
  // Proxies and aggregators that strip the 404's `details`: a missing VA and a missing CRD differ in the message only.
  const [stripped, strippedNoCrd, strippedCrdForbidden, shapeC, prom] = await Promise.all([
    startFakeApiServer(t, quickstart, {stripStatusDetails: true}),
    startFakeApiServer(t, withoutCrd, {stripStatusDetails: true}),
    startFakeApiServer(t, quickstart, {stripStatusDetails: true, forbidden: ['customresourcedefinitions']}),
    startFakeApiServer(t, shapeCWithoutSaturationConfig),
    startPrometheus(t, {openmetrics: stopped.openmetrics}),
  ])
  const kube = (api: FakeApiServer) => ({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'})})
  const cases: CorpusCase[] = [
    {
      name: '404 without details: a missing VA is "not found", since the CRD was read (exit 3)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(stripped),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; list them with "kubectl/m,
    },
    {
      name: '404 without details: get of a missing VA is "not found" too (exit 3)',
      args: ['get', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(stripped),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; /m,
    },
    {
      name: '404 without details, CRD unreadable (403): discovery says the type is served, the VA is missing (exit 3)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(strippedCrdForbidden),
      code: 3,
      stderr: /^error: namespace "team-a": variantautoscalings\.llmd\.ai "nope" not found; /m,
    },
    {
      name: '404 without details and no CRD: the CRD is not installed (exit 4)',
      args: ['describe', 'nope', '-n', 'team-a', '--no-metrics'],
      env: kube(strippedNoCrd),
      code: 4,
      stderr: /the VariantAutoscaling CRD is not installed on https:\/\/127\.0\.0\.1:\d+; is WVA installed\?/,
    },
    {
      name: 'shape C without a saturation ConfigMap: RECOMPUTED is <none>, and stderr says why and how to fix it',
      args: ['get', '--no-metrics'],
      env: kube(shapeC),
      code: 0,
      stdout: /^qwen3-va\s.*\s<none>$/m,
      stderr: new RegExp(
        '^warning: no saturation config: ConfigMap workload-variant-autoscaler-saturation-scaling-config not ' +
          'found in wva-system or llm, so the controller skips the models of VA llm/qwen3-va and RECOMPUTED is ' +
          'unknown; create it',
        'm',
      ),
    },
    {
      name: 'series older than the window, no --at: every metric is "-", and stderr says so once, suggesting --at',
      args: ['get'],
      env: {...kube(stripped), KUBECTL_VA_PROM_URL: prom.url},
      code: 0,
      stdout: /^granite-13b-l40s\s+<unknown>\s+<unknown>\s+<unknown>\s/m,
      stderr: new RegExp(
        `^warning: prometheus: no samples in the last 1m: the newest vLLM samples in llm are from ${stopped.newest}, ` +
          `so every metric shows as <unknown>; pass --at=${stopped.newest} to see them as they were then\n$`,
      ),
    },
  ]
  return cases
})
