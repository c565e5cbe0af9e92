import assert from 'node:assert/strict'
import {test} from 'node:test'

import {
  parseEnvelope,
  parseQueryData,
  parseSampleValue,
  ResponseShapeError,
} from '../../../../src/core/read/prometheus/response.js'

test('sample values parse special floats as Prometheus prints them', () => {
  assert.equal(parseSampleValue('1.5'), 1.5)
  assert.equal(parseSampleValue('1e-3'), 0.001)
  assert.ok(Number.isNaN(parseSampleValue('NaN')))
  assert.equal(parseSampleValue('+Inf'), Number.POSITIVE_INFINITY)
  assert.equal(parseSampleValue('-Inf'), Number.NEGATIVE_INFINITY)
  assert.throws(() => parseSampleValue(''), ResponseShapeError)
  assert.throws(() => parseSampleValue('abc'), ResponseShapeError)
  assert.throws(() => parseSampleValue(1.5), ResponseShapeError)
})

test('vector, matrix, scalar and string results become typed data with ms timestamps', () => {
  assert.deepEqual(
    parseQueryData({resultType: 'vector', result: [{metric: {pod: 'p'}, value: [1435781451.781, '1']}]}),
    {
      kind: 'vector',
      samples: [{labels: {pod: 'p'}, timeMs: 1435781451781, value: 1}],
    },
  )
  assert.deepEqual(
    parseQueryData({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [1, '2'],
            [16, 'NaN'],
          ],
        },
      ],
    }).kind,
    'matrix',
  )
  assert.deepEqual(parseQueryData({resultType: 'scalar', result: [2, '0.5']}), {
    kind: 'scalar',
    timeMs: 2000,
    value: 0.5,
  })
  assert.deepEqual(parseQueryData({resultType: 'string', result: [2, 'x']}), {kind: 'string', timeMs: 2000, value: 'x'})
  assert.throws(() => parseQueryData({resultType: 'vector', result: {}}), ResponseShapeError)
  assert.throws(() => parseQueryData({resultType: 'histogram', result: []}), ResponseShapeError)
})

test('the envelope keeps errorType, error, warnings and infos; other JSON is rejected', () => {
  assert.deepEqual(parseEnvelope({status: 'error', errorType: 'bad_data', error: 'parse error', warnings: ['w']}), {
    status: 'error',
    data: undefined,
    errorType: 'bad_data',
    error: 'parse error',
    warnings: ['w'],
    infos: [],
  })
  assert.throws(() => parseEnvelope({message: 'AccessDenied'}), ResponseShapeError)
  assert.throws(() => parseEnvelope([]), ResponseShapeError)
})
