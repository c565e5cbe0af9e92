import assert from 'node:assert/strict'
import {test} from 'node:test'

import {alignRange, chunkRange, maxPointsPerSeries} from '../../../../src/core/collect/range.js'
import {
  backoffMs,
  defaultMaxPointsPerRequest,
  defaultRetryPolicy,
  retryAfterMs,
} from '../../../../src/core/read/prometheus/client.js'

test('alignRange moves start and end back to multiples of the step since the epoch', () => {
  const aligned = alignRange({
    start: new Date('2025-11-04T11:09:59.720Z'),
    end: new Date(Date.UTC(2025, 10, 4, 12, 9, 59, 720)),
    stepSeconds: 60,
  })
  assert.deepEqual(aligned, {
    start: new Date('2025-11-04T11:09:00Z'),
    end: new Date('2025-11-04T12:09:00Z'),
    stepSeconds: 60,
  })
  // Already aligned: unchanged; a sub-second step aligns to its own multiples.
  assert.deepEqual(alignRange(aligned), aligned)
  assert.deepEqual(alignRange({start: new Date(1_030), end: new Date(2_060), stepSeconds: 0.025}), {
    start: new Date(1_025),
    end: new Date(2_050),
    stepSeconds: 0.025,
  })
  assert.throws(() => alignRange({start: new Date(0), end: new Date(1), stepSeconds: 0}), RangeError)
})

test('chunks cover every step of the range once, each within the points limit, for any limit', () => {
  const start = new Date(1_700_000_000_000)
  for (const [steps, stepSeconds, maxPoints] of [
    [0, 60, 11_000],
    [10, 15, 3],
    [11, 15, 11],
    [12, 15, 11],
    [43_200, 60, 11_000],
    [11_200, 0.025, 11_000],
    [7, 1, 1],
  ] as const) {
    const end = new Date(start.getTime() + Math.round(steps * stepSeconds * 1000))
    const chunks = chunkRange(start, end, stepSeconds, maxPoints)
    const times: number[] = []
    for (const chunk of chunks) {
      const count = Math.round((chunk.end.getTime() - chunk.start.getTime()) / (stepSeconds * 1000)) + 1
      assert.ok(count <= maxPoints, `${count} points > ${maxPoints}`)
      for (let k = 0; k < count; k++) times.push(chunk.start.getTime() + Math.round(k * stepSeconds * 1000))
    }
    const wanted = Array.from({length: steps + 1}, (_, k) => start.getTime() + Math.round(k * stepSeconds * 1000))
    assert.deepEqual(times, wanted, `steps ${steps} at ${stepSeconds}s, limit ${maxPoints}`)
  }
  assert.throws(() => chunkRange(start, start, 60, 0), RangeError)
})

test('backoff doubles per retry up to the cap, with jitter in its upper half', () => {
  const policy = {...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000}
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((retry) => backoffMs(policy, retry, () => 0)),
    [50, 100, 200, 400, 500],
  )
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((retry) => backoffMs(policy, retry, () => 1)),
    [100, 200, 400, 800, 1000],
  )
})

test('Retry-After is read as delta-seconds or an HTTP date; anything else is ignored', () => {
  const now = Date.parse('2025-11-04T10:00:00Z')
  assert.equal(retryAfterMs('7', now), 7000)
  assert.equal(retryAfterMs(' 0 ', now), 0)
  assert.equal(retryAfterMs('Tue, 04 Nov 2025 10:00:30 GMT', now), 30_000)
  assert.equal(retryAfterMs('Tue, 04 Nov 2025 09:00:00 GMT', now), 0)
  assert.equal(retryAfterMs('soon', now), undefined)
  assert.equal(retryAfterMs(undefined, now), undefined)
})

test("the collector's default chunk size is the client's default points limit", () => {
  assert.equal(maxPointsPerSeries, defaultMaxPointsPerRequest)
  assert.equal(defaultMaxPointsPerRequest, 11_000)
})
