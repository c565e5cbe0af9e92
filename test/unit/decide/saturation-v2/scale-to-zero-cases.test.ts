import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  decideSaturationV2Model,
  resolveV2ScaleToZeroPolicy,
  type InlineScaleToZeroBlock,
} from '../../../../src/core/decide/saturation-v2/index.js'
import type {RequestCountReading, ScaleToZeroConfig} from '../../../../src/core/decide/saturation/index.js'
import {assertExactGolden, readGolden, type GoldenModelInput} from './golden-v2.js'

interface ConfigMapEntry {
  model_id?: string
  namespace?: string
  enable_scale_to_zero?: boolean
  retention_period?: string
}

interface ScaleToZeroCase {
  id: string
  input: GoldenModelInput & {
    saturationConfigEntries: Record<string, {scaleToZeroEnabled: boolean | null}>
    scaleToZeroConfigData: Record<string, ConfigMapEntry>
    envWvaScaleToZero: string | null
    requestCount?: number
    requestCountError?: string
  }
  expected: Record<string, unknown>
}

const golden = readGolden<{cases: ScaleToZeroCase[]}>('saturation-v2-scale-to-zero-cases.json')

/** The parsed scale-to-zero ConfigMap (snake_case in the golden file). */
function toConfig(data: Record<string, ConfigMapEntry>): ScaleToZeroConfig {
  return Object.fromEntries(
    Object.entries(data).map(([key, entry]) => [
      key,
      {
        modelId: entry.model_id,
        namespace: entry.namespace,
        enableScaleToZero: entry.enable_scale_to_zero,
        retentionPeriod: entry.retention_period,
      },
    ]),
  )
}

/** JSON null: the entry has a `scaleToZero:` block without `enabled`. */
function toBlock(entry: {scaleToZeroEnabled: boolean | null} | undefined): InlineScaleToZeroBlock | undefined {
  return entry === undefined ? undefined : {enabled: entry.scaleToZeroEnabled ?? undefined}
}

function toReading(input: ScaleToZeroCase['input']): RequestCountReading {
  return input.requestCountError !== undefined
    ? {kind: 'error', message: input.requestCountError}
    : {kind: 'count', requests: input.requestCount!}
}

describe('saturation-v2-scale-to-zero-cases.json (v0.9.0 gates and enforcer after the cost-aware optimizer)', () => {
  test('holds 140 cases', () => assert.equal(golden.cases.length, 140))
  for (const testCase of golden.cases) {
    test(`${testCase.id} matches upstream`, () => {
      const {input, expected, id} = testCase
      const entries = input.saturationConfigEntries
      const policy = resolveV2ScaleToZeroPolicy({
        modelId: input.modelId,
        scaleToZeroConfig: toConfig(input.scaleToZeroConfigData),
        envWvaScaleToZero: input.envWvaScaleToZero ?? undefined,
        inline: {
          defaultEntry: toBlock(entries.default),
          modelEntry: toBlock(entries[`${input.modelId}#${input.namespace}`]),
        },
      })
      const result = decideSaturationV2Model(input, 'v0.9', {
        scaleToZero: {scaleToZeroEnabled: policy.scaleToZeroEnabled, requestCount: toReading(input)},
      })
      const enforcement = result.enforcement
      const queried = enforcement?.kind === 'ran' && enforcement.requestCountQueried
      assertExactGolden(id, expected, {
        informative: result.skipped === undefined,
        decisionsBefore: result.optimizerDecisions,
        resolvedScaleToZeroEnabled: policy.scaleToZeroEnabled,
        retentionPeriodSeconds: policy.retention.seconds,
        gate: enforcement?.kind === 'skipped' ? enforcement.gate : '',
        requestCountQuery: queried
          ? {
              called: true,
              modelId: input.modelId,
              namespace: input.namespace,
              retentionPeriodSeconds: policy.retention.seconds,
              retentionPeriodGo: policy.retention.goText,
            }
          : {called: false},
        scaledToZero: enforcement?.kind === 'ran' && enforcement.scaledToZero,
        decisionsAfter: result.decisions,
      })
    })
  }
})
