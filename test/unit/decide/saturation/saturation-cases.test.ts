import {describe, test} from 'node:test'

import {
  analyzeCapacityV042,
  analyzeSaturationV051,
  arbitrateWithModelBased,
  calculateCapacityTargets,
  resolveCapacityConfigV042,
  validateSaturationConfigV051,
  type ConfigValidation,
  type ModelGroupInput,
  type ModelSaturationAnalysis,
  type ReplicaTargets,
  type SaturationConfigEntry,
  type SaturationThresholds,
} from '../../../../src/core/decide/saturation/index.js'
import {assertExact, assertOneOf, readGolden} from './golden.js'

interface OrderVariation {
  distinctAvgSpareKvCapacity: number[]
  distinctAvgSpareQueueLength: number[]
  decisionsOrderDependent: boolean
}

interface SaturationCase {
  id: string
  engine: 'capacity-v0.4.2' | 'saturation-v0.5.1'
  note?: string
  input: ModelGroupInput
  expected: Record<string, unknown> & {analysis: ModelSaturationAnalysis & Record<string, unknown>}
  orderVariation?: OrderVariation
}

interface ArbitrationCase {
  id: string
  input: ModelGroupInput & {modelBasedTargets: ReplicaTargets}
  expected: {shouldScaleUp: boolean; scaleDownSafe: boolean; capacityTargets: ReplicaTargets; decisions: unknown[]}
}

type ConfigCase =
  | {
      id: string
      engine: 'capacity-v0.4.2'
      input: {modelId: string; namespace: string; entries: Record<string, SaturationConfigEntry> | null}
      expected: {
        entryChecks: Record<string, {valid: boolean; error: string}>
        effective: SaturationThresholds
        deterministic: boolean
        possibleEffective?: SaturationThresholds[]
      }
    }
  | {
      id: string
      engine: 'saturation-v0.5.1'
      input: {entry: SaturationConfigEntry}
      expected: {valid: boolean; error: string}
    }

const golden = readGolden<{cases: SaturationCase[]; arbitrationCases: ArbitrationCase[]; configCases: ConfigCase[]}>(
  'saturation-cases.json',
)

/** The golden form of a validation: `{valid, error}` with "" for no error. */
function toGoldenCheck(check: ConfigValidation): {valid: boolean; error: string} {
  switch (check.kind) {
    case 'valid':
      return {valid: true, error: ''}
    case 'invalid':
      return {valid: false, error: check.error}
  }
}

/** Compares the analysis; with `orderVariation`, the model averages may be any value Go produced. */
function assertAnalysis(actual: ModelSaturationAnalysis, testCase: SaturationCase): void {
  const {expected, orderVariation, id} = testCase
  if (orderVariation === undefined) {
    assertExact(actual, expected.analysis, id, 'analysis')
    return
  }
  assertOneOf(
    actual.avgSpareKvCapacity,
    [expected.analysis.avgSpareKvCapacity, ...orderVariation.distinctAvgSpareKvCapacity],
    id,
    'avgSpareKvCapacity',
  )
  assertOneOf(
    actual.avgSpareQueueLength,
    [expected.analysis.avgSpareQueueLength, ...orderVariation.distinctAvgSpareQueueLength],
    id,
    'avgSpareQueueLength',
  )
  assertExact(
    {...actual, avgSpareKvCapacity: 0, avgSpareQueueLength: 0},
    {...expected.analysis, avgSpareKvCapacity: 0, avgSpareQueueLength: 0},
    id,
    'analysis',
  )
}

describe('saturation-cases.json cases', () => {
  for (const testCase of golden.cases) {
    test(`${testCase.id} matches the Go engine (${testCase.note ?? testCase.engine})`, () => {
      const {expected, id} = testCase
      switch (testCase.engine) {
        case 'capacity-v0.4.2': {
          const result = analyzeCapacityV042(testCase.input)
          assertAnalysis(result.analysis, testCase)
          assertExact(result.preservedVariants, expected.preservedVariants, id, 'preservedVariants')
          assertExact(result.scaledVariant ?? null, expected.scaledVariant, id, 'scaledVariant')
          assertExact(result.targets, expected.targets, id, 'targets')
          assertExact(result.engineSkip !== undefined, expected.engineSkipsModel, id, 'engineSkipsModel')
          assertExact(result.decisions, expected.decisions, id, 'decisions')
          return
        }
        case 'saturation-v0.5.1': {
          const result = analyzeSaturationV051(testCase.input)
          assertAnalysis(result.analysis, testCase)
          assertExact(result.modelInTransition, expected.modelInTransition, id, 'modelInTransition')
          assertExact(result.transitionReasons, expected.transitionReasons, id, 'transitionReasons')
          assertExact(
            result.skippedForPendingReplicas,
            expected.skippedForPendingReplicas,
            id,
            'skippedForPendingReplicas',
          )
          assertExact(result.scaledVariant ?? null, expected.scaledVariant, id, 'scaledVariant')
          assertExact(result.targets, expected.targets, id, 'targets')
          assertExact(result.engineSkip !== undefined, expected.engineSkipsModel, id, 'engineSkipsModel')
          const enforcer =
            result.enforcement === undefined
              ? null
              : {
                  scaleToZeroEnabled: result.scaleToZeroPolicy.scaleToZeroEnabled,
                  minimumReplicaPreserved: result.enforcement.outcome.kind === 'minimum-preserved',
                  targets: result.enforcement.targets,
                }
          assertExact(enforcer, expected.enforcer, id, 'enforcer')
          assertExact(result.decisions, expected.decisions, id, 'decisions')
          return
        }
      }
    })
  }
})

describe('saturation-cases.json arbitrationCases', () => {
  for (const testCase of golden.arbitrationCases) {
    test(`${testCase.id} arbitrates capacity and model-based targets as Go does`, () => {
      const {input, expected, id} = testCase
      const {analysis} = analyzeCapacityV042(input)
      const {targets} = calculateCapacityTargets(analysis, input.variantStates)
      const decisions = arbitrateWithModelBased(analysis, input.variantStates, targets, input.modelBasedTargets)
      assertExact(analysis.shouldScaleUp, expected.shouldScaleUp, id, 'shouldScaleUp')
      assertExact(analysis.scaleDownSafe, expected.scaleDownSafe, id, 'scaleDownSafe')
      assertExact(targets, expected.capacityTargets, id, 'capacityTargets')
      assertExact(
        decisions.map(({rule: _rule, ...decision}) => decision),
        expected.decisions,
        id,
        'decisions',
      )
    })
  }
})

describe('saturation-cases.json configCases', () => {
  for (const testCase of golden.configCases) {
    test(`${testCase.id} validates and resolves the config as Go does`, () => {
      switch (testCase.engine) {
        case 'capacity-v0.4.2': {
          const {input, expected, id} = testCase
          const resolution = resolveCapacityConfigV042(input.entries ?? undefined, input.modelId, input.namespace)
          const checks = Object.fromEntries(
            [...resolution.entryChecks].map(([key, check]) => [key, toGoldenCheck(check)]),
          )
          assertExact(checks, expected.entryChecks, id, 'entryChecks')
          assertExact(!resolution.isOrderDependent, expected.deterministic, id, 'deterministic')
          if (expected.deterministic) assertExact(resolution.effective, expected.effective, id, 'effective')
          else {
            const isPossible = expected.possibleEffective!.some((effective) => {
              try {
                assertExact(resolution.effective, effective, id, 'effective')
                return true
              } catch {
                return false
              }
            })
            assertExact(isPossible, true, id, 'effective is one of possibleEffective')
          }
          return
        }
        case 'saturation-v0.5.1':
          assertExact(
            toGoldenCheck(validateSaturationConfigV051(testCase.input.entry)),
            testCase.expected,
            testCase.id,
            'validation',
          )
          return
      }
    })
  }
})
