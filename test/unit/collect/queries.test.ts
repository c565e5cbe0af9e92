import assert from 'node:assert/strict'
import {test} from 'node:test'

import {chunkRange, maxPointsPerSeries} from '../../../src/core/collect/history.js'
import {collectorProfiles, profileForControllerVersion} from '../../../src/core/plan/profiles.js'
import {scopeSelector} from '../../../src/core/plan/scope.js'
import {toModelMetricsUnit} from '../../../src/core/collect/units.js'
import {joinRegExp} from '../../support/regexp.js'

const single = scopeSelector([{namespace: 'llm', modelID: 'granite-8b'}])

function promql(profile: keyof typeof collectorProfiles, quantity: string, selector = single, window = '1m'): string {
  const definition = collectorProfiles[profile].quantities.find((q) => q.quantity === quantity)
  assert.ok(definition && definition.kind === 'query', `${profile} ${quantity} is not a query`)
  return definition.promql(selector, window)
}

/** The controller's per-VA text (vllm-metrics.md §1.2) is ours with `by (model_name, namespace)` removed. */
function controllerText(batched: string): string {
  return batched.replaceAll('sum by (model_name, namespace) (', 'sum(')
}

test('for one scope the WVA profiles send the controller text plus a by clause', () => {
  const sel = 'model_name="granite-8b",namespace="llm"'
  assert.equal(single, sel)
  assert.equal(controllerText(promql('wva-v0.0.3', 'arrivalRate')), `sum(rate(vllm:request_success_total{${sel}}[1m]))`)
  assert.equal(
    controllerText(promql('wva-v0.0.3', 'avgInputTokens')),
    `sum(rate(vllm:request_prompt_tokens_sum{${sel}}[1m]))/sum(rate(vllm:request_prompt_tokens_count{${sel}}[1m]))`,
  )
  assert.equal(
    controllerText(promql('wva-v0.0.3', 'ttft')),
    `sum(rate(vllm:time_to_first_token_seconds_sum{${sel}}[1m]))` +
      `/sum(rate(vllm:time_to_first_token_seconds_count{${sel}}[1m]))`,
  )
  assert.equal(
    controllerText(promql('wva-v0.0.1', 'arrivalRate')),
    `sum(rate(vllm:request_success_total{${sel}}[1m])) * 60`,
  )
  assert.equal(
    controllerText(promql('wva-v0.0.1', 'ttft')),
    `sum(rate(vllm:request_queue_time_seconds_sum{${sel}}[1m]))` +
      `/sum(rate(vllm:request_queue_time_seconds_count{${sel}}[1m]))`,
  )
  assert.deepEqual(collectorProfiles['wva-4cf6eb6'].quantities, collectorProfiles['wva-v0.0.1'].quantities)
  assert.deepEqual(
    collectorProfiles['wva-v0.0.1'].quantities.find((q) => q.quantity === 'avgInputTokens'),
    {quantity: 'avgInputTokens', kind: 'constant', value: 0},
  )
  assert.equal(
    promql('wva-v0.5', 'avgOutputTokens', single, '5m'),
    `max by (model_name, namespace) (rate(vllm:request_generation_tokens_sum{${sel}}[5m]) / ` +
      `rate(vllm:request_generation_tokens_count{${sel}}[5m]))`,
  )
})

test('the kubectl-va ITL prefers inter_token_latency per pod and guards the denominator', () => {
  const itl = promql('kubectl-va', 'itl')
  assert.match(
    itl,
    joinRegExp([
      /^sum by \(model_name, namespace\) /,
      /\(sum by \(model_name, namespace, pod, instance\) \(rate\(vllm:inter_token_latency_seconds_sum\{/,
    ]),
  )
  assert.match(
    itl,
    joinRegExp([
      / or sum by \(model_name, namespace, pod, instance\) /,
      /\(rate\(vllm:time_per_output_token_seconds_count\{[^}]*\}\[1m\]\)\)\) > 0\)$/,
    ]),
  )
  assert.match(
    promql('kubectl-va', 'ttft'),
    / \/ \(sum by \(model_name, namespace\) \(rate\(vllm:time_to_first_token_seconds_count\{.*\}\[1m\]\)\) > 0\)$/,
  )
})

test('a batched selector covers all namespaces and models once, sorted', () => {
  assert.equal(
    scopeSelector([
      {namespace: 'b', modelID: 'meta-llama/Llama-3.1-8B'},
      {namespace: 'a', modelID: 'granite'},
      {namespace: 'b', modelID: 'granite'},
    ]),
    'model_name=~"granite|meta-llama/Llama-3\\\\.1-8B",namespace=~"a|b"',
  )
})

test('controller versions map to profiles', () => {
  assert.equal(profileForControllerVersion('v0.0.1'), 'wva-v0.0.1')
  assert.equal(profileForControllerVersion('v0.0.2'), 'wva-v0.0.1')
  assert.equal(profileForControllerVersion('v0.0.3'), 'wva-v0.0.3')
  assert.equal(profileForControllerVersion('v0.4.2'), 'wva-v0.0.3')
  assert.equal(profileForControllerVersion('v0.5.1'), 'wva-v0.5')
  assert.equal(profileForControllerVersion('4cf6eb64ce2a'), 'wva-4cf6eb6')
  assert.equal(profileForControllerVersion(undefined), 'kubectl-va')
  assert.equal(profileForControllerVersion('main'), 'kubectl-va')
})

test('units convert once: req/s to req/min, seconds to ms for latencies', () => {
  assert.equal(toModelMetricsUnit('arrivalRate', 'requestsPerSecond', 2.5), 150)
  assert.equal(toModelMetricsUnit('arrivalRate', 'requestsPerMinute', 150), 150)
  assert.equal(toModelMetricsUnit('ttft', 'seconds', 0.25), 250)
  assert.equal(toModelMetricsUnit('avgInputTokens', 'tokens', 12), 12)
})

test('ranges split into chunks of at most 11,000 points that continue one step later', () => {
  const start = new Date(0)
  assert.deepEqual(chunkRange(start, new Date(10_999_000), 1), [{start, end: new Date(10_999_000)}])
  const chunks = chunkRange(start, new Date(11_000_000), 1)
  assert.deepEqual(chunks, [
    {start, end: new Date(10_999_000)},
    {start: new Date(11_000_000), end: new Date(11_000_000)},
  ])
  const small = chunkRange(start, new Date(95_000), 10, 4)
  assert.deepEqual(
    small.map((c) => [c.start.getTime() / 1000, c.end.getTime() / 1000]),
    [
      [0, 30],
      [40, 70],
      [80, 95],
    ],
  )
  for (const chunk of chunkRange(start, new Date(86_400_000 * 7), 15)) {
    assert.ok((chunk.end.getTime() - chunk.start.getTime()) / 15_000 + 1 <= maxPointsPerSeries)
  }
  assert.throws(() => chunkRange(new Date(10), new Date(0), 1))
  assert.throws(() => chunkRange(start, start, 0))
})
