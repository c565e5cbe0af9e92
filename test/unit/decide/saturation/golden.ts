/** Loading and comparing the saturation golden vectors (test/fixtures/golden, vendored unchanged). */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {fixturePath} from '../../../support/paths.js'

export function readGolden<T>(fileName: string): T {
  return JSON.parse(readFileSync(fixturePath('golden', fileName), 'utf8')) as T
}

/** Exact equality of a sub-object (floats included); the message names the case and the field. */
export function assertExact(actual: unknown, expected: unknown, caseId: string, field: string): void {
  assert.deepStrictEqual(actual, expected, `${caseId}: ${field} differs`)
}

/** Exact, or one of the values Go produced in another map order. */
export function assertOneOf(actual: number, allowed: readonly number[], caseId: string, field: string): void {
  assert.ok(allowed.includes(actual), `${caseId}: ${field} is ${actual}, expected one of ${allowed.join(', ')}`)
}

/** A Map as the plain object the golden JSON uses. */
export function fromMap<V>(map: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries(map)
}

/** Drops zero entries: the golden limiter maps list non-zero entries only. */
export function nonZero(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].filter(([, value]) => value !== 0))
}
