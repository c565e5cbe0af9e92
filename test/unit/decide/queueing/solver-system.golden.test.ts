import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Allocation} from '../../../../src/core/decide/queueing/allocation.js'
import {solveSystem} from '../../../../src/core/decide/queueing/solver.js'
import {buildSystem, type SystemSpec} from '../../../../src/core/decide/queueing/system.js'
import {assertMatchesGolden, readGolden} from './golden-compare.js'

interface SystemCase {
  id: string
  input: {system: SystemSpec}
  expected: {solution: Record<string, unknown>; candidates: Record<string, Record<string, unknown>>}
}

const golden = readGolden<{cases: SystemCase[]}>('solver-system-cases.json')

function solutionView(allocation: Allocation) {
  const {accelerator, numReplicas, maxBatch, cost, itlMs, ttftMs} = allocation
  return {accelerator, numReplicas, maxBatch, cost, itlMs, ttftMs}
}

describe('solver system golden cases reproduce upstream pkg/solver', () => {
  test('the golden file holds 100 system cases', () => assert.equal(golden.cases.length, 100))
  for (const c of golden.cases) {
    test(c.id, () => {
      const {candidates, solution} = solveSystem(buildSystem(c.input.system))
      const actual = {
        solution: Object.fromEntries([...solution].map(([name, allocation]) => [name, solutionView(allocation)])),
        candidates: Object.fromEntries([...candidates].map(([name, perAcc]) => [name, Object.fromEntries(perAcc)])),
      }
      // Servers without an allocation must be absent, not merely different.
      assert.deepEqual(
        Object.keys(actual.solution).sort(),
        Object.keys(c.expected.solution).sort(),
        `${c.id}: solution servers`,
      )
      for (const [name, perAcc] of Object.entries(c.expected.candidates)) {
        assert.deepEqual(
          Object.keys(actual.candidates[name] ?? {}).sort(),
          Object.keys(perAcc).sort(),
          `${c.id}: candidates of ${name}`,
        )
      }
      assertMatchesGolden(c.id, {solution: c.expected.solution, candidates: c.expected.candidates}, actual)
    })
  }
})
