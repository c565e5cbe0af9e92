import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  defaultWvaRetentionPeriodMs,
  detectInferenceEngine,
  formatWvaRetentionPeriod,
  presentInferenceEngines,
  renderWvaTemplate,
  wvaQueries,
  wvaQueryCatalog,
  wvaQueryReleases,
  type WvaQueryRelease,
} from '../../../src/core/plan/wva-queries.js'
import {upstreamTemplates} from './upstream-templates.js'

/** The names upstream registers in internal/collector/registration/*.go. */
function registered(release: WvaQueryRelease) {
  return wvaQueryCatalog(release).filter((query) => query.name !== 'up' && query.name !== 'epp_pool_queue_size')
}

for (const release of wvaQueryReleases) {
  test(`${release}: every registered template is byte-identical to upstream's`, () => {
    const ours = new Map(registered(release).map((query) => [query.name, query]))
    const theirs = upstreamTemplates[release]!
    assert.deepEqual([...ours.keys()].sort(), theirs.map((query) => query.name).sort())
    for (const upstream of theirs) {
      const query = ours.get(upstream.name)!
      assert.equal(query.template, upstream.template, `${release} ${upstream.name}`)
      assert.equal(query.file, upstream.file, `${release} ${upstream.name} file`)
    }
  })

  test(`${release}: the declared parameters are exactly the placeholders`, () => {
    for (const query of wvaQueryCatalog(release)) {
      const placeholders = [...query.template.matchAll(/\{\{\.(\w+)\}\}/g)].map((match) => match[1])
      assert.deepEqual([...new Set(placeholders)].sort(), [...query.params].sort(), `${release} ${query.name}`)
    }
  })
}

const sel = 'namespace="llm",model_name="granite-8b"'
const names = (release: WvaQueryRelease, extra: Partial<Parameters<typeof wvaQueries>[1]> = {}) =>
  wvaQueries(release, {namespace: 'llm', modelID: 'granite-8b', ...extra}).map((query) => query.name)

test('v0.6 sends the per-replica batch every cycle; never the scheduler queue it registers', () => {
  assert.deepEqual(names('v0.6'), [
    'kv_cache_usage',
    'queue_length',
    'cache_config_info',
    'avg_output_tokens',
    'avg_input_tokens',
    'prefix_cache_hit_rate',
    'scheduler_dispatch_rate',
    'avg_ttft',
    'avg_itl',
  ])
  assert.deepEqual(names('v0.5.0'), ['kv_cache_usage', 'queue_length'])
  assert.deepEqual(names('v0.5.1'), names('v0.6').slice(0, 6))
  assert.deepEqual(names('v0.7'), names('v0.6'))
  const queue = wvaQueryCatalog('v0.7').find((query) => query.name === 'scheduler_queue_size')!
  assert.equal(queue.sent, 'never')
})

test('v0.8 adds the scheduler queue after the batch, and the throughput analyzer queries only when enabled', () => {
  const base = names('v0.8')
  assert.deepEqual(base.slice(-2), ['scheduler_queue_size', 'scheduler_queue_bytes'])
  assert.equal(base.length, 11)
  const withTa = names('v0.8', {throughputAnalyzer: true})
  assert.deepEqual(withTa.slice(9, 12), ['generation_token_rate', 'kv_usage_instant', 'vllm_request_rate'])
  assert.equal(withTa.length, 14)
})

test('v0.9 puts the dispatch rate first, adds SGLang per engine, and the arrival rate with the analyzer', () => {
  assert.equal(names('v0.9')[0], 'scheduler_dispatch_rate')
  assert.deepEqual(names('v0.9'), names('v0.9', {engines: ['vllm']}))
  const mixed = names('v0.9', {engines: ['vllm', 'sglang', 'vllm']})
  assert.deepEqual(mixed.slice(0, 5), [
    'scheduler_dispatch_rate',
    'kv_cache_usage',
    'sglang/kv_cache_usage',
    'queue_length',
    'sglang/queue_length',
  ])
  assert.equal(mixed.length, 1 + 8 * 2 + 2)
  const sglangOnly = names('v0.9', {engines: ['sglang'], throughputAnalyzer: true, retentionPeriodMs: 600_000})
  assert.ok(sglangOnly.includes('sglang/request_rate'))
  assert.ok(sglangOnly.includes('model_arrival_rate'))
  // The enforcer always asks for the vLLM request count (CollectModelRequestCount), whatever the engine.
  assert.equal(sglangOnly.at(-1), 'model_request_count')
  // Before v0.9 an SGLang engine changes nothing: the controller only knows vLLM metrics.
  assert.deepEqual(names('v0.8', {engines: ['sglang']}), names('v0.8'))
})

test('rendered queries for one model (v0.6 and v0.9), byte for byte', () => {
  const v06 = wvaQueries('v0.6', {namespace: 'llm', modelID: 'granite-8b'})
  assert.equal(
    v06.find((query) => query.name === 'avg_itl')!.promql,
    `max by (pod) (rate(vllm:time_per_output_token_seconds_sum{${sel}}[1m]) / ` +
      `rate(vllm:time_per_output_token_seconds_count{${sel}}[1m]))`,
  )
  assert.equal(
    v06.find((query) => query.name === 'scheduler_dispatch_rate')!.promql,
    'sum by (pod_name, namespace) (rate(inference_extension_scheduler_attempts_total{status="success",' +
      'namespace="llm",target_model_name="granite-8b"}[1m])) or sum by (pod_name, namespace) ' +
      '(rate(inference_extension_scheduler_attempts_total{status="success",namespace="llm",' +
      'model_name="granite-8b",target_model_name=""}[1m]))',
  )
  const v09 = wvaQueries('v0.9', {namespace: 'llm', modelID: 'granite-8b', retentionPeriodMs: 15 * 60_000})
  assert.equal(
    v09.find((query) => query.name === 'cache_config_info')!.promql,
    'max by (instance, pod, llm_d_ai_variant, num_gpu_blocks, block_size) (vllm:cache_config_info{namespace="llm"})',
  )
  assert.equal(
    v09.find((query) => query.name === 'scheduler_queue_size')!.promql,
    'sum(inference_extension_flow_control_queue_size{target_model_name="granite-8b"}) or ' +
      'sum(inference_extension_flow_control_queue_size{model_name="granite-8b",target_model_name=""})',
  )
  // scale_to_zero_test.go ("should format retention period correctly in query"): 15 minutes → [15m].
  assert.equal(
    v09.find((query) => query.name === 'model_request_count')!.promql,
    `sum(increase(vllm:request_success_total{${sel}}[15m]))`,
  )
})

test('parameters are escaped as upstream EscapePromQLValue does (query_template_test.go and others)', () => {
  // prometheus_source_test.go "should escape params so PromQL is safe (no injection)".
  const injected = wvaQueries('v0.7', {namespace: 'safe-ns', modelID: 'x",namespace="other"'})[0]!.promql
  assert.ok(injected.includes('model_name="x\\",namespace=\\"other\\""'))
  assert.doesNotMatch(injected, /namespace="other"/)
  // query_template_test.go cases, through a one-placeholder template.
  const cases: Array<[string, string]> = [
    ['', ''],
    ['\\', '\\\\'],
    ['foo\\bar', 'foo\\\\bar'],
    ['\\\\', '\\\\\\\\'],
    ['"', '\\"'],
    ['foo"bar', 'foo\\"bar'],
    ['""', '\\"\\"'],
    ['\\""', '\\\\\\"\\"'],
    ['test-ns', 'test-ns'],
    ['prod",namespace="other"', 'prod\\",namespace=\\"other\\"'],
  ]
  for (const [value, escaped] of cases) assert.equal(renderWvaTemplate('{{.modelID}}', {modelID: value}), escaped)
  // One pass: a value that looks like a placeholder is not substituted again.
  assert.equal(
    renderWvaTemplate('{{.modelID}}/{{.namespace}}', {modelID: '{{.namespace}}', namespace: 'ns'}),
    '{{.namespace}}/ns',
  )
  // A placeholder without a value is left as it is.
  assert.equal(renderWvaTemplate('[{{.retentionPeriod}}]', {}), '[{{.retentionPeriod}}]')
})

test('retention periods are formatted as FormatPrometheusDuration does', () => {
  assert.equal(formatWvaRetentionPeriod(defaultWvaRetentionPeriodMs), '10m')
  assert.equal(formatWvaRetentionPeriod(15 * 60_000), '15m')
  assert.equal(formatWvaRetentionPeriod(90_000), '90s')
  assert.equal(formatWvaRetentionPeriod(3_600_000), '1h')
  assert.equal(formatWvaRetentionPeriod(5_400_000), '90m')
  assert.equal(formatWvaRetentionPeriod(86_400_000), '1d')
  assert.equal(formatWvaRetentionPeriod(2 * 86_400_000), '2d')
  assert.equal(formatWvaRetentionPeriod(1_500), '1s')
  assert.equal(formatWvaRetentionPeriod(2_500), '2s')
  assert.equal(formatWvaRetentionPeriod(10), '1s')
})

test('the coordinator pool query is sent only at v0.8+ and only with a pool', () => {
  assert.ok(!names('v0.8').includes('epp_pool_queue_size'))
  const pool = wvaQueries('v0.8', {namespace: 'llm', modelID: 'm', inferencePool: 'pool-a'}).at(-1)!
  assert.deepEqual(pool, {
    name: 'epp_pool_queue_size',
    logical: 'epp_pool_queue_size',
    promql: 'sum(inference_extension_flow_control_queue_size{inference_pool="pool-a"})',
    usedBy: ['gpu-rebalance'],
  })
  assert.ok(!names('v0.7', {inferencePool: 'pool-a'}).includes('epp_pool_queue_size'))
})

test('engines: detected as v0.9 inferenceengine.Detect does, and ordered vLLM first', () => {
  const template = (container: Record<string, unknown>) => ({spec: {containers: [{name: 'main', ...container}]}})
  assert.equal(detectInferenceEngine(template({image: 'lmsysorg/SGLang:v0.5'})), 'sglang')
  const launch = template({image: 'x', command: ['python', '-m', 'sglang.launch_server']})
  assert.equal(detectInferenceEngine(launch), 'sglang')
  const shell = template({image: 'x', command: ['/bin/sh', '-c'], args: ['sglang serve']})
  assert.equal(detectInferenceEngine(shell), 'sglang')
  assert.equal(detectInferenceEngine(template({image: 'x', command: ['python', '-m', 'sglang_bench']})), 'vllm')
  assert.equal(detectInferenceEngine(template({image: 'vllm/vllm-openai:v0.11.0'})), 'vllm')
  assert.equal(detectInferenceEngine(undefined), 'vllm')
  const sglang = template({image: 'sglang'})
  const vllm = template({image: 'vllm'})
  assert.deepEqual(presentInferenceEngines([sglang, vllm]), ['vllm', 'sglang'])
  assert.deepEqual(presentInferenceEngines([sglang]), ['sglang'])
  assert.deepEqual(presentInferenceEngines([]), ['vllm'])
  assert.deepEqual(names('v0.9', {engines: ['sglang', 'vllm']}), names('v0.9', {engines: ['vllm', 'sglang']}))
})

// The assertions upstream's own tests make, on our rendering (they pin substrings, not whole strings).
test('upstream expectations hold: queueing_model_test, throughput_analyzer_test, scale_to_zero_test', () => {
  const render = (release: WvaQueryRelease, name: string, extra = {}) =>
    wvaQueries(release, {namespace: 'test-ns', modelID: 'test-model', throughputAnalyzer: true, ...extra}).find(
      (query) => query.name === name,
    )!.promql
  // v0.7.0 queueing_model_test.go
  const dispatch = render('v0.7', 'scheduler_dispatch_rate')
  for (const part of ['pod_name', 'inference_extension_scheduler_attempts_total', 'status="success"']) {
    assert.ok(dispatch.includes(part), part)
  }
  const ttft = render('v0.7', 'avg_ttft')
  assert.ok(ttft.includes('vllm:time_to_first_token_seconds_sum'))
  assert.ok(ttft.includes('vllm:time_to_first_token_seconds_count'))
  const itl = render('v0.7', 'avg_itl')
  assert.ok(itl.includes('vllm:inter_token_latency_seconds_sum'))
  assert.ok(itl.includes('vllm:inter_token_latency_seconds_count'))
  assert.ok(!itl.includes('time_per_output_token_seconds'))
  // v0.8.0 throughput_analyzer_test.go
  for (const name of ['generation_token_rate', 'kv_usage_instant', 'vllm_request_rate']) {
    const promql = render('v0.8', name)
    assert.ok(promql.includes('namespace="test-ns"') && promql.includes('model_name="test-model"'), name)
  }
  assert.ok(render('v0.8', 'generation_token_rate').includes('[1m]'))
  assert.ok(render('v0.8', 'generation_token_rate').includes('vllm:request_generation_tokens_sum'))
  assert.ok(render('v0.8', 'kv_usage_instant').includes('vllm:kv_cache_usage_perc'))
  assert.ok(!render('v0.8', 'kv_usage_instant').includes('max_over_time'))
  assert.ok(render('v0.8', 'vllm_request_rate').includes('vllm:request_generation_tokens_count'))
  // d5d58640 scale_to_zero_test.go: the SGLang registration reads sglang:num_requests_total and nothing of vLLM.
  const sglangCount = wvaQueryCatalog('v0.9').find((query) => query.name === 'sglang/model_request_count')!
  assert.ok(sglangCount.template.includes('sglang:num_requests_total') && !sglangCount.template.includes('vllm:'))
  const vllmCount = render('v0.9', 'model_request_count', {retentionPeriodMs: 15 * 60_000})
  assert.ok(vllmCount.includes('vllm:request_success_total') && !vllmCount.includes('sglang:'))
})

test('upstream engine_queries_test.go (d5d58640): the per-engine batch lists', () => {
  const list = (engines: Array<'vllm' | 'sglang'>) => names('v0.9', {engines})
  assert.ok(list(['vllm']).includes('scheduler_dispatch_rate') && list(['vllm']).includes('kv_cache_usage'))
  assert.ok(!list(['vllm']).includes('sglang/kv_cache_usage'))
  assert.ok(list(['sglang']).includes('sglang/kv_cache_usage') && !list(['sglang']).includes('kv_cache_usage'))
  assert.ok(list(['sglang']).includes('scheduler_dispatch_rate'))
  const mixed = list(['vllm', 'sglang'])
  assert.ok(mixed.includes('kv_cache_usage') && mixed.includes('sglang/kv_cache_usage'))
  assert.equal(mixed.filter((name) => name === 'scheduler_dispatch_rate').length, 1)
})
