import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  analyzeSaturationV2,
  optimizeGreedyByScore,
  type ResourceConstraints,
} from '../../../../src/core/decide/saturation-v2/index.js'
import {assertExactGolden, readGolden, type GoldenModelInput} from './golden-v2.js'

interface LimiterCase {
  id: string
  input: {models: Array<GoldenModelInput & {priority: number}>; constraints: ResourceConstraints[]}
  expected: {decisions: unknown[]; orderDependent: boolean; models: unknown[]}
}

const golden = readGolden<{cases: LimiterCase[]}>('saturation-v2-limiter-cases.json')

describe('saturation-v2-limiter-cases.json (v0.9.0 GreedyByScore with GPU and quota constraints)', () => {
  test('holds 130 cases', () => assert.equal(golden.cases.length, 130))
  for (const testCase of golden.cases) {
    test(`${testCase.id} matches upstream`, () => {
      const {input, expected, id} = testCase
      assert.equal(expected.orderDependent, false)
      const analysed = input.models.map((model) => ({model, analysis: analyzeSaturationV2(model, 'v0.9').analysis}))
      const decisions = optimizeGreedyByScore(
        analysed.map(({model, analysis}) => ({
          modelId: model.modelId,
          namespace: model.namespace,
          priority: model.priority,
          analysis,
          variants: model.variants ?? [],
        })),
        input.constraints,
      )
      const models = analysed.map(({model, analysis}) => ({
        modelId: model.modelId,
        namespace: model.namespace,
        ...analysis,
        perReplicaCapacity: Object.fromEntries(
          analysis.variantCapacities.map((variant) => [variant.variantName, variant.perReplicaCapacity]),
        ),
      }))
      assertExactGolden(id, {decisions: expected.decisions, models: expected.models}, {decisions, models})
    })
  }
})
