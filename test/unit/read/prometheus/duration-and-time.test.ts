import assert from 'node:assert/strict'
import {test} from 'node:test'

import {UsageError} from '../../../../src/core/errors.js'
import {formatPromDuration, parsePromDurationMs} from '../../../../src/core/read/prometheus/duration.js'
import {formatApiTime, parseEvaluationTime} from '../../../../src/core/read/prometheus/time.js'

test('durations parse in Prometheus syntax, largest unit first', () => {
  assert.equal(parsePromDurationMs('30s'), 30_000)
  assert.equal(parsePromDurationMs('1m'), 60_000)
  assert.equal(parsePromDurationMs('6h'), 21_600_000)
  assert.equal(parsePromDurationMs('1h30m'), 5_400_000)
  assert.equal(parsePromDurationMs('500ms'), 500)
  assert.equal(parsePromDurationMs('2d'), 172_800_000)
  assert.equal(parsePromDurationMs('1w'), 604_800_000)
  assert.equal(parsePromDurationMs('1y'), 365 * 86_400_000)
})

test('malformed, unordered, fractional and zero durations are usage errors', () => {
  for (const text of ['', '1', '1.5m', '30m1h', 'm', '1M', '-1m', '0s', '1 m']) {
    assert.throws(
      () => parsePromDurationMs(text),
      (error: unknown) => error instanceof UsageError && /duration/.test(error.message),
      text,
    )
  }
})

test('durations format back the way Prometheus prints them', () => {
  assert.equal(formatPromDuration(60_000), '1m')
  assert.equal(formatPromDuration(90_000), '1m30s')
  assert.equal(formatPromDuration(86_400_000), '1d')
  assert.equal(formatPromDuration(1500), '1s500ms')
  for (const text of ['10m', '1h30m', '2w', '4h', '5m'])
    assert.equal(formatPromDuration(parsePromDurationMs(text)), text)
})

const now = new Date('2025-11-04T10:00:00Z')

test('--at accepts RFC 3339, Unix seconds, now and times relative to now', () => {
  assert.equal(parseEvaluationTime('2025-11-04T09:30:00Z', now).toISOString(), '2025-11-04T09:30:00.000Z')
  assert.equal(parseEvaluationTime('2025-11-04T11:30:00.250+02:00', now).toISOString(), '2025-11-04T09:30:00.250Z')
  assert.equal(parseEvaluationTime('1762250400', now).toISOString(), '2025-11-04T10:00:00.000Z')
  assert.equal(parseEvaluationTime('1762250400.5', now).getTime(), 1_762_250_400_500)
  assert.equal(parseEvaluationTime('-15m', now).toISOString(), '2025-11-04T09:45:00.000Z')
  assert.equal(parseEvaluationTime('now-1h', now).toISOString(), '2025-11-04T09:00:00.000Z')
  assert.equal(parseEvaluationTime('now', now).getTime(), now.getTime())
})

test('--at rejects other formats with a usage error naming the accepted ones', () => {
  for (const text of ['yesterday', '2025-11-04', '2025-11-04T10:00:00', '-15', '+15m', '2025-13-04T10:00:00Z']) {
    assert.throws(
      () => parseEvaluationTime(text, now),
      (error: unknown) => error instanceof UsageError && /RFC 3339|duration/.test(`${error.message} ${error.hint}`),
      text,
    )
  }
})

test('API times are Unix seconds with at most millisecond precision', () => {
  assert.equal(formatApiTime(new Date(1_700_000_000_000)), '1700000000')
  assert.equal(formatApiTime(new Date(1_700_000_000_250)), '1700000000.250')
})
