import assert from 'node:assert/strict'
import {test} from 'node:test'

import {scalePodReading, wvaLoadScale} from '../../../src/core/simulate/wva-load.js'

const pod = {
  namespace: 'ns',
  name: 'p0',
  modelID: 'm',
  kvCacheUsage: 0.4,
  queueLength: 2,
  numGpuBlocks: 100,
  blockSize: 16,
  avgInputTokens: 80,
  arrivalRate: 3,
}

test('scalePodReading: below capacity, KV usage, queue and arrival rate scale with the load', () => {
  const scaled = scalePodReading(pod, 2)
  assert.equal(scaled.kvCacheUsage, 0.8)
  assert.equal(scaled.queueLength, 4)
  assert.equal(scaled.arrivalRate, 6)
})

test('scalePodReading: the KV cache saturates at 1 and the tokens that do not fit wait as requests', () => {
  // Demand 0.4 x 5 = 2 caches of 1600 tokens: 1600 tokens overflow = 20 requests of 80 input tokens.
  const scaled = scalePodReading(pod, 5)
  assert.equal(scaled.kvCacheUsage, 1)
  assert.equal(scaled.queueLength, 2 * 5 + 20)
  // Without cache_config_info or an input length the overflow adds no queue.
  assert.equal(scalePodReading({...pod, blockSize: undefined}, 5).queueLength, 10)
  assert.equal(scalePodReading({...pod, avgInputTokens: 0}, 5).queueLength, 10)
})

test('wvaLoadScale: --arrival-rate over the measured rate, times --load-scale; a note without a rate', () => {
  const model = {namespace: 'ns', modelID: 'm', arrivalRateRpm: 600}
  assert.deepEqual(wvaLoadScale(model, 'ns', 'm', {arrivalRateRpm: 1200, loadScale: 2}), {scale: 4, note: undefined})
  assert.deepEqual(wvaLoadScale(model, 'ns', 'm', {arrivalRateRpm: 0}), {scale: 0, note: undefined})
  const none = wvaLoadScale({namespace: 'ns', modelID: 'm'}, 'ns', 'm', {arrivalRateRpm: 100})
  assert.equal(none.scale, 1)
  assert.match(none.note ?? '', /^model m in ns: no measured arrival rate, .*; use --load-scale$/)
})
