import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {analyzeSaturationV2, optimizeCostAware} from '../../../../src/core/decide/saturation-v2/index.js'
import {assertExactGolden, readGolden, type GoldenModelInput} from './golden-v2.js'

interface V09Case {
  id: string
  note?: string
  input: GoldenModelInput
  expected: {replicaCapacities: unknown[]; analysis: unknown; informative: boolean; decisions: unknown[]}
}

const golden = readGolden<{cases: V09Case[]}>('saturation-v2-cases.json')

describe('saturation-v2-cases.json (v0.9.0 analyzer, threshold step, cost-aware optimizer)', () => {
  test('holds 281 cases', () => assert.equal(golden.cases.length, 281))
  for (const testCase of golden.cases) {
    test(`${testCase.id} matches upstream${testCase.note === undefined ? '' : `: ${testCase.note}`}`, () => {
      const {input, expected, id} = testCase
      const {replicaCapacities, analysis} = analyzeSaturationV2(input, 'v0.9')
      const optimized = optimizeCostAware(input.modelId, input.namespace, analysis, input.variants ?? [], 'v0.9')
      assertExactGolden(id, expected, {
        replicaCapacities,
        analysis,
        informative: optimized.informative,
        decisions: optimized.decisions,
      })
    })
  }
})
