import assert from 'node:assert/strict'
import {test} from 'node:test'

import {humanDuration} from '../../../src/core/render/age.js'

test('ages read like kubectl get', () => {
  const s = 1000
  const cases: Array<[number, string]> = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [125 * s, '2m5s'],
    [10 * 60 * s, '10m'],
    [179 * 60 * s, '179m'],
    [3 * 3600 * s, '3h'],
    [3 * 3600 * s + 60 * s, '3h1m'],
    [8 * 3600 * s, '8h'],
    [47 * 3600 * s, '47h'],
    [48 * 3600 * s, '2d'],
    [50 * 3600 * s, '2d2h'],
    [8 * 86400 * s, '8d'],
    [730 * 86400 * s, '2y'],
    [731 * 86400 * s, '2y1d'],
    [8 * 365 * 86400 * s, '8y'],
  ]
  for (const [ms, expected] of cases) assert.equal(humanDuration(ms), expected, `${ms} ms`)
})
