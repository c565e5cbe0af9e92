// Times a 7-day replay at 1m (10,080 steps) for one VA: the optimizer with and without memoisation, then the
// whole replay (range queries + decisions) against a real Prometheus backfilled with the test scenario.
// Prints, never asserts. Run: npm run build && node_modules/.bin/node dist/bench/replay.js [--no-prometheus]
import {performance} from 'node:perf_hooks'

import {readManifests} from '../src/core/read/manifests/read-manifests.js'
import {decideModelBased} from '../src/core/decide/queueing/model-based.js'
import {createPrometheusClient} from '../src/core/read/prometheus/client.js'
import {resolveDecisionTargets} from '../src/core/simulate/decision-template.js'
import {replayFromPrometheus} from '../src/core/run/fetch-history.js'
import {replayHistory} from '../src/core/simulate/replay.js'
import {
  daySeconds,
  expectedLoadAt,
  replayDayStartS,
  replayScenarioOpenMetrics,
} from '../test/integration/replay/scenario.js'
import {repoRoot} from '../test/support/paths.js'
import {startPrometheus} from '../test/support/prometheus.js'
import {parseClusterState} from '../src/core/model/cluster-state.js'
import {replaySaturation} from '../src/core/simulate/saturation-replay.js'

const days = 7
const stepSeconds = 60
const steps = (days * daySeconds) / stepSeconds
const sources = (await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources
const target = resolveDecisionTargets(parseClusterState(sources), {}, {probeLoad: true}).find(
  (t) => t.name === 'llama-8b-h100',
)!
const grid = {startMs: replayDayStartS * 1000 + 60_000, stepSeconds, count: steps}
const measured = Array.from({length: steps}, (_, k) => grid.startMs / 1000 + k * stepSeconds).flatMap((t) => {
  const load = expectedLoadAt(t)
  return load === undefined ? [] : [{timeMs: t * 1000, ...load}]
})
const input = {
  namespace: 'llm',
  name: 'llama-8b-h100',
  modelID: 'meta/llama-3.1-8b',
  template: target.template,
  whatIf: {},
  initialReplicas: 2,
  slo: {ttftMs: 500, itlMs: 24},
  measured,
}

console.log(`replay: ${steps} steps (${days} days at ${stepSeconds}s), 1 VA, node ${process.version}`)
let start = performance.now()
let sink = 0
for (const point of measured) {
  sink +=
    decideModelBased({
      ...target.template!,
      arrivalRateRpm: point.arrivalRateRpm,
      avgInputTokens: point.avgInputTokens ?? 0,
      avgOutputTokens: point.avgOutputTokens ?? 0,
      currentReplicas: 2,
    }).desired?.numReplicas ?? 0
}
console.log(`  optimizer, no memo:   ${(performance.now() - start).toFixed(0)} ms`)
start = performance.now()
const replayed = replayHistory([input], grid)
console.log(
  `  optimizer, memoised:  ${(performance.now() - start).toFixed(0)} ms  (memo ${JSON.stringify(replayed.memo)})`,
)
// Real traffic is noisy: ±5 % deterministic jitter makes nearly every per-replica rate new (worst case for the memo).
const noisy = {
  ...input,
  measured: measured.map((point, k) => ({
    ...point,
    arrivalRateRpm: point.arrivalRateRpm * (1 + 0.05 * Math.sin(k * 12.9898)),
  })),
}
start = performance.now()
const noisyReplay = replayHistory([noisy], grid)
console.log(
  `  optimizer, memoised, ±5 % noisy load: ${(performance.now() - start).toFixed(0)} ms  (memo ${JSON.stringify(noisyReplay.memo)})`,
)

// The saturation replay (controller cycles every 30 s) on examples/saturation-v0.5: 2 VAs of one model, 2 pods each,
// one day at 30 s with a daily wave of KV and queue readings, so that few cycles repeat the previous one.
{
  const saturationSources = (await readManifests([`${repoRoot}/examples/saturation-v0.5/granite-8b.yaml`])).sources
  const count = daySeconds / 30
  const wave = (k: number, phase: number) => 0.5 + 0.45 * Math.sin((2 * Math.PI * k) / count + phase)
  const pods = ['granite-8b-h100-decode', 'granite-8b-l40s-decode'].flatMap((deployment, d) =>
    ['aaaaa', 'bbbbb'].map((suffix, p) => ({
      namespace: 'llm',
      name: `${deployment}-5d8f7-${suffix}`,
      modelID: 'ibm/granite-3.3-8b',
      kvCacheUsage: Array.from({length: count}, (_, k) => wave(k, d + p / 2)),
      queueLength: Array.from({length: count}, (_, k) => Math.round(6 * wave(k, d + p / 2 + 1))),
    })),
  )
  const saturationGrid = {startMs: replayDayStartS * 1000, stepSeconds: 30, count}
  for (const round of ['cold', 'warm']) {
    start = performance.now()
    const items = replaySaturation(parseClusterState(saturationSources), {pods}, saturationGrid)
    const total = performance.now() - start
    const work = items.map((item) => ({
      cycles: item.steps.reduce((sum, step) => sum + step.saturation.cycles, 0),
      actions: item.steps.filter((step) => step.saturation.action !== null).length,
      replicaSteps: item.steps.reduce((sum, step) => sum + (step.desiredReplicas ?? 0), 0),
    }))
    console.log(`  saturation replay (${round}): ${total.toFixed(0)} ms, ${count} steps, ${JSON.stringify(work)}`)
  }
}

if (!process.argv.includes('--no-prometheus')) {
  const cleanups: Array<() => unknown> = []
  start = performance.now()
  const prom = await startPrometheus(
    {after: (fn) => cleanups.push(fn)},
    {openmetrics: replayScenarioOpenMetrics({days, sampleSeconds: 30})},
  )
  console.log(
    `  backfill ${days} days (30 s samples) and start Prometheus: ${(performance.now() - start).toFixed(0)} ms (setup, not part of a replay)`,
  )
  const client = createPrometheusClient({url: prom.url, timeoutMs: 60_000})
  const range = {
    start: new Date(grid.startMs),
    end: new Date(grid.startMs + (steps - 1) * stepSeconds * 1000),
    stepSeconds,
  }
  for (const round of ['cold', 'warm']) {
    start = performance.now()
    const result = await replayFromPrometheus(client, parseClusterState(sources), range, {
      whatIf: {},
      names: ['llama-8b-h100'],
    })
    const total = performance.now() - start
    console.log(
      `  whole replay via Prometheus (${round}): ${total.toFixed(0)} ms, ${result.requests} range requests, ${result.items[0]!.steps.length} steps`,
    )
  }
  await client.close()
  for (const cleanup of cleanups.reverse()) await cleanup()
}
if (sink < 0) console.log(sink)
