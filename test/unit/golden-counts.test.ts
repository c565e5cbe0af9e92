import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {test} from 'node:test'

import {fixturePath} from '../support/paths.js'

// Every array of cases in every golden file, with the count its README states. The golden tests iterate these
// arrays, so an emptied or truncated array would pass them silently; here it fails.
const expectedCounts: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'gpu-limiter-cases.json': {cases: 36, normalizeCases: 18},
  'optimizer-cases.json': {cases: 401, coreCases: 13},
  'queue-analyzer-cases.json': {cases: 220, unitCases: 35},
  'queueing-v2-cases.json': {cases: 309},
  'saturation-cases.json': {cases: 306, arbitrationCases: 26, configCases: 27},
  'saturation-v2-cases.json': {cases: 281},
  'saturation-v2-limiter-cases.json': {cases: 130},
  'saturation-v2-scale-to-zero-cases.json': {cases: 140},
  'saturation-v2-v0.6-cases.json': {cases: 273},
  'saturation-v2-v0.8-cases.json': {cases: 273},
  'scale-to-zero-cases.json': {cases: 44},
  'solver-system-cases.json': {cases: 100},
}

test('the list covers every golden file', () => {
  const files = readdirSync(fixturePath('golden'))
    .filter((file) => file.endsWith('.json'))
    .sort()
  assert.deepEqual(files, Object.keys(expectedCounts).sort())
})

for (const [file, counts] of Object.entries(expectedCounts)) {
  test(`${file} holds ${Object.entries(counts)
    .map(([key, n]) => `${n} ${key}`)
    .join(', ')}`, () => {
    const golden = JSON.parse(readFileSync(fixturePath('golden', file), 'utf8')) as Record<string, unknown>
    const arrays = Object.entries(golden).filter(([, value]) => Array.isArray(value))
    const actual = Object.fromEntries(arrays.map(([key, value]) => [key, (value as unknown[]).length]))
    assert.deepEqual(actual, counts)
  })
}

test('each count is the one the README states for the file', () => {
  const readme = readFileSync(fixturePath('golden', 'README.md'), 'utf8')
  for (const [file, counts] of Object.entries(expectedCounts)) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${file}\``))
    assert.ok(row, `README has no table row for ${file}`)
    for (const n of Object.values(counts)) assert.match(row, new RegExp(`\\b${n}\\b`), `${file}: README row lacks ${n}`)
  }
})
