import assert from 'node:assert/strict'
import {test} from 'node:test'

import {UsageError} from '../../../../src/core/errors.js'
import {parseQueryData, ResponseShapeError} from '../../../../src/core/read/prometheus/response.js'
import {MAX_FUTURE_MS, parseEvaluationTime} from '../../../../src/core/read/prometheus/time.js'

test('a result holding null, a string, a null value or a non-string label is a malformed answer', () => {
  const vector = (result: unknown) => () => parseQueryData({resultType: 'vector', result})
  const cases: Array<[unknown, RegExp]> = [
    [[null], /vector result\[0\] is null, not a series/],
    [[{metric: {}, value: [1, '1']}, 'x'], /vector result\[1\] is string/],
    [[{metric: {}, value: [1, null]}], /sample value is null/],
    [[{metric: {a: null}, value: [1, '1']}], /label "a" is null, not a string/],
    [[{metric: {a: 1}, value: [1, '1']}], /label "a" is number/],
    [[{metric: {}, value: [null, '1']}], /not a \[time, "value"\] pair/],
  ]
  for (const [result, message] of cases)
    assert.throws(
      vector(result),
      (error: unknown) => error instanceof ResponseShapeError && message.test(error.message),
      JSON.stringify(result),
    )
  assert.throws(() => parseQueryData({resultType: 'matrix', result: [null]}), /matrix result\[0\] is null/)
  assert.throws(
    () => parseQueryData({resultType: 'matrix', result: [{metric: {}, values: [null]}]}),
    /not a \[time, "value"\] pair/,
  )
  assert.deepEqual(parseQueryData({resultType: 'vector', result: [{metric: {a: 'b'}, value: [1.5, 'NaN']}]}), {
    kind: 'vector',
    samples: [{labels: {a: 'b'}, timeMs: 1500, value: Number.NaN}],
  })
})

test('parseEvaluationTime refuses times out of range, in the future, or with fields out of range', () => {
  const now = new Date('2026-11-28T10:00:00Z')
  const refused = (text: string, message: RegExp) =>
    assert.throws(
      () => parseEvaluationTime(text, now, 'at'),
      (error: unknown) => error instanceof UsageError && message.test(error.message) && error.hint !== undefined,
      text,
    )
  refused('100000000000000000000', /^invalid --at "100000000000000000000": out of range$/)
  refused('-100000000y', /out of range/)
  refused(
    '2036-11-28T10:00:00Z',
    /^invalid --at "2036-11-28T10:00:00Z": 2036-11-28T10:00:00\.000Z is in the future \(now is 2026-11-28T10:00/,
  )
  refused('2026-02-30T00:00:00Z', /not a time/)
  refused('2026-11-28T24:00:00Z', /not a time/)
  refused('2026-11-28T10:60:00Z', /not a time/)
  refused('-5x', /^invalid --at "-5x": not a time$/)
  assert.throws(() => parseEvaluationTime('nope', now), /invalid time "nope": not a time$/)
  assert.equal(
    parseEvaluationTime(new Date(now.getTime() + MAX_FUTURE_MS).toISOString(), now).getTime(),
    now.getTime() + MAX_FUTURE_MS,
  )
  assert.equal(parseEvaluationTime('2024-02-29T00:00:00Z', now).toISOString(), '2024-02-29T00:00:00.000Z')
})
