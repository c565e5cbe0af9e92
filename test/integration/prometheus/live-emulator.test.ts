import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {test} from 'node:test'

import {collectModelMetrics} from '../../../src/core/collect/model-metrics.js'
import {collectPodMetrics} from '../../../src/core/collect/pod-metrics.js'
import {createPrometheusClient} from '../../../src/core/read/prometheus/client.js'
import {startPrometheus} from '../../support/prometheus.js'
import {startVllmEmulator} from '../../support/vllm-emulator.js'

/** Relative tolerance for live rates: counters are integers and scrapes jitter by milliseconds. */
const liveTolerance = 0.05

// The wait for enough scrapes has no deadline of its own: node:test's timeout ends a test that never gets them.
const measuresTheLoad = 'a live Prometheus scraping two emulated vLLM pods every second measures the configured load'
test(measuresTheLoad, {timeout: 120_000}, async (t) => {
  const model = 'ibm-granite/granite-3.3-8b-instruct'
  const newPod = await startVllmEmulator(t, {
    modelName: model,
    version: '0.12',
    requestsPerS: 40,
    promptTokens: 128,
    outputTokens: 64,
    ttftS: 0.05,
    itlS: 0.02,
    kvCacheUsage: 0.5,
  })
  const oldPod = await startVllmEmulator(t, {
    modelName: model,
    version: '0.10',
    requestsPerS: 20,
    promptTokens: 512,
    outputTokens: 64,
    ttftS: 0.05,
    itlS: 0.02,
    kvCacheUsage: 0.25,
  })
  const prom = await startPrometheus(t, {
    scrapeIntervalS: 1,
    scrapeTargets: [
      {address: newPod.address, labels: {namespace: 'live', pod: 'granite-new'}},
      {address: oldPod.address, labels: {namespace: 'live', pod: 'granite-old'}},
    ],
  })
  const client = createPrometheusClient({url: prom.url, timeoutMs: 5000})
  t.after(() => client.close())

  // Wait until both pods have at least 6 scrapes inside an 8 s window (a 5 s rate window then holds ≥ 5 samples).
  for (;;) {
    const answer = await client.query(
      'min(count_over_time(vllm:request_success_total{finished_reason="stop"}[8s])) and count(count by (pod) ' +
        '(vllm:request_success_total)) == 2',
    )
    if (answer.data.kind === 'vector' && (answer.data.samples[0]?.value ?? 0) >= 6) break
    await sleep(250)
  }

  const {models, warnings} = await collectModelMetrics(client, [{namespace: 'live', modelID: model}], {window: '5s'})
  assert.deepEqual(warnings, [])
  const measured = models[0]!
  const expectedRpm = (40 + 20) * 60
  t.diagnostic(`measured ${JSON.stringify(measured)}`)
  const rateError = Math.abs(measured.arrivalRateRpm! - expectedRpm) / expectedRpm
  assert.ok(rateError < liveTolerance, `arrival ${measured.arrivalRateRpm} rpm vs ${expectedRpm} (error ${rateError})`)
  // Request-weighted: (40×128 + 20×512)/60 = 256 tokens, within the counters' integer rounding.
  assert.ok(Math.abs(measured.avgInputTokens! - 256) / 256 < liveTolerance, `input tokens ${measured.avgInputTokens}`)
  assert.ok(Math.abs(measured.ttftMs! - 50) < 1e-6, `TTFT ${measured.ttftMs}`)
  // ITL comes from inter_token_latency on the new pod and from TPOT on the old one.
  assert.ok(Math.abs(measured.itlMs! - 20) < 1e-6, `ITL ${measured.itlMs}`)

  const {pods} = await collectPodMetrics(client, [{namespace: 'live', modelID: model}])
  assert.deepEqual(
    pods.map((p) => [p.name, p.kvCacheUsage, p.queueLength]),
    [
      ['granite-new', 0.5, 0],
      ['granite-old', 0.25, 0],
    ],
  )
  assert.ok(newPod.scrapes >= 6 && oldPod.scrapes >= 6)
})
