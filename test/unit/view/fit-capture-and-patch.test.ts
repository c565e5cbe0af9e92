import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {parse as parseYaml} from 'yaml'

import {evaluateFitSeries, windowRate} from '../../../src/core/collect/fit-series.js'
import {fitProfile} from '../../../src/core/decide/fit/index.js'
import {parseClusterState} from '../../../src/core/model/cluster-state.js'
import {fitMetricNames, fitPromQL} from '../../../src/core/plan/fit-queries.js'
import {parseSamples} from '../../../src/core/read/capture/samples.js'
import {readManifests} from '../../../src/core/read/manifests/read-manifests.js'
import {renderFitPatch} from '../../../src/core/render/fit.js'
import {buildFitPatch, buildFitView, configMapKey} from '../../../src/core/view/fit.js'
import {repoRoot} from '../../support/paths.js'
import {syntheticFitPoints} from '../../support/profile-traffic.js'

const wanted = fitMetricNames()

describe('capture parsing', () => {
  test('OpenMetrics with second timestamps and promtool dump lines with millisecond ones', () => {
    const text = [
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{namespace="llm",pod="a",model_name="m"} 3 1700000000',
      'vllm:num_requests_running{namespace="llm",pod="a",model_name="m"} 4 1700000015.5',
      '{__name__="vllm:num_requests_running", namespace="llm", pod="b", model_name="m"} 7 1700000000000',
      'vllm:something_else{pod="a"} 1 1700000000',
      '# EOF',
    ].join('\n')
    const series = parseSamples(text, wanted)
    assert.equal(series.length, 2)
    assert.deepEqual(series[0], {
      name: 'vllm:num_requests_running',
      labels: {namespace: 'llm', pod: 'a', model_name: 'm'},
      timesMs: [1_700_000_000_000, 1_700_000_015_500],
      values: [3, 4],
    })
    assert.deepEqual(series[1]!.labels, {namespace: 'llm', pod: 'b', model_name: 'm'})
  })

  test('label values keep escaped quotes, backslashes and newlines', () => {
    const series = parseSamples('vllm:num_requests_running{pod="a\\"b\\\\c\\nd"} 1 1\n', wanted)
    assert.equal(series[0]!.labels.pod, 'a"b\\c\nd')
  })

  test("windowRate is Prometheus' extrapolated rate, and handles a counter reset", () => {
    const series = {name: 'c', labels: {}, timesMs: [15_000, 30_000, 45_000, 60_000], values: [10, 20, 30, 40]}
    // Samples in (0, 60s]: an increase of 30 over 45 s; the 15 s to the window's start are under 1.1 sample
    // intervals, so the increase is extrapolated all the way to it (and not beyond where the counter was 0).
    assert.ok(Math.abs(windowRate(series, 0, 4, 60_000, 60_000)! - (30 * (60 / 45)) / 60) < 1e-12)
    const reset = {...series, values: [10, 20, 5, 15]}
    assert.ok(Math.abs(windowRate(reset, 0, 4, 60_000, 60_000)! - (25 * (60 / 45)) / 60) < 1e-12)
    // A counter that started at 0 within the window is not extrapolated past its start.
    const young = {...series, values: [1, 11, 21, 31]}
    assert.ok(Math.abs(windowRate(young, 0, 4, 60_000, 60_000)! - (30 * ((45 + 1.5) / 45)) / 60) < 1e-12)
    assert.equal(windowRate(series, 3, 4, 60_000, 60_000), undefined)
  })

  test('every metric the PromQL names is read from a capture, and the other way round', () => {
    const promql = fitPromQL({namespace: 'llm', modelID: 'm'}, '1m')
      .map((q) => q.promql)
      .join('\n')
    for (const name of wanted) assert.ok(promql.includes(`${name}{`), name)
    assert.equal(fitPromQL({namespace: 'llm', modelID: 'm'}, '1m').length, 17)
  })

  test('evaluateFitSeries: means, counts and the batch spread of one pod', () => {
    const labels = {namespace: 'llm', pod: 'p', model_name: 'm'}
    const line = (name: string, value: number, t: number) =>
      `${name}{namespace="llm",pod="p",model_name="m"} ${value} ${t}`
    const lines: string[] = []
    for (let k = 0; k <= 8; k++) {
      const t = 1000 + 15 * k
      lines.push(line('vllm:num_requests_running', k < 6 ? 8 : 12, t))
      lines.push(line('vllm:inter_token_latency_seconds_sum', 0.01 * 100 * k, t))
      lines.push(line('vllm:inter_token_latency_seconds_count', 100 * k, t))
    }
    const samples = parseSamples(lines.join('\n'), wanted)
    assert.equal(samples[0]!.labels.pod, labels.pod)
    const range = {
      start: new Date(1_060_000),
      end: new Date(1_120_000),
      stepSeconds: 60,
      windowMs: 60_000,
      window: '1m',
    }
    const {points} = evaluateFitSeries(samples, {namespace: 'llm', modelID: 'm'}, range)
    assert.equal(points.length, 2)
    assert.ok(Math.abs(points[0]!.itlMs! - 10) < 1e-9)
    assert.equal(points[0]!.batch, 8)
    assert.equal(points[0]!.batchSpread, 0)
    assert.equal(points[1]!.batchSpread, 4)
    assert.equal(points[1]!.batch, (8 + 12 + 12 + 12) / 4)
  })
})

describe('the -o yaml patch', () => {
  const points = syntheticFitPoints({
    profile: {form: 'v0.5', alpha: 7.47, beta: 0.044, gamma: 15.415, delta: 0.000337},
    pods: 1,
    steps: 300,
  })
  const range = {start: '2025-12-01T00:00:00.000Z', end: '2025-12-01T05:00:00.000Z', stepSeconds: 60, window: '1m'}

  test("shape A: the accelerator list with this accelerator's perfParms replaced, the other entries kept", async () => {
    const state = parseClusterState((await readManifests([`${repoRoot}/examples/quickstart.yaml`])).sources)
    const {view} = buildFitView({
      target: {namespace: 'llm', modelID: 'meta/llama-3.1-8b', variantAutoscaling: 'llama-8b-h100'},
      source: 'capture',
      range,
      result: fitProfile(points, ['v0.5']),
      state,
      slo: {ttftMs: undefined, itlMs: undefined},
      maxBatchSize: undefined,
    })
    assert.equal(view.configured?.parameters.alpha, 7.47)
    assert.deepEqual(
      view.decisions.map((d) => d.profile),
      ['configured', 'fitted'],
    )
    const patch = buildFitPatch(view, state)!
    assert.equal(patch.kind, 'variantautoscaling')
    const document = parseYaml(renderFitPatch(patch)) as {
      spec: {modelProfile: {accelerators: Array<{acc: string; maxBatchSize: number; perfParms: unknown}>}}
    }
    const [entry] = document.spec.modelProfile.accelerators
    assert.equal(entry!.acc, 'H100')
    assert.equal(entry!.maxBatchSize, 512)
    const decode = (entry!.perfParms as {decodeParms: {alpha: string}}).decodeParms
    assert.ok(Math.abs(Number(decode.alpha) - 7.47) < 0.2, decode.alpha)
  })

  test('v0.6 without a VA: a wva-queueing-model-config entry with the targets and the fit as comments', () => {
    const v06 = syntheticFitPoints({
      profile: {form: 'v0.6', alpha: 6.2, beta: 0.011, gamma: 0.00042},
      pods: 1,
      steps: 300,
    })
    const {view} = buildFitView({
      target: {namespace: 'llm', modelID: 'ibm/granite-8b', variantAutoscaling: undefined},
      source: 'capture',
      range,
      result: fitProfile(v06, ['v0.6']),
      state: undefined,
      slo: {ttftMs: 300, itlMs: 30},
      maxBatchSize: 64,
    })
    const patch = buildFitPatch(view, undefined)!
    assert.equal(patch.kind, 'configmap')
    assert.match(
      patch.apply,
      /^kubectl patch configmap wva-queueing-model-config -n workload-variant-autoscaler-system /,
    )
    const key = configMapKey('llm', 'ibm/granite-8b')
    assert.equal(key, 'llm.ibm-granite-8b')
    const entry = parseYaml((patch.document.data as Record<string, string>)[key]!) as Record<string, unknown>
    assert.deepEqual(entry, {model_id: 'ibm/granite-8b', namespace: 'llm', targetTTFT: 300, targetITL: 30})
    assert.match((patch.document.data as Record<string, string>)[key]!, /^# alpha: 6\.\d+ \(95 % /m)
    assert.equal(view.decisions[0]!.outcome, 'sized')
  })
})
