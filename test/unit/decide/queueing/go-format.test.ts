import assert from 'node:assert/strict'
import {test} from 'node:test'

import {formatGoFixed} from '../../../../src/core/decide/queueing/go-format.js'

test('exact binary ties round half to even, as Go does', () => {
  assert.equal(formatGoFixed(0.125, 2), '0.12')
  assert.equal(formatGoFixed(0.375, 2), '0.38')
  assert.equal(formatGoFixed(0.0625, 3), '0.062')
  assert.equal(formatGoFixed(2.25, 1), '2.2')
  assert.equal(formatGoFixed(2.5, 0), '2')
  assert.equal(formatGoFixed(3.5, 0), '4')
})

test('non-ties round to nearest like toFixed', () => {
  assert.equal(formatGoFixed(0.005, 2), '0.01') // 0.005 is slightly above the tie in binary
  assert.equal(formatGoFixed(1.005, 2), '1.00') // and 1.005 slightly below
  assert.equal(formatGoFixed(120.456, 2), '120.46')
  assert.equal(formatGoFixed(0, 2), '0.00')
})

test('negative values and special values are printed as Go prints them', () => {
  assert.equal(formatGoFixed(-0.125, 2), '-0.12')
  assert.equal(formatGoFixed(-0.001, 2), '-0.00')
  assert.equal(formatGoFixed(Number.NaN, 2), 'NaN')
  assert.equal(formatGoFixed(Number.POSITIVE_INFINITY, 2), '+Inf')
})
