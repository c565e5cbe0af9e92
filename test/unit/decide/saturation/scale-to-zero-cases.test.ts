import {describe, test} from 'node:test'

import {
  enforceScaleToZeroPolicy,
  resolveScaleToZeroPolicy,
  toTargets,
  type RequestCountReading,
  type ScaleToZeroConfig,
  type VariantCost,
} from '../../../../src/core/decide/saturation/index.js'
import {assertExact, readGolden} from './golden.js'

interface ScaleToZeroCase {
  id: string
  note: string
  input: {
    modelId: string
    namespace: string
    targets: Array<{variantName: string; replicas: number}>
    variantAnalyses: VariantCost[]
    scaleToZeroConfigData: Record<
      string,
      {modelId: string; namespace: string; enableScaleToZero: boolean | null; retentionPeriod: string}
    >
    envWvaScaleToZero: string | null
    requestCount: number | null
    requestCountError?: string
  }
  expected: {
    scaleToZeroEnabled: boolean
    retentionPeriodSeconds: number
    queried: boolean
    query: unknown
    targets: Record<string, number> | null
    applied: boolean
  }
  deterministic: boolean
  possibleOutcomes?: Array<{targets: Record<string, number>; applied: boolean}>
}

const golden = readGolden<{cases: ScaleToZeroCase[]}>('scale-to-zero-cases.json')

/** JSON null means "unset" in the golden file; the port uses undefined. */
function toConfig(data: ScaleToZeroCase['input']['scaleToZeroConfigData']): ScaleToZeroConfig {
  return Object.fromEntries(
    Object.entries(data).map(([key, entry]) => [
      key,
      {...entry, enableScaleToZero: entry.enableScaleToZero ?? undefined},
    ]),
  )
}

function toReading(input: ScaleToZeroCase['input']): RequestCountReading {
  return input.requestCount === null
    ? {kind: 'error', message: input.requestCountError ?? ''}
    : {kind: 'count', requests: input.requestCount}
}

describe('scale-to-zero-cases.json', () => {
  for (const testCase of golden.cases) {
    test(`${testCase.id}: ${testCase.note}`, () => {
      const {input, expected, id} = testCase
      const policy = resolveScaleToZeroPolicy({
        modelId: input.modelId,
        namespace: input.namespace,
        scaleToZeroConfig: toConfig(input.scaleToZeroConfigData),
        envWvaScaleToZero: input.envWvaScaleToZero ?? undefined,
      })
      const query = policy.requestCountQuery
      const result = enforceScaleToZeroPolicy({
        targets: toTargets(input.targets.map((target) => [target.variantName, target.replicas])),
        variantCosts: input.variantAnalyses,
        policy,
        // Upstream only queries when enabled; the reading is supplied only then.
        requestCount: query === undefined ? undefined : toReading(input),
      })
      assertExact(policy.scaleToZeroEnabled, expected.scaleToZeroEnabled, id, 'scaleToZeroEnabled')
      assertExact(policy.retention.seconds, expected.retentionPeriodSeconds, id, 'retentionPeriodSeconds')
      assertExact(query !== undefined, expected.queried, id, 'queried')
      assertExact(
        query === undefined
          ? null
          : {
              modelId: query.modelId,
              namespace: query.namespace,
              retentionPeriodSeconds: query.retention.seconds,
              retentionPeriodGo: query.retention.goText,
              retentionPeriodPromql: query.retention.promqlRange,
            },
        expected.query,
        id,
        'query',
      )
      if (testCase.deterministic) {
        assertExact(
          {targets: result.targets, applied: result.applied},
          {targets: expected.targets, applied: expected.applied},
          id,
          'enforcement',
        )
        return
      }
      const outcome = JSON.stringify({targets: result.targets, applied: result.applied})
      const possible = testCase.possibleOutcomes!.map((candidate) =>
        JSON.stringify({
          targets: Object.fromEntries(Object.entries(candidate.targets).sort()),
          applied: candidate.applied,
        }),
      )
      assertExact(possible.includes(outcome), true, id, `outcome ${outcome} is one of possibleOutcomes`)
      assertExact(
        result.outcome.kind === 'minimum-preserved' && result.outcome.isOrderDependent,
        true,
        id,
        'isOrderDependent',
      )
    })
  }
})
