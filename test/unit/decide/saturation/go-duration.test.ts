import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  formatGoDuration,
  formatPrometheusDuration,
  goDurationSeconds,
  parseGoDuration,
} from '../../../../src/core/decide/saturation/go-duration.js'

function nanoseconds(text: string): bigint {
  const parsed = parseGoDuration(text)
  assert.equal(parsed.kind, 'ok', `${text} should parse`)
  return parsed.kind === 'ok' ? parsed.nanoseconds : 0n
}

test('Go duration strings parse with combined units, decimals and both micro signs', () => {
  assert.equal(nanoseconds('1h30m'), 5_400_000_000_000n)
  assert.equal(nanoseconds('1.5h'), 5_400_000_000_000n)
  assert.equal(nanoseconds('1500ms'), 1_500_000_000n)
  assert.equal(nanoseconds('2\u00b5s'), 2_000n)
  assert.equal(nanoseconds('2\u03bcs'), 2_000n)
  assert.equal(nanoseconds('.5s'), 500_000_000n)
  assert.equal(nanoseconds('-5m'), -300_000_000_000n)
  assert.equal(nanoseconds('0'), 0n)
})

test('strings Go rejects are rejected with Go error texts', () => {
  assert.deepEqual(parseGoDuration('1d'), {kind: 'invalid', error: 'time: unknown unit "d" in duration "1d"'})
  assert.deepEqual(parseGoDuration('abc'), {kind: 'invalid', error: 'time: invalid duration "abc"'})
  assert.deepEqual(parseGoDuration('10'), {kind: 'invalid', error: 'time: missing unit in duration "10"'})
  assert.equal(parseGoDuration('').kind, 'invalid')
  assert.equal(parseGoDuration('.s').kind, 'invalid')
  assert.equal(parseGoDuration('9999999999999999999h').kind, 'invalid')
})

test('durations print as Go prints them', () => {
  assert.equal(formatGoDuration(nanoseconds('90m')), '1h30m0s')
  assert.equal(formatGoDuration(nanoseconds('48h')), '48h0m0s')
  assert.equal(formatGoDuration(nanoseconds('1500ms')), '1.5s')
  assert.equal(formatGoDuration(nanoseconds('500ms')), '500ms')
  assert.equal(formatGoDuration(nanoseconds('1.5us')), '1.5\u00b5s')
  assert.equal(formatGoDuration(nanoseconds('7ns')), '7ns')
  assert.equal(formatGoDuration(0n), '0s')
  assert.equal(formatGoDuration(nanoseconds('-90s')), '-1m30s')
})

test('PromQL ranges use the largest whole unit, floor seconds and at least 1s', () => {
  assert.equal(formatPrometheusDuration(nanoseconds('48h')), '2d')
  assert.equal(formatPrometheusDuration(nanoseconds('36h')), '36h')
  assert.equal(formatPrometheusDuration(nanoseconds('90m')), '90m')
  assert.equal(formatPrometheusDuration(nanoseconds('90s')), '90s')
  assert.equal(formatPrometheusDuration(nanoseconds('1500ms')), '1s')
  assert.equal(formatPrometheusDuration(nanoseconds('2500ms')), '2s')
  assert.equal(formatPrometheusDuration(nanoseconds('500ms')), '1s')
})

test('seconds convert whole and fractional parts separately', () => {
  assert.equal(goDurationSeconds(nanoseconds('1500ms')), 1.5)
  assert.equal(goDurationSeconds(nanoseconds('1h30m')), 5400)
})
