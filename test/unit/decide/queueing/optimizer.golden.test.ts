import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {decideModelBased, type ModelBasedInput} from '../../../../src/core/decide/queueing/model-based.js'
import {selectUnlimited} from '../../../../src/core/decide/queueing/solver-unlimited.js'
import {
  buildSystem,
  computeCandidates,
  createServerAllocation,
  type SystemSpec,
} from '../../../../src/core/decide/queueing/system.js'
import {assertMatchesGolden, readGolden} from './golden-compare.js'

interface OptimizerCase {
  id: string
  input: ModelBasedInput
  expected: Record<string, unknown>
}

interface CoreInput {
  acceleratorCost: number
  accCount: number
  perfMaxBatchSize: number
  atTokens: number
  alpha: number
  beta: number
  gamma: number
  delta: number
  serverMaxBatchSize: number
  minNumReplicas: number
  arrivalRateRpm: number
  avgInTokens: number
  avgOutTokens: number
  sloTtftMs: number
  sloItlMs: number
  sloTps: number
  currentAccelerator: string
  currentReplicas: number
  currentCost: number
  keepAccelerator: boolean
}

interface CoreCase {
  id: string
  input: CoreInput
  expected: Record<string, unknown>
}

const golden = readGolden<{cases: OptimizerCase[]; coreCases: CoreCase[]}>('optimizer-cases.json')

/** A one-server system in upstream's JSON form; the accelerator is named after the current one, or "acc". */
function coreSystem(input: CoreInput): SystemSpec {
  const acc = input.currentAccelerator || 'acc'
  return {
    acceleratorData: {accelerators: [{name: acc, type: acc, multiplicity: 1, cost: input.acceleratorCost}]},
    modelData: {
      models: [
        {
          name: 'model',
          acc,
          accCount: input.accCount,
          maxBatchSize: input.perfMaxBatchSize,
          atTokens: input.atTokens,
          decodeParms: {alpha: input.alpha, beta: input.beta},
          prefillParms: {gamma: input.gamma, delta: input.delta},
        },
      ],
    },
    serviceClassData: {
      serviceClasses: [
        {
          name: 'class',
          priority: 1,
          modelTargets: [
            {model: 'model', 'slo-itl': input.sloItlMs, 'slo-ttft': input.sloTtftMs, 'slo-tps': input.sloTps},
          ],
        },
      ],
    },
    serverData: {
      servers: [
        {
          name: 'server',
          class: 'class',
          model: 'model',
          keepAccelerator: input.keepAccelerator,
          minNumReplicas: input.minNumReplicas,
          maxBatchSize: input.serverMaxBatchSize,
          currentAlloc: {
            accelerator: input.currentAccelerator,
            numReplicas: input.currentReplicas,
            cost: input.currentCost,
            load: {arrivalRate: input.arrivalRateRpm, avgInTokens: input.avgInTokens, avgOutTokens: input.avgOutTokens},
          },
        },
      ],
    },
    optimizerData: {optimizer: {unlimited: true, delayedBestEffort: false, saturationPolicy: 'None'}},
  }
}

function runCoreCase(input: CoreInput): Record<string, unknown> {
  const system = buildSystem(coreSystem(input))
  const server = system.servers[0]!
  const acc = input.currentAccelerator || 'acc'
  const created = createServerAllocation(system, server, acc)
  const candidates = computeCandidates(system, server)
  return {
    outcome: created.outcome,
    createAllocation: created.outcome === 'infeasible' ? null : created.allocation,
    allocation: candidates.get(acc) ?? null,
    chosen: selectUnlimited(candidates) ?? null,
    ...('sizing' in created && created.sizing ? {sizing: created.sizing} : {}),
  }
}

describe('optimizer golden cases reproduce the 4cf6eb6 controller path', () => {
  test('the golden file holds 401 cases and 13 core cases', () => {
    assert.equal(golden.cases.length, 401)
    assert.equal(golden.coreCases.length, 13)
  })
  for (const c of golden.cases) {
    test(c.id, () => assertMatchesGolden(c.id, c.expected, decideModelBased(c.input)))
  }
})

describe('optimizer core cases reproduce upstream pkg/core', () => {
  for (const c of golden.coreCases) {
    test(c.id, () => assertMatchesGolden(c.id, c.expected, runCoreCase(c.input)))
  }
})
