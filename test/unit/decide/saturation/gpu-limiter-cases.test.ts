import {describe, test} from 'node:test'

import {
  limitDecisionsByGpu,
  normalizeAcceleratorName,
  type DiscoveredGpus,
  type LimiterDecisionInput,
} from '../../../../src/core/decide/saturation/index.js'
import {assertExact, nonZero, readGolden} from './golden.js'

interface LimiterCase {
  id: string
  note: string
  input: {nodes: DiscoveredGpus; discoveryError: string; decisions: LimiterDecisionInput[]}
  expected: Record<string, unknown>
  deterministic: boolean
}

const golden = readGolden<{cases: LimiterCase[]; normalizeCases: Array<{input: string; expected: string}>}>(
  'gpu-limiter-cases.json',
)

describe('gpu-limiter-cases.json cases', () => {
  for (const testCase of golden.cases) {
    test(`${testCase.id}: ${testCase.note}`, () => {
      const {input, expected, id} = testCase
      const result = limitDecisionsByGpu(
        input.discoveryError === '' ? {kind: 'ok', nodes: input.nodes} : {kind: 'failed', error: input.discoveryError},
        input.decisions,
      )
      const inventory =
        result.kind === 'limited'
          ? {
              error: '',
              limitByType: nonZero(result.inventory.limitByType),
              usedByType: nonZero(result.inventory.usedByType),
              availableByType: nonZero(result.inventory.availableByType),
              totalLimit: result.inventory.totalLimit,
              totalUsed: result.inventory.totalUsed,
              totalAvailable: result.inventory.totalAvailable,
            }
          : {
              error: result.error,
              limitByType: {},
              usedByType: {},
              availableByType: {},
              totalLimit: 0,
              totalUsed: 0,
              totalAvailable: 0,
            }
      for (const [field, value] of Object.entries(inventory)) assertExact(value, expected[field], id, field)
      assertExact(result.allocationOrder, expected.allocationOrder, id, 'allocationOrder')
      const decisions = result.decisions.map((decision) => ({
        variantName: decision.variantName,
        currentReplicas: decision.currentReplicas,
        originalTargetReplicas: decision.originalTargetReplicas,
        targetReplicas: decision.targetReplicas,
        gpusAllocated: decision.gpusAllocated,
        wasLimited: decision.wasLimited,
        limitedBy: decision.limitedBy ?? '',
        stepName: decision.step?.name ?? '',
        stepReason: decision.step?.reason ?? '',
        stepWasConstrained: decision.step?.wasConstrained ?? false,
        stepAction: decision.step?.action ?? '',
        stepTargetReplicas: decision.step?.targetReplicas ?? 0,
      }))
      assertExact(decisions, expected.decisions, id, 'decisions')
    })
  }
})

describe('gpu-limiter-cases.json normalizeCases', () => {
  for (const {input, expected} of golden.normalizeCases) {
    test(`product name ${JSON.stringify(input)} normalises to ${JSON.stringify(expected)}`, () => {
      assertExact(normalizeAcceleratorName(input), expected, input, 'normalized name')
    })
  }
})
