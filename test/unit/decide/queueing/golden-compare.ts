import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {fixturePath} from '../../../support/paths.js'

/** README tolerances: floats relative 1e-6, or absolute 1e-9 when the expected magnitude is below 1e-3. */
export const RELATIVE_TOLERANCE = 1e-6
export const ABSOLUTE_TOLERANCE = 1e-9
export const ABSOLUTE_BELOW = 1e-3

// Integers must match exactly whatever their size (README: numReplicas, maxBatch, K, tokens, ind).
const INTEGER_KEYS = new Set([
  'numReplicas',
  'maxBatch',
  'maxBatchSize',
  'maxQueueSize',
  'occupancyLimitK',
  'ind',
  'avgInTokens',
  'avgOutTokens',
  'numInstances',
  'minNumReplicas',
  'serverMaxBatchSize',
])

export interface Mismatch {
  readonly path: string
  readonly expected: unknown
  readonly actual: unknown
  readonly relativeError?: number
}

const SPECIAL_NUMBERS: Record<string, number> = {
  NaN: Number.NaN,
  '+Inf': Number.POSITIVE_INFINITY,
  '-Inf': Number.NEGATIVE_INFINITY,
}

/** Walk every field of `expected` and collect where `actual` differs beyond the README tolerances. */
export function compareGolden(expected: unknown, actual: unknown, path = '$'): Mismatch[] {
  if (expected === null || typeof expected !== 'object') return compareLeaf(expected, actual, path)
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return [
        {path: `${path}.length`, expected: expected.length, actual: Array.isArray(actual) ? actual.length : actual},
      ]
    return expected.flatMap((item, index) => compareGolden(item, actual[index], `${path}[${index}]`))
  }
  if (actual === null || typeof actual !== 'object') return [{path, expected: '<object>', actual}]
  const record = actual as Record<string, unknown>
  return Object.entries(expected).flatMap(([key, value]) => compareGolden(value, record[key], `${path}.${key}`))
}

function compareLeaf(expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (typeof expected === 'string' && expected in SPECIAL_NUMBERS && typeof actual === 'number') {
    return Object.is(SPECIAL_NUMBERS[expected], actual) ? [] : [{path, expected, actual}]
  }
  if (typeof expected !== 'number' || typeof actual !== 'number')
    return expected === actual ? [] : [{path, expected, actual}]
  const key = path.slice(path.lastIndexOf('.') + 1)
  if (INTEGER_KEYS.has(key)) return expected === actual ? [] : [{path, expected, actual}]
  if (Object.is(expected, actual)) return []
  const difference = Math.abs(actual - expected)
  const relativeError = expected === 0 ? Number.POSITIVE_INFINITY : difference / Math.abs(expected)
  const within =
    Math.abs(expected) < ABSOLUTE_BELOW ? difference <= ABSOLUTE_TOLERANCE : relativeError <= RELATIVE_TOLERANCE
  return within ? [] : [{path, expected, actual, relativeError}]
}

/** Fail with the case id and, per differing field, its path, expected and actual value and relative error. */
export function assertMatchesGolden(caseId: string, expected: unknown, actual: unknown): void {
  const mismatches = compareGolden(expected, actual)
  if (mismatches.length === 0) return
  const lines = mismatches.slice(0, 20).map((m) => {
    const relative = m.relativeError === undefined ? '' : ` (relative error ${m.relativeError.toExponential(2)})`
    return `  ${m.path}: expected ${show(m.expected)}, actual ${show(m.actual)}${relative}`
  })
  const more = mismatches.length > 20 ? `\n  ... and ${mismatches.length - 20} more` : ''
  assert.fail(`golden case ${caseId}: ${mismatches.length} field(s) differ\n${lines.join('\n')}${more}`)
}

/** Parse a vendored golden file (never modified). */
export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath('golden', name), 'utf8')) as T
}

function show(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value)
}
