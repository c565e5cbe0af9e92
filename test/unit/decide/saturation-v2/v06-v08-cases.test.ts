import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {decideSaturationV2Model, type SaturationV2Release} from '../../../../src/core/decide/saturation-v2/index.js'
import {assertExactGolden, readGolden, type GoldenModelInput} from './golden-v2.js'

interface OlderCase {
  id: string
  note?: string
  input: GoldenModelInput
  expected: {
    replicaCapacities: unknown[]
    analysis: Record<string, unknown>
    engineSkipsModel: boolean
    decisions: unknown[]
    enforcer: unknown
  }
}

const files: ReadonlyArray<{file: string; release: SaturationV2Release; count: number; tags: string}> = [
  {file: 'saturation-v2-v0.6-cases.json', release: 'v0.6', count: 273, tags: 'v0.6.0 and v0.7.0'},
  {file: 'saturation-v2-v0.8-cases.json', release: 'v0.8', count: 273, tags: 'v0.8.0'},
]

for (const {file, release, count, tags} of files) {
  const golden = readGolden<{cases: OlderCase[]}>(file)
  describe(`${file} (${tags}: analyzer, cost-aware optimizer, enforcer without scale-to-zero)`, () => {
    test(`holds ${count} cases`, () => assert.equal(golden.cases.length, count))
    for (const testCase of golden.cases) {
      test(`${testCase.id} matches upstream${testCase.note === undefined ? '' : `: ${testCase.note}`}`, () => {
        const {input, expected, id} = testCase
        // The harness hands the scheduler queue to the analyzer even at v0.6, whose engine does not.
        const result = decideSaturationV2Model(input, release, {forceSchedulerQueue: true})
        const enforcement = result.enforcement
        assertExactGolden(id, expected, {
          replicaCapacities: result.replicaCapacities,
          // v0.6 reports the score: priority 1 x RC x analyzer score 1.
          analysis: {...result.analysis, score: result.analysis.requiredCapacity},
          engineSkipsModel: result.skipped === 'no-metrics',
          decisions: result.optimizerDecisions,
          enforcer:
            enforcement === undefined
              ? null
              : enforcement.kind === 'skipped'
                ? {skipped: true, scaledToZero: false, minimumReplicaPreserved: false, decisions: result.decisions}
                : {
                    skipped: false,
                    scaledToZero: enforcement.scaledToZero,
                    minimumReplicaPreserved: enforcement.minimumReplicaPreserved,
                    decisions: result.decisions,
                  },
        })
      })
    }
  })
}
