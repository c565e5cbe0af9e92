/** Loading and comparing the saturation V2 golden vectors (test/fixtures/golden, vendored unchanged). */
import assert from 'node:assert/strict'

import type {
  SaturationV2Config,
  SchedulerQueue,
  V2ReplicaMetric,
  V2VariantInput,
} from '../../../../src/core/decide/saturation-v2/index.js'

export {readGolden} from '../queueing/golden-compare.js'

/** The model input every V2 golden file shares. */
export interface GoldenModelInput {
  modelId: string
  namespace: string
  config: SaturationV2Config
  variants: V2VariantInput[] | null
  replicaMetrics: V2ReplicaMetric[] | null
  schedulerQueue: SchedulerQueue | null
}

interface Mismatch {
  readonly path: string
  readonly expected: unknown
  readonly actual: unknown
}

/**
 * Every field of `expected` must equal `actual` exactly (README: "all values are float64 or int64, compare them
 * exactly"); JSON null matches undefined. Extra fields in `actual` are ignored.
 */
export function exactMismatches(expected: unknown, actual: unknown, path = '$'): Mismatch[] {
  if (expected === null) return actual === null || actual === undefined ? [] : [{path, expected, actual}]
  if (typeof expected !== 'object') return expected === actual ? [] : [{path, expected, actual}]
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      const actualLength = Array.isArray(actual) ? actual.length : actual
      return [{path: `${path}.length`, expected: expected.length, actual: actualLength}]
    }
    return expected.flatMap((item, index) => exactMismatches(item, actual[index], `${path}[${index}]`))
  }
  if (actual === null || typeof actual !== 'object') return [{path, expected: '<object>', actual}]
  const record = actual as Record<string, unknown>
  return Object.entries(expected).flatMap(([key, value]) => exactMismatches(value, record[key], `${path}.${key}`))
}

/** Fails with the case id and up to 20 differing fields (path, expected, actual). */
export function assertExactGolden(caseId: string, expected: unknown, actual: unknown): void {
  const mismatches = exactMismatches(expected, actual)
  if (mismatches.length === 0) return
  const lines = mismatches
    .slice(0, 20)
    .map((m) => `  ${m.path}: expected ${JSON.stringify(m.expected)}, actual ${JSON.stringify(m.actual)}`)
  const more = mismatches.length > 20 ? `\n  ... and ${mismatches.length - 20} more` : ''
  assert.fail(`golden case ${caseId}: ${mismatches.length} field(s) differ\n${lines.join('\n')}${more}`)
}
