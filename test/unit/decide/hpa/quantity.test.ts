/**
 * Milli conversions: KEDA v2.20.2 pkg/scalers/scaler.go `quantityFromFloat64` (`fmt.Sprintf("%.3f")`, Go rounds exact
 * ties to even; negatives, NaN and ±Inf become 0), Go's `int64(x * 1000)` truncation, and `Quantity.MilliValue()`
 * rounding up.
 */
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {ceilInt32, kedaMilli, maxInt32, quantityMilli, truncMilli} from '../../../../src/core/decide/hpa/index.js'

describe('kedaMilli (quantityFromFloat64)', () => {
  test('three decimals, rounded to nearest', () => {
    assert.equal(kedaMilli(8.6), 8600)
    assert.equal(kedaMilli(0.7), 700)
    assert.equal(kedaMilli(1.23456), 1235)
    assert.equal(kedaMilli(0.0004), 0)
  })
  test('exact binary ties go to even, as Go formats them', () => {
    assert.equal(kedaMilli(0.0625), 62)
    assert.equal(kedaMilli(0.1875), 188)
  })
  test('negative, NaN and infinite values serve 0', () => {
    assert.equal(kedaMilli(-3), 0)
    assert.equal(kedaMilli(Number.NaN), 0)
    assert.equal(kedaMilli(Number.POSITIVE_INFINITY), 0)
  })
  test('very large values stay finite', () => assert.ok(Number.isFinite(kedaMilli(1e20))))
})

describe('truncMilli, quantityMilli, ceilInt32', () => {
  test('int64(x * 1000) truncates toward zero', () => {
    assert.equal(truncMilli(1.9999), 1999)
    assert.equal(truncMilli(-0.0004), 0)
    assert.equal(truncMilli(-1.5), -1500)
  })
  test('MilliValue rounds up', () => {
    assert.equal(quantityMilli(0.7), 700)
    assert.equal(quantityMilli(0.0001), 1)
  })
  test('ceil clamps at MaxInt32', () => {
    assert.equal(ceilInt32(1e12), maxInt32)
    assert.equal(ceilInt32(2.1), 3)
  })
})
