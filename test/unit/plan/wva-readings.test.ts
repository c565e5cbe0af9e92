import assert from 'node:assert/strict'
import {test} from 'node:test'

import {wvaQueries} from '../../../src/core/plan/wva-queries.js'
import {wvaGaugeReadings, wvaReadings, wvaVariantGauges} from '../../../src/core/plan/wva-readings.js'

const sel = 'namespace="llm",model_name="granite-8b"'
const params = {namespace: 'llm', modelID: 'granite-8b'}

function reading(release: Parameters<typeof wvaReadings>[0], name: string, extra = {}) {
  const found = wvaReadings(release, {...params, ...extra}).find((candidate) => candidate.name === name)
  assert.ok(found, `${release} has no reading ${name}`)
  return found
}

test('each reading starts with the controller query, exactly as wvaQueries renders it', () => {
  for (const release of ['v0.5.0', 'v0.5.1', 'v0.6', 'v0.7', 'v0.8', 'v0.9'] as const) {
    const extra = {throughputAnalyzer: true, retentionPeriodMs: 600_000, engines: ['vllm', 'sglang'] as const}
    const readings = wvaReadings(release, {...params, ...extra})
    const queries = wvaQueries(release, {...params, ...extra})
    assert.deepEqual(
      readings.map((r) => [r.name, r.alternatives[0]!.promql, r.alternatives[0]!.source]),
      queries.map((q) => [q.name, q.promql, 'controller']),
    )
    for (const r of readings) {
      assert.ok(r.alternatives.slice(1).every((alternative) => alternative.source === 'fallback' && alternative.why))
      assert.equal(new Set(r.alternatives.map((alternative) => alternative.promql)).size, r.alternatives.length)
    }
  }
})

test('ITL: v0.6 falls back to the new vLLM name, v0.7+ to the old one, then to SGLang', () => {
  const v06 = reading('v0.6', 'avg_itl').alternatives
  assert.deepEqual(
    v06.map((alternative) => alternative.name),
    ['avg_itl', 'avg_itl~inter_token_latency', 'avg_itl~sglang'],
  )
  assert.equal(
    v06[1]!.promql,
    `max by (pod) (rate(vllm:inter_token_latency_seconds_sum{${sel}}[1m]) / ` +
      `rate(vllm:inter_token_latency_seconds_count{${sel}}[1m]))`,
  )
  assert.equal(
    v06[2]!.promql,
    `max by (pod) (rate(sglang:inter_token_latency_seconds_sum{${sel}}[1m]) / ` +
      `rate(sglang:inter_token_latency_seconds_count{${sel}}[1m]))`,
  )
  const v08 = reading('v0.8', 'avg_itl').alternatives
  assert.equal(v08[1]!.name, 'avg_itl~time_per_output_token')
  assert.equal(
    v08[1]!.promql,
    `max by (instance, pod, llm_d_ai_variant) (rate(vllm:time_per_output_token_seconds_sum{${sel}}[1m]) / ` +
      `rate(vllm:time_per_output_token_seconds_count{${sel}}[1m]))`,
  )
})

test('EPP: the renamed families follow, with endpoint_name kept on the scheduler attempts', () => {
  const queue = reading('v0.8', 'scheduler_queue_size').alternatives
  assert.deepEqual(
    queue.map((alternative) => alternative.promql),
    ['inference_extension_', 'llm_d_epp_', 'llm_d_router_epp_'].map(
      (prefix) =>
        `sum(${prefix}flow_control_queue_size{target_model_name="granite-8b"}) or ` +
        `sum(${prefix}flow_control_queue_size{model_name="granite-8b",target_model_name=""})`,
    ),
  )
  const dispatch = reading('v0.9', 'scheduler_dispatch_rate').alternatives
  assert.equal(dispatch[1]!.name, 'scheduler_dispatch_rate~llm_d_epp')
  assert.equal(
    dispatch[1]!.promql,
    'sum by (pod_name, endpoint_name, port, namespace) (rate(llm_d_epp_scheduler_attempts_total{status="success",' +
      'namespace="llm",target_model_name="granite-8b"}[1m])) or sum by (pod_name, endpoint_name, port, namespace) ' +
      '(rate(llm_d_epp_scheduler_attempts_total{status="success",namespace="llm",model_name="granite-8b",' +
      'target_model_name=""}[1m]))',
  )
  const arrival = reading('v0.9', 'model_arrival_rate', {throughputAnalyzer: true}).alternatives
  assert.equal(
    arrival[1]!.promql,
    'sum by (namespace) (rate(llm_d_epp_scheduler_attempts_total{status="success",namespace="llm",' +
      'target_model_name="granite-8b"}[1m]))',
  )
})

test('SGLang: offered for vLLM readings unless v0.9 already sends the SGLang query', () => {
  const kv = reading('v0.7', 'kv_cache_usage').alternatives
  assert.equal(kv[1]!.promql, `max by (pod) (max_over_time(sglang:token_usage{${sel}}[1m]))`)
  assert.match(kv[1]!.why!, /reads vLLM metrics only/)
  const v09 = reading('v0.9', 'cache_config_info').alternatives
  assert.equal(v09[1]!.promql, `max by (instance, pod, llm_d_ai_variant) (sglang:max_total_num_tokens{${sel}})`)
  assert.match(v09[1]!.why!, /did not detect/)
  const mixed = reading('v0.9', 'cache_config_info', {engines: ['vllm', 'sglang']}).alternatives
  assert.equal(mixed.length, 1)
  const requestRate = reading('v0.8', 'vllm_request_rate', {throughputAnalyzer: true}).alternatives
  assert.equal(
    requestRate[1]!.promql,
    `sum by (instance, pod, llm_d_ai_variant) (rate(sglang:generation_tokens_histogram_count{${sel}}[1m]))`,
  )
  const count = reading('v0.6', 'model_request_count', {retentionPeriodMs: 3_600_000}).alternatives
  assert.equal(count[1]!.promql, `sum(increase(sglang:num_requests_total{${sel}}[1h]))`)
})

test('exported gauges: exported_namespace first, then namespace guarded by an empty exported_namespace', () => {
  assert.deepEqual(wvaVariantGauges('v0.7'), ['wva_desired_replicas', 'wva_current_replicas', 'wva_desired_ratio'])
  assert.equal(wvaVariantGauges('v0.8').length, 8)
  assert.equal(wvaVariantGauges('v0.9').at(-1), 'wva_saturation_metrics_up')
  const [desired] = wvaGaugeReadings('v0.9', {variantName: 'decode-hpa', namespace: 'llm-d-sim'})
  assert.deepEqual(
    desired!.alternatives.map((alternative) => alternative.promql),
    [
      'wva_desired_replicas{variant_name="decode-hpa",exported_namespace="llm-d-sim"}',
      'wva_desired_replicas{variant_name="decode-hpa",namespace="llm-d-sim",exported_namespace=""}',
    ],
  )
  const [escaped] = wvaGaugeReadings('v0.6', {variantName: 'a"b', namespace: 'ns'})
  assert.equal(escaped!.alternatives[0]!.promql, 'wva_desired_replicas{variant_name="a\\"b",exported_namespace="ns"}')
})
