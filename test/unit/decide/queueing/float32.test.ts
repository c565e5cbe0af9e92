import assert from 'node:assert/strict'
import {test} from 'node:test'

import {formatGoFloat32, parseGoFloat32} from '../../../../src/core/decide/queueing/float32.js'

test('parseGoFloat32 rounds decimals to float32 and accepts what Go accepts', () => {
  assert.deepEqual(parseGoFloat32('0.1'), {ok: true, value: Math.fround(0.1)})
  assert.deepEqual(parseGoFloat32('+1.5e2'), {ok: true, value: 150})
  assert.deepEqual(parseGoFloat32('.5'), {ok: true, value: 0.5})
  assert.deepEqual(parseGoFloat32('0x1p-2'), {ok: true, value: 0.25})
  assert.deepEqual(parseGoFloat32('-Inf'), {ok: true, value: Number.NEGATIVE_INFINITY})
})

test('parseGoFloat32 rejects what Go rejects, with Go error texts', () => {
  assert.deepEqual(parseGoFloat32(''), {ok: false, error: 'strconv.ParseFloat: parsing "": invalid syntax'})
  assert.deepEqual(parseGoFloat32('12abc'), {ok: false, error: 'strconv.ParseFloat: parsing "12abc": invalid syntax'})
  assert.deepEqual(parseGoFloat32(' 1'), {ok: false, error: 'strconv.ParseFloat: parsing " 1": invalid syntax'})
  assert.deepEqual(parseGoFloat32('1e39'), {ok: false, error: 'strconv.ParseFloat: parsing "1e39": value out of range'})
})

test('formatGoFloat32 prints the shortest float32 digits in Go %v layout', () => {
  assert.equal(formatGoFloat32(60), '60')
  assert.equal(formatGoFloat32(Math.fround(0.00015218729)), '0.00015218729')
  assert.equal(formatGoFloat32(Math.fround(1.5233963e-6)), '1.5233963e-06')
  assert.equal(formatGoFloat32(1e6), '1e+06')
  assert.equal(formatGoFloat32(Math.fround(123456.7)), '123456.7')
  assert.equal(formatGoFloat32(-1), '-1')
})
